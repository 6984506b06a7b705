"""Simulations side by side (forecast.py's `simulated_days_of`, `SimulatedTogether`): each
gives exactly what it gives alone, whatever runs beside it and however its block is summed,
and the replays that use them find the same forecasts as one simulation at a time."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pytest

from milepost.model import Milestone, Project, Task
from milepost.status import forecast
from milepost.status.forecast import (
    NO_END,
    SimulatedTogether,
    SimulationSpec,
    Week,
    prepare_forecasts,
    simulated_days_of,
    with_simulated,
)

TODAY = dt.date(2026, 11, 24)


def spec(seed: int, *, runs: int = 300, max_weeks: int = forecast.MAX_WEEKS) -> SimulationSpec:
    """A simulation of random past weeks (zero weeks and growth included) and 1 to 4 queues."""
    draw = random.Random(seed)
    count = draw.randrange(6, 40)
    weeks = tuple(Week(draw.choice((0, 0, 1, 2, 3, 5, 8)), draw.choice((0, 0, 0, 1, 3))) for _ in range(count))
    queues = tuple(sorted(draw.randrange(1, 60) for _ in range(draw.randrange(1, 5))))
    return SimulationSpec(weeks, queues, runs, seed * 7919, max_weeks)


def alone(one: SimulationSpec) -> tuple[np.ndarray, int]:
    return simulated_days_of([one])[0]


def same(left: tuple[np.ndarray, int], right: tuple[np.ndarray, int]) -> bool:
    return bool(np.array_equal(left[0], right[0])) and left[1] == right[1]


def test_each_simulation_side_by_side_gives_what_it_gives_alone() -> None:
    specs = [spec(n, runs=50 + 40 * n, max_weeks=(5, 20, 33, 64, 260)[n % 5]) for n in range(12)]
    together = simulated_days_of(specs)
    assert all(same(got, alone(one)) for got, one in zip(together, specs, strict=True))
    backwards = simulated_days_of(specs[::-1])[::-1]
    assert all(same(got, want) for got, want in zip(backwards, together, strict=True))
    # Not all alike: the test would see a simulation that took another's draws.
    assert len({got[0].tobytes() for got in together}) == len(specs)


def test_a_future_past_its_horizon_has_no_end_and_the_others_go_on() -> None:
    short = SimulationSpec((Week(1, 0),) * 8, (40,), 100, 3, max_weeks=10)  # needs 40 weeks
    long = SimulationSpec((Week(1, 0),) * 8, (40,), 100, 3, max_weeks=60)
    (short_days, short_steps), (long_days, _) = simulated_days_of([short, long])
    assert set(short_days[0].tolist()) == {NO_END} and short_steps == 100 * 10
    assert set(long_days[0].tolist()) == {40 * 7}


@pytest.mark.parametrize("row_by_row", [0, 10**9])
def test_the_block_is_summed_the_same_a_row_at_a_time_or_whole(
    monkeypatch: pytest.MonkeyPatch, row_by_row: int
) -> None:
    """Wide blocks are summed a row at a time, narrow ones whole: the days are the same."""
    specs = [spec(n, runs=700) for n in range(4)]
    usual = simulated_days_of(specs)
    monkeypatch.setattr(forecast, "_ROW_BY_ROW", row_by_row)
    assert all(same(got, want) for got, want in zip(simulated_days_of(specs), usual, strict=True))


def test_the_finishing_week_found_by_halving_is_the_count_of_weeks_below() -> None:
    draw = np.random.default_rng(4)
    for width in (1, 2, 5, 31, 32):
        best = np.maximum.accumulate(draw.integers(0, 9, (width, 300)).astype(np.float64).cumsum(axis=0), axis=0)
        col = draw.integers(0, 300, 500)
        size = draw.integers(0, 9 * width, 500).astype(np.float64)
        want = np.count_nonzero(best[:, col] < size, axis=0)
        assert np.array_equal(forecast._weeks_below(best, col, size), want)


def replayed_project(weeks: int) -> Project:
    """Three open milestones with tasks done over `weeks` weeks, promised at different days
    (two on the same day)."""
    done = [TODAY - dt.timedelta(days=3 * n + 1) for n in range(weeks * 2)]
    first = Milestone("a", "A", due=TODAY + dt.timedelta(days=20),
                      tasks=tuple(Task("t", day) for day in done) + (Task("open"),) * 9)
    second = Milestone("b", "B", due=TODAY + dt.timedelta(days=50), tasks=(Task("open"),) * 12)
    third = Milestone("c", "C", due=TODAY + dt.timedelta(days=50), tasks=(Task("t", done[0]),) + (Task("open"),) * 4)
    return Project(slug="p", client="c", name="P", milestones=(first, second, third))


def test_forecasts_made_together_are_those_made_one_at_a_time() -> None:
    days = [TODAY - dt.timedelta(days=7 * n) for n in range(0, 6)]
    prepared = [prepare_forecasts(replayed_project(12), day, runs=400) for day in days]
    together = SimulatedTogether(prepared)
    assert [with_simulated(p, together=together) for p in prepared] == [with_simulated(p) for p in prepared]


def test_the_work_left_before_a_milestone_counts_every_open_one_promised_no_later() -> None:
    prepared = prepare_forecasts(replayed_project(12), TODAY)
    assert prepared.job is not None
    # a: its own 9; b and c, promised the same day: 9 + 12 + 4 each.
    assert dict(zip([m.id for m in prepared.job.open_ones], prepared.job.queues, strict=True)) == {
        "a": 9, "b": 25, "c": 25,
    }

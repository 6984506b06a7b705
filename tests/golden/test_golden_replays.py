"""Golden replays: the calibration record and the health strip of fixed projects.

The cases are in tests/golden/replays/cases.yml. For each, the figures (every replayed
forecast, whether it held, and the state at the end of every week) are compared with
<case>.yml, and the strip and the calibration sentence as the project page and the home
page's card draw them with <case>-record.html. After a deliberate change, rewrite the files
with

    MILEPOST_UPDATE_GOLDEN=1 .venv/bin/pytest -n0 tests/golden/test_golden_replays.py

and read the diff before committing it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from factories import file_versions_from_case
from helpers import GOLDEN, OTHER_PROCESSES, matches_golden, output_in_new_process
from milepost.i18n import texts_for
from milepost.load.model_from_data import project_from_data
from milepost.load.yaml_source import load_yaml_text
from milepost.model import Milestone, Project, Task, WaitingItem, WorkKind, WorkNote
from milepost.render.environment import render
from milepost.render.health_record import calibration_sentence, health_record_view, health_strip_view
from milepost.status.calibration import Calibration, project_calibration
from milepost.status.forecast import Forecast
from milepost.status.forecast_cache import ReplayedForecasts, replays_path
from milepost.status.health import project_health
from milepost.status.health_timeline import HealthWeek, health_weeks
from milepost.status.outlook import ProjectOutlook, project_outlook
from milepost.time_zone import client_zone

REPLAYS = GOLDEN / "replays"
CASES: dict[str, Any] = yaml.safe_load((REPLAYS / "cases.yml").read_text(encoding="utf-8"))



def measured(name: str) -> tuple[Project, ProjectOutlook]:
    case = CASES[name]
    data = load_yaml_text(yaml.safe_dump(case["project"], sort_keys=False, allow_unicode=True)).data
    project = project_from_data("client", Path(f"{name}.yml"), data, f"{name}.yml")
    outlook = project_outlook(project, file_versions_from_case(case), (), case["today"], timezone=case["timezone"])
    return project, outlook


def figures(name: str) -> str:
    """The replays as YAML: what status.json carries, in a reviewable diff."""
    _project, outlook = measured(name)
    calibration = outlook.calibration
    assert calibration is not None
    data = {
        "calibration": {
            "held": calibration.held,
            "total": calibration.total,
            "replays": [
                {
                    "milestone": r.milestone,
                    "made": r.made.isoformat(),
                    "done": r.done.isoformat(),
                    "earliest": r.earliest.isoformat(),
                    "latest": r.latest.isoformat() if r.latest else None,
                    "held": r.held,
                }
                for r in calibration.replays
            ],
        },
        "weeks": [f"{w.end.isoformat()} {w.state.value} ({w.rule})" for w in outlook.health_weeks],
    }
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def drawn(name: str) -> str:
    """The project page's record and the card's strip, as HTML."""
    case = CASES[name]
    texts = texts_for(case["language"], case["timezone"])
    _project, outlook = measured(name)
    record = health_record_view(outlook.health_weeks, outlook.calibration, texts)
    page = render("health_record.html.j2", texts, record=record)
    card = health_strip_view(outlook.health_weeks, texts, chart_id=f"mp-health-{name}", compact=True)
    return page + (render("charts/health_strip.html.j2", texts, chart=card) if card else "")


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_replays_match_their_golden_files(name: str) -> None:
    different = [
        golden.name
        for golden, got in ((REPLAYS / f"{name}.yml", figures(name)), (REPLAYS / f"{name}-record.html", drawn(name)))
        if not matches_golden(golden, got)
    ]
    assert not different, (
        f"{different} differ from what the replays give now; compare, and rewrite them if the change is "
        "deliberate (see this module's docstring)"
    )


def test_the_steady_project_has_its_record_and_every_week() -> None:
    """What the golden files must show, said outright: two finished milestones replayed (the
    first finished before the project had six weeks of history), one range held; a week for
    every week since the file was first committed, the last one today's state."""
    _project, outlook = measured("steady")
    assert outlook.calibration is not None
    assert [r.milestone for r in outlook.calibration.replays] == ["build", "content"]
    assert (outlook.calibration.held, outlook.calibration.total) == (1, 2)
    weeks = outlook.health_weeks
    assert weeks[0].end == dt.date(2026, 3, 2) and weeks[-1].end == CASES["steady"]["today"]
    assert all((b.end - a.end).days == 7 for a, b in itertools.pairwise(weeks))


def test_nothing_replayed_says_that_nothing_could_be_checked_yet() -> None:
    for name in ("young", "unversioned"):
        _project, outlook = measured(name)
        assert outlook.calibration is not None and outlook.calibration.total == 0
        nothing_checked = calibration_sentence(Calibration(0, 0), texts_for(CASES[name]["language"]))
        assert nothing_checked is not None and nothing_checked in drawn(name)
    _project, outlook = measured("unversioned")
    assert outlook.health_weeks == () and "mp-health-strip" not in drawn("unversioned")


def test_replayed_forecasts_are_kept_and_read_back_the_next_day_and_a_week_later(tmp_path: Path) -> None:
    """The calibration's replayed forecasts and the strip's weeks as judged are kept
    (status/forecast_cache.py) and give what replaying them gives; an unchanged project replays
    nothing again the same day, only the strip's new week ends the next day (the calibration's
    days are fixed), and a week later only the week that was today (then judged with the
    page's own forecasts)."""
    case = CASES["steady"]
    project, _outlook = measured("steady")
    versions = file_versions_from_case(case)
    zone = client_zone(case["timezone"])
    first: dt.date = case["today"]

    Record = tuple[Calibration, tuple[HealthWeek, ...]]

    def replayed(today: dt.date, cache: Path | None) -> tuple[Record, list[dt.date]]:
        """The replays, and the days simulated (calibration) or judged (strip) anew."""
        kept = ReplayedForecasts(cache, "client", project.slug) if cache is not None else None
        simulated: list[dt.date] = []

        class Counted:
            """The cache, counting the days simulated."""

            def kept(self, day: dt.date, inputs: object) -> dict[str, Forecast] | None:
                assert kept is not None
                return kept.kept(day, inputs)

            def week(self, day: dt.date, inputs: object) -> tuple[str, str] | None:
                assert kept is not None
                return kept.week(day, inputs)

            def keep_week(self, day: dt.date, inputs: object, state: str, rule: str) -> None:
                assert kept is not None
                simulated.append(day)
                kept.keep_week(day, inputs, state, rule)

            def __call__(
                self, day: dt.date, inputs: object, simulate: Callable[[], dict[str, Forecast]]
            ) -> dict[str, Forecast]:
                def counted() -> dict[str, Forecast]:
                    simulated.append(day)
                    return simulate()

                assert kept is not None
                return kept(day, inputs, counted)

        keep = Counted()

        now = project_health(project, today)
        record = (
            project_calibration(project, versions, zone, today, keep=keep if kept else None),
            health_weeks(project, versions, (), zone, today, now=now, inactive_days=14, keep=keep if kept else None),
        )
        if kept is not None:
            kept.save()
        return record, simulated

    plain, _ = replayed(first, None)
    cold, simulated = replayed(first, tmp_path)
    calibration_days = {r.made for r in plain[0].replays}
    assert cold == plain and calibration_days and calibration_days <= set(simulated)
    assert replayed(first, tmp_path) == (plain, [])  # the same day: all read back
    next_day = first + dt.timedelta(days=1)
    got, simulated = replayed(next_day, tmp_path)
    assert got == replayed(next_day, None)[0]
    assert simulated and all((day - next_day).days % 7 == 0 for day in simulated)  # the strip's new weeks only
    week_later = first + dt.timedelta(days=7)
    got, simulated = replayed(week_later, tmp_path)
    assert got == replayed(week_later, None)[0] and set(simulated) <= {first}


def test_a_build_with_a_cache_keeps_the_replays_and_reads_them_back(tmp_path: Path) -> None:
    case = CASES["steady"]
    project, plain = measured("steady")

    def outlook() -> ProjectOutlook:
        return project_outlook(
            project, file_versions_from_case(case), (), case["today"], timezone=case["timezone"], cache_dir=tmp_path
        )

    first = outlook()
    entry = replays_path(tmp_path, project.client, project.slug)
    written = entry.stat().st_ino
    again = outlook()
    assert (first.calibration, first.health_weeks) == (plain.calibration, plain.health_weeks)
    assert (again.calibration, again.health_weeks) == (plain.calibration, plain.health_weeks)
    assert entry.stat().st_ino == written  # all read back: not written again


def all_figures() -> bytes:
    return json.dumps({name: figures(name) for name in sorted(CASES)}, sort_keys=True).encode("utf-8")


@pytest.mark.parametrize("environ", OTHER_PROCESSES, ids=lambda e: e["TZ"])
def test_another_process_replays_the_same(environ: dict[str, str]) -> None:
    """The same data replays the same in a process with another hash seed and local time zone
    (the simulation's seed comes from the data, the days from the client's zone)."""
    got = json.loads(output_in_new_process(Path(__file__), "all_figures()", environ))
    for name, text in got.items():
        assert text == (REPLAYS / f"{name}.yml").read_text(encoding="utf-8"), name


Inputs = tuple[Project, list[WorkNote], int]  # the project, the work shown, the quiet days allowed


def _mutations(project: Project) -> dict[str, tuple[Inputs, Inputs]]:
    """The steady project before and after a change to one input a past week's replay reads."""
    first, *rest = project.milestones
    day = dt.date(2026, 4, 1)
    early = dataclasses.replace(first, start=dt.date(2026, 1, 5))
    undone = dataclasses.replace(
        first, tasks=tuple(dataclasses.replace(task, done=None) for task in first.tasks), done=None
    )
    asked = WaitingItem("Texts for the shop", asked=day, needed_by=day + dt.timedelta(days=7), milestone=first.id)
    ahead = dt.timedelta(days=23)  # to Monday 9 March, a week's last day
    usual: Inputs = (project, [], 14)
    strict: Inputs = (project, [], 0)
    return {
        "a start moved": (usual, (dataclasses.replace(project, milestones=(early, *rest)), [], 14)),
        "tasks no longer done": (usual, (dataclasses.replace(project, milestones=(undone, *rest)), [], 14)),
        "a request to the client": (usual, (dataclasses.replace(project, waiting_on_client=(asked,)), [], 14)),
        "fewer quiet days allowed": (usual, strict),
        "work shown on a week's last day": (strict, (project, [WorkNote(WorkKind.NEW, "Shop", day - ahead)], 0)),
    }


def test_a_kept_week_is_judged_again_when_anything_its_replay_reads_has_changed(tmp_path: Path) -> None:
    """The strip's weeks are kept as judged under the key of what their replay reads: after
    each change (a start, tasks done, a request, the quiet days allowed, work shown) a build
    with the cache of the build before gives the strip a build without a cache gives."""
    case = CASES["steady"]
    versions = file_versions_from_case(case)
    zone = client_zone(case["timezone"])
    today: dt.date = case["today"]

    def strip(inputs: Inputs, cache: Path | None) -> tuple[HealthWeek, ...]:
        changed, work, quiet = inputs
        kept = ReplayedForecasts(cache, "client", changed.slug) if cache is not None else None
        now = project_health(changed, today)
        weeks = health_weeks(changed, versions, work, zone, today, now=now, inactive_days=quiet, keep=kept)
        if kept is not None:
            kept.save()
        return weeks

    for name, (before, after) in _mutations(measured("steady")[0]).items():
        cache = tmp_path / name
        strip(before, cache)
        fresh = strip(after, None)
        assert strip(after, cache) == fresh, name
        assert fresh != strip(before, None), name  # the change shows: the test can fail


def test_a_task_done_today_keeps_the_past_weeks_as_judged(tmp_path: Path) -> None:
    """What happens after a week's last day is not in its key: the next build after a day of
    work (a task done, a milestone added to the file not yet committed) judges no past week
    again, and gives the strip a build without a cache gives."""
    case = CASES["steady"]
    project, _outlook = measured("steady")
    versions = file_versions_from_case(case)
    zone = client_zone(case["timezone"])
    today: dt.date = case["today"]
    judged: list[dt.date] = []

    class Counted(ReplayedForecasts):
        def keep_week(self, day: dt.date, inputs: object, state: str, rule: str) -> None:
            judged.append(day)
            super().keep_week(day, inputs, state, rule)

    def strip(changed: Project, cache: Path | None) -> tuple[HealthWeek, ...]:
        kept = Counted(cache, "client", changed.slug) if cache is not None else None
        weeks = health_weeks(changed, versions, (), zone, today, now=project_health(changed, today), inactive_days=14,
                             keep=kept)
        if kept is not None:
            kept.save()
        return weeks

    strip(project, tmp_path)
    assert len(judged) > 10
    last, *earlier = reversed(project.milestones)
    open_task = next(n for n, task in enumerate(last.tasks) if task.done is None)
    tasks = tuple(dataclasses.replace(t, done=today) if n == open_task else t for n, t in enumerate(last.tasks))
    added = Milestone("aftercare", "Aftercare", due=today + dt.timedelta(days=60), tasks=(Task("Training"),))
    worked = dataclasses.replace(
        project, milestones=(*reversed(earlier), dataclasses.replace(last, tasks=tasks), added)
    )
    judged.clear()
    assert strip(worked, tmp_path) == strip(worked, None)
    assert judged == []

"""When an open milestone will really be finished, and the chance of keeping its promise.

Pure and deterministic, so that docs/health.md can say exactly what it does (with a worked
example) and the same inputs always give the same dates.

The project's own history, when there is enough of it (`simulation`):

- Weeks end today: week 0 is the last seven days, week 1 the seven before, and so on back to
  the week work on the project began (the earliest `start` or task done), at most
  HISTORY_WEEKS. Each week has its throughput (tasks done that week, counted as the burn-up
  counts them: a task on its `done:` date, the tasks of a finished milestone without one on
  the milestone's) and its scope growth (tasks added that week, from the versions of the
  project file the burn-up reads: the scope at the week's end less the scope at its start,
  never below zero). Weeks where nothing was done count too, as zero.
- A simulated future draws one past week at a time, the throughput and the growth of the same
  week together, recent weeks more likely: a week's weight halves every HALF_LIFE_WEEKS weeks
  of age. Work done is subtracted and new tasks are added, until the work left before the
  milestone is done; the day within the final week is interpolated. RUNS futures are drawn.
- The work left before a milestone is its open tasks plus those of every other open milestone
  promised no later than it (the team works through its promises in order). New tasks land
  on the open milestones in proportion to the work each still has left, so each milestone
  gets that share of the growth. All milestones of a project share the same futures.
- The range shown is the 50th to the 85th percentile of the simulated finish days, and never
  narrower than MIN_RANGE_DAYS: the 85th is moved out when it is closer. A future that has
  not finished after MAX_WEEKS weeks has no end: a range whose far end has none is open
  ("not before ...").
- The chance of keeping the promise is the share of futures finished by the promised day.
- The futures are drawn by NumPy's PCG64 (its raw bits: a stream fixed by the algorithm, not
  a `Generator` method's, which may change between NumPy versions) seeded from a SHA-256
  digest of the inputs (the weeks, the work left, today, the number of futures; `seed_of`),
  never Python's `hash()`: reproducible builds.
- How, not what: the futures are simulated as arrays, all of a project's futures still
  running advanced BLOCK_WEEKS weeks at a time (whole-number sums of done and added tasks, a
  queue finished at the first week its share of the work is done), not one week of one
  future at a time in Python: the same method, about ten times less CPU
  (`scripts/bench.py --only forecast`). The replays' many small simulations (a strip's weeks,
  a calibration's days) run side by side in the same arrays, each drawing from its own
  generator, so each gives exactly what it gives alone (`simulated_days_of`,
  `SimulatedTogether`). The cost is the weeks simulated (`Simulation.steps`), linear in the
  number of futures; forecast_cache.py keeps a project's forecasts while their inputs are
  unchanged.

Too little history (fewer than MIN_WEEKS weeks, or fewer than MIN_DONE tasks done): the
reference class (`reference-class`), the agency's own record across all its clients. Each of
its finished milestones ended some days after (or before) the date first promised for it, and
each still open past that date is already that many days late (at least: counting only the
finished ones would leave out the latest and make the odds rosier than the record; the
milestone being forecast is one of them once it is late itself); the
milestone's own first promise plus each of those slips is a possible finish (never before
tomorrow). Percentiles and the chance are read off those the same way. With fewer than
MIN_REFERENCE milestones on record there is no forecast.

No forecast for a finished milestone, one without tasks, or one whose tasks are all done (it
only needs to be marked done). A forecast is never a promise: pages show it next to the
promise, and only when it is later.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import hashlib
import itertools
import json
import math
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

import numpy as np
import numpy.typing as npt

from milepost.history.project_files import ProjectFileVersions
from milepost.model import Milestone, Project
from milepost.status.burnup import done_events, scope_changes
from milepost.status.ledger import ProjectLedger

RUNS = 4000  # simulated futures per project
HALF_LIFE_WEEKS = 8  # a past week's weight halves with every 8 weeks of age
HISTORY_WEEKS = 104  # at most two years of weeks are drawn from (older ones weigh < 1/8000)
MIN_WEEKS = 6  # fewer weeks of history: the reference class instead
MIN_DONE = 3  # fewer tasks done in those weeks: the reference class instead
MAX_WEEKS = 260  # a future not finished after five years has no end ("not before")
MIN_RANGE_DAYS = 7  # the range is never narrower than a week: tasks are not all alike
MIN_REFERENCE = 5  # milestones on record the reference class needs
LOW_PERCENTILE = 50
HIGH_PERCENTILE = 85
SEED_FORMAT = "milepost-forecast-1"  # changed only with the method: it moves every forecast
_TABLE_BITS = 12  # the weighted draw: a table of 4096 slots, each week holding its share
BLOCK_WEEKS = 32  # the futures of a batch still running are advanced this many weeks at a time
NO_END = MAX_WEEKS * 7 + 1  # a simulated finish day that means none: after every real one


class ForecastMethod(StrEnum):
    """How a forecast was made (status.json: `forecast.method`)."""

    SIMULATION = "simulation"  # the project's own weeks
    REFERENCE_CLASS = "reference-class"  # the agency's past promises


# Why there is no forecast (status.json: `forecast.reason`).
NO_FORECAST_DONE = "done"
NO_FORECAST_NO_TASKS = "no-tasks"
NO_FORECAST_ALL_TASKS_DONE = "all-tasks-done"
NO_FORECAST_NOT_ENOUGH_DATA = "not-enough-data"


@dataclass(frozen=True)
class Week:
    """One past week of the project: tasks done, tasks added."""

    done: int
    added: int


@dataclass(frozen=True)
class Forecast:
    milestone: str  # milestone id
    available: bool
    reason: str = ""  # why there is no forecast (one of the NO_FORECAST_* values)
    earliest: dt.date | None = None  # the 50th percentile
    latest: dt.date | None = None  # the 85th percentile (widened); None with `earliest`: "not before"
    remaining: int = 0  # tasks left, this milestone's and those promised before it
    method: ForecastMethod | None = None
    chance: float | None = None  # share of futures finished by the current promise, 0..1
    weeks: int = 0  # weeks of the project's history drawn from (simulation)
    pace: float = 0.0  # weighted mean of tasks done per week (simulation)
    growth: float = 0.0  # weighted mean of tasks added per week (simulation)
    references: int = 0  # milestones behind a reference-class forecast (finished, or open and late)
    high: dt.date | None = None  # the 85th percentile itself, before the range was widened

    def later_than(self, day: dt.date) -> bool:
        """Whether the forecast says the work may end after `day` (then pages show it): its
        85th percentile is later. A range only widened past `day` to its minimum width is not:
        85 in 100 futures are ready by then."""
        if not self.available or self.earliest is None:
            return False
        if self.latest is None:
            return True
        return (self.high or self.latest) > day


@dataclass(frozen=True)
class ReferenceClass:
    """The agency's reference class: for each finished milestone, days from its first promise to its
    end (negative: early), and for each open one past its first promise, the days to today;
    sorted."""

    slips: tuple[int, ...] = ()


NO_REFERENCE = ReferenceClass()


@dataclass(frozen=True)
class Simulation:
    """The simulated finish days of a project's milestone queues (days after today; None:
    not finished within MAX_WEEKS), one tuple per queue in the order given, and the weeks
    simulated in all (the cost, for the growth test)."""

    finishes: tuple[tuple[int | None, ...], ...]
    steps: int


def _work_began(project: Project, today: dt.date, done: Sequence[dt.date]) -> dt.date | None:
    """The first day of work on the project: the earliest `start` or task done (`done`, the
    days of done work, earliest first), if any."""
    days = [m.start for m in project.milestones if m.start is not None and m.start <= today]
    days.extend(done[:1])
    return min(days, default=None)


def weekly_history(project: Project, scopes: Sequence[tuple[dt.date, int]], today: dt.date) -> tuple[Week, ...]:
    """The project's past weeks, oldest first, the last one ending today (see the docstring);
    `scopes`, burnup.py's `scope_changes` of the project file's versions (none: no growth)."""
    done_days = done_events(project, today)
    began = _work_began(project, today, done_days)
    if began is None:
        return ()
    count = min(max(math.ceil((today - began).days / 7), 1), HISTORY_WEEKS)
    # The last day before each week and the last day of each: a week holds the days after
    # the one and up to the other.
    bounds = [today - dt.timedelta(days=7 * (count - index)) for index in range(count + 1)]
    before = [bisect.bisect_right(done_days, day) for day in bounds]
    done = [after - first for first, after in itertools.pairwise(before)]
    added = [0] * count
    if scopes:
        # The scope at the end of each week, and at the start of the first.
        ends = _scopes_on(scopes, bounds)
        added = [max(after - first, 0) for first, after in itertools.pairwise(ends)]
    return tuple(_week(d, a) for d, a in zip(done, added, strict=True))


@functools.lru_cache(maxsize=4096)
def _week(done: int, added: int) -> Week:
    """A week of these figures: equal weeks are one object (a strip makes thousands)."""
    return Week(done, added)


def _scopes_on(scopes: Sequence[tuple[dt.date, int]], days: Sequence[dt.date]) -> list[int]:
    """The scope at the end of each of `days` (earliest first; the first version's scope
    before it was written): a version counts from its day until a later one in the list
    has come (the versions are in the order they were committed)."""
    values = []
    scope = scopes[0][1]
    index = 0
    for day in days:
        while index < len(scopes) and scopes[index][0] <= day:
            scope = scopes[index][1]
            index += 1
        values.append(scope)
    return values


def week_weights(count: int) -> list[float]:
    """The weight of each of `count` weeks, oldest first: 1 for the last, halving every
    HALF_LIFE_WEEKS weeks of age."""
    return [0.5 ** ((count - 1 - index) / HALF_LIFE_WEEKS) for index in range(count)]


def _draw_table(weights: Sequence[float]) -> list[int]:
    """Week indexes, each in proportion to its weight, in 2**_TABLE_BITS slots (largest
    remainders get the slots left over), so that one draw is one `getrandbits`."""
    size = 1 << _TABLE_BITS
    total = sum(weights)
    shares = [w * size / total for w in weights]
    slots = [int(s) for s in shares]
    order = sorted(range(len(weights)), key=lambda i: (slots[i] - shares[i], i))
    for index in order[: size - sum(slots)]:
        slots[index] += 1
    return [index for index, n in enumerate(slots) for _ in range(n)]


@functools.lru_cache(maxsize=HISTORY_WEEKS + 1)
def _week_table(count: int) -> npt.NDArray[np.intp]:
    """`_draw_table` of `count` weeks as an array: it depends on the count alone (at most
    HISTORY_WEEKS), so each is built once per process, not once per simulation (a replay
    simulates thousands of small ones). Read-only: every caller shares it."""
    table = np.array(_draw_table(week_weights(count)), dtype=np.intp)
    table.flags.writeable = False
    return table


def seed_of(today: dt.date, weeks: Sequence[Week], queues: Sequence[int], runs: int) -> int:
    """A seed from a SHA-256 digest of the inputs: equal inputs, equal seed, in any process
    (never `hash()`, which changes with each process's hash seed). Its own format, not a cache
    key's: a cache's new format must not move anybody's forecast."""
    inputs = [SEED_FORMAT, today.isoformat(), [[w.done, w.added] for w in weeks], list(queues), runs]
    digest = hashlib.sha256(json.dumps(inputs).encode("ascii")).digest()
    return int.from_bytes(digest[:8], "big")


def simulate(
    weeks: Sequence[Week], queues: Sequence[int], *, runs: int = RUNS, seed: int = 0, max_weeks: int = MAX_WEEKS
) -> Simulation:
    """`runs` futures of the work left in each queue (tasks before each milestone, see the
    docstring). Growth is shared out by queue size: a queue of `q` of `total` tasks gets
    q/total of every task added, so its target is q * (1 + added/total), and queues finish in
    order of size. A future not finished after `max_weeks` has no end (a replay that only
    asks about the weeks up to a day stops there: status/health_timeline.py)."""
    days, steps = _simulated_days(weeks, queues, runs, seed, max_weeks)
    finishes = tuple(tuple(None if d == NO_END else d for d in row.tolist()) for row in days)
    return Simulation(finishes, steps)


@dataclass(frozen=True)
class SimulationSpec:
    """One simulation's inputs: its past weeks, the work left in each queue, the futures drawn,
    the seed and how many weeks a future is followed."""

    weeks: tuple[Week, ...]
    queues: tuple[int, ...]
    runs: int
    seed: int
    max_weeks: int = MAX_WEEKS


def _simulated_days(
    weeks: Sequence[Week], queues: Sequence[int], runs: int, seed: int, max_weeks: int = MAX_WEEKS
) -> tuple[npt.NDArray[np.int64], int]:
    """The finish day of every future for every queue (a row per queue, NO_END: none within
    `max_weeks`), and the weeks simulated in all: `simulated_days_of` one simulation."""
    return simulated_days_of([SimulationSpec(tuple(weeks), tuple(queues), runs, seed, max_weeks)])[0]


class _Batch:
    """Simulations run side by side: each simulation's futures are columns of the same arrays
    and each draws its weeks from its own generator, exactly as it would alone. A draw is a
    slot of the simulation's table (`_week_table`), turned into the index of its week in
    `done_of` and `added_of` (every simulation's weeks one after the other, then a week adding
    nothing): a few hundred numbers, which stay in the processor's fastest cache."""

    def __init__(self, specs: Sequence[SimulationSpec]) -> None:
        self.specs = specs
        self.bits = [np.random.PCG64(spec.seed) for spec in specs]
        weeks = [w for spec in specs for w in spec.weeks]
        self.done_of = np.array([w.done for w in weeks] + [0], dtype=np.float64)
        self.added_of = np.array([w.added for w in weeks] + [0], dtype=np.float64)
        self.nothing = len(weeks)  # the week drawn past a simulation's horizon
        # One simulation alone reads its values straight from its table's slots (4096 of
        # each, still in a fast cache): a block's draws need no turning into weeks.
        self.alone = len(specs) == 1 and bool(specs[0].weeks)
        if self.alone:
            table = _week_table(len(specs[0].weeks))
            self.done_of, self.added_of = self.done_of[table], self.added_of[table]
        self.offsets = np.cumsum([0] + [len(spec.weeks) for spec in specs]).tolist()
        self.first = np.cumsum([0] + [spec.runs for spec in specs])  # each simulation's first column
        width = max((len(spec.queues) for spec in specs), default=0)
        # Per column: the queue sizes (a size no future reaches where a simulation has fewer
        # queues), the simulation's total and its largest queue.
        columns = int(self.first[-1])
        self.sizes = np.full((width, columns), np.inf)
        self.total = np.ones(columns)
        self.largest = np.zeros(columns, dtype=np.intp)
        self.days = np.full((width, columns), NO_END, dtype=np.int64)
        for index, spec in enumerate(specs):
            part = slice(int(self.first[index]), int(self.first[index + 1]))
            self.sizes[: len(spec.queues), part] = np.array(spec.queues, dtype=np.float64)[:, None]
            self.total[part] = max(sum(spec.queues), 1)
            if spec.queues:
                self.largest[part] = max(range(len(spec.queues)), key=lambda i: spec.queues[i])
        runs = [spec.runs for spec in specs]
        self.owner = np.repeat(np.arange(len(specs)), runs)  # each column's simulation
        self.max_weeks = np.repeat(np.array([spec.max_weeks for spec in specs], dtype=np.int64), runs)
        self.simulated = np.repeat([bool(spec.queues) and spec.max_weeks > 0 for spec in specs], runs)

    def drawn(self, running: npt.NDArray[np.intp], start: int, *, out: npt.NDArray[np.intp]) -> None:
        """The week drawn for each running future in each week of the block from `start` (a
        row per week), into `out`. Each simulation draws len(its running) * its width from its
        own generator, as it would alone; past its horizon a future draws nothing."""
        bounds = np.searchsorted(self.owner[running], np.arange(len(self.specs) + 1)).tolist()
        mask = (1 << _TABLE_BITS) - 1
        for index, spec in enumerate(self.specs):
            low, high = bounds[index], bounds[index + 1]
            if high == low:
                continue
            width = min(BLOCK_WEEKS, spec.max_weeks - start)
            count = high - low
            draws = -(-count * width // 4)  # four draws in each 64 raw bits
            # PCG64's raw output (not a Generator's methods, whose streams may change between
            # NumPy versions): 16 bits a draw, the table's slot in the low 12, the same on any
            # byte order.
            raw = self.bits[index].random_raw(draws).astype("<u8", copy=False).view("<u2")
            slots = (raw[: count * width] & mask).reshape(width, count)
            if self.alone:  # its width is the block's
                out[...] = slots
                return
            table = _week_table(len(spec.weeks))
            np.add(table[slots], self.offsets[index], out=out[:width, low:high])
            out[width:, low:high] = self.nothing


def simulated_days_of(specs: Sequence[SimulationSpec]) -> list[tuple[npt.NDArray[np.int64], int]]:
    """For each simulation, the finish day of every future for every queue (a row per queue,
    NO_END: none within its `max_weeks`) and the weeks simulated in all. Whole arrays, not one
    week of one future at a time: the futures of every simulation still running are advanced
    together BLOCK_WEEKS weeks at a time, each simulation drawing from its own generator, so a
    simulation's days are the same whichever others run beside it (the health strip runs all
    of a project's weeks at once: status/health_timeline.py)."""
    batch = _Batch(specs)
    running = np.flatnonzero(batch.simulated)  # futures whose largest queue is not finished
    done = np.zeros(len(running))  # tasks done so far, per future (whole numbers)
    added = np.zeros(len(running))
    start = 0  # weeks simulated before this block
    while len(running):
        block = min(BLOCK_WEEKS, int(batch.max_weeks[running].max()) - start)
        drawn, (step, done_by, added_by, product, best) = _WORKSPACE.arrays((block, len(running)), 5)
        batch.drawn(running, start, out=drawn)
        np.take(batch.done_of, drawn, out=step, mode="clip")  # tasks done in each week drawn: a row per week
        _running_sums(step, done, out=done_by)
        np.take(batch.added_of, drawn, out=added_by, mode="clip")
        _running_sums(added_by, added, out=added_by)
        # The total of each future's simulation: one number when they share it.
        total = batch.total[running] if len(specs) > 1 else batch.total[:1]
        sizes = batch.sizes[:, running]
        # How far each future is, as the largest queue it has finished: done * total /
        # (total + added), its best so far (it falls when scope grows). A quotient of whole
        # numbers this size is exact in a double when it is a whole number, and at least
        # 1/(total + added) from one otherwise: comparing it with a size is exact. A week
        # past a simulation's horizon adds nothing: its best stays.
        np.multiply(done_by, total, out=product)
        np.add(added_by, total, out=best)
        _running_maxima(np.divide(product, best, out=best))
        # Each queue a future finished in this block (none it had finished before):
        # queue and future, then the first week it was finished.
        queue, col = np.nonzero((best[-1] >= sizes) & (batch.days[:, running] == NO_END))
        if len(col):
            size = sizes[queue, col].astype(np.int64)
            week = _weeks_below(best, col, sizes[queue, col])
            ran = step[week, col].astype(np.int64)
            before = done_by[week, col].astype(np.int64) - ran
            whole = batch.total[running[col]].astype(np.int64)
            needed = size * (whole + added_by[week, col].astype(np.int64)) - before * whole
            within = np.maximum(-((-7 * needed) // (ran * whole)), 1)  # ceil, in 1/total tasks
            batch.days[queue, running[col]] = (start + week) * 7 + within
        start += BLOCK_WEEKS
        going = (batch.days[batch.largest[running], running] == NO_END) & (batch.max_weeks[running] > start)
        running = running[going]
        done = done_by[-1, going]
        added = added_by[-1, going]
    results = []
    for index, spec in enumerate(specs):
        part = slice(int(batch.first[index]), int(batch.first[index + 1]))
        days = batch.days[: len(spec.queues), part]
        if not spec.queues:
            results.append((days, 0))
            continue
        ends = days[batch.largest[part][0]] if spec.runs else days[0]
        finished = ends != NO_END
        steps = int(np.sum((ends[finished] + 6) // 7)) + spec.max_weeks * int(spec.runs - np.count_nonzero(finished))
        results.append((days, steps))
    return results


# Along the weeks of a block (axis 0) one row at a time when the block is wide: NumPy's
# `cumsum`, `accumulate` and `count_nonzero` along axis 0 walk each future's column on its own,
# about eight times slower for 4000 futures (`scripts/bench.py --only forecast`); for a few
# hundred the whole-array call is the quicker. The same sums, in the same order, either way.
_ROW_BY_ROW = 512  # futures in a block from which it is summed a row at a time


def _running_sums(
    rows: npt.NDArray[np.float64], first: npt.NDArray[np.float64], *, out: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Each column's running total down the block, starting from `first` (one per column),
    into `out` (which may be `rows`)."""
    if rows.shape[1] < _ROW_BY_ROW:
        np.cumsum(rows, axis=0, out=out)
        out += first
        return out
    np.add(rows[0], first, out=out[0])
    for week in range(1, len(rows)):
        np.add(out[week - 1], rows[week], out=out[week])
    return out


class _Workspace(threading.local):
    """The arrays a block is computed in, kept by each thread from one simulation to the next:
    a block's arrays are about a megabyte each, and memory fresh from the system for each one
    costs a quarter of the time again (its pages are faulted in)."""

    def __init__(self) -> None:
        self._weeks = np.empty(0, dtype=np.intp)
        self._values = np.empty(0, dtype=np.float64)

    def arrays(
        self, shape: tuple[int, int], count: int
    ) -> tuple[npt.NDArray[np.intp], list[npt.NDArray[np.float64]]]:
        """An array of week indexes and `count` arrays of numbers, each of `shape`: views of
        the thread's buffers, good until its next call."""
        size = shape[0] * shape[1]
        if len(self._weeks) < size:
            self._weeks = np.empty(size, dtype=np.intp)
        if len(self._values) < count * size:
            self._values = np.empty(count * size, dtype=np.float64)
        values = [self._values[index * size : (index + 1) * size].reshape(shape) for index in range(count)]
        return self._weeks[:size].reshape(shape), values


_WORKSPACE = _Workspace()


def _running_maxima(rows: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Each column's running maximum down the block, in place."""
    if rows.shape[1] < _ROW_BY_ROW:
        return np.maximum.accumulate(rows, axis=0, out=rows)
    for week in range(1, len(rows)):
        np.maximum(rows[week - 1], rows[week], out=rows[week])
    return rows


def _weeks_below(
    best: npt.NDArray[np.float64], col: npt.NDArray[np.intp], size: npt.NDArray[np.float64]
) -> npt.NDArray[np.intp]:
    """For each future `col`, the weeks of the block in which its best is still below `size`
    (one each): the week it finished a queue of that size. `best` rises down the block, so
    the count is found by halving, as a binary search would (five steps for 32 weeks), on
    these futures alone rather than on the whole block."""
    width = best.shape[1]
    flat = best.ravel()
    weeks = np.zeros(len(col), dtype=np.intp)
    step = 1 << (len(best).bit_length() - 1)
    while step:
        candidate = weeks + step  # are the first `candidate` weeks all below?
        inside = candidate <= len(best)
        row = np.minimum(candidate, len(best)) - 1
        weeks += step * (inside & (flat[row * width + col] < size))
        step >>= 1
    return weeks


def percentile(sorted_days: Sequence[int | None], percent: int) -> int | None:
    """The nearest-rank percentile of days sorted with None (no end) last."""
    if not sorted_days:
        return None
    rank = max(math.ceil(percent * len(sorted_days) / 100), 1)
    return sorted_days[rank - 1]


def _sorted(days: Iterable[int | None]) -> list[int | None]:
    return sorted(days, key=lambda d: (d is None, d or 0))


@dataclass(frozen=True)
class _Range:
    earliest: dt.date  # the 50th percentile
    latest: dt.date | None  # the 85th, at least MIN_RANGE_DAYS after the 50th; None: no end
    high: dt.date | None  # the 85th itself

    def forecast(
        self,
        milestone: str,
        remaining: int,
        method: ForecastMethod,
        chance: float,
        *,
        weeks: int = 0,
        pace: float = 0.0,
        growth: float = 0.0,
        references: int = 0,
    ) -> Forecast:
        """The available forecast of `milestone` with this range, and what its method adds
        (a simulation's weeks, pace and growth; a reference class's references)."""
        return Forecast(
            milestone, True, earliest=self.earliest, latest=self.latest, high=self.high, remaining=remaining,
            method=method, chance=chance, weeks=weeks, pace=pace, growth=growth, references=references,
        )


def _range(days: Sequence[int | None], today: dt.date) -> _Range:
    """The 50th-85th percentile range as dates, at least MIN_RANGE_DAYS wide."""
    ordered = _sorted(days)
    return _dates(percentile(ordered, LOW_PERCENTILE), percentile(ordered, HIGH_PERCENTILE), today)


def _at_percentile(ordered: npt.NDArray[np.int64], percent: int) -> list[int | None]:
    """`percentile` of each row of simulated days sorted (NO_END: none)."""
    if not ordered.shape[1]:
        return [None] * len(ordered)
    rank = max(math.ceil(percent * ordered.shape[1] / 100), 1)
    return [None if day == NO_END else day for day in ordered[:, rank - 1].tolist()]


def _dates(low: int | None, high: int | None, today: dt.date) -> _Range:
    """The range from its percentiles in days after today (None: no end), at least
    MIN_RANGE_DAYS wide."""
    if low is None:
        return _Range(today + dt.timedelta(days=MAX_WEEKS * 7), None, None)
    earliest = today + dt.timedelta(days=low)
    if high is None:
        return _Range(earliest, None, None)
    widened = today + dt.timedelta(days=max(high, low + MIN_RANGE_DAYS))
    return _Range(earliest, widened, today + dt.timedelta(days=high))


def _chance(days: Sequence[int | None], today: dt.date, promise: dt.date) -> float:
    allowed = (promise - today).days
    if not days:
        return 0.0
    return sum(1 for d in days if d is not None and d <= allowed) / len(days)


def reference_class(projects: Iterable[tuple[Project, ProjectLedger | None]], today: dt.date) -> ReferenceClass:
    """The agency's reference class from its projects (every client's) and their ledgers: each finished
    milestone's days from its first promise (the ledger's, else `due`, which keeps it) to its
    `done:`, and each open one's past its first promise to today (late so far: see the
    docstring)."""
    slips = []
    for project, ledger in projects:
        for m in project.milestones:
            entry = ledger.of(m.id) if ledger is not None else None
            first = entry.first_promise if entry is not None else m.due
            if m.done is not None and m.done <= today:
                slips.append((m.done - first).days)
            elif today > first:
                slips.append((today - first).days)
    return ReferenceClass(tuple(sorted(slips)))


def _queues(milestones: Sequence[Milestone], project: Project) -> list[int]:
    """The work left before each of `milestones`: the open tasks of every open milestone
    promised no later than it (its own included)."""
    left: dict[dt.date, int] = {}
    for m in project.milestones:
        if m.done is None and m.tasks:
            left[m.current_due] = left.get(m.current_due, 0) + len(m.tasks) - m.tasks_done
    by_day = dict(zip(sorted(left), itertools.accumulate(left[day] for day in sorted(left)), strict=True))
    return [by_day[m.current_due] for m in milestones]


def _open_with_work(project: Project) -> list[Milestone]:
    return [m for m in project.milestones if m.done is None and m.tasks and m.tasks_done < len(m.tasks)]


def _closed(milestone: Milestone) -> Forecast | None:
    if milestone.done is not None:
        return Forecast(milestone.id, False, NO_FORECAST_DONE)
    if not milestone.tasks:
        return Forecast(milestone.id, False, NO_FORECAST_NO_TASKS)
    if milestone.tasks_done == len(milestone.tasks):
        return Forecast(milestone.id, False, NO_FORECAST_ALL_TASKS_DONE)
    return None


def reference_forecast(
    milestone: Milestone,
    remaining: int,
    first_promise: dt.date,
    reference: ReferenceClass,
    today: dt.date,
) -> Forecast:
    """A forecast from the agency's reference class: the first promise plus each past slip."""
    if len(reference.slips) < MIN_REFERENCE:
        return Forecast(milestone.id, False, NO_FORECAST_NOT_ENOUGH_DATA, remaining=remaining)
    days = [max((first_promise - today).days + slip, 1) for slip in reference.slips]
    chance = _chance(days, today, milestone.current_due)
    return _range(days, today).forecast(
        milestone.id, remaining, ForecastMethod.REFERENCE_CLASS, chance, references=len(reference.slips)
    )


@dataclass(frozen=True)
class SimulationJob:
    """A project's open milestones to forecast by simulation on one day, and everything the
    forecasts are made from (`inputs`: a kept entry is reused only for these)."""

    open_ones: tuple[Milestone, ...]
    weeks: tuple[Week, ...]
    queues: tuple[int, ...]
    today: dt.date
    runs: int
    max_weeks: int

    @functools.cached_property
    def inputs(self) -> list[object]:  # one list: forecast_cache.py finds its key once
        return [
            SEED_FORMAT, self.today.isoformat(), [[w.done, w.added] for w in self.weeks], list(self.queues),
            [[m.id, m.current_due.isoformat()] for m in self.open_ones], self.runs, self.max_weeks,
        ]

    @property
    def spec(self) -> SimulationSpec:
        seed = seed_of(self.today, self.weeks, self.queues, self.runs)
        return SimulationSpec(self.weeks, self.queues, self.runs, seed, self.max_weeks)

    def forecasts(self, simulated: npt.NDArray[np.int64]) -> dict[str, Forecast]:
        """The forecast of each open milestone from its queue's simulated days."""
        weights = week_weights(len(self.weeks))
        total = sum(weights)
        pace = sum(w * week.done for w, week in zip(weights, self.weeks, strict=True)) / total
        growth = sum(w * week.added for w, week in zip(weights, self.weeks, strict=True)) / total
        forecasts = {}
        # Every queue's percentiles and chance at once: a replay makes thousands of these.
        ordered = np.sort(simulated, axis=1)
        lows, highs = (_at_percentile(ordered, percent) for percent in (LOW_PERCENTILE, HIGH_PERCENTILE))
        allowed = np.array([(m.current_due - self.today).days for m in self.open_ones], dtype=np.int64)
        kept = np.count_nonzero((simulated != NO_END) & (simulated <= allowed[:, None]), axis=1).tolist()
        runs = simulated.shape[1]
        for index, (m, remaining) in enumerate(zip(self.open_ones, self.queues, strict=True)):
            chance = kept[index] / runs if runs else 0.0
            forecasts[m.id] = _dates(lows[index], highs[index], self.today).forecast(
                m.id, remaining, ForecastMethod.SIMULATION, chance,
                weeks=len(self.weeks), pace=round(pace, 2), growth=round(growth, 2),
            )
        return forecasts


def simulated_forecasts(jobs: Sequence[SimulationJob]) -> list[dict[str, Forecast]]:
    """The forecasts of each job, all simulated side by side (`simulated_days_of`): each the
    same as if simulated alone."""
    results = simulated_days_of([job.spec for job in jobs])
    return [job.forecasts(days) for job, (days, _) in zip(jobs, results, strict=True)]


@dataclass(frozen=True)
class PreparedForecasts:
    """A project's forecasts before any simulation: those known without one (a finished
    milestone, one without tasks, a reference-class forecast), and the simulation the others
    need, if any."""

    known: dict[str, Forecast]
    job: SimulationJob | None


# Asked for the simulated forecasts: their exact inputs (plain data) and a function making them.
Keeper = Callable[[object, Callable[[], dict[str, Forecast]]], dict[str, Forecast]]


class DayKeeper(Protocol):
    """The simulated forecasts of replayed days (calibration.py, health_timeline.py), kept:
    forecast_cache.py's `ReplayedForecasts`."""

    def kept(self, day: dt.date, inputs: object) -> dict[str, Forecast] | None:
        """The forecasts kept for `day` made from `inputs`, else None."""

    def __call__(
        self, day: dt.date, inputs: object, simulate: Callable[[], dict[str, Forecast]]
    ) -> dict[str, Forecast]:
        """As a Keeper, for `day`: read when kept, else simulated and kept."""


def prepare_forecasts(
    project: Project,
    today: dt.date,
    *,
    scopes: Sequence[tuple[dt.date, int]] = (),
    ledger: ProjectLedger | None = None,
    reference: ReferenceClass = NO_REFERENCE,
    runs: int = RUNS,
    max_weeks: int = MAX_WEEKS,
) -> PreparedForecasts:
    """Every milestone's forecast that needs no simulation, and the simulation of the others.
    `scopes`: burnup.py's `scope_changes` of the project file's versions (none: no growth)."""
    known: dict[str, Forecast] = {}
    for m in project.milestones:
        closed = _closed(m)
        if closed is not None:
            known[m.id] = closed
    open_ones = [m for m in _open_with_work(project) if m.id not in known]
    if not open_ones:
        return PreparedForecasts(known, None)
    weeks = weekly_history(project, scopes, today)
    queues = _queues(open_ones, project)
    if len(weeks) < MIN_WEEKS or sum(w.done for w in weeks) < MIN_DONE:
        for m, remaining in zip(open_ones, queues, strict=True):
            entry = ledger.of(m.id) if ledger is not None else None
            first = entry.first_promise if entry is not None else m.due
            known[m.id] = reference_forecast(m, remaining, first, reference, today)
        return PreparedForecasts(known, None)
    return PreparedForecasts(known, SimulationJob(tuple(open_ones), weeks, tuple(queues), today, runs, max_weeks))


def project_forecasts(
    project: Project,
    today: dt.date,
    *,
    versions: ProjectFileVersions | None = None,
    timezone: dt.tzinfo = dt.UTC,
    ledger: ProjectLedger | None = None,
    reference: ReferenceClass = NO_REFERENCE,
    runs: int = RUNS,
    keep: Keeper | None = None,
    max_weeks: int = MAX_WEEKS,
) -> dict[str, Forecast]:
    """A forecast (or the reason there is none) for every milestone, by id. `keep`, when
    given, is asked for the simulated forecasts with their exact inputs and a function that
    simulates them (forecast_cache.py's `cached_forecasts`: read when kept, else made)."""
    prepared = prepare_forecasts(
        project, today, scopes=scope_changes(versions, timezone, today), ledger=ledger, reference=reference,
        runs=runs, max_weeks=max_weeks,
    )
    return with_simulated(prepared, keep)


def with_simulated(
    prepared: PreparedForecasts, keep: Keeper | None = None, together: SimulatedTogether | None = None
) -> dict[str, Forecast]:
    """The prepared forecasts with the simulated ones added (asked of `keep` when given). When
    they are not kept, `together` (holding this job with others) simulates them, else the job
    is simulated alone."""
    job = prepared.job
    if job is None:
        return dict(prepared.known)

    made = together.simulator(job) if together is not None else functools.partial(_alone, job)
    return _merged(prepared.known, keep(job.inputs, made) if keep is not None else made())


def replayed_forecasts(
    days: Sequence[tuple[dt.date, PreparedForecasts]], keep: DayKeeper | None = None
) -> list[Callable[[], dict[str, Forecast]]]:
    """For each replayed day and its prepared forecasts, a function giving them: those kept
    are read, the others simulated together (`SimulatedTogether`) the first time one is
    asked for, and kept."""
    found = [
        keep.kept(day, prepared.job.inputs) if keep is not None and prepared.job is not None else None
        for day, prepared in days
    ]
    together = SimulatedTogether([prepared for (_, prepared), kept in zip(days, found, strict=True) if kept is None])
    makers: list[Callable[[], dict[str, Forecast]]] = []
    for (day, prepared), kept in zip(days, found, strict=True):
        if kept is not None:
            makers.append(functools.partial(_merged, prepared.known, kept))
        else:
            day_keep = functools.partial(keep, day) if keep is not None else None
            makers.append(functools.partial(with_simulated, prepared, day_keep, together))
    return makers


def _merged(known: dict[str, Forecast], simulated: dict[str, Forecast]) -> dict[str, Forecast]:
    return {**known, **simulated}


def _alone(job: SimulationJob) -> dict[str, Forecast]:
    return simulated_forecasts([job])[0]


class SimulatedTogether:
    """The simulations of a replay's days (calibration.py, health_timeline.py), run all at once
    the first time the forecasts of one of them are needed and not kept: dozens of small
    simulations side by side cost little more than one (`simulated_days_of`), and each gives
    what it would alone."""

    def __init__(self, prepared: Sequence[PreparedForecasts]) -> None:
        self._jobs = [p.job for p in prepared if p.job is not None]
        self._index = {id(job): index for index, job in enumerate(self._jobs)}
        self._made: list[dict[str, Forecast]] | None = None

    def simulator(self, job: SimulationJob) -> Callable[[], dict[str, Forecast]]:
        """A function giving the simulated forecasts of `job`: with the others when it is one
        of those given, else alone."""
        index = self._index.get(id(job))
        if index is None:
            return functools.partial(_alone, job)
        return functools.partial(self._forecasts, index)

    def _forecasts(self, index: int) -> dict[str, Forecast]:
        if self._made is None:
            self._made = simulated_forecasts(self._jobs)
        return self._made[index]

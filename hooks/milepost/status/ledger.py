"""The promise ledger: when each milestone's date was first promised, and every move since.

Pure: built from the versions of a project file (history/project_files.py), keyed by milestone id (ids
are stable; titles may change). The promise of a version is `delay.due` when the milestone
has a delay, else `due`. Days are the days versions landed on the portal's main line, in the
client's time zone.

- The first promise is the `due` of the milestone on the day it was first written. Changes
  made on that same day are corrections, not moves (a typo fixed an hour later is no slip).
  When the milestone already had a delay that day, the move to the delay's date is the
  first entry after it.
- Every later change of the promise is a move: old date, new date, the day, and the delay's
  reason in the day's last version ("" when none was given). A day counts by its last version:
  changes on the same day are one move (or none, when the date was put back), and a reason
  added later that day is the move's reason.
- When a move had no reason and a later version gives one (the date unchanged), the ledger
  records the day the reason was given.

`milepost check` refuses a `due` that moved later in the history (after the first day) unless
it is back at or before the date it had: `due` keeps the first promise; a new date goes in
`delay.due`, with the reason and the plan (see `ledger_problems`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from milepost.history.project_files import MilestoneSnapshot, ProjectFileVersion, ProjectFileVersions
from milepost.load.problems import Problem
from milepost.load.yaml_source import load_yaml_file


class PromiseEventKind(StrEnum):
    """What happened to a promised date: it moved, or a reason was given for it."""

    MOVED = "moved"
    EXPLAINED = "explained"

# Why a project has no ledger (status.json: `ledger.reason`; also "shallow-clone").
NO_LEDGER_NO_HISTORY = "no-history"


@dataclass(frozen=True)
class PromiseEvent:
    kind: PromiseEventKind
    day: dt.date
    old: dt.date | None = None  # PromiseEventKind.MOVED: the date promised before
    new: dt.date | None = None  # PromiseEventKind.MOVED: the date promised from then on
    reason: str = ""  # the delay's reason in that version; "" when none was given
    commit: str = ""  # sha of the version ("" when not committed yet); never shown to clients

    @property
    def later(self) -> bool:
        moved = self.kind == PromiseEventKind.MOVED
        return moved and self.old is not None and self.new is not None and self.new > self.old


@dataclass(frozen=True)
class MilestoneLedger:
    milestone: str
    first_promise: dt.date
    promised_on: dt.date
    events: tuple[PromiseEvent, ...] = ()
    first_commit: str = ""

    @property
    def moves(self) -> tuple[PromiseEvent, ...]:
        return tuple(c for c in self.events if c.kind == PromiseEventKind.MOVED)

    @property
    def current_promise(self) -> dt.date:
        moves = self.moves
        return moves[-1].new or self.first_promise if moves else self.first_promise


@dataclass(frozen=True)
class ProjectLedger:
    available: bool
    reason: str = ""  # why not available
    milestones: Mapping[str, MilestoneLedger] = field(default_factory=dict)

    def of(self, ident: str) -> MilestoneLedger | None:
        return self.milestones.get(ident) if self.available else None


UNAVAILABLE = ProjectLedger(False, NO_LEDGER_NO_HISTORY)


def project_ledger(versions: ProjectFileVersions | None, timezone: dt.tzinfo, today: dt.date) -> ProjectLedger:
    """The ledger of every milestone in the file's newest version (none without a history:
    `reason` says why, "no-history" or "shallow-clone")."""
    if versions is None or not versions.oldest_first:
        return UNAVAILABLE
    if not versions.available:
        return ProjectLedger(False, versions.status)
    current = versions.oldest_first[-1]
    ledgers = {}
    for snapshot in current.milestones:
        ledger = milestone_ledger(versions.oldest_first, snapshot.id, timezone, today)
        if ledger is not None:
            ledgers[snapshot.id] = ledger
    return ProjectLedger(True, milestones=ledgers)


def _appearances(
    versions: Sequence[ProjectFileVersion], ident: str, timezone: dt.tzinfo, today: dt.date
) -> list[tuple[dt.date, ProjectFileVersion, MilestoneSnapshot]]:
    """The versions that hold milestone `ident` with a readable date, oldest first (under an
    earlier id too, see `_ids_over_time`)."""
    found = []
    for version, name in zip(versions, _ids_over_time(versions, ident), strict=True):
        snapshot = version.milestone(name) if name else None
        if snapshot is not None and snapshot.due is not None:
            found.append((version.day(timezone, today), version, snapshot))
    return found


def _ids_over_time(versions: Sequence[ProjectFileVersion], ident: str) -> list[str]:
    """The id milestone `ident` had in each version ("" where it had none: before it existed,
    while it was taken out, in versions that could not be read).

    Ids are meant to stay; when one is changed anyway, the milestone is the same one if, in
    the version where the new id appears, the old id disappears and the title stays: its
    dates (and their moves) are followed under both ids, so a new id hides no slip.
    """
    names = [""] * len(versions)
    current = ident
    newer: ProjectFileVersion | None = None  # the closest newer readable version
    for index in range(len(versions) - 1, -1, -1):
        version = versions[index]
        if not version.readable:
            continue
        if version.milestone(current) is None and newer is not None:
            snapshot = newer.milestone(current)
            title = " ".join(snapshot.title.split()).casefold() if snapshot is not None else ""
            renamed = [
                old.id
                for old in version.milestones
                if title and " ".join(old.title.split()).casefold() == title and newer.milestone(old.id) is None
            ]
            if len(renamed) == 1:
                current = renamed[0]
        if version.milestone(current) is not None:
            names[index] = current
        newer = version
    return names


def milestone_ledger(
    versions: Sequence[ProjectFileVersion], ident: str, timezone: dt.tzinfo, today: dt.date
) -> MilestoneLedger | None:
    """The ledger of one milestone, or None when no version gives it a date."""
    seen = _appearances(versions, ident, timezone, today)
    if not seen:
        return None
    first_day = seen[0][0]
    day_one = [entry for entry in seen if entry[0] == first_day]
    _, first_version, first_plan = day_one[-1]
    assert first_plan.due is not None
    events: list[PromiseEvent] = []
    promise = first_plan.due
    if first_plan.promise != promise:
        events.append(
            PromiseEvent(
                PromiseEventKind.MOVED, first_day, promise, first_plan.promise, first_plan.delay_reason,
                first_version.commit,
            )
        )
        promise = first_plan.promise or promise
    for day, version, snapshot in _last_of_each_day(seen[len(day_one) :]):
        new = snapshot.promise
        assert new is not None
        reason = snapshot.delay_reason if snapshot.delay_due is not None else ""
        if new != promise:
            last = events[-1] if events else None
            same_day = last is not None and last.kind == PromiseEventKind.MOVED and last.day == day
            before = events[:-1] if same_day else events
            old = last.old if same_day and last is not None else promise
            # A move later keeps a reason only when it is a new one: the words written for an
            # earlier move do not explain this one (the ledger says none was given).
            given = "" if old is not None and new > old and reason == _reason_on_record(before) else reason
            if same_day:
                # Moves on one day are one move (from the morning's date to the evening's).
                events.pop()
            if not same_day or old != new:
                events.append(PromiseEvent(PromiseEventKind.MOVED, day, old, new, given, version.commit))
            promise = new
        elif reason and _unexplained(events) and reason != _reason_on_record(events):
            events.append(PromiseEvent(PromiseEventKind.EXPLAINED, day, reason=reason, commit=version.commit))
    return MilestoneLedger(ident, first_plan.due, first_day, tuple(events), first_version.commit)


def _last_of_each_day(
    seen: Sequence[tuple[dt.date, ProjectFileVersion, MilestoneSnapshot]],
) -> list[tuple[dt.date, ProjectFileVersion, MilestoneSnapshot]]:
    """The day's last version of each day: what the file said at the end of a day is what was
    promised that day (a move made in the morning and put back, or given its reason, in the
    afternoon is one change, or none)."""
    return [entry for index, entry in enumerate(seen) if index + 1 == len(seen) or seen[index + 1][0] != entry[0]]


def _reason_on_record(events: Sequence[PromiseEvent]) -> str:
    """The latest reason the ledger holds (of a move or given afterwards); "" for none."""
    for change in reversed(events):
        if change.reason:
            return change.reason
    return ""


def _unexplained(events: list[PromiseEvent]) -> bool:
    """Whether the latest move later has no reason yet (none then, none given since)."""
    for change in reversed(events):
        if change.kind == PromiseEventKind.EXPLAINED:
            return False
        if change.later:
            return not change.reason
    return False


# --- `milepost check` ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SilentMove:
    """A date of milestone `milestone` went from `old` to the later `new` in the version of
    `day` (commit `commit`) without saying why: `field` "due" (the first promise moved) or
    "delay" (`delay.due` moved while `delay.reason` stayed the words of the previous date)."""

    milestone: str
    old: dt.date
    new: dt.date
    day: dt.date
    commit: str
    field: str = "due"


def silent_moves(versions: ProjectFileVersions, timezone: dt.tzinfo, today: dt.date) -> list[SilentMove]:
    """The silent moves still standing in the newest version, per milestone and field: a
    `due` later than a date it had after its first day (the earliest such change: `due` must
    be put back), and a later `delay.due` whose reason has not changed since (the latest)."""
    if not versions.available or not versions.oldest_first:
        return []
    found: list[SilentMove] = []
    for snapshot in versions.oldest_first[-1].milestones:
        seen = _appearances(versions.oldest_first, snapshot.id, timezone, today)
        if not seen:
            continue
        first_day = seen[0][0]
        worst: SilentMove | None = None
        stale: SilentMove | None = None
        previous: MilestoneSnapshot | None = None
        for day, version, earlier in seen:
            due = earlier.due
            assert due is not None
            if previous is not None and previous.due is not None:
                if (
                    day > first_day
                    and snapshot.due is not None
                    and due > previous.due
                    and snapshot.due > previous.due
                    and (worst is None or previous.due < worst.old)
                ):
                    worst = SilentMove(snapshot.id, previous.due, due, day, version.commit)
                if (
                    earlier.delay_due is not None
                    and previous.delay_due is not None
                    and earlier.delay_due > previous.delay_due
                    and earlier.delay_reason.strip() == previous.delay_reason.strip()
                ):
                    stale = SilentMove(snapshot.id, previous.delay_due, earlier.delay_due, day, version.commit, "delay")
            previous = earlier
        found.extend(move for move in (worst, stale) if move is not None)
        # Written since: a new reason in the newest version explains the move.
        if stale is not None and snapshot.delay_reason.strip() != _reason_at(seen, stale).strip():
            found.remove(stale)
    return found


def _reason_at(seen: Sequence[tuple[dt.date, ProjectFileVersion, MilestoneSnapshot]], move: SilentMove) -> str:
    for _day, version, snapshot in seen:
        if version.commit == move.commit and snapshot.delay_due == move.new:
            return snapshot.delay_reason
    return ""


def ledger_problems(
    versions: ProjectFileVersions, path: Path, *, source: str, timezone: dt.tzinfo, today: dt.date
) -> list[Problem]:
    """The silent moves of one project file (`path`, shown as `source`) as problems at the
    lines of their `due`."""
    moves = silent_moves(versions, timezone, today)
    if not moves:
        return []
    document = load_yaml_file(path)
    data = document.data if isinstance(document.data, dict) else {}
    items: list[Any] = data["milestones"] if isinstance(data.get("milestones"), list) else []
    problems = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        for move in (m for m in moves if m.milestone == item.get("id")):
            when = f"on {move.day}" + (f" (commit {move.commit[:10]})" if move.commit else " (not committed yet)")
            if move.field == "delay":
                problems.append(
                    Problem(
                        source,
                        document.line_of(("milestones", index, "delay", "reason")),
                        f"milestones[{index}].delay.reason",
                        f"'{move.milestone}': `delay.due` was moved again, from {move.old} to {move.new} "
                        f"{when}, but `delay.reason` still gives the reason for the earlier date. Write "
                        "why the date moved again in `delay.reason`, and what happens now in `delay.plan`",
                    )
                )
                continue
            has_delay = isinstance(item.get("delay"), dict)
            fix = (
                f"put back `due: {move.old}`; the new date belongs in `delay.due`"
                if has_delay
                else f"put back `due: {move.old}` and add `delay: {{reason: ..., plan: ..., due: {move.new}}}` "
                "saying why the date moved, what happens now and the new date"
            )
            problems.append(
                Problem(
                    source,
                    document.line_of(("milestones", index, "due")),
                    f"milestones[{index}].due",
                    f"'{move.milestone}': `due` was changed from {move.old} to {move.new} {when}. `due` "
                    f"keeps the date promised first, and a later date needs a `delay`: {fix}",
                )
            )
    return problems

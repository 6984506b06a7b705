"""Kept promises: how many milestones were finished by the date first promised, and how
far the others moved. The same figures for every project and client, good or bad.

Pure. The first promise of a milestone is the ledger's (status/ledger.py): its `due` on the day
it was first written. Without a ledger (no history), it is the milestone's `due`, which by the
rules of the project file keeps the first promise (`milepost check` refuses a `due` moved later).

- A finished milestone was finished on time when `done` is on or before its first promise;
  otherwise it moved by the days from the first promise to `done`.
- An open milestone is not judged while its promise stands: it may still be kept. Once its
  promise moved later (a `delay`), or its date has passed, it has moved: by the days from the
  first promise to the date promised now, or to today when that is later (a promise already
  broken moved at least that far). It is counted among the moves, marked as not finished, so
  the count cannot look good by leaving late work open.
- A milestone whose promise moved earlier, and open ones not yet due, are not moves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from milepost.model import Project
from milepost.status.ledger import ProjectLedger


@dataclass(frozen=True)
class Move:
    project: str  # project slug
    milestone: str  # milestone id
    days: int  # how far from the first promise (> 0)
    finished: bool


@dataclass(frozen=True)
class KeptPromises:
    finished: int = 0  # milestones finished
    kept: int = 0  # of those, finished by the date first promised
    moves: tuple[Move, ...] = ()  # finished late, and open ones whose promise moved or passed

    @property
    def empty(self) -> bool:
        return self.finished == 0 and not self.moves


def first_promise(ledger: ProjectLedger, ident: str, due: dt.date) -> dt.date:
    entry = ledger.of(ident)
    return entry.first_promise if entry is not None else due


def project_kept_promises(project: Project, ledger: ProjectLedger, today: dt.date) -> KeptPromises:
    finished = kept = 0
    moves: list[Move] = []
    for m in project.milestones:
        first = first_promise(ledger, m.id, m.due)
        if m.done is not None:
            finished += 1
            if m.done <= first:
                kept += 1
            else:
                moves.append(Move(project.slug, m.id, (m.done - first).days, True))
            continue
        now = max(m.current_due, today)
        if now > first:
            moves.append(Move(project.slug, m.id, (now - first).days, False))
    return KeptPromises(finished, kept, tuple(moves))


def client_kept_promises(records: Iterable[KeptPromises]) -> KeptPromises:
    """The record of a client: its projects' records added up."""
    records = list(records)
    return KeptPromises(
        finished=sum(r.finished for r in records),
        kept=sum(r.kept for r in records),
        moves=tuple(move for r in records for move in r.moves),
    )

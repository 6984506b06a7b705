"""What the client still owes the team: which items are open, which are overdue, in what order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from enum import StrEnum

from milepost.model import ChangeRequest, ChangeStatus, Milestone, Project, WaitingItem

# A change request in this status waits for the client's decision.
AWAITING_DECISION = ChangeStatus.PROPOSED


def is_overdue(item: WaitingItem, today: dt.date) -> bool:
    return bool(item.needed_by and item.needed_by < today)


def overdue_days(item: WaitingItem, today: dt.date) -> int:
    """How many days past `needed_by` the item is (0 when it is not overdue)."""
    if item.needed_by is None or not is_overdue(item, today):
        return 0
    return (today - item.needed_by).days


def open_waiting(project: Project, today: dt.date) -> list[WaitingItem]:
    """What the client still owes, overdue first, then by the date it is needed."""
    items = [item for item in project.waiting_on_client if not item.done]
    far = dt.date.max
    return sorted(items, key=lambda i: (not is_overdue(i, today), i.needed_by or far, i.asked))


def open_waiting_across(projects: Sequence[Project], today: dt.date) -> list[tuple[Project, WaitingItem]]:
    """What the client owes across its projects, overdue first, then by the date it is needed
    (a stable sort: within the same date, in the projects' order)."""
    waiting = [(p, item) for p in projects for item in open_waiting(p, today)]
    waiting.sort(key=lambda pi: (not is_overdue(pi[1], today), pi[1].needed_by or dt.date.max))
    return waiting


def held_milestone(item: WaitingItem, project: Project) -> Milestone | None:
    """The milestone the item holds up, if it names one of the project's."""
    return next((m for m in project.milestones if m.id == item.milestone), None)


def awaiting_decision(project: Project, decided: Collection[str] = ()) -> list[ChangeRequest]:
    """The change requests that wait for the client's decision, oldest first (undated last);
    `decided`: the ids the client already accepted or declined on the record (answers.yml)."""
    changes = [c for c in project.changes if c.status == AWAITING_DECISION and c.id not in decided]
    return sorted(changes, key=lambda c: c.date or dt.date.max)


# A change request's `decide_by:` is recalled in the weekly letter from this many days before.
DECIDE_BY_REMINDER_DAYS = 7


class DecideByReminder(StrEnum):
    """Why the weekly letter recalls a change request's `decide_by:` date."""

    NEAR = "near"  # today or within DECIDE_BY_REMINDER_DAYS days
    PAST = "past"  # the date has gone by without a decision


def decide_by_reminder(change: ChangeRequest, today: dt.date) -> DecideByReminder | None:
    """Whether a change request still waiting for the client's decision needs a reminder:
    its `decide_by:` is past, or at most DECIDE_BY_REMINDER_DAYS days away. None otherwise
    (decided, no date, or the date still far)."""
    if change.status != AWAITING_DECISION or change.decide_by is None:
        return None
    if change.decide_by < today:
        return DecideByReminder.PAST
    if (change.decide_by - today).days <= DECIDE_BY_REMINDER_DAYS:
        return DecideByReminder.NEAR
    return None


def waiting_count(project: Project, today: dt.date, decided: Collection[str] = ()) -> int:
    """All the team waits for from the client: open items and decisions on change requests."""
    return len(open_waiting(project, today)) + len(awaiting_decision(project, decided))

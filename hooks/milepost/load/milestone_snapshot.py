"""What one version of a project file said about its milestones and its budget, read leniently.

The promise ledger compares the versions of a project file over its whole history; old
versions may hold mistakes fixed later, so a version that does not parse, or a milestone
written wrong, is skipped rather than refused (what `milepost check` refuses is the file as it
is now).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from milepost.load.dates import parse_date
from milepost.load.text import one_line, paragraphs
from milepost.load.yaml_source import load_yaml_text


@dataclass(frozen=True)
class MilestoneSnapshot:
    """What one version of a project file said about one milestone."""

    id: str
    title: str = ""
    due: dt.date | None = None
    delay_due: dt.date | None = None
    delay_reason: str = ""
    done: dt.date | None = None
    tasks: int = 0

    @property
    def promise(self) -> dt.date | None:
        """The date promised in this version: the delay's date when there is one."""
        return self.delay_due or self.due


@dataclass(frozen=True)
class BudgetSnapshot:
    """What one version of a project file said about the budget (status/budget.py reads
    whether and when the agreed hours were raised)."""

    hours: float
    used: float = 0.0
    as_of: dt.date | None = None


Snapshot = tuple[tuple[MilestoneSnapshot, ...], bool, BudgetSnapshot | None]  # (milestones, readable, budget)
UNREADABLE: Snapshot = ((), False, None)


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def budget_snapshot(data: dict[str, Any]) -> BudgetSnapshot | None:
    """The version's `budget`, or None when it has none (or none with readable hours)."""
    budget = data.get("budget")
    if not isinstance(budget, dict):
        return None
    hours = _number(budget.get("hours"))
    if hours is None:
        return None
    return BudgetSnapshot(hours, _number(budget.get("used")) or 0.0, parse_date(budget.get("as_of")))


def snapshot_of_text(text: str) -> Snapshot:
    """The milestones of one version of a project file, whether it was valid YAML, and its
    budget."""
    document = load_yaml_text(text)
    data = document.data
    if not document.parsed or not isinstance(data, dict):
        return UNREADABLE
    snapshots: list[MilestoneSnapshot] = []
    seen: set[str] = set()
    milestones = data.get("milestones")
    for item in milestones if isinstance(milestones, list) else []:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or item["id"] in seen:
            continue
        seen.add(item["id"])
        delay: dict[str, Any] = item["delay"] if isinstance(item.get("delay"), dict) else {}
        tasks = item.get("tasks")
        reason = delay.get("reason")
        title = item.get("title")
        snapshots.append(
            MilestoneSnapshot(
                id=item["id"],
                title=one_line(title) if isinstance(title, str) else "",
                due=parse_date(item.get("due")),
                delay_due=parse_date(delay.get("due")),
                delay_reason=paragraphs(reason) if isinstance(reason, str) else "",
                done=parse_date(item.get("done")),
                tasks=len(tasks) if isinstance(tasks, list) else 0,
            )
        )
    return tuple(snapshots), True, budget_snapshot(data)


def snapshot_of_bytes(content: bytes) -> Snapshot:
    """`snapshot_of_text` of a file's bytes: unreadable when they are not UTF-8."""
    try:
        return snapshot_of_text(content.decode("utf-8"))
    except UnicodeDecodeError:
        return UNREADABLE

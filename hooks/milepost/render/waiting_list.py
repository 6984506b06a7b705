"""What the client still owes, ready for a page: one view per open item (see `status.waiting`
for which items are open and their order)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from milepost.i18n import Texts
from milepost.model import ChangeRequest, Project, WaitingItem
from milepost.render.answer_views import NO_ANSWER, AnswerView
from milepost.status.waiting import DecideByReminder, held_milestone, overdue_days


@dataclass(frozen=True)
class WaitingItemView:
    title: str
    facts: str  # when it was asked for and, if set, when it is needed
    overdue_days: int  # 0: not overdue
    holds: str | None  # the title of the milestone it holds up
    project_name: str | None = None  # named on the home page, where items of all projects meet
    answer: AnswerView = NO_ANSWER  # the links that answer it and the record (project page)


def waiting_item_view(
    item: WaitingItem, project: Project, today: dt.date, texts: Texts, *, name_project: bool = False
) -> WaitingItemView:
    # One sentence per case, so that each language can word it without the item's title, whose
    # gender and number are unknown: "Prośba z 12 listopada 2026; termin: 20 listopada 2026".
    if item.needed_by:
        facts = texts.gettext(
            "Asked on {asked}; needed by {needed}",
            asked=texts.date(item.asked),
            needed=texts.date(item.needed_by),
        )
    else:
        facts = texts.gettext("Asked on {asked}", asked=texts.date(item.asked))
    held = held_milestone(item, project)
    return WaitingItemView(
        title=item.title,
        facts=facts,
        overdue_days=overdue_days(item, today),
        holds=held.title if held else None,
        project_name=project.name if name_project else None,
    )


def decision_item_view(
    change: ChangeRequest, project: Project, texts: Texts, *, name_project: bool = False
) -> WaitingItemView:
    """A change request that waits for the client's decision, as one item of "Waiting on you"."""
    title = texts.gettext("Your decision on {id}: {title}", id=change.id, title=change.title)
    parts = []
    if change.date:
        parts.append(texts.gettext("Proposed on {date}", date=texts.date(change.date)))
    if change.hours is not None:
        parts.append(texts.gettext("extra hours: {hours}", hours=texts.number(change.hours)))
    if change.impact:
        parts.append(texts.gettext("effect on the plan: {impact}", impact=change.impact))
    return WaitingItemView(
        title=title,
        facts="; ".join(parts),
        overdue_days=0,
        holds=None,
        project_name=project.name if name_project else None,
    )


def decide_by_words(day: dt.date, reminder: DecideByReminder | None, texts: Texts) -> str:
    """A change request's `decide_by:` as the client reads it: a request, or, once the day has
    gone by, a plain statement that it has."""
    if reminder == DecideByReminder.PAST:
        return texts.gettext("Your decision was needed by {date}", date=texts.date(day))
    return texts.gettext("Please decide by {date}", date=texts.date(day))

"""The sentences about the budget against the work (status/budget.py), for the project's budget
section and its card at home; plain text in the client's words."""

from __future__ import annotations

from milepost.i18n import Texts
from milepost.status.budget import BudgetPace


def pace_sentence(pace: BudgetPace | None, texts: Texts) -> str | None:
    """When the hours run ahead of the work: the two shares and what they mean at this pace.
    None when they do not (or there is nothing to compare)."""
    if pace is None or not pace.ahead or pace.done_percent is None or pace.covers_percent is None:
        return None
    return texts.gettext(
        "{used} of the hours are used and {done} of the parts are done: at this pace the hours "
        "cover about {covers} of the plan.",
        used=texts.percent(pace.used_percent / 100),
        done=texts.percent(pace.done_percent / 100),
        covers=texts.percent(pace.covers_percent / 100),
    )


def raise_sentences(pace: BudgetPace | None, texts: Texts) -> tuple[str, ...]:
    """One sentence per raise of the agreed hours, oldest first."""
    if pace is None:
        return ()
    return tuple(
        texts.gettext(
            "The agreed hours were raised from {old} to {new} on {date}.",
            old=texts.number(change.old),
            new=texts.number(change.new),
            date=texts.date(change.day),
        )
        for change in pace.raises
    )

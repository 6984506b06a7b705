"""Kept promises in one sentence (status/kept_promises.py): the same words whether
they are many or few, for a project's page and for the client's home page."""

from __future__ import annotations

from milepost.i18n import Texts
from milepost.status.kept_promises import KeptPromises


def _days(n: int, texts: Texts) -> str:
    return texts.ngettext("{n} day", "{n} days", n)


def kept_promises_sentence(record: KeptPromises | None, texts: Texts) -> str | None:
    """"1 of 1 finished milestone by the date first promised; 1 moved: by 22 days (not finished
    yet)." Said also when nothing is finished or moved yet ("No milestone finished yet; none
    moved."): the record is always on the page. None only when nothing was measured."""
    if record is None:
        return None
    if record.finished:
        kept = texts.ngettext(
            "{kept} of {n} finished milestone by the date first promised",
            "{kept} of {n} finished milestones by the date first promised",
            record.finished,
            kept=texts.number(record.kept),
        )
    else:
        kept = texts.gettext("No milestone finished yet")
    if not record.moves:
        return texts.gettext("{kept}; none moved.", kept=kept)
    moves = sorted(record.moves, key=lambda move: (not move.finished, -move.days))
    phrases = [
        texts.gettext("by {days}", days=_days(move.days, texts))
        if move.finished
        else texts.gettext("by {days} (not finished yet)", days=_days(move.days, texts))
        for move in moves
    ]
    return texts.ngettext(
        "{kept}; {n} moved: {moves}.",
        "{kept}; {n} moved: {moves}.",
        len(moves),
        kept=kept,
        moves=texts.list(phrases),
    )

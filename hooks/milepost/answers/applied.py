"""The answers on the record that count: the applied entries of a client's answers.yml, as
plain data the pages, the feeds and status.json show.

Only applied answers are agreements; a refused message (a forged sender, an older version's
reference...) is the agency's to look at and never reaches the client's site. Each answer is
matched to an item by its project, kind and key, and compared with the item's version now: an
answer to an earlier version (a change request whose hours changed since) no longer decides it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from milepost.answer_reference import Action, AnswerItem, ItemKind, change_item
from milepost.load.text import paragraphs
from milepost.model import ChangeStatus, Project

DECISIONS = (Action.ACCEPT, Action.DECLINE)


@dataclass(frozen=True)
class AppliedAnswer:
    """One applied answer: who answered what, how, when and to which version."""

    received: dt.datetime  # with its offset
    name: str
    address: str
    project: str
    kind: ItemKind
    item: str
    action: Action
    version: str
    words: str  # the client's own words, redacted when recorded
    message_id: str


def _answer(entry: Mapping[str, Any]) -> AppliedAnswer | None:
    try:
        received = dt.datetime.fromisoformat(str(entry.get("received") or ""))
        kind, action = ItemKind(str(entry.get("kind"))), Action(str(entry.get("action")))
    except ValueError:  # an entry without an item (refused) or of a format this code does not know
        return None
    if received.tzinfo is None:
        received = received.replace(tzinfo=dt.UTC)
    return AppliedAnswer(
        received=received,
        name=str(entry.get("name") or entry.get("address") or ""),
        address=str(entry.get("address") or ""),
        project=str(entry.get("project") or ""),
        kind=kind,
        item=str(entry.get("item") or ""),
        action=action,
        version=str(entry.get("version") or ""),
        # As a page prints a paragraph field: no line of white space alone, which would end an
        # HTML block in Markdown; paragraphs a blank line apart.
        words=paragraphs(str(entry.get("words") or "")),
        message_id=str(entry.get("message_id") or ""),
    )


def applied_answers(entries: Iterable[Mapping[str, Any]]) -> tuple[AppliedAnswer, ...]:
    """The applied answers among the record's `entries`, newest first."""
    found = (_answer(entry) for entry in entries if entry.get("applied") is True)
    return tuple(sorted((a for a in found if a is not None), key=lambda a: (a.received, a.message_id), reverse=True))


def of_project(answers: Sequence[AppliedAnswer], project: Project) -> tuple[AppliedAnswer, ...]:
    return tuple(answer for answer in answers if answer.project == project.slug)


def latest_answer(answers: Sequence[AppliedAnswer], item: AnswerItem) -> AppliedAnswer | None:
    """The newest applied answer to `item` (any version; compare `version` with the item's)."""
    return next(
        (a for a in answers if a.project == item.project and a.kind is item.kind and a.item == item.key), None
    )


def current_answer(answers: Sequence[AppliedAnswer], item: AnswerItem) -> AppliedAnswer | None:
    """The newest applied answer to `item` in the version shown now, or None."""
    latest = latest_answer(answers, item)
    return latest if latest is not None and latest.version == item.version else None


def decided_changes(project: Project, answers: Sequence[AppliedAnswer]) -> frozenset[str]:
    """The ids of the project's proposed change requests the client accepted or declined on
    the record, in the version shown now: they no longer wait for the client."""
    decided = set()
    for change in project.changes:
        if change.status is ChangeStatus.PROPOSED:
            answer = current_answer(answers, change_item(project, change))
            if answer is not None and answer.action in DECISIONS:
                decided.add(change.id)
    return frozenset(decided)

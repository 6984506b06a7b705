"""What a page, a letter, a feed or status.json says about a client's answers: the links that
prepare one (render/answer_links.py) and the record's sentences ("Accepted by Marta Lis by
e-mail on 3 December 2026, 10:14"), in the client's language and time zone.

Links appear only when the portal names its answering address (`answers.address`) and the
build has the secret (MILEPOST_ANSWER_SECRET): `AnswerSetup.links_on`. The record is shown
either way: it is the client's own written consent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass

from milepost.answer_reference import (
    ACTIONS,
    Action,
    AnswerItem,
    ItemKind,
    answerable_items,
)
from milepost.answers.applied import AppliedAnswer, current_answer, latest_answer, of_project
from milepost.answers.responses import ResponseEntry
from milepost.i18n import Texts
from milepost.load.text import paragraphs
from milepost.model import Project
from milepost.render.answer_links import AnswerLink, answer_link
from milepost.render.environment import render

# An answer of these settles its item: the item offers no answer links any more.
SETTLING = frozenset({Action.ACCEPT, Action.DECLINE, Action.APPROVE, Action.CONFIRM})


@dataclass(frozen=True)
class AnswerSetup:
    """How a client's answers are offered and shown in one build: the answering address, the
    portal's secret (None: no links) and the client's applied answers, newest first."""

    address: str = ""
    secret: bytes | None = None
    answers: tuple[AppliedAnswer, ...] = ()
    timezone: str = ""  # the client's: when an answer came, in its own time ("" = UTC)
    replies: tuple[ResponseEntry, ...] = ()  # the agency's first replies to the client's messages

    def reply_to(self, message_id: str) -> ResponseEntry | None:
        """The agency's first reply to the client's message `message_id`, when one is recorded."""
        return next((r for r in self.replies if r.message_id == message_id and r.replied), None)

    @property
    def links_on(self) -> bool:
        return bool(self.address and self.secret)

    def key(self) -> tuple[object, ...]:
        """What the rendered output depends on, for a cache key: never the secret itself, a
        keyed digest of a constant, which changes with it."""
        fingerprint = (
            hmac.new(self.secret, b"milepost-answer-links", hashlib.sha256).hexdigest()[:16] if self.secret else ""
        )
        return (self.address if self.links_on else "", fingerprint, self.answers, self.timezone, self.replies)


NO_ANSWERS = AnswerSetup()


@dataclass(frozen=True)
class AnswerView:
    """One item's answers: the links offered (none once it is settled on the record), the
    record's sentence, and a note when the answer on the record was to an earlier version."""

    links: tuple[AnswerLink, ...] = ()
    recorded: str = ""
    earlier: str = ""

    def __bool__(self) -> bool:
        return bool(self.links or self.recorded or self.earlier)


NO_ANSWER = AnswerView()  # nothing to answer and nothing on record


def recorded_sentence(answer: AppliedAnswer, texts: Texts, zone: str) -> str:
    """"Accepted by Marta Lis by e-mail on 3 December 2026, 10:14", in the client's words and
    time zone `zone`."""
    values = {"name": answer.name, "when": texts.date_time(answer.received, zone)}
    return {
        Action.ACCEPT: texts.gettext("Accepted by {name} by e-mail on {when}", **values),
        Action.DECLINE: texts.gettext("Declined by {name} by e-mail on {when}", **values),
        Action.APPROVE: texts.gettext("Approved by {name} by e-mail on {when}", **values),
        Action.ASK_CHANGES: texts.gettext("Changes asked for by {name} by e-mail on {when}", **values),
        Action.CONFIRM: texts.gettext("Confirmed by {name} by e-mail on {when}", **values),
        Action.NOT_RIGHT: texts.gettext("{name} wrote by e-mail on {when} that something is not right", **values),
        Action.REPLY: texts.gettext("{name} replied by e-mail on {when}", **values),
        Action.ASK: texts.gettext("Question from {name}, by e-mail on {when}", **values),
    }[answer.action]


def earlier_sentence(answer: AppliedAnswer, texts: Texts, zone: str) -> str:
    return texts.gettext(
        "{name} answered an earlier version by e-mail on {when}; it has changed since, so this version needs a "
        "fresh answer.",
        name=answer.name,
        when=texts.date_time(answer.received, zone),
    )


def answer_view(item: AnswerItem | None, setup: AnswerSetup, texts: Texts) -> AnswerView:
    """The links and the record for `item` in the version shown now."""
    if item is None:
        return NO_ANSWER
    current = current_answer(setup.answers, item)
    recorded = ""
    if current is not None and item.kind is not ItemKind.PROJECT:  # a question is listed on its own
        recorded = recorded_sentence(current, texts, setup.timezone)
    earlier = ""
    if current is None:
        latest = latest_answer(setup.answers, item)
        if latest is not None and latest.action in SETTLING:
            earlier = earlier_sentence(latest, texts, setup.timezone)
    settled = current is not None and current.action in SETTLING
    links: tuple[AnswerLink, ...] = ()
    if setup.links_on and not settled:
        assert setup.secret is not None
        links = tuple(answer_link(setup.secret, setup.address, item, action, texts) for action in ACTIONS[item.kind])
    return AnswerView(links=links, recorded=recorded, earlier=earlier)


def item_title(item: AnswerItem) -> str:
    """What the item is called where the client reads about it: "CR-3: Gift cards"."""
    title = item.field("title") or item.field("name")
    return f"{item.key}: {title}" if item.kind is ItemKind.CHANGE_REQUEST else title


@dataclass(frozen=True)
class RecordLine:
    """One answer on the record, for the page of agreements, the feed and status.json."""

    answer: AppliedAnswer
    project: str  # the project's name
    what: str  # the item as the client knows it
    sentence: str  # "Accepted by ... on ..."
    current: bool  # to the version shown now (False: the item changed since, or is gone)


def record_lines(projects: Sequence[Project], setup: AnswerSetup, texts: Texts) -> tuple[RecordLine, ...]:
    """Every applied answer to the client's projects, newest first."""
    lines = []
    for project in projects:
        items = {(item.kind, item.key): item for item in answerable_items(project, any_state=True)}
        for answer in of_project(setup.answers, project):
            item = items.get((answer.kind, answer.item))
            lines.append(
                RecordLine(
                    answer=answer,
                    project=project.name,
                    what=item_title(item) if item is not None else answer.item,
                    sentence=recorded_sentence(answer, texts, setup.timezone),
                    current=item is not None and item.version == answer.version,
                )
            )
    return tuple(sorted(lines, key=lambda line: (line.answer.received, line.answer.message_id), reverse=True))


@dataclass(frozen=True)
class ReplyView:
    """The agency's reply to a client's question, as the client reads it."""

    name: str
    replied: dt.datetime  # with its offset
    sentence: str  # "Answered by Piotr Zieliński on 4 December 2026, 11:02:"
    words: str  # redacted when recorded; paragraphs as a page prints them


@dataclass(frozen=True)
class QuestionView:
    """A client's question on the record and, once the agency replied, the reply."""

    sentence: str  # "Question from Marta Lis, by e-mail on ..."
    words: str
    reply: ReplyView | None


def reply_view(answer: AppliedAnswer, setup: AnswerSetup, texts: Texts) -> ReplyView | None:
    """The agency's recorded reply to the question `answer`, None while none is recorded."""
    entry = setup.reply_to(answer.message_id)
    if entry is None or not entry.reply_name:  # an entry written before replies were kept names no one
        return None
    try:
        replied = dt.datetime.fromisoformat(entry.replied)
    except ValueError:  # a time this code cannot read: the reply is not shown rather than misdated
        return None
    if replied.tzinfo is None:
        replied = replied.replace(tzinfo=dt.UTC)
    when = texts.date_time(replied, setup.timezone)
    return ReplyView(
        name=entry.reply_name,
        replied=replied,
        sentence=texts.gettext("Answered by {name} on {when}:", name=entry.reply_name, when=when),
        words=paragraphs(entry.reply_words),
    )


def questions(project: Project, setup: AnswerSetup, texts: Texts) -> tuple[QuestionView, ...]:
    """The client's questions about `project` on the record, newest first, each with the
    agency's reply when one is recorded."""
    return tuple(
        QuestionView(recorded_sentence(answer, texts, setup.timezone), answer.words, reply_view(answer, setup, texts))
        for answer in of_project(setup.answers, project)
        if answer.kind is ItemKind.PROJECT
    )


def render_agreements(projects: Sequence[Project], setup: AnswerSetup, texts: Texts) -> str | None:
    """The page of agreements: every applied answer, newest first; None while there is none."""
    lines = record_lines(projects, setup, texts)
    return render("agreements.md.j2", texts, lines=lines) if lines else None

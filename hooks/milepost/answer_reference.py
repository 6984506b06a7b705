"""The keyed reference an answer carries: which item a client answers, how, and to which version.

Every place that asks the client to act (a change request to decide, a deliverable to sign off,
a meeting summary or a change of plan to confirm, a waiting item, a question) offers answers
whose e-mail subject carries a reference like `MP-K7Q2M9X4W8R3T6Y1`. The reference is an
HMAC-SHA256, keyed with the portal's secret (MILEPOST_ANSWER_SECRET, never in the repository),
over the client, the project, the item, the action and a digest of the exact text the client
saw. So an answer can only be applied to that item, by that action, in that version: a change
request whose hours or impact changed after the letter needs a fresh answer, and nobody without
the secret can make a reference for another item.

The reference names nothing itself; `milepost inbox` finds the item by computing the references
of the sender's client's current items (`answerable_items`) and comparing them, in constant time.

Top level, beside `model.py`: it is computed from plain data, and both the pages and letters
(the links) and the inbox (the check) use it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum

from milepost.errors import AnswerError
from milepost.model import ChangeRequest, ChangeStatus, Decision, Deliverable, Milestone, Project, WaitingItem

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

SECRET_VARIABLE = "MILEPOST_ANSWER_SECRET"
MIN_SECRET_LENGTH = 32  # characters: a random 32-character secret is well over 128 bits
PREFIX = "MP-"
CODE_LENGTH = 16  # base32 characters: 80 bits of the HMAC
REFERENCE_PATTERN = re.compile(r"\bMP-([A-Z2-7]{16})\b")
FORMAT = "milepost-answer-1"  # part of what is keyed: a new format never accepts an old reference


class ItemKind(StrEnum):
    """What the client is asked about."""

    CHANGE_REQUEST = "change_request"
    DELIVERABLE = "deliverable"
    MEETING = "meeting"  # a meeting summary (a decision of the project file)
    MOVED_DATE = "moved_date"  # a milestone's moved date
    WAITING = "waiting"  # something the team is waiting for from the client
    PROJECT = "project"  # the project itself: a question


class Action(StrEnum):
    """How the client answers."""

    ACCEPT = "accept"
    DECLINE = "decline"
    APPROVE = "approve"
    ASK_CHANGES = "ask_changes"
    CONFIRM = "confirm"
    NOT_RIGHT = "not_right"
    REPLY = "reply"
    ASK = "ask"


ACTIONS: Mapping[ItemKind, tuple[Action, ...]] = {
    ItemKind.CHANGE_REQUEST: (Action.ACCEPT, Action.DECLINE),
    ItemKind.DELIVERABLE: (Action.APPROVE, Action.ASK_CHANGES),
    ItemKind.MEETING: (Action.CONFIRM, Action.NOT_RIGHT),
    ItemKind.MOVED_DATE: (Action.CONFIRM, Action.NOT_RIGHT),
    ItemKind.WAITING: (Action.REPLY,),
    ItemKind.PROJECT: (Action.ASK,),
}


@dataclass(frozen=True)
class AnswerItem:
    """One thing a client may answer, in the version shown: `shown` is every text the client
    read about it (for a change request its title, hours and impact), in a fixed order."""

    client: str
    project: str
    kind: ItemKind
    key: str  # the item within its project: "CR-3", a deliverable's title, a decision's date and title
    shown: tuple[tuple[str, str], ...]

    @property
    def version(self) -> str:
        """A canonical digest of the text the client saw (16 hex digits of its SHA-256)."""
        data = json.dumps(self.shown, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(data.encode("utf-8")).hexdigest()[:16]

    def field(self, name: str) -> str:
        return dict(self.shown).get(name, "")


def _hours(hours: float | None) -> str:
    return "" if hours is None else f"{hours:g}"


def _item(project: Project, kind: ItemKind, key: str, *shown: tuple[str, str]) -> AnswerItem:
    return AnswerItem(project.client, project.slug, kind, key, tuple(shown))


def change_item(project: Project, change: ChangeRequest) -> AnswerItem:
    """A change request as the client reads it (whatever its status: an answer on the record
    is compared with the version shown now)."""
    return _item(
        project, ItemKind.CHANGE_REQUEST, change.id, ("id", change.id), ("title", change.title),
        ("hours", _hours(change.hours)), ("impact", change.impact),
        ("date", change.date.isoformat() if change.date else ""),
    )


def deliverable_item(project: Project, deliverable: Deliverable) -> AnswerItem:
    return _item(
        project, ItemKind.DELIVERABLE, deliverable.title, ("title", deliverable.title), ("url", deliverable.url),
        ("date", deliverable.date.isoformat()),
    )


def meeting_item(project: Project, decision: Decision) -> AnswerItem:
    return _item(
        project, ItemKind.MEETING, f"{decision.date.isoformat()} {decision.title}", ("title", decision.title),
        ("summary", decision.summary), ("agreed", "\n".join(decision.agreed)), ("date", decision.date.isoformat()),
    )


def moved_date_item(project: Project, milestone: Milestone) -> AnswerItem | None:
    """A milestone's moved date (None when it has no `delay:`)."""
    if milestone.delay is None:
        return None
    return _item(
        project, ItemKind.MOVED_DATE, milestone.id, ("title", milestone.title), ("due", milestone.due.isoformat()),
        ("new_due", milestone.delay.due.isoformat()), ("reason", milestone.delay.reason),
        ("plan", milestone.delay.plan),
    )


def waiting_item(project: Project, waiting: WaitingItem) -> AnswerItem:
    return _item(
        project, ItemKind.WAITING, waiting.title, ("title", waiting.title), ("date", waiting.asked.isoformat()),
    )


def project_item(project: Project) -> AnswerItem:
    return _item(project, ItemKind.PROJECT, project.slug, ("name", project.name))


def answerable_items(project: Project, *, any_state: bool = False) -> Iterator[AnswerItem]:
    """Every item of `project` a client can answer today, in its current version: the change
    requests waiting for a decision, the deliverables that ask for sign-off, the meeting
    summaries, the moved milestones, the open waiting items and the project itself (a question).
    With `any_state`, every item an answer may have been about, whatever its state now (a
    change request accepted since, a waiting item done): to name what an answer was about."""
    for change in project.changes:
        if any_state or change.status is ChangeStatus.PROPOSED:
            yield change_item(project, change)
    for deliverable in project.deliverables:
        if any_state or deliverable.sign_off:
            yield deliverable_item(project, deliverable)
    for decision in project.decisions:
        yield meeting_item(project, decision)
    for milestone in project.milestones:
        moved = moved_date_item(project, milestone)
        if moved is not None:
            yield moved
    for waiting in project.waiting_on_client:
        if any_state or waiting.done is None:
            yield waiting_item(project, waiting)
    yield project_item(project)


def answer_secret(environ: Mapping[str, str] | None = None) -> bytes:
    """The portal's answer secret from MILEPOST_ANSWER_SECRET; `AnswerError` when it is
    missing or too short to key anything."""
    value = (os.environ if environ is None else environ).get(SECRET_VARIABLE, "").strip()
    if not value:
        raise AnswerError(
            f"{SECRET_VARIABLE} is not set; set it to a random secret of at least {MIN_SECRET_LENGTH} characters "
            "(e.g. the output of `python3 -c 'import secrets; print(secrets.token_urlsafe(32))'`), "
            "kept outside the repository"
        )
    if len(value) < MIN_SECRET_LENGTH:
        raise AnswerError(
            f"{SECRET_VARIABLE} is {len(value)} characters long; use a random secret of at least "
            f"{MIN_SECRET_LENGTH} characters"
        )
    return value.encode("utf-8")


_said_missing: set[str] = set()  # the warning below is given once per process and reason


def link_secret(address: str, environ: Mapping[str, str] | None = None, *, warn: bool = True) -> bytes | None:
    """The secret that keys the answer links of a build, or None when there are to be none:
    no `answers.address` (quietly), or no usable MILEPOST_ANSWER_SECRET (said once, as a
    warning: `mkdocs build --strict` fails on it, and the pages and letters carry no links).
    `warn=False`: the caller's own run said it already (`milepost build`, before its clients)."""
    if not address:
        return None
    try:
        return answer_secret(environ)
    except AnswerError as err:
        if warn and str(err) not in _said_missing:
            _said_missing.add(str(err))
            log.warning("answers.address is set, but no answer links are shown: %s", err)
        return None


def reference(secret: bytes, item: AnswerItem, action: Action) -> str:
    """The reference `MP-` + 16 base32 characters for answering `item` by `action`."""
    if action not in ACTIONS[item.kind]:
        raise ValueError(f"{action} is not an answer to a {item.kind}")
    message = json.dumps(
        [FORMAT, item.client, item.project, item.kind.value, item.key, action.value, item.version],
        ensure_ascii=False, separators=(",", ":"),
    ).encode("utf-8")
    digest = hmac.new(secret, message, hashlib.sha256).digest()
    return PREFIX + base64.b32encode(digest).decode("ascii")[:CODE_LENGTH]


def verifies(secret: bytes, found: str, item: AnswerItem, action: Action) -> bool:
    """Whether the reference `found` is the one for answering `item` by `action`, compared in
    constant time."""
    return hmac.compare_digest(found.encode("ascii", "replace"), reference(secret, item, action).encode("ascii"))


def reference_in(subject: str) -> str | None:
    """The first reference in a subject line (`MP-` and 16 base32 characters), or None."""
    found = REFERENCE_PATTERN.search(subject.upper())
    return PREFIX + found[1] if found else None

"""The `mailto:` links that prepare a client's answer: to the agency's answering address, the
subject carrying the keyed reference (`answer_reference.py`), the body restating what is agreed
(title, hours, effect on the plan, the date of the version), so the e-mail itself is a complete
written agreement. Words in the client's language; percent-encoding as RFC 6068 asks (UTF-8,
every reserved character encoded, line breaks as %0D%0A)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import quote

from milepost.answer_reference import Action, AnswerItem, ItemKind, reference
from milepost.i18n import Texts


@dataclass(frozen=True)
class AnswerLink:
    """One answer a page or a letter offers: its label ("Accept") and its `mailto:` URL."""

    action: Action
    label: str
    subject: str
    body: str
    href: str


def action_label(action: Action, texts: Texts) -> str:
    return {
        Action.ACCEPT: texts.gettext("Accept"),
        Action.DECLINE: texts.gettext("Decline"),
        Action.APPROVE: texts.gettext("Approve"),
        Action.ASK_CHANGES: texts.gettext("Ask for changes"),
        Action.CONFIRM: texts.gettext("Confirm"),
        Action.NOT_RIGHT: texts.gettext("Something is not right"),
        Action.REPLY: texts.gettext("Reply"),
        Action.ASK: texts.gettext("Ask a question"),
    }[action]


def _agreement(action: Action, texts: Texts) -> str:
    """The first line of the body: what the client says by sending it."""
    return {
        Action.ACCEPT: texts.gettext("I accept this change request as described below."),
        Action.DECLINE: texts.gettext("I decline this change request as described below."),
        Action.APPROVE: texts.gettext("I approve this deliverable as described below."),
        Action.ASK_CHANGES: texts.gettext("I ask for changes to this deliverable (please see my words below)."),
        Action.CONFIRM: texts.gettext("I confirm what is described below."),
        Action.NOT_RIGHT: texts.gettext(
            "Something in what is described below is not right (please see my words below)."
        ),
        Action.REPLY: texts.gettext("My answer to what the team is waiting for:"),
        Action.ASK: texts.gettext("My question:"),
    }[action]


def _date(value: str, texts: Texts) -> str:
    return texts.date(dt.date.fromisoformat(value)) if value else ""


def _facts(item: AnswerItem, texts: Texts) -> list[str]:
    """The lines that restate the version the client saw."""
    lines = [texts.gettext("Title: {title}", title=item.field("title") or item.field("name"))]
    hours = item.field("hours")
    if hours:
        lines.append(texts.gettext("Hours: {hours}", hours=texts.number(float(hours))))
    if item.field("impact"):
        lines.append(texts.gettext("Effect on the plan: {impact}", impact=item.field("impact")))
    if item.field("url"):
        lines.append(texts.gettext("Link: {url}", url=item.field("url")))
    if item.kind is ItemKind.MOVED_DATE:
        new, old = _date(item.field("new_due"), texts), _date(item.field("due"), texts)
        lines.append(texts.gettext("New date: {new} (was {old})", new=new, old=old))
    if item.field("date"):
        lines.append(texts.gettext("Version of {date}", date=_date(item.field("date"), texts)))
    return lines


def answer_body(item: AnswerItem, action: Action, texts: Texts) -> str:
    """The body of the prepared e-mail: what is agreed, then room for the client's words."""
    lines = [_agreement(action, texts), ""]
    if item.kind is not ItemKind.PROJECT:
        lines += [*_facts(item, texts), ""]
    lines.append("")
    return "\r\n".join(lines)


def answer_subject(item: AnswerItem, action: Action, code: str, texts: Texts) -> str:
    title = item.field("title") or item.field("name")
    what = f"{item.key}: {title}" if item.kind is ItemKind.CHANGE_REQUEST else title
    # One line: a title never breaks the header (CR/LF become spaces).
    return " ".join(f"{action_label(action, texts)}: {what} [{code}]".split())


def mailto(address: str, subject: str, body: str) -> str:
    """A `mailto:` URL (RFC 6068): the address with '%' and reserved characters encoded, and
    the subject and body as UTF-8 percent-encoded header fields (space as %20, never '+')."""
    return f"mailto:{quote(address, safe='@')}?subject={quote(subject, safe='')}&body={quote(body, safe='')}"


def answer_link(secret: bytes, address: str, item: AnswerItem, action: Action, texts: Texts) -> AnswerLink:
    """The link that prepares answering `item` by `action` to `address`."""
    subject = answer_subject(item, action, reference(secret, item, action), texts)
    body = answer_body(item, action, texts)
    return AnswerLink(action, action_label(action, texts), subject, body, mailto(address, subject, body))

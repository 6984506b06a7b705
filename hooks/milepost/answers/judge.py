"""One received message judged: which client, which item and action, and whether it is genuine.

An answer is applied only when all hold: the sender is one of a client's allowed addresses
(`letters.to` or `approvers:`), the subject's reference verifies for an item of that client in
its current version, and no trusted mail server's Authentication-Results fails it (dkim, spf
or dmarc). Everything else is refused, with the reason, and recorded all the same.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import email.policy
import hashlib
import hmac
import re
from collections.abc import Sequence
from dataclasses import dataclass
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.utils import getaddresses
from html.parser import HTMLParser

from milepost.answer_reference import ACTIONS, Action, AnswerItem, answerable_items, reference, reference_in
from milepost.answers.mailbox import RawMessage
from milepost.answers.record import AnswerEntry, received_at
from milepost.classify.project_text import redact_client_words
from milepost.model import Client, Portal

MAX_WORDS = 4000  # characters of the client's own words kept in the record
_VERDICT = re.compile(r"\b(dkim|spf|dmarc)\s*=\s*(fail|permerror)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Judged:
    client: str | None  # whose record it goes to (None: no client could be named)
    entry: AnswerEntry
    from_client: bool  # sent by one of the client's allowed addresses
    subject: str
    replies_to: tuple[str, ...]  # the Message-IDs of In-Reply-To and References
    # The sender's own words, bounded and quoted lines left out, not redacted yet: an agency's
    # reply is redacted for the client whose question it answers (responses.py).
    words: str = ""


class _Text(HTMLParser):
    """The text of an HTML part: tags dropped, scripts and styles skipped, nothing run."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in ("br", "p", "div", "li", "tr"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _one_line(value: str) -> str:
    return " ".join(value.split())


def _words(message: EmailMessage) -> str:
    """The sender's own words: the plain text (else the HTML's text), quoted lines left out."""
    try:
        part = message.get_body(preferencelist=("plain", "html"))
        text = part.get_content() if part is not None else ""
    except (LookupError, ValueError, AttributeError):
        return ""
    if not isinstance(text, str):
        return ""
    text = text[: MAX_WORDS * 4]
    if part is not None and part.get_content_subtype() == "html":
        parser = _Text()
        parser.feed(text)
        text = "".join(parser.parts)
    lines = [line.rstrip() for line in text.splitlines() if not line.lstrip().startswith(">")]
    return "\n".join(lines).strip()[:MAX_WORDS]


def _sender(message: EmailMessage) -> tuple[str, str]:
    """The From: name (decoded, on one line) and address (lower case), read from the raw header:
    the parsed one refuses a name with an encoded line break, and that sender is still named."""
    raw = next((str(value) for key, value in message.raw_items() if key.lower() == "from"), "")
    name, address = next(iter(getaddresses([raw])), ("", ""))
    with contextlib.suppress(UnicodeError, LookupError, HeaderParseError):  # else: kept as written
        name = str(make_header(decode_header(name)))
    return _one_line(name), address.strip().lower()


def authentication_failure(message: EmailMessage, trusted: Sequence[str]) -> str:
    """The first failing verdict of a trusted server's Authentication-Results ("" when none)."""
    for header in message.get_all("Authentication-Results") or ():
        server, _, results = str(header).partition(";")
        if server.strip().split()[:1] and server.strip().split()[0].lower() in trusted:
            failed = _VERDICT.search(results)
            if failed:
                return f"{server.strip().split()[0]} says {failed[1].lower()}={failed[2].lower()}"
    return ""


@dataclass(frozen=True)
class Expected:
    """What a run expects, worked out once: the portal's allowed senders, every current
    reference, and the trusted mail servers."""

    portal: Portal
    senders: dict[str, list[tuple[Client, str]]]  # address -> (client, name) for each client it answers for
    references: tuple[tuple[bytes, AnswerItem, Action], ...]
    trusted: tuple[str, ...]


def expected(portal: Portal, secret: bytes, trusted: Sequence[str]) -> Expected:
    senders: dict[str, list[tuple[Client, str]]] = {}
    for client in portal.clients:
        for person in (*client.letters.to, *client.approvers):
            senders.setdefault(person.email.lower(), []).append((client, person.name))
    references = tuple(
        (reference(secret, item, action).encode("ascii"), item, action)
        for project in portal.projects
        for item in answerable_items(project)
        for action in ACTIONS[item.kind]
    )
    return Expected(portal, senders, references, tuple(trusted))


def _matching(known: Expected, code: str) -> tuple[AnswerItem, Action] | None:
    """The item and action `code` is the reference of; each compared in constant time."""
    found = code.encode("ascii", "replace")
    for wanted, item, action in known.references:
        if hmac.compare_digest(found, wanted):
            return item, action
    return None


def judge(raw: RawMessage, known: Expected, now: dt.datetime) -> Judged:
    """The record's entry for `raw`, and whose record it belongs to."""
    portal = known.portal
    digest = hashlib.sha256(raw.data).hexdigest()
    message = email.message_from_bytes(raw.data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)

    def header(name: str) -> str:
        try:
            return _one_line(str(message.get(name) or ""))
        except (ValueError, IndexError):  # a header the parser cannot read at all
            return ""

    message_id = header("Message-ID") or f"<sha256-{digest}@milepost.invalid>"
    name, address = _sender(message)
    code = reference_in(header("Subject")) or ""
    match = _matching(known, code) if code else None
    clients = known.senders.get(address, [])
    named = [c for c, _ in clients if match and c.slug == match[0].client]
    sender_client = named[0] if named else clients[0][0] if clients else None
    if clients and not name:
        name = next(n for c, n in clients if c is sender_client)

    reason = ""
    failure = authentication_failure(message, known.trusted)
    if not address:
        reason = "no sender address (From:)"
    elif failure:
        reason = f"the mail server's check failed ({failure}): the sender may be forged"
    elif sender_client is None:
        reason = f"{address} is not among any client's letters.to or approvers"
    elif not code:
        reason = "no answer reference in the subject: a question or a reply, not an answer; answer it by hand"
    elif match is None:
        reason = (
            f"{code} matches no current item of {sender_client.slug}: the item changed after the link was sent "
            "(that version needs a fresh answer), it was decided already, or the reference is not ours"
        )
    elif match[0].client != sender_client.slug:
        reason = f"{code} is for an item of {match[0].client}, but {address} answers for {sender_client.slug}"

    replies_to = tuple(re.findall(r"<[^<>\s]+>", f"{header('In-Reply-To')} {header('References')}"))
    owner = sender_client or next((c for c in portal.clients if match and c.slug == match[0].client), None)
    item, action = match if match else (None, None)
    words = _words(message)
    return Judged(
        owner.slug if owner else None,
        AnswerEntry(
            received=received_at(header("Date"), now),
            name=name,
            address=address,
            project=item.project if item else "",
            kind=item.kind.value if item else "",
            item=item.key if item else "",
            action=action.value if action else "",
            version=item.version if item else "",
            reference=code,
            message_id=message_id,
            sha256=digest,
            words=redact_client_words(words, owner) if owner else "",
            applied=not reason,
            reason=reason,
        ),
        from_client=sender_client is not None,
        subject=header("Subject"),
        replies_to=replies_to,
        words=words,
    )

"""The clients' messages still unanswered past the promised response time.

A client's message (from one of its allowed addresses) is answered when another message read
from the mailbox, not from the client, names it in In-Reply-To or References: give the inbox
the Sent folder too (MILEPOST_IMAP_URL's folders, e.g. `/INBOX,Sent`). The promise is the
client's `response_hours:`, measured in plain hours for now (not yet in working hours).
An applied decision (accept, decline, approve, confirm) needs no reply: the record is one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from milepost.answer_reference import Action
from milepost.answers.judge import Judged
from milepost.model import Client

NEEDS_NO_REPLY = frozenset({Action.ACCEPT, Action.DECLINE, Action.APPROVE, Action.CONFIRM})


@dataclass(frozen=True)
class Unanswered:
    client: str
    name: str
    address: str
    subject: str
    received: dt.datetime
    promised_hours: float
    waited_hours: float


def unanswered(judged: Sequence[Judged], clients: Sequence[Client], now: dt.datetime) -> list[Unanswered]:
    """Every client message past its client's promise with no reply among `judged`, longest
    waiting first."""
    promises = {c.slug: c.response_hours for c in clients if c.response_hours}
    replied = {ref for j in judged if not j.from_client for ref in j.replies_to}
    late = []
    for j in judged:
        entry = j.entry
        if not j.from_client or j.client not in promises or entry.message_id in replied:
            continue
        if entry.applied and entry.action and Action(entry.action) in NEEDS_NO_REPLY:
            continue
        received = dt.datetime.fromisoformat(entry.received)
        waited = (now - received).total_seconds() / 3600
        promised = promises[j.client]
        if promised is not None and waited > promised:
            late.append(Unanswered(j.client, entry.name, entry.address, j.subject, received, promised, waited))
    return sorted(late, key=lambda u: u.received)

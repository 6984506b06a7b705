"""The agency's response time, measured: each client message paired with the agency's first
reply, and the time between them in the promised kind of hours.

A reply is a message read from the mailbox (the Sent folder), not from the client, that names
the client's message in In-Reply-To or References. The time counts in the agency's working
hours, in the client's time zone, without its country's public holidays, when the client's
`response_time` says `business: true` (status/working_time.py); in hours on the clock
otherwise. Only clients with a measurable promise are measured; for the others, only the
replies to their questions are kept (with `promised: 0`, in hours on the clock), to be shown,
and never counted in the figures.

The pairs go to `projects/<client>/responses.yml`, machine-written and append-only like the
answers' record (record.py): one entry when a message is answered, and one, earlier, when it
was still waiting past the promise at an inbox run; the later entry of a message is the one
that counts. The site reads them (`response_figures`).

When the client's message is a question (an applied `ask`), its answered entry also keeps the
reply itself: who replied (`reply_name`) and the reply's words (`reply_words`: its plain text,
bounded and without the quoted lines, redacted like every text the client's site shows), so the
project page shows the question and its answer. Entries written before have neither; they read
as answered without words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from milepost.answer_reference import Action
from milepost.answers.judge import Judged
from milepost.answers.record import append_keyed, read_entries
from milepost.classify.project_text import redact_client_words
from milepost.load.project_folders import RESPONSE_RECORD
from milepost.model import Client, WorkingHours
from milepost.status.reachable import reachable_contact
from milepost.status.response_figures import ResponseFigures, response_figures
from milepost.status.working_time import WorkCalendar, hours_between
from milepost.time_zone import client_zone

# An applied decision (accept, decline, approve, confirm) needs no reply: the record is one.
NEEDS_NO_REPLY = frozenset({Action.ACCEPT, Action.DECLINE, Action.APPROVE, Action.CONFIRM})
HEADER = (
    "# Written by `milepost inbox`; do not edit by hand. How long each of the client's messages\n"
    "# waited for the agency's first reply; entries are only ever appended (docs/answers.md).\n"
)


@dataclass(frozen=True)
class ResponseEntry:
    """One client message and the agency's first reply to it, as responses.yml keeps it."""

    message_id: str  # the client's message
    received: str  # ISO 8601: when the client wrote
    name: str  # who wrote
    replied: str  # ISO 8601: the agency's first reply; "" while still waiting
    reply_id: str  # the reply's Message-ID; ""
    hours: float  # the time it took (or has waited so far), in the promised kind of hours
    business: bool  # True: working hours; False: hours on the clock
    promised: float  # the hours promised when it was measured; 0: no measurable promise (a reply kept to be shown)
    reply_name: str = ""  # who of the agency replied to a question ("" for any other message)
    reply_words: str = ""  # the reply's words, redacted for the client ("" for any other message)


@dataclass(frozen=True)
class Waiting:
    """A client message still without a reply past the promise."""

    client: str
    name: str
    address: str
    subject: str
    received: dt.datetime
    promised_hours: float
    waited_hours: float
    business: bool
    answers: str  # who of the agency should answer it today (the deputy while the contact is away)


def work_calendar(client: Client, hours: WorkingHours) -> WorkCalendar | None:
    """The calendar a client's promise counts in: None for hours on the clock."""
    if not client.response_business:
        return None
    return WorkCalendar(hours=hours, zone=client_zone(client.timezone), country=client.country)


def _needs_reply(judged: Judged) -> bool:
    entry = judged.entry
    return not (entry.applied and entry.action and Action(entry.action) in NEEDS_NO_REPLY)


def _is_question(judged: Judged) -> bool:
    return judged.entry.applied and judged.entry.action == Action.ASK.value


def _reply_of_question(reply: Judged, client: Client) -> dict[str, str]:
    """What the record keeps of the agency's reply to a client's question: who replied and
    the reply's words, redacted for `client` as the client's own words are."""
    return {
        "reply_name": reply.entry.name or reply.entry.address,
        "reply_words": redact_client_words(reply.words, client),
    }


def _as_recorded(entry: ResponseEntry) -> dict[str, Any]:
    """The entry as responses.yml keeps it: the reply's fields only where there is a reply
    to a question."""
    fields = asdict(entry)
    if not entry.reply_name and not entry.reply_words:
        del fields["reply_name"], fields["reply_words"]
    return fields


@dataclass(frozen=True)
class Measured:
    entries: dict[str, list[ResponseEntry]]  # per client: answered and still-waiting-past-promise
    waiting: tuple[Waiting, ...]  # longest waiting first


def measure(
    judged: Sequence[Judged], clients: Sequence[Client], hours: WorkingHours, now: dt.datetime
) -> Measured:
    """Pair every client message (of a client with a measurable promise) with the first reply
    among `judged`, and measure both the answered ones and those still waiting."""
    by_slug = {c.slug: c for c in clients}
    replies: dict[str, dt.datetime] = {}
    first_reply: dict[str, Judged] = {}
    for j in judged:
        if j.from_client:
            continue
        sent = dt.datetime.fromisoformat(j.entry.received)
        for ref in j.replies_to:
            if ref not in replies or sent < replies[ref]:
                replies[ref], first_reply[ref] = sent, j
    entries: dict[str, list[ResponseEntry]] = {}
    waiting: list[Waiting] = []
    for j in judged:
        client = by_slug.get(j.client or "")
        if client is None or not j.from_client or not _needs_reply(j):
            continue
        promised = client.response_hours or 0.0
        if not promised and not _is_question(j):
            continue  # nothing to measure against; only a question's reply is kept, to be shown
        calendar = work_calendar(client, hours) if promised else None
        received = dt.datetime.fromisoformat(j.entry.received)
        reply = replies.get(j.entry.message_id)
        if reply is not None and reply < received:
            reply = None  # a reply older than the message is a clock gone wrong, not an answer
        took = hours_between(received, reply or now, calendar)
        answer = first_reply[j.entry.message_id] if reply else None
        entry = ResponseEntry(
            message_id=j.entry.message_id, received=j.entry.received, name=j.entry.name,
            replied=reply.isoformat(timespec="seconds") if reply else "",
            reply_id=answer.entry.message_id if answer else "", hours=round(took, 2),
            business=calendar is not None, promised=promised,
            **(_reply_of_question(answer, client) if answer and _is_question(j) else {}),
        )
        if reply is not None or (promised and took > promised):
            entries.setdefault(client.slug, []).append(entry)
        if reply is None and promised and took > promised:
            who = reachable_contact(client, now.astimezone(client_zone(client.timezone)).date())
            waiting.append(
                Waiting(
                    client.slug, j.entry.name, j.entry.address, j.subject, received, promised, took,
                    calendar is not None, who.name if who else "",
                )
            )
    return Measured(entries, tuple(sorted(waiting, key=lambda w: w.received)))


def response_path(projects_dir: Path, client: str) -> Path:
    return projects_dir / client / RESPONSE_RECORD


def _key(entry: dict[str, Any]) -> str:
    """One entry for a message's waiting, one for its reply: never two of either."""
    return f"{entry['message_id']} {'replied' if entry.get('replied') else 'waiting'}"


def record_responses(projects_dir: Path, measured: Measured) -> int:
    """Append the measured entries not recorded yet; how many were appended."""
    added = 0
    for client, entries in measured.entries.items():
        pairs = [(_key(_as_recorded(e)), _as_recorded(e)) for e in entries]
        added += len(append_keyed(response_path(projects_dir, client), pairs, _key, header=HEADER))
    return added


def read_responses(projects_dir: Path, client: str) -> tuple[ResponseEntry, ...]:
    """The latest entry of each message in the client's responses.yml, oldest message first."""
    latest: dict[str, ResponseEntry] = {}
    for raw in read_entries(response_path(projects_dir, client)):
        try:
            # An entry written before a field was added reads with its default.
            entry = ResponseEntry(**{k: raw[k] for k in ResponseEntry.__dataclass_fields__ if k in raw})
        except (KeyError, TypeError):
            continue
        if entry.message_id not in latest or entry.replied or not latest[entry.message_id].replied:
            latest[entry.message_id] = entry
    return tuple(sorted(latest.values(), key=lambda e: e.received))


def client_responses(projects_dir: Path, client: Client) -> ResponseFigures | None:
    """The figures the client's site states about the agency's response time (None: its
    promise is not measurable, or no message was measured yet)."""
    if not client.response_hours:
        return None
    entries = read_responses(projects_dir, client.slug)
    took = [entry.hours if entry.replied else None for entry in entries if entry.promised]
    return response_figures(took, client.response_hours, client.response_business)

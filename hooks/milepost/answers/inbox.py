"""`milepost inbox`: every new message of the agency's mailbox judged and recorded.

New means: its Message-ID is in no record yet. Each message goes to its client's
`answers.yml` (or `_unmatched/answers.yml`), applied or refused with the reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from milepost.answers.judge import Judged, expected, judge
from milepost.answers.mailbox import RawMessage
from milepost.answers.record import AnswerEntry, append_entries, record_path, recorded_ids
from milepost.answers.responses import Waiting, measure, record_responses
from milepost.model import Portal, WorkingHours
from milepost.status.working_time import DEFAULT_WORKING_HOURS


@dataclass(frozen=True)
class InboxResult:
    recorded: tuple[tuple[str | None, AnswerEntry], ...]  # (client, entry) appended this run
    seen: int  # messages read
    unanswered: tuple[Waiting, ...]  # client messages past the promised response time
    measured: int  # entries added to the clients' responses.yml this run


def run_inbox(
    messages: Iterable[RawMessage], portal: Portal, projects_dir: Path, secret: bytes, trusted: tuple[str, ...],
    now: dt.datetime, agency: frozenset[str] = frozenset(), hours: WorkingHours = DEFAULT_WORKING_HOURS,
) -> InboxResult:
    """Judge every message, append those not recorded yet to their client's record, and find
    the client messages still unanswered past the promise; the time each took to answer goes
    to the client's responses.yml (measured in `hours` where the client's promise says so).
    The agency's own messages (from an address in `agency`, e.g. its replies in the Sent
    folder) are read for the replies only."""
    paths = [record_path(projects_dir, c.slug) for c in portal.clients] + [record_path(projects_dir, None)]
    known = recorded_ids(paths)
    grouped: dict[str | None, list[AnswerEntry]] = {}
    every: list[Judged] = []
    known_answers = expected(portal, secret, trusted)
    for raw in messages:
        judged = judge(raw, known_answers, now)
        every.append(judged)
        if judged.entry.address in agency or judged.entry.message_id in known:
            continue
        known.add(judged.entry.message_id)
        grouped.setdefault(judged.client, []).append(judged.entry)
    recorded: list[tuple[str | None, AnswerEntry]] = []
    for client, entries in grouped.items():
        recorded += [(client, e) for e in append_entries(record_path(projects_dir, client), entries)]
    measured = measure(every, portal.clients, hours, now)
    added = record_responses(projects_dir, measured)
    return InboxResult(tuple(recorded), len(every), measured.waiting, added)

"""`projects/<client>/answers.yml`: the append-only record of a client's e-mailed answers.

Machine-written by `milepost inbox`, one entry per message, oldest first. New entries are
appended after the bytes already there (earlier entries are never rewritten), through a
temporary file renamed into place, under a lock, and only for Message-IDs not yet recorded:
a re-run, a crash half-way or two runs at once add nothing twice and lose nothing.

A message that names no client (an unknown sender and no reference of ours) is recorded in
`projects/_unmatched/answers.yml` (a folder the loader skips), never dropped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import yaml

from milepost.atomic_write import write_bytes_atomically
from milepost.errors import AnswerError
from milepost.file_lock import held
from milepost.load.project_folders import ANSWER_RECORD

UNMATCHED_FOLDER = "_unmatched"
LOCK_TIMEOUT = 60.0  # seconds another inbox run may hold the record before this one gives up
HEADER = (
    "# Written by `milepost inbox`; do not edit by hand. The clients' e-mailed answers, one entry per\n"
    "# message, oldest first; entries are only ever appended (docs/answers.md).\n"
)


@dataclass(frozen=True)
class AnswerEntry:
    """One received message, applied or refused, as the record keeps it."""

    received: str  # ISO 8601 with its offset: the message's Date (else when it was read)
    name: str
    address: str
    project: str
    kind: str  # an `ItemKind` value, "" when no item was found
    item: str
    action: str  # an `Action` value, ""
    version: str
    reference: str
    message_id: str
    sha256: str  # of the raw message
    words: str  # the client's own words, redacted
    applied: bool
    reason: str  # why it was not applied ("" when applied)


def record_path(projects_dir: Path, client: str | None) -> Path:
    return projects_dir / (client or UNMATCHED_FOLDER) / ANSWER_RECORD


def _damaged(path: Path, what: str) -> AnswerError:
    return AnswerError(
        f"{path}: {what}; this file is written by `milepost inbox` only: restore it with "
        f"`git checkout -- {path.name}` in its folder and run the inbox again"
    )


def read_entries(path: Path) -> tuple[dict[str, Any], ...]:
    """The entries recorded in `path` (none when it does not exist); `AnswerError` when it is
    not a list of entries (edited by hand, or cut short)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ()
    except (OSError, UnicodeDecodeError) as err:
        raise _damaged(path, f"cannot be read ({err})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        line = getattr(getattr(err, "problem_mark", None), "line", -1) + 1
        raise _damaged(path, f"is not valid YAML (line {line})") from None
    if data is None:
        return ()
    if not isinstance(data, list) or not all(isinstance(e, dict) and e.get("message_id") for e in data):
        raise _damaged(path, "is not a list of recorded answers")
    return tuple(data)


def append_entries(path: Path, entries: Sequence[AnswerEntry]) -> tuple[AnswerEntry, ...]:
    """Append the entries whose Message-ID `path` does not hold yet; the ones appended.

    Under a lock (one writer at a time), the file is read again, so two runs at once append
    each message once. The earlier entries stay byte for byte as they were."""
    added = append_keyed(path, [(e.message_id, asdict(e)) for e in entries], lambda e: str(e["message_id"]))
    by_id = {e.message_id: e for e in entries}
    return tuple(by_id[key] for key, _ in added)


def append_keyed(
    path: Path, entries: Sequence[tuple[str, dict[str, Any]]], key_of: Callable[[dict[str, Any]], str],
    header: str = HEADER,
) -> tuple[tuple[str, dict[str, Any]], ...]:
    """Append the (key, entry) pairs whose key no entry of `path` has yet (`key_of` gives an
    entry's key); the ones appended. The one way a machine-written record grows: under a lock,
    read again, appended after the bytes already there, through a temporary file renamed
    into place. `header` starts a new file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with held(
        path.with_name(f".{path.name}.lock"),
        holder="another `milepost inbox`",
        remedy="wait for it to finish and run again",
        timeout=LOCK_TIMEOUT,
        warn_when_waiting=True,
    ):
        try:
            before = path.read_bytes()
        except FileNotFoundError:
            before = header.encode("utf-8")
        known = {key_of(e) for e in read_entries(path)}
        new: list[tuple[str, dict[str, Any]]] = []
        for key, entry in entries:
            if key not in known:
                known.add(key)
                new.append((key, entry))
        if not new:
            return ()
        if before and not before.endswith(b"\n"):
            raise _damaged(path, "is cut short (no line break at its end)")
        added = "".join(
            yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, width=100) for _, entry in new
        ).encode("utf-8")
        write_bytes_atomically(path, (before, added))  # on disk before the mailbox is read as done
        return tuple(new)


def recorded_ids(paths: Iterable[Path]) -> set[str]:
    """Every Message-ID recorded in `paths`."""
    return {str(entry["message_id"]) for path in paths for entry in read_entries(path)}


def received_at(date_header: str | None, fallback: dt.datetime) -> str:
    """The message's Date as ISO 8601 with its offset; `fallback` when it has none or a bad one."""
    try:
        moment = parsedate_to_datetime(date_header) if date_header else fallback
    except (TypeError, ValueError):
        moment = fallback
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.isoformat(timespec="seconds")


"""Letters as e-mail: built (RFC 5322, multipart/alternative), written as `.eml` files, or
sent by SMTP exactly once each.

- `portal_letters` / `client_letters` gather what is due for the clients on their day
  (status/letters_due.py), word it (render/letters.py) and build the messages.
- `write_letters` puts them in `<out>/<client>/` as `.eml` files (nothing is recorded).
- `send_letters` sends them to MILEPOST_SMTP_URL. Each letter is written to the sent record as
  *sending* before its first byte goes out and as *sent* after the server answered, with the
  recipients it took and those it refused (tried again on the next run). A letter still
  *sending* in the record was being taken by the server when a run stopped: it is never sent
  again blindly; the run names it and the PM settles it (`mark_letter`, `milepost letters
  --mark-sent NAME` / `--mark-unsent NAME`) after looking for its Message-ID in the Sent folder.
  One run at a time per portal holds the record's lock (`record_lock`).
- One SMTP conversation has one deadline (`BoundedSMTP`), not smtplib's per-read timeout, and
  at most `MAX_REPLY_BYTES` of a reply are read.

The sent record (`letters/sent.json` in the portal repository, `SENT_RECORD`) is not a cache:
it must survive a lost `.cache/`, so the job that sends letters commits it back (docs/letters.md).
Each entry keeps the letter's subject and plain-text part too: the client's site lists the
letters sent to it from here (`SentRecord.sent_to`, render/letter_archive.py).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import enum
import hashlib
import json
import logging
import os
import smtplib
import socket
import ssl
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, parseaddr
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

import css_inline

from milepost.answer_reference import link_secret
from milepost.answers.applied import applied_answers
from milepost.answers.record import read_entries, record_path
from milepost.atomic_write import write_bytes_atomically
from milepost.classify.rules import load_rules
from milepost.classify.shown_work import project_work
from milepost.errors import (
    LetterError,
    LockError,
    RecordEntryError,
    RecordNotWritten,
    RulesError,
    SmtpDeadlinePassed,
    SmtpReplyTooLong,
)
from milepost.file_lock import held
from milepost.history.project_files import ProjectFileVersions
from milepost.history.state import GitHistory
from milepost.i18n import texts_for
from milepost.load.client_folders import client_folders
from milepost.load.settings import BuildSettings, client_today
from milepost.model import Client, LetterKind, Portal, Project, SentLetter
from milepost.render.answer_views import AnswerSetup
from milepost.render.letters import (
    LetterWords,
    letter_view,
    letter_words,
    render_letter,
)
from milepost.status.forecast import NO_REFERENCE, ReferenceClass, reference_class
from milepost.status.letters_due import (
    DueLetter,
    SentLetters,
    letters_due,
)
from milepost.status.outlook import project_outlook
from milepost.status.reachable import reachable_contact
from milepost.time_zone import client_zone

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

SENT_RECORD = Path("letters") / "sent.json"
RECORD_FORMAT = 1
SMTP_URL_VARIABLE = "MILEPOST_SMTP_URL"
SMTP_USER_VARIABLE = "MILEPOST_SMTP_USER"
SMTP_PASSWORD_VARIABLE = "MILEPOST_SMTP_PASSWORD"
SMTP_DEADLINE_VARIABLE = "MILEPOST_SMTP_DEADLINE"
# Seconds for one SMTP conversation: connecting, greeting, TLS and login; then again for each
# letter. However slowly a server trickles its answers, it is given up after this.
DEFAULT_SMTP_DEADLINE = 120.0
QUIT_SECONDS = 10.0  # for saying goodbye at the end
# The most of one server reply that is read (a real EHLO reply is well under 1 KB).
MAX_REPLY_BYTES = 64 * 1024
# A letter written for a fixed day (`--today`) is dated at this hour of the client's day.
FIXED_HOUR = 8

_INLINER = css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False)


@dataclass(frozen=True)
class Letter:
    due: DueLetter
    message: EmailMessage

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])

    @property
    def file_name(self) -> str:
        name = SentLetter(self.due.client, self.due.kind, self.due.day, "", self.message_id).name
        return f"{name}.eml"

    @property
    def text(self) -> str:
        """The plain-text part, as the client receives it."""
        part = self.message.get_body(("plain",))
        assert part is not None
        return str(part.get_content()).replace("\r\n", "\n")


# --- the sent record ---------------------------------------------------------------------------


class LetterState(enum.StrEnum):
    """Where a letter of the record stands."""

    SENDING = "sending"  # written before the first byte goes out: its fate is unknown until SENT
    SENT = "sent"  # the server answered for every recipient of the last attempt


@dataclass(frozen=True)
class RecordEntry:
    """One letter of the record, checked as it was read (docs/letters.md, "What the record keeps")."""

    message_id: str
    client: str
    kind: LetterKind
    day: dt.date
    key: str
    carries: tuple[str, ...]
    subject: str
    text: str
    state: LetterState
    sent: str  # when the server accepted it (ISO), "" while sending
    delivered: tuple[str, ...]  # addresses the server accepted
    refused: tuple[str, ...]  # addresses the server refused: tried again on the next run
    attempt: tuple[str, ...]  # while SENDING: the addresses this attempt goes to
    message: str  # the whole message while it still has to go to someone (SENDING, refused)
    extra: Mapping[str, Any]  # fields this version does not know, kept as they were

    @property
    def name(self) -> str:
        """`<day>-<kind>-<digest>`: how the PM names the letter (`--mark-sent NAME`)."""
        return SentLetter(self.client, self.kind, self.day, self.subject, self.message_id).name

    @property
    def unknown(self) -> bool:
        return self.state is LetterState.SENDING

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = dict(self.extra)
        data.update(
            message_id=self.message_id, client=self.client, kind=self.kind, day=self.day.isoformat(), key=self.key,
            carries=list(self.carries), subject=self.subject, state=self.state.value, sent=self.sent or None,
            delivered=list(self.delivered), refused=list(self.refused), text=self.text,
        )
        if self.state is LetterState.SENDING:
            data["attempt"] = list(self.attempt)
        if self.state is LetterState.SENDING or self.refused:
            data["message"] = self.message
        return data


_KNOWN_FIELDS = frozenset(
    ("message_id", "client", "kind", "day", "key", "carries", "subject", "text", "state", "sent", "delivered",
     "refused", "attempt", "message")
)


def _text_field(raw: Mapping[str, Any], name: str, *, required: bool = False) -> str:
    value = raw.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value):
        raise RecordEntryError(f"{name}: {'missing' if value is None else 'not a text'}")
    return value


def _list_field(raw: Mapping[str, Any], name: str) -> tuple[str, ...]:
    value = raw.get(name)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RecordEntryError(f"{name}: not a list of texts")
    return tuple(value)


def _entry(raw: Any) -> RecordEntry:
    """One entry of the record, or `RecordEntryError` saying which field is wrong."""
    if not isinstance(raw, dict):
        raise RecordEntryError("not an object {...}")
    kind = _text_field(raw, "kind", required=True)
    if kind not in set(LetterKind):
        raise RecordEntryError(f"kind: {kind!r} is not one of {', '.join(LetterKind)}")
    day_text = _text_field(raw, "day", required=True)
    try:
        day = dt.date.fromisoformat(day_text)
    except ValueError:
        raise RecordEntryError(f"day: {day_text!r} is not a date (YYYY-MM-DD)") from None
    state_text = _text_field(raw, "state") or LetterState.SENT.value  # entries written before states: sent
    try:
        state = LetterState(state_text)
    except ValueError:
        states = ", ".join(s.value for s in LetterState)
        raise RecordEntryError(f"state: {state_text!r} is not one of {states}") from None
    sent = _text_field(raw, "sent")
    if sent:
        try:
            dt.datetime.fromisoformat(sent)
        except ValueError:
            raise RecordEntryError(f"sent: {sent!r} is not a time (YYYY-MM-DDTHH:MM:SS+00:00)") from None
    return RecordEntry(
        message_id=_text_field(raw, "message_id", required=True),
        client=_text_field(raw, "client", required=True),
        kind=LetterKind(kind),
        day=day,
        key=_text_field(raw, "key"),
        carries=_list_field(raw, "carries"),
        subject=_text_field(raw, "subject"),
        text=_text_field(raw, "text"),
        state=state,
        sent=sent,
        delivered=_list_field(raw, "delivered"),
        refused=_list_field(raw, "refused"),
        attempt=_list_field(raw, "attempt"),
        message=_text_field(raw, "message"),
        extra={k: v for k, v in raw.items() if k not in _KNOWN_FIELDS},
    )


@dataclass(frozen=True)
class SentRecord:
    """The letters sent (and being sent). `problems`: entries that could not be read, one line
    each; the archive leaves them out, sending refuses to start (it could send them again)."""

    path: Path
    entries: tuple[RecordEntry, ...] = ()
    problems: tuple[str, ...] = ()

    def sent_letters(self, client: str) -> SentLetters:
        """What the letters to `client` carried. A letter whose fate is unknown counts as sent
        (never sent twice); one that reached nobody yet is tried again as it is (`retries`)."""
        mine = [e for e in self.entries if e.client == client]
        weekly = [e.day for e in mine if e.kind == LetterKind.WEEKLY]
        return SentLetters(
            carried=frozenset(key for e in mine for key in e.carries),
            last_weekly=max(weekly) if weekly else None,
        )

    def entry(self, message_id: str) -> RecordEntry | None:
        return next((e for e in self.entries if e.message_id == message_id), None)

    def has(self, message_id: str) -> bool:
        return self.entry(message_id) is not None

    def unknown(self) -> tuple[RecordEntry, ...]:
        """The letters whose fate is unknown: a run stopped while the server was taking them."""
        return tuple(e for e in self.entries if e.unknown)

    def retries(self) -> tuple[RecordEntry, ...]:
        """The letters some recipient of which the server refused: sent again to those only."""
        return tuple(e for e in self.entries if e.state is LetterState.SENT and e.refused and e.message)

    def find(self, name: str) -> RecordEntry:
        """The entry named `name`: its `<day>-<kind>-<digest>`, its digest or its Message-ID."""
        wanted = name.strip().strip("<>")
        found = [
            e for e in self.entries
            if wanted and wanted in (e.name, e.name.rpartition("-")[2], e.message_id.strip("<>"))
        ]
        if len(found) != 1:
            pending = ", ".join(e.name for e in self.unknown()) or "none"
            raise LetterError(
                f"{self.path}: no letter {name!r} in the record; name it as the run printed it "
                f"(letters whose fate is unknown: {pending})"
            )
        return found[0]

    def replaced(self, entry: RecordEntry) -> SentRecord:
        """This record with `entry` in place of the one with its Message-ID (or added at the end)."""
        entries = [entry if e.message_id == entry.message_id else e for e in self.entries]
        if not any(e.message_id == entry.message_id for e in self.entries):
            entries.append(entry)
        return SentRecord(self.path, tuple(entries), self.problems)

    def without(self, message_id: str) -> SentRecord:
        return SentRecord(self.path, tuple(e for e in self.entries if e.message_id != message_id), self.problems)

    def sent_to(self, client: str, until: dt.date | None = None) -> tuple[SentLetter, ...]:
        """The letters sent to `client` (only to it), newest first, up to the day `until`.
        An entry written before the record kept the text gives a letter with an empty text; a
        letter whose fate is still unknown, or that reached nobody yet, is not listed."""
        letters = [
            SentLetter(client=client, kind=e.kind, day=e.day, subject=e.subject, message_id=e.message_id, text=e.text)
            for e in self.entries
            if e.client == client and not e.unknown and (e.delivered or not e.refused)
            and (until is None or e.day <= until)
        ]
        # Newest first; on one day in the order they were sent (the record's order), last first.
        order = {id(letter): n for n, letter in enumerate(letters)}
        return tuple(sorted(letters, key=lambda letter: (letter.day, order[id(letter)]), reverse=True))

    def require_sound(self) -> None:
        """Refuse to send on a record with entries that cannot be read: they could be sent twice."""
        if self.problems:
            raise LetterError(
                f"{self.problems[0]}; fix that entry by hand or restore the file from the repository's history "
                "(git checkout -- letters/sent.json). Nothing was sent: letters could otherwise go twice"
            )


def read_record(path: Path) -> SentRecord:
    """The sent record at `path` (empty when the file does not exist yet). A file that is not
    a record is a `LetterError`; an entry that cannot be read is one of `problems`."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return SentRecord(path)
    except (OSError, ValueError) as err:
        what = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
        raise LetterError(
            f"{path}: the record of sent letters cannot be read ({what}); restore it from the "
            "repository's history (git checkout -- letters/sent.json): without it letters would be sent twice"
        ) from None
    if not isinstance(data, dict) or data.get("format") != RECORD_FORMAT or not isinstance(data.get("letters"), list):
        raise LetterError(
            f"{path}: not a record of sent letters (format {RECORD_FORMAT}); restore it from the repository's history"
        )
    entries: list[RecordEntry] = []
    problems: list[str] = []
    for number, raw in enumerate(data["letters"], start=1):
        try:
            entries.append(_entry(raw))
        except RecordEntryError as err:
            problems.append(f"{path}: letter {number}: {err}")
    return SentRecord(path, tuple(entries), tuple(problems))


def write_record(record: SentRecord) -> None:
    """`record` on disk, atomically: the old file stays whole when writing fails. A folder that
    cannot be written (read-only, full) is a `LetterError` of one line."""
    text = json.dumps(
        {"format": RECORD_FORMAT, "letters": [e.as_json() for e in record.entries]}, ensure_ascii=False, indent=1
    )
    try:
        write_bytes_atomically(record.path, (text + "\n").encode("utf-8"))
    except OSError as err:
        raise RecordNotWritten(
            f"{record.path}: cannot be written ({err.strerror or err}); make {record.path.parent}/ writable "
            "and give it some free space"
        ) from None


LOCK_TIMEOUT_VARIABLE = "MILEPOST_LETTERS_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 15 * 60.0  # seconds: longer than any sending run takes


def lock_timeout(environ: Mapping[str, str] | None = None) -> float:
    value = (os.environ if environ is None else environ).get(LOCK_TIMEOUT_VARIABLE, "").strip()
    if not value:
        return DEFAULT_LOCK_TIMEOUT
    try:
        return max(float(value), 0.0)
    except ValueError:
        raise LetterError(
            f"{LOCK_TIMEOUT_VARIABLE}={value!r} is not a number of seconds; set it to e.g. 600, or unset it "
            f"for the default ({DEFAULT_LOCK_TIMEOUT:.0f} seconds)"
        ) from None


def lock_file(record_path: Path) -> Path:
    return record_path.parent / ".sent.lock"


@contextlib.contextmanager
def record_lock(record_path: Path, timeout: float | None = None) -> Iterator[None]:
    """One run at a time per portal reads and writes the record (sending, marking): a second
    one waits, at most `timeout` seconds (MILEPOST_LETTERS_LOCK_TIMEOUT), then stops with one line."""
    wait = lock_timeout() if timeout is None else timeout
    with contextlib.ExitStack() as stack:
        try:
            record_path.parent.mkdir(parents=True, exist_ok=True)
            stack.enter_context(
                held(
                    lock_file(record_path),
                    holder="another run of `milepost letters`",
                    remedy=(
                        f"let that run end (or stop it), then run again; {LOCK_TIMEOUT_VARIABLE} sets how long "
                        "to wait"
                    ),
                    timeout=wait,
                    warn_when_waiting=True,
                )
            )
        except (LockError, OSError) as err:
            raise LetterError(f"{err}; nothing was sent") from None
        yield



def mark_letter(record_path: Path, name: str, *, sent: bool, now: dt.datetime | None = None) -> RecordEntry:
    """Settle a letter whose fate was unknown, as the PM found it: `sent` (found in the Sent
    folder; never sent again) or not (sent on the next run). Returns the entry as it was."""
    with record_lock(record_path):
        record = read_record(record_path)
        entry = record.find(name)
        if not entry.unknown:
            raise LetterError(
                f"{record_path}: letter {entry.name} is not waiting to be settled (it is {entry.state.value}); "
                "nothing was changed"
            )
        if sent:
            settled = replace(
                entry, state=LetterState.SENT, sent=(now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"),
                delivered=tuple(dict.fromkeys((*entry.delivered, *entry.attempt))),
                refused=tuple(a for a in entry.refused if a not in entry.attempt), attempt=(),
            )
            write_record(record.replaced(settled))
        else:
            # Kept with its message: the same letter (same Message-ID) goes to this attempt's
            # recipients on the next run, whatever day that is.
            write_record(record.replaced(replace(
                entry,
                state=LetterState.SENT,
                refused=tuple(dict.fromkeys((*entry.refused, *entry.attempt))),
                attempt=(),
            )))
    return entry


# --- building the messages ---------------------------------------------------------------------


def message_id(letter: DueLetter, domain: str) -> str:
    """The same letter always gets the same Message-ID: a digest of client, kind, day and key."""
    digest = hashlib.sha256(
        "\0".join((letter.client, letter.kind, letter.day.isoformat(), letter.key)).encode("utf-8")
    ).hexdigest()[:32]
    return f"<milepost.{digest}@{domain}>"


def letter_date(client: Client, day: dt.date, fixed: bool) -> dt.datetime:
    zone = client_zone(client.timezone)
    if fixed:
        return dt.datetime.combine(day, dt.time(FIXED_HOUR), tzinfo=zone)
    return dt.datetime.now(zone).replace(microsecond=0)


def inline_styles(html: str) -> str:
    """The HTML part with its <style> block moved into style attributes (css-inline)."""
    return _INLINER.inline(html)


def build_message(
    letter: DueLetter,
    client: Client,
    *,
    sender: str,
    words: LetterWords,
    date: dt.datetime,
) -> EmailMessage:
    texts = texts_for(client.language, client.timezone)
    contact = reachable_contact(client, letter.day)
    view = letter_view(letter, client, texts, words, contact)
    text, html = render_letter(view, texts)
    name, address = parseaddr(sender)
    domain = address.rpartition("@")[2]
    message = EmailMessage(policy=SMTP)
    message["Subject"] = view.subject
    # Address objects, never text pasted together: any name (commas, quotes) stays one address.
    message["From"] = Address(name, addr_spec=address)
    message["To"] = [Address(r.name, addr_spec=r.email) for r in client.letters.to]
    if contact is not None and contact.email:
        message["Reply-To"] = Address(contact.name, addr_spec=contact.email)
    message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id(letter, domain)
    message["Content-Language"] = client.language
    message.set_content(text, cte="quoted-printable")
    message.add_alternative(inline_styles(html), subtype="html", cte="quoted-printable")
    return message


def client_letters(
    client: Client,
    projects: Sequence[Project],
    today: dt.date,
    *,
    file_versions: Mapping[str, ProjectFileVersions],
    record: SentRecord,
    sender: str,
    words: LetterWords,
    fixed_day: bool,
    cache_dir: Path | None,
    inactive_days: int,
    git_history: GitHistory | None = None,
    reference: ReferenceClass = NO_REFERENCE,
) -> list[Letter]:
    """The letters due for `client` on `today`, as messages. The pages' facts are measured the
    same way here (shown work, ledger, forecasts), so a letter and the site never disagree."""
    if not client.letters.to:
        return []
    try:
        rules = load_rules(client.commit_rules or None)
    except RulesError as err:
        raise RulesError(f"{client.source}: {err}") from None
    outlooks = {}
    for project in projects:
        work = project_work(client, project, rules=rules, cache_dir=cache_dir, git_history=git_history)
        outlooks[project.slug] = project_outlook(
            project,
            file_versions.get(project.slug),
            work,
            today,
            timezone=client.timezone,
            inactive_days=inactive_days,
            reference=reference,
            replays=False,  # the letters show neither the calibration record nor the health strip
            cache_dir=cache_dir,
        )
    due = letters_due(client, projects, today, outlooks=outlooks, sent=record.sent_letters(client.slug))
    date = letter_date(client, today, fixed_day)
    return [
        Letter(item, build_message(item, client, sender=sender, words=words, date=date))
        for item in due
    ]


def portal_letters(
    settings: BuildSettings,
    site_url: str,
    portal: Portal,
    clients: Sequence[Client],
    record: SentRecord,
    day: dt.date | None,
    *,
    file_versions: Mapping[tuple[str, str], ProjectFileVersions],
    git_history: GitHistory | None,
) -> list[Letter]:
    """The letters due for `clients` of `portal` (loaded without problems), given what `record`
    says was sent: on `day` (the same day for every client, and the letters' Date fixed to
    it), else on each client's today in its time zone. `file_versions`: the project files'
    file_versions by (client, project)."""
    folders = client_folders(portal.clients)
    letters: list[Letter] = []
    # The agency's reference class across all its clients (portal.agency_reference), for projects too
    # young to be judged by their own pace: once per day the clients are on, not per client.
    references: dict[dt.date, ReferenceClass] = {}
    # The answer links: the portal's address and secret (none without either; said once).
    secret = link_secret(settings.answers_address)
    for client in clients:
        today = client_today(client.timezone, day)
        if today not in references:
            references[today] = reference_class(((project, None) for project in portal.projects), today)
        reference = references[today]
        letters.extend(
            client_letters(
                client,
                portal.projects_of(client.slug),
                today,
                file_versions={slug: h for (owner, slug), h in file_versions.items() if owner == client.slug},
                record=record,
                sender=settings.letters_from,
                words=letter_words(
                    agency=settings.agency,
                    sender=settings.letters_from,
                    subject_prefix=settings.letters_subject_prefix,
                    site_url=site_url,
                    folder=folders[client.slug],
                    answers=AnswerSetup(
                        settings.answers_address,
                        secret,
                        applied_answers(read_entries(record_path(settings.projects_dir, client.slug))),
                        client.timezone,
                    ),
                ),
                fixed_day=day is not None,
                cache_dir=settings.cache_dir,
                inactive_days=settings.inactive_days,
                git_history=git_history,
                reference=reference,
            )
        )
    return letters


def write_letters(letters: Sequence[Letter], out: Path) -> list[Path]:
    """Each letter as `<out>/<client>/<day>-<kind>-<id>.eml`; returns the files written."""
    written = []
    for letter in letters:
        path = out / letter.due.client / letter.file_name
        write_bytes_atomically(path, letter.message.as_bytes(policy=SMTP))
        written.append(path)
    return written


# --- SMTP ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SmtpServer:
    scheme: str  # "smtp" or "smtps"
    host: str
    port: int
    user: str = ""
    password: str = ""
    deadline: float = DEFAULT_SMTP_DEADLINE  # seconds for one conversation (see `BoundedSMTP`)

    @property
    def where(self) -> str:
        """host:port, never the credentials."""
        return f"{self.host}:{self.port}"


def smtp_server(environ: Mapping[str, str] | None = None) -> SmtpServer:
    """The server in MILEPOST_SMTP_URL (`smtp://[user[:password]@]host[:port]` or `smtps://`),
    user and password from the URL or MILEPOST_SMTP_USER / MILEPOST_SMTP_PASSWORD, the deadline
    of one conversation from MILEPOST_SMTP_DEADLINE."""
    environ = os.environ if environ is None else environ
    url = environ.get(SMTP_URL_VARIABLE, "").strip()
    example = "e.g. smtps://status%40agency.example@mail.agency.example:465"
    if not url:
        raise LetterError(
            f"{SMTP_URL_VARIABLE} is not set; set it to the SMTP server that sends the letters, {example}"
        )
    try:
        parts = urlsplit(url)
        port = parts.port
        host = parts.hostname or ""
    except ValueError:
        parts, port, host = None, None, ""
    if parts is None or parts.scheme not in ("smtp", "smtps") or not host or parts.path not in ("", "/"):
        raise LetterError(
            f"{SMTP_URL_VARIABLE} is not an SMTP address; write smtp://[user[:password]@]host[:port] "
            f"or smtps://... for TLS from the start, {example}"
        )
    user = unquote(parts.username) if parts.username else environ.get(SMTP_USER_VARIABLE, "")
    password = unquote(parts.password) if parts.password else environ.get(SMTP_PASSWORD_VARIABLE, "")
    default_port = 465 if parts.scheme == "smtps" else 25
    deadline_text = environ.get(SMTP_DEADLINE_VARIABLE, "").strip()
    try:
        deadline = float(deadline_text) if deadline_text else DEFAULT_SMTP_DEADLINE
    except ValueError:
        deadline = -1.0
    if not deadline > 0:
        raise LetterError(
            f"{SMTP_DEADLINE_VARIABLE}={deadline_text!r} is not a number of seconds; set it to e.g. 120, or unset "
            f"it for the default ({DEFAULT_SMTP_DEADLINE:.0f} seconds)"
        )
    return SmtpServer(parts.scheme, host, port or default_port, user, password, deadline)


class BoundedSMTP(smtplib.SMTP):
    """smtplib's client with one deadline for a whole conversation (smtplib's `timeout` is
    for each read: a server answering one byte every ten seconds would never time out) and a
    cap on what it reads of one reply (an endless reply would grow memory without end).

    `deadline` is a `time.monotonic()` value; `start(seconds)` sets it for the next part of the
    conversation (the greeting and login, then each letter). `body_sent` tells, after a failure,
    whether the letter's last byte went out (then the server may have taken it)."""

    def __init__(self, host: str, port: int, *, seconds: float, **options: Any) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self.body_sent = False
        self._buffer = b""
        super().__init__(host, port, timeout=seconds, **options)

    def start(self, seconds: float | None = None) -> None:
        self.deadline = time.monotonic() + (self.seconds if seconds is None else seconds)
        self.body_sent = False

    def _remaining(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            self.close()
            raise SmtpDeadlinePassed(f"no answer within {self.seconds:.0f} s")
        return left

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        # typeshed leaves out smtplib's private _get_socket, which SMTP and SMTP_SSL both define.
        made: socket.socket = super()._get_socket(host, port, min(timeout, self._remaining()))  # type: ignore[misc]
        return made

    def send(self, s: ReadableBuffer | str) -> None:
        if self.sock is not None:
            self.sock.settimeout(self._remaining())
        super().send(s)
        if isinstance(s, bytes) and s.endswith(b"\r\n.\r\n"):
            self.body_sent = True  # the server has the whole letter: it may have taken it

    def close(self) -> None:
        self._buffer = b""
        super().close()

    def _read_line(self, limit: int) -> bytes:
        while b"\n" not in self._buffer:
            if len(self._buffer) > limit:
                return self._buffer
            assert self.sock is not None
            self.sock.settimeout(self._remaining())
            try:
                chunk = self.sock.recv(4096)
            except TimeoutError:
                self.close()
                raise SmtpDeadlinePassed(f"no answer within {self.seconds:.0f} s") from None
            if not chunk:
                self.close()
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line + b"\n"

    def getreply(self) -> tuple[int, bytes]:
        """smtplib's reading of one reply, within the deadline and at most MAX_REPLY_BYTES."""
        lines: list[bytes] = []
        read = 0
        while True:
            try:
                line = self._read_line(MAX_REPLY_BYTES - read)
            except OSError as err:
                if isinstance(err, SmtpDeadlinePassed):
                    raise
                self.close()
                raise smtplib.SMTPServerDisconnected(f"Connection unexpectedly closed: {err}") from None
            read += len(line)
            if read > MAX_REPLY_BYTES:
                self.close()
                raise SmtpReplyTooLong(f"a reply longer than {MAX_REPLY_BYTES // 1024} KB")
            lines.append(line[4:].strip(b" \t\r\n"))
            try:
                code = int(line[:3])
            except ValueError:
                return -1, b"\n".join(lines)
            if line[3:4] != b"-":
                return code, b"\n".join(lines)


class BoundedSMTPSSL(BoundedSMTP, smtplib.SMTP_SSL):
    """`BoundedSMTP` over TLS from the first byte (smtps://)."""

    def __init__(self, host: str, port: int, *, seconds: float, context: ssl.SSLContext) -> None:
        super().__init__(host, port, seconds=seconds, context=context)  # SMTP_SSL's keyword


def _failure(server: SmtpServer, err: BaseException) -> LetterError:
    """One line: which server, what happened, what to check (no user name or password)."""
    where = f"SMTP server {server.where}"
    if isinstance(err, smtplib.SMTPAuthenticationError):
        what = (
            "refused the user name or password; check the user and password in "
            f"{SMTP_URL_VARIABLE} or {SMTP_USER_VARIABLE} / {SMTP_PASSWORD_VARIABLE}"
        )
    elif isinstance(err, smtplib.SMTPNotSupportedError):
        what = f"does not accept a login here; check the port and scheme in {SMTP_URL_VARIABLE} (smtps:// for TLS)"
    elif isinstance(err, smtplib.SMTPSenderRefused):
        what = f"refused the sender ({err.smtp_code}); check extra.milepost.letters.from in mkdocs.yml"
    elif isinstance(err, smtplib.SMTPRecipientsRefused):
        what = "refused every recipient; check `letters.to` in the client's client.yml"
    elif isinstance(err, SmtpReplyTooLong):
        what = (
            f"sent {err}, so it was not read further; ask its administrator, or check the host and port "
            f"in {SMTP_URL_VARIABLE}"
        )
    elif isinstance(err, smtplib.SMTPResponseException):
        said = err.smtp_error
        message = said.decode("utf-8", "replace") if isinstance(said, bytes) else str(said)
        what = f"answered {err.smtp_code} {' '.join(message.split())[:120]}; try again later or ask its administrator"
    elif isinstance(err, socket.gaierror):
        what = f"cannot be found (unknown host name); check the host in {SMTP_URL_VARIABLE}"
    elif isinstance(err, ssl.SSLError):
        what = (
            f"TLS failed ({err.reason or err.__class__.__name__}); check the port and the scheme in "
            f"{SMTP_URL_VARIABLE} (smtps:// only for servers that speak TLS from the start)"
        )
    elif isinstance(err, ConnectionRefusedError):
        what = f"refused the connection; check the host and port in {SMTP_URL_VARIABLE} and that the server runs"
    elif isinstance(err, (TimeoutError, socket.timeout)):
        what = (
            f"did not finish within {server.deadline:.0f} s, so it was given up; check the host and port in "
            f"{SMTP_URL_VARIABLE} and the network ({SMTP_DEADLINE_VARIABLE} sets the deadline)"
        )
    elif isinstance(err, smtplib.SMTPServerDisconnected):
        what = f"closed the connection; check the port and scheme in {SMTP_URL_VARIABLE}"
    else:
        said = " ".join(str(err).split())[:120]
        what = f"cannot be used ({err.__class__.__name__}: {said}); check {SMTP_URL_VARIABLE}"
    text = f"{where} {what}. The letters not sent yet will be sent on the next run."
    if server.password:
        text = text.replace(server.password, "***")
    return LetterError(text)


@contextlib.contextmanager
def smtp_connection(server: SmtpServer) -> Iterator[BoundedSMTP]:
    context = ssl.create_default_context()
    try:
        if server.scheme == "smtps":
            connection: BoundedSMTP = BoundedSMTPSSL(server.host, server.port, seconds=server.deadline, context=context)
        else:
            connection = BoundedSMTP(server.host, server.port, seconds=server.deadline)
        connection.ehlo()
        encrypted = server.scheme == "smtps"
        if not encrypted and connection.has_extn("starttls"):
            connection.starttls(context=context)
            connection.ehlo()
            encrypted = True
        if server.user and not encrypted:
            # A password sent in the clear can be read by anyone on the way; most servers
            # refuse such a login too. Without a login, a local relay may still take the mail.
            with contextlib.suppress(OSError, smtplib.SMTPException):
                connection.quit()
            raise LetterError(
                f"SMTP server {server.where} offers no TLS (no STARTTLS), so the password is not sent; "
                f"use smtps:// in {SMTP_URL_VARIABLE} if the server speaks TLS from the start, or its "
                "TLS port. The letters not sent yet will be sent on the next run."
            )
        if server.user:
            connection.login(server.user, server.password)
    except (OSError, smtplib.SMTPException) as err:
        raise _failure(server, err) from None
    try:
        yield connection
    finally:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            connection.start(min(server.deadline, QUIT_SECONDS))
            connection.quit()


# --- sending -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    letter: RecordEntry
    recipients: Mapping[str, str]  # address -> the server's answer


@dataclass
class SendOutcome:
    """What one sending run did, for the command to print."""

    sent: list[RecordEntry] = field(default_factory=list)  # accepted for at least one recipient
    refused: list[Refusal] = field(default_factory=list)  # recipients to try again on the next run
    unknown: list[RecordEntry] = field(default_factory=list)  # fate unknown: the PM settles them
    failure: LetterError | None = None  # why the run stopped part-way


def _recipients(message: EmailMessage) -> tuple[str, ...]:
    """The letter's recipients; a `LetterError` before anything is sent or recorded for an
    address no mail server takes (`milepost check` refuses it first)."""
    addresses = tuple(dict.fromkeys(a.addr_spec for a in message["To"].addresses))
    for address in addresses:
        if not address.isascii():
            raise LetterError(
                f"{ascii(address)} (letters.to) has characters outside ASCII, which mail servers do not take; "
                "nothing was sent. Run `milepost check` and fix the address it names"
            )
    return addresses


def _new_entry(letter: Letter, attempt: Sequence[str]) -> RecordEntry:
    return RecordEntry(
        message_id=letter.message_id, client=letter.due.client, kind=letter.due.kind, day=letter.due.day,
        key=letter.due.key, carries=letter.due.carries, subject=str(letter.message["Subject"]),
        # The plain-text part as sent: the client's site shows it in its archive of letters.
        text=letter.text, state=LetterState.SENDING, sent="", delivered=(), refused=(), attempt=tuple(attempt),
        message=letter.message.as_bytes(policy=SMTP).decode("utf-8"), extra={},
    )


def record_sent(record: SentRecord, letter: Letter, sent_at: dt.datetime) -> SentRecord:
    """`record` with `letter` on record as sent to every recipient at `sent_at`, written to
    disk before this returns (for scripts that put letters on record without sending them)."""
    entry = replace(
        _new_entry(letter, ()), state=LetterState.SENT, sent=sent_at.isoformat(timespec="seconds"),
        delivered=_recipients(letter.message),
    )
    updated = record.replaced(entry)
    write_record(updated)
    return updated


def _answer(reply: tuple[int, bytes]) -> str:
    code, text = reply
    return f"{code} {' '.join(text.decode('utf-8', 'replace').split())[:120]}"


def send_letters(
    letters: Sequence[Letter], record_path: Path, server: SmtpServer, *, now: dt.datetime | None = None
) -> SendOutcome:
    """Send every letter not in the sent record yet, and again to the recipients the server
    refused before. Each letter is written to the record as *sending* before its first byte
    goes out and as *sent* (with whom the server took and refused) after the server answered;
    a letter still *sending* in the record (a run was stopped then) is never sent again
    until the PM settles it (`mark_letter`). A failure part-way is in the outcome's `failure`."""
    outcome = SendOutcome()
    with record_lock(record_path):
        record = read_record(record_path)  # read again under the lock: another run may have sent
        record.require_sound()
        outcome.unknown.extend(record.unknown())
        jobs: list[RecordEntry] = [replace(e, state=LetterState.SENDING, attempt=e.refused) for e in record.retries()]
        jobs += [
            _new_entry(letter, _recipients(letter.message)) for letter in letters if not record.has(letter.message_id)
        ]
        if not jobs:
            return outcome
        try:
            with smtp_connection(server) as connection:
                for job in jobs:
                    before = record
                    record = record.replaced(job)
                    write_record(record)  # *sending*, before the first byte goes out
                    connection.start()
                    try:
                        refused = connection.sendmail(
                            _envelope_sender(job.message), list(job.attempt), job.message.encode("utf-8")
                        )
                    except smtplib.SMTPRecipientsRefused as err:
                        refused = dict(err.recipients)
                    except (OSError, smtplib.SMTPException) as err:
                        # Unknown only when the whole letter went out and no answer came back;
                        # an answer (4xx, 5xx) says the server did not take it.
                        if connection.body_sent and not isinstance(err, smtplib.SMTPResponseException):
                            outcome.unknown.append(job)  # the server may have taken it
                        else:
                            record = before  # the letter did not go out: as if never tried
                            write_record(record)
                        raise _failure(server, err) from None
                    answers = {addr: _answer(reply) for addr, reply in refused.items()}
                    accepted = tuple(a for a in job.attempt if a not in answers)
                    done = replace(
                        job, state=LetterState.SENT, attempt=(),
                        sent=job.sent or (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")
                        if accepted else job.sent,
                        delivered=tuple(dict.fromkeys((*job.delivered, *accepted))), refused=tuple(answers),
                    )
                    record = record.replaced(done)
                    try:
                        write_record(record)  # *sent*
                    except RecordNotWritten as err:
                        outcome.unknown.append(job)  # on disk it is still *sending*: never sent twice
                        raise LetterError(
                            f"{err}. The server took {job.subject!r} ({job.message_id}), but the record still says "
                            f"it is being sent: once the record can be written, run `milepost letters --mark-sent "
                            f"{job.name}`"
                        ) from None
                    if accepted:
                        outcome.sent.append(done)
                    if answers:
                        outcome.refused.append(Refusal(done, answers))
        except LetterError as err:
            outcome.failure = err
    return outcome


def _envelope_sender(message_text: str) -> str:
    """The address of `From:` in a message as recorded."""
    parsed = email.message_from_string(message_text, policy=SMTP)
    return str(parsed["From"].addresses[0].addr_spec)

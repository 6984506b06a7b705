"""Letters as e-mail: built (RFC 5322, multipart/alternative), written as `.eml` files, or
sent by SMTP exactly once each.

- `client_letters` gathers what is due for one client on its day (status/letters_due.py),
  words it (render/letters.py) and builds the messages.
- `write_letters` puts them in `<out>/<client>/` as `.eml` files (nothing is recorded).
- `send_letters` sends them to MILEPOST_SMTP_URL, recording each letter in the sent record
  right after the server accepted it: a run killed after the first message leaves that one
  recorded and the rest unsent, and the next run sends only the rest. A letter already in
  the record is never sent again (a re-run the same day sends nothing).

The sent record (`letters/sent.json` in the portal repository, `SENT_RECORD`) is not a cache:
it must survive a lost `.cache/`, so the job that sends letters commits it back (docs/letters.md).
Each entry keeps the letter's subject and plain-text part too: the client's site lists the
letters sent to it from here (`SentRecord.sent_to`, render/letter_archive.py).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import smtplib
import socket
import ssl
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, parseaddr
from pathlib import Path
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

import css_inline

from milepost.classify.rules import load_rules
from milepost.classify.shown_work import project_work
from milepost.errors import LetterError, RulesError
from milepost.history.project_files import PlanHistory
from milepost.history.state import GitHistory
from milepost.i18n import texts_for
from milepost.model import Client, LetterKind, Project, SentLetter
from milepost.render.letters import LetterWords, letter_view, render_letter
from milepost.status.letters_due import DueLetter, LetterHistory, letters_due
from milepost.status.forecast import NO_REFERENCE, ReferenceClass
from milepost.status.outlook import project_outlook
from milepost.status.reachable import reachable_contact

SENT_RECORD = Path("letters") / "sent.json"
RECORD_FORMAT = 1
SMTP_URL_VARIABLE = "MILEPOST_SMTP_URL"
SMTP_USER_VARIABLE = "MILEPOST_SMTP_USER"
SMTP_PASSWORD_VARIABLE = "MILEPOST_SMTP_PASSWORD"
SMTP_TIMEOUT = 30  # seconds for connecting and for each reply
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


@dataclass(frozen=True)
class SentRecord:
    path: Path
    entries: tuple[dict, ...] = ()

    def history(self, client: str) -> LetterHistory:
        mine = [e for e in self.entries if e.get("client") == client]
        weekly = [dt.date.fromisoformat(e["day"]) for e in mine if e.get("kind") == LetterKind.WEEKLY]
        return LetterHistory(
            carried=frozenset(key for e in mine for key in e.get("carries", ())),
            last_weekly=max(weekly) if weekly else None,
        )

    def has(self, message_id: str) -> bool:
        return any(e.get("message_id") == message_id for e in self.entries)

    def sent_to(self, client: str, until: dt.date | None = None) -> tuple[SentLetter, ...]:
        """The letters sent to `client` (only to it), newest first, up to the day `until`.
        An entry written before the record kept the text (format 1 without `text`) gives a
        letter with an empty text; an entry that cannot be read is left out."""
        letters = []
        for entry in self.entries:
            if entry.get("client") != client:
                continue
            try:
                day = dt.date.fromisoformat(str(entry["day"]))
                letter = SentLetter(
                    client=client,
                    kind=LetterKind(entry["kind"]),
                    day=day,
                    subject=str(entry.get("subject") or ""),
                    message_id=str(entry["message_id"]),
                    text=str(entry.get("text") or ""),
                )
            except (KeyError, ValueError):
                continue
            if until is None or letter.day <= until:
                letters.append(letter)
        # Newest first; on one day in the order they were sent (the record's order), last first.
        order = {id(letter): n for n, letter in enumerate(letters)}
        return tuple(sorted(letters, key=lambda letter: (letter.day, order[id(letter)]), reverse=True))


def read_record(path: Path) -> SentRecord:
    """The sent record at `path` (empty when the file does not exist yet)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return SentRecord(path)
    except (OSError, ValueError) as err:
        raise LetterError(
            f"{path}: the record of sent letters cannot be read ({err}); restore it from the "
            "repository's history (git checkout -- letters/sent.json): without it letters would be sent twice"
        ) from None
    if not isinstance(data, dict) or data.get("format") != RECORD_FORMAT or not isinstance(data.get("letters"), list):
        raise LetterError(
            f"{path}: not a record of sent letters (format {RECORD_FORMAT}); restore it from the repository's history"
        )
    return SentRecord(path, tuple(e for e in data["letters"] if isinstance(e, dict)))


def _write_atomically(path: Path, payload: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    with contextlib.suppress(OSError):  # the rename itself on disk, where the system allows it
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


def record_sent(record: SentRecord, letter: Letter, sent_at: dt.datetime) -> SentRecord:
    """`record` with `letter` added, written to disk (atomically) before this returns."""
    entry = {
        "message_id": letter.message_id,
        "client": letter.due.client,
        "kind": letter.due.kind,
        "day": letter.due.day.isoformat(),
        "key": letter.due.key,
        "carries": list(letter.due.carries),
        "subject": str(letter.message["Subject"]),
        "sent": sent_at.isoformat(timespec="seconds"),
        # The plain-text part as sent: the client's site shows it in its archive of letters.
        "text": letter.text,
    }
    updated = SentRecord(record.path, (*record.entries, entry))
    text = json.dumps({"format": RECORD_FORMAT, "letters": list(updated.entries)}, ensure_ascii=False, indent=1)
    _write_atomically(record.path, (text + "\n").encode("utf-8"))
    return updated


@contextlib.contextmanager
def record_lock(record_path: Path) -> Iterator[None]:
    """One sending run at a time per portal: a second one waits instead of sending again."""
    record_path.parent.mkdir(parents=True, exist_ok=True)
    with open(record_path.parent / ".sent.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


# --- building the messages ---------------------------------------------------------------------


def message_id(letter: DueLetter, domain: str) -> str:
    """The same letter always gets the same Message-ID: a digest of client, kind, day and key."""
    digest = hashlib.sha256(
        "\0".join((letter.client, letter.kind, letter.day.isoformat(), letter.key)).encode("utf-8")
    ).hexdigest()[:32]
    return f"<milepost.{digest}@{domain}>"


def letter_date(client: Client, day: dt.date, fixed: bool) -> dt.datetime:
    zone = ZoneInfo(client.timezone)
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
    _, address = parseaddr(sender)
    domain = address.rpartition("@")[2]
    message = EmailMessage(policy=SMTP)
    message["Subject"] = view.subject
    message["From"] = sender
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
    histories: Mapping[str, PlanHistory],
    record: SentRecord,
    sender: str,
    words: LetterWords,
    fixed_day: bool,
    cache_dir: Path | None,
    inactive_days: int,
    history: GitHistory | None = None,
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
        work = project_work(client, project, rules=rules, cache_dir=cache_dir, history=history)
        outlooks[project.slug] = project_outlook(
            project,
            histories.get(project.slug),
            work,
            today,
            timezone=client.timezone,
            inactive_days=inactive_days,
            reference=reference,
        )
    due = letters_due(client, projects, today, outlooks=outlooks, history=record.history(client.slug))
    date = letter_date(client, today, fixed_day)
    return [
        Letter(item, build_message(item, client, sender=sender, words=words, date=date))
        for item in due
    ]


def write_letters(letters: Sequence[Letter], out: Path) -> list[Path]:
    """Each letter as `<out>/<client>/<day>-<kind>-<id>.eml`; returns the files written."""
    written = []
    for letter in letters:
        path = out / letter.due.client / letter.file_name
        _write_atomically(path, letter.message.as_bytes(policy=SMTP))
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

    @property
    def where(self) -> str:
        """host:port, never the credentials."""
        return f"{self.host}:{self.port}"


def smtp_server(environ: Mapping[str, str] | None = None) -> SmtpServer:
    """The server in MILEPOST_SMTP_URL (`smtp://[user[:password]@]host[:port]` or `smtps://`),
    user and password from the URL or MILEPOST_SMTP_USER / MILEPOST_SMTP_PASSWORD."""
    environ = os.environ if environ is None else environ
    url = environ.get(SMTP_URL_VARIABLE, "").strip()
    example = "e.g. smtps://status%40agency.example@mail.agency.example:465"
    if not url:
        raise LetterError(f"{SMTP_URL_VARIABLE} is not set; set it to the SMTP server that sends the letters, {example}")
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
    return SmtpServer(parts.scheme, host, port or default_port, user, password)


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
    elif isinstance(err, smtplib.SMTPResponseException):
        message = err.smtp_error.decode("utf-8", "replace") if isinstance(err.smtp_error, bytes) else str(err.smtp_error)
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
        what = f"did not answer within {SMTP_TIMEOUT} s; check the host and port in {SMTP_URL_VARIABLE} and the network"
    elif isinstance(err, smtplib.SMTPServerDisconnected):
        what = f"closed the connection; check the port and scheme in {SMTP_URL_VARIABLE}"
    else:
        what = f"cannot be used ({err.__class__.__name__}: {' '.join(str(err).split())[:120]}); check {SMTP_URL_VARIABLE}"
    text = f"{where} {what}. The letters not sent yet will be sent on the next run."
    if server.password:
        text = text.replace(server.password, "***")
    return LetterError(text)


@contextlib.contextmanager
def smtp_connection(server: SmtpServer) -> Iterator[smtplib.SMTP]:
    context = ssl.create_default_context()
    try:
        if server.scheme == "smtps":
            connection: smtplib.SMTP = smtplib.SMTP_SSL(
                server.host, server.port, timeout=SMTP_TIMEOUT, context=context
            )
        else:
            connection = smtplib.SMTP(server.host, server.port, timeout=SMTP_TIMEOUT)
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
            connection.quit()


def send_letters(
    letters: Sequence[Letter], record_path: Path, server: SmtpServer, *, now: dt.datetime | None = None
) -> list[Letter]:
    """Send every letter not in the sent record yet; each is recorded as soon as the server
    accepted it. Returns the letters sent by this call. Raises `LetterError` (one line) when
    the server cannot be used; what was sent before that stays recorded."""
    sent: list[Letter] = []
    with record_lock(record_path):
        record = read_record(record_path)  # read again under the lock: another run may have sent
        pending = [letter for letter in letters if not record.has(letter.message_id)]
        if not pending:
            return sent
        with smtp_connection(server) as connection:
            for letter in pending:
                try:
                    connection.send_message(letter.message)
                except (OSError, smtplib.SMTPException) as err:
                    raise _failure(server, err) from None
                record = record_sent(record, letter, now or dt.datetime.now(dt.timezone.utc))
                sent.append(letter)
    return sent

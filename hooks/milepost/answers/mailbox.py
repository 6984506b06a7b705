"""Where the clients' answers are read: the agency's mailbox over IMAP (TLS from the start, or
STARTTLS, which is then required), or a Maildir folder on this machine.

MILEPOST_IMAP_URL is `imaps://user:password@host[:port]/FOLDER[,FOLDER2]` or `imap://...` (the
same, with STARTTLS). The user and password are percent-encoded where they hold `@`, `:` or `/`.
The password is used for the login only: every message shows the URL through `masked_url`.
The folders are read, never changed (EXAMINE, and BODY.PEEK: no message is marked as read).
"""

from __future__ import annotations

import contextlib
import imaplib
import mailbox
import os
import re
import socket
import ssl
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from milepost.errors import AnswerError, ImapDeadlinePassed
from milepost.shown_url import masked_url

IMAP_URL_VARIABLE = "MILEPOST_IMAP_URL"
IMAP_TIMEOUT = 30  # seconds for the server to answer
# imaplib's timeout is for each read: a server answering one byte every few seconds would never
# time out. Each command (the greeting too) must be answered whole within this many seconds.
IMAP_DEADLINE_VARIABLE = "MILEPOST_IMAP_DEADLINE"
IMAP_DEADLINE = 120
MAX_LINE = 1_000_000  # bytes of one line of the server's, as imaplib's own limit (_MAXLINE)
MAX_MESSAGE_BYTES = 2_000_000  # a message is read up to this size: a huge one is judged by its start
_EXAMPLE = "e.g. imaps://answers%40agency.example:PASSWORD@mail.agency.example/INBOX"
_FETCHED_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")


@dataclass(frozen=True)
class RawMessage:
    """One message as the mailbox holds it (cut at MAX_MESSAGE_BYTES), and where it was."""

    where: str  # "INBOX" or the Maildir's key: for messages only
    data: bytes
    size: int  # the whole message's size in bytes


@dataclass(frozen=True)
class ImapMailbox:
    host: str
    port: int
    tls: bool  # True: TLS from the start (imaps://); False: STARTTLS, required
    user: str
    password: str
    folders: tuple[str, ...]
    shown: str  # the URL without its credentials

    def __repr__(self) -> str:  # never the password, not even in a traceback's locals
        return f"ImapMailbox({self.shown})"


def imap_mailbox(environ: Mapping[str, str]) -> ImapMailbox:
    """The mailbox in MILEPOST_IMAP_URL; `AnswerError` (one line, no password) when it is
    missing or not an IMAP URL with a user and a password."""
    url = environ.get(IMAP_URL_VARIABLE, "").strip()
    if not url:
        raise AnswerError(f"{IMAP_URL_VARIABLE} is not set; set it to the mailbox the answers arrive in, {_EXAMPLE}")
    shown = masked_url(url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise AnswerError(f"{IMAP_URL_VARIABLE} ({shown}) is not an IMAP address; {_EXAMPLE}") from None
    if parts.scheme not in ("imaps", "imap") or not parts.hostname:
        raise AnswerError(
            f"{IMAP_URL_VARIABLE} ({shown}) is not an IMAP address; write imaps://user:password@host[:port]/FOLDER "
            f"(or imap:// for STARTTLS), {_EXAMPLE}"
        )
    if not parts.username or parts.password is None:
        raise AnswerError(f"{IMAP_URL_VARIABLE} ({shown}) has no user and password; {_EXAMPLE}")
    folders = tuple(unquote(f).strip() for f in parts.path.lstrip("/").split(",") if f.strip()) or ("INBOX",)
    tls = parts.scheme == "imaps"
    return ImapMailbox(
        host=parts.hostname, port=port or (993 if tls else 143), tls=tls, user=unquote(parts.username),
        password=unquote(parts.password), folders=folders, shown=shown,
    )


def _failure(box: ImapMailbox, err: BaseException) -> AnswerError:
    where = f"The mailbox {box.shown}"
    if isinstance(err, ssl.SSLCertVerificationError):
        what = (
            f"has a certificate this machine does not trust ({err.verify_message}); "
            f"check the host in {IMAP_URL_VARIABLE}"
        )
    elif isinstance(err, ssl.SSLError):
        what = f"does not speak TLS here ({err.reason}); imaps:// is for TLS from the start, imap:// for STARTTLS"
    elif isinstance(err, socket.gaierror):
        what = f"cannot be found (unknown host name); check the host in {IMAP_URL_VARIABLE}"
    elif isinstance(err, ConnectionRefusedError):
        what = f"refused the connection; check the host and port in {IMAP_URL_VARIABLE} and that the server runs"
    elif isinstance(err, ImapDeadlinePassed):
        what = f"did not answer whole within the deadline ({err}); check the server, or raise {IMAP_DEADLINE_VARIABLE}"
    elif isinstance(err, TimeoutError):
        what = f"did not answer within {IMAP_TIMEOUT} s; check the host and port in {IMAP_URL_VARIABLE} and the network"
    else:
        what = f"cannot be read ({err.__class__.__name__}: {_said(err)}); check {IMAP_URL_VARIABLE}"
    return AnswerError(f"{where} {what}")


def _said(err: BaseException) -> str:
    """What the server or the library said, on one line, without imaplib's b'...' around it."""
    text = " ".join(str(err).split())
    if text.startswith(("b'", 'b"')) and text[-1:] == text[1:2]:
        text = text[2:-1]
    return text[:200] if text else err.__class__.__name__


class _BoundedReads:
    """imaplib's reads, each command bounded by one deadline (`seconds` from when it was sent,
    or from the connection for the greeting), and no line longer than imaplib's own limit.
    Mixed in before imaplib.IMAP4 or IMAP4_SSL: their `readline`/`read`/`send` are replaced,
    reading the socket directly, so a server trickling bytes cannot stretch a read."""

    sock: socket.socket
    seconds: float
    deadline: float
    _pending: bytearray
    broken: bool = False  # a read failed: the connection is closed, never asked anything more

    def _remaining(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise ImapDeadlinePassed(f"no whole answer within {self.seconds:.0f} s")
        return min(left, IMAP_TIMEOUT)

    def _fill(self) -> None:
        try:
            self.sock.settimeout(self._remaining())
            chunk = self.sock.recv(65536)
        except TimeoutError:
            self.broken = True  # what the server still sends would be read as the next answer
            if time.monotonic() >= self.deadline:
                raise ImapDeadlinePassed(f"no whole answer within {self.seconds:.0f} s") from None
            raise  # silent for IMAP_TIMEOUT seconds: "did not answer within 30 s"
        if not chunk:
            self.broken = True
            raise imaplib.IMAP4.abort("socket error: EOF")
        self._pending += chunk

    def readline(self) -> bytes:
        while (end := self._pending.find(b"\n")) < 0:
            if len(self._pending) > MAX_LINE:
                raise imaplib.IMAP4.error(f"got a line of more than {MAX_LINE} bytes")
            self._fill()
        line = bytes(self._pending[: end + 1])
        del self._pending[: end + 1]
        return line

    def read(self, size: int) -> bytes:
        while len(self._pending) < size:
            self._fill()
        data = bytes(self._pending[:size])
        del self._pending[:size]
        return data

    def send(self, data: ReadableBuffer) -> None:
        self.deadline = time.monotonic() + self.seconds  # a new command: its own deadline
        self.sock.settimeout(self._remaining())
        self.sock.sendall(data)


class _BoundedIMAP4(_BoundedReads, imaplib.IMAP4):
    def __init__(self, host: str, port: int, seconds: float) -> None:
        self.seconds, self.deadline, self._pending = seconds, time.monotonic() + seconds, bytearray()
        super().__init__(host, port, timeout=IMAP_TIMEOUT)

    def starttls(self, ssl_context: Any | None = None) -> tuple[Literal["OK"], list[None]]:
        return super().starttls(ssl_context=_AfterCleartext(self, ssl_context or ssl.create_default_context()))


class _AfterCleartext:
    """The TLS context STARTTLS wraps the socket with, after making sure the server sent nothing
    more in the clear after its OK: such bytes would otherwise be read as the first answer
    under TLS (an attacker's injected reply). The handshake gets IMAP_TIMEOUT seconds."""

    def __init__(self, connection: _BoundedIMAP4, context: ssl.SSLContext) -> None:
        self.connection, self.context = connection, context

    def wrap_socket(self, sock: socket.socket, server_hostname: str | None = None) -> ssl.SSLSocket:
        if self.connection._pending:
            self.connection.broken = True
            raise imaplib.IMAP4.abort("the server sent more in the clear after agreeing to STARTTLS; refused")
        sock.settimeout(IMAP_TIMEOUT)
        return self.context.wrap_socket(sock, server_hostname=server_hostname)


class _BoundedIMAP4SSL(_BoundedReads, imaplib.IMAP4_SSL):
    def __init__(self, host: str, port: int, seconds: float, context: ssl.SSLContext) -> None:
        self.seconds, self.deadline, self._pending = seconds, time.monotonic() + seconds, bytearray()
        super().__init__(host, port, ssl_context=context, timeout=IMAP_TIMEOUT)


def imap_deadline(environ: Mapping[str, str]) -> float:
    """Seconds each command may take in all (MILEPOST_IMAP_DEADLINE, else IMAP_DEADLINE)."""
    text = environ.get(IMAP_DEADLINE_VARIABLE, "").strip()
    if not text:
        return IMAP_DEADLINE
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0
    if not 0 < seconds <= 3600:
        raise AnswerError(f"{IMAP_DEADLINE_VARIABLE} is {text!r}; write a number of seconds from 1 to 3600, e.g. 120")
    return seconds


def _connect(box: ImapMailbox, context: ssl.SSLContext) -> imaplib.IMAP4:
    seconds = imap_deadline(os.environ)
    if box.tls:
        return _BoundedIMAP4SSL(box.host, box.port, seconds, context)
    connection = _BoundedIMAP4(box.host, box.port, seconds)
    if "STARTTLS" not in connection.capabilities:
        connection.shutdown()
        raise AnswerError(
            f"The mailbox {box.shown} offers no STARTTLS, and Milepost never sends a password in the clear; "
            "use a server with TLS (imaps://) or turn on STARTTLS"
        )
    connection.starttls(ssl_context=context)
    return connection


def imap_messages(box: ImapMailbox) -> Iterator[RawMessage]:
    """Every message of the mailbox's folders, oldest first per folder; read-only."""
    context = ssl.create_default_context()
    try:
        connection = _connect(box, context)
    except AnswerError:
        raise
    except (OSError, imaplib.IMAP4.error) as err:
        raise _failure(box, err) from None
    try:
        try:
            connection.login(box.user, box.password)
        except imaplib.IMAP4.error as err:
            raise AnswerError(
                f"The mailbox {box.shown} refused the login ({_said(err)}); check the user and password in "
                f"{IMAP_URL_VARIABLE}"
            ) from None
        for folder in box.folders:
            yield from _folder_messages(connection, box, folder)
    except (OSError, imaplib.IMAP4.error) as err:
        raise _failure(box, err) from None
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            if getattr(connection, "broken", False):
                connection.shutdown()  # never a LOGOUT read after a failed read: it would wait again
            else:
                connection.logout()


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _folder_messages(connection: imaplib.IMAP4, box: ImapMailbox, folder: str) -> Iterator[RawMessage]:
    status, _ = connection.select(_quoted(folder), readonly=True)
    if status != "OK":
        raise AnswerError(f"The mailbox {box.shown} has no folder '{folder}'; check the folders in {IMAP_URL_VARIABLE}")
    status, found = connection.uid("SEARCH", "ALL")
    if status != "OK" or not found or found[0] is None:
        return
    for uid in found[0].split():
        status, data = connection.uid("FETCH", uid, f"(RFC822.SIZE BODY.PEEK[]<0.{MAX_MESSAGE_BYTES}>)")
        if status != "OK":
            continue
        for part in data:
            if isinstance(part, tuple):
                size = _FETCHED_SIZE.search(part[0])
                yield RawMessage(
                    f"{folder} {uid.decode()}", bytes(part[1]), int(size[1]) if size else len(part[1])
                )


def maildir_messages(path: Path) -> Iterator[RawMessage]:
    """Every message of the Maildir at `path` (new and cur), in the order of their keys."""
    if not (path / "cur").is_dir() and not (path / "new").is_dir():
        raise AnswerError(f"{path}: not a Maildir (no cur/ or new/ folder); give the folder that holds them")
    box = mailbox.Maildir(path, factory=None, create=False)
    for key in sorted(box.keys()):
        with box.get_file(key) as handle:
            data = handle.read(MAX_MESSAGE_BYTES)
            size = len(data) + len(handle.read())
        yield RawMessage(f"Maildir {key}", data, size)

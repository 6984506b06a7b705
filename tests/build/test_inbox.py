"""`milepost inbox` against a real IMAP server (Debian's Dovecot on 127.0.0.1, STARTTLS and TLS
from the start, with the test's own certificate), and against a Maildir: real messages put in
with IMAP APPEND, the command run as a subprocess, and the record it writes
(`projects/<client>/answers.yml`) read back."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import mailbox
import os
import re
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import pytest
import yaml

from conftest import make_demo_repos_once
from helpers import DEMO_TODAY, Dovecot, demo_portal_copy, free_port, self_signed_certificate
from milepost.answer_reference import Action, AnswerItem, ItemKind, answerable_items, reference
from milepost.load.project_folders import read_project_folders

USER, PASSWORD = "answers@agency.example", "Imap-s3cret-Pass-42"
SECRET = "a-test-secret-that-is-long-enough-0123456789"
MARTA = "marta.lis@acme-retail.example"
ANNA = "anna.nowak@acme-retail.example"  # an approver, not a recipient of the letters
RECORD = Path("projects/acme-retail/answers.yml")


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return self_signed_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def dovecot(certificate: tuple[Path, Path]) -> Iterator[Dovecot]:
    with Dovecot(certificate, USER, PASSWORD) as server:
        yield server


@pytest.fixture
def portal(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    make_demo_repos_once(tmp_path_factory)
    config = demo_portal_copy(tmp_path)
    # The demo's own record (CR-4 accepted) is left out: these tests count what the inbox records.
    (tmp_path / RECORD).unlink()
    client = tmp_path / "projects/acme-retail/client.yml"
    client.write_text(
        client.read_text() + f"approvers:\n  - {{name: Anna Nowak, email: {ANNA}}}\nresponse_hours: 1\n"
    )
    return config


def item(config: Path, key: str) -> AnswerItem:
    """The item `key` of acme-retail's webshop as the portal at `config` holds it now."""
    reading = read_project_folders(config.parent / "projects", today=DEMO_TODAY)
    project = next(p for p in reading.projects if p.client == "acme-retail" and p.slug == "webshop")
    return next(i for i in answerable_items(project) if i.key == key)


def answer(code: str, sender: str, number: int, *, auth: str = "", words: str = "Yes, go ahead.") -> bytes:
    message = EmailMessage()
    message["From"] = f"Marta Lis <{sender}>"
    message["To"] = USER
    message["Subject"] = f"Accept: CR-3: Gift cards [{code}]"
    message["Date"] = format_datetime(dt.datetime(2026, 12, 3, 10, 14, tzinfo=dt.timezone(dt.timedelta(hours=1))))
    message["Message-ID"] = f"<answer-{number}@acme-retail.example>"
    if auth:
        message["Authentication-Results"] = auth
    message.set_content(f"{words}\n\n> quoted letter text\n")
    return message.as_bytes()


def inbox(
    config: Path,
    *,
    url: str = "",
    maildir: Path | None = None,
    trusted: Path | None = None,
    extra: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MILEPOST_", "SSL_CERT"))}
    env["MILEPOST_ANSWER_SECRET"] = SECRET
    env.update(extra or {})
    if url:
        env["MILEPOST_IMAP_URL"] = url
    if trusted is not None:
        env["SSL_CERT_FILE"] = str(trusted)
    command = [sys.executable, "-m", "milepost.cli", "inbox", "-f", str(config), "--today", DEMO_TODAY.isoformat()]
    if maildir is not None:
        command += ["--maildir", str(maildir)]
    return subprocess.run(command, env=env, cwd=config.parent, capture_output=True, text=True, timeout=300)


def entries(config: Path) -> list[dict[str, object]]:
    data = yaml.safe_load((config.parent / RECORD).read_text())
    assert isinstance(data, list)
    return data


def test_answers_over_imap_are_judged_and_recorded_once(
    dovecot: Dovecot, portal: Path, certificate: tuple[Path, Path]
) -> None:
    secret = SECRET.encode()
    cr3 = item(portal, "CR-3")
    good = reference(secret, cr3, Action.ACCEPT)
    trusting = ssl.create_default_context(cafile=str(certificate[0]))
    # An answer to the version the letter showed, then the CR's hours change: that code is old.
    dovecot.append(answer(good, MARTA, 1, auth="mx.agency.example; dkim=pass; spf=pass; dmarc=pass"), context=trusting)
    other_hours = tuple((k, "20" if k == "hours" else v) for k, v in cr3.shown)
    stale_item = AnswerItem(cr3.client, cr3.project, cr3.kind, cr3.key, other_hours)
    dovecot.append(answer(reference(secret, stale_item, Action.ACCEPT), MARTA, 2), context=trusting)
    dovecot.append(answer("MP-AAAAAAAAAAAAAAAA", MARTA, 3), context=trusting)  # forged
    dovecot.append(answer(good, "mallory@evil.example", 4), context=trusting)  # sender not allowed
    failing = "mx.agency.example; dkim=fail header.d=acme-retail.example"
    dovecot.append(answer(good, MARTA, 5, auth=failing), context=trusting)
    # An untrusted server's verdict is ignored.
    dovecot.append(answer(good, ANNA, 6, auth="other.example; dkim=fail"), context=trusting)
    stranger = EmailMessage()  # names no client: kept in projects/_unmatched/answers.yml
    stranger["From"], stranger["Subject"], stranger["Message-ID"] = "x@spam.example", "Offer", "<offer@spam.example>"
    stranger.set_content("<script>alert(1)</script> Buy now")
    dovecot.append(stranger.as_bytes(), context=trusting)
    url = f"imap://answers%40agency.example:{PASSWORD}@127.0.0.1:{dovecot.port}/INBOX"

    first = inbox(portal, url=url, trusted=certificate[0])
    assert first.returncode == 0, first.stderr
    recorded = {e["message_id"]: e for e in entries(portal)}
    assert len(recorded) == 6
    applied = recorded["<answer-1@acme-retail.example>"]
    assert applied["applied"] is True and applied["reason"] == ""
    said = (applied["name"], applied["address"], applied["item"], applied["action"])
    assert said == ("Marta Lis", MARTA, "CR-3", "accept")
    assert applied["version"] == cr3.version and applied["kind"] == ItemKind.CHANGE_REQUEST.value
    assert applied["words"] == "Yes, go ahead." and applied["received"] == "2026-12-03T10:14:00+01:00"
    assert re.fullmatch(r"[0-9a-f]{64}", str(applied["sha256"]))
    assert recorded["<answer-6@acme-retail.example>"]["applied"] is True  # an approver; a server not trusted
    for number, why in ((2, "matches no current item"), (3, "matches no current item"), (5, "dkim=fail")):
        entry = recorded[f"<answer-{number}@acme-retail.example>"]
        assert entry["applied"] is False and why in str(entry["reason"]), entry
    # The unknown sender's message is recorded under the client its reference names.
    assert "mallory@evil.example is not among" in str(recorded["<answer-4@acme-retail.example>"]["reason"])
    unmatched = yaml.safe_load((portal.parent / "projects/_unmatched/answers.yml").read_text())
    assert [(e["message_id"], e["applied"], e["words"]) for e in unmatched] == [("<offer@spam.example>", False, "")]
    text = (portal.parent / RECORD).read_text()
    assert text.startswith("# Written by `milepost inbox`")

    again = inbox(portal, url=url, trusted=certificate[0])
    assert again.returncode == 0, again.stderr
    assert (portal.parent / RECORD).read_text() == text  # nothing appended
    assert "0 new recorded" in again.stderr
    for result in (first, again):
        assert PASSWORD not in result.stdout + result.stderr

    # `milepost check` reads answers.yml as the record, not as a project.
    check = subprocess.run(
        [sys.executable, "-m", "milepost.cli", "check", "-f", str(portal), "--today", DEMO_TODAY.isoformat()],
        capture_output=True, text=True, timeout=600, cwd=portal.parent,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    # ... and tells the PM, as a warning, where the project file still disagrees with it.
    assert re.search(
        r"projects/acme-retail/webshop\.yml:\d+: changes\[\d+\]\.status: CR-3 is still `proposed`; Marta Lis "
        r"accepted it on 3 December 2026: set `status: accepted`",
        check.stderr,
    ), check.stderr


def test_imaps_and_a_later_message_appends_after_the_earlier_entries(
    dovecot: Dovecot, portal: Path, certificate: tuple[Path, Path]
) -> None:
    trusting = ssl.create_default_context(cafile=str(certificate[0]))
    code = reference(SECRET.encode(), item(portal, "CR-3"), Action.ACCEPT)
    dovecot.append(answer(code, MARTA, 1), context=trusting)
    url = f"imaps://answers%40agency.example:{PASSWORD}@127.0.0.1:{dovecot.tls_port}/INBOX"
    assert inbox(portal, url=url, trusted=certificate[0]).returncode == 0
    before = (portal.parent / RECORD).read_bytes()
    dovecot.append(answer(code, ANNA, 2, words="Anna agrees too."), context=trusting)
    assert inbox(portal, url=url, trusted=certificate[0]).returncode == 0
    after = (portal.parent / RECORD).read_bytes()
    assert after.startswith(before) and len(after) > len(before)
    assert [e["address"] for e in entries(portal)] == [MARTA, ANNA]


def test_a_wrong_password_and_an_untrusted_certificate_stop_with_one_line(
    dovecot: Dovecot, portal: Path, certificate: tuple[Path, Path]
) -> None:
    url = f"imaps://answers%40agency.example:Wrong-{PASSWORD}@127.0.0.1:{dovecot.tls_port}/INBOX"
    wrong = inbox(portal, url=url, trusted=certificate[0])
    assert wrong.returncode == 1, wrong.stderr
    assert "refused the login ([AUTHENTICATIONFAILED] Authentication failed.)" in wrong.stderr, wrong.stderr
    assert "Traceback" not in wrong.stderr and PASSWORD not in wrong.stderr + wrong.stdout
    untrusted = inbox(portal, url=f"imap://answers%40agency.example:{PASSWORD}@127.0.0.1:{dovecot.port}/INBOX")
    assert untrusted.returncode == 1 and "certificate this machine does not trust" in untrusted.stderr, untrusted.stderr
    assert PASSWORD not in untrusted.stderr + untrusted.stdout
    assert not (portal.parent / RECORD).exists()


def test_maildir(portal: Path, tmp_path: Path) -> None:
    box = mailbox.Maildir(tmp_path / "Maildir", create=True)
    code = reference(SECRET.encode(), item(portal, "CR-3"), Action.ACCEPT)
    box.add(answer(code, MARTA, 1, words="Yes. Call me at +48 601 234 567."))
    question = EmailMessage()
    question["From"], question["Subject"] = MARTA, "When is the launch?"
    question["Message-ID"] = "<question@acme-retail.example>"
    question.set_content("Hello, when is the launch?")
    box.add(question.as_bytes())
    three_days_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
    for number, subject in ((1, "Invoice question"), (2, "Staging is down")):
        late = EmailMessage()
        late["From"], late["Subject"], late["Date"] = f"Marta Lis <{MARTA}>", subject, format_datetime(three_days_ago)
        late["Message-ID"] = f"<late-{number}@acme-retail.example>"
        late.set_content("Please answer.")
        box.add(late.as_bytes())
    reply = EmailMessage()  # the agency's reply to the first (as the Sent folder holds it)
    reply["From"], reply["Subject"] = "Example Agency <status@agency.example>", "Re: Invoice question"
    reply["Message-ID"], reply["In-Reply-To"] = "<reply-1@agency.example>", "<late-1@acme-retail.example>"
    reply.set_content("Answered.")
    box.add(reply.as_bytes())
    result = inbox(portal, maildir=tmp_path / "Maildir")
    assert result.returncode == 0, result.stderr
    # Only the message with no reply, past the promised hour, heads the output.
    late_lines = [line for line in result.stdout.splitlines() if line.startswith("UNANSWERED")]
    assert len(late_lines) == 1 and '"Staging is down"' in late_lines[0] and "1 h promised" in late_lines[0]
    assert result.stdout.splitlines()[0] == late_lines[0]
    recorded = {e["message_id"]: e for e in entries(portal)}
    assert recorded["<answer-1@acme-retail.example>"]["applied"] is True
    assert "601 234 567" not in str(recorded["<answer-1@acme-retail.example>"]["words"])  # redacted as on pages
    assert "no answer reference" in str(recorded["<question@acme-retail.example>"]["reason"])
    assert not (portal.parent / "projects/_unmatched").exists()  # the agency's own reply is no answer
    assert inbox(portal, maildir=tmp_path / "Maildir").stderr.count("0 new recorded") == 1


def test_without_the_secret_the_inbox_says_what_to_set(portal: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MILEPOST_")}
    command = [sys.executable, "-m", "milepost.cli", "inbox", "-f", str(portal), "--maildir", str(tmp_path)]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "milepost: MILEPOST_ANSWER_SECRET is not set; set it to a random secret of at least 32 characters "
        "(e.g. the output of `python3 -c 'import secrets; print(secrets.token_urlsafe(32))'`), "
        "kept outside the repository"
    ]


def test_a_server_without_tls_never_gets_the_password(certificate: tuple[Path, Path], portal: Path) -> None:
    with Dovecot(certificate, USER, PASSWORD, tls=False) as plain:
        result = inbox(portal, url=f"imap://answers%40agency.example:{PASSWORD}@127.0.0.1:{plain.port}/INBOX")
        log = (plain.folder / "dovecot.log").read_text()
    assert result.returncode == 1
    assert "offers no STARTTLS, and Milepost never sends a password in the clear" in result.stderr
    assert "Login" not in log and "auth failed" not in log  # no login was even tried
    assert PASSWORD not in result.stderr + result.stdout


def test_a_mailbox_that_is_down_stops_with_one_line(portal: Path) -> None:
    port = free_port()  # nothing listens there
    result = inbox(portal, url=f"imaps://answers%40agency.example:{PASSWORD}@127.0.0.1:{port}/INBOX")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"milepost: The mailbox imaps://127.0.0.1:{port}/INBOX refused "
        "the connection; check the host and port in MILEPOST_IMAP_URL and that the server runs"
    ]


class TricklingServer:
    """A server on 127.0.0.1 that greets as an IMAP server would, but slowly: `greeting` is sent
    `step` bytes at a time, `pause` seconds apart, to each connection, for as long as it lasts."""

    def __init__(self, greeting: Iterator[bytes], pause: float) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.greeting, self.pause = greeting, pause
        self.sent = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        with contextlib.suppress(OSError):
            connection, _ = self.listener.accept()
            with connection:
                for piece in self.greeting:
                    connection.sendall(piece)
                    self.sent += len(piece)
                    time.sleep(self.pause)

    def close(self) -> None:
        self.listener.close()


def trickled_bytes() -> Iterator[bytes]:
    for byte in b"* OK [CAPABILITY IMAP4rev1 STARTTLS] ready" * 1000:
        yield bytes([byte])


def endless_line() -> Iterator[bytes]:
    yield b"* OK "
    while True:
        yield b"x" * 65536


@pytest.mark.parametrize(
    ("greeting", "pause", "said"),
    [
        (trickled_bytes, 0.3, "did not answer whole within the deadline (no whole answer within 2 s)"),
        (endless_line, 0.0, "got a line of more than 1000000 bytes"),
    ],
    ids=["one byte every 0.3 s", "an endless line"],
)
def test_a_slow_or_endless_mailbox_is_given_up_with_one_line(
    portal: Path, greeting: Callable[[], Iterator[bytes]], pause: float, said: str
) -> None:
    server = TricklingServer(greeting(), pause)
    try:
        started = time.monotonic()
        result = inbox(
            portal,
            url=f"imap://answers%40agency.example:{PASSWORD}@127.0.0.1:{server.port}/INBOX",
            extra={"MILEPOST_IMAP_DEADLINE": "2"},
        )
        took = time.monotonic() - started
    finally:
        server.close()
    assert result.returncode == 1, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"milepost: The mailbox imap://127.0.0.1:{server.port}/INBOX ") and said in line, line
    assert PASSWORD not in result.stderr + result.stdout
    # Given up at the deadline or the line's limit, not read on for as long as the server sends
    # (what was sent is what the client read, 1 MB at most, plus what the kernel's buffers hold).
    assert server.sent < 20_000_000, server.sent
    assert took < 30, took


def test_what_a_server_sends_in_the_clear_after_starttls_is_refused(portal: Path) -> None:
    # An attacker between the inbox and the server answers STARTTLS and, in the same packet,
    # adds a reply of its own: it must never be read as if it had come over TLS.
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    heard: list[bytes] = []

    def serve() -> None:
        with contextlib.suppress(OSError):
            connection, _ = listener.accept()
            with connection, connection.makefile("rb") as lines:
                connection.sendall(b"* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n")
                for line in lines:
                    heard.append(line)
                    tag, _, command = line.decode().partition(" ")
                    if command.upper().startswith("CAPABILITY"):
                        connection.sendall(f"* CAPABILITY IMAP4rev1 STARTTLS\r\n{tag} OK done\r\n".encode())
                    elif command.upper().startswith("STARTTLS"):
                        injected = "* CAPABILITY IMAP4rev1 AUTH=PLAIN LOGINDISABLED\r\n"
                        connection.sendall(f"{tag} OK Begin TLS\r\n{injected}".encode())

    threading.Thread(target=serve, daemon=True).start()
    try:
        result = inbox(portal, url=f"imap://answers%40agency.example:{PASSWORD}@127.0.0.1:{port}/INBOX")
    finally:
        listener.close()
    assert result.returncode == 1, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert "sent more in the clear after agreeing to STARTTLS; refused" in line, line
    assert PASSWORD not in result.stderr + result.stdout
    assert not any(b"LOGIN" in said.upper() for said in heard), heard


WARSAW = dt.timezone(dt.timedelta(hours=1))  # Poland's winter offset, as a mail program writes it


def message(sender: str, subject: str, number: str, sent: dt.datetime, *, replying_to: str = "") -> bytes:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = sender, USER, subject
    mail["Date"] = format_datetime(sent)
    mail["Message-ID"] = f"<{number}>"
    if replying_to:
        mail["In-Reply-To"], mail["References"] = f"<{replying_to}>", f"<{replying_to}>"
    mail.set_content("Hello.")
    return mail.as_bytes()


def test_the_response_time_in_working_hours_across_a_weekend_and_a_holiday(
    dovecot: Dovecot, portal: Path, certificate: tuple[Path, Path], tmp_path: Path
) -> None:
    """A client in Poland, promised one business hour. Its messages in INBOX, the agency's
    replies in Sent: a Friday-afternoon message answered on Monday morning took one working
    hour (the weekend does not count); one written the day before Christmas Eve, answered
    after Christmas, took three (24 to 26 December are public holidays in Poland, then a
    Sunday). A third, never answered, heads the output with the name of whoever answers today:
    the deputy, as the contact is away."""
    client = portal.parent / "projects/acme-retail/client.yml"
    today = dt.datetime.now(dt.UTC).date()
    away = f"{{from: {today - dt.timedelta(days=1)}, to: {today + dt.timedelta(days=1)}, deputy: Piotr Zieliński}}"
    text = client.read_text().replace("response_hours: 1\n", "")
    measurable = "response_time: {hours: 1, business: true}\ncountry: PL"
    text = text.replace("response_time: within one business hour", measurable)
    text = re.sub(r"      - \{from: 2026-12-22.*\}", f"      - {away}", text)
    client.write_text(text)
    trusting = ssl.create_default_context(cafile=str(certificate[0]))
    marta, agency = f"Marta Lis <{MARTA}>", "Anna Nowak <anna@agency.example>"
    friday, monday = dt.datetime(2026, 12, 4, 16, 30, tzinfo=WARSAW), dt.datetime(2026, 12, 7, 9, 30, tzinfo=WARSAW)
    before_christmas, after = dt.datetime(2026, 12, 23, 16, tzinfo=WARSAW), dt.datetime(2026, 12, 28, 11, tzinfo=WARSAW)
    dovecot.append(message(marta, "Invoice question", "q1@acme-retail.example", friday), context=trusting)
    dovecot.append(message(marta, "Staging is slow", "q2@acme-retail.example", before_christmas), context=trusting)
    waiting_since = dt.datetime.now(dt.UTC) - dt.timedelta(days=10)
    dovecot.append(message(marta, "Where is the invoice?", "q3@acme-retail.example", waiting_since), context=trusting)
    for number, sent, asked in ((1, monday, "q1"), (2, after, "q2")):
        asked_id = f"{asked}@acme-retail.example"
        reply = message(agency, "Re: ...", f"r{number}@agency.example", sent, replying_to=asked_id)
        dovecot.append(reply, folder="Sent", context=trusting)
    url = f"imaps://answers%40agency.example:{PASSWORD}@127.0.0.1:{dovecot.tls_port}/INBOX,Sent"

    result = inbox(portal, url=url, trusted=certificate[0])
    assert result.returncode == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert first.startswith('UNANSWERED acme-retail: Marta Lis <marta.lis@acme-retail.example> "Where is the invoice?"')
    assert first.endswith("working h waiting, 1 working h promised; Piotr Zieliński answers today"), first
    responses = yaml.safe_load((portal.parent / "projects/acme-retail/responses.yml").read_text())
    took = {e["message_id"]: (e["hours"], e["business"], e["reply_id"]) for e in responses}
    assert took["<q1@acme-retail.example>"] == (1.0, True, "<r1@agency.example>")
    assert took["<q2@acme-retail.example>"] == (3.0, True, "<r2@agency.example>")
    assert took["<q3@acme-retail.example>"][2] == ""  # still waiting, on the record as such
    before = (portal.parent / "projects/acme-retail/responses.yml").read_bytes()
    again = inbox(portal, url=url, trusted=certificate[0])
    assert again.returncode == 0 and "0 response time(s) recorded" in again.stderr, again.stderr
    assert (portal.parent / "projects/acme-retail/responses.yml").read_bytes() == before

    # The client's site says it as it is, good or bad.
    from milepost.mkdocs.build import build_clients

    outcome = build_clients(portal, clients=["acme-retail"], site_dir=tmp_path / "site", today=DEMO_TODAY)
    assert outcome.ok, outcome.failed
    page = (tmp_path / "site/acme-retail/index.html").read_text(encoding="utf-8")
    said = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "We answer within one business hour." in said
    assert (
        "We answered 1 of your 2 messages within one business hour. The slowest answer took 3 business hours. "
        "1 message is still waiting for our answer." in said
    ), said[said.find("We answer"):][:400]


def test_a_question_and_the_agencys_reply_in_sent_show_on_the_project_page(
    dovecot: Dovecot, portal: Path, certificate: tuple[Path, Path], tmp_path: Path
) -> None:
    """Marta asks a question with the project's *Ask a question* link; Piotr's reply waits in
    the Sent folder (in HTML, quoting her message). The inbox records the reply's words with the
    measured time, and the built project page shows them under her question, with who answered
    and when; status.json has them as the question's `answer`."""
    trusting = ssl.create_default_context(cafile=str(certificate[0]))
    code = reference(SECRET.encode(), item(portal, "webshop"), Action.ASK)
    asked = EmailMessage()
    asked["From"], asked["To"] = f"Marta Lis <{MARTA}>", USER
    asked["Subject"] = f"A question about Webshop [{code}]"
    asked["Date"] = format_datetime(dt.datetime(2026, 12, 4, 10, 30, tzinfo=WARSAW))
    asked["Message-ID"] = "<ask-1@acme-retail.example>"
    asked.set_content("Can the gift cards be used in the shop too?\n")
    dovecot.append(asked.as_bytes(), context=trusting)
    reply = EmailMessage()
    reply["From"], reply["To"] = "Piotr Zieliński <piotr@agency.example>", MARTA
    reply["Subject"] = f"Re: A question about Webshop [{code}]"
    reply["Date"] = format_datetime(dt.datetime(2026, 12, 4, 11, 2, tzinfo=WARSAW))
    reply["Message-ID"] = "<reply-1@agency.example>"
    reply["In-Reply-To"] = reply["References"] = "<ask-1@acme-retail.example>"
    reply.set_content(
        "<p>Yes, from the first release on.</p><p>&gt; Can the gift cards be used in the shop too?</p>",
        subtype="html",
    )
    dovecot.append(reply.as_bytes(), folder="Sent", context=trusting)
    url = f"imaps://answers%40agency.example:{PASSWORD}@127.0.0.1:{dovecot.tls_port}/INBOX,Sent"

    result = inbox(portal, url=url, trusted=certificate[0])
    assert result.returncode == 0, result.stderr
    responses = yaml.safe_load((portal.parent / "projects/acme-retail/responses.yml").read_text())
    assert [(e["message_id"], e["reply_name"], e["reply_words"]) for e in responses] == [
        ("<ask-1@acme-retail.example>", "Piotr Zieliński", "Yes, from the first release on.")
    ]

    from milepost.mkdocs.build import build_clients

    outcome = build_clients(portal, clients=["acme-retail"], site_dir=tmp_path / "site", today=DEMO_TODAY)
    assert outcome.ok, outcome.failed
    page = (tmp_path / "site/acme-retail/webshop/index.html").read_text(encoding="utf-8")
    questions = page[page.index('<ul class="mp-questions">') :]
    questions = questions[: questions.index("</ul>")]
    said = " ".join(re.sub(r"<[^>]+>", " ", questions).split())
    assert said == (
        "Question from Marta Lis, by e-mail on 4 December 2026, 10:30 Can the gift cards be used in the shop too? "
        "Answered by Piotr Zieliński on 4 December 2026, 11:02: Yes, from the first release on."
    ), said
    status = json.loads((tmp_path / "site/acme-retail/webshop/status.json").read_text(encoding="utf-8"))
    question = next(a for a in status["answers"] if a["action"] == "ask")
    assert question["answer"] == {
        "replied": "2026-12-04T11:02:00+01:00",
        "name": "Piotr Zieliński",
        "sentence": "Answered by Piotr Zieliński on 4 December 2026, 11:02:",
        "words": "Yes, from the first release on.",
    }

"""`milepost letters --send` when things go wrong around it, against real servers on
127.0.0.1: a recipient the server refuses, servers that trickle or flood their replies, a
second run at once, a damaged record, a letters/ folder that cannot be written. Each gives
one line naming the fix, never a traceback, and never sends a letter twice."""

from __future__ import annotations

import contextlib
import email
import json
import os
import resource
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from email import policy
from pathlib import Path

import pytest
from test_letters_send import recorded, run

from conftest import make_demo_repos_once
from helpers import DEMO_LETTERS, SmtpCapture, demo_portal_copy

MARTA = "marta.lis@acme-retail.example"
TOMASZ = "tomasz.wrona@acme-retail.example"


@pytest.fixture
def portal(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    make_demo_repos_once(tmp_path_factory)
    return demo_portal_copy(tmp_path)


def one_line(result: subprocess.CompletedProcess, *words: str) -> str:
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


# --- a recipient refused -------------------------------------------------------------------------


def test_a_refused_recipient_is_named_retried_and_never_recorded_as_sent(portal: Path) -> None:
    with SmtpCapture(refuse=frozenset({TOMASZ})) as server:
        first = run(portal, server.url, "--send")
    assert first.returncode == 1, first.stderr
    assert TOMASZ in first.stderr and "550" in first.stderr and "next run" in first.stderr
    assert "Traceback" not in first.stderr
    acme = [e for e in recorded(portal) if e["client"] == "acme-retail"]
    assert acme and all(e["delivered"] == [MARTA] and e["refused"] == [TOMASZ] for e in acme)
    assert all(TOMASZ not in rcpts for rcpts in server.recipients)
    with SmtpCapture() as fixed:
        second = run(portal, fixed.url, "--send")
        assert second.returncode == 0, second.stderr
        # Only the refused recipient gets the letters again, the same letters (same Message-ID).
        assert fixed.recipients == [[TOMASZ]] * len(acme)
        assert sorted(fixed.message_ids()) == sorted(e["message_id"] for e in acme)
        third = run(portal, fixed.url, "--send")
        assert third.returncode == 0 and len(fixed.messages) == len(acme)
    now = [e for e in recorded(portal) if e["client"] == "acme-retail"]
    assert all(sorted(e["delivered"]) == [MARTA, TOMASZ] and e["refused"] == [] for e in now)
    assert all("message" not in e for e in recorded(portal))  # kept only while someone still waits


def test_every_recipient_refused_leaves_the_letter_for_the_next_run(portal: Path) -> None:
    with SmtpCapture(refuse=frozenset({MARTA, TOMASZ})) as server:
        first = run(portal, server.url, "--send", "--client", "acme-retail")
    assert first.returncode == 1 and MARTA in first.stderr and TOMASZ in first.stderr, first.stderr
    assert server.messages == []
    assert all(e["delivered"] == [] for e in recorded(portal))
    with SmtpCapture() as fixed:
        assert run(portal, fixed.url, "--send", "--client", "acme-retail").returncode == 0
    assert len(fixed.messages) == len(recorded(portal)) == 2
    assert all(sorted(r) == [MARTA, TOMASZ] for r in fixed.recipients)


# --- names that must stay one address ------------------------------------------------------------


def test_any_name_stays_one_recipient(portal: Path) -> None:
    client = portal.parent / "projects" / "acme-retail" / "client.yml"
    text = client.read_text(encoding="utf-8").replace(
        "{name: Marta Lis, email: marta.lis@acme-retail.example}",
        '{name: "Marta Lis, Head of Online Sales, ACME Retail Group Poland", email: marta.lis@acme-retail.example}',
    ).replace(
        "{name: Tomasz Wrona, email: tomasz.wrona@acme-retail.example}",
        '{name: "Tomasz \\"Tom\\" Wrona <boss@evil.example>, ż", email: tomasz.wrona@acme-retail.example}',
    )
    client.write_text(text, encoding="utf-8")
    with SmtpCapture() as server:
        result = run(portal, server.url, "--send", "--client", "acme-retail")
    assert result.returncode == 0, result.stderr
    assert server.recipients and all(sorted(r) == [MARTA, TOMASZ] for r in server.recipients)
    for raw in server.messages:
        message = email.message_from_bytes(raw, policy=policy.default)
        # Spaces aside: Python's own parser puts one between two adjacent encoded words of a
        # folded name (RFC 2047 says to drop it; mail programs do).
        assert [("".join(a.display_name.split()), a.addr_spec) for a in message["To"].addresses] == [
            ("MartaLis,HeadofOnlineSales,ACMERetailGroupPoland", MARTA),
            ('Tomasz"Tom"Wrona<boss@evil.example>,ż', TOMASZ),
        ]
        assert [a.addr_spec for a in message["From"].addresses] == ["status@agency.example"]


# --- servers that trickle or flood ---------------------------------------------------------------


@contextlib.contextmanager
def misbehaving_server(talk: Callable[[socket.socket, threading.Event], None]) -> Iterator[str]:
    """A TCP server on 127.0.0.1 that runs `talk` on each connection until stopped; yields its URL."""
    stop = threading.Event()
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    threads: list[threading.Thread] = []

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            thread = threading.Thread(target=_talk_then_close, args=(talk, conn, stop), daemon=True)
            thread.start()
            threads.append(thread)

    server = threading.Thread(target=serve, daemon=True)
    server.start()
    try:
        yield f"smtp://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        server.join(5)
        for thread in threads:
            thread.join(5)
        listener.close()


def _talk_then_close(
    talk: Callable[[socket.socket, threading.Event], None], conn: socket.socket, stop: threading.Event
) -> None:
    with contextlib.suppress(OSError), conn:
        talk(conn, stop)


def trickled_greeting(conn: socket.socket, stop: threading.Event) -> None:
    """A greeting one byte at a time that never ends (as one byte every ten seconds would,
    only faster: every byte well within any per-read timeout)."""
    for byte in b"220 " + b"x" * 100_000:
        if stop.wait(0.5):
            return
        conn.sendall(bytes([byte]))


def endless_ehlo(conn: socket.socket, stop: threading.Event) -> None:
    """A normal greeting, then an EHLO reply that never ends, as fast as the client reads."""
    conn.sendall(b"220 mail.example ESMTP\r\n")
    conn.recv(1024)
    line = b"250-" + b"A" * 1000 + b"\r\n"
    while not stop.is_set():
        conn.sendall(line * 64)


def test_a_trickling_server_is_given_up_at_the_deadline(portal: Path) -> None:
    with misbehaving_server(trickled_greeting) as url:
        started = time.monotonic()
        result = run(portal, url, "--send", env={"MILEPOST_SMTP_DEADLINE": "3"})
        took = time.monotonic() - started
    one_line(result, "127.0.0.1", "did not finish within 3 s", "MILEPOST_SMTP_DEADLINE")
    assert took < 60  # the deadline (3 s) and the loading of the demo; smtplib alone: 11 hours
    assert recorded(portal) == []


def test_an_endless_reply_is_not_read_past_the_cap(portal: Path) -> None:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    with misbehaving_server(endless_ehlo) as url:
        result = run(portal, url, "--send", env={"MILEPOST_SMTP_DEADLINE": "60"})
    one_line(result, "127.0.0.1", "longer than 64 KB")
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert max(peak_kb, before) < 1_000_000  # well under 1 GB; it grew without end before
    assert recorded(portal) == []


# --- two runs at once ----------------------------------------------------------------------------


def test_a_second_run_waits_for_the_lock_then_stops_with_one_line(portal: Path) -> None:
    with SmtpCapture(hold_after=1) as server:
        first = run(portal, server.url, "--send", wait=False)
        assert server.holding.wait(240)
        second = run(portal, server.url, "--send", env={"MILEPOST_LETTERS_LOCK_TIMEOUT": "1"})
        os.kill(first.pid, signal.SIGKILL)
        first.wait(30)
    assert second.returncode == 1 and "Traceback" not in second.stderr, second.stderr
    waiting, line = second.stderr.strip().splitlines()
    assert waiting.startswith("Waiting for another run of `milepost letters`")
    for words in (
        "another run of `milepost letters`", "MILEPOST_LETTERS_LOCK_TIMEOUT", "nothing was sent", ".sent.lock"
    ):
        assert words in line, line
    assert len(server.messages) == 1


def test_a_lock_path_that_is_a_folder_is_one_line(portal: Path) -> None:
    (portal.parent / "letters" / ".sent.lock").mkdir(parents=True)
    with SmtpCapture() as server:
        one_line(run(portal, server.url, "--send"), ".sent.lock", "is a folder", "nothing was sent")
    assert server.messages == []


# --- a damaged record ----------------------------------------------------------------------------


def _send_all(portal: Path) -> list[dict]:
    with SmtpCapture() as server:
        assert run(portal, server.url, "--send").returncode == 0
    return recorded(portal)


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (lambda e: e.update(day="2026-13-45"), ("letter 2", "day", "not a date")),
        (lambda e: e.update(carries="weekly:2026-11-24"), ("letter 2", "carries", "not a list")),
        (lambda e: e.update(day=20261124), ("letter 2", "day", "not a text")),
        (lambda e: e.update(sent="yesterday"), ("letter 2", "sent", "not a time")),
        (lambda e: e.update(state="maybe"), ("letter 2", "state")),
        (lambda e: e.clear(), ("letter 2", "missing")),
    ],
)
def test_a_hand_edited_record_is_one_line_and_sends_nothing(
    portal: Path, damage: Callable[[dict], None], words: tuple[str, ...]
) -> None:
    entries = _send_all(portal)
    damage(entries[1])
    path = portal.parent / "letters" / "sent.json"
    path.write_text(json.dumps({"format": 1, "letters": entries}), encoding="utf-8")
    before = path.read_bytes()
    with SmtpCapture() as server:
        one_line(run(portal, server.url, "--send"), "sent.json", *words, "Nothing was sent")
    assert server.messages == [] and path.read_bytes() == before


def test_a_truncated_record_is_one_line(portal: Path) -> None:
    _send_all(portal)
    path = portal.parent / "letters" / "sent.json"
    path.write_bytes(path.read_bytes()[:300])
    with SmtpCapture() as server:
        one_line(run(portal, server.url, "--send"), "sent.json", "cannot be read", "git checkout")
    assert server.messages == []


# --- a letters/ folder that cannot be written ----------------------------------------------------


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """`folder` read-only, for root as well (which ignores the mode): immutable while root."""
    folder.chmod(0o555)
    immutable = os.geteuid() == 0
    if immutable:
        subprocess.run(["chattr", "+i", str(folder)], check=True)
    try:
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        folder.chmod(0o755)


def test_a_read_only_letters_folder_is_one_line_and_sends_nothing(portal: Path) -> None:
    letters = portal.parent / "letters"
    letters.mkdir()
    (letters / ".sent.lock").touch()
    with SmtpCapture() as server, read_only(letters):
        one_line(run(portal, server.url, "--send"), "sent.json", "cannot be written", "writable")
    assert server.messages == [] and recorded(portal) == []
    with SmtpCapture() as server:
        assert run(portal, server.url, "--send").returncode == 0
    assert len(server.messages) == DEMO_LETTERS


def _file_size_limit(size: int) -> Callable[[], None]:
    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG) instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return limit


def test_a_full_disk_before_sending_is_one_line_and_loses_nothing(portal: Path) -> None:
    entries = _send_all(portal)
    path = portal.parent / "letters" / "sent.json"
    kept = entries[:2]  # two letters on record; the other two to send, but no room for the record
    path.write_text(json.dumps({"format": 1, "letters": kept}), encoding="utf-8")
    before = path.read_bytes()
    with SmtpCapture() as server:
        result = run(portal, server.url, "--send", preexec_fn=_file_size_limit(len(before) + 100))
    one_line(result, "sent.json", "cannot be written")
    assert server.messages == [] and path.read_bytes() == before


def test_a_record_that_cannot_be_written_after_the_server_took_the_letter(portal: Path) -> None:
    """The server took the letter, then the record cannot be written: the letter stays
    "sending" on disk, the run says which command settles it, and nothing goes twice."""
    letters = portal.parent / "letters"
    with SmtpCapture(hold_after=0, hold_at="ACCEPTED") as server:
        process = run(portal, server.url, "--send", wait=False)
        assert server.holding.wait(240)
        # While the server holds its answer, letters/ stops being a folder one can write in.
        letters.rename(portal.parent / "letters.away")
        letters.write_text("not a folder\n", encoding="utf-8")
        server.release.set()
        _, err = process.communicate(timeout=120)
    stderr = err.decode()
    assert process.returncode == 1 and "Traceback" not in stderr, stderr
    assert "cannot be written" in stderr and "--mark-sent" in stderr
    letters.unlink()
    (portal.parent / "letters.away").rename(letters)
    assert [e["state"] for e in recorded(portal)] == ["sending"]
    with SmtpCapture() as again:
        rest = run(portal, again.url, "--send")
    assert rest.returncode == 1 and "--mark-sent" in rest.stderr
    ids = server.message_ids() + again.message_ids()
    assert len(ids) == len(set(ids)) == DEMO_LETTERS


def test_settling_a_letter_that_is_not_waiting_is_one_line(portal: Path) -> None:
    entries = _send_all(portal)
    name = (
        f"{entries[0]['day']}-{entries[0]['kind']}-"
        f"{entries[0]['message_id'].strip('<>').split('@')[0].rpartition('.')[2][:10]}"
    )
    one_line(run(portal, None, "--mark-sent", name), name, "not waiting to be settled", "nothing was changed")
    one_line(run(portal, None, "--mark-unsent", "2026-11-24-weekly-0000000000"), "no letter", "unknown: none")
    assert recorded(portal) == entries


def test_a_letter_the_server_answers_451_to_is_known_unsent_and_goes_on_the_next_run(portal: Path) -> None:
    with SmtpCapture(hold_after=1, hold_at="DATA") as server:
        process = run(portal, server.url, "--send", wait=False)
        assert server.holding.wait(240)
        server.release.set()  # the server answers the whole letter with "451 not now"
        out, err = process.communicate(timeout=120)
    stderr = err.decode()
    assert process.returncode == 1 and "Traceback" not in stderr, stderr
    assert "451" in stderr and "--mark-sent" not in stderr  # an answer: nothing to settle
    assert [e["state"] for e in recorded(portal)] == ["sent"]
    with SmtpCapture() as again:
        rest = run(portal, again.url, "--send")
    assert rest.returncode == 0, rest.stderr
    ids = server.message_ids() + again.message_ids()
    assert len(ids) == len(set(ids)) == DEMO_LETTERS

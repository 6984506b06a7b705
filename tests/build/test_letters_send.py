"""`milepost letters --send` against a real SMTP server (aiosmtpd on 127.0.0.1): every letter
is sent exactly once, across re-runs, a crash part-way and a lost cache; bad settings give one
line each, no traceback."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import make_demo_repos_once
from helpers import DEMO_LETTERS, DEMO_TODAY, SmtpCapture, demo_portal_copy

TODAY = DEMO_TODAY.isoformat()


@pytest.fixture
def portal(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    make_demo_repos_once(tmp_path_factory)
    return demo_portal_copy(tmp_path)


def run(
    config: Path,
    url: str | None,
    *args: str,
    wait: bool = True,
    env: dict[str, str] | None = None,
    preexec_fn: Callable[[], None] | None = None,
) -> Any:
    """`milepost letters` in a subprocess, with `url` as MILEPOST_SMTP_URL and `env` added."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("MILEPOST_") or k == "MILEPOST_ANSWER_SECRET"}
    if url is not None:
        environ["MILEPOST_SMTP_URL"] = url
    environ.update(env or {})
    command = [sys.executable, "-m", "milepost.cli", "letters", "-f", str(config), "--today", TODAY, *args]
    if not wait:
        return subprocess.Popen(command, env=environ, cwd=config.parent, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return subprocess.run(
        command, env=environ, cwd=config.parent, capture_output=True, text=True, timeout=300, preexec_fn=preexec_fn
    )


def recorded(config: Path) -> list[dict]:
    path = config.parent / "letters" / "sent.json"
    return json.loads(path.read_text(encoding="utf-8"))["letters"] if path.exists() else []


def test_a_rerun_the_same_day_sends_nothing_twice(portal: Path) -> None:
    with SmtpCapture() as server:
        first = run(portal, server.url, "--send")
        assert first.returncode == 0, first.stderr
        assert len(server.messages) == DEMO_LETTERS
        second = run(portal, server.url, "--send")
        assert second.returncode == 0, second.stderr
        assert len(server.messages) == DEMO_LETTERS  # the second run sent 0
        assert "0 letter(s) sent" in second.stderr
    assert len(set(server.message_ids())) == DEMO_LETTERS
    assert len(recorded(portal)) == DEMO_LETTERS


def test_the_record_survives_a_lost_cache(portal: Path) -> None:
    with SmtpCapture() as server:
        assert run(portal, server.url, "--send").returncode == 0
        shutil.rmtree(portal / ".cache", ignore_errors=True)
        again = run(portal, server.url, "--send")
        assert again.returncode == 0, again.stderr
    assert len(server.messages) == DEMO_LETTERS


def settle_names(result: subprocess.CompletedProcess) -> list[str]:
    """The letters a run could not know the fate of, as it names them for the PM."""
    return re.findall(r"--mark-sent (\S+)", result.stderr)


# Where a sending run is killed (kill -9), as the server sees it: before any letter is on
# record (in EHLO); in the middle of the second letter's conversation (RCPT); with the second
# letter received but not taken (DATA); after the server took it, before the answer reached
# the sender and so before the record says "sent" (ACCEPTED).
KILL_STEPS = {
    "before the record": ("EHLO", 0),
    "during the conversation": ("RCPT", 1),
    "with the whole letter sent": ("DATA", 1),
    "after the server accepted": ("ACCEPTED", 1),
}


@pytest.mark.parametrize("step", list(KILL_STEPS))
def test_a_kill_at_any_step_sends_nothing_twice(portal: Path, step: str) -> None:
    hold_at, hold_after = KILL_STEPS[step]
    with SmtpCapture(hold_after=hold_after, hold_at=hold_at) as server:
        process = run(portal, server.url, "--send", wait=False)
        assert server.holding.wait(240), f"the sender never reached {hold_at}"
        on_record = recorded(portal)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(30)
        server.release.set()
    taken_by_first = server.message_ids()
    if hold_after == 0:
        assert on_record == [] and taken_by_first == []
    else:
        # The first letter is on record as sent; the second as being sent, before its first byte.
        assert [e["state"] for e in on_record] == ["sent", "sending"]
        assert len(taken_by_first) == (2 if hold_at == "ACCEPTED" else 1)
    with SmtpCapture() as server_again:
        rest = run(portal, server_again.url, "--send")
        unknown = settle_names(rest)
        if hold_after == 0:
            assert rest.returncode == 0, rest.stderr
            assert unknown == []
        else:
            # The letter being sent is not sent again blindly: the run names it, with its
            # Message-ID to look up in the Sent folder and the commands that settle it.
            assert rest.returncode == 1, rest.stderr
            assert len(unknown) == 1, rest.stderr
            held = on_record[1]
            assert held["message_id"] in rest.stderr and f"--mark-unsent {unknown[0]}" in rest.stderr
            assert "Traceback" not in rest.stderr
            assert held["message_id"] not in server_again.message_ids()
            # Settled as the PM found it: taken by the server (in the Sent folder), or not.
            settle = "--mark-sent" if hold_at == "ACCEPTED" else "--mark-unsent"
            marked = run(portal, None, settle, unknown[0])
            assert marked.returncode == 0, marked.stderr
            last = run(portal, server_again.url, "--send")
            assert last.returncode == 0, last.stderr
            assert settle_names(last) == []
        ids = taken_by_first + server_again.message_ids()
        assert sorted(ids) == sorted(set(ids)) and len(ids) == DEMO_LETTERS  # every letter exactly once
        assert run(portal, server_again.url, "--send").returncode == 0
        assert len(taken_by_first + server_again.message_ids()) == DEMO_LETTERS
    assert {e["state"] for e in recorded(portal)} == {"sent"}


def _one_line_error(result: subprocess.CompletedProcess, *words: str) -> str:
    assert result.returncode == 1, result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def test_without_letters_from_nothing_is_written(portal: Path) -> None:
    text = portal.read_text(encoding="utf-8").replace('      from: "Example Agency <status@agency.example>"\n', "")
    portal.write_text(text, encoding="utf-8")
    _one_line_error(run(portal, None), "extra.milepost.letters.from")
    assert not (portal.parent / "letters").exists()


@pytest.mark.parametrize("url", ["", "http://mail.example", "smtp://", "smtp://host:notaport"])
def test_a_bad_smtp_url_is_one_line(portal: Path, url: str) -> None:
    _one_line_error(run(portal, url, "--send"), "MILEPOST_SMTP_URL")


def test_an_unreachable_server_is_one_line_and_names_it_without_secrets(portal: Path) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    line = _one_line_error(
        run(portal, f"smtp://user:s3cret-pass@127.0.0.1:{port}", "--send"), f"127.0.0.1:{port}", "check"
    )
    assert "s3cret-pass" not in line and "user" not in line
    assert recorded(portal) == []

"""file_lock.py: one process at a time, against a real second process holding the lock; a wait
that ends says in one line which lock, what holds it and what to do."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from milepost.errors import LockError, MilepostError
from milepost.file_lock import held

_HOLD = """
import sys, time
from pathlib import Path
from milepost.file_lock import held
with held(Path(sys.argv[1]), holder="the test's other process", remedy="stop it"):
    print("held", flush=True)
    time.sleep(600)
"""


@pytest.fixture
def other_process(tmp_path: Path) -> Iterator[tuple[Path, subprocess.Popen[str]]]:
    """A second process that holds the lock on `tmp_path/.thing.lock` until it is killed."""
    lock = tmp_path / ".thing.lock"
    process = subprocess.Popen([sys.executable, "-c", _HOLD, str(lock)], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        assert process.stdout.readline() == "held\n"
        yield lock, process
    finally:
        process.kill()
        process.wait()


def test_a_lock_held_by_another_process_times_out_with_a_message(
    other_process: tuple[Path, subprocess.Popen[str]], caplog: pytest.LogCaptureFixture
) -> None:
    lock, _ = other_process
    remedy = "wait for it to end, then build again"
    with (
        caplog.at_level(logging.WARNING),
        pytest.raises(LockError) as caught,
        held(lock, holder="another build of site/", remedy=remedy, timeout=0.3, warn_when_waiting=True),
    ):
        pytest.fail("the lock was taken while another process held it")
    assert isinstance(caught.value, MilepostError)
    assert str(caught.value) == (
        f"{lock}: another build of site/ still holds this lock after 0.3 seconds; wait for it to end, then build again"
    )
    assert "Waiting for another build of site/ to finish (at most 0.3 seconds)..." in caplog.messages


def test_a_wait_that_is_no_news_is_not_a_warning(
    other_process: tuple[Path, subprocess.Popen[str]], caplog: pytest.LogCaptureFixture
) -> None:
    lock, _ = other_process
    with (
        caplog.at_level(logging.INFO),
        pytest.raises(LockError),
        held(lock, holder="another worker", remedy="wait", timeout=0.1),
    ):
        pytest.fail("the lock was taken while another process held it")
    assert [(r.levelno, r.getMessage()) for r in caplog.records] == [
        (logging.INFO, "Waiting for another worker to finish (at most 0.1 seconds)...")
    ]


def test_the_lock_is_free_again_when_the_holder_dies(other_process: tuple[Path, subprocess.Popen[str]]) -> None:
    lock, process = other_process
    os.kill(process.pid, signal.SIGKILL)  # however it ends: the system releases its lock
    process.wait()
    with held(lock, holder="nobody", remedy="none", timeout=5):
        assert lock.exists()
    assert lock.exists()  # kept: removing it while another process waits would let two in


def test_a_released_lock_can_be_taken_again(tmp_path: Path) -> None:
    lock = tmp_path / "x.lock"
    with held(lock, holder="a", remedy="b"):
        pass
    with held(lock, holder="a", remedy="b"):  # taken again once released
        pass


def test_a_lock_path_that_is_a_folder_is_one_clear_line(tmp_path: Path) -> None:
    (tmp_path / "site.lock").mkdir()
    with pytest.raises(LockError) as caught, held(tmp_path / "site.lock", holder="a", remedy="b", timeout=1):
        pytest.fail("a folder was taken as a lock")
    assert str(caught.value) == (
        f"{tmp_path / 'site.lock'}: is a folder, so it cannot be used as a lock file; remove or rename it"
    )

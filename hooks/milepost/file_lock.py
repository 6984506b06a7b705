"""The one way Milepost lets one process at a time do something: an OS lock on a file
(`flock`, through `filelock`), released when the process ends however it ends.

A second process waits, saying so, and after `timeout` seconds gives up with one line that
names the lock, what holds it and what to do. The lock file is kept (it means nothing when no
process holds it): deleting it while another process waits would let two in at once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from milepost.errors import LockError

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

DEFAULT_TIMEOUT = 30 * 60.0  # seconds: far longer than any one build, clone or sending run takes


@contextmanager
def held(
    path: Path, *, holder: str, remedy: str, timeout: float = DEFAULT_TIMEOUT, warn_when_waiting: bool = False
) -> Iterator[None]:
    """Hold the lock on file `path` for the block, waiting at most `timeout` seconds for
    another process holding it. `holder` names that process for the messages ("another build
    of site/"), `remedy` says what to do when the wait ends ("wait for it to end, then build
    again"). Raises `LockError` (one line naming `path`) on a timeout, or when the lock file
    cannot be made (its folder is read-only, or `path` is a folder). The wait is logged as
    information, or as a warning with `warn_when_waiting` (which `mkdocs build --strict` counts):
    only where a second process is unexpected, not where the workers of one build meet."""
    lock = FileLock(path, preserve_lock_file=True)
    try:
        try:
            lock.acquire(timeout=0)
        except Timeout:
            level = logging.WARNING if warn_when_waiting else logging.INFO
            log.log(level, "Waiting for %s to finish (at most %g seconds)...", holder, timeout)
            lock.acquire(timeout=timeout)
    except Timeout:
        raise LockError(
            f"{path}: {holder} still holds this lock after {timeout:g} seconds; {remedy}"
        ) from None
    except IsADirectoryError:
        raise LockError(f"{path}: is a folder, so it cannot be used as a lock file; remove or rename it") from None
    except OSError as err:
        raise LockError(
            f"{path}: the lock file cannot be made ({err.strerror or err}); its folder must be writable"
        ) from None
    try:
        yield
    finally:
        lock.release()

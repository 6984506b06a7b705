"""The site folder (`site/`) as builds share it: one build at a time, and nothing good lost.

A build of a client goes into a temporary folder beside its final place and is swapped in with
two renames only when it is complete. Three rules keep every published site whole, whatever
runs at the same time and wherever a build is stopped (even by `kill -9` or a power cut):

- **One build of a site folder at a time.** `exclusive(site_dir)` holds a lock on the file
  `.<name>.lock` beside the folder (`.site.lock` for `site/`; beside it, not in it, so that it
  is never published). It is an OS lock (`flock`, through `filelock`): it is released when the
  process ends, however it ends, and the empty file left behind means nothing. A second build
  waits for the first, saying so ("waiting for another build of site/ to finish"), and gives up with a clear error after
  `MILEPOST_BUILD_LOCK_TIMEOUT` seconds (30 minutes by default). So whatever temporary folder
  exists when a build holds the lock was left by a build that is gone.
- **The swap can be undone at every instant.** `swap_in` renames `X/` to `.X.old-<id>/`, then
  the new site to `X/`, then `.X.old-<id>/` to `.X.trash-<id>/` before deleting it. A
  `.X.old-*` folder is therefore always a complete site; when a build was stopped between the
  two renames, `recover_leftovers` (run by the next build, under the lock) renames it back to
  `X/`, whichever client that build is asked to build.
- **Leftovers are removed only under the lock**: `.X.building-*` (a build that never
  finished; it may hold a protected client's pages before encryption) and `.X.trash-*`.
- **Only what a build made**: a client's temporary folder carries Milepost's marker from the
  moment it is made (publish/site_ownership.py), and so do the `.X.old-*` and `.X.trash-*`
  it becomes, and is removed marker last (`remove_marked`). A folder named like a leftover
  without the marker was made by someone else: it is left alone (with a warning), never
  renamed or removed; only an empty one (a removal stopped at its very end) is.

Nothing here knows about MkDocs: `mkdocs/build.py` calls it around each client's build.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from milepost.errors import BuildFailed, LockError
from milepost.file_lock import held
from milepost.load.problems import display_path
from milepost.publish.site_ownership import LEFTOVER, Kind, is_ours, mark, remove_marked

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

LOCK_TIMEOUT_ENV = "MILEPOST_BUILD_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 30 * 60.0  # seconds: far longer than a portal's build takes
# For tests only: seconds to sleep between the two renames of a swap, so that a test can stop
# a build exactly there. Never set it anywhere else.
TEST_PAUSE_ENV = "MILEPOST_TEST_PAUSE_BEFORE_SWAP"



def lock_timeout(environ: dict[str, str] | None = None) -> float:
    """Seconds a build waits for another build of the same site folder."""
    value = (os.environ if environ is None else environ).get(LOCK_TIMEOUT_ENV, "").strip()
    if not value:
        return DEFAULT_LOCK_TIMEOUT
    try:
        seconds = float(value)
    except ValueError:
        raise BuildFailed(
            f"{LOCK_TIMEOUT_ENV}={value!r} is not a number of seconds; set it to e.g. 600, or unset it "
            f"for the default ({DEFAULT_LOCK_TIMEOUT:.0f} seconds)."
        ) from None
    return max(seconds, 0.0)


def lock_path(site_dir: Path) -> Path:
    """The lock file of a site folder: beside it, so that a copy of the folder never holds it."""
    site_dir = site_dir.resolve()
    return site_dir.with_name(f".{site_dir.name}.lock")


@contextmanager
def exclusive(site_dir: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the site folder's build lock for the block; wait for another build holding it."""
    site_dir.mkdir(parents=True, exist_ok=True)
    wait = lock_timeout() if timeout is None else timeout
    where = f"{display_path(site_dir).rstrip('/')}/"
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(
                held(
                    lock_path(site_dir),
                    holder=f"another build of {where}",
                    remedy=(
                        "nothing was built and the published sites are as they were. Wait for that build to "
                        f"end (or stop it), then build again; {LOCK_TIMEOUT_ENV} sets how long to wait."
                    ),
                    timeout=wait,
                    warn_when_waiting=True,
                )
            )
        except LockError as err:
            raise BuildFailed(str(err)) from None
        yield


def new_work_folder(site_dir: Path, folder: str) -> Path:
    """A temporary folder for a build of `site_dir/<folder>/`, beside it, holding only the
    marker of a client's site (MkDocs leaves hidden files in place as it builds)."""
    work = Path(tempfile.mkdtemp(prefix=f".{folder}.building-", dir=site_dir))
    mark(work, Kind.CLIENT_SITE)
    return work


def check_complete(work: Path, final: Path) -> None:
    """Refuse to publish a build that has no home page (something removed its files)."""
    if not (work / "index.html").is_file():
        raise BuildFailed(
            f"the build of {display_path(final)} came out without its index.html, so it was not "
            "published; the previous site stays. Build again."
        )


def swap_in(new: Path, final: Path) -> None:
    """Replace `final` by `new`, so a reader sees the old or the new site, and a build stopped
    at any instant leaves something `recover_leftovers` can make whole (see the module)."""
    identity = new.name.rsplit("-", 1)[-1]
    old = final.with_name(f".{final.name}.old-{identity}")
    had_old = final.exists()
    if had_old:
        final.rename(old)
    pause = os.environ.get(TEST_PAUSE_ENV)
    if pause:  # tests only: hold the swap between its two renames
        time.sleep(float(pause))
    try:
        new.rename(final)
    except OSError:
        if had_old:  # the new site could not take its place: the old one goes back
            old.rename(final)
        raise
    if had_old:
        trash = final.with_name(f".{final.name}.trash-{identity}")
        old.rename(trash)
        remove_marked(trash)


def recover_leftovers(site_dir: Path, owned: Callable[[Path], bool] = is_ours) -> None:
    """Make the site folder whole after builds that were stopped. Call it with the lock held:
    every temporary folder then belongs to a build that is gone.

    A client folder missing beside its `.X.old-*` is restored from it (the newest, if ever
    several); every other leftover is removed. Only leftovers that are `owned` (by default:
    carrying Milepost's marker) are touched."""
    olds: dict[str, list[Path]] = {}
    others: list[Path] = []
    for entry in site_dir.iterdir():
        match = LEFTOVER.match(entry.name)
        if not match or not entry.is_dir() or entry.is_symlink():
            continue
        if not owned(entry):
            with contextlib.suppress(OSError):  # an empty one holds nothing: a removal stopped at its end
                entry.rmdir()
                continue
            log.warning(
                "%s is named like a leftover of a build but was not made by Milepost (it has no marker); "
                "it is left as it is.",
                display_path(entry),
            )
            continue
        if match["kind"] == "old":
            olds.setdefault(match["folder"], []).append(entry)
        else:
            others.append(entry)
    for folder, candidates in sorted(olds.items()):
        final = site_dir / folder
        candidates.sort(key=lambda p: (p.stat().st_mtime_ns, p.name), reverse=True)
        if not final.exists():
            newest = candidates.pop(0)
            newest.rename(final)
            log.warning(
                "Restored %s from %s: a build was stopped while swapping it in.",
                display_path(final),
                newest.name,
            )
        others += candidates
    for leftover in sorted(others):
        log.info("Removing %s, left by an interrupted build.", leftover.name)
        remove_marked(leftover)

"""`milepost build --jobs N`: clients built in N worker processes, each building whole clients.

The process that runs `milepost build` holds the site folder's lock (publish/site_folder.py)
for as long as any worker builds: the workers never take it, they build and swap in under
the lock their parent holds. So that no worker outlives it - a worker still swapping in after
its parent was killed, while the next build already holds the lock - each worker asks the
kernel to stop it when its parent ends (Linux's `PR_SET_PDEATHSIG`), and exits at once if the
parent is already gone. A worker stopped at any instant leaves what a stopped build leaves:
something the next build's `recover_leftovers` makes whole.

Workers are started with `spawn` (a fresh interpreter, no state copied from a parent that
may hold threads or open locks) and each reads the portal once, for all the clients it builds.
What they log goes, through a queue, to the parent's loggers, so it is printed (or collected
by `--verbose`, tests and `--keep-going`'s summary) exactly as one process would.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import functools
import logging
import logging.handlers
import multiprocessing
import os
import signal
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import CancelledError, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from milepost.errors import MilepostError
from milepost.mkdocs.client_build import ClientTask, build_task, failure_message
from milepost.mkdocs.extra_config import portal_settings
from milepost.portal import LoadResult, load_configured

LOGGER = "mkdocs"
_PR_SET_PDEATHSIG = 1


def default_jobs() -> int:
    """The number of processes `--jobs` defaults to: the machine's cores."""
    return os.cpu_count() or 1


def build_in_workers(
    tasks: Sequence[ClientTask],
    *,
    jobs: int,
    keep_going: bool,
    config_file: Path,
    site_dir: Path,
    today: dt.date | None,
    cache_dir: Path | None,
    share: bool = True,
) -> Iterator[tuple[str, Path | str]]:
    """Build `tasks` in `jobs` processes; yield (slug, site folder or failure message) as each
    client is done. Without `keep_going`, the clients not yet started when one fails are not
    built (those being built finish: each is swapped in whole or not at all)."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    listener = threading.Thread(target=_forward_logs, args=(queue,), daemon=True)
    listener.start()
    level = logging.getLogger(LOGGER).getEffectiveLevel()
    try:
        with ProcessPoolExecutor(
            max_workers=min(jobs, len(tasks)),
            mp_context=context,
            initializer=_start_worker,
            initargs=(queue, level, os.getpid()),
        ) as pool:
            futures = {
                pool.submit(
                    _build, task, config_file=config_file, site_dir=site_dir, today=today, cache_dir=cache_dir,
                    share=share,
                ): task
                for task in tasks
            }
            stopping = False
            for future in as_completed(futures):
                task = futures[future]
                try:
                    result: Path | str = future.result()
                except CancelledError:
                    continue
                except BrokenProcessPool as err:
                    result = f"the process building it stopped before it was done ({err or 'killed'}); build again"
                yield task.slug, result
                if isinstance(result, str) and not keep_going and not stopping:
                    stopping = True
                    for waiting in futures:
                        waiting.cancel()
    finally:
        queue.put(None)
        listener.join(timeout=10)


def _forward_logs(queue: Any) -> None:
    """In the parent: hand each worker's log record to the logger of the same name."""
    while True:
        record = queue.get()
        if record is None:
            return
        logging.getLogger(record.name).handle(record)


def _start_worker(queue: Any, level: int, parent: int) -> None:
    """In each worker, first: die with the parent, and log through the parent."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the parent's lock is all there is
        pass
    if os.getppid() != parent:  # the parent ended before the request above was made
        os._exit(1)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    logger = logging.getLogger(LOGGER)
    logger.handlers[:] = [logging.handlers.QueueHandler(queue)]
    logger.setLevel(level)
    logger.propagate = False


@functools.lru_cache(maxsize=2)
def _portal(config_file: Path, today: dt.date | None) -> LoadResult:
    """The portal as this worker's builds need it, read once per worker (a portal loaded by
    the parent is not sent: it would be pickled for every worker, history and all)."""
    settings = portal_settings(config_file)
    return load_configured(settings, today=today or dt.date.today(), full_history=True)


def _build(
    task: ClientTask,
    *,
    config_file: Path,
    site_dir: Path,
    today: dt.date | None,
    cache_dir: Path | None,
    share: bool = True,
) -> Path | str:
    try:
        loaded = _portal(config_file, today)
    except MilepostError as err:
        return failure_message(err)
    return build_task(
        task, config_file=config_file, site_dir=site_dir, today=today, cache_dir=cache_dir, loaded=loaded, share=share
    )

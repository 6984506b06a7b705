"""The one place Milepost runs git: its environment, the command, and what a failure means.

Every git command of the history stage goes through a `GitRunner`: the commit history, the
versions of the project files and the clones of repositories given by URL. It runs git

- in a clean environment: a build started from a git hook inherits variables such as GIT_DIR
  that would make every command read the portal's repository instead of the one asked for;
  and a build has nobody at the keyboard to type a password;
- with its output captured (`run`) or streamed chunk by chunk (`stream`, for `git log` of a
  long history, parsed while git writes);
- and turns a failure into one `GitError`, whose message says what to do: allow the folder
  with `safe.directory` ("dubious ownership"), point `path:` at a repository, fix `branch:`,
  fetch the whole history of a shallow clone.

Output that may hold a secret (a token in git's messages about a URL) is passed through the
caller's `mask` before it is kept anywhere.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from milepost.errors import GitError as GitError  # re-exported: history/ raises it from here
from milepost.shown_url import mask_urls

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

# Variables that point git at another repository or object store.
REPOSITORY_VARIABLES = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_COMMON_DIR",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_NAMESPACE",
    "GIT_SHALLOW_FILE",
    "GIT_GRAFT_FILE",
    "GIT_REPLACE_REF_BASE",
    "GIT_PREFIX",
)
# Configuration that would change what `git log` prints or which commits it lists.
READING_SETTINGS = ("log.showSignature=false", "log.follow=false", "core.quotePath=false")
READ_SIZE = 64 * 1024

# What a failure was, for callers that word their own message (remotes) or react to it.
NOT_STARTED = "not-started"
TIMEOUT = "timeout"
FAILED = "failed"
DUBIOUS_OWNERSHIP = "dubious-ownership"
NOT_A_REPOSITORY = "not-a-repository"
UNKNOWN_REVISION = "unknown-revision"
SHALLOW = "shallow"
OUTSIDE_REPOSITORY = "outside-repository"

SAFE_DIRECTORY_ADVICE = (
    "git refuses to read a repository owned by another user. Run "
    "`git config --global --add safe.directory <path>` for this path (in a container, "
    "the user running the build must be allowed)."
)
SHALLOW_ADVICE = (
    "In GitHub Actions, set `fetch-depth: 0` on the actions/checkout step; for a local clone, "
    "run `git fetch --unshallow` in it."
)
NOT_A_REPOSITORY_ADVICE = (
    "this folder is not a git repository. Point `path:` at a folder that holds a "
    "clone of the project's code (it has a `.git` folder)."
)
OUTSIDE_REPOSITORY_ADVICE = (
    "an `include:` path is outside the repository. `include:` paths count from the "
    "repository's top folder, like src/ or apps/shop/; fix it in the project file."
)
UNKNOWN_BRANCH_ADVICE = (
    "Fix `branch:` in the project file, or leave it out to use the repository's current branch."
)


@dataclass(frozen=True)
class GitResult:
    returncode: int
    stdout: bytes
    stderr: str  # masked

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def text(self) -> str:
        return self.stdout.decode("utf-8", errors="replace").strip()


def git_environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """`environ` (the process's by default) without the repository variables, no prompts."""
    source = os.environ if environ is None else environ
    env = {name: value for name, value in source.items() if name not in REPOSITORY_VARIABLES}
    env["GIT_TERMINAL_PROMPT"] = "0"
    return env


def kind_of(said: str) -> str:
    """What git's message says went wrong: DUBIOUS_OWNERSHIP, NOT_A_REPOSITORY,
    UNKNOWN_REVISION, OUTSIDE_REPOSITORY or FAILED."""
    lowered = said.lower()
    if "dubious ownership" in lowered:
        return DUBIOUS_OWNERSHIP
    if "is outside repository" in lowered or "beyond a symbolic link" in lowered:
        return OUTSIDE_REPOSITORY
    if "not a git repository" in lowered:
        return NOT_A_REPOSITORY
    if "unknown revision" in lowered or "bad revision" in lowered or "needed a single revision" in lowered:
        return UNKNOWN_REVISION
    return FAILED


def last_lines(said: str, count: int = 3) -> str:
    lines = [line.strip() for line in said.strip().splitlines() if line.strip()]
    return " ".join(lines[-count:]) if lines else "no message"


def advice(what: str, said: str) -> str:
    """`what` went wrong, with git's words and what to do about it."""
    kind = kind_of(said)
    if kind == DUBIOUS_OWNERSHIP:
        return f"{what}: {SAFE_DIRECTORY_ADVICE}"
    if kind == NOT_A_REPOSITORY:
        return f"{what} ({last_lines(said)}): {NOT_A_REPOSITORY_ADVICE}"
    if kind == UNKNOWN_REVISION:
        return f"{what} ({last_lines(said)}). {UNKNOWN_BRANCH_ADVICE}"
    if kind == OUTSIDE_REPOSITORY:
        return f"{what}: {OUTSIDE_REPOSITORY_ADVICE}"
    return f"{what} ({last_lines(said)}). Check the repository with `git fsck`."


@dataclass
class GitRunner:
    """Runs git for one build. `environ`: the environment to start from (the process's by
    default); `runs` counts the commands started (tests and the benchmark read it)."""

    environ: Mapping[str, str] | None = None
    executable: str = "git"
    runs: int = 0

    def environment(self, environ: Mapping[str, str] | None = None) -> dict[str, str]:
        """The environment git runs in: `environ` (or the runner's) cleaned by `git_environment`."""
        return git_environment(self.environ if environ is None else environ)

    def _command(self, args: Sequence[str], cwd: Path | None, settings: Sequence[str]) -> list[str]:
        command = [self.executable]
        if cwd is not None:
            command += ["-C", str(cwd)]
        for setting in settings:
            command += ["-c", setting]
        command += list(args)
        self.runs += 1
        return command

    def run(
        self,
        args: Sequence[str],
        *,
        cwd: Path | None = None,
        repository: str = "",
        what: str = "",
        input_bytes: bytes | None = None,
        env: Mapping[str, str] | None = None,
        settings: Sequence[str] = READING_SETTINGS,
        timeout: float | None = None,
        check: bool = True,
        mask: Callable[[str], str] = mask_urls,
    ) -> GitResult:
        """Run `git [-C cwd] args` with its output captured.

        `env`: the complete environment (already cleaned, see `environment`); the runner's own
        by default. With `check`, an exit status other than 0 raises `GitError` naming
        `repository` and saying `what` failed (the command's name by default); without it, the
        result tells. `mask` is applied to everything git says before it is kept.
        """
        command = self._command(args, cwd, settings)
        what = what or (f"`git {args[0]}` failed" if args else "git failed")
        try:
            completed = subprocess.run(
                command,
                capture_output=True,
                env=dict(env) if env is not None else self.environment(),
                input=input_bytes,
                stdin=None if input_bytes is not None else subprocess.DEVNULL,
                timeout=timeout,
            )
        except OSError as err:
            raise _not_started(repository, err, mask) from None
        except subprocess.TimeoutExpired:
            minutes = int((timeout or 0) // 60)
            raise GitError(
                repository,
                f"{what}: git was still busy after {minutes} minutes.",
                kind=TIMEOUT,
            ) from None
        result = GitResult(completed.returncode, completed.stdout, mask(completed.stderr.decode("utf-8", "replace")))
        if check and not result.ok:
            raise failure(repository, what, result.stderr, result.returncode)
        return result

    def stream(
        self,
        args: Sequence[str],
        *,
        cwd: Path | None = None,
        repository: str = "",
        what: str = "",
        settings: Sequence[str] = READING_SETTINGS,
        read_size: int = READ_SIZE,
    ) -> Iterator[bytes]:
        """The output of `git [-C cwd] args`, chunk by chunk, while git writes it.

        When the output ends and git failed, raises `GitError` (what failed, with git's exit
        status and words). A consumer that stops early ends git; one that meets output it does
        not understand should read the rest, so that git's own failure is what is reported.
        """
        command = self._command(args, cwd, settings)
        what = what or (f"`git {args[0]}`" if args else "git")
        with tempfile.TemporaryFile() as stderr:  # a file, so a chatty git never blocks on a full pipe
            try:
                process = subprocess.Popen(
                    command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr, env=self.environment()
                )
            except OSError as err:
                raise _not_started(repository, err, mask_urls) from None
            assert process.stdout is not None
            try:
                yield from _drained(process.stdout.fileno(), read_size)
                returncode = process.wait()
            finally:
                if process.poll() is None:
                    process.kill()
                    process.wait()
                process.stdout.close()
            if returncode != 0:
                stderr.seek(0)
                said = stderr.read().decode("utf-8", errors="replace")
                status = f"exit status {returncode}" if returncode > 0 else f"signal {-returncode}"
                raise failure(repository, f"{what} failed with {status}", said, returncode)

    # --- questions every reader asks ------------------------------------------------------------

    def is_shallow(self, location: Path, *, repository: str = "") -> bool:
        result = self.run(["rev-parse", "--is-shallow-repository"], cwd=location, repository=repository,
                          what="git could not read it")
        return result.text == "true"

    def refuse_shallow(self, location: Path, *, repository: str, consequence: str) -> None:
        """Raise `GitError` (kind SHALLOW) when `location` is a shallow clone: `consequence`
        says what its missing commits would do, and the message adds how to fetch them."""
        if self.is_shallow(location, repository=repository):
            raise GitError(repository, shallow_message(consequence), kind=SHALLOW)

    def commit_of(self, location: Path, revision: str, *, repository: str = "") -> str | None:
        """The full sha of the commit `revision` names in `location`, or None when it names none."""
        if revision.startswith("-"):
            return None
        result = self.run(["rev-parse", "-q", "--verify", f"{revision}^{{commit}}"], cwd=location,
                          repository=repository, check=False)
        return result.text if result.ok and result.text else None

    def refs(self, location: Path, *patterns: str, repository: str = "") -> list[str]:
        """The full names of the refs matching `patterns` (all refs when none are given)."""
        result = self.run(["for-each-ref", "--format=%(refname)", *patterns], cwd=location,
                          repository=repository, what="git could not list its branches")
        return [line for line in result.text.splitlines() if line]


# How much git may write ahead of the reader (Linux; elsewhere the system's pipe size stays).
PIPE_SIZE = 1 << 20
# How long a reader that caught up with git waits before it looks again: doubled, up to the
# longest, while git stays quiet (a `git log -- path` may think for seconds between commits).
POLL_SECONDS = 0.001
LONGEST_POLL_SECONDS = 0.008


def _drained(fd: int, read_size: int) -> Iterator[bytes]:
    """What git writes to the pipe `fd`, chunk by chunk, until git closes it.

    Read without blocking from a widened pipe: a reader waiting in read() is woken by each of
    git's few-kilobyte writes, and git then took a fifth longer than writing to /dev/null
    (scripts/bench.py's "piped" row). A reader that finds the pipe empty sleeps a moment
    instead, and git writes on into the pipe's megabyte without waking anyone; measured, that
    is as fast as /dev/null. A chunk may end anywhere, even inside a character.
    """
    _widen_pipe(fd)
    try:
        os.set_blocking(fd, False)
    except (OSError, AttributeError):  # a system without non-blocking pipes: plain reads
        yield from iter(functools.partial(os.read, fd, read_size), b"")
        return
    pause = POLL_SECONDS
    while True:
        try:
            chunk = os.read(fd, read_size)
        except BlockingIOError:  # nothing yet: git is still working
            time.sleep(pause)
            pause = min(pause * 2, LONGEST_POLL_SECONDS)
            continue
        if not chunk:  # git closed its end: it is done
            return
        pause = POLL_SECONDS
        yield chunk


def _widen_pipe(fd: int) -> None:
    setting = getattr(fcntl, "F_SETPIPE_SZ", None) if fcntl is not None else None
    if setting is None:
        return
    # Above the system's limit (/proc/sys/fs/pipe-max-size) it fails: the default stays.
    with contextlib.suppress(OSError):
        fcntl.fcntl(fd, setting, PIPE_SIZE)


def shallow_message(consequence: str) -> str:
    """The message for a shallow clone: `consequence` (what is missing, what it would do) and
    the fix."""
    return f"this is a shallow clone, so {consequence}. {SHALLOW_ADVICE}"


def failure(repository: str, what: str, said: str, returncode: int | None = None) -> GitError:
    """The `GitError` for a command that failed: its kind and advice read from git's words."""
    return GitError(repository, advice(what, said), kind=kind_of(said), said=said, returncode=returncode)


def _not_started(repository: str, err: OSError, mask: Callable[[str], str]) -> GitError:
    return GitError(
        repository,
        f"git could not be started ({mask(str(err))}). Install git and put it on PATH.",
        kind=NOT_STARTED,
    )

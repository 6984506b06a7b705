"""A repository's commit history, read with git and kept in a small on-disk cache.

GitPython finds the repository and resolves refs (it gives precise error types to turn into
messages for the agency); the history itself comes from one streamed `git log` per repository,
because walking thousands of commits through GitPython's object model is slow and its trailer
support differs from git's own.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import hashlib
import json
import logging
import re
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import git
from git.exc import (
    BadName,
    BadObject,
    GitCommandError,
    InvalidGitRepositoryError,
    NoSuchPathError,
)

from milepost.history.disk_cache import write_atomically
from milepost.history.git_runner import git_environment
from milepost.model import Commit, RepositorySpec
from milepost.errors import HistoryError, RemoteError
from milepost.history.remotes import local_mirror, parse_remote

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

# Part of every cache key: bump it whenever the fields read from git or their parsing change,
# so that caches written by an older Milepost are not trusted.
FORMAT_VERSION = 2

# One record per commit. With `-z`, git ends every record with NUL, so each of the fields is
# NUL-terminated; git cuts commit messages at a NUL byte, so no field can contain one. The
# record separator at the start of each record lets the parser notice output it does not
# understand. Trailers come out as key \x1d value, pairs separated by \x1f, exactly as git
# itself recognises them (unfolded, trailer block only).
LOG_FORMAT = "%x00".join(
    (
        "%x1e%H",
        "%P",
        "%an",
        "%ae",
        "%aI",
        "%cI",
        "%s",
        "%b",
        "%(trailers:only,unfold,separator=%x1f,key_value_separator=%x1d)",
    )
)
FIELD_COUNT = 9
_RECORD_START = b"\x1e"
_TRAILER_SEPARATOR = "\x1f"
_TRAILER_KEY_VALUE = "\x1d"
_SHA = re.compile(r"[0-9a-f]{40}([0-9a-f]{24})?")


_MEMO_LIMIT = 256
_READ_SIZE = 64 * 1024


@dataclass
class HistoryStats:
    """What the reader did in this process; tests use it to see that caches work."""

    git_log_runs: int = 0
    memo_hits: int = 0
    cache_hits: int = 0


stats = HistoryStats()
_memo: dict[str, tuple[Commit, ...]] = {}


def clear_memo() -> None:
    """Forget the histories kept in memory (the on-disk cache stays)."""
    _memo.clear()


# --- public entry points ------------------------------------------------------------------------


def read_history(spec: RepositorySpec, *, cache_dir: Path | None = None) -> tuple[Commit, ...]:
    """Every commit reachable from the spec's branch (HEAD by default), newest first.

    Only commits touching `spec.include` paths when some are given. An empty repository gives
    an empty tuple. With `cache_dir`, parsed commits are kept in `cache_dir/history/` and the
    same head is never read twice. Raises `HistoryError` with a message for the agency.
    """
    display, location, head = _resolve(spec, cache_dir)
    if head is None:
        log.info("Repository %s has no commits yet; its history is empty.", display)
        return ()

    key = cache_key(location, spec.branch, head, spec.include)
    if key in _memo:
        stats.memo_hits += 1
        return _memo[key]
    commits = _load_cache(cache_file(cache_dir, key), head, display) if cache_dir is not None else None
    if commits is not None:
        stats.cache_hits += 1
        log.debug("History of %s at %s taken from the cache.", display, head[:12])
    else:
        output: list[bytes] | None = [] if cache_dir is not None else None
        commits = _run_git_log(display, location, head, spec.include, keep=output)
        if cache_dir is not None and output is not None:
            _store_cache(cache_file(cache_dir, key), head, output)
    if not commits and spec.include:
        log.warning(
            "Repository %s: no commit touches %s; check the spelling of `include:` in the project file.",
            display,
            ", ".join(spec.include),
        )
    _remember(key, commits)
    return commits


def history_key(spec: RepositorySpec, *, cache_dir: Path | None = None) -> str:
    """What `read_history` would return, as a short key: the same key means the same history.

    Resolves the branch (and brings a `url:` mirror up to date) without reading the history;
    "" for a repository with no commits yet. Raises `HistoryError` as `read_history` does.
    """
    _display, location, head = _resolve(spec, cache_dir)
    return cache_key(location, spec.branch, head, spec.include) if head is not None else ""


def _resolve(spec: RepositorySpec, cache_dir: Path | None) -> tuple[str, Path, str | None]:
    """(name for messages, local path, head commit or None when the repository is empty)."""
    display, location = _location(spec, cache_dir)
    with _open_repo(display, location) as repo:
        _refuse_shallow(repo, display)
        return display, location, _resolve_head(repo, display, spec.branch)


def head_commit(spec: RepositorySpec) -> str | None:
    """The full sha of the commit the spec's branch points at, or None in an empty repository."""
    display, location = _location(spec)
    with _open_repo(display, location) as repo:
        return _resolve_head(repo, display, spec.branch)


def cache_key(location: Path, branch: str, head: str, include: Sequence[str]) -> str:
    """The name of a history's cache entry: changes whenever anything read would change."""
    payload = json.dumps(
        {
            "repository": str(location),
            "branch": branch,
            "head": head,
            "include": list(include),
            "format": FORMAT_VERSION,
        },
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def cache_file(cache_dir: Path, key: str) -> Path:
    return Path(cache_dir) / "history" / f"{key}.log"


# --- parsing `git log` output (pure: no git needed) --------------------------------------------


def parse_log(stream: Iterable[bytes] | bytes, *, repository: str = "") -> list[Commit]:
    """The commits in output of `git log -z --format=LOG_FORMAT`, in the order given.

    Raises `HistoryError` when the output ends inside a commit or is not in that format.
    """
    return list(iter_log(stream, repository=repository))


def iter_log(stream: Iterable[bytes] | bytes, *, repository: str = "") -> Iterator[Commit]:
    """Like `parse_log`, one commit at a time, reading `stream` chunk by chunk."""
    chunks: Iterable[bytes]
    chunks = (bytes(stream),) if isinstance(stream, (bytes, bytearray, memoryview)) else stream
    partial: list[bytes] = []  # pieces of the field being read, not yet ended by NUL
    fields: list[bytes] = []
    last_sha = ""
    for chunk in chunks:
        if not chunk:
            continue
        pieces = chunk.split(b"\0")
        for ended in pieces[:-1]:
            partial.append(ended)
            fields.append(b"".join(partial))
            partial = []
            if len(fields) == FIELD_COUNT:
                commit = _commit_from_fields(fields, repository)
                last_sha = commit.sha
                fields = []
                yield commit
        if pieces[-1]:
            partial.append(pieces[-1])
    if fields or partial:
        where = f"after commit {last_sha[:12]}" if last_sha else "in the first commit"
        raise HistoryError(
            repository,
            f"the output of `git log` stopped in the middle of a commit ({where}), so the history "
            "is incomplete. Run the build again; if it keeps happening, check the repository "
            "with `git fsck`.",
        )


def _commit_from_fields(fields: list[bytes], repository: str) -> Commit:
    raw_sha, raw_parents, name, email, authored, committed, subject, body, trailers = fields
    if not raw_sha.startswith(_RECORD_START):
        raise _unexpected(repository, "a commit record does not start where expected")
    sha = _text(raw_sha[1:])
    parents = tuple(_text(raw_parents).split())
    for value in (sha, *parents):
        if not _SHA.fullmatch(value):
            raise _unexpected(repository, f"'{value[:50]}' is not a commit id")
    raw_trailers = _text(trailers)
    if raw_trailers.startswith("%(trailers"):
        raise HistoryError(
            repository,
            "the installed git is too old to list commit trailers; Milepost needs git 2.31 or newer.",
        )
    return Commit(
        sha=sha,
        author_name=_text(name),
        author_email=_text(email),
        authored=_date(_text(authored), repository),
        committed=_date(_text(committed), repository),
        parents=parents,
        subject=_text(subject),
        body=_text(body).rstrip(),
        trailers=_trailers(raw_trailers),
    )


def _text(raw: bytes) -> str:
    # A message without an `encoding` header is taken as UTF-8 by git and passed on unchanged,
    # whatever bytes it holds; such bytes become U+FFFD rather than stopping the build.
    return raw.decode("utf-8", errors="replace")


def _date(text: str, repository: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise _unexpected(repository, f"'{text[:50]}' is not a date") from None
    if value.tzinfo is None:
        raise _unexpected(repository, f"the date '{text}' has no time zone")
    return value


def _trailers(text: str) -> tuple[tuple[str, str], ...]:
    pairs = []
    for item in text.split(_TRAILER_SEPARATOR):
        key, separator, value = item.partition(_TRAILER_KEY_VALUE)
        if separator and key.strip():
            pairs.append((key.strip(), value.strip()))
    return tuple(pairs)


def _unexpected(repository: str, what: str) -> HistoryError:
    return HistoryError(
        repository,
        f"`git log` printed something Milepost does not understand ({what}). "
        "Check that `git --version` works and that no git configuration changes log output.",
    )


# --- finding the repository and its head -----------------------------------------------------


def _location(spec: RepositorySpec, cache_dir: Path | None = None) -> tuple[str, Path]:
    """The path to show in messages and the resolved path used for reading and cache keys.

    A `url:` is read from an up-to-date bare, blobless clone kept under `cache_dir`.
    """
    if not spec.path:
        if spec.url:
            try:
                location = local_mirror(spec.url, cache_dir)
            except RemoteError as err:
                raise HistoryError(err.repository, err.detail) from None
            return parse_remote(spec.url).display, location
        raise HistoryError("", "a repository entry needs a `path:` to a local git repository.")
    return spec.path, Path(spec.path).expanduser().resolve()


def _open_repo(display: str, location: Path) -> git.Repo:
    try:
        return git.Repo(location)
    except NoSuchPathError:
        raise HistoryError(
            display,
            "the folder does not exist. Check `path:` in the project file (a relative path "
            "counts from the project file's folder) or clone the repository there.",
        ) from None
    except InvalidGitRepositoryError:
        raise HistoryError(display, _not_a_repository(location)) from None
    except GitCommandError as err:
        raise HistoryError(display, _git_failure("git could not open it", err.stderr)) from None


def _not_a_repository(location: Path) -> str:
    if not location.is_dir():
        return "this is a file, not a folder. Point `path:` at the folder of a git repository."
    try:
        with git.Repo(location, search_parent_directories=True) as parent:
            top = parent.working_tree_dir or parent.git_dir
    except (InvalidGitRepositoryError, NoSuchPathError, GitCommandError):
        return (
            "this folder is not a git repository. Point `path:` at a folder that holds a "
            "clone of the project's code (it has a `.git` folder)."
        )
    inner = location.relative_to(top).as_posix() if location.is_relative_to(top) else location.name
    return (
        f"this folder is not the top of a git repository; it is inside {top}. Set `path:` to "
        f"{top} and add `include: [{inner}/]` to read only this folder's history."
    )


def _refuse_shallow(repo: git.Repo, display: str) -> None:
    # A shallow clone lacks older commits: the pages would silently show less work than was done.
    try:
        shallow = repo.git.rev_parse("--is-shallow-repository").strip() == "true"
    except GitCommandError as err:
        raise HistoryError(display, _git_failure("git could not read it", err.stderr)) from None
    if shallow:
        raise HistoryError(
            display,
            "this is a shallow clone, so older commits are missing and the pages would show "
            "less work than was done. In GitHub Actions, set `fetch-depth: 0` on the "
            "actions/checkout step; for a local clone, run `git fetch --unshallow` in it.",
        )


def _resolve_head(repo: git.Repo, display: str, branch: str) -> str | None:
    """The sha to read from, or None when the repository has no commits at all."""
    if not branch:
        if repo.head.is_valid():
            return repo.head.commit.hexsha
        if not repo.refs:
            return None
        try:
            unborn = f"branch '{repo.head.reference.name}'"
        except TypeError:  # not a symbolic ref after all
            unborn = "a branch"
        raise HistoryError(
            display,
            f"its HEAD points to {unborn}, which has no commits yet. Set `branch:` in the "
            f"project file to one of: {_listing(_branch_names(repo))}.",
        )
    if branch.startswith("-") or branch != branch.strip():
        raise HistoryError(display, f"'{branch}' is not a branch name; fix `branch:` in the project file.")
    try:
        return repo.commit(branch).hexsha
    except (BadName, BadObject, ValueError):
        pass
    if not repo.refs:
        return None
    names = _branch_names(repo)
    close = difflib.get_close_matches(branch, names, n=1)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    existing = f"Branches here: {_listing(names)}." if names else "The repository has no branches."
    raise HistoryError(
        display,
        f"branch '{branch}' does not exist.{hint} {existing} Fix `branch:` in the project file, "
        "or leave it out to use the repository's current branch.",
    )


def _branch_names(repo: git.Repo) -> list[str]:
    names = {ref.name for ref in repo.heads}
    for ref in repo.references:
        if isinstance(ref, git.RemoteReference) and not ref.name.endswith("/HEAD"):
            names.add(ref.name)
    return sorted(names)


def _listing(names: Sequence[str], limit: int = 20) -> str:
    shown = ", ".join(names[:limit])
    return f"{shown} and {len(names) - limit} more" if len(names) > limit else shown


def _git_failure(what: str, stderr: str | bytes | None) -> str:
    text = stderr.decode("utf-8", errors="replace") if isinstance(stderr, bytes) else (stderr or "")
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    said = " ".join(lines[-3:]) if lines else "no message"
    if "dubious ownership" in text:
        return (
            f"{what}: git refuses to read a repository owned by another user. Run "
            "`git config --global --add safe.directory <path>` for this path (in a container, "
            "the user running the build must be allowed)."
        )
    return f"{what} ({said}). Check the repository with `git fsck`."


# --- running git log ---------------------------------------------------------------------------


def _run_git_log(
    display: str, location: Path, head: str, include: Sequence[str], *, keep: list[bytes] | None = None
) -> tuple[Commit, ...]:
    """The commits `git log` lists; its output is also appended to `keep` when one is given."""
    executable = git.Git.GIT_PYTHON_GIT_EXECUTABLE or "git"
    args = [
        executable,
        "-C",
        str(location),
        # Configuration that would change what `git log` prints or which commits it lists.
        "-c",
        "log.showSignature=false",
        "-c",
        "log.follow=false",
        "log",
        "--no-mailmap",
        "--no-color",
        "--encoding=UTF-8",
        "-z",
        f"--format={LOG_FORMAT}",
        head,
        "--",
        *include,
    ]
    started = time.monotonic()
    stats.git_log_runs += 1
    with tempfile.TemporaryFile() as stderr:  # a file, so a chatty git never blocks on a full pipe
        try:
            process = subprocess.Popen(
                args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr, env=git_environment()
            )
        except OSError as err:
            raise HistoryError(
                display, f"git could not be started ({err}). Install git and put it on PATH."
            ) from None
        assert process.stdout is not None
        commits: list[Commit] = []
        parse_error: HistoryError | None = None
        try:
            chunks = _chunks(process.stdout, keep)
            try:
                commits.extend(iter_log(chunks, repository=display))
            except HistoryError as err:
                parse_error = err
                for _ in chunks:  # let git finish: its exit status tells what really went wrong
                    pass
            returncode = process.wait()
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            process.stdout.close()
        if returncode != 0:
            stderr.seek(0)
            status = f"exit status {returncode}" if returncode > 0 else f"signal {-returncode}"
            raise HistoryError(display, _git_failure(f"`git log` failed with {status}", stderr.read()))
    if parse_error is not None:
        raise parse_error
    log.debug("Read %d commits from %s in %.2f s.", len(commits), display, time.monotonic() - started)
    return tuple(commits)


def _chunks(pipe: IO[bytes], keep: list[bytes] | None = None) -> Iterator[bytes]:
    for chunk in iter(functools.partial(pipe.read, _READ_SIZE), b""):
        if keep is not None:
            keep.append(chunk)
        yield chunk


# --- caches ------------------------------------------------------------------------------------


def _remember(key: str, commits: tuple[Commit, ...]) -> None:
    if len(_memo) >= _MEMO_LIMIT:
        del _memo[next(iter(_memo))]  # the oldest entry: a long `serve` does not grow forever
    _memo[key] = commits


def _cache_header(head: str, size: int) -> bytes:
    # The size of git's output: a file cut short at a commit boundary would parse as a shorter
    # history, so it is noticed by its length.
    return f"milepost-history {FORMAT_VERSION} {head} {size}\n".encode("ascii")


def _load_cache(path: Path, head: str, display: str) -> tuple[Commit, ...] | None:
    """The commits kept for `head`: git's own output, parsed again by the same parser (faster
    than JSON, and nothing can be lost in translation)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as err:
        log.info("Ignoring unreadable history cache %s (%s); reading the repository again.", path, err)
        return None
    first_line, _newline, output = data.partition(b"\n")
    if first_line + b"\n" != _cache_header(head, len(output)):
        log.info("Ignoring history cache %s: another format or head, or cut short; reading again.", path)
        return None
    try:
        return tuple(iter_log(output, repository=display))
    except HistoryError as err:
        log.info("Ignoring damaged history cache %s (%s); reading the repository again.", path, err)
        return None


def _store_cache(path: Path, head: str, output: Sequence[bytes]) -> None:
    header = _cache_header(head, sum(len(chunk) for chunk in output))
    write_atomically(path, [header, *output], what="history cache")

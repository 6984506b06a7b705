"""A repository's commit history, read with git and kept in a small on-disk cache.

The history comes from one streamed `git log` per repository (walking thousands of commits
through an object model is slow), run through
the build's `GitRunner`; the repository and its head are found with `git rev-parse`. What a
build read is kept in its `GitHistory`, so the same head is resolved and read once per build;
with a cache folder, git's output is kept on disk by head, so it is read once at all.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import logging
import re
import time
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from milepost.collector import paused
from milepost.errors import HistoryError, RemoteError
from milepost.history.disk_cache import CacheFormat, load_entry, write_entry
from milepost.history.git_runner import (
    NOT_A_REPOSITORY,
    NOT_A_REPOSITORY_ADVICE,
    UNKNOWN_REVISION,
    GitError,
    GitRunner,
    failure,
    kind_of,
    shallow_message,
)
from milepost.history.remotes import local_mirror, parse_remote
from milepost.history.state import GitHistory, HistoryStats
from milepost.model import Commit, RepositorySpec

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

# Part of every cache key and entry header: bump it whenever the fields read from git or their
# parsing change, so that caches written by an older Milepost are not trusted.
FORMAT_VERSION = 3
CACHE = CacheFormat("history", FORMAT_VERSION, "history cache")

# One record per commit. With `-z`, git ends every record with NUL, so each of the fields is
# NUL-terminated; git cuts commit messages at a NUL byte, so no field can contain one. The
# record separator at the start of each record lets the parser notice output it does not
# understand. Trailers are not asked of git (`%(trailers)` makes git itself about a third
# slower): they are read from the body, by git's rules, when something first asks for them
# (trailer_block.py's `commit_trailers()`).
LOG_FORMAT = "%x00".join(("%x1e%H", "%P", "%an", "%ae", "%aI", "%cI", "%s", "%b"))
FIELD_COUNT = 8
_RECORD_START = "\x1e"
_SHA = re.compile(r"[0-9a-f]{40}([0-9a-f]{24})?")
_RECORD_HEAD = re.compile(r"\x1e[0-9a-f]{40}(?:[0-9a-f]{24})?")
_PARENTS = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?(?: [0-9a-f]{40}(?:[0-9a-f]{24})?)*")
_SHALLOW = "older commits are missing and the pages would show less work than was done"

__all__ = [
    "FORMAT_VERSION", "LOG_FORMAT", "HistoryError", "HistoryStats", "read_history", "history_key",
    "head_commit", "cache_key", "cache_file", "parse_log", "iter_log",
]


@dataclass(frozen=True)
class _Resolved:
    display: str  # the repository as shown in messages
    location: Path  # where it is read (a `url:` is read from its mirror)
    head: str | None  # None: the repository has no commits yet


# --- public entry points ------------------------------------------------------------------------


def read_history(
    spec: RepositorySpec, *, cache_dir: Path | None = None, git_history: GitHistory | None = None
) -> tuple[Commit, ...]:
    """Every commit reachable from the spec's branch (HEAD by default), newest first.

    Only commits touching `spec.include` paths when some are given. An empty repository gives
    an empty tuple. `git_history`: the build's state (a fresh one by default); a history it read
    already is not read again. With `cache_dir`, git's output is kept in `cache_dir/history/`
    and the same head is never read twice. Raises `HistoryError` with a message for the agency.
    """
    git_history = git_history if git_history is not None else GitHistory()
    memo = git_history.commits
    found = _resolve(spec, cache_dir, git_history)
    display, location, head = found.display, found.location, found.head
    if head is None:
        log.info("Repository %s has no commits yet; its history is empty.", display)
        return ()

    key = cache_key(location, spec.branch, head, spec.include)
    if key in memo.histories:
        memo.stats.memo_hits += 1
        cached: tuple[Commit, ...] = memo.histories[key]
        return cached
    path = cache_file(cache_dir, key) if cache_dir is not None else None
    commits = _load_cache(path, head, display) if path is not None else None
    if commits is not None:
        memo.stats.cache_hits += 1
        log.debug("History of %s at %s taken from the cache.", display, head[:12])
    else:
        output: list[bytes] | None = [] if path is not None else None
        memo.stats.git_log_runs += 1
        commits = _run_git_log(git_history.git, display, location, head, spec.include, keep=output)
        if path is not None and output is not None:
            write_entry(path, CACHE, output, fields=(head,))
    if not commits and spec.include:
        log.warning(
            "Repository %s: no commit touches %s; check the spelling of `include:` in the project file.",
            display,
            ", ".join(spec.include),
        )
    memo.remember(key, commits)
    return commits


def history_key(spec: RepositorySpec, *, cache_dir: Path | None = None, git_history: GitHistory | None = None) -> str:
    """What `read_history` would return, as a short key: the same key means the same history.

    Resolves the branch (and brings a `url:` mirror up to date) without reading the history;
    "" for a repository with no commits yet. Raises `HistoryError` as `read_history` does.
    """
    found = _resolve(spec, cache_dir, git_history if git_history is not None else GitHistory())
    if found.head is None:
        return ""
    return cache_key(found.location, spec.branch, found.head, spec.include)


def head_commit(spec: RepositorySpec, *, git_history: GitHistory | None = None) -> str | None:
    """The full sha of the commit the spec's branch points at, or None in an empty repository."""
    return _resolve(spec, None, git_history if git_history is not None else GitHistory()).head


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
    leftover = b""  # the start of a field not yet ended by NUL
    pending: list[str] = []  # the ended fields of a record not yet complete
    last_sha = ""
    for chunk in chunks:
        if not chunk:
            continue
        data = leftover + chunk if leftover else chunk
        end = data.rfind(b"\0")
        if end < 0:
            leftover = data
            continue
        leftover = data[end + 1 :]
        # One decode and one split per chunk, up to its last NUL: a NUL is never part of a
        # UTF-8 sequence, so the fields decode exactly as they would one by one. A message
        # without an `encoding` header is taken as UTF-8 by git and passed on unchanged,
        # whatever bytes it holds; such bytes become U+FFFD rather than stopping the build.
        pieces = data[:end].decode("utf-8", errors="replace").split("\0")
        if pending:
            pieces[:0] = pending
        complete = len(pieces) - len(pieces) % FIELD_COUNT
        for start in range(0, complete, FIELD_COUNT):
            raw_sha, raw_parents, name, email, authored, committed, subject, body = pieces[start : start + FIELD_COUNT]
            if not _RECORD_HEAD.fullmatch(raw_sha) or (raw_parents and not _PARENTS.fullmatch(raw_parents)):
                raise _malformed(repository, raw_sha, raw_parents)
            sha = raw_sha[1:]
            last_sha = sha
            authored_at, committed_at = _date(authored), _date(committed)
            if authored_at is None or committed_at is None:  # left out, with a warning
                _warn_date(repository, sha, authored if authored_at is None else committed)
                continue
            # Positional: keywords cost a fifth of the constructor, once per commit.
            parents = tuple(raw_parents.split()) if raw_parents else ()
            kept = body.rstrip()
            yield Commit(sha, name, email, authored_at, committed_at, parents, subject, kept, None, body[len(kept) :])
        pending = pieces[complete:]
    if pending or leftover:
        where = f"after commit {last_sha[:12]}" if last_sha else "in the first commit"
        raise HistoryError(
            repository,
            f"the output of `git log` stopped in the middle of a commit ({where}), so the history "
            "is incomplete. Run the build again; if it keeps happening, check the repository "
            "with `git fsck`.",
        )


def _malformed(repository: str, raw_sha: str, raw_parents: str) -> HistoryError:
    if not raw_sha.startswith(_RECORD_START):
        return _unexpected(repository, "a commit record does not start where expected")
    bad = next(v for v in (raw_sha[1:], *raw_parents.split()) if not _SHA.fullmatch(v))
    return _unexpected(repository, f"'{bad[:50]}' is not a commit id")


def _warn_date(repository: str, sha: str, bad: str) -> None:
    """One damaged commit must not hide a client's whole history: it is left out, and said."""
    log.warning(
        "%s commit %s has a date that cannot be read ('%s'); it is left out of the pages.",
        f"Repository {repository}:" if repository else "A", sha[:12], bad[:40],
    )


def _date(text: str) -> dt.datetime | None:
    """The date git printed, or None when it is not one (a commit written with a broken time
    zone, like +2500, or no date at all)."""
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if value.tzinfo is None:
        return None
    return value


def _unexpected(repository: str, what: str) -> HistoryError:
    return HistoryError(
        repository,
        f"`git log` printed something Milepost does not understand ({what}). "
        "Check that `git --version` works and that no git configuration changes log output.",
    )


# --- finding the repository and its head -----------------------------------------------------


def _resolve(spec: RepositorySpec, cache_dir: Path | None, git_history: GitHistory) -> _Resolved:
    """The repository and its head, resolved once per build (and spec, and cache folder)."""
    memo_key = (spec, str(cache_dir) if cache_dir is not None else None)
    known = git_history.commits.heads.get(memo_key)
    if known is None:
        display, location = _location(spec, cache_dir, git_history)
        try:
            known = _Resolved(display, location, _head(git_history.git, display, location, spec.branch))
        except GitError as err:
            raise HistoryError(err.repository, err.detail, kind=err.kind) from None
        git_history.commits.heads[memo_key] = known
    return known


def _location(spec: RepositorySpec, cache_dir: Path | None, git_history: GitHistory) -> tuple[str, Path]:
    """The path to show in messages and the resolved path used for reading and cache keys.

    A `url:` is read from an up-to-date bare, blobless clone kept under `cache_dir`.
    """
    if not spec.path:
        if spec.url:
            try:
                location = local_mirror(spec.url, cache_dir, git_history=git_history)
            except RemoteError as err:
                raise HistoryError(err.repository, err.detail) from None
            return parse_remote(spec.url).display, location
        raise HistoryError("", "a repository entry needs a `path:` to a local git repository.")
    return spec.path, Path(spec.path).expanduser().resolve()


def _head(git: GitRunner, display: str, location: Path, branch: str) -> str | None:
    """The sha to read from, or None when the repository has no commits at all.

    One `git rev-parse` in the usual case: it says whether this is a shallow clone, where the
    folder is in its repository, and what the branch points at.
    """
    if not location.exists():
        raise GitError(
            display,
            "the folder does not exist. Check `path:` in the project file (a relative path "
            "counts from the project file's folder) or clone the repository there.",
        )
    if not location.is_dir():
        raise GitError(display, "this is a file, not a folder. Point `path:` at the folder of a git repository.")
    if branch and (branch.startswith("-") or branch != branch.strip()):
        raise GitError(display, f"'{branch}' is not a branch name; fix `branch:` in the project file.")
    probe = ["rev-parse", "--is-shallow-repository", "--show-prefix"]
    result = git.run([*probe, f"{branch or 'HEAD'}^{{commit}}"], cwd=location, repository=display, check=False)
    head: str | None = None
    if result.ok:
        shallow, prefix, head = (result.stdout.decode("utf-8", errors="replace").split("\n") + ["", "", ""])[:3]
    else:  # no such branch, no commits yet, or no repository: asked again to know which
        result = git.run(probe, cwd=location, repository=display, check=False)
        if not result.ok:
            raise _unreadable(display, result.stderr)
        shallow, prefix = (result.stdout.decode("utf-8", errors="replace").split("\n") + ["", ""])[:2]
    if prefix:
        raise GitError(display, _inside(location, prefix))
    if shallow.strip() == "true":
        raise GitError(display, shallow_message(_SHALLOW))
    if head:
        return head.strip()
    return _missing_head(git, display, location, branch)


def _unreadable(display: str, said: str) -> GitError:
    if kind_of(said) == NOT_A_REPOSITORY:
        return GitError(display, NOT_A_REPOSITORY_ADVICE, kind=NOT_A_REPOSITORY, said=said)
    return failure(display, "git could not open it", said)  # e.g. "dubious ownership": safe.directory


def _inside(location: Path, prefix: str) -> str:
    inner = prefix.strip("/")
    top = location
    for _ in inner.split("/"):
        top = top.parent
    return (
        f"this folder is not the top of a git repository; it is inside {top}. Set `path:` to "
        f"{top} and add `include: [{inner}/]` to read only this folder's history."
    )


def _missing_head(git: GitRunner, display: str, location: Path, branch: str) -> str | None:
    """Why the branch (HEAD by default) names no commit: None for a repository without any."""
    if not git.refs(location, repository=display):
        return None
    names = _branch_names(git, display, location)
    if not branch:
        current = git.run(["symbolic-ref", "-q", "HEAD"], cwd=location, repository=display, check=False)
        ref = current.text if current.ok else ""
        unborn = f"branch '{ref.removeprefix('refs/heads/')}'" if ref else "a branch"
        raise GitError(
            display,
            f"its HEAD points to {unborn}, which has no commits yet. Set `branch:` in the "
            f"project file to one of: {_listing(names)}.",
        )
    close = difflib.get_close_matches(branch, names, n=1)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    existing = f"Branches here: {_listing(names)}." if names else "The repository has no branches."
    raise GitError(
        display,
        f"branch '{branch}' does not exist.{hint} {existing} Fix `branch:` in the project file, "
        "or leave it out to use the repository's current branch.",
        kind=UNKNOWN_REVISION,
    )


def _branch_names(git: GitRunner, display: str, location: Path) -> list[str]:
    names = set()
    for ref in git.refs(location, "refs/heads", "refs/remotes", repository=display):
        if ref.startswith("refs/heads/"):
            names.add(ref.removeprefix("refs/heads/"))
        elif not ref.endswith("/HEAD"):
            names.add(ref.removeprefix("refs/remotes/"))
    return sorted(names)


def _listing(names: Sequence[str], limit: int = 20) -> str:
    shown = ", ".join(names[:limit])
    return f"{shown} and {len(names) - limit} more" if len(names) > limit else shown


# --- running git log ---------------------------------------------------------------------------


def _run_git_log(
    git: GitRunner, display: str, location: Path, head: str, include: Sequence[str], *, keep: list[bytes] | None = None
) -> tuple[Commit, ...]:
    """The commits `git log` lists; its output is also appended to `keep` when one is given."""
    args = [
        "log", "--no-mailmap", "--no-color", "--encoding=UTF-8", "-z", f"--format={LOG_FORMAT}", head, "--", *include
    ]
    started = time.monotonic()
    chunks = _kept(git.stream(args, cwd=location, repository=display, what="`git log`"), keep)
    commits: list[Commit] = []
    try:
        try:
            with paused():
                commits.extend(iter_log(chunks, repository=display))
        except HistoryError:
            for _ in chunks:  # let git finish: its exit status tells what really went wrong
                pass
            raise
    except GitError as err:
        raise HistoryError(err.repository, err.detail) from None
    finally:
        chunks.close()
    log.debug("Read %d commits from %s in %.2f s.", len(commits), display, time.monotonic() - started)
    return tuple(commits)


def _kept(chunks: Iterator[bytes], keep: list[bytes] | None) -> Generator[bytes, None, None]:
    try:
        for chunk in chunks:
            if keep is not None:
                keep.append(chunk)
            yield chunk
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()


# --- the on-disk cache -------------------------------------------------------------------------


def _load_cache(path: Path, head: str, display: str) -> tuple[Commit, ...] | None:
    """The commits kept for `head`: git's own output, parsed again by the same parser (faster
    than JSON, and nothing can be lost in translation)."""
    return load_entry(
        path,
        CACHE,
        lambda output: _parsed(output, display),
        fields=(head,),
        damage=(HistoryError,),
    )


def _parsed(output: bytes, display: str) -> tuple[Commit, ...]:
    with paused():
        return tuple(iter_log(output, repository=display))

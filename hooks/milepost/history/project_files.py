"""Every committed version of the project files, read from the portal's own git history.

The promise ledger (status/ledger.py) and the burn-up (status/burnup.py) need to know what each
project file said, and when. That history lives in the git repository that holds `projects/`
(or, for the demo, in the repository named by `extra.milepost.ledger_repo`).

How it is read, so that it scales to years of portal history:
- one `git log --first-parent -M --raw -z` over the whole projects folder lists every change
  of every file on the main line, with renames followed and each version's blob id; the day a
  version counts from is the day it landed on that line (the committer date, which for a
  merged branch is the merge);
- one `git cat-file --batch` reads all those blobs, and each is parsed with the same safe
  YAML reader as `milepost check`, keeping only what the ledger needs (`MilestoneSnapshot`, see
  load/milestone_snapshot.py);
- the result is kept in the build's `GitHistory` and in `cache_dir/ledger/` (ledger_cache.py),
  keyed by the repository's HEAD; blobs are content-addressed, so the snapshots already parsed
  are reused after new commits.

The file on disk is the newest version when it differs from the last committed one (a
preview, or `milepost check` before a commit); it counts from `today`.

What is not a git repository has no history: reported once as a warning, and pages leave the
ledger out. A shallow clone would show truncated history as "never moved": it is never read.
`milepost check` (and `milepost clients`) warn about it; a build asks for the full history
(`full_history=True`) and stops with the fix, so no site is published without its ledger.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from milepost.errors import MilepostError
from milepost.history import ledger_cache
from milepost.history.git_runner import (
    DUBIOUS_OWNERSHIP,
    NOT_STARTED,
    SAFE_DIRECTORY_ADVICE,
    GitError,
    GitResult,
    kind_of,
    last_lines,
    shallow_message,
)
from milepost.history.ledger_cache import Chains, Entry
from milepost.history.state import GitHistory, LedgerMemo
from milepost.load.milestone_snapshot import (
    UNREADABLE,
    BudgetSnapshot,
    MilestoneSnapshot,
    snapshot_of_bytes,
    snapshot_of_text,
)
from milepost.load.problems import Problem, display_path
from milepost.load.settings import LedgerSource

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

# Where these are read from, besides this module.
__all__ = ["MilestoneSnapshot", "LedgerSource", "ProjectFileVersion", "ProjectFileVersions", "FileVersionsReading",
           "read_file_versions", "blob_id", "COMPLETE", "UNCOMMITTED", "NO_HISTORY", "SHALLOW"]

COMPLETE = "complete"  # every committed version (plus the file on disk when it differs)
UNCOMMITTED = "uncommitted"  # the file is not in git yet: only the version on disk
NO_HISTORY = "no-history"  # no git repository to read: only the version on disk
SHALLOW = "shallow-clone"  # a shallow clone: its history is cut short, so it is not read

_RECORD_START = "\x1e"
_CLIENT_FILE = "client.yml"


@dataclass(frozen=True)
class ProjectFileVersion:
    commit: str  # full sha; "" for the file on disk, not committed
    committed: dt.datetime | None  # when it landed on the main line; None for the file on disk
    path: str  # the file's path in the repository at that commit
    milestones: tuple[MilestoneSnapshot, ...]
    readable: bool = True  # False when that version was not valid YAML (its milestones are empty)
    blob: str = ""  # git's id of the content
    budget: BudgetSnapshot | None = None  # the version's `budget` (None: it had none)

    def day(self, timezone: dt.tzinfo, today: dt.date) -> dt.date:
        """The day this version counts from, in the client's time zone."""
        if self.committed is None:
            return today
        return self.committed.astimezone(timezone).date()

    @functools.cached_property
    def scope(self) -> int:
        """The tasks of its milestones, a milestone without tasks counting as one (the burn-up's
        scope). Kept once counted: the replays ask for it every week."""
        return sum(max(snapshot.tasks, 1) for snapshot in self.milestones)

    def milestone(self, ident: str) -> MilestoneSnapshot | None:
        for snapshot in self.milestones:
            if snapshot.id == ident:
                return snapshot
        return None


@dataclass(frozen=True)
class ProjectFileVersions:
    status: str  # COMPLETE, UNCOMMITTED, NO_HISTORY or SHALLOW
    oldest_first: tuple[ProjectFileVersion, ...]  # the last one is the file as it is now
    repository: str = ""  # as shown in messages

    @property
    def available(self) -> bool:
        """Whether the versions are the file's real history (not only the file on disk)."""
        return self.status in (COMPLETE, UNCOMMITTED)


@dataclass
class FileVersionsReading:
    file_versions: dict[Path, ProjectFileVersions] = field(default_factory=dict)  # by absolute file path
    problems: list[Problem] = field(default_factory=list)


class _Unavailable(MilepostError):
    """No history to read (not a repository): a warning, not a problem."""


class _Shallow(_Unavailable):
    """A shallow clone: a warning for `check`, a problem for a build (`full_history`)."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(message)
        self.where = where


class _Refused(MilepostError):
    """History exists but cannot be trusted or read: a problem for `check` and `build`."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(message)
        self.where = where
        self.message = message


# --- the entry point ---------------------------------------------------------------------------


def read_file_versions(
    projects_dir: Path,
    files: Sequence[Path],
    *,
    source: LedgerSource | None = None,
    cache_dir: Path | None = None,
    full_history: bool = False,
    git_history: GitHistory | None = None,
) -> FileVersionsReading:
    """The history of each project file in `files` (paths under `projects_dir`), by path.

    `git_history`: the build's state (a fresh one by default): what it read already is not read
    again. Never raises for the agency's mistakes: an unreadable repository becomes a
    `Problem`; no repository at all a logged warning and NO_HISTORY; a shallow clone a warning
    and SHALLOW, or a `Problem` with `full_history` (what a build asks for).
    """
    reader = _Reader(git_history if git_history is not None else GitHistory())
    source = source or LedgerSource()
    projects_dir = Path(projects_dir).absolute()
    files = [Path(f).absolute() for f in files]
    reading = FileVersionsReading()
    try:
        top, shown, prefix = reader.repository(projects_dir, source)
        head = reader.head(top, shown)
        chains = {} if head is None else reader.chains(top, shown, head, prefix, cache_dir)
    except _Shallow as err:
        if full_history:
            reading.problems.append(Problem(err.where, 0, "", str(err)))
            return reading
        reader.warn_once(f"{err.where}: {err} Dates are not checked against the history until then.")
        for path in files:
            reading.file_versions[path] = ProjectFileVersions(SHALLOW, (reader.on_disk(path, path.name),))
        return reading
    except _Unavailable as err:
        reader.warn_once(str(err))
        for path in files:
            reading.file_versions[path] = ProjectFileVersions(NO_HISTORY, (reader.on_disk(path, path.name),))
        return reading
    except _Refused as err:
        reading.problems.append(Problem(err.where, 0, "", err.message))
        return reading
    for path in files:
        key = (prefix / path.relative_to(projects_dir)).as_posix()
        entries = chains.get(key, ())
        on_disk = reader.on_disk(path, key)
        if not entries:
            reading.file_versions[path] = ProjectFileVersions(UNCOMMITTED, (on_disk,), shown)
            continue
        versions = [reader.version(entry) for entry in entries]
        if on_disk.blob != versions[-1].blob:
            versions.append(on_disk)
        reading.file_versions[path] = ProjectFileVersions(COMPLETE, tuple(versions), shown)
    return reading


# --- reading, with the build's runner and memo --------------------------------------------------


@dataclass
class _Reader:
    git_history: GitHistory

    @property
    def memo(self) -> LedgerMemo:
        return self.git_history.ledger

    def warn_once(self, message: str) -> None:
        if message not in self.memo.warned:
            self.memo.warned.add(message)
            log.warning("%s", message)

    def git(self, cwd: Path, *args: str, input_bytes: bytes | None = None) -> GitResult:
        try:
            return self.git_history.git.run(args, cwd=cwd, input_bytes=input_bytes, repository=str(cwd), check=False)
        except GitError as err:
            if err.kind == NOT_STARTED:
                raise _Refused(str(cwd), err.detail) from None
            raise _Refused(str(cwd), str(err)) from None

    def repository(self, projects_dir: Path, source: LedgerSource) -> tuple[Path, str, Path]:
        """(top folder of the repository, its name in messages, the projects folder inside it)."""
        if source.repository is None:
            start = projects_dir
            shown = display_path(projects_dir)
            missing = (
                f"{shown} is not in a git repository, so Milepost cannot show clients when each date "
                "was promised and whether it moved, nor check that no date moved silently. Keep the "
                "portal in git (git init, then commit projects/); the sites are built without that history."
            )
        else:
            start = Path(source.repository).absolute()
            shown = display_path(start)
            missing = (
                f"extra.milepost.ledger_repo: {shown} "
                + ("is not a git repository" if start.is_dir() else "does not exist")
                + ", so the history of promised dates is left out and not checked. Point it at a "
                "clone of the portal's history (for the demo: python scripts/make_demo_repos.py), "
                "or remove the setting to use the repository that holds projects/."
            )
        if not start.is_dir():
            raise _Unavailable(missing)
        result = self.git(start, "rev-parse", "--show-toplevel", "--is-shallow-repository")
        if not result.ok:
            if kind_of(result.stderr) == DUBIOUS_OWNERSHIP:
                raise _Refused(shown, f"the history of promised dates cannot be checked: {SAFE_DIRECTORY_ADVICE}")
            raise _Unavailable(missing)
        top_line, _newline, shallow = result.text.partition("\n")
        top = Path(top_line.strip()).resolve()
        try:
            if source.repository is None:
                inside = projects_dir.resolve().relative_to(top)
            else:
                root = Path(source.root or projects_dir.parent).resolve()
                inside = start.resolve().relative_to(top) / projects_dir.resolve().relative_to(root)
        except ValueError:
            raise _Unavailable(
                f"{display_path(projects_dir)} is not inside the portal folder the history is read for; "
                "keep projects_dir inside the folder of mkdocs.yml. The sites are built without the "
                "history of promised dates."
            ) from None
        if shallow.strip() == "true":
            raise _Shallow(display_path(top), shallow_message(_SHALLOW_CONSEQUENCE))
        return top, display_path(top), inside

    def head(self, top: Path, shown: str) -> str | None:
        result = self.git(top, "rev-parse", "-q", "--verify", "HEAD^{commit}")
        if not result.ok:
            return None  # no commit yet: every file is uncommitted
        return result.text

    def chains(self, top: Path, shown: str, head: str, prefix: Path, cache_dir: Path | None) -> Chains:
        """Each project file at HEAD (its path in the repository) -> its versions, oldest first.

        Every blob named in the result has its snapshot in the memo on return.
        """
        memo = self.memo
        key = _cache_key(top, head, prefix)
        folder = ledger_cache.store(cache_dir) if cache_dir is not None else None
        if folder is not None and folder not in memo.snapshot_files_read:
            memo.snapshot_files_read.add(folder)
            for blob, snapshot in ledger_cache.load_snapshots(folder).items():
                memo.snapshots.setdefault(blob, snapshot)
        chains = memo.chains.get(key)
        if chains is not None:
            memo.stats.memo_hits += 1
        elif folder is not None and (chains := ledger_cache.load_chains(folder, key)) is not None:
            memo.stats.cache_hits += 1
        else:
            memo.stats.git_log_runs += 1
            chains = self.read_chains(top, shown, head, prefix)
            if folder is not None:
                ledger_cache.store_chains(folder, key, chains)
        missing = sorted({e.blob for entries in chains.values() for e in entries} - set(memo.snapshots))
        if missing:
            for blob, text in self.read_blobs(top, shown, missing).items():
                memo.stats.blobs_parsed += 1
                memo.snapshots[blob] = snapshot_of_text(text)
            for blob in missing:
                memo.snapshots.setdefault(blob, UNREADABLE)  # missing from the object store
            if folder is not None:
                ledger_cache.store_snapshots(folder, memo.snapshots)
        memo.remember(key, chains)
        return chains

    def version(self, entry: Entry) -> ProjectFileVersion:
        milestones, readable, budget = self.memo.snapshots.get(entry.blob, UNREADABLE)
        return ProjectFileVersion(entry.commit, entry.committed, entry.path, milestones, readable, entry.blob, budget)

    def on_disk(self, path: Path, key: str) -> ProjectFileVersion:
        try:
            content = path.read_bytes()
        except OSError:
            return ProjectFileVersion("", None, key, (), False)
        blob = blob_id(content)
        snapshots = self.memo.snapshots
        if blob not in snapshots:
            snapshots[blob] = snapshot_of_bytes(content)
        milestones, readable, budget = snapshots[blob]
        return ProjectFileVersion("", None, key, milestones, readable, blob, budget)

    def read_chains(self, top: Path, shown: str, head: str, prefix: Path) -> Chains:
        result = self.git(
            top,
            "log",
            "--first-parent",
            "--diff-merges=first-parent",
            "--find-renames",
            "--raw",
            "--no-abbrev",
            "--no-color",
            "-z",
            "--format=%x1e%H%x00%cI",
            head,
            "--",
            prefix.as_posix(),
        )
        if not result.ok:
            raise _Refused(
                shown, f"`git log` failed ({last_lines(result.stderr)}); check the repository with `git fsck`"
            )
        revisions = _parse_raw_log(result.stdout.decode("utf-8", errors="replace"), shown)
        return {
            path: [Entry(c.commit, c.committed, c.path, c.blob) for c in reversed(chain)]
            for path, chain in _follow(revisions).items()
            if _is_project_file(path)
        }

    def read_blobs(self, top: Path, shown: str, blobs: Sequence[str]) -> dict[str, str]:
        """The content of each blob, with one `git cat-file --batch`."""
        if not blobs:
            return {}
        request = "".join(f"{blob}\n" for blob in blobs).encode("ascii")
        result = self.git(top, "cat-file", "--batch", input_bytes=request)
        if not result.ok:
            raise _Refused(
                shown, f"`git cat-file` failed ({last_lines(result.stderr)}); check the repository with `git fsck`"
            )
        return _batch_contents(result.stdout, blobs)


_SHALLOW_CONSEQUENCE = (
    "older versions of the portal's project files are missing and moved dates would look as if "
    "they never moved"
)


def _cache_key(top: Path, head: str, prefix: Path) -> str:
    payload = json.dumps(
        {"repository": str(top), "head": head, "folder": prefix.as_posix(), "format": ledger_cache.FORMAT_VERSION},
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


# --- git's output (pure) -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Revision:
    commit: str
    committed: dt.datetime
    status: str  # A, M, D, R, T (no copies: they are not asked for)
    blob: str  # the new content's blob
    path: str  # the new path
    old_path: str = ""  # for R


def _is_project_file(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return name.endswith(".yml") and name != _CLIENT_FILE and not name.startswith(("_", "."))


def _parse_raw_log(text: str, shown: str) -> list[_Revision]:
    """Output of `git log --raw -z --format=%x1e%H%x00%cI`, newest commit first.

    Each commit is `\\x1e<sha>`, `<date>`, then per changed file a `:<modes> <blobs> <status>`
    token followed by its path (two paths for a rename), every token ended by NUL.
    """
    tokens = text.split("\0")
    revisions: list[_Revision] = []
    commit = ""
    committed: dt.datetime | None = None
    index = 0
    while index < len(tokens):
        token = tokens[index].lstrip("\n")
        index += 1
        if not token:
            continue
        if token.startswith(_RECORD_START):
            commit = token[1:]
            try:
                committed = dt.datetime.fromisoformat(tokens[index])
            except (IndexError, ValueError):
                raise _Refused(shown, "`git log` printed a date Milepost does not understand") from None
            index += 1
            continue
        meta = token[1:].split()
        if not token.startswith(":") or committed is None or len(meta) < 5:
            raise _Refused(shown, "`git log` printed a change Milepost does not understand")
        status = meta[4][0]
        paths = 2 if status in "RC" else 1
        if index + paths > len(tokens):
            raise _Refused(shown, "the output of `git log` stopped in the middle of a change")
        old_path, path = (tokens[index], tokens[index + 1]) if paths == 2 else ("", tokens[index])
        index += paths
        revisions.append(_Revision(commit, committed, status, meta[3], path, old_path))
    return revisions


def _follow(revisions: list[_Revision]) -> dict[str, list[_Revision]]:
    """Group the revisions (newest first) by the file's path at HEAD, following renames back.

    Walking back in time, a path's first change says whether that file still exists at HEAD
    (anything but a deletion); a rename hands the file's identity to its old path; an
    addition ends it (an older file of the same name was another file).
    """
    alive: dict[str, str | None] = {}  # path at this point in time -> path at HEAD (None: gone)
    chains: dict[str, list[_Revision]] = {}
    for change in _pair_rewrites(revisions):
        if change.path not in alive:
            alive[change.path] = None if change.status == "D" else change.path
        at_head = alive[change.path]
        if change.status == "D":
            continue
        if at_head is not None:
            chains.setdefault(at_head, []).append(change)
        if change.status == "R":
            del alive[change.path]
            alive[change.old_path] = at_head
        elif change.status in "AC":
            del alive[change.path]
    return chains


def _pair_rewrites(revisions: list[_Revision]) -> list[_Revision]:
    """`revisions` with a file renamed *and* rewritten in one commit seen as a rename.

    git finds a rename only when the contents are mostly alike. A project file deleted and
    another added in the same client folder in the same commit, the only two project files
    that commit adds or deletes there, is taken for the same file under a new name, so its
    history (and its moved dates) is not lost.
    """
    paired: list[_Revision] = []
    by_commit: dict[str, list[_Revision]] = {}
    for change in revisions:
        by_commit.setdefault(change.commit, []).append(change)
    for commit_changes in by_commit.values():
        added: dict[str, list[_Revision]] = {}
        deleted: dict[str, list[_Revision]] = {}
        for change in commit_changes:
            if _is_project_file(change.path) and change.status in "AD":
                folder = change.path.rpartition("/")[0]
                (added if change.status == "A" else deleted).setdefault(folder, []).append(change)
        for change in commit_changes:
            folder = change.path.rpartition("/")[0]
            pair = len(added.get(folder, ())) == 1 and len(deleted.get(folder, ())) == 1
            if pair and change.status == "A":
                old = deleted[folder][0]
                change = _Revision(change.commit, change.committed, "R", change.blob, change.path, old.path)
            elif pair and change.status == "D":
                continue
            paired.append(change)
    return paired


def _batch_contents(data: bytes, blobs: Sequence[str]) -> dict[str, str]:
    """The content of each of `blobs` in output of `git cat-file --batch` asked for them."""
    contents: dict[str, str] = {}
    position = 0
    for blob in blobs:
        end = data.find(b"\n", position)
        if end < 0:
            break
        header = data[position:end].decode("ascii", errors="replace").split()
        position = end + 1
        if len(header) != 3 or header[1] != "blob":
            continue  # "<sha> missing": a damaged repository; that version stays unreadable
        size = int(header[2])
        contents[blob] = data[position : position + size].decode("utf-8", errors="replace")
        position += size + 1
    return contents


# --- small helpers ---------------------------------------------------------------------------------


def blob_id(content: bytes) -> str:
    """git's id of a file's content (what `git hash-object` prints)."""
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()

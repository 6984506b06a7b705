"""Every committed version of the project files, read from the portal's own git history.

The promise ledger (promise_ledger.py) and the burn-up (burnup.py) need to know what each
project file said, and when. That history lives in the git repository that holds `projects/`
(or, for the demo, in the repository named by `extra.milepost.ledger_repo`).

How it is read, so that it scales to years of portal history:
- one `git log --first-parent -M --raw -z` over the whole projects folder lists every change
  of every file on the main line, with renames followed and each version's blob id; the day a
  version counts from is the day it landed on that line (the committer date, which for a
  merged branch is the merge);
- one `git cat-file --batch` reads all those blobs, and each is parsed with the same safe
  YAML reader as `milepost check`, keeping only what the ledger needs (`MilestonePlan`);
- the result is kept in memory and in `cache_dir/ledger/`, keyed by the repository's HEAD;
  blobs are content-addressed, so the snapshots already parsed are reused after new commits.

The file on disk is the newest version when it differs from the last committed one (a
preview, or `milepost check` before a commit); it counts from `today`.

What is not a git repository has no history: reported once as a warning, and pages leave the
ledger out. A shallow clone would show truncated history as "never moved": it is never read.
`milepost check` (and `milepost clients`) warn about it; a build asks for the full history
(`full_history=True`) and stops with the fix, so no site is published without its ledger.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from milepost.errors import MilepostError
from milepost.history.disk_cache import write_atomically
from milepost.history.git_runner import git_environment
from milepost.load.dates import parse_date
from milepost.load.problems import Problem, display_path
from milepost.load.yaml_source import load_yaml_text

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

# Part of every cache key: bump it when the snapshot's fields or their parsing change.
FORMAT_VERSION = 1

COMPLETE = "complete"  # every committed version (plus the file on disk when it differs)
UNCOMMITTED = "uncommitted"  # the file is not in git yet: only the version on disk
NO_HISTORY = "no-history"  # no git repository to read: only the version on disk
SHALLOW = "shallow-clone"  # a shallow clone: its history is cut short, so it is not read

_RECORD_START = "\x1e"
_CLIENT_FILE = "client.yml"


@dataclass(frozen=True)
class LedgerSource:
    """Where the history of the project files is read.

    `repository` None: the git repository that holds the projects folder, its files at their
    own paths. Otherwise that repository holds the portal's history, the file
    `<root>/projects/a/b.yml` at `projects/a/b.yml` (its path relative to `root`, the folder
    of mkdocs.yml).
    """

    repository: Path | None = None
    root: Path | None = None


@dataclass(frozen=True)
class MilestonePlan:
    """What one version of a project file said about one milestone."""

    id: str
    title: str = ""
    due: dt.date | None = None
    delay_due: dt.date | None = None
    delay_reason: str = ""
    done: dt.date | None = None
    tasks: int = 0

    @property
    def promise(self) -> dt.date | None:
        """The date promised in this version: the delay's date when there is one."""
        return self.delay_due or self.due


@dataclass(frozen=True)
class PlanVersion:
    commit: str  # full sha; "" for the file on disk, not committed
    committed: dt.datetime | None  # when it landed on the main line; None for the file on disk
    path: str  # the file's path in the repository at that commit
    milestones: tuple[MilestonePlan, ...]
    readable: bool = True  # False when that version was not valid YAML (its milestones are empty)
    blob: str = ""  # git's id of the content

    def day(self, timezone: dt.tzinfo, today: dt.date) -> dt.date:
        """The day this version counts from, in the client's time zone."""
        if self.committed is None:
            return today
        return self.committed.astimezone(timezone).date()

    def milestone(self, ident: str) -> MilestonePlan | None:
        for plan in self.milestones:
            if plan.id == ident:
                return plan
        return None


@dataclass(frozen=True)
class PlanHistory:
    status: str  # COMPLETE, UNCOMMITTED, NO_HISTORY or SHALLOW
    versions: tuple[PlanVersion, ...]  # oldest first; the last one is the file as it is now
    repository: str = ""  # as shown in messages

    @property
    def available(self) -> bool:
        """Whether the versions are the file's real history (not only the file on disk)."""
        return self.status in (COMPLETE, UNCOMMITTED)


@dataclass
class HistoryReading:
    histories: dict[Path, PlanHistory] = field(default_factory=dict)  # by absolute file path
    problems: list[Problem] = field(default_factory=list)


@dataclass
class ReaderStats:
    """What the reader did in this process; tests use it to see that caches work."""

    git_log_runs: int = 0
    blobs_parsed: int = 0
    memo_hits: int = 0
    cache_hits: int = 0


@dataclass(frozen=True)
class _Entry:
    """One committed version of a file, before its content is looked at."""

    commit: str
    committed: dt.datetime
    path: str
    blob: str


Snapshot = tuple[tuple[MilestonePlan, ...], bool]  # (milestones, readable)

stats = ReaderStats()
_MEMO_LIMIT = 64
_memo: dict[str, dict[str, list[_Entry]]] = {}  # cache key -> file at HEAD -> its versions
_snapshots: dict[str, Snapshot] = {}  # blob id -> what it says: content-addressed, never stale
_snapshot_files_read: set[Path] = set()
_warned: set[str] = set()


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


def read_plan_histories(
    projects_dir: Path,
    files: Sequence[Path],
    *,
    source: LedgerSource | None = None,
    cache_dir: Path | None = None,
    full_history: bool = False,
) -> HistoryReading:
    """The history of each project file in `files` (paths under `projects_dir`), by path.

    Never raises for the agency's mistakes: an unreadable repository becomes a `Problem`; no
    repository at all a logged warning and NO_HISTORY; a shallow clone a warning and SHALLOW,
    or a `Problem` with `full_history` (what a build asks for).
    """
    source = source or LedgerSource()
    projects_dir = Path(projects_dir).absolute()
    files = [Path(f).absolute() for f in files]
    reading = HistoryReading()
    try:
        top, shown, prefix = _repository(projects_dir, source)
        head = _head(top)
        chains = {} if head is None else _chains(top, shown, head, prefix, cache_dir)
    except _Shallow as err:
        if full_history:
            reading.problems.append(Problem(err.where, 0, "", str(err)))
            return reading
        _warn_once(f"{err.where}: {err} Dates are not checked against the history until then.")
        for path in files:
            reading.histories[path] = PlanHistory(SHALLOW, (_on_disk(path, path.name),))
        return reading
    except _Unavailable as err:
        _warn_once(str(err))
        for path in files:
            reading.histories[path] = PlanHistory(NO_HISTORY, (_on_disk(path, path.name),))
        return reading
    except _Refused as err:
        reading.problems.append(Problem(err.where, 0, "", err.message))
        return reading
    for path in files:
        key = (prefix / path.relative_to(projects_dir)).as_posix()
        entries = chains.get(key, ())
        on_disk = _on_disk(path, key)
        if not entries:
            reading.histories[path] = PlanHistory(UNCOMMITTED, (on_disk,), shown)
            continue
        versions = [_version(entry) for entry in entries]
        if on_disk.blob != versions[-1].blob:
            versions.append(on_disk)
        reading.histories[path] = PlanHistory(COMPLETE, tuple(versions), shown)
    return reading


def _warn_once(message: str) -> None:
    if message not in _warned:
        _warned.add(message)
        log.warning("%s", message)


def clear_memo() -> None:
    """Forget what was read in this process (the on-disk cache stays)."""
    _memo.clear()
    _snapshots.clear()
    _snapshot_files_read.clear()
    _warned.clear()


# --- finding the repository ------------------------------------------------------------------


def _git(cwd: Path, *args: str, input_bytes: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    # Configuration that would change what `git log` prints or which commits it lists.
    settings = ("log.showSignature=false", "log.follow=false", "core.quotePath=false")
    command = ["git", "-C", str(cwd)]
    for setting in settings:
        command += ["-c", setting]
    command += args
    try:
        return subprocess.run(command, capture_output=True, env=git_environment(), input=input_bytes)
    except OSError as err:
        raise _Refused(str(cwd), f"git could not be started ({err}); install git and put it on PATH") from None


def _stderr(result: subprocess.CompletedProcess[bytes]) -> str:
    text = result.stderr.decode("utf-8", errors="replace").strip()
    return " ".join(text.splitlines()[-3:]) or "no message"


def _repository(projects_dir: Path, source: LedgerSource) -> tuple[Path, str, Path]:
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
    result = _git(start, "rev-parse", "--show-toplevel")
    if result.returncode != 0:
        if "dubious ownership" in _stderr(result):
            raise _Refused(
                shown,
                "git refuses to read this repository because another user owns it, so the history "
                "of promised dates cannot be checked. Run `git config --global --add safe.directory "
                "<path>` for it (in a container: for the user running milepost).",
            )
        raise _Unavailable(missing)
    top = Path(result.stdout.decode("utf-8", errors="replace").strip()).resolve()
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
    shallow = _git(top, "rev-parse", "--is-shallow-repository")
    if shallow.returncode == 0 and shallow.stdout.strip() == b"true":
        raise _Shallow(
            display_path(top),
            "this is a shallow clone of the portal, so older versions of the project files are "
            "missing and moved dates would look as if they never moved. In GitHub Actions set "
            "`fetch-depth: 0` on the actions/checkout step; for a local clone run "
            "`git fetch --unshallow`.",
        )
    return top, display_path(top), inside


def _head(top: Path) -> str | None:
    result = _git(top, "rev-parse", "-q", "--verify", "HEAD^{commit}")
    if result.returncode != 0:
        return None  # no commit yet: every file is uncommitted
    return result.stdout.decode("ascii").strip()


# --- reading the history ---------------------------------------------------------------------


def _cache_key(top: Path, head: str, prefix: Path) -> str:
    payload = json.dumps(
        {"repository": str(top), "head": head, "folder": prefix.as_posix(), "format": FORMAT_VERSION},
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _chains(top: Path, shown: str, head: str, prefix: Path, cache_dir: Path | None) -> dict[str, list[_Entry]]:
    """Each project file at HEAD (its path in the repository) -> its versions, oldest first.

    Every blob named in the result has its snapshot in `_snapshots` on return.
    """
    key = _cache_key(top, head, prefix)
    store = Path(cache_dir) / "ledger" if cache_dir is not None else None
    if store is not None:
        _load_snapshots(store)
    chains = _memo.get(key)
    if chains is not None:
        stats.memo_hits += 1
    elif store is not None and (chains := _load_chains(store / f"{key}.json")) is not None:
        stats.cache_hits += 1
    else:
        chains = _read_chains(top, shown, head, prefix)
        if store is not None:
            _write_json(store / f"{key}.json", _chains_to_json(chains))
    missing = sorted({e.blob for entries in chains.values() for e in entries} - set(_snapshots))
    if missing:
        for blob, text in _read_blobs(top, shown, missing).items():
            stats.blobs_parsed += 1
            _snapshots[blob] = _snapshot(text)
        for blob in missing:
            _snapshots.setdefault(blob, ((), False))  # missing from the object store: unreadable
        if store is not None:
            _write_json(store / "snapshots.json", _snapshots_to_json())
    if len(_memo) >= _MEMO_LIMIT:
        del _memo[next(iter(_memo))]  # the oldest entry: a long `serve` does not grow forever
    _memo[key] = chains
    return chains


def _version(entry: _Entry) -> PlanVersion:
    plans, readable = _snapshots.get(entry.blob, ((), False))
    return PlanVersion(entry.commit, entry.committed, entry.path, plans, readable, entry.blob)


@dataclass(frozen=True)
class _Change:
    commit: str
    committed: dt.datetime
    status: str  # A, M, D, R, T (no copies: they are not asked for)
    blob: str  # the new content's blob
    path: str  # the new path
    old_path: str = ""  # for R


def _read_chains(top: Path, shown: str, head: str, prefix: Path) -> dict[str, list[_Entry]]:
    stats.git_log_runs += 1
    result = _git(
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
    if result.returncode != 0:
        raise _Refused(shown, f"`git log` failed ({_stderr(result)}); check the repository with `git fsck`")
    changes = _parse_raw_log(result.stdout.decode("utf-8", errors="replace"), shown)
    return {
        path: [_Entry(c.commit, c.committed, c.path, c.blob) for c in reversed(chain)]
        for path, chain in _follow(changes).items()
        if _is_project_file(path)
    }


def _is_project_file(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return name.endswith(".yml") and name != _CLIENT_FILE and not name.startswith(("_", "."))


def _parse_raw_log(text: str, shown: str) -> list[_Change]:
    """Output of `git log --raw -z --format=%x1e%H%x00%cI`, newest commit first.

    Each commit is `\\x1e<sha>`, `<date>`, then per changed file a `:<modes> <blobs> <status>`
    token followed by its path (two paths for a rename), every token ended by NUL.
    """
    tokens = text.split("\0")
    changes: list[_Change] = []
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
        changes.append(_Change(commit, committed, status, meta[3], path, old_path))
    return changes


def _follow(changes: list[_Change]) -> dict[str, list[_Change]]:
    """Group the changes (newest first) by the file's path at HEAD, following renames back.

    Walking back in time, a path's first change says whether that file still exists at HEAD
    (anything but a deletion); a rename hands the file's identity to its old path; an
    addition ends it (an older file of the same name was another file).
    """
    alive: dict[str, str | None] = {}  # path at this point in time -> path at HEAD (None: gone)
    chains: dict[str, list[_Change]] = {}
    for change in _pair_rewrites(changes):
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


def _pair_rewrites(changes: list[_Change]) -> list[_Change]:
    """`changes` with a file renamed *and* rewritten in one commit seen as a rename.

    git finds a rename only when the contents are mostly alike. A project file deleted and
    another added in the same client folder in the same commit, the only two project files
    that commit adds or deletes there, is taken for the same file under a new name, so its
    history (and its moved dates) is not lost.
    """
    paired: list[_Change] = []
    by_commit: dict[str, list[_Change]] = {}
    for change in changes:
        by_commit.setdefault(change.commit, []).append(change)
    for commit_changes in by_commit.values():
        added: dict[str, list[_Change]] = {}
        deleted: dict[str, list[_Change]] = {}
        for change in commit_changes:
            if _is_project_file(change.path) and change.status in "AD":
                folder = change.path.rpartition("/")[0]
                (added if change.status == "A" else deleted).setdefault(folder, []).append(change)
        for change in commit_changes:
            folder = change.path.rpartition("/")[0]
            pair = len(added.get(folder, ())) == 1 and len(deleted.get(folder, ())) == 1
            if pair and change.status == "A":
                old = deleted[folder][0]
                change = _Change(change.commit, change.committed, "R", change.blob, change.path, old.path)
            elif pair and change.status == "D":
                continue
            paired.append(change)
    return paired


def _read_blobs(top: Path, shown: str, blobs: Sequence[str]) -> dict[str, str]:
    """The content of each blob, with one `git cat-file --batch`."""
    if not blobs:
        return {}
    request = "".join(f"{blob}\n" for blob in blobs).encode("ascii")
    result = _git(top, "cat-file", "--batch", input_bytes=request)
    if result.returncode != 0:
        raise _Refused(shown, f"`git cat-file` failed ({_stderr(result)}); check the repository with `git fsck`")
    data = result.stdout
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


def _snapshot(text: str) -> Snapshot:
    """The milestones of one version, leniently: history may hold mistakes fixed later."""
    document = load_yaml_text(text)
    data = document.data
    if not document.parsed or not isinstance(data, dict):
        return (), False
    plans: list[MilestonePlan] = []
    seen: set[str] = set()
    milestones = data.get("milestones")
    for item in milestones if isinstance(milestones, list) else []:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or item["id"] in seen:
            continue
        seen.add(item["id"])
        delay = item.get("delay") if isinstance(item.get("delay"), dict) else {}
        tasks = item.get("tasks")
        reason = delay.get("reason")
        title = item.get("title")
        plans.append(
            MilestonePlan(
                id=item["id"],
                title=title if isinstance(title, str) else "",
                due=parse_date(item.get("due")),
                delay_due=parse_date(delay.get("due")),
                delay_reason=reason.strip() if isinstance(reason, str) else "",
                done=parse_date(item.get("done")),
                tasks=len(tasks) if isinstance(tasks, list) else 0,
            )
        )
    return tuple(plans), True


def zone(name: str) -> dt.tzinfo:
    """The time zone of a client (UTC for an unknown name, which `milepost check` refuses)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return dt.timezone.utc


def blob_id(content: bytes) -> str:
    """git's id of a file's content (what `git hash-object` prints)."""
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()


def _on_disk(path: Path, key: str) -> PlanVersion:
    try:
        content = path.read_bytes()
    except OSError:
        return PlanVersion("", None, key, (), False)
    blob = blob_id(content)
    if blob not in _snapshots:
        try:
            _snapshots[blob] = _snapshot(content.decode("utf-8"))
        except UnicodeDecodeError:
            _snapshots[blob] = ((), False)
    plans, readable = _snapshots[blob]
    return PlanVersion("", None, key, plans, readable, blob)


# --- the on-disk cache -----------------------------------------------------------------------
# `<cache_dir>/ledger/<key>.json`: the versions of every file for one HEAD (small);
# `<cache_dir>/ledger/snapshots.json`: what each blob says, shared by every HEAD.


def _write_json(path: Path, data: Any) -> None:
    content = json.dumps(data, ensure_ascii=False).encode("utf-8")
    write_atomically(path, [content], what="ledger cache")


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as err:
        log.info("Ignoring unreadable ledger cache %s (%s); reading the history again.", path, err)
        return None


def _chains_to_json(chains: dict[str, list[_Entry]]) -> dict[str, Any]:
    return {
        "format": FORMAT_VERSION,
        "files": {
            key: [[e.commit, e.committed.isoformat(), e.path, e.blob] for e in entries]
            for key, entries in chains.items()
        },
    }


def _load_chains(path: Path) -> dict[str, list[_Entry]] | None:
    data = _read_json(path)
    if data is None:
        return None
    try:
        if data["format"] != FORMAT_VERSION:
            raise ValueError("written for another format")
        return {
            str(key): [
                _Entry(str(commit), _aware(committed), str(where), str(blob))
                for commit, committed, where, blob in entries
            ]
            for key, entries in data["files"].items()
        }
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        log.info("Ignoring damaged ledger cache %s (%s); reading the history again.", path, err)
        return None


def _aware(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError("a date without a time zone")
    return value


def _snapshots_to_json() -> dict[str, Any]:
    return {
        "format": FORMAT_VERSION,
        "blobs": {
            blob: {"readable": readable, "milestones": [_plan_to_json(p) for p in plans]}
            for blob, (plans, readable) in _snapshots.items()
        },
    }


def _load_snapshots(store: Path) -> None:
    if store in _snapshot_files_read:
        return
    _snapshot_files_read.add(store)
    path = store / "snapshots.json"
    data = _read_json(path)
    if data is None:
        return
    try:
        if data["format"] != FORMAT_VERSION:
            return
        loaded = {
            str(blob): (tuple(_plan_from_json(p) for p in item["milestones"]), bool(item["readable"]))
            for blob, item in data["blobs"].items()
        }
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        log.info("Ignoring damaged ledger cache %s (%s); reading the history again.", path, err)
        return
    for blob, snapshot in loaded.items():
        _snapshots.setdefault(blob, snapshot)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _plan_to_json(plan: MilestonePlan) -> dict[str, Any]:
    return {
        "id": plan.id,
        "title": plan.title,
        "due": _iso(plan.due),
        "delay_due": _iso(plan.delay_due),
        "delay_reason": plan.delay_reason,
        "done": _iso(plan.done),
        "tasks": plan.tasks,
    }


def _plan_from_json(item: dict[str, Any]) -> MilestonePlan:
    def day(key: str) -> dt.date | None:
        value = item[key]
        return dt.date.fromisoformat(value) if value else None

    if not isinstance(item["id"], str) or not isinstance(item["tasks"], int):
        raise TypeError("not a milestone snapshot")
    return MilestonePlan(
        id=item["id"],
        title=str(item["title"]),
        due=day("due"),
        delay_due=day("delay_due"),
        delay_reason=str(item["delay_reason"]),
        done=day("done"),
        tasks=item["tasks"],
    )

"""What one build has learnt from git, kept for the rest of that build and no longer.

A build reads the same repository for several projects and asks for its head more than once
(to key the page cache, then to read it); it reads the project files' history once for every
client. `GitHistory` holds what was read so that it is read once per build: the histories,
the resolved heads, which remote mirrors were fetched, the project files' versions and
snapshots, and counts of what was done (tests and the benchmark read them).

One is made per build (the portal loader makes it and passes it down); two builds in one
process never share one, so nothing read for one can leak into the other.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from milepost.history.git_runner import GitRunner

# Kept per build: a long `milepost serve` makes a new one on every rebuild, but a build of a
# portal with very many repositories must not grow without bound either.
MEMO_LIMIT = 256
# Histories kept for the rest of a build, in commits (about a kilobyte each in memory). A
# history is asked for again within its client (two projects on one repository); a build of a
# whole portal reads every client's in turn, and holding them all was most of its peak memory.
MEMO_COMMITS = 100_000


@dataclass
class HistoryStats:
    """What the commit history reader did."""

    git_log_runs: int = 0
    memo_hits: int = 0
    cache_hits: int = 0


@dataclass
class LedgerStats:
    """What the project files' history reader did."""

    git_log_runs: int = 0
    blobs_parsed: int = 0
    memo_hits: int = 0
    cache_hits: int = 0


@dataclass
class RemoteStats:
    """How many clones and fetches of repositories given by URL."""

    clones: int = 0
    fetches: int = 0


@dataclass
class CommitMemo:
    histories: dict[str, Any] = field(default_factory=dict)  # cache key -> tuple of commits
    heads: dict[Any, Any] = field(default_factory=dict)  # (spec, cache_dir) -> resolved repository
    stats: HistoryStats = field(default_factory=HistoryStats)

    kept_commits: int = 0

    def remember(self, key: str, commits: Any) -> None:
        """Keep a history for the rest of the build, dropping the oldest kept beyond the limits."""
        if key in self.histories:
            self.kept_commits -= len(self.histories.pop(key))
        if len(commits) > MEMO_COMMITS:
            return
        while self.histories and (
            len(self.histories) >= MEMO_LIMIT or self.kept_commits + len(commits) > MEMO_COMMITS
        ):
            oldest = next(iter(self.histories))
            self.kept_commits -= len(self.histories.pop(oldest))
        self.histories[key] = commits
        self.kept_commits += len(commits)


@dataclass
class LedgerMemo:
    chains: dict[str, Any] = field(default_factory=dict)  # cache key -> file at HEAD -> versions
    snapshots: dict[str, Any] = field(default_factory=dict)  # blob id -> what it says
    snapshot_files_read: set[Path] = field(default_factory=set)
    warned: set[str] = field(default_factory=set)
    stats: LedgerStats = field(default_factory=LedgerStats)

    def remember(self, key: str, chains: Any) -> None:
        if len(self.chains) >= MEMO_LIMIT:
            del self.chains[next(iter(self.chains))]
        self.chains[key] = chains


@dataclass
class MirrorState:
    fetched: dict[Path, float] = field(default_factory=dict)  # mirror -> time.monotonic() of its sync
    stats: RemoteStats = field(default_factory=RemoteStats)
    _scratch: tempfile.TemporaryDirectory[str] | None = field(default=None, repr=False)

    def scratch_dir(self) -> Path:
        """A folder for clones when the build has no cache folder: gone with this state."""
        if self._scratch is None:
            self._scratch = tempfile.TemporaryDirectory(prefix="milepost-remotes-")
        return Path(self._scratch.name)


@dataclass
class GitHistory:
    """The git side of one build: the runner every git command goes through, and what was
    read so far. Make one per build and pass it down; `GitHistory()` is a fresh start."""

    git: GitRunner = field(default_factory=GitRunner)
    commits: CommitMemo = field(default_factory=CommitMemo)
    ledger: LedgerMemo = field(default_factory=LedgerMemo)
    remotes: MirrorState = field(default_factory=MirrorState)

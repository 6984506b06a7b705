"""From a project's repositories to what its client may read: history in, WorkNote out.

Classifying and redacting a commit costs about a tenth of a millisecond; a large history has a
hundred thousand. What a commit becomes depends only on the commit and on the project's
settings (rules, milestone ids, language, allowed hosts, time zone) and Milepost's own code,
so with `cache_dir` each project keeps its classified commits in `cache_dir/work/`, and a
later build classifies only commits it has not seen under the same settings: a new commit, or
an edit to the project file that leaves those settings alone, costs almost nothing. When no
repository moved either (same heads), the history is not even read again.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from milepost.classify.classifier import classify
from milepost.classify.rules import RuleSet
from milepost.collector import paused
from milepost.history.commits import history_key, read_history
from milepost.history.disk_cache import CacheFormat, canonical_key, code_fingerprint, load_entry, write_entry
from milepost.history.state import GitHistory
from milepost.model import Client, CommitNotes, Project, WorkKind, WorkNote

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

# Bump when the layout of a cache entry changes.
FORMAT_VERSION = 3
CACHE = CacheFormat("work", FORMAT_VERSION, "shown-work cache")


@dataclass
class WorkCacheStats:
    """What this process classified and what it took from the cache; tests read it."""

    classified: int = 0
    reused: int = 0


stats = WorkCacheStats()


def project_work(
    client: Client,
    project: Project,
    *,
    rules: RuleSet,
    cache_dir: Path | None,
    heads: Sequence[str] | None = None,
    git_history: GitHistory | None = None,
) -> tuple[WorkNote, ...]:
    """Every commit of every repository of the project, classified and redacted, newest first.

    A commit reachable from two repositories (a fork, a mirror) is counted once. `heads`: the
    repositories' `history_key`s when the caller has them already. `git_history`: the build's git
    state (a fresh one by default).
    Raises `HistoryError` with a message for the agency when a repository cannot
    be read.
    """
    git_history = git_history if git_history is not None else GitHistory()
    milestone_ids = frozenset(m.id for m in project.milestones)
    allowed_hosts = tuple(getattr(client, "allowed_hosts", ()))
    notes = client.commit_notes
    ticket_prefixes = tuple(client.ticket_prefixes)
    key = settings_key(rules, milestone_ids, client.language, allowed_hosts, client.timezone, notes, ticket_prefixes)
    entry = entry_path(cache_dir, client.slug, project.slug) if cache_dir is not None else None
    if entry is None:
        heads = []
    elif heads is None:
        heads = [history_key(spec, cache_dir=cache_dir, git_history=git_history) for spec in project.repositories]
    heads = list(heads)
    known, known_heads = load_work(entry, key) if entry is not None else ({}, None)
    if entry is not None and known_heads == heads:
        stats.reused += len(known)
        return _shown(known.values())
    seen: dict[str, WorkNote] = {}
    for spec in project.repositories:
        commits = read_history(spec, cache_dir=cache_dir, git_history=git_history)
        with paused():
            for commit in commits:
                if commit.sha in seen:
                    continue
                note = known.get(commit.sha)
                if note is None:
                    note = classify(
                        commit,
                        rules,
                        milestone_ids=milestone_ids,
                        language=client.language,
                        allowed_hosts=allowed_hosts,
                        timezone=client.timezone,
                        notes=notes,
                        ticket_prefixes=ticket_prefixes,
                    )
                    stats.classified += 1
                else:
                    stats.reused += 1
                seen[commit.sha] = note
    # Kept for exactly the commits read now: a force-pushed branch's lost commits go too.
    if entry is not None:
        store_work(entry, key, heads, seen.values())
    return _shown(seen.values())


def _shown(notes: Iterable[WorkNote]) -> tuple[WorkNote, ...]:
    """The notes the client may see, newest first."""
    with paused():
        shown = [note for note in notes if note.kind != WorkKind.HIDDEN]
        shown.sort(key=_newest_first, reverse=True)
        return tuple(shown)


def _newest_first(note: WorkNote) -> tuple[dt.date, str]:
    return note.date, note.sha


def settings_key(
    rules: RuleSet,
    milestone_ids: frozenset[str],
    language: str,
    allowed_hosts: tuple[str, ...],
    timezone: str,
    notes: CommitNotes = CommitNotes.ALL,
    ticket_prefixes: tuple[str, ...] = (),
) -> str:
    """Everything besides the commit that decides what a commit becomes, as a digest."""
    return canonical_key(
        "shown-work", FORMAT_VERSION, code_fingerprint(), rules, milestone_ids, language, allowed_hosts, timezone,
        notes, ticket_prefixes,
    )


def entry_path(cache_dir: Path, client: str, project: str) -> Path:
    return Path(cache_dir) / "work" / f"{client}.{project}.json"


def load_work(path: Path, key: str) -> tuple[Mapping[str, WorkNote], list[str] | None]:
    """The commits classified under `key`, by sha, and the history keys of the repositories
    they were read at; ({}, None) when there are none (or the entry was made under other
    settings, or is damaged: then they are classified again)."""
    with paused():
        return load_entry(path, CACHE, _decode, fields=(key,)) or ({}, None)


def _decode(payload: bytes) -> tuple[dict[str, WorkNote], list[str]]:
    data = json.loads(payload)
    heads = [str(head) for head in data["heads"]]
    return {
        sha: WorkNote(
            kind=WorkKind(kind),
            text=str(text),
            date=dt.date.fromisoformat(day),
            milestone=str(milestone),
            sha=str(sha),
            rule=str(rule),
        )
        for sha, kind, text, day, milestone, rule in data["work"]
    }, heads


def store_work(path: Path, key: str, heads: list[str], notes: Iterable[WorkNote]) -> None:
    data = {
        "heads": heads,
        "work": [[c.sha, c.kind, c.text, c.date.isoformat(), c.milestone, c.rule] for c in notes],
    }
    write_entry(path, CACHE, json.dumps(data, ensure_ascii=False).encode("utf-8"), fields=(key,))

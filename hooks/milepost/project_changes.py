"""From a project's repositories to what its client may read: history in, ShownChange out."""

from __future__ import annotations

import logging
from pathlib import Path

from .commit_rules import RuleSet, classify
from .git_history import read_history
from .model import Client, Project, ShownChange

log = logging.getLogger("mkdocs.plugins.milepost.project_changes")


def project_changes(
    client: Client, project: Project, *, rules: RuleSet, cache_dir: Path | None
) -> tuple[ShownChange, ...]:
    """Every commit of every repository of the project, classified and redacted, newest first.

    A commit reachable from two repositories (a fork, a mirror) is counted once.
    Raises `git_history.HistoryError` with a message for the agency when a repository cannot
    be read.
    """
    milestone_ids = frozenset(m.id for m in project.milestones)
    seen: set[str] = set()
    shown: list[ShownChange] = []
    for spec in project.repositories:
        for commit in read_history(spec, cache_dir=cache_dir):
            if commit.sha in seen:
                continue
            seen.add(commit.sha)
            change = classify(
                commit,
                rules,
                milestone_ids=milestone_ids,
                language=client.language,
                allowed_hosts=getattr(client, "allowed_hosts", ()),
                timezone=client.timezone,
            )
            if change.kind != "hidden":
                shown.append(change)
    shown.sort(key=lambda c: (c.date, c.sha), reverse=True)
    return tuple(shown)

"""The whole portal, loaded and checked: the files under projects/ (load/), the history of
those files (history/) and the promise ledger's checks (status/) - what `milepost check`,
`clients` and `build` and each client's MkDocs build start from.

It sits above the stage folders because it runs three of them; the stages themselves only
use the ones before them.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from milepost.history.project_files import PlanHistory, read_plan_histories, zone
from milepost.history.state import GitHistory
from milepost.load.problems import Problem, display_path
from milepost.load.project_folders import read_project_folders
from milepost.load.settings import LedgerSource
from milepost.model import Client, Portal, Project
from milepost.status.ledger import ledger_problems

if TYPE_CHECKING:
    from milepost.load.settings import BuildSettings

log = logging.getLogger(f"mkdocs.plugins.{__name__}")


@dataclass
class LoadResult:
    portal: Portal | None  # None when there are problems
    problems: list[Problem] = field(default_factory=list)
    # The git history of each project file, by (client slug, project slug): see history/project_files.py.
    histories: dict[tuple[str, str], PlanHistory] = field(default_factory=dict)
    # What this build read from git so far; the stages after loading read on with it.
    history: GitHistory = field(default_factory=GitHistory)


def load_configured(
    settings: BuildSettings, *, today: dt.date, full_history: bool = False, history: GitHistory | None = None
) -> LoadResult:
    """`load_portal` set up as mkdocs.yml's `extra.milepost` says (projects folder, ledger
    repository, cache): what `check`, `clients`, `build` and each client's MkDocs build read."""
    return load_portal(
        settings.projects_dir,
        today=today,
        ledger=settings.ledger,
        cache_dir=settings.cache_dir,
        full_history=full_history,
        history=history,
    )


def check_portal(
    projects_dir: Path,
    *,
    today: dt.date,
    ledger: LedgerSource | None = None,
    cache_dir: Path | None = None,
    full_history: bool = False,
) -> list[Problem]:
    """Every problem under `projects_dir`, sorted by file and line; [] when all is well."""
    return load_portal(
        projects_dir, today=today, ledger=ledger, cache_dir=cache_dir, full_history=full_history
    ).problems


def load_portal(
    projects_dir: Path,
    *,
    today: dt.date,
    ledger: LedgerSource | None = None,
    cache_dir: Path | None = None,
    full_history: bool = False,
    history: GitHistory | None = None,
) -> LoadResult:
    """Read and check everything under `projects_dir`; the portal only when nothing is wrong.

    The project files' git history is read too (`ledger`: where; by default the repository
    holding `projects_dir`), and a `due` moved later without a delay is a problem. A shallow
    clone only gives a warning, unless `full_history` (a build: no site without its ledger).
    `history`: the build's git state, a new one by default; the result carries it on.
    """
    history = history if history is not None else GitHistory()
    projects_dir = Path(projects_dir).absolute()
    reading = read_project_folders(projects_dir, today=today)
    problems = list(reading.problems)
    histories, found = _histories(
        projects_dir, reading.clients, reading.projects, ledger, cache_dir, today, full_history, history
    )
    problems.extend(found)
    problems.sort()
    for problem in problems:
        log.debug("%s", problem)
    if problems:
        return LoadResult(None, problems, histories, history)
    portal = Portal(
        clients=tuple(sorted(reading.clients, key=lambda c: c.slug)),
        projects=tuple(sorted(reading.projects, key=lambda p: (p.client, p.slug))),
    )
    return LoadResult(portal, [], histories, history)


def _histories(
    projects_dir: Path,
    clients: list[Client],
    projects: list[Project],
    ledger: LedgerSource | None,
    cache_dir: Path | None,
    today: dt.date,
    full_history: bool,
    history: GitHistory,
) -> tuple[dict[tuple[str, str], PlanHistory], list[Problem]]:
    """The history of every project file that loaded, and its silent date moves as problems."""
    paths = {(p.client, p.slug): projects_dir / p.client / f"{p.slug}.yml" for p in projects}
    if not paths:
        return {}, []
    reading = read_plan_histories(
        projects_dir, list(paths.values()), source=ledger, cache_dir=cache_dir, full_history=full_history,
        history=history,
    )
    zones = {c.slug: c.timezone for c in clients}
    histories: dict[tuple[str, str], PlanHistory] = {}
    problems = list(reading.problems)
    for key, path in paths.items():
        history = reading.histories.get(path.absolute())
        if history is None:
            continue
        histories[key] = history
        problems.extend(
            ledger_problems(
                history, path, source=display_path(path), timezone=zone(zones.get(key[0], "UTC")), today=today
            )
        )
    return histories, problems

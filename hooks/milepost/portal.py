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

from milepost.errors import HistoryError, PrivacyError
from milepost.history.commits import history_key
from milepost.history.git_runner import UNKNOWN_REVISION
from milepost.history.project_files import ProjectFileVersions, read_file_versions
from milepost.history.state import GitHistory
from milepost.load.client_folders import client_folder, path_secret
from milepost.load.problems import Problem, display_path, field_name
from milepost.load.project_folders import FolderReading, read_project_folders
from milepost.load.settings import LedgerSource
from milepost.load.slugs import RESERVED_NAMES, OwnFolder
from milepost.load.yaml_source import YamlDocument
from milepost.model import Client, Portal, Project
from milepost.status.forecast import ReferenceClass, reference_class
from milepost.status.ledger import ledger_problems
from milepost.time_zone import client_zone

if TYPE_CHECKING:
    from milepost.load.settings import BuildSettings

log = logging.getLogger(f"mkdocs.plugins.{__name__}")


@dataclass
class LoadResult:
    """The portal as loaded and checked. Every problem is known per client (`problems_of`):
    a client's build needs only its own files, and the portal of the healthy clients
    (`healthy`) is there even when another client is broken."""

    portal: Portal | None  # the whole portal; None when there are problems
    problems: list[Problem] = field(default_factory=list)
    # The git history of each project file, by (client slug, project slug): see history/project_files.py.
    file_versions: dict[tuple[str, str], ProjectFileVersions] = field(default_factory=dict)
    # What this build read from git so far; the stages after loading read on with it.
    git_history: GitHistory = field(default_factory=GitHistory)
    # The clients without any problem, and their projects.
    healthy: Portal = field(default_factory=lambda: Portal((), ()))
    # Every client folder, broken or not, sorted (what `--client` may name).
    slugs: tuple[str, ...] = ()
    # The clients a problem belongs to: one client for its own files, both for two clients'
    # clash; none for what is no client's (a stray file in projects/, no projects/ at all).
    owners: dict[Problem, frozenset[str]] = field(default_factory=dict)
    # Every client whose client.yml is valid, broken projects or not (where its site goes).
    clients: tuple[Client, ...] = ()
    # The files read, by the path shown in messages, with the line of every value (for checks
    # that read the texts themselves, such as the spelling check).
    documents: dict[str, YamlDocument] = field(default_factory=dict)

    def problems_of(self, slug: str) -> list[Problem]:
        """The problems that stop client `slug` (sorted)."""
        return [p for p in self.problems if slug in self.owners.get(p, frozenset())]

    def general_problems(self) -> list[Problem]:
        """The problems of no client: they stop no client's build, but `check` fails on them."""
        return [p for p in self.problems if not self.owners.get(p)]

    @property
    def broken(self) -> list[str]:
        """The clients with a problem, sorted."""
        return sorted({slug for owners in self.owners.values() for slug in owners})


def agency_reference(loaded: LoadResult, today: dt.date) -> ReferenceClass:
    """The agency's reference class across all its clients (those without problems), for the forecasts of
    projects too young to judge by their own pace (status/forecast.py). A milestone's first
    promise is its `due`: `milepost check` keeps it there (later dates go in `delay.due`)."""
    return reference_class(((project, None) for project in loaded.healthy.projects), today)


def load_configured(
    settings: BuildSettings, *, today: dt.date, full_history: bool = False, git_history: GitHistory | None = None
) -> LoadResult:
    """`load_portal` set up as mkdocs.yml's `extra.milepost` says (projects folder, ledger
    repository, cache): what `check`, `clients`, `build` and each client's MkDocs build read."""
    return load_portal(
        settings.projects_dir,
        today=today,
        ledger=settings.ledger,
        cache_dir=settings.cache_dir,
        full_history=full_history,
        git_history=git_history,
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
    git_history: GitHistory | None = None,
) -> LoadResult:
    """Read and check everything under `projects_dir`; the portal only when nothing is wrong.

    The project files' git history is read too (`ledger`: where; by default the repository
    holding `projects_dir`), and a `due` moved later without a delay is a problem. A shallow
    clone only gives a warning, unless `full_history` (a build: no site without its ledger).
    `git_history`: the build's git state, a new one by default; the result carries it on.
    """
    git_history = git_history if git_history is not None else GitHistory()
    projects_dir = Path(projects_dir).absolute()
    reading = read_project_folders(projects_dir, today=today)
    owners: dict[Problem, set[str]] = {}
    found: list[tuple[Problem, tuple[str, ...]]] = [
        (problem, (reading.owned[problem],) if problem in reading.owned else ()) for problem in reading.problems
    ]
    found += _folder_clashes(reading)
    found += [(problem, (slug,)) for problem, slug in _repository_problems(reading, cache_dir, git_history)]
    file_versions, ledger_found = _file_versions(
        projects_dir, reading.clients, reading.projects, ledger, cache_dir, today, full_history, git_history
    )
    for problem, slugs in [*found, *ledger_found]:
        owners.setdefault(problem, set()).update(slugs)
    problems = sorted(owners)
    for problem in problems:
        log.debug("%s", problem)
    frozen = {problem: frozenset(slugs) for problem, slugs in owners.items()}
    broken = {slug for slugs in frozen.values() for slug in slugs}
    clients = tuple(sorted(reading.clients, key=lambda c: c.slug))
    projects = tuple(sorted(reading.projects, key=lambda p: (p.client, p.slug)))
    healthy = Portal(
        clients=tuple(c for c in clients if c.slug not in broken),
        projects=tuple(p for p in projects if p.client not in broken),
    )
    return LoadResult(
        portal=None if problems else Portal(clients=clients, projects=projects),
        problems=problems,
        file_versions=file_versions,
        git_history=git_history,
        healthy=healthy,
        slugs=tuple(reading.slugs),
        owners=frozen,
        clients=clients,
        documents=reading.documents,
    )


def _file_versions(
    projects_dir: Path,
    clients: list[Client],
    projects: list[Project],
    ledger: LedgerSource | None,
    cache_dir: Path | None,
    today: dt.date,
    full_history: bool,
    git_history: GitHistory,
) -> tuple[dict[tuple[str, str], ProjectFileVersions], list[tuple[Problem, tuple[str, ...]]]]:
    """The history of every project file that loaded, and its silent date moves as problems
    (each with its client; a problem of the portal's repository belongs to every client
    with a project, whose promise ledger it stops)."""
    paths = {(p.client, p.slug): projects_dir / p.client / f"{p.slug}.yml" for p in projects}
    if not paths:
        return {}, []
    reading = read_file_versions(
        projects_dir, list(paths.values()), source=ledger, cache_dir=cache_dir, full_history=full_history,
        git_history=git_history,
    )
    zones = {c.slug: c.timezone for c in clients}
    file_versions: dict[tuple[str, str], ProjectFileVersions] = {}
    everyone = tuple(sorted({client for client, _ in paths}))
    problems: list[tuple[Problem, tuple[str, ...]]] = [(problem, everyone) for problem in reading.problems]
    for key, path in paths.items():
        versions = reading.file_versions.get(path.absolute())
        if versions is None:
            continue
        file_versions[key] = versions
        for problem in ledger_problems(
            versions, path, source=display_path(path), timezone=client_zone(zones.get(key[0], "UTC")), today=today
        ):
            problems.append((problem, (key[0],)))
    return file_versions, problems


def _folder_clashes(reading: FolderReading) -> list[tuple[Problem, tuple[str, ...]]]:
    """Two clients whose sites would be published in the same folder (`path:` equal to the
    other's folder): a problem on each client.yml, belonging to both. What a build refuses."""
    try:
        secret = path_secret()
    except PrivacyError:
        return []  # the build says so, naming the variable
    by_folder: dict[str, list[Client]] = {}
    for client in sorted(reading.clients, key=lambda c: c.slug):
        by_folder.setdefault(client_folder(client, secret).lower(), []).append(client)
    problems: list[tuple[Problem, tuple[str, ...]]] = []
    for folder, owners in sorted(by_folder.items()):
        if folder not in RESERVED_NAMES:
            continue
        # A folder of Milepost's own (the shared theme files...): a client folder so named is
        # refused as it is read (load/slugs.py); here, a `path:` that names one.
        for client in (c for c in owners if c.path):
            document = reading.documents.get(client.source)
            line = document.line_of(("path",)) if document is not None else 0
            message = (
                f"'{folder}' is a name Milepost keeps for a folder of its own ({OwnFolder(folder).holds}); "
                "give it another `path:`"
            )
            problems.append((Problem(client.source or client.slug, line, "path", message), (client.slug,)))
    for sharing in by_folder.values():
        if len(sharing) < 2:
            continue
        slugs = tuple(c.slug for c in sharing)
        for client in sharing:
            others = ", ".join(other.source or other.slug for other in sharing if other is not client)
            document = reading.documents.get(client.source)
            if client.path:
                line = document.line_of(("path",)) if document is not None else 0
                where, what = "path", f"the folder '{client.path}'"
            else:
                line, where = 0, ""
                what = "its folder" if secret else f"the folder '{client.slug}' (its folder's name)"
            message = (
                f"its site would be published in {what}, like the site of {others}; "
                "give one of them another `path:`"
            )
            problems.append((Problem(client.source or client.slug, line, where, message), slugs))
    return problems


def _repository_problems(
    reading: FolderReading, cache_dir: Path | None, git_history: GitHistory
) -> list[tuple[Problem, str]]:
    """What a build would refuse about each local repository (`path:`), found now: not a
    repository, not its top folder, a shallow clone, a `branch:` it does not have. A `url:`
    is checked when it is fetched, by the build."""
    problems: list[tuple[Problem, str]] = []
    for project in sorted(reading.projects, key=lambda p: (p.client, p.slug)):
        document = reading.documents.get(project.source)
        for index, spec in enumerate(project.repositories):
            if not spec.path:
                continue
            try:
                history_key(spec, cache_dir=cache_dir, git_history=git_history)
            except HistoryError as err:
                name = "branch" if spec.branch and err.kind == UNKNOWN_REVISION else "path"
                path = ("repositories", index, name)
                line = document.line_of(path) if document is not None else 0
                problems.append((Problem(project.source, line, field_name(path), str(err)), project.client))
    return problems

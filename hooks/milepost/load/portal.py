"""Reading projects/ into a `Portal`: every client folder, its client.yml and project files.

Layout (see PRODUCT.md §1): `projects/<client>/client.yml` plus one `<project>.yml` per project.
Names starting with `_` or `.` are ignored, so drafts and editor files can sit next to the real
ones. Every problem of every file is collected before anything is built: the agency fixes them
in one go instead of one per run. Files that pass their checks become model objects through
model_from_data.py.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from milepost.model import Client, Portal, Project
from milepost.history.project_files import LedgerSource, PlanHistory, read_plan_histories, zone
from milepost.history.state import GitHistory
from milepost.status.ledger import ledger_problems
from milepost.load.checks import client_problems, project_problems
from milepost.load.model_from_data import client_from_data, project_from_data
from milepost.load.problems import Problem, display_path
from milepost.load.yaml_source import load_yaml_file

if TYPE_CHECKING:
    from milepost.load.settings import BuildSettings

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

CLIENT_FILE = "client.yml"
SLUG_PATTERN = re.compile(r"^[a-z0-9-]+$")
_SLUG_HINT = "rename it using lowercase letters, digits and '-' only"


@dataclass
class LoadResult:
    portal: Portal | None  # None when there are problems
    problems: list[Problem] = field(default_factory=list)
    # The git history of each project file, by (client slug, project slug): see plan_history.py.
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
    shown = display_path(projects_dir)
    if not projects_dir.is_dir():
        what = "is not a folder" if projects_dir.exists() else "folder not found"
        message = f"{what}; create it with one folder per client: {shown}/<client>/client.yml"
        return LoadResult(None, [_file_problem(projects_dir, message)], history=history)
    problems: list[Problem] = []
    clients: list[Client] = []
    projects: list[Project] = []
    for entry in sorted(projects_dir.iterdir()):
        if _ignored(entry):
            continue
        if entry.is_file():
            if entry.suffix in (".yml", ".yaml"):
                message = f"files here must sit in a client folder: move it to {shown}/<client>/{entry.name}"
                problems.append(_file_problem(entry, message))
            continue  # a README or similar next to the client folders is fine
        client, client_projects, found = _load_client_folder(entry, today)
        problems.extend(found)
        if client is not None:
            clients.append(client)
        projects.extend(client_projects)
    if not clients and not problems:
        problems.append(_file_problem(projects_dir, f"no client folders yet; create {shown}/<client>/client.yml"))
    histories, found = _histories(projects_dir, clients, projects, ledger, cache_dir, today, full_history, history)
    problems.extend(found)
    problems.sort()
    for problem in problems:
        log.debug("%s", problem)
    if problems:
        return LoadResult(None, problems, histories, history)
    portal = Portal(
        clients=tuple(sorted(clients, key=lambda c: c.slug)),
        projects=tuple(sorted(projects, key=lambda p: (p.client, p.slug))),
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


def _ignored(entry: Path) -> bool:
    return entry.name.startswith(("_", "."))


def _file_problem(path: Path, message: str) -> Problem:
    """A problem about a file or folder as a whole (no line)."""
    return Problem(display_path(path), 0, "", message)


def _load_client_folder(folder: Path, today: dt.date) -> tuple[Client | None, list[Project], list[Problem]]:
    problems: list[Problem] = []
    slug = folder.name
    if not SLUG_PATTERN.match(slug):
        problems.append(
            _file_problem(folder, f"folder name '{slug}' is not a valid client slug: {_SLUG_HINT}")
        )
    yaml_files = sorted(
        p for p in folder.iterdir() if p.is_file() and not _ignored(p) and p.suffix in (".yml", ".yaml")
    )
    for path in yaml_files:
        if path.suffix == ".yaml":
            problems.append(_file_problem(path, f"rename it to {path.stem}.yml (Milepost reads only .yml files)"))

    client: Client | None = None
    client_path = folder / CLIENT_FILE
    if client_path.is_file():
        source = display_path(client_path)
        document = load_yaml_file(client_path)
        found = client_problems(document, source=source)
        problems.extend(found)
        if not found:
            client = client_from_data(slug, document.data, source)
    elif not (folder / "client.yaml").is_file():  # that one already got a "rename it" problem
        problems.append(
            _file_problem(client_path, "missing: every client folder needs a client.yml (name, language, timezone)")
        )

    projects: list[Project] = []
    for path in yaml_files:
        if path.suffix != ".yml" or path.name == CLIENT_FILE:
            continue
        source = display_path(path)
        if not SLUG_PATTERN.match(path.stem):
            problems.append(_file_problem(path, f"'{path.stem}' is not a valid project slug: {_SLUG_HINT}"))
        document = load_yaml_file(path)
        found = project_problems(document, source=source, folder=path.parent, today=today)
        problems.extend(found)
        if not found:
            projects.append(project_from_data(slug, path, document.data, source))
    return client, projects, problems

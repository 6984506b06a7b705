"""Reading projects/ into a `Portal`: every client folder, its client.yml and project files.

Layout (see PRODUCT.md §1): `projects/<client>/client.yml` plus one `<project>.yml` per project.
Names starting with `_` or `.` are ignored, so drafts and editor files can sit next to the real
ones. Every problem of every file is collected before anything is built: the agency fixes them
in one go instead of one per run.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from milepost.model import (
    Absence,
    Budget,
    ChangeRequest,
    Client,
    Contact,
    Decision,
    Delay,
    Deliverable,
    HealthOverride,
    Milestone,
    Portal,
    Project,
    RepositorySpec,
    Task,
    WaitingItem,
)
from milepost.history.project_files import LedgerSource, PlanHistory, read_plan_histories, zone
from milepost.history.state import GitHistory
from milepost.status.ledger import ledger_problems
from milepost.load.checks import (
    SLUG_PATTERN,
    Problem,
    client_problems,
    display_path,
    parse_date,
    project_problems,
)
from milepost.load.yaml_source import load_yaml_file

if TYPE_CHECKING:
    from milepost.load.settings import BuildSettings

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

CLIENT_FILE = "client.yml"
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
            client = _client(slug, document.data, source)
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
            projects.append(_project(slug, path, document.data, source))
    return client, projects, problems


# --- validated data -> model ------------------------------------------------------------------
# These run only on data that passed every check, so shapes and dates are known to be right.
# Optional fields may be written empty (`done:`); that means "not set".


def _date(value: Any) -> dt.date:
    parsed = parse_date(value)
    assert parsed is not None, value
    return parsed


def _text(data: dict[str, Any], key: str) -> str:
    return data.get(key) or ""


def _list(data: dict[str, Any], key: str) -> list[Any]:
    return data.get(key) or []


def _client(slug: str, data: dict[str, Any], source: str) -> Client:
    return Client(
        slug=slug,
        name=data["name"],
        language=data["language"],
        timezone=data["timezone"],
        contacts=tuple(
            Contact(
                name=c["name"],
                role=_text(c, "role"),
                email=_text(c, "email"),
                phone=_text(c, "phone"),
                away=tuple(
                    Absence(start=_date(a["from"]), end=_date(a["to"]), deputy=a["deputy"])
                    for a in _list(c, "away")
                ),
            )
            for c in _list(data, "contacts")
        ),
        response_time=_text(data, "response_time"),
        source=source,
        allowed_hosts=tuple(_list(data, "allowed_hosts")),
        glossary=dict(data.get("glossary") or {}),
        path=_text(data, "path"),
        password_env=_text(data, "password_env"),
        commit_rules=tuple(_list(data, "commit_rules")),
    )


def _project(client: str, path: Path, data: dict[str, Any], source: str) -> Project:
    budget = data.get("budget")
    return Project(
        slug=path.stem,
        client=client,
        name=data["name"],
        summary=_text(data, "summary"),
        repositories=tuple(_repository(r, path.parent) for r in _list(data, "repositories")),
        milestones=tuple(_milestone(m) for m in _list(data, "milestones")),
        waiting_on_client=tuple(
            WaitingItem(
                title=w["title"],
                asked=_date(w["asked"]),
                needed_by=parse_date(w.get("needed_by")),
                milestone=_text(w, "milestone"),
                done=parse_date(w.get("done")),
            )
            for w in _list(data, "waiting_on_client")
        ),
        decisions=tuple(
            Decision(
                date=_date(d["date"]),
                title=d["title"],
                agreed=tuple(_list(d, "agreed")),
                summary=_text(d, "summary"),
            )
            for d in _list(data, "decisions")
        ),
        changes=tuple(
            ChangeRequest(
                id=c["id"],
                title=c["title"],
                status=c["status"],
                hours=float(c["hours"]) if c.get("hours") is not None else None,
                impact=_text(c, "impact"),
                date=parse_date(c.get("date")),
            )
            for c in _list(data, "changes")
        ),
        deliverables=tuple(
            Deliverable(
                date=_date(d["date"]),
                title=d["title"],
                url=_text(d, "url"),
                description=_text(d, "description"),
            )
            for d in _list(data, "deliverables")
        ),
        budget=(
            Budget(hours=float(budget["hours"]), used=float(budget["used"]), as_of=_date(budget["as_of"]))
            if budget
            else None
        ),
        next_update=parse_date(data.get("next_update")),
        glossary=dict(data.get("glossary") or {}),
        source=source,
        health_override=_health_override(data.get("health_override")),
    )


def _health_override(data: Any) -> HealthOverride | None:
    if not data:
        return None
    return HealthOverride(state=data["state"], reason=data["reason"].strip())


def _repository(data: dict[str, Any], folder: Path) -> RepositorySpec:
    path = data.get("path")
    return RepositorySpec(
        path=str((folder / path).resolve()) if path else "",
        url=_text(data, "url"),
        branch=_text(data, "branch"),
        include=tuple(_list(data, "include")),
    )


def _milestone(data: dict[str, Any]) -> Milestone:
    delay = data.get("delay")
    return Milestone(
        id=data["id"],
        title=data["title"],
        due=_date(data["due"]),
        done=parse_date(data.get("done")),
        start=parse_date(data.get("start")),
        description=_text(data, "description"),
        tasks=tuple(Task(title=t["title"], done=parse_date(t.get("done"))) for t in _list(data, "tasks")),
        delay=Delay(reason=delay["reason"], plan=delay["plan"], due=_date(delay["due"])) if delay else None,
        health_override=_health_override(data.get("health_override")),
    )

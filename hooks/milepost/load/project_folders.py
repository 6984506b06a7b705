"""Reading projects/: every client folder, its client.yml and project files, checked.

Layout (see PRODUCT.md §1): `projects/<client>/client.yml` plus one `<project>.yml` per project.
Names starting with `_` or `.` are ignored, so drafts and editor files can sit next to the real
ones. Every problem of every file is collected before anything is built: the agency fixes them
in one go instead of one per run. Files that pass their checks become model objects through
model_from_data.py.

Files stay in their client's folder: a symbolic link is followed only when it leads to a file
inside the same client folder. A link to anywhere else (another client's project, a file of
the machine) is refused without being read, so nothing of its target reaches a message or a
site; a client folder that is itself a link is refused the same way.

Every problem is known per client (`FolderReading.owned`): a broken client stops only itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from milepost.load.checks import client_problems, project_problems
from milepost.load.model_from_data import client_from_data, project_from_data
from milepost.load.problems import Problem, display_path
from milepost.load.slugs import slug_problem
from milepost.load.yaml_source import YamlDocument, load_yaml_file
from milepost.model import Client, Project

CLIENT_FILE = "client.yml"
# `milepost inbox`'s machine-written record of the client's answers (docs/answers.md): not a project.
ANSWER_RECORD = "answers.yml"
# `milepost inbox`'s machine-written record of how long each client message waited for a reply.
RESPONSE_RECORD = "responses.yml"
# The files of a client folder that are not projects.
NOT_PROJECTS = frozenset({CLIENT_FILE, ANSWER_RECORD, RESPONSE_RECORD})


@dataclass
class FolderReading:
    """What projects/ holds: the clients and projects whose files passed their checks, and
    every problem found (sorted by file and line)."""

    clients: list[Client] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Every client folder (its files valid or not), sorted.
    slugs: list[str] = field(default_factory=list)
    # Each problem's client (its folder's name); problems of no client folder are not in it.
    owned: dict[Problem, str] = field(default_factory=dict)
    # The read files, by the path shown in messages: where each value was written.
    documents: dict[str, YamlDocument] = field(default_factory=dict)


def read_project_folders(projects_dir: Path, *, today: dt.date) -> FolderReading:
    """Read and check every client folder under `projects_dir` (an absolute path)."""
    shown = display_path(projects_dir)
    if not projects_dir.is_dir():
        what = "is not a folder" if projects_dir.exists() else "folder not found"
        message = f"{what}; create it with one folder per client: {shown}/<client>/client.yml"
        return FolderReading(problems=[_file_problem(projects_dir, message)])
    reading = FolderReading()
    try:
        entries = sorted(projects_dir.iterdir())
    except OSError as err:
        return FolderReading(problems=[_file_problem(projects_dir, f"cannot read the folder ({err.strerror})")])
    for entry in entries:
        if _ignored(entry):
            continue
        if entry.is_symlink() and not entry.exists():
            if entry.suffix in (".yml", ".yaml") or not entry.suffix:
                reading.problems.append(_file_problem(entry, _DANGLING))
            continue
        if entry.is_file():
            if entry.suffix in (".yml", ".yaml"):
                message = f"files here must sit in a client folder: move it to {shown}/<client>/{entry.name}"
                reading.problems.append(_file_problem(entry, message))
            continue  # a README or similar next to the client folders is fine
        if not entry.is_dir():
            continue
        slug = entry.name
        reading.slugs.append(slug)
        if entry.is_symlink():
            found = [_file_problem(entry, _LINKED_FOLDER)]
            client, client_projects = None, list[Project]()
        else:
            client, client_projects, found = _load_client_folder(entry, today, reading.documents)
        reading.problems.extend(found)
        reading.owned.update((problem, slug) for problem in found)
        if client is not None:
            reading.clients.append(client)
        reading.projects.extend(client_projects)
    if not reading.clients and not reading.problems:
        reading.problems.append(
            _file_problem(projects_dir, f"no client folders yet; create {shown}/<client>/client.yml")
        )
    reading.problems.sort()
    return reading


_DANGLING = "a symbolic link to something that does not exist; remove the link or put the file here"
_LINKED_FOLDER = (
    "a client folder must be a real folder, not a symbolic link (a link would publish another "
    "folder's files on this client's site); replace the link by the folder itself"
)
_LINK_OUT = (
    "a symbolic link to a file outside this client's folder; it is not read. Put the file itself "
    "here (each client's files stay in the client's own folder)"
)


def _link_problem(path: Path, folder: Path) -> Problem | None:
    """Why the file at `path` (in client `folder`) must not be read, or None when it may:
    a link that leads nowhere, or outside the client's folder, is refused unread."""
    if not path.is_symlink():
        return None
    if not path.exists():
        return _file_problem(path, _DANGLING)
    try:
        path.resolve(strict=True).relative_to(folder.resolve(strict=True))
    except (OSError, RuntimeError, ValueError):  # a loop of links, or outside the folder
        return _file_problem(path, _LINK_OUT)
    return None


def _ignored(entry: Path) -> bool:
    return entry.name.startswith(("_", "."))


def _file_problem(path: Path, message: str) -> Problem:
    """A problem about a file or folder as a whole (no line)."""
    return Problem(display_path(path), 0, "", message)


def _load_client_folder(
    folder: Path, today: dt.date, documents: dict[str, YamlDocument]
) -> tuple[Client | None, list[Project], list[Problem]]:
    problems: list[Problem] = []
    slug = folder.name
    unfit = slug_problem(slug, project=False)
    if unfit is not None:
        problems.append(_file_problem(folder, unfit))
    try:
        entries = sorted(folder.iterdir())
    except OSError as err:
        return None, [], [*problems, _file_problem(folder, f"cannot read the folder ({err.strerror})")]
    candidates = [p for p in entries if not _ignored(p) and p.suffix in (".yml", ".yaml")]
    refused = set()
    for path in candidates:
        link = _link_problem(path, folder)
        if link is not None:
            problems.append(link)
            refused.add(path)
    yaml_files = [p for p in candidates if p not in refused and p.is_file()]
    for path in yaml_files:
        if path.suffix == ".yaml":
            problems.append(_file_problem(path, f"rename it to {path.stem}.yml (Milepost reads only .yml files)"))

    client: Client | None = None
    client_path = folder / CLIENT_FILE
    if client_path in refused:
        pass  # refused above, unread
    elif client_path.is_file():
        source = display_path(client_path)
        document = load_yaml_file(client_path)
        documents[source] = document
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
        if path.suffix != ".yml" or path.name in NOT_PROJECTS:
            continue
        source = display_path(path)
        unfit = slug_problem(path.stem, project=True)
        if unfit is not None:
            problems.append(_file_problem(path, unfit))
        document = load_yaml_file(path)
        documents[source] = document
        found = project_problems(document, source=source, folder=path.parent, today=today)
        problems.extend(found)
        if not found:
            projects.append(project_from_data(slug, path, document.data, source))
    return client, projects, problems

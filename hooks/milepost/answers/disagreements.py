"""Where a project file disagrees with the client's answers on the record (`milepost check`).

The agency's YAML stays the agency's: an answer applied by `milepost inbox` changes nothing in
it. So `check` names every field the record contradicts, with who answered, when, and what to
write ("CR-3 is still `proposed`; Marta Lis accepted it on 3 December 2026: set `status:
accepted`"). These are warnings, like likely misspellings: the site already shows the answer,
so nothing the client sees is wrong, and a PM may have a reason to wait (`check --strict`
fails on them).

Compared today: a change request's `status:` against the latest applied *Accept* or
*Decline*. When the change request changed after the answer (its hours or impact), the answer
covers an older version: the warning says to ask again rather than to set the status.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from milepost.answer_reference import Action, ItemKind, answerable_items
from milepost.answers.record import read_entries, record_path
from milepost.load.problems import Problem, field_name
from milepost.load.yaml_source import YamlDocument, load_yaml_file
from milepost.model import ChangeStatus, Client, Portal, Project
from milepost.time_zone import client_zone

# What an applied answer means for a change request's `status:`: the statuses that agree, and
# the one to write when the file has another.
_AGREES: Mapping[Action, tuple[frozenset[ChangeStatus], ChangeStatus, str]] = {
    Action.ACCEPT: (frozenset({ChangeStatus.ACCEPTED, ChangeStatus.DONE}), ChangeStatus.ACCEPTED, "accepted"),
    Action.DECLINE: (frozenset({ChangeStatus.REJECTED}), ChangeStatus.REJECTED, "declined"),
}


def _when(received: str, client: Client) -> str:
    """The day of an answer in the client's time zone, as the PM reads it: "3 December 2026"."""
    try:
        moment = dt.datetime.fromisoformat(received)
    except ValueError:
        return received
    day = moment.astimezone(client_zone(client.timezone)).date() if moment.tzinfo else moment.date()
    return f"{day.day} {day:%B %Y}"


def _latest_decisions(entries: tuple[dict[str, Any], ...]) -> dict[tuple[str, str], dict[str, Any]]:
    """The latest applied accept or decline per (project, change request), by when it was sent."""
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for entry in entries:
        if entry.get("applied") is not True or entry.get("kind") != ItemKind.CHANGE_REQUEST.value:
            continue
        if entry.get("action") not in {a.value for a in _AGREES}:
            continue
        key = (str(entry.get("project")), str(entry.get("item")))
        if key not in latest or str(entry.get("received")) >= str(latest[key].get("received")):
            latest[key] = entry
    return latest


def _project_disagreements(
    project: Project, client: Client, answers: Mapping[str, dict[str, Any]], path: Path,
    document: YamlDocument | None,
) -> Iterator[Problem]:
    current = {item.key: item.version for item in answerable_items(project) if item.kind == ItemKind.CHANGE_REQUEST}
    for index, change in enumerate(project.changes):
        entry = answers.get(change.id)
        if entry is None:
            continue
        action = Action(str(entry["action"]))
        agrees, wanted, did = _AGREES[action]
        if change.status in agrees:
            continue
        document = document or load_yaml_file(path)
        where = ("changes", index, "status")
        who, when = entry.get("name") or entry.get("address"), _when(str(entry.get("received")), client)
        still = "still " if change.status == ChangeStatus.PROPOSED else ""
        if change.id in current and current[change.id] != entry.get("version"):
            fix = (
                f"the change request changed after the answer (its hours, impact or title): send the new "
                f"version to the client, or set `status: {wanted.value}` if the answer still holds"
            )
        else:
            fix = f"set `status: {wanted.value}`"
        yield Problem(
            project.source, document.line_of(where), field_name(where),
            f"{change.id} is {still}`{change.status.value}`; {who} {did} it on {when}: {fix}",
        )


def record_disagreements(
    projects_dir: Path, portal: Portal, documents: Mapping[str, YamlDocument] | None = None
) -> list[Problem]:
    """Every field of the project files that an applied answer on the record contradicts, in
    the order of the clients and their projects. `documents`: the files as already read, by
    the path shown in messages (else each is read again for its lines). `AnswerError` when a
    record was edited by hand or cut short."""
    problems: list[Problem] = []
    for client in portal.clients:
        latest = _latest_decisions(read_entries(record_path(projects_dir, client.slug)))
        if not latest:
            continue
        for project in portal.projects:
            if project.client != client.slug:
                continue
            answers = {item: entry for (slug, item), entry in latest.items() if slug == project.slug}
            if answers:
                path = projects_dir / client.slug / f"{project.slug}.yml"
                document = (documents or {}).get(project.source)
                problems += _project_disagreements(project, client, answers, path, document)
    return problems

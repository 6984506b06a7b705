"""The YAML's own words through the same redaction as the commits, before anything shows them.

A summary, a delay's reason or a decision is written by people, and people paste: a database
password in a reason ("the import failed, PGPASSWORD=…"), a colleague's phone number in a
waiting item, an internal address in a summary. So every free-text field of a project that
reaches the client's site (pages, feeds, calendar, `status.json`), and the older versions the
promise ledger quotes, goes through `redaction.redact` with the client's allowed hosts, once,
in `publish/site_content.py`; no writer redacts on its own.

Kept as written:
- ids, dates, numbers and deliverable URLs: a deliverable link is the agency's deliberate
  link for the client, and `milepost check` already refuses one carrying credentials. Their
  hosts are allowed in the project's text too, so a summary may name the staging site the
  deliverables point to;
- the contacts of `client.yml` (their e-mail and phone are there to be shown) and names.

Text is redacted paragraph by paragraph, so a multi-paragraph summary keeps its paragraphs;
`redact` folds white space inside what it returns, so a paragraph it does not change is kept
exactly as written (with its line breaks). The fields are already capped when loaded
(load/text.py), so redaction shortens nothing (`max_chars=None`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable
from urllib.parse import urlsplit

from milepost.classify.classifier import placeholder_for
from milepost.classify.redaction import redact
from milepost.history.project_files import ProjectFileVersion, ProjectFileVersions
from milepost.load.milestone_snapshot import MilestoneSnapshot
from milepost.model import (
    ChangeRequest,
    Client,
    Decision,
    Delay,
    Deliverable,
    HealthOverride,
    Milestone,
    Project,
    Task,
    WaitingItem,
)


@dataclasses.dataclass(frozen=True)
class _Redactor:
    allowed_hosts: tuple[str, ...]
    placeholder: str

    def text(self, value: str) -> str:
        if not value:
            return value
        return "\n\n".join(self._paragraph(part) for part in value.split("\n\n"))

    def _paragraph(self, part: str) -> str:
        redacted = redact(part, allowed_hosts=self.allowed_hosts, placeholder=self.placeholder, max_chars=None)
        # redact() folds white space: when that is all it did, keep the line breaks as written.
        return part if redacted == " ".join(part.split()) else redacted

    def all(self, values: Iterable[str]) -> tuple[str, ...]:
        return tuple(self.text(value) for value in values)


def _hosts(project: Project) -> tuple[str, ...]:
    hosts = []
    for deliverable in project.deliverables:
        host = urlsplit(deliverable.url).hostname if deliverable.url else None
        if host:
            hosts.append(host)
    return tuple(sorted(set(hosts)))


def _redactor(client: Client, project: Project | None = None) -> _Redactor:
    extra = _hosts(project) if project else ()
    return _Redactor(tuple(client.allowed_hosts) + extra, placeholder_for(client.language))


def _override(override: HealthOverride | None, r: _Redactor) -> HealthOverride | None:
    return dataclasses.replace(override, reason=r.text(override.reason)) if override else None


def _delay(delay: Delay | None, r: _Redactor) -> Delay | None:
    return dataclasses.replace(delay, reason=r.text(delay.reason), plan=r.text(delay.plan)) if delay else None


def _milestone(milestone: Milestone, r: _Redactor) -> Milestone:
    return dataclasses.replace(
        milestone,
        title=r.text(milestone.title),
        description=r.text(milestone.description),
        tasks=tuple(dataclasses.replace(task, title=r.text(task.title)) for task in milestone.tasks),
        delay=_delay(milestone.delay, r),
        health_override=_override(milestone.health_override, r),
    )


def _glossary(glossary: dict[str, str], r: _Redactor) -> dict[str, str]:
    return {term: r.text(meaning) for term, meaning in glossary.items()}


def redact_project(project: Project, client: Client) -> Project:
    """`project` with every free-text field a client reads redacted (see the module docstring)."""
    r = _redactor(client, project)
    return dataclasses.replace(
        project,
        name=r.text(project.name),
        summary=r.text(project.summary),
        milestones=tuple(_milestone(m, r) for m in project.milestones),
        waiting_on_client=tuple(
            dataclasses.replace(item, title=r.text(item.title)) for item in project.waiting_on_client
        ),
        decisions=tuple(
            dataclasses.replace(d, title=r.text(d.title), summary=r.text(d.summary), agreed=r.all(d.agreed))
            for d in project.decisions
        ),
        changes=tuple(
            dataclasses.replace(c, title=r.text(c.title), impact=r.text(c.impact)) for c in project.changes
        ),
        deliverables=tuple(
            dataclasses.replace(d, title=r.text(d.title), description=r.text(d.description))
            for d in project.deliverables
        ),
        glossary=_glossary(project.glossary, r),
        health_override=_override(project.health_override, r),
    )


def redact_client_glossary(client: Client) -> Client:
    """`client` with its shared glossary's meanings redacted; its contacts are shown as written."""
    if not client.glossary:
        return client
    return dataclasses.replace(client, glossary=_glossary(client.glossary, _redactor(client)))


def redact_file_versions(versions: ProjectFileVersions, client: Client, project: Project) -> ProjectFileVersions:
    """The older versions of a project file with the words the promise ledger quotes redacted
    (a milestone's title and its delay's reason at that time)."""
    r = _redactor(client, project)

    def snapshot(milestone: MilestoneSnapshot) -> MilestoneSnapshot:
        return dataclasses.replace(
            milestone, title=r.text(milestone.title), delay_reason=r.text(milestone.delay_reason)
        )

    def version(v: ProjectFileVersion) -> ProjectFileVersion:
        return dataclasses.replace(v, milestones=tuple(snapshot(m) for m in v.milestones))

    return dataclasses.replace(versions, oldest_first=tuple(version(v) for v in versions.oldest_first))


# Listed so a reader of this module sees every model type whose text is handled above; a new
# free-text field in model.py must be added to redact_project (tests/unit/test_project_text.py
# checks every str field of these types is either redacted or named as kept).
HANDLED_TYPES: Collection[type] = (
    Project,
    Milestone,
    Task,
    Delay,
    HealthOverride,
    WaitingItem,
    Decision,
    ChangeRequest,
    Deliverable,
)


def redact_client_words(text: str, client: Client) -> str:
    """A client's own words (an e-mailed answer) redacted as every text its site shows."""
    return _redactor(client).text(text)

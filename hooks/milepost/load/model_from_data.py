"""Checked client.yml and <project>.yml data -> the model's `Client` and `Project`.

These run only on data that passed every check (checks.py), so shapes and dates are known to be
right. Optional fields may be written empty (`done:`); that means "not set". Every free text
goes through `load/text.py` here (`_name`, `_line`, `_paragraphs`), so that whatever a YAML
string holds, every page, feed, calendar and status.json can carry it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from milepost.load.dates import parse_date
from milepost.load.text import LINE_CAP, one_line, paragraphs
from milepost.model import (
    Absence,
    Budget,
    ChangeRequest,
    ChangeStatus,
    Client,
    CommitNotes,
    Contact,
    Decision,
    Delay,
    Deliverable,
    HealthOverride,
    LetterSchedule,
    Milestone,
    Project,
    Recipient,
    RepositorySpec,
    Task,
    WaitingItem,
)


def _date(value: Any) -> dt.date:
    parsed = parse_date(value)
    assert parsed is not None, value
    return parsed


def _text(data: dict[str, Any], key: str) -> str:
    return data.get(key) or ""


def _name(data: dict[str, Any], key: str) -> str:
    """A name or title: one line (NAME_CAP)."""
    return one_line(_text(data, key))


def _promised_hours(data: dict[str, Any]) -> float | None:
    """The response time promised as a number of hours: `response_time: {hours: 1}`, else the
    older `response_hours: 1`; None when only words (or nothing) are promised."""
    promise = data.get("response_time")
    if isinstance(promise, dict) and promise.get("hours") is not None:
        return float(promise["hours"])
    return float(data["response_hours"]) if data.get("response_hours") is not None else None


def _line(data: dict[str, Any], key: str) -> str:
    """A one-sentence field: one line (LINE_CAP)."""
    return one_line(_text(data, key), LINE_CAP)


def _paragraphs(data: dict[str, Any], key: str) -> str:
    """A field that may hold paragraphs (TEXT_CAP)."""
    return paragraphs(_text(data, key))


def _glossary(data: dict[str, Any]) -> dict[str, str]:
    return {one_line(word): one_line(meaning, LINE_CAP) for word, meaning in (data.get("glossary") or {}).items()}


def _list(data: dict[str, Any], key: str) -> list[Any]:
    return data.get(key) or []


def client_from_data(slug: str, data: dict[str, Any], source: str) -> Client:
    """The `Client` of a checked client.yml (`slug`: its folder's name)."""
    return Client(
        slug=slug,
        name=_name(data, "name"),
        language=data["language"],
        timezone=data["timezone"],
        contacts=tuple(
            Contact(
                name=_name(c, "name"),
                role=_line(c, "role"),
                email=_name(c, "email"),
                phone=_name(c, "phone"),
                away=tuple(
                    Absence(start=_date(a["from"]), end=_date(a["to"]), deputy=_name(a, "deputy"))
                    for a in _list(c, "away")
                ),
            )
            for c in _list(data, "contacts")
        ),
        response_time=_line(data, "response_time") if not isinstance(data.get("response_time"), dict) else "",
        response_hours=_promised_hours(data),
        response_business=isinstance(data.get("response_time"), dict) and data["response_time"].get("business") is True,
        country=_text(data, "country").upper(),
        source=source,
        allowed_hosts=tuple(_list(data, "allowed_hosts")),
        ticket_prefixes=tuple(_list(data, "ticket_prefixes")),
        glossary=_glossary(data),
        path=_text(data, "path"),
        password_env=_text(data, "password_env"),
        commit_rules=tuple(_list(data, "commit_rules")),
        letters=_letters(data.get("letters")),
        approvers=tuple(Recipient(name=r["name"], email=r["email"]) for r in _list(data, "approvers")),
        commit_notes=CommitNotes(data.get("commit_notes") or CommitNotes.ALL.value),
    )


def _letters(data: Any) -> LetterSchedule:
    if not data:
        return LetterSchedule()
    return LetterSchedule(
        weekly=data.get("weekly") or "off",
        to=tuple(Recipient(name=r["name"], email=r["email"]) for r in _list(data, "to")),
    )


def project_from_data(client: str, path: Path, data: dict[str, Any], source: str) -> Project:
    """The `Project` of a checked <project>.yml at `path` (repository paths are relative to its folder)."""
    budget = data.get("budget")
    return Project(
        slug=path.stem,
        client=client,
        name=_name(data, "name"),
        summary=_paragraphs(data, "summary"),
        repositories=tuple(_repository(r, path.parent) for r in _list(data, "repositories")),
        milestones=tuple(_milestone(m) for m in _list(data, "milestones")),
        waiting_on_client=tuple(
            WaitingItem(
                title=_name(w, "title"),
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
                title=_name(d, "title"),
                agreed=tuple(one_line(point, LINE_CAP) for point in _list(d, "agreed")),
                summary=_paragraphs(d, "summary"),
                correction=d.get("correction") is True,
            )
            for d in _list(data, "decisions")
        ),
        changes=tuple(
            ChangeRequest(
                id=c["id"],
                title=_name(c, "title"),
                status=ChangeStatus(c["status"]),
                hours=float(c["hours"]) if c.get("hours") is not None else None,
                impact=_paragraphs(c, "impact"),
                date=parse_date(c.get("date")),
                decide_by=parse_date(c.get("decide_by")),
            )
            for c in _list(data, "changes")
        ),
        deliverables=tuple(
            Deliverable(
                date=_date(d["date"]),
                title=_name(d, "title"),
                url=_text(d, "url"),
                description=_paragraphs(d, "description"),
                sign_off=bool(d.get("sign_off")),
            )
            for d in _list(data, "deliverables")
        ),
        budget=(
            Budget(hours=float(budget["hours"]), used=float(budget["used"]), as_of=_date(budget["as_of"]))
            if budget
            else None
        ),
        next_update=parse_date(data.get("next_update")),
        glossary=_glossary(data),
        source=source,
        health_override=_health_override(data.get("health_override")),
    )


def _health_override(data: Any) -> HealthOverride | None:
    if not data:
        return None
    return HealthOverride(state=data["state"], reason=_paragraphs(data, "reason"))


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
        title=_name(data, "title"),
        due=_date(data["due"]),
        done=parse_date(data.get("done")),
        start=parse_date(data.get("start")),
        description=_paragraphs(data, "description"),
        tasks=tuple(Task(title=_name(t, "title"), done=parse_date(t.get("done"))) for t in _list(data, "tasks")),
        delay=(
            Delay(reason=_paragraphs(delay, "reason"), plan=_paragraphs(delay, "plan"), due=_date(delay["due"]))
            if delay
            else None
        ),
        health_override=_health_override(data.get("health_override")),
        final=data.get("final") is True,
    )

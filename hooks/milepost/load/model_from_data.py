"""Checked client.yml and <project>.yml data -> the model's `Client` and `Project`.

These run only on data that passed every check (checks.py), so shapes and dates are known to be
right. Optional fields may be written empty (`done:`); that means "not set".
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from milepost.load.dates import parse_date
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
    LetterPlan,
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


def _list(data: dict[str, Any], key: str) -> list[Any]:
    return data.get(key) or []


def client_from_data(slug: str, data: dict[str, Any], source: str) -> Client:
    """The `Client` of a checked client.yml (`slug`: its folder's name)."""
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
        letters=_letters(data.get("letters")),
    )


def _letters(data: Any) -> LetterPlan:
    if not data:
        return LetterPlan()
    return LetterPlan(
        weekly=data.get("weekly") or "off",
        to=tuple(Recipient(name=r["name"], email=r["email"]) for r in _list(data, "to")),
    )


def project_from_data(client: str, path: Path, data: dict[str, Any], source: str) -> Project:
    """The `Project` of a checked <project>.yml at `path` (repository paths are relative to its folder)."""
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

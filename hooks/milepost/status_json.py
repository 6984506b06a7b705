"""`status.json`: one project's status as data, for clients who want to read it with a program.

The shape is a promise: fields are only ever added within a `schema_version`; renaming or
removing one raises the version. Every date is an ISO `YYYY-MM-DD` string; absent values are
`null`, never missing keys. Only what the client's own project page already shows goes in.

    schema_version   1
    generated_on     the build's "today" (in the client's time zone)
    client           the client's name
    project          {slug, name, summary}
    next_update      when the team promised the next update, or null
    health           {state, rule}: state is done | late | at_risk | on_track | planned;
                     rule is the short reason (see docs on health), e.g. "past-due"
    progress         {done, total, share}: tasks done / all tasks across milestones (a
                     milestone without tasks counts as one); share is done / total, 0..1
    next_milestone   the open milestone promised soonest, as in `milestones`, or null
    milestones       [{id, title, description, state, rule, due (the first promise),
                      current_due (the date promised now), done (date or null), progress
                      (0..1), tasks_done, tasks_total, tasks: [{title, done}],
                      delay: {reason, plan, due} or null}], in timeline order
    waiting_on_client  what the team still needs, overdue first, then by when it is needed:
                     [{title, asked, needed_by, overdue_days (0 when not overdue), milestone
                      (id or null)}]
    budget           {hours, used, left, share_used, as_of} or null
    deliverables     [{date, title, url, description}], newest first
    changes          change requests: [{id, title, status, hours, impact, date}]
    recent_work      [{date, kind, text, milestone}] for listed work (kind: note | new |
                     fixed | faster) in the last RECENT_WEEKS calendar weeks, newest first
    recent_work_from first day of that window
    counted_recently how many smaller technical changes were counted (not listed) in it
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from .health import milestone_health, next_milestone, project_health, project_progress
from .i18n import texts_for
from .model import Budget, Client, Milestone, Project, ShownChange
from .project_page import open_waiting
from .recent_work import LISTED_KINDS, weeks_of_work

SCHEMA_VERSION = 1
# Same window as "What changed recently" on the project page.
RECENT_WEEKS = 6
# Shares are rounded so the file does not carry float noise like 0.30000000000000004.
SHARE_DIGITS = 4


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _share(value: float) -> float:
    return round(value, SHARE_DIGITS)


def _milestone(m: Milestone, project: Project, today: dt.date) -> dict[str, Any]:
    health = milestone_health(m, project, today)
    return {
        "id": m.id,
        "title": m.title,
        "description": m.description,
        "state": health.state,
        "rule": health.rule,
        "due": m.due.isoformat(),
        "current_due": m.current_due.isoformat(),
        "done": _iso(m.done),
        "progress": _share(m.progress),
        "tasks_done": m.tasks_done,
        "tasks_total": len(m.tasks),
        "tasks": [{"title": t.title, "done": _iso(t.done)} for t in m.tasks],
        "delay": (
            {"reason": m.delay.reason, "plan": m.delay.plan, "due": m.delay.due.isoformat()}
            if m.delay
            else None
        ),
    }


def _progress(project: Project) -> dict[str, Any]:
    # Counted the way `health.project_progress` weighs milestones: by tasks, at least one each.
    total = sum(max(len(m.tasks), 1) for m in project.milestones)
    done = sum(max(len(m.tasks), 1) if m.done else m.tasks_done for m in project.milestones)
    return {"done": done, "total": total, "share": _share(project_progress(project))}


def _budget(budget: Budget | None) -> dict[str, Any] | None:
    if budget is None:
        return None
    return {
        "hours": budget.hours,
        "used": budget.used,
        "left": budget.hours - budget.used,
        "share_used": _share(budget.used / budget.hours) if budget.hours else None,
        "as_of": budget.as_of.isoformat(),
    }


def project_status(
    client: Client, project: Project, changes: Sequence[ShownChange], today: dt.date
) -> dict[str, Any]:
    """The project's status as plain JSON-ready data (see the module docstring for the shape).

    `changes` are the project's commits after the plain-language rules and redaction.
    """
    health = project_health(project, today)
    upcoming = next_milestone(project)
    timeline = sorted(project.milestones, key=lambda m: (m.done or m.current_due, m.id))

    # The week boundaries follow the client's locale, exactly as on the project page.
    weeks = weeks_of_work(
        tuple(changes),
        today=today,
        week_start=texts_for(client.language).week_start(today),
        weeks=RECENT_WEEKS,
    )
    recent = [
        change for week in weeks for kind in LISTED_KINDS for change in week.listed.get(kind, ())
    ]
    recent.sort(key=lambda c: (-c.date.toordinal(), LISTED_KINDS.index(c.kind), c.text))

    return {
        "schema_version": SCHEMA_VERSION,
        "generated_on": today.isoformat(),
        "client": client.name,
        "project": {"slug": project.slug, "name": project.name, "summary": project.summary},
        "next_update": _iso(project.next_update),
        "health": {"state": health.state, "rule": health.rule},
        "progress": _progress(project),
        "next_milestone": _milestone(upcoming, project, today) if upcoming else None,
        "milestones": [_milestone(m, project, today) for m in timeline],
        "waiting_on_client": [
            {
                "title": item.title,
                "asked": item.asked.isoformat(),
                "needed_by": _iso(item.needed_by),
                "overdue_days": max((today - item.needed_by).days, 0) if item.needed_by else 0,
                "milestone": item.milestone or None,
            }
            for item in open_waiting(project, today)
        ],
        "budget": _budget(project.budget),
        "deliverables": [
            {"date": d.date.isoformat(), "title": d.title, "url": d.url, "description": d.description}
            for d in sorted(project.deliverables, key=lambda d: (d.date, d.title), reverse=True)
        ],
        "changes": [
            {
                "id": c.id,
                "title": c.title,
                "status": c.status,
                "hours": c.hours,
                "impact": c.impact,
                "date": _iso(c.date),
            }
            for c in project.changes
        ],
        "recent_work": [
            {"date": c.date.isoformat(), "kind": c.kind, "text": c.text, "milestone": c.milestone or None}
            for c in recent
        ],
        "recent_work_from": weeks[-1].start.isoformat(),
        "counted_recently": sum(week.counted for week in weeks),
    }


def status_json_bytes(
    client: Client, project: Project, changes: Sequence[ShownChange], today: dt.date
) -> bytes:
    """`project_status` as UTF-8 JSON: readable (indented, no \\u escapes), same input same bytes."""
    text = json.dumps(project_status(client, project, changes, today), ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")

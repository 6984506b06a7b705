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
                     rule is the rule that decided (docs/health.md), e.g. "past-due"
    state_reason     the team's written reason when it set the state by hand (rule
                     "override"), else null
    progress         {done, total, share}: tasks done / all tasks across milestones (a
                     milestone without tasks counts as one); share is done / total, 0..1
    next_milestone   the open milestone promised soonest, as in `milestones`, or null
    milestones       [{id, title, description, state, rule, due (the first promise),
                      current_due (the date promised now), done (date or null), progress
                      (0..1), tasks_done, tasks_total, tasks: [{title, done}],
                      delay: {reason, plan, due} or null, state_reason (the team's written
                      reason for a manual state, or null), ledger, forecast}], in timeline order
                     ledger: how the promised date changed, from the project file's git history:
                       {first_promise, promised_on, changes: [{kind: moved | explained, day,
                       from, to (null for explained), later (true/false), reason (null when
                       none was given)}]}, or null when there is no history (see `ledger`)
                     forecast: {available: true, method (simulation | reference-class),
                       earliest (50th percentile), latest (85th, at least a week later; null:
                       open-ended, "not before earliest"), chance (of keeping the promise now,
                       0..1), remaining_tasks, weeks (of history drawn from), pace_per_week
                       and growth_per_week (weighted means of tasks done and added; null for
                       the reference class), references (milestones behind a reference-class
                       forecast: finished, or open and late so far; null for a simulation),
                       later_than_promise}
                       or {available: false, reason: done |
                       no-tasks | all-tasks-done | not-enough-data | not-measured}
    waiting_on_client  what the team still needs, overdue first, then by when it is needed:
                     [{title, asked, needed_by, overdue_days (0 when not overdue), milestone
                      (id or null)}]
    waiting_for_decision  change requests waiting for the client's decision (status
                     proposed, and not accepted or declined on the record in this version):
                     [id], oldest first (also in "Waiting on you" and its count)
    answer_links     the answers the client is asked for, when the portal offers answer links
                     (docs/answers.md): [{kind, item, action, label, reference, mailto}], in the
                     page's order; [] without them
    answers          the client's applied answers on the record (answers.yml), newest first:
                     [{received (ISO 8601 in the client's time zone), name, kind, item, what,
                      action, sentence (in the client's language), current (to the version
                      shown now), words, answer}]; `answer` is the agency's first reply to a
                      question (an `ask`): {replied, name, sentence, words}, null while none is
                      recorded and for every other kind of answer
    update_overdue_days  days the promised `next_update` is past (0: not past, or none)
    budget           {hours, used, left, share_used, as_of, used_percent, done_percent (null:
                     no tasks), ahead (the hours run ahead of the work), covers_percent (at
                     this pace, the share of the plan the hours cover; null unless ahead),
                     raises: [{day, from, to}] (from the file's history)} or null
    deliverables     [{date, title, url, description}], newest first
    changes          change requests: [{id, title, status, hours, impact, date}]
    recent_work      [{date, kind, text, milestone}] for listed work (kind: note | new |
                     fixed | faster) in the last RECENT_WEEKS calendar weeks, newest first
    recent_work_from first day of that window
    counted_recently how many smaller technical changes were counted (not listed) in it
    ledger           {available, reason}: whether the promise ledger could be read (reason
                     "no-history": the portal is not in git, so `milestones[].ledger` is null)
    burnup           {scope_from_history, points: [{date, scope, done}]}: tasks planned and
                     done over time (see burnup.py), oldest first, the last point today; null
                     when nothing was measured
    last_work        the latest day work was shown to the client (a change or a task done), or null
    promise_record   {finished, kept (finished by the date first promised), moves: [{milestone,
                     days (from the first promise), finished}]} (status/kept_promises.py)
    finish           the project's end (status/finish.py: the milestone marked `final: true`,
                     else the one promised last): {milestone (id), title, final (marked
                     `final: true`), promise (the date promised now), first_promise, done (date
                     or null), forecast: {method, earliest, latest, chance, later_than_promise}
                     or null (finished, or no forecast: see the milestone's `forecast`)}, or
                     null for a project without milestones
    calibration      how often the forecasts made four weeks ahead held (status/calibration.py):
                     {held, total, milestones: [{milestone, forecast_made (the day replayed),
                     done, earliest, latest (null: open-ended), held}]}, or null when not
                     measured; total 0 when no finished milestone could be replayed
    client_calibration  the same {held, total} across all the client's projects, or null
    health_weeks     the project's state at the end of each week since its file was first
                     committed (status/health_timeline.py): [{end, state, rule}], oldest first
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from milepost.answer_reference import ItemKind, answerable_items, reference_in
from milepost.answers.applied import AppliedAnswer, decided_changes
from milepost.i18n import Texts, texts_for
from milepost.model import Budget, Client, Milestone, Project, WorkNote
from milepost.render.answer_views import NO_ANSWERS, AnswerSetup, answer_view, record_lines, reply_view
from milepost.status.budget import BudgetPace, budget_pace
from milepost.status.burnup import BurnUp
from milepost.status.calibration import Calibration
from milepost.status.finish import Finish, project_finish
from milepost.status.forecast import Forecast, ForecastMethod
from milepost.status.headline import update_overdue
from milepost.status.health import milestone_health, next_milestone, project_health, project_progress
from milepost.status.kept_promises import KeptPromises, project_kept_promises
from milepost.status.ledger import UNAVAILABLE, MilestoneLedger
from milepost.status.outlook import ProjectOutlook
from milepost.status.recent_work import LISTED_KINDS, Week, weeks_of_work
from milepost.status.waiting import awaiting_decision, open_waiting
from milepost.time_zone import client_zone

SCHEMA_VERSION = 1
# Same window as "What changed recently" on the project page.
RECENT_WEEKS = 6
# Shares are rounded so the file does not carry float noise like 0.30000000000000004.
SHARE_DIGITS = 4


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _share(value: float) -> float:
    return round(value, SHARE_DIGITS)


def _milestone(m: Milestone, project: Project, today: dt.date, outlook: ProjectOutlook | None) -> dict[str, Any]:
    health = milestone_health(m, project, today, outlook.signals if outlook else None)
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
        "state_reason": health.reason or None,
        "ledger": _ledger(outlook.ledger.of(m.id)) if outlook else None,
        "forecast": _forecast(m, outlook.forecasts.get(m.id) if outlook else None),
    }


def _ledger(ledger: MilestoneLedger | None) -> dict[str, Any] | None:
    if ledger is None:
        return None
    return {
        "first_promise": ledger.first_promise.isoformat(),
        "promised_on": ledger.promised_on.isoformat(),
        "changes": [
            {
                "kind": change.kind,
                "day": change.day.isoformat(),
                "from": _iso(change.old),
                "to": _iso(change.new),
                "later": change.later,
                "reason": change.reason or None,
            }
            for change in ledger.events
        ],
    }


def _forecast(m: Milestone, forecast: Forecast | None) -> dict[str, Any]:
    if forecast is None:
        return {"available": False, "reason": "not-measured"}
    if not forecast.available:
        return {"available": False, "reason": forecast.reason}
    simulated = forecast.method == ForecastMethod.SIMULATION
    return {
        "available": True,
        "earliest": _iso(forecast.earliest),
        "latest": _iso(forecast.latest),
        "method": forecast.method,
        "chance": round(forecast.chance, 3) if forecast.chance is not None else None,
        "remaining_tasks": forecast.remaining,
        "weeks": forecast.weeks if simulated else None,
        "pace_per_week": forecast.pace if simulated else None,
        "growth_per_week": forecast.growth if simulated else None,
        "references": None if simulated else forecast.references,
        "later_than_promise": forecast.later_than(m.current_due),
    }


def _finish(finish: Finish | None) -> dict[str, Any] | None:
    if finish is None:
        return None
    forecast = None
    if finish.done is None and finish.earliest is not None:
        forecast = {
            "method": finish.method,
            "earliest": _iso(finish.earliest),
            "latest": _iso(finish.latest),
            "chance": round(finish.chance, 3) if finish.chance is not None else None,
            "later_than_promise": finish.later,
        }
    return {
        "milestone": finish.milestone,
        "title": finish.title,
        "final": finish.marked,
        "promise": finish.promise.isoformat(),
        "first_promise": finish.first_promise.isoformat(),
        "done": _iso(finish.done),
        "forecast": forecast,
    }


def _progress(project: Project) -> dict[str, Any]:
    # Counted the way `health.project_progress` weighs milestones: by tasks, at least one each.
    total = sum(max(len(m.tasks), 1) for m in project.milestones)
    done = sum(max(len(m.tasks), 1) if m.done else m.tasks_done for m in project.milestones)
    return {"done": done, "total": total, "share": _share(project_progress(project))}


def _budget(budget: Budget | None, pace: BudgetPace | None) -> dict[str, Any] | None:
    if budget is None:
        return None
    return {
        "hours": budget.hours,
        "used": budget.used,
        "left": budget.hours - budget.used,
        "share_used": _share(budget.used / budget.hours) if budget.hours else None,
        "as_of": budget.as_of.isoformat(),
        "used_percent": pace.used_percent if pace else None,
        "done_percent": pace.done_percent if pace else None,
        "ahead": pace.ahead if pace else False,
        "covers_percent": pace.covers_percent if pace else None,
        "raises": [{"day": r.day.isoformat(), "from": r.old, "to": r.new} for r in pace.raises] if pace else [],
    }


def _kept_promises(kept: KeptPromises) -> dict[str, Any]:
    return {
        "finished": kept.finished,
        "kept": kept.kept,
        "moves": [{"milestone": m.milestone, "days": m.days, "finished": m.finished} for m in kept.moves],
    }


def _calibration(calibration: Calibration | None, *, replays: bool = True) -> dict[str, Any] | None:
    if calibration is None:
        return None
    figures: dict[str, Any] = {"held": calibration.held, "total": calibration.total}
    if replays:
        figures["milestones"] = [
            {
                "milestone": r.milestone,
                "forecast_made": r.made.isoformat(),
                "done": r.done.isoformat(),
                "earliest": r.earliest.isoformat(),
                "latest": _iso(r.latest),
                "held": r.held,
            }
            for r in calibration.replays
        ]
    return figures
def _answer_links(project: Project, answers: AnswerSetup, texts: Texts) -> list[dict[str, Any]]:
    return [
        {
            "kind": item.kind.value,
            "item": item.key,
            "action": link.action.value,
            "label": link.label,
            "reference": reference_in(link.subject),
            "mailto": link.href,
        }
        for item in answerable_items(project)
        for link in answer_view(item, answers, texts).links
    ]


def _reply(question: AppliedAnswer, answers: AnswerSetup, texts: Texts, zone: dt.tzinfo) -> dict[str, Any] | None:
    """The agency's reply to a client's question, None while none is recorded."""
    reply = reply_view(question, answers, texts)
    if reply is None:
        return None
    return {
        "replied": reply.replied.astimezone(zone).isoformat(timespec="seconds"),
        "name": reply.name,
        "sentence": reply.sentence,
        "words": reply.words,
    }


def _answers(project: Project, answers: AnswerSetup, texts: Texts, zone: dt.tzinfo) -> list[dict[str, Any]]:
    return [
        {
            "received": line.answer.received.astimezone(zone).isoformat(timespec="seconds"),
            "name": line.answer.name,
            "kind": line.answer.kind.value,
            "item": line.answer.item,
            "what": line.what,
            "action": line.answer.action.value,
            "sentence": line.sentence,
            "current": line.current,
            "words": line.answer.words,
            "answer": _reply(line.answer, answers, texts, zone) if line.answer.kind is ItemKind.PROJECT else None,
        }
        for line in record_lines((project,), answers, texts)
    ]


def project_status(
    client: Client,
    project: Project,
    work: Sequence[WorkNote],
    today: dt.date,
    outlook: ProjectOutlook | None = None,
    client_calibration: Calibration | None = None,
    answers: AnswerSetup = NO_ANSWERS,
) -> dict[str, Any]:
    """The project's status as plain JSON-ready data (see the module docstring for the shape).

    `work` is the project's commits after the plain-language rules and redaction;
    `outlook` what was measured about it (ledger, forecasts, burn-up), None when unmeasured;
    `answers` the answer links offered and the client's answers on the record.
    """
    texts = texts_for(client.language, client.timezone)
    health = project_health(project, today, outlook.signals if outlook else None)
    upcoming = next_milestone(project)
    timeline = sorted(project.milestones, key=lambda m: (m.done or m.current_due, m.id))

    # The week boundaries follow the client's locale, exactly as on the project page.
    weeks = weeks_of_work(
        tuple(work),
        today=today,
        week_start=texts.week_start(today),
        weeks=RECENT_WEEKS,
    )

    return {
        "schema_version": SCHEMA_VERSION,
        "generated_on": today.isoformat(),
        "client": client.name,
        "project": {"slug": project.slug, "name": project.name, "summary": project.summary},
        "next_update": _iso(project.next_update),
        "health": {"state": health.state, "rule": health.rule},
        "state_reason": health.reason or None,
        "progress": _progress(project),
        "next_milestone": _milestone(upcoming, project, today, outlook) if upcoming else None,
        "milestones": [_milestone(m, project, today, outlook) for m in timeline],
        "waiting_on_client": _waiting_on_client(project, today),
        "waiting_for_decision": [
            c.id for c in awaiting_decision(project, decided_changes(project, answers.answers))
        ],
        "answer_links": _answer_links(project, answers, texts),
        "answers": _answers(project, answers, texts, client_zone(client.timezone)),
        "update_overdue_days": update_overdue(project, today),
        "budget": _budget(
            project.budget,
            outlook.budget if outlook else budget_pace(project, None, dt.UTC, today),
        ),
        "deliverables": _deliverables(project),
        "changes": _changes(project),
        "recent_work": _recent_work(weeks),
        "recent_work_from": weeks[-1].start.isoformat(),
        "counted_recently": sum(week.counted for week in weeks),
        "ledger": {
            "available": bool(outlook and outlook.ledger.available),
            "reason": (outlook.ledger.reason if outlook else "not-measured") or None,
        },
        "burnup": _burnup(outlook.burnup) if outlook and outlook.burnup else None,
        "last_work": _iso(outlook.signals.last_work) if outlook else None,
        "promise_record": _kept_promises(
            outlook.kept_promises
            if outlook and outlook.kept_promises
            else project_kept_promises(project, outlook.ledger if outlook else UNAVAILABLE, today)
        ),
        "finish": _finish(outlook.finish if outlook else project_finish(project, {})),
        "calibration": _calibration(outlook.calibration if outlook else None),
        "client_calibration": _calibration(client_calibration, replays=False),
        "health_weeks": [
            {"end": w.end.isoformat(), "state": w.state.value, "rule": w.rule}
            for w in (outlook.health_weeks if outlook else ())
        ],
    }


def _waiting_on_client(project: Project, today: dt.date) -> list[dict[str, Any]]:
    return [
        {
            "title": item.title,
            "asked": item.asked.isoformat(),
            "needed_by": _iso(item.needed_by),
            "overdue_days": max((today - item.needed_by).days, 0) if item.needed_by else 0,
            "milestone": item.milestone or None,
        }
        for item in open_waiting(project, today)
    ]


def _deliverables(project: Project) -> list[dict[str, Any]]:
    return [
        {"date": d.date.isoformat(), "title": d.title, "url": d.url, "description": d.description}
        for d in sorted(project.deliverables, key=lambda d: (d.date, d.title), reverse=True)
    ]


def _changes(project: Project) -> list[dict[str, Any]]:
    return [
        {"id": c.id, "title": c.title, "status": c.status, "hours": c.hours, "impact": c.impact, "date": _iso(c.date)}
        for c in project.changes
    ]


def _recent_work(weeks: Sequence[Week]) -> list[dict[str, Any]]:
    """The listed work of the recent weeks, newest first (as on the project page)."""
    recent = [change for week in weeks for kind in LISTED_KINDS for change in week.listed.get(kind, ())]
    recent.sort(key=lambda c: (-c.date.toordinal(), LISTED_KINDS.index(c.kind), c.text))
    return [
        {"date": c.date.isoformat(), "kind": c.kind, "text": c.text, "milestone": c.milestone or None}
        for c in recent
    ]


def _burnup(burnup: BurnUp) -> dict[str, Any]:
    return {
        "scope_from_history": burnup.scope_from_history,
        "points": [{"date": p.day.isoformat(), "scope": p.scope, "done": p.done} for p in burnup.points],
    }


def status_json_bytes(
    client: Client,
    project: Project,
    work: Sequence[WorkNote],
    today: dt.date,
    outlook: ProjectOutlook | None = None,
    client_calibration: Calibration | None = None,
    answers: AnswerSetup = NO_ANSWERS,
) -> bytes:
    """`project_status` as UTF-8 JSON: readable (indented, no \\u escapes), same input same bytes."""
    status = project_status(client, project, work, today, outlook, client_calibration, answers)
    text = json.dumps(status, ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")

"""Health of milestones and projects: one ordered list of rules, the first that applies wins.

The rules are explained for the agency, one by one and with the same names, in
docs/health.md; tests/golden/health/ holds a table of every rule at its boundaries. Every
function here is pure: the YAML's plain data, `today`, and the measured facts in `Signals`
(the forecast per milestone, the day of the latest shown work) go in; a `Health` comes out.

Milestone (first match wins)
 1. done              done       `done:` is set.
 2. past-due          late       today is after the date promised now (`delay.due`, else `due`).
 3. delayed           late       the milestone has a `delay`: the first promise is broken.
 4. override          (written)  `health_override: {state, reason}`: the team's own call, with a
                                 reason the client reads. It cannot hide rules 1-3.
 5. waiting-on-client at risk    something the client was asked for and this milestone needs is
                                 past its `needed_by` date and not delivered.
 6. forecast-later    at risk    even the optimistic end of the forecast (its 50th percentile)
                                 is after the promise.
 7. low-chance        at risk    the chance of keeping the promise is below LOW_CHANCE, or the
                                 forecast is later than the promise (its 85th percentile is
                                 after it; the page then shows it): no "on track" beside a
                                 forecast later than the promise.
 8. due-soon          at risk    the promise is at most DUE_SOON_DAYS away and fewer than
                                 DUE_SOON_MIN_PROGRESS of the tasks are done.
 9. behind-schedule   at risk    the share of tasks done trails the share of time gone (from
                                 `start` to the promise) by more than BEHIND_LAG.
10. no-recent-work    at risk    work has started, yet nothing was shown for more than
                                 `Signals.inactive_days` days.
11. not-started       planned    `start` is in the future, or there is no `start` and no task is done.
12. on-track          on track   everything else.

Project (first match wins)
 1. no-milestones     planned    the project has no milestones.
 2. all-done          done       every milestone is done.
 3. (milestone's)     late       an open milestone is late: the project shows that milestone's rule.
 4. override          (written)  the project's `health_override`.
 5. (milestone's)     worst      the worst state of its open milestones (at risk > on track > planned).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from milepost.model import Milestone, Project
from milepost.status.forecast import Forecast
from milepost.status.ledger import MilestoneLedger, PromiseEvent


class HealthState(StrEnum):
    """A milestone's or project's state, as status.json, the YAML's `health:` and the pages'
    CSS classes write it (a `str`, so it is written as its value everywhere)."""

    DONE = "done"
    LATE = "late"
    AT_RISK = "at_risk"
    ON_TRACK = "on_track"
    PLANNED = "planned"


class HealthRule(StrEnum):
    """The rule that decided a state, as status.json and docs/health.md name it."""

    DONE = "done"
    PAST_DUE = "past-due"
    DELAYED = "delayed"
    OVERRIDE = "override"
    WAITING_ON_CLIENT = "waiting-on-client"
    FORECAST_LATER = "forecast-later"
    LOW_CHANCE = "low-chance"
    DUE_SOON = "due-soon"
    BEHIND_SCHEDULE = "behind-schedule"
    NO_RECENT_WORK = "no-recent-work"
    NOT_STARTED = "not-started"
    ON_TRACK = "on-track"
    # A project's own
    NO_MILESTONES = "no-milestones"
    ALL_DONE = "all-done"


# Worst first: a project shows the worst state among its open milestones.
SEVERITY = (HealthState.LATE, HealthState.AT_RISK, HealthState.ON_TRACK, HealthState.PLANNED, HealthState.DONE)
# What a manual override may say. Late and done follow from the dates and cannot be set by
# hand: a late milestone needs a `delay`, a finished one `done:`.
OVERRIDE_STATES = (HealthState.PLANNED, HealthState.ON_TRACK, HealthState.AT_RISK)

DUE_SOON_DAYS = 14
DUE_SOON_MIN_PROGRESS = 0.5
BEHIND_LAG = 0.25
# Below this chance of keeping its promise a milestone is at risk: the same share as the far
# end of the forecast range (its 85th percentile), so a range that passes the promise and an
# "on track" are never shown together.
LOW_CHANCE = 0.85


@dataclass(frozen=True)
class Health:
    state: HealthState
    rule: HealthRule  # the rule that decided (status.json; docs/health.md)
    reason: str = ""  # the team's written reason, for the `override` rule only
    milestone: str = ""  # for a project: the id of the milestone that decided, if one did


@dataclass(frozen=True)
class Signals:
    """What the rules need beyond the YAML: facts measured elsewhere (plain data).

    `forecasts` holds a forecast per open milestone id (see forecast.py); `last_work` is the
    latest day the client could see work on the project (a shown change or a task done), or
    None when nothing was ever shown. Without forecasts, rule `forecast-later` never applies;
    without `inactive_days`, rule `no-recent-work` never does.
    """

    forecasts: Mapping[str, Forecast] = field(default_factory=dict)
    last_work: dt.date | None = None
    inactive_days: int | None = None  # None: inactivity is not judged (nothing was measured)


NO_SIGNALS = Signals()


@dataclass(frozen=True)
class _Facts:
    milestone: Milestone
    project: Project
    today: dt.date
    signals: Signals


@dataclass(frozen=True)
class Rule:
    name: HealthRule
    state: HealthState | None  # the state it gives (None for `override`: the one written in the YAML)
    applies: Callable[[_Facts], bool]


def _done(f: _Facts) -> bool:
    return f.milestone.done is not None


def _past_due(f: _Facts) -> bool:
    return f.today > f.milestone.current_due


def _delayed(f: _Facts) -> bool:
    return f.milestone.delay is not None


def _override(f: _Facts) -> bool:
    return f.milestone.health_override is not None


def _waiting_on_client(f: _Facts) -> bool:
    return any(
        item.milestone == f.milestone.id
        and item.done is None
        and item.needed_by is not None
        and f.today > item.needed_by
        for item in f.project.waiting_on_client
    )


def _forecast_later(f: _Facts) -> bool:
    forecast = f.signals.forecasts.get(f.milestone.id)
    return bool(
        forecast is not None
        and forecast.available
        and forecast.earliest is not None
        and forecast.earliest > f.milestone.current_due
    )


def _low_chance(f: _Facts) -> bool:
    forecast = f.signals.forecasts.get(f.milestone.id)
    if forecast is None or not forecast.available:
        return False
    unlikely = forecast.chance is not None and forecast.chance < LOW_CHANCE
    return unlikely or forecast.later_than(f.milestone.current_due)


def _due_soon(f: _Facts) -> bool:
    m = f.milestone
    return bool(
        m.tasks
        and (m.current_due - f.today).days <= DUE_SOON_DAYS
        and m.progress < DUE_SOON_MIN_PROGRESS
    )


def _behind_schedule(f: _Facts) -> bool:
    elapsed = time_elapsed(f.milestone, f.today)
    # Rounded so that exactly 25 points (0.75 - 0.5) is not "more" by a float's last bit.
    return bool(
        f.milestone.tasks and elapsed is not None and round(elapsed - f.milestone.progress, 9) > BEHIND_LAG
    )


def _no_recent_work(f: _Facts) -> bool:
    if f.signals.inactive_days is None or not started(f.milestone, f.today):
        return False
    quiet = days_without_work(f.milestone, f.signals.last_work, f.today)
    return quiet > f.signals.inactive_days


def _not_started(f: _Facts) -> bool:
    return not started(f.milestone, f.today)


def _on_track(f: _Facts) -> bool:
    return True


def _forecast_against(f: _Facts) -> bool:
    """The forecast says the promise will likely not be kept."""
    return _forecast_later(f) or _low_chance(f)


# A team's override may not say these while the forecast is against the promise: "On track"
# beside a forecast past the promise would be rosier than the evidence.
HOPEFUL = frozenset({HealthState.ON_TRACK, HealthState.PLANNED})


MILESTONE_RULES: tuple[Rule, ...] = (
    Rule(HealthRule.DONE, HealthState.DONE, _done),
    Rule(HealthRule.PAST_DUE, HealthState.LATE, _past_due),
    Rule(HealthRule.DELAYED, HealthState.LATE, _delayed),
    Rule(HealthRule.OVERRIDE, None, _override),
    Rule(HealthRule.WAITING_ON_CLIENT, HealthState.AT_RISK, _waiting_on_client),
    Rule(HealthRule.FORECAST_LATER, HealthState.AT_RISK, _forecast_later),
    Rule(HealthRule.LOW_CHANCE, HealthState.AT_RISK, _low_chance),
    Rule(HealthRule.DUE_SOON, HealthState.AT_RISK, _due_soon),
    Rule(HealthRule.BEHIND_SCHEDULE, HealthState.AT_RISK, _behind_schedule),
    Rule(HealthRule.NO_RECENT_WORK, HealthState.AT_RISK, _no_recent_work),
    Rule(HealthRule.NOT_STARTED, HealthState.PLANNED, _not_started),
    Rule(HealthRule.ON_TRACK, HealthState.ON_TRACK, _on_track),
)
PROJECT_RULES = (HealthRule.NO_MILESTONES, HealthRule.ALL_DONE, HealthRule.OVERRIDE)


def milestone_health(
    milestone: Milestone, project: Project, today: dt.date, signals: Signals | None = None
) -> Health:
    """The state of one milestone of `project` on `today`: the first rule that applies."""
    facts = _Facts(milestone, project, today, signals or NO_SIGNALS)
    for rule in MILESTONE_RULES:
        if rule.applies(facts):
            if rule.state is None:  # the override: the state written in the YAML
                assert milestone.health_override is not None
                override = milestone.health_override
                if HealthState(override.state) in HOPEFUL and _forecast_against(facts):
                    continue  # never rosier than the evidence: the forecast rules decide
                return Health(HealthState(override.state), rule.name, reason=override.reason)
            return Health(rule.state, rule.name)
    raise AssertionError("the last rule always applies")  # pragma: no cover


def _late_by_dates(milestone: Milestone, project: Project, today: dt.date) -> Health | None:
    """The milestone's state when its dates make it late (rules past-due, delayed), else None.
    Only the first rules say late: those after them (the override too, see OVERRIDE_STATES)
    never do, so they are not asked."""
    facts = _Facts(milestone, project, today, NO_SIGNALS)
    for rule in MILESTONE_RULES:
        if rule.state not in (HealthState.DONE, HealthState.LATE):
            return None
        if rule.applies(facts):
            return Health(rule.state, rule.name) if rule.state == HealthState.LATE else None
    return None


def late_by_dates(project: Project, today: dt.date) -> Health | None:
    """The project's state when the dates of an open milestone make it late (the first such
    milestone's), else None: no forecast is asked then."""
    for m in project.milestones:
        if m.done is None:
            late = _late_by_dates(m, project, today)
            if late is not None:
                return Health(late.state, late.rule, milestone=m.id)
    return None


def project_health(project: Project, today: dt.date, signals: Signals | None = None) -> Health:
    """The state of a project: done when all is done, late when a milestone is, else the
    team's override if there is one, else the worst state among its open milestones."""
    if not project.milestones:
        return Health(HealthState.PLANNED, HealthRule.NO_MILESTONES)
    open_ones = [m for m in project.milestones if m.done is None]
    if not open_ones:
        return Health(HealthState.DONE, HealthRule.ALL_DONE)
    # A late milestone decides the project whatever is measured: the rules that make one late
    # read only its dates (no override may say late), and the first late one is the worst.
    # So the others are not judged, and forecasts made only when a rule asks for one (the
    # health strip's replayed weeks, health_timeline.py) are not made for a late week.
    late = late_by_dates(project, today)
    if late is not None:
        return late
    states = [(m, milestone_health(m, project, today, signals)) for m in open_ones]
    milestone, worst = min(states, key=lambda pair: SEVERITY.index(pair[1].state))
    # An override may say at risk, or (unless the forecast of any open milestone is against its
    # promise, whichever rule decided that milestone) on track or planned.
    override = project.health_override
    if override is not None and HealthState(override.state) in HOPEFUL:
        facts = signals or NO_SIGNALS
        if any(_forecast_against(_Facts(m, project, today, facts)) for m in open_ones):
            override = None
    if worst.state != HealthState.LATE and override is not None:
        return Health(HealthState(override.state), HealthRule.OVERRIDE, reason=override.reason)
    return Health(worst.state, worst.rule, reason=worst.reason, milestone=milestone.id)


# --- the measures the rules use -------------------------------------------------------------


def time_elapsed(milestone: Milestone, today: dt.date) -> float | None:
    """Share of the time from `start` to the current promise that has passed (None: no start)."""
    if milestone.start is None:
        return None
    if today <= milestone.start:
        return 0.0
    total = (milestone.current_due - milestone.start).days
    if total <= 0:
        return 1.0
    return min(max((today - milestone.start).days / total, 0.0), 1.0)


def started(milestone: Milestone, today: dt.date) -> bool:
    """Work began: `start` is today or earlier, or (without `start`) a task is done."""
    if milestone.start is not None:
        return milestone.start <= today
    return milestone.tasks_done > 0


def days_without_work(milestone: Milestone, last_work: dt.date | None, today: dt.date) -> int:
    """Days since the client last saw work on the project, counted from the milestone's start
    at the earliest (a milestone that started yesterday has not been quiet for a month)."""
    since = [day for day in (last_work, milestone.start) if day is not None]
    since.extend(task.done for task in milestone.tasks if task.done is not None)
    if not since:
        return 0
    return max((today - max(since)).days, 0)


def project_progress(project: Project) -> float:
    """Share of all tasks done across milestones (a done milestone counts all its tasks)."""
    total = sum(max(len(m.tasks), 1) for m in project.milestones)
    if total == 0:
        return 0.0
    done = sum(max(len(m.tasks), 1) * m.progress for m in project.milestones)
    return done / total


def next_milestone(project: Project) -> Milestone | None:
    """The open milestone promised soonest."""
    open_ones = [m for m in project.milestones if not m.done]
    return min(open_ones, key=lambda m: m.current_due, default=None)


def _last_move(ledger: MilestoneLedger | None, today: dt.date) -> PromiseEvent | None:
    if ledger is None:
        return None
    moves = [e for e in ledger.moves if e.day <= today]
    return moves[-1] if moves else None


def state_since(
    m: Milestone,
    health: Health,
    project: Project,
    signals: Signals,
    ledger: MilestoneLedger | None,
    today: dt.date,
) -> dt.date:
    """The day a milestone's state (late, at risk) can be said to have begun, from its data
    (a feed entry's `updated`, so it does not look new on every build)."""
    day: dt.date | None = None
    if health.rule == HealthRule.PAST_DUE:
        day = m.current_due + dt.timedelta(days=1)
    elif health.rule == HealthRule.DELAYED:
        move = _last_move(ledger, today)
        day = move.day if move else None
    elif health.rule == HealthRule.WAITING_ON_CLIENT:
        overdue = [
            item.needed_by + dt.timedelta(days=1)
            for item in project.waiting_on_client
            if item.milestone == m.id and item.done is None and item.needed_by is not None
        ]
        day = min(overdue, default=None)
    elif health.rule == HealthRule.DUE_SOON:
        day = m.current_due - dt.timedelta(days=DUE_SOON_DAYS)
    elif health.rule == HealthRule.NO_RECENT_WORK and signals.inactive_days is not None:
        since = [d for d in (signals.last_work, m.start) if d is not None]
        since.extend(task.done for task in m.tasks if task.done is not None)
        if since:
            day = max(since) + dt.timedelta(days=signals.inactive_days + 1)
    if day is None:
        # No day marks the start of this state (a forecast, a share of work): the latest
        # day the data gives for the milestone.
        known = [d for d in (m.start, signals.last_work) if d is not None]
        if ledger is not None:
            known.append(ledger.promised_on)
            known.extend(e.day for e in ledger.events)
        known = [d for d in known if d <= today]
        day = max(known, default=today)
    if m.start is not None and m.start <= today:
        day = max(day, m.start)
    return min(day, today)

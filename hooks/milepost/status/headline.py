"""The honest headline of a project: the promise it stands on, the forecast when that is later,
and why the project is at risk or late, in the facts the data gives (no words here).

Pure. The headline is about one milestone: the one that decided the project's state (a late
or at-risk milestone, see health.py), else the next one not finished. It carries:

- `promise`: the date promised now for that milestone (`delay.due`, else `due`);
- `forecast`: the forecast, only when part of its range is later than the promise (so a page
  says both, "promised for 12 December; at the current pace 1–19 January", never the promise
  alone); None otherwise, also when there is no forecast or it is earlier;
- `cause`: why the state is at risk or late, the first that the data gives:
  1. Cause.WRITTEN   the team's own words: the override's reason, else the delay's reason;
  2. Cause.WAITING   something the client owes, past its date, that the milestone needs
                     (`waiting`: its title);
  3. Cause.FORECAST  the forecast is later than the promise;
  4. the health rule (a `HealthRule`: past-due, due-soon, behind-schedule, no-recent-work):
     the measure that decided, which render/promise_words.py words;
  None for a project on track, planned or done (unless the team's override gives its reason:
  Cause.WRITTEN, whatever the state).

`update_overdue` says whether the `next_update` the team promised has passed: `today` is the
client's day (the build computes it in the client's time zone).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from milepost.model import Milestone, Project, WaitingItem
from milepost.status.forecast import Forecast
from milepost.status.health import Health, HealthRule, HealthState, Signals, next_milestone, project_health
from milepost.status.waiting import is_overdue


class Cause(StrEnum):
    """Why a project is at risk or late, when it is not the health rule's own measure."""

    WRITTEN = "written"  # the team's own words
    WAITING = "waiting"  # something the client owes, past its date
    FORECAST = "forecast"  # the forecast is later than the promise


@dataclass(frozen=True)
class Headline:
    health: Health
    milestone: Milestone | None  # what the headline is about; None: nothing open
    promise: dt.date | None = None  # the date promised now for `milestone`
    forecast: Forecast | None = None  # only when some of it is later than `promise`
    cause: Cause | HealthRule | None = None  # why at risk or late (see the module docstring)
    written: str = ""  # Cause.WRITTEN: the team's words
    waiting: WaitingItem | None = None  # Cause.WAITING: the item the client owes


def _later_forecast(m: Milestone, signals: Signals | None) -> Forecast | None:
    forecast = signals.forecasts.get(m.id) if signals is not None else None
    if forecast is None or not forecast.later_than(m.current_due):
        return None
    return forecast


def _blocking(m: Milestone, project: Project, today: dt.date) -> WaitingItem | None:
    """The client's overdue item this milestone needs, the longest overdue first."""
    items = [i for i in project.waiting_on_client if i.milestone == m.id and not i.done and is_overdue(i, today)]
    return min(items, key=lambda i: (i.needed_by or dt.date.max, i.asked), default=None)


def project_headline(project: Project, today: dt.date, signals: Signals | None = None) -> Headline:
    health = project_health(project, today, signals)
    deciding = next((m for m in project.milestones if m.id == health.milestone), None)
    m = deciding or next_milestone(project)
    if m is None:
        written = health.reason if health.rule == HealthRule.OVERRIDE and health.reason.strip() else ""
        return Headline(health, None, cause=Cause.WRITTEN if written else None, written=written)
    forecast = _later_forecast(m, signals)
    headline = Headline(health, m, m.current_due, forecast)
    written = health.reason if health.rule == HealthRule.OVERRIDE else ""
    if health.state not in (HealthState.AT_RISK, HealthState.LATE) and not written.strip():
        return headline
    if not written and m.delay is not None and m.done is None:
        written = m.delay.reason
    if written.strip():
        return Headline(health, m, m.current_due, forecast, Cause.WRITTEN, written=written)
    blocking = _blocking(m, project, today)
    if blocking is not None:
        return Headline(health, m, m.current_due, forecast, Cause.WAITING, waiting=blocking)
    if forecast is not None:
        return Headline(health, m, m.current_due, forecast, Cause.FORECAST)
    return Headline(health, m, m.current_due, forecast, health.rule)


def update_overdue(project: Project, today: dt.date) -> int:
    """How many days the promised `next_update` is past (0: not past, or none promised)."""
    if project.next_update is None or project.next_update >= today:
        return 0
    return (today - project.next_update).days

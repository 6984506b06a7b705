"""The project's finish: the milestone that is its end, with its promise and its odds.

Pure. A client asks first "when will it be finished?"; the card, the top of the page,
status.json and the weekly letter answer with the same fact, chosen here once:

- the milestone marked `final: true` (`milepost check` refuses a second one);
- else the milestone promised last (the date promised now, `delay.due` else `due`; of two
  promised for the same day, the one written later in the file).

It carries the promise now, the forecast's range (50th to 85th percentile, status/forecast.py)
and the chance of keeping the promise when there is a forecast, and the day it was finished
when it was. No words here: render/finish_words.py says it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace

from milepost.model import Milestone, Project
from milepost.status.forecast import Forecast, ForecastMethod


@dataclass(frozen=True)
class Finish:
    milestone: str  # the milestone's id
    title: str
    promise: dt.date  # the date promised now (`delay.due`, else `due`)
    first_promise: dt.date  # `due`, which keeps the first promise
    marked: bool  # `final: true`; False: the milestone promised last
    done: dt.date | None = None  # the day it was finished
    earliest: dt.date | None = None  # the forecast's 50th percentile; None: no forecast
    latest: dt.date | None = None  # its 85th (widened); None with `earliest`: "not before"
    chance: float | None = None  # of keeping `promise`, 0..1; None: no forecast
    later: bool = False  # the forecast is later than the promise (pages then show its range)
    method: ForecastMethod | None = None


def finish_milestone(project: Project) -> Milestone | None:
    """The milestone that is the project's end (see the module docstring); None without any."""
    marked = [m for m in project.milestones if m.final]
    if marked:
        return marked[0]
    if not project.milestones:
        return None
    # max() keeps the first of equals: reversed, so the one written later wins a tie.
    return max(reversed(project.milestones), key=lambda m: m.current_due)


def project_finish(project: Project, forecasts: Mapping[str, Forecast]) -> Finish | None:
    """The project's finish with its forecast (`forecasts`: by milestone id, as
    forecast.project_forecasts gives them); None for a project without milestones."""
    m = finish_milestone(project)
    if m is None:
        return None
    finish = Finish(
        milestone=m.id,
        title=m.title,
        promise=m.current_due,
        first_promise=m.due,
        marked=m.final,
        done=m.done,
    )
    forecast = forecasts.get(m.id)
    if m.done is not None or forecast is None or not forecast.available or forecast.earliest is None:
        return finish
    return replace(
        finish,
        earliest=forecast.earliest,
        latest=forecast.latest,
        chance=forecast.chance,
        later=forecast.later_than(m.current_due),
        method=forecast.method,
    )

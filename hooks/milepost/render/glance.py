"""The glance at a project, ready for the page: its finish, state, progress, next milestone,
latest work.

The top of a project page and the project's card on the client's home page show the same
glance (templates/macros.html.j2, `glance`); the facts come from `status.glance`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from milepost.i18n import Texts
from milepost.model import Milestone, Project
from milepost.render.finish_words import finish_chance, finish_sentence
from milepost.render.labels import state_label
from milepost.render.promise_words import HealthNote, headline_note, headline_sentence
from milepost.status.glance import project_glance
from milepost.status.outlook import ProjectOutlook


def bar_percent(share: float) -> int:
    """A share (0..1, or beyond) as the whole percent a progress bar shows (0..100)."""
    return round(max(0.0, min(share, 1.0)) * 100)


@dataclass(frozen=True)
class GlanceView:
    state: str
    state_label: str
    note: HealthNote | None  # why at risk or late, in one line (the team's own words first)
    headline: str | None  # the promise with the later forecast; None when it is not later
    parts_done: int
    parts_total: int
    percent: int
    upcoming: Milestone | None
    latest_work: str | None  # when the latest work was, in words ("2 days ago")
    update_overdue: int = 0  # days the promised next update is past
    finish: str | None = None  # the project's end: its promise, the later forecast (first line)
    finish_chance: str | None = None  # the chance of keeping the finish's promise, beside it


def glance_view(
    project: Project, today: dt.date, texts: Texts, outlook: ProjectOutlook | None = None
) -> GlanceView:
    glance = project_glance(project, today, outlook)
    health = glance.health
    note = headline_note(glance.headline, glance.signals, today, texts)
    headline = headline_sentence(glance.headline, texts)
    about = glance.headline.milestone
    if glance.finish is not None and about is not None and about.id == glance.finish.milestone:
        headline = None  # the finish's sentence says the promise and the forecast already
    return GlanceView(
        state=health.state,
        state_label=state_label(health.state, texts),
        note=note,
        headline=headline,
        parts_done=glance.parts_done,
        parts_total=glance.parts_total,
        percent=bar_percent(glance.progress),
        upcoming=glance.upcoming,
        latest_work=texts.relative(glance.last_work, today) if glance.last_work is not None else None,
        update_overdue=glance.update_overdue,
        finish=finish_sentence(glance.finish, texts),
        finish_chance=finish_chance(glance.finish, texts),
    )

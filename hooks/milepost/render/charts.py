"""The pictures of a project: its milestones on a timeline, and its work planned and done.

Facts come from `status/` (timeline.py, burnup.py, forecast.py, the promise ledger), the
geometry from `chart_geometry` (pure numbers), and the words from the client's `Texts`. The
views below hold all three; templates/charts/*.html.j2 and *.svg.j2 write the markup. Every
chart is inline SVG drawn at build time (no script, nothing loaded from elsewhere), with an
accessible name (`role="img"` and `aria-labelledby` its `<title>`), a `<title>` in the
client's words on each mark, and its figures also in text beside it, for screen readers and
for print. A state is never shown by colour alone: each row names its state, and each state
has its own pattern or shape.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from milepost.i18n import Texts
from milepost.model import Project
from milepost.render.chart_geometry import (
    COMPACT_ROWS,
    FULL_ROWS,
    RIGHT,
    CountScale,
    RowLayout,
    TimeScale,
    area_path,
    count_ticks,
    month_ticks,
    number,
    step_path,
    text_anchor,
    time_domain,
)
from milepost.render.labels import state_label
from milepost.status.burnup import BurnUp, ScopeStep, scope_steps
from milepost.status.health import HealthState, milestone_health
from milepost.status.outlook import ProjectOutlook
from milepost.status.timeline import TimelineRow, ordered_milestones, timeline_rows

# At most this many month labels on a time axis (a phone's width holds them).
FULL_TICKS = 6
COMPACT_TICKS = 4
# Days added after an open forecast ("not before ..."), so that its range has some length.
OPEN_FORECAST_DAYS = 14
# The burn-up, in pixels down: plot area and the month labels under it.
BURNUP_TOP = 26
BURNUP_BOTTOM = 196
BURNUP_HEIGHT = 236


@dataclass(frozen=True)
class Tick:
    x: float
    label: str  # the month
    year: str  # "" except on the first label and in January


@dataclass(frozen=True)
class Mark:
    """A mark at one place across (a promise, a day finished, today)."""

    x: float
    title: str


@dataclass(frozen=True)
class Span:
    """A mark from one place across to another (a bar, a forecast's range)."""

    x: float
    width: float
    title: str


@dataclass(frozen=True)
class Today:
    x: float
    title: str
    label: str
    anchor: str


@dataclass(frozen=True)
class TimelineRowView:
    title: str  # the milestone's
    state: str
    state_label: str
    top: float
    label_y: float
    bar_y: float
    middle: float  # the bar's middle, where the point marks sit
    bar: Span
    promise: Mark
    first_promise: Mark | None  # only when the promise moved
    done: Mark | None
    forecast: Span | None  # only when later than the promise
    forecast_open: bool  # "not before": the range has no end
    figures: tuple[str, ...]  # the row's figures in sentences


@dataclass(frozen=True)
class LegendItem:
    kind: str  # what the swatch shows (a CSS class part)
    label: str


@dataclass(frozen=True)
class TimelineView:
    id: str  # unique on the page: the prefix of every id inside
    compact: bool
    name: str  # the accessible name
    caption: str  # shown under the full chart; "" on a card
    layout: RowLayout
    height: float
    rows_bottom: float
    ticks: tuple[Tick, ...]
    today: Today
    rows: tuple[TimelineRowView, ...]
    legend: tuple[LegendItem, ...]


@dataclass(frozen=True)
class YTick:
    y: float
    label: str


@dataclass(frozen=True)
class StepMark:
    x: float
    y: float
    label: str  # the change requests behind it ("CR-3"), or ""
    anchor: str
    title: str


@dataclass(frozen=True)
class FigureRow:
    date: str
    planned: str
    done: str
    changes: str  # the change requests behind a step, or "—"


@dataclass(frozen=True)
class BurnUpView:
    id: str
    name: str
    summary: tuple[str, ...]  # the figures in sentences, shown under the chart
    height: float
    top: float
    bottom: float
    ticks: tuple[Tick, ...]
    y_ticks: tuple[YTick, ...]
    planned: str  # path up to today
    planned_ahead: str  # path from today to the last promise ("" when nothing is ahead)
    done: str  # path up to today
    done_area: str
    today: Today
    steps: tuple[StepMark, ...]
    table: tuple[FigureRow, ...]


# --- words ------------------------------------------------------------------------------------


def _forecast_words(row: TimelineRow, texts: Texts, name: str | None = None) -> str:
    """The forecast's range as a sentence, or as the mark's title when `name` is given."""
    assert row.forecast is not None
    earliest, latest = row.forecast
    start, end = texts.date(earliest), texts.date(latest) if latest else ""
    if row.forecast_by_record:
        return _record_words(texts, start, end if latest is not None else None, earliest == latest, name)
    if name is None:
        if latest is None:
            return texts.gettext("At the current pace, not before {date}.", date=start)
        if latest == earliest:
            return texts.gettext("At the current pace, around {date}.", date=start)
        return texts.gettext("At the current pace, between {start} and {end}.", start=start, end=end)
    if latest is None:
        return texts.gettext("{milestone}: at the current pace, not before {date}.", milestone=name, date=start)
    if latest == earliest:
        return texts.gettext("{milestone}: at the current pace, around {date}.", milestone=name, date=start)
    return texts.gettext(
        "{milestone}: at the current pace, between {start} and {end}.", milestone=name, start=start, end=end
    )


def _record_words(texts: Texts, start: str, end: str | None, same_day: bool, name: str | None) -> str:
    """`_forecast_words` of a forecast from the agency's record (a young project): not "at the
    current pace", which it has none of yet."""
    if name is None:
        if end is None:
            return texts.gettext("Judging by our earlier milestones, not before {date}.", date=start)
        if same_day:
            return texts.gettext("Judging by our earlier milestones, around {date}.", date=start)
        return texts.gettext("Judging by our earlier milestones, between {start} and {end}.", start=start, end=end)
    if end is None:
        return texts.gettext(
            "{milestone}: judging by our earlier milestones, not before {date}.", milestone=name, date=start
        )
    if same_day:
        return texts.gettext(
            "{milestone}: judging by our earlier milestones, around {date}.", milestone=name, date=start
        )
    return texts.gettext(
        "{milestone}: judging by our earlier milestones, between {start} and {end}.",
        milestone=name,
        start=start,
        end=end,
    )


def _promise_title(row: TimelineRow, name: str, texts: Texts) -> str:
    if row.first_promise is not None:
        return texts.gettext(
            "{milestone}: first promised for {first}, now {date}.",
            milestone=name,
            first=texts.date(row.first_promise),
            date=texts.date(row.promise),
        )
    return texts.gettext("{milestone}: promised for {date}.", milestone=name, date=texts.date(row.promise))


def row_figures(row: TimelineRow, texts: Texts) -> tuple[str, ...]:
    """A row's figures in sentences (the same words as under each milestone)."""
    found = []
    if row.start_given:
        found.append(texts.gettext("Start: {date}.", date=texts.date(row.start)))
    if row.done is not None:
        found.append(texts.gettext("Finished on {date}.", date=texts.date(row.done)))
    if row.first_promise is not None:
        found.append(texts.gettext("First promised for {date}.", date=texts.date(row.first_promise)))
        found.append(texts.gettext("New date: {date}.", date=texts.date(row.promise)))
    else:
        found.append(texts.gettext("Promised for {date}.", date=texts.date(row.promise)))
    if row.forecast is not None:
        found.append(_forecast_words(row, texts))
    return tuple(found)


def _today(scale: TimeScale, today: dt.date, texts: Texts) -> Today:
    x = scale.x(scale.clamp(today))
    return Today(x, texts.gettext("Today: {date}.", date=texts.date(today)), texts.gettext("Today"), text_anchor(x))


def _ticks(scale: TimeScale, most: int, texts: Texts) -> tuple[Tick, ...]:
    months = month_ticks(scale.start, scale.end, most)
    return tuple(
        Tick(scale.x(month), texts.month(month), texts.year(month) if index == 0 or month.month == 1 else "")
        for index, month in enumerate(months)
    )


# --- the timeline -----------------------------------------------------------------------------


def timeline_view(
    project: Project,
    outlook: ProjectOutlook | None,
    today: dt.date,
    texts: Texts,
    *,
    compact: bool = False,
    chart_id: str = "mp-timeline",
) -> TimelineView | None:
    """The project's milestones on a timeline; None when it has none."""
    rows = timeline_rows(project, outlook, today)
    if not rows:
        return None
    milestones = {m.id: m for m in ordered_milestones(project)}
    days = [today]
    for row in rows:
        days.extend(row.days)
        if row.forecast is not None and row.forecast[1] is None:
            days.append(row.forecast[0] + dt.timedelta(days=OPEN_FORECAST_DAYS))
    start, end = time_domain(days)
    scale = TimeScale(start, end)
    layout = COMPACT_ROWS if compact else FULL_ROWS
    signals = outlook.signals if outlook is not None else None
    views = []
    states: list[HealthState] = []
    for index, row in enumerate(rows):
        m = milestones[row.milestone]
        state = milestone_health(m, project, today, signals).state
        states.append(state)
        label = state_label(state, texts)
        bar_start, bar_end = scale.x(row.start), scale.x(row.end)
        forecast = None
        if row.forecast is not None:
            earliest, latest = row.forecast
            left = scale.x(earliest)
            right = scale.x(latest) if latest is not None else RIGHT
            forecast = Span(left, round(max(right - left, 0.5), 2), _forecast_words(row, texts, m.title))
        views.append(
            TimelineRowView(
                title=m.title,
                state=state,
                state_label=label,
                top=layout.row_top(index),
                label_y=round(layout.row_top(index) + layout.label, 2),
                bar_y=round(layout.row_top(index) + layout.bar, 2),
                middle=layout.bar_middle(index),
                bar=Span(
                    bar_start,
                    round(max(bar_end - bar_start, 0.5), 2),
                    texts.gettext(
                        "{milestone}: {state}, from {start} to {end}.",
                        milestone=m.title,
                        state=label,
                        start=texts.date(row.start),
                        end=texts.date(row.end),
                    ),
                ),
                promise=Mark(scale.x(row.promise), _promise_title(row, m.title, texts)),
                first_promise=(
                    Mark(scale.x(row.first_promise), _promise_title(row, m.title, texts))
                    if row.first_promise is not None
                    else None
                ),
                done=(
                    Mark(
                        scale.x(row.done),
                        texts.gettext("{milestone}: finished on {date}.", milestone=m.title, date=texts.date(row.done)),
                    )
                    if row.done is not None
                    else None
                ),
                forecast=forecast,
                forecast_open=row.forecast is not None and row.forecast[1] is None,
                figures=row_figures(row, texts),
            )
        )
    legend = tuple(LegendItem(state, state_label(state, texts)) for state in _in_order(states))
    legend += (LegendItem("promise", texts.gettext("Promised date")),)
    if any(row.first_promise is not None for row in rows):
        legend += (LegendItem("first-promise", texts.gettext("First promise")),)
    if any(row.done is not None for row in rows):
        legend += (LegendItem("finished", texts.gettext("Finished")),)
    if any(row.forecast is not None and not row.forecast_by_record for row in rows):
        legend += (LegendItem("forecast", texts.gettext("Forecast at the current pace")),)
    elif any(row.forecast is not None for row in rows):
        legend += (LegendItem("forecast", texts.gettext("Forecast from our earlier milestones")),)
    legend += (LegendItem("today", texts.gettext("Today")),)
    return TimelineView(
        id=chart_id,
        compact=compact,
        name=texts.gettext("Timeline of the milestones of {project}", project=project.name),
        caption=(
            ""
            if compact
            else texts.gettext(
                "Each bar runs from the start of a milestone to its promised date, or to the day it was "
                "finished. The line marks today, {date}.",
                date=texts.date(today),
            )
        ),
        layout=layout,
        height=layout.height(len(rows)),
        rows_bottom=layout.rows_bottom(len(rows)),
        ticks=_ticks(scale, COMPACT_TICKS if compact else FULL_TICKS, texts),
        today=_today(scale, today, texts),
        rows=tuple(views),
        legend=legend,
    )


# The order states are listed in a legend.
_STATE_ORDER = (HealthState.DONE, HealthState.ON_TRACK, HealthState.AT_RISK, HealthState.LATE, HealthState.PLANNED)


def _in_order(states: list[HealthState]) -> list[HealthState]:
    return [state for state in _STATE_ORDER if state in states]


# --- the burn-up ------------------------------------------------------------------------------


def step_words(step: ScopeStep, project: Project, texts: Texts) -> str:
    """What a step of the plan was, and the change requests behind it, in sentences."""
    day = texts.date(step.day)
    if step.after > step.before:
        words = texts.ngettext(
            "On {day} the plan grew from {old} to {n} part.",
            "On {day} the plan grew from {old} to {n} parts.",
            step.after,
            day=day,
            old=texts.number(step.before),
        )
    else:
        words = texts.ngettext(
            "On {day} the plan shrank from {old} to {n} part.",
            "On {day} the plan shrank from {old} to {n} parts.",
            step.after,
            day=day,
            old=texts.number(step.before),
        )
    titles = {change.id: change.title for change in project.changes}
    for ident in step.changes:
        words += " " + texts.gettext("Change request {id}: {title}.", id=ident, title=titles.get(ident, ""))
    return words


def burnup_view(
    project: Project,
    outlook: ProjectOutlook | None,
    today: dt.date,
    texts: Texts,
    *,
    chart_id: str = "mp-burnup",
) -> BurnUpView | None:
    """Work planned and done over time; None without milestones or without a burn-up."""
    burnup: BurnUp | None = outlook.burnup if outlook is not None else None
    if burnup is None or not burnup.points or not project.milestones:
        return None
    points = burnup.points
    ahead = max([m.current_due for m in project.milestones if m.done is None] + [today])
    start, end = time_domain([points[0].day, today, ahead])
    scale = TimeScale(start, end)
    highest = max(max(p.scope for p in points), max(p.done for p in points))
    y_ticks = count_ticks(highest)
    counts = CountScale(y_ticks[-1], BURNUP_TOP, BURNUP_BOTTOM)
    today_x = scale.x(scale.clamp(today))
    planned_points = [(scale.x(p.day), counts.y(p.scope)) for p in points]
    done_points = [(scale.x(p.day), counts.y(p.done)) for p in points]
    last = points[-1]
    ahead_x = scale.x(ahead)
    steps = scope_steps(burnup, project.changes)
    step_marks = []
    for step in steps:
        x = scale.x(step.day)
        step_marks.append(
            StepMark(x, counts.y(step.after), ", ".join(step.changes), text_anchor(x), step_words(step, project, texts))
        )
    by_day = {step.day: step for step in steps}
    summary = [
        texts.ngettext("Planned now: {n} part.", "Planned now: {n} parts.", last.scope),
        texts.ngettext("Done so far: {n} part.", "Done so far: {n} parts.", last.done),
    ]
    summary.extend(step_words(step, project, texts) for step in steps)
    if not burnup.scope_from_history:
        summary.append(texts.gettext("Earlier versions of the plan are not known: the line shows today's plan."))
    return BurnUpView(
        id=chart_id,
        name=texts.gettext("Work planned and done in {project}, over time", project=project.name),
        summary=tuple(summary),
        height=BURNUP_HEIGHT,
        top=BURNUP_TOP,
        bottom=BURNUP_BOTTOM,
        ticks=_ticks(scale, FULL_TICKS, texts),
        y_ticks=tuple(YTick(counts.y(value), texts.number(value)) for value in y_ticks),
        planned=step_path(planned_points, today_x),
        planned_ahead=(
            f"M{number(today_x)} {number(counts.y(last.scope))} H{number(ahead_x)}" if ahead_x > today_x else ""
        ),
        done=step_path(done_points, today_x),
        done_area=area_path(done_points, today_x, BURNUP_BOTTOM),
        today=_today(scale, today, texts),
        steps=tuple(step_marks),
        table=tuple(
            FigureRow(
                texts.date(p.day),
                texts.number(p.scope),
                texts.number(p.done),
                ", ".join(by_day[p.day].changes) if p.day in by_day and by_day[p.day].changes else "—",
            )
            for p in points
        ),
    )


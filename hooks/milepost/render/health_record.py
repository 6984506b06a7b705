"""The project's record in health and forecasts: the health strip (the state week by week,
status/health_timeline.py) and the calibration sentence (how often the forecasts made four
weeks ahead held, status/calibration.py), for the project page and the home page's cards.

`health_record_view` prepares plain data and sentences; templates/health_record.html.j2 (the
project page), templates/charts/health_strip.html.j2 and .svg.j2 hold the markup. The strip
draws each week as an equal slice across (percent of the width, as render/chart_geometry.py
places things), and a state is never told by colour alone: late is hatched, at risk dotted,
planned outlined with a dashed line, done solid, and every week has its date and state in a
title, every stretch of weeks its words in the caption.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from milepost.i18n import Texts
from milepost.render.chart_geometry import LEFT, RIGHT, rounded
from milepost.render.labels import state_label
from milepost.status.calibration import Calibration
from milepost.status.health import HealthState
from milepost.status.health_timeline import HealthWeek

FULL_HEIGHT = 28.0  # px: a week's slice on the project page
COMPACT_HEIGHT = 12.0  # px: on a card
LEGEND_STATES = (HealthState.ON_TRACK, HealthState.AT_RISK, HealthState.LATE, HealthState.DONE, HealthState.PLANNED)


@dataclass(frozen=True)
class WeekMark:
    x: float  # percent of the width
    width: float
    state: HealthState
    title: str  # "Week to 24 Nov: At risk"


@dataclass(frozen=True)
class LegendMark:
    state: HealthState
    label: str


@dataclass(frozen=True)
class HealthStripView:
    id: str  # unique on the page: the prefix of every id inside
    compact: bool
    name: str  # the accessible name
    height: float
    weeks: tuple[WeekMark, ...]
    stretches: tuple[str, ...]  # each run of weeks in one state, in a sentence
    first: str  # the first week's first day, under the strip's left end
    last: str  # the last week's end (today), under its right end
    legend: tuple[LegendMark, ...]


@dataclass(frozen=True)
class HealthRecordView:
    """The project page's section: the strip, then the calibration sentence (each None when
    there is nothing to show)."""

    strip: HealthStripView | None
    calibration: str | None


def calibration_sentence(calibration: Calibration | None, texts: Texts) -> str | None:
    """"Our forecasts four weeks ahead held for 7 of 9 finished milestones.": the same words
    whether the record is good or bad. When no finished milestone could be replayed, that we
    cannot tell yet (not "0 of 0", and not silence beside odds with no record behind them),
    also when the project file has no history to replay; None when no record was measured."""
    if calibration is None:
        return None
    if calibration.total == 0:
        return texts.gettext(
            "We cannot say yet how good our forecasts are: no milestone has been finished that we could "
            "forecast four weeks ahead."
        )
    return texts.ngettext(
        "Our forecasts four weeks ahead held for {held} of {n} finished milestone.",
        "Our forecasts four weeks ahead held for {held} of {n} finished milestones.",
        calibration.total,
        held=texts.number(calibration.held),
    )


def _first_day(week: HealthWeek) -> dt.date:
    """The week's first day: a stretch of weeks is said from it ("23 September – 6 October"),
    so that four weeks read as four, and one week as its seven days."""
    return week.end - dt.timedelta(days=6)


def _stretches(weeks: Sequence[HealthWeek]) -> list[tuple[HealthWeek, HealthWeek, int]]:
    """Runs of consecutive weeks in one state: (first week, last week, how many)."""
    runs: list[tuple[HealthWeek, HealthWeek, int]] = []
    for week in weeks:
        if runs and runs[-1][1].state == week.state:
            first, _last, count = runs[-1]
            runs[-1] = (first, week, count + 1)
        else:
            runs.append((week, week, 1))
    return runs


def health_strip_view(
    weeks: Sequence[HealthWeek], texts: Texts, *, chart_id: str = "mp-health", compact: bool = False
) -> HealthStripView | None:
    """The strip of `weeks` (oldest first); None without weeks."""
    if not weeks:
        return None
    width = (RIGHT - LEFT) / len(weeks)
    marks = tuple(
        WeekMark(
            x=rounded(LEFT + index * width),
            width=rounded(width),
            state=week.state,
            title=texts.gettext(
                "Week to {day}: {state}", day=texts.short_date(week.end), state=state_label(week.state, texts)
            ),
        )
        for index, week in enumerate(weeks)
    )
    stretches = tuple(
        texts.ngettext(
            "{dates}: {state} ({n} week)",
            "{dates}: {state} ({n} weeks)",
            count,
            dates=texts.date_range(_first_day(first), last.end),
            state=state_label(first.state, texts),
        )
        for first, last, count in _stretches(weeks)
    )
    shown = {week.state for week in weeks}
    return HealthStripView(
        id=chart_id,
        compact=compact,
        name=texts.ngettext(
            "The project's health, week by week ({n} week)",
            "The project's health, week by week ({n} weeks)",
            len(weeks),
        ),
        height=COMPACT_HEIGHT if compact else FULL_HEIGHT,
        weeks=marks,
        stretches=stretches,
        first=texts.short_date(_first_day(weeks[0])),
        last=texts.short_date(weeks[-1].end),
        legend=tuple(LegendMark(state, state_label(state, texts)) for state in LEGEND_STATES if state in shown),
    )


def health_record_view(
    weeks: Sequence[HealthWeek], calibration: Calibration | None, texts: Texts
) -> HealthRecordView:
    return HealthRecordView(health_strip_view(weeks, texts), calibration_sentence(calibration, texts))

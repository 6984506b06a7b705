"""The geometry of the charts: dates and counts turned into positions, as plain numbers.

Pure functions and small frozen classes, no words and no markup (render/charts.py adds the
words, templates/charts/*.svg.j2 the markup). Positions across are percentages of the chart's
width and positions down are pixels: the SVG is as wide as the page and as tall as its rows,
with no `viewBox` to scale it, so its text keeps the page's size on a phone as on a wide
screen. Lines that are not straight (the burn-up's steps) are drawn in a nested SVG whose
`viewBox` is 100 wide and as tall as the chart, stretched to the width
(`preserveAspectRatio="none"`, strokes not scaled): the same numbers mean the same places.

Every number is rounded to two decimals, so the same data always gives the same SVG.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# Across, in percent of the width: room at either end for half a mark.
LEFT = 1.5
RIGHT = 98.5
# The shortest time axis, in days (a chart of one day would have no width to draw in).
MIN_SPAN_DAYS = 28


def rounded(value: float) -> float:
    return round(value, 2)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(day: dt.date) -> dt.date:
    """The first day of the month after `day`'s."""
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def time_domain(days: Iterable[dt.date], min_days: int = MIN_SPAN_DAYS) -> tuple[dt.date, dt.date]:
    """The span of a time axis holding `days`: from the first of the earliest day's month to
    the first of the month after the latest day, at least `min_days` long."""
    found = sorted(days)
    if not found:
        raise ValueError("a time axis needs at least one day")
    start = month_start(found[0])
    end = next_month(found[-1])
    while (end - start).days < min_days:
        end = next_month(end)
    return start, end


@dataclass(frozen=True)
class TimeScale:
    """Days to positions across, in percent of the width (`left` .. `right`)."""

    start: dt.date
    end: dt.date
    left: float = LEFT
    right: float = RIGHT

    def x(self, day: dt.date) -> float:
        span = max((self.end - self.start).days, 1)
        return rounded(self.left + (self.right - self.left) * (day - self.start).days / span)

    def clamp(self, day: dt.date) -> dt.date:
        return min(max(day, self.start), self.end)


def months_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """The first day of every month from `start`'s month up to, not including, `end`."""
    months = []
    day = month_start(start)
    while day < end:
        months.append(day)
        day = next_month(day)
    return months


def month_ticks(start: dt.date, end: dt.date, most: int) -> tuple[dt.date, ...]:
    """The months labelled on a time axis: every month from `start` to before `end`, or every
    second, third ... one so that there are at most `most` labels."""
    months = months_between(start, end)
    step = max(1, math.ceil(len(months) / max(most, 1)))
    return tuple(months[::step])


def text_anchor(x: float) -> str:
    """Where a label at `x` (percent) hangs from its point, so that it stays on the chart."""
    if x > 85:
        return "end"
    if x < 15:
        return "start"
    return "middle"


@dataclass(frozen=True)
class CountScale:
    """Counts (0 .. `maximum`) to positions down, in pixels: 0 at `bottom`, `maximum` at `top`."""

    maximum: int
    top: float
    bottom: float

    def y(self, value: float) -> float:
        share = value / self.maximum if self.maximum > 0 else 0.0
        return rounded(self.bottom - (self.bottom - self.top) * share)


def count_ticks(maximum: int, most: int = 5) -> tuple[int, ...]:
    """Round numbers from 0 to at least `maximum` (1, 2 or 5 times a power of ten apart), at
    most `most` + 1 of them; the last one is the top of the scale."""
    maximum = max(int(maximum), 1)
    power = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * power
            if math.ceil(maximum / step) <= most:
                top = math.ceil(maximum / step) * step
                return tuple(range(0, top + 1, step))
        power *= 10


def step_path(points: Sequence[tuple[float, float]], end_x: float) -> str:
    """An SVG path that keeps each value until the next point that changes it (a staircase)
    and the last one until `end_x`: "M x0 y0 H x1 V y1 ... H end_x"."""
    if not points:
        return ""
    (x, y), rest = points[0], points[1:]
    parts = [f"M{number(x)} {number(y)}"]
    for next_x, next_y in rest:
        if next_y == y:
            continue  # the line goes on: no corner here
        if next_x != x:
            parts.append(f"H{number(next_x)}")
        parts.append(f"V{number(next_y)}")
        x, y = next_x, next_y
    if end_x != x:
        parts.append(f"H{number(end_x)}")
    return " ".join(parts)


def area_path(points: Sequence[tuple[float, float]], end_x: float, baseline: float) -> str:
    """The staircase of `step_path`, closed down to `baseline`: the area under it."""
    if not points:
        return ""
    line = step_path(points, end_x)
    return f"{line} V{number(baseline)} H{number(points[0][0])} Z"


def number(value: float) -> str:
    """A coordinate as SVG text: at most two decimals, no trailing zeros ("37.5", "40")."""
    text = f"{rounded(value):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


# --- the timeline's rows ----------------------------------------------------------------------


@dataclass(frozen=True)
class RowLayout:
    """Where things sit down a timeline, in pixels: the axis labels on top, one row per
    milestone (its name, then its bar), the "Today" label at the bottom."""

    axis: float  # height of the month (and year) labels on top
    row: float  # height of one row
    label: float  # baseline of the row's name, from the row's top
    bar: float  # top of the bar, from the row's top
    bar_height: float
    footer: float  # room under the rows for the "Today" label
    font: float  # the row names' size, in pixels

    def row_top(self, index: int) -> float:
        return rounded(self.axis + index * self.row)

    def bar_middle(self, index: int) -> float:
        return rounded(self.row_top(index) + self.bar + self.bar_height / 2)

    def rows_bottom(self, rows: int) -> float:
        return rounded(self.axis + rows * self.row)

    def height(self, rows: int) -> float:
        return rounded(self.rows_bottom(rows) + self.footer)


FULL_ROWS = RowLayout(axis=34, row=40, label=14, bar=20, bar_height=14, footer=22, font=13)
COMPACT_ROWS = RowLayout(axis=30, row=30, label=11, bar=15, bar_height=10, footer=18, font=11)

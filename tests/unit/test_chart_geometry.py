"""The charts' geometry: pure functions from dates and counts to positions."""

from __future__ import annotations

import datetime as dt

import pytest

from milepost.render.chart_geometry import (
    COMPACT_ROWS,
    FULL_ROWS,
    LEFT,
    RIGHT,
    CountScale,
    TimeScale,
    area_path,
    count_ticks,
    month_ticks,
    months_between,
    next_month,
    number,
    step_path,
    text_anchor,
    time_domain,
)

D = dt.date


def test_a_time_scale_puts_its_first_and_last_day_at_the_ends_and_is_linear_between() -> None:
    scale = TimeScale(D(2026, 9, 1), D(2026, 12, 10))  # 100 days
    assert scale.x(D(2026, 9, 1)) == LEFT
    assert scale.x(D(2026, 12, 10)) == RIGHT
    assert scale.x(D(2026, 10, 21)) == 50.0  # day 50 of 100
    assert scale.x(D(2026, 9, 11)) == pytest.approx(LEFT + (RIGHT - LEFT) / 10)
    # Positions are percentages rounded to two decimals: the same data, the same SVG.
    assert scale.x(D(2026, 9, 4)) == round(LEFT + (RIGHT - LEFT) * 3 / 100, 2)


def test_a_time_scale_clamps_days_outside_it() -> None:
    scale = TimeScale(D(2026, 9, 1), D(2026, 12, 1))
    assert scale.clamp(D(2026, 8, 1)) == D(2026, 9, 1)
    assert scale.clamp(D(2027, 1, 1)) == D(2026, 12, 1)
    assert scale.clamp(D(2026, 10, 1)) == D(2026, 10, 1)


def test_a_scale_of_no_days_does_not_divide_by_zero() -> None:
    assert TimeScale(D(2026, 9, 1), D(2026, 9, 1)).x(D(2026, 9, 1)) == LEFT


def test_the_time_axis_runs_over_whole_months() -> None:
    assert time_domain([D(2026, 10, 15), D(2026, 9, 3), D(2027, 1, 15)]) == (D(2026, 9, 1), D(2027, 2, 1))
    # The last day on the first of a month still gets its month.
    assert time_domain([D(2026, 9, 3), D(2026, 11, 1)]) == (D(2026, 9, 1), D(2026, 12, 1))
    # A single day: at least four weeks.
    assert time_domain([D(2026, 2, 10)]) == (D(2026, 2, 1), D(2026, 3, 1))
    assert time_domain([D(2026, 2, 10)], min_days=40) == (D(2026, 2, 1), D(2026, 4, 1))
    with pytest.raises(ValueError):
        time_domain([])


def test_months_and_their_labels() -> None:
    assert next_month(D(2026, 12, 31)) == D(2027, 1, 1)
    assert next_month(D(2026, 1, 31)) == D(2026, 2, 1)
    assert months_between(D(2026, 9, 1), D(2026, 12, 1)) == [D(2026, 9, 1), D(2026, 10, 1), D(2026, 11, 1)]
    assert month_ticks(D(2026, 9, 1), D(2027, 2, 1), 6) == (
        D(2026, 9, 1), D(2026, 10, 1), D(2026, 11, 1), D(2026, 12, 1), D(2027, 1, 1)
    )
    # Too many months for the room: every second one, then every third one.
    assert month_ticks(D(2026, 9, 1), D(2027, 2, 1), 4) == (D(2026, 9, 1), D(2026, 11, 1), D(2027, 1, 1))
    assert len(month_ticks(D(2026, 1, 1), D(2028, 1, 1), 6)) == 6
    assert month_ticks(D(2026, 1, 1), D(2028, 1, 1), 6)[1] == D(2026, 5, 1)


def test_labels_near_an_edge_hang_inwards() -> None:
    assert text_anchor(5) == "start"
    assert text_anchor(50) == "middle"
    assert text_anchor(95) == "end"


def test_a_count_scale_has_zero_at_the_bottom() -> None:
    scale = CountScale(10, top=20, bottom=120)
    assert scale.y(0) == 120
    assert scale.y(10) == 20
    assert scale.y(4) == 80
    assert CountScale(0, top=20, bottom=120).y(3) == 120


def test_count_ticks_are_round_numbers_reaching_the_maximum() -> None:
    assert count_ticks(9) == (0, 2, 4, 6, 8, 10)
    assert count_ticks(5) == (0, 1, 2, 3, 4, 5)
    assert count_ticks(8) == (0, 2, 4, 6, 8)
    assert count_ticks(23) == (0, 5, 10, 15, 20, 25)
    assert count_ticks(0) == (0, 1)
    assert count_ticks(140) == (0, 50, 100, 150)


def test_step_paths_keep_each_value_until_the_next_point() -> None:
    points = [(1.5, 100.0), (20.0, 100.0), (40.25, 80.0), (50.0, 70.0)]
    # A point that changes nothing makes no corner.
    assert step_path(points, 60) == "M1.5 100 H40.25 V80 H50 V70 H60"
    assert area_path(points, 60, 120) == "M1.5 100 H40.25 V80 H50 V70 H60 V120 H1.5 Z"
    # The last point on the end: no line of no length.
    assert step_path([(1.5, 100.0), (60.0, 90.0)], 60) == "M1.5 100 H60 V90"
    assert step_path([], 60) == area_path([], 60, 120) == ""


def test_numbers_in_svg_have_no_trailing_zeros() -> None:
    assert number(40.0) == "40"
    assert number(37.5) == "37.5"
    assert number(12.3456) == "12.35"
    assert number(-0.001) == "0"


def test_the_rows_of_a_timeline_stack_under_its_axis() -> None:
    for layout in (FULL_ROWS, COMPACT_ROWS):
        assert layout.row_top(0) == layout.axis
        assert layout.row_top(2) == layout.axis + 2 * layout.row
        assert layout.height(3) == layout.rows_bottom(3) + layout.footer
        # The name sits above the bar, and the bar inside its row.
        assert layout.label < layout.bar
        assert layout.bar + layout.bar_height <= layout.row
    assert COMPACT_ROWS.height(3) < FULL_ROWS.height(3)

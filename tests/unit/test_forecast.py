"""Forecasts from the dates tasks were done: pace over two windows, a range, never a promise."""

from __future__ import annotations

import datetime as dt
import re

from milepost.i18n import texts_for
from milepost.model import Client, Milestone, Project, Task
from milepost.render.project_page import ProjectView, render_project_page
from milepost.render.promise_words import forecast_sentence
from milepost.status.forecast import (
    LONG_WINDOW_DAYS,
    NO_FORECAST_ALL_TASKS_DONE,
    NO_FORECAST_DONE,
    NO_FORECAST_NO_TASKS,
    NO_FORECAST_NOT_ENOUGH_DATA,
    SHORT_WINDOW_DAYS,
    Forecast,
    milestone_forecast,
    pace,
    project_forecasts,
)
from milepost.status.health import HealthState, Signals, milestone_health
from milepost.status.outlook import ProjectOutlook

D = dt.date
TODAY = D(2026, 11, 24)
EN = texts_for("en")


def tasks(*done: dt.date | None) -> tuple[Task, ...]:
    return tuple(Task(f"task {n}", day) for n, day in enumerate(done))


def project(*milestones: Milestone) -> Project:
    return Project(slug="p", client="c", name="P", milestones=milestones)


# Work began on 1 September: six tasks done in the last 56 days, four of them in the last 28.
FINISHED = Milestone(
    "first",
    "First",
    due=D(2026, 10, 15),
    start=D(2026, 9, 1),
    done=D(2026, 10, 20),
    tasks=tasks(D(2026, 9, 10), D(2026, 10, 5), D(2026, 10, 20)),
)
OPEN = Milestone(
    "second",
    "Second",
    due=D(2026, 12, 14),
    start=D(2026, 10, 20),
    tasks=tasks(D(2026, 10, 30), D(2026, 11, 2), D(2026, 11, 10), D(2026, 11, 20), None, None, None),
)


def test_pace_counts_tasks_done_in_the_window_ending_today() -> None:
    days = [D(2026, 10, 27), D(2026, 10, 28), D(2026, 11, 24), D(2026, 11, 25)]
    recent = pace(days, TODAY, 28, began=D(2026, 1, 1))
    # The window is the 28 days after 27 October up to today: 28 Oct and 24 Nov count.
    assert (recent.done, recent.days) == (2, 28)
    # A project that began 10 days ago is measured over those 10 days only.
    assert pace(days, TODAY, 28, began=D(2026, 11, 14)).days == 10
    assert pace(days, TODAY, 28, began=TODAY).per_day == 0.0


def test_range_from_the_faster_and_the_slower_window() -> None:
    result = milestone_forecast(OPEN, project(FINISHED, OPEN), TODAY)
    assert result.available
    # Last 28 days (27 Oct - 24 Nov): 30 Oct, 2 Nov, 10 Nov, 20 Nov = 4 tasks.
    # Last 56 days (29 Sep - 24 Nov): those, 5 Oct and 20 Oct = 6 tasks.
    assert (result.recent.done, result.recent.days) == (4, SHORT_WINDOW_DAYS)
    assert (result.longer.done, result.longer.days) == (6, LONG_WINDOW_DAYS)
    assert result.remaining == 3
    # Optimistic, at the recent pace: 3 / (4/28) = 21 days; pessimistic, at the longer
    # window's pace: 3 / (6/56) = 28 days.
    assert result.earliest == TODAY + dt.timedelta(days=21)
    assert result.latest == TODAY + dt.timedelta(days=28)


def test_the_range_is_never_narrower_than_a_quarter_of_the_optimistic_time() -> None:
    steady = Milestone(
        "m", "M", due=D(2026, 12, 15), start=D(2026, 9, 1),
        tasks=tasks(D(2026, 10, 1), D(2026, 10, 8), D(2026, 10, 15), D(2026, 11, 1), D(2026, 11, 8),
                    D(2026, 11, 15), D(2026, 11, 22), None, None, None),
    )
    result = milestone_forecast(steady, project(steady), TODAY)
    # 4 done in 28 days, 7 in 56: optimistic 3 / (4/28) = 21 days; the longer pace gives 24,
    # less than 21 * 1.25 = 26.25, so the pessimistic end is 27 days away.
    assert (result.recent.done, result.longer.done) == (4, 7)
    assert result.earliest == TODAY + dt.timedelta(days=21)
    assert result.latest == TODAY + dt.timedelta(days=27)


def test_the_slower_window_sets_the_pessimistic_end() -> None:
    slowed = Milestone(
        "second", "Second", due=D(2026, 12, 15), start=D(2026, 9, 1),
        tasks=tasks(D(2026, 9, 25), D(2026, 10, 5), D(2026, 10, 10), D(2026, 11, 20), None, None),
    )
    result = milestone_forecast(slowed, project(slowed), TODAY)
    # 56 days: 5 Oct, 10 Oct, 20 Nov (25 Sep is before the window) = 3; 28 days: 20 Nov = 1.
    assert (result.longer.done, result.recent.done) == (3, 1)
    assert result.earliest == TODAY + dt.timedelta(days=38)  # ceil(2 / (3/56)) = ceil(37.3)
    assert result.latest == TODAY + dt.timedelta(days=56)  # 2 / (1/28)


def test_no_task_done_lately_leaves_the_range_open() -> None:
    stalled = Milestone(
        "m", "M", due=D(2026, 12, 15), start=D(2026, 9, 1),
        tasks=tasks(D(2026, 10, 1), D(2026, 10, 5), D(2026, 10, 10), None),
    )
    result = milestone_forecast(stalled, project(stalled), TODAY)
    assert result.available and result.recent.done == 0
    assert result.earliest == TODAY + dt.timedelta(days=19)  # ceil(1 / (3/56))
    assert result.latest is None
    assert forecast_sentence(stalled, result, EN) == "At the current pace, not before 13 December 2026."


def test_work_promised_earlier_comes_first_and_later_work_does_not_count() -> None:
    earlier = Milestone("a", "A", due=D(2026, 12, 1), start=D(2026, 9, 1), tasks=tasks(None, None))
    later = Milestone("c", "C", due=D(2027, 3, 1), tasks=tasks(None, None, None, None))
    no_tasks = Milestone("b", "B", due=D(2026, 12, 2))
    forecasts = project_forecasts(project(FINISHED, earlier, no_tasks, OPEN, later), TODAY)
    assert forecasts["a"].remaining == 2
    assert forecasts["second"].remaining == 2 + 3  # its own 3 and the 2 promised before it
    assert forecasts["c"].remaining == 2 + 3 + 4
    assert forecasts["b"].reason == NO_FORECAST_NO_TASKS  # its size is unknown
    assert forecasts["first"].reason == NO_FORECAST_DONE


def test_no_forecast_without_enough_data() -> None:
    two_done = Milestone(
        "m", "M", due=D(2026, 12, 15), start=D(2026, 9, 1), tasks=tasks(D(2026, 11, 1), D(2026, 11, 20), None)
    )
    result = milestone_forecast(two_done, project(two_done), TODAY)
    assert (result.available, result.reason) == (False, NO_FORECAST_NOT_ENOUGH_DATA)
    three_done = Milestone(
        "m", "M", due=D(2026, 12, 15), start=D(2026, 9, 1),
        tasks=tasks(D(2026, 11, 1), D(2026, 11, 2), D(2026, 11, 20), None),
    )
    assert milestone_forecast(three_done, project(three_done), TODAY).available
    # Three tasks, but work began 13 days ago: too short to call it a pace.
    young = Milestone(
        "m", "M", due=D(2026, 12, 15), start=D(2026, 11, 11),
        tasks=tasks(D(2026, 11, 12), D(2026, 11, 13), D(2026, 11, 20), None),
    )
    assert milestone_forecast(young, project(young), TODAY).reason == NO_FORECAST_NOT_ENOUGH_DATA
    fortnight = Milestone(
        "m", "M", due=D(2026, 12, 15), start=D(2026, 11, 10),
        tasks=tasks(D(2026, 11, 12), D(2026, 11, 13), D(2026, 11, 20), None),
    )
    assert milestone_forecast(fortnight, project(fortnight), TODAY).available
    nothing = Milestone("m", "M", due=D(2026, 12, 15), tasks=tasks(None))
    assert milestone_forecast(nothing, project(nothing), TODAY).reason == NO_FORECAST_NOT_ENOUGH_DATA


def test_all_tasks_done_needs_no_forecast_only_a_done_date() -> None:
    ready = Milestone("m", "M", due=D(2026, 12, 15), start=D(2026, 9, 1), tasks=tasks(D(2026, 11, 1)))
    assert milestone_forecast(ready, project(ready), TODAY).reason == NO_FORECAST_ALL_TASKS_DONE


def test_tasks_of_a_finished_milestone_without_dates_count_on_its_done_date() -> None:
    undated = Milestone(
        "a", "A", due=D(2026, 11, 1), start=D(2026, 9, 1), done=D(2026, 11, 1), tasks=tasks(None, None, None)
    )
    open_one = Milestone("b", "B", due=D(2026, 12, 15), start=D(2026, 11, 1), tasks=tasks(None))
    result = milestone_forecast(open_one, project(undated, open_one), TODAY)
    assert result.available and result.longer.done == 3


def test_the_page_shows_a_forecast_only_when_it_is_later_than_the_promise() -> None:
    m = Milestone("m", "M", due=D(2026, 12, 15), start=D(2026, 9, 1), tasks=tasks(D(2026, 11, 1), None))
    earlier = Forecast("m", True, earliest=D(2026, 12, 1), latest=D(2026, 12, 10), remaining=1)
    on_the_day = Forecast("m", True, earliest=D(2026, 12, 1), latest=D(2026, 12, 15), remaining=1)
    later = Forecast("m", True, earliest=D(2026, 12, 10), latest=D(2026, 12, 20), remaining=1)
    assert forecast_sentence(m, earlier, EN) is None
    assert forecast_sentence(m, on_the_day, EN) is None
    assert "between 10 December 2026 and 20 December 2026" in forecast_sentence(m, later, EN)
    assert forecast_sentence(m, Forecast("m", False, NO_FORECAST_NOT_ENOUGH_DATA), EN) is None
    single = Forecast("m", True, earliest=D(2026, 12, 20), latest=D(2026, 12, 20), remaining=1)
    assert "At the current pace, around 20 December 2026." in forecast_sentence(m, single, EN)
    # Never for a finished milestone, and never in place of the promise.
    finished = Milestone("m", "M", due=D(2026, 12, 15), done=D(2026, 11, 20))
    assert forecast_sentence(finished, later, EN) is None


def test_project_page_puts_the_forecast_next_to_the_promise_and_explains_the_risk() -> None:
    client = Client(slug="c", name="C")
    p = project(FINISHED, OPEN)
    forecasts = project_forecasts(p, TODAY)
    assert forecasts["second"].earliest > OPEN.due  # 15 December, promised for 14 December
    signals = Signals(forecasts=forecasts, last_work=D(2026, 11, 20), inactive_days=14)
    assert milestone_health(OPEN, p, TODAY, signals).state == HealthState.AT_RISK
    outlook = ProjectOutlook(forecasts=forecasts, signals=signals)
    page = render_project_page(ProjectView(client, p, TODAY, outlook=outlook), EN)
    section = page.split("{#milestone-second}")[1]
    text = re.sub(r"<[^>]+>", "", section)
    promise = text.index("Promised for 14 December 2026.")
    forecast = text.index("At the current pace, between 15 December 2026 and 22 December 2026.")
    assert promise < forecast
    # The estimate says it is one, next to the forecast.
    assert (
        '<p class="mp-forecast">At the current pace, between 15 December 2026 and 22 December 2026. '
        '<span class="mp-facts">This is an estimate from the work done lately, not a promise.</span></p>'
    ) in section
    assert "this would be finished after the promised date" in text
    # Without measurements the page shows no forecast and the milestone is on track.
    plain = render_project_page(ProjectView(client, p, TODAY), EN)
    assert "At the current pace" not in plain


def test_a_forecast_centuries_away_stops_at_a_century_not_at_the_calendars_end() -> None:
    # Three tasks done in the last eight weeks and 200,000 left: at that pace (3 in 56 days)
    # the work ends after year 9999, where Python's calendar stops.
    huge = Milestone(
        "huge",
        "Huge",
        due=D(2027, 6, 1),
        start=D(2026, 9, 1),
        tasks=tasks(D(2026, 10, 5), D(2026, 10, 20), D(2026, 11, 10), *([None] * 200_000)),
    )
    result = milestone_forecast(huge, project(huge), TODAY)
    assert result.available
    assert result.earliest is not None and result.latest is not None
    assert result.earliest.year == result.latest.year == TODAY.year + 100
    sentence = forecast_sentence(huge, result, EN)
    assert sentence is not None and "2126" in sentence

"""Forecasts by simulation: the project's own weeks resampled, the 50th-85th percentile as the
range, the chance of keeping the promise; the agency's reference class for young projects."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

from helpers import output_in_new_process
from milepost.history.project_files import COMPLETE, MilestoneSnapshot, ProjectFileVersion, ProjectFileVersions
from milepost.i18n import texts_for
from milepost.model import Client, Milestone, Project, Task
from milepost.render.project_page import ProjectView, render_project_page
from milepost.render.promise_words import chance_sentence, forecast_sentence, rule_sentence
from milepost.status.burnup import scope_changes
from milepost.status.forecast import (
    MIN_RANGE_DAYS,
    MIN_REFERENCE,
    NO_FORECAST_ALL_TASKS_DONE,
    NO_FORECAST_DONE,
    NO_FORECAST_NO_TASKS,
    NO_FORECAST_NOT_ENOUGH_DATA,
    RUNS,
    Forecast,
    ForecastMethod,
    ReferenceClass,
    Week,
    project_forecasts,
    reference_class,
    seed_of,
    simulate,
    week_weights,
    weekly_history,
)
from milepost.status.health import HealthRule, HealthState, Signals, milestone_health
from milepost.status.outlook import ProjectOutlook

D = dt.date
UTC = dt.UTC
TODAY = D(2026, 11, 24)
EN = texts_for("en")


def tasks(*done: dt.date | None) -> tuple[Task, ...]:
    return tuple(Task(f"task {n}", day) for n, day in enumerate(done))


def project(*milestones: Milestone) -> Project:
    return Project(slug="p", client="c", name="P", milestones=milestones)


def steady(weeks: int, per_week: int, open_tasks: int, due: dt.date) -> Project:
    """A project that did `per_week` tasks in each of its last `weeks` weeks (on the week's
    last day, counted back from today) and has `open_tasks` left."""
    done = [TODAY - dt.timedelta(days=7 * age) for age in range(weeks) for _ in range(per_week)]
    finished = Milestone("first", "First", due=TODAY, start=TODAY - dt.timedelta(days=7 * weeks - 1),
                         done=TODAY, tasks=tasks(*done))
    return project(finished, Milestone("next", "Next", due=due, tasks=tasks(*([None] * open_tasks))))


# --- the simulation itself -------------------------------------------------------------------


def test_a_constant_pace_gives_one_day_and_the_range_is_widened_to_the_minimum() -> None:
    result = simulate([Week(3, 0)] * 10, [30], runs=500, seed=1)
    assert set(result.finishes[0]) == {70}  # ten weeks of three tasks, done on the tenth's last day
    forecast = project_forecasts(steady(10, 3, 30, TODAY + dt.timedelta(days=70)), TODAY)["next"]
    assert forecast.method == ForecastMethod.SIMULATION
    assert forecast.earliest == TODAY + dt.timedelta(days=70)
    assert forecast.latest == TODAY + dt.timedelta(days=70 + MIN_RANGE_DAYS)
    assert forecast.chance == 1.0  # every future is ready on the promised day
    a_day_less = project_forecasts(steady(10, 3, 30, TODAY + dt.timedelta(days=69)), TODAY)["next"]
    assert a_day_less.chance == 0.0
    # The day inside the last week is interpolated: 31 tasks at 3 a week take 10 1/3 weeks.
    assert set(simulate([Week(3, 0)] * 10, [31], runs=50, seed=1).finishes[0]) == {70 + 3}


def test_percentiles_of_a_known_mix_of_weeks() -> None:
    # Two weeks: an empty one (the older, weight 2**(-1/8)) and one of ten tasks (weight 1).
    # Ten tasks are done in the first week drawn with ten: the finish week is geometric.
    p = 1 / (1 + 2 ** (-1 / 8))  # 0.5216...
    result = simulate([Week(0, 0), Week(10, 0)], [10], runs=4000, seed=7)
    days = sorted(d for d in result.finishes[0] if d is not None)
    share_first_week = sum(1 for d in days if d == 7) / len(days)
    assert abs(share_first_week - p) < 0.03
    assert days[2000 - 1] == 7  # the 50th percentile: the first week (P = 0.52)
    assert days[3400 - 1] == 21  # the 85th: the third week (P(2 weeks) = 0.77, P(3) = 0.89)


def test_recent_weeks_weigh_more_halving_every_eight_weeks() -> None:
    weights = week_weights(17)
    assert weights[-1] == 1.0 and weights[-9] == 0.5 and weights[0] == 0.25


def test_more_scope_growth_moves_the_range_later() -> None:
    calm = [Week(d, 0) for d in (2, 4, 3, 0, 5, 3, 2, 4)]
    growing = [Week(d, 1) for d in (2, 4, 3, 0, 5, 3, 2, 4)]
    faster_growth = [Week(d, 2) for d in (2, 4, 3, 0, 5, 3, 2, 4)]
    medians = []
    for weeks in (calm, growing, faster_growth):
        days = sorted(d or 10**6 for d in simulate(weeks, [30], runs=2000, seed=3).finishes[0])
        medians.append((days[1000], days[1700]))
    assert medians[0][0] < medians[1][0] < medians[2][0]
    assert medians[0][1] < medians[1][1] < medians[2][1]


def test_scope_growth_comes_from_the_project_files_versions() -> None:
    p = steady(8, 2, 10, TODAY + dt.timedelta(days=40))

    def version(day: dt.date, open_tasks: int) -> ProjectFileVersion:
        when = dt.datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
        plans = (MilestoneSnapshot("first", tasks=16), MilestoneSnapshot("next", tasks=open_tasks))
        return ProjectFileVersion("a" * 40, when, "projects/c/p.yml", plans)

    # The open milestone grew from 4 to 10 tasks over the last three weeks: 2 a week.
    versions = ProjectFileVersions(
        COMPLETE, tuple(version(TODAY - dt.timedelta(days=7 * age), 10 - 2 * age) for age in (3, 2, 1, 0))
    )
    weeks = weekly_history(p, scope_changes(versions, UTC, TODAY), TODAY)
    assert [w.added for w in weeks] == [0, 0, 0, 0, 0, 2, 2, 2]
    assert [w.done for w in weeks] == [2] * 8
    without = project_forecasts(p, TODAY)["next"]
    with_growth = project_forecasts(p, TODAY, versions=versions)["next"]
    assert with_growth.earliest is not None and without.earliest is not None
    assert with_growth.earliest > without.earliest
    assert with_growth.growth > 0 == without.growth


def test_the_cost_grows_linearly_with_the_number_of_runs() -> None:
    weeks = [Week(d, a) for d, a in ((2, 0), (4, 1), (0, 0), (5, 2), (3, 0), (1, 1), (6, 0))]
    small = simulate(weeks, [12, 40], runs=400, seed=5).steps
    large = simulate(weeks, [12, 40], runs=4000, seed=5).steps
    assert 9 <= large / small <= 11


def test_the_same_inputs_give_the_same_dates_in_any_process() -> None:
    weeks = [Week(d, a) for d, a in ((2, 0), (4, 1), (0, 0), (5, 2), (3, 0), (1, 1), (6, 0))]
    assert simulate(weeks, [20], seed=9) == simulate(weeks, [20], seed=9)
    assert simulate(weeks, [20], seed=9) != simulate(weeks, [20], seed=10)
    here = forecast_bytes()
    assert here == output_in_new_process(
        Path(__file__), "forecast_bytes()", {"PYTHONHASHSEED": "123", "TZ": "Asia/Tokyo"}
    )
    assert here.startswith(b"2027-")


def forecast_bytes() -> bytes:
    """A simulated forecast's range and chance, as text (for the other process)."""
    p = project(
        Milestone("a", "A", due=D(2026, 10, 1), start=D(2026, 8, 1), done=D(2026, 10, 1),
                  tasks=tasks(D(2026, 8, 20), D(2026, 9, 3), D(2026, 9, 4), D(2026, 9, 30))),
        Milestone("b", "B", due=D(2026, 12, 20),
                  tasks=tasks(D(2026, 10, 20), D(2026, 11, 3), D(2026, 11, 20), None, None, None, None, None)),
    )
    f = project_forecasts(p, TODAY)["b"]
    return f"{f.earliest} {f.latest} {f.chance}".encode()


# --- which milestones, how much work ---------------------------------------------------------


def test_work_promised_earlier_comes_first_and_later_work_does_not_count() -> None:
    base = steady(8, 1, 0, TODAY)
    earlier = Milestone("a", "A", due=D(2026, 12, 1), tasks=tasks(None, None))
    middle = Milestone("m", "M", due=D(2026, 12, 14), tasks=tasks(D(2026, 11, 1), None, None, None))
    later = Milestone("c", "C", due=D(2027, 3, 1), tasks=tasks(None, None, None, None))
    no_tasks = Milestone("b", "B", due=D(2026, 12, 2))
    forecasts = project_forecasts(project(base.milestones[0], earlier, no_tasks, middle, later), TODAY)
    assert forecasts["a"].remaining == 2
    assert forecasts["m"].remaining == 2 + 3  # its own 3 and the 2 promised before it
    assert forecasts["c"].remaining == 2 + 3 + 4
    assert forecasts["b"].reason == NO_FORECAST_NO_TASKS  # its size is unknown
    assert forecasts["first"].reason == NO_FORECAST_DONE
    assert forecasts["a"].earliest < forecasts["m"].earliest < forecasts["c"].earliest


def test_all_tasks_done_needs_no_forecast_only_a_done_date() -> None:
    ready = Milestone("m", "M", due=D(2026, 12, 15), start=D(2026, 9, 1), tasks=tasks(D(2026, 11, 1)))
    assert project_forecasts(project(ready), TODAY)["m"].reason == NO_FORECAST_ALL_TASKS_DONE


# --- too little history: the agency's reference class --------------------------------------------------

RECORD = ReferenceClass((-2, 0, 0, 3, 7, 7, 10, 14, 21, 35))  # ten finished milestones, days late


def young(due: dt.date) -> Project:
    """Three weeks of work: too little to judge by its own pace."""
    return project(Milestone("m", "M", due=due, start=TODAY - dt.timedelta(days=20),
                             tasks=tasks(D(2026, 11, 10), D(2026, 11, 20), None, None)))


def test_a_young_project_is_judged_by_the_agencys_record() -> None:
    due = D(2026, 12, 20)
    forecast = project_forecasts(young(due), TODAY, reference=RECORD)["m"]
    assert forecast.method == ForecastMethod.REFERENCE_CLASS and forecast.references == 10
    assert forecast.earliest == due + dt.timedelta(days=7)  # the 5th of 10 slips
    assert forecast.latest == due + dt.timedelta(days=21)  # the 9th (85% of 10, rounded up)
    assert forecast.chance == 0.3  # three of ten ended on or before their first promise
    # Without a record there is nothing to go by: no forecast, rather than a guess.
    assert project_forecasts(young(due), TODAY)["m"].reason == NO_FORECAST_NOT_ENOUGH_DATA
    too_few = ReferenceClass(RECORD.slips[: MIN_REFERENCE - 1])
    assert project_forecasts(young(due), TODAY, reference=too_few)["m"].available is False
    # Six weeks of its own are enough for the simulation.
    assert project_forecasts(steady(6, 1, 3, due), TODAY, reference=RECORD)["next"].method == ForecastMethod.SIMULATION
    assert project_forecasts(steady(5, 1, 3, due), TODAY, reference=RECORD)["next"].method == (
        ForecastMethod.REFERENCE_CLASS
    )


def test_the_record_is_every_finished_milestone_against_its_first_promise_and_every_late_one_so_far() -> None:
    shop = project(
        Milestone("a", "A", due=D(2026, 10, 1), done=D(2026, 10, 8)),
        Milestone("b", "B", due=D(2026, 11, 1), done=D(2026, 10, 30)),
        Milestone("c", "C", due=D(2026, 12, 1)),  # open, its promise ahead: not in the record
        Milestone("d", "D", due=D(2026, 11, 1), done=D(2026, 11, 30)),  # done after today: late so far
    )
    clinic = project(
        Milestone("x", "X", due=D(2026, 9, 1), done=D(2026, 9, 15)),
        Milestone("y", "Y", due=D(2026, 11, 14)),  # open, 10 days past its first promise
        Milestone("z", "Z", due=TODAY),  # open, due today: not late yet
    )
    assert reference_class([(shop, None), (clinic, None)], TODAY).slips == (-2, 7, 10, 14, 23)
    # Left out, the late ones would make the record rosier than it is.
    finished = [(project(*shop.milestones[:2]), None), (project(clinic.milestones[0]), None)]
    assert reference_class(finished, TODAY).slips == (-2, 7, 14)


def test_a_reference_class_forecast_is_never_before_tomorrow() -> None:
    long_ago = D(2026, 10, 1)  # promised long ago, still open
    forecast = project_forecasts(young(long_ago), TODAY, reference=RECORD)["m"]
    assert forecast.earliest == TODAY + dt.timedelta(days=1)
    assert forecast.chance == 0.0


# --- on the page ------------------------------------------------------------------------------


def test_the_page_shows_a_forecast_only_when_it_is_later_than_the_promise() -> None:
    m = Milestone("m", "M", due=D(2026, 12, 15), start=D(2026, 9, 1), tasks=tasks(D(2026, 11, 1), None))
    earlier = Forecast("m", True, earliest=D(2026, 12, 1), latest=D(2026, 12, 10), remaining=1)
    on_the_day = Forecast("m", True, earliest=D(2026, 12, 1), latest=D(2026, 12, 15), remaining=1)
    later = Forecast("m", True, earliest=D(2026, 12, 10), latest=D(2026, 12, 20), remaining=1)
    assert forecast_sentence(m, earlier, EN) is None
    assert forecast_sentence(m, on_the_day, EN) is None
    assert "between 10 December 2026 and 20 December 2026" in (forecast_sentence(m, later, EN) or "")
    assert forecast_sentence(m, Forecast("m", False, NO_FORECAST_NOT_ENOUGH_DATA), EN) is None
    finished = Milestone("m", "M", due=D(2026, 12, 15), done=D(2026, 11, 20))
    assert forecast_sentence(finished, later, EN) is None


def test_the_chance_in_words_a_client_understands() -> None:
    m = Milestone("m", "M", due=D(2026, 12, 12), tasks=tasks(None))

    def words(chance: float, language: str = "en") -> str | None:
        return chance_sentence(m, Forecast("m", True, earliest=TODAY, chance=chance), texts_for(language))

    assert words(0.1) == "About 1 chance in 10 to be ready by 12 December 2026."
    assert words(0.66) == "About 7 chances in 10 to be ready by 12 December 2026."
    assert words(0.04) == "Less than 1 chance in 10 to be ready by 12 December 2026."
    assert words(0.96) == "More than 9 chances in 10 to be ready by 12 December 2026."
    # Plural forms: Polish, Russian and Ukrainian have three.
    assert words(0.1, "pl") == "Mniej więcej 1 szansa na 10, że będzie gotowe do 12 grudnia 2026."
    assert words(0.2, "pl") == "Mniej więcej 2 szanse na 10, że będzie gotowe do 12 grudnia 2026."
    assert words(0.5, "pl") == "Mniej więcej 5 szans na 10, że będzie gotowe do 12 grudnia 2026."
    assert words(0.3, "ru") == "Примерно 3 шанса из 10, что всё будет готово к 12 декабря 2026\u202fг."
    assert words(0.5, "ru") == "Примерно 5 шансов из 10, что всё будет готово к 12 декабря 2026\u202fг."
    assert words(0.1, "uk") == "Приблизно 1 шанс із 10, що все буде готово до 12 грудня 2026\u202fр."
    assert words(0.5, "uk") == "Приблизно 5 шансів із 10, що все буде готово до 12 грудня 2026\u202fр."
    assert words(0.1, "de") == "Die Aussicht, bis zum 12. Dezember 2026 fertig zu sein: etwa 1 von 10."
    # Never for a finished milestone or without a forecast.
    assert chance_sentence(m, None, EN) is None
    assert chance_sentence(m, Forecast("m", False, NO_FORECAST_NOT_ENOUGH_DATA), EN) is None


def test_project_page_puts_forecast_and_chance_beside_the_promise_and_health_follows() -> None:
    client = Client(slug="c", name="C")
    p = steady(8, 2, 9, D(2026, 12, 14))  # 9 tasks at 2 a week: about 4.5 weeks, promised in 3
    forecasts = project_forecasts(p, TODAY)
    nxt = forecasts["next"]
    assert nxt.earliest is not None and nxt.earliest > D(2026, 12, 14)
    assert nxt.chance == 0.0
    signals = Signals(forecasts=forecasts, last_work=TODAY, inactive_days=14)
    health = milestone_health(p.milestones[1], p, TODAY, signals)
    assert (health.state, health.rule) == (HealthState.AT_RISK, HealthRule.FORECAST_LATER)
    outlook = ProjectOutlook(forecasts=forecasts, signals=signals)
    page = render_project_page(ProjectView(client, p, TODAY, outlook=outlook), EN)
    text = re.sub(r"<[^>]+>", "", page.split("{#milestone-next}")[1])
    promise = text.index("Promised for 14 December 2026.")
    forecast = text.index("At the current pace, between")
    chance = text.index("Less than 1 chance in 10 to be ready by 14 December 2026.")
    assert promise < forecast < chance
    assert "This is an estimate from the work done lately, not a promise." in text


def test_a_young_projects_page_says_where_its_forecast_comes_from() -> None:
    client = Client(slug="c", name="C")
    p = young(D(2026, 12, 20))
    forecasts = project_forecasts(p, TODAY, reference=RECORD)
    outlook = ProjectOutlook(forecasts=forecasts, signals=Signals(forecasts=forecasts))
    page = render_project_page(ProjectView(client, p, TODAY, outlook=outlook), EN)
    text = " ".join(re.sub(r"<[^>]+>", "", page).split())
    assert "About 3 chances in 10 to be ready by 20 December 2026." in text
    # Its range is not "at the current pace": it has none of its own yet.
    forecast = forecasts["m"]
    assert forecast.earliest is not None and forecast.latest is not None
    dates = f"between {EN.date(forecast.earliest)} and {EN.date(forecast.latest)}"
    assert f"Judging by our earlier milestones, {dates}." in text
    assert "At the current pace" not in text
    assert (
        "This project is too new to judge by its own pace, so this estimate comes from the 10 milestones we "
        "promised before: when each was finished against its first promise or, if still open, how late it "
        "already is. It is not a promise."
    ) in text


def test_the_worked_example_of_docs_health_md() -> None:
    """The figures docs/health.md works through are the ones the code gives."""
    today = D(2026, 12, 7)
    done_per_week = (2, 0, 3, 4, 1, 3, 2, 5)  # oldest first; each week's tasks on its last day
    done = [today - dt.timedelta(days=7 * (7 - index)) for index, n in enumerate(done_per_week) for _ in range(n)]
    earlier = Milestone("catalogue", "Catalogue", due=D(2026, 11, 30), start=today - dt.timedelta(days=55),
                        done=D(2026, 11, 30), tasks=tasks(*done[:15]))
    payments = Milestone("payments", "Online payments", due=D(2027, 1, 4), tasks=tasks(*done[15:], *[None] * 12))
    p = project(earlier, payments)

    def version(age: int, added: int) -> ProjectFileVersion:
        day = today - dt.timedelta(days=7 * age)
        plans = (MilestoneSnapshot("catalogue", tasks=15), MilestoneSnapshot("payments", tasks=17 + added))
        return ProjectFileVersion("a" * 40, dt.datetime(day.year, day.month, day.day, 12, tzinfo=UTC), "p.yml", plans)

    versions = ProjectFileVersions(COMPLETE, (version(8, 0), version(5, 2), version(2, 3)))
    weeks = weekly_history(p, scope_changes(versions, UTC, today), today)
    assert [(w.done, w.added) for w in weeks] == [(2, 0), (0, 0), (3, 2), (4, 0), (1, 0), (3, 1), (2, 0), (5, 0)]
    f = project_forecasts(p, today, versions=versions)["payments"]
    assert (f.remaining, f.pace, f.growth) == (12, 2.65, 0.35)
    assert (f.earliest, f.latest) == (D(2027, 1, 13), D(2027, 1, 25))
    assert f.chance == 954 / 4000
    docs = " ".join((Path(__file__).parents[2] / "docs" / "health.md").read_text(encoding="utf-8").split())
    assert "between 13 January 2027 and 25 January 2027" in docs
    assert "About 2 chances in 10 to be ready by 4 January 2027" in docs
    assert chance_sentence(payments, f, EN) == "About 2 chances in 10 to be ready by 4 January 2027."
    assert "954 of the 4000 futures (24%)" in docs
    days = sorted(d or 0 for d in simulate(weeks, [12], seed=seed_of(today, weeks, [12], RUNS)).finishes[0])
    assert (days[0], days[-1], days[1999], days[3399]) == (17, 102, 37, 49)
    assert "the fastest future finishes in 17 days, the slowest in 102" in docs
    assert "Half of them are finished within 37 days, 85 in 100 within 49" in docs
    signals = Signals(forecasts={"payments": f}, last_work=today, inactive_days=14)
    assert milestone_health(payments, p, today, signals).rule == HealthRule.FORECAST_LATER


# --- kept on disk while the inputs are unchanged (status/forecast_cache.py) ----------------------


def test_an_unchanged_project_reads_its_forecasts_and_a_changed_one_simulates_again(tmp_path: Path) -> None:
    from dataclasses import replace

    from milepost.status.forecast_cache import entry_path
    from milepost.status.outlook import project_outlook

    shop = replace(steady(10, 3, 30, TODAY + dt.timedelta(days=50)), slug="shop")
    app = replace(steady(12, 2, 20, TODAY + dt.timedelta(days=60)), slug="app")

    def outlooks() -> dict[str, dict[str, Forecast]]:
        return {
            p.slug: dict(project_outlook(p, None, (), TODAY, cache_dir=tmp_path).forecasts) for p in (shop, app)
        }

    def entries() -> dict[str, int]:  # each entry's inode: a new one when it was written again
        return {slug: entry_path(tmp_path, "c", slug).stat().st_ino for slug in ("shop", "app")}

    first = outlooks()
    assert first == {p.slug: project_forecasts(p, TODAY) for p in (shop, app)}  # as simulated
    written = entries()
    assert outlooks() == first and entries() == written  # read, not simulated again
    # One more task in the shop: its forecasts are made again, the app's are read.
    (shop_next,) = [m for m in shop.milestones if m.id == "next"]
    grown = replace(shop_next, tasks=(*shop_next.tasks, Task("one more")))
    shop = replace(shop, milestones=tuple(grown if m.id == "next" else m for m in shop.milestones))
    again = outlooks()
    assert again["shop"] == project_forecasts(shop, TODAY) != first["shop"]
    after = entries()
    assert after["app"] == written["app"] and after["shop"] != written["shop"]
    # An entry changed on disk is not trusted: made again.
    path = entry_path(tmp_path, "c", "app")
    path.write_bytes(path.read_bytes().replace(b'"simulation"', b'"reference-class"'))
    assert outlooks()["app"] == first["app"]


def test_an_at_risk_reason_names_what_the_forecast_stands_on() -> None:
    """A young project's forecast comes from the agency's record, not from its own pace: the
    reason the state gives says so."""
    m = Milestone("m", "M", due=D(2026, 12, 12), tasks=tasks(None))
    own = Forecast("m", True, earliest=D(2026, 12, 20), latest=D(2026, 12, 30), method=ForecastMethod.SIMULATION)
    record = dataclasses.replace(own, method=ForecastMethod.REFERENCE_CLASS)
    for rule, words in ((HealthRule.FORECAST_LATER, "would be"), (HealthRule.LOW_CHANCE, "may well be")):
        by_pace = rule_sentence(rule, m, Signals(forecasts={"m": own}), TODAY, EN)
        by_record = rule_sentence(rule, m, Signals(forecasts={"m": record}), TODAY, EN)
        assert by_pace == f"At the pace of the work lately, this {words} finished after the promised date."
        assert by_record == (
            f"Judging by how our earlier milestones went against their promises, this {words} finished after "
            "the promised date."
        )

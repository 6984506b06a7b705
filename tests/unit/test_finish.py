"""The project's finish (status/finish.py) and its words (render/finish_words.py): which
milestone is the end, what the card, the page top, status.json and the weekly letter say of it."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from milepost.i18n import texts_for
from milepost.model import Budget, Client, Delay, LetterSchedule, Milestone, Project, Recipient, Task
from milepost.publish.status_json import project_status
from milepost.render.finish_words import finish_chance, finish_sentence, forecast_months
from milepost.render.glance import glance_view
from milepost.render.letters import LetterWords, letter_view, render_letter
from milepost.status.budget import budget_pace
from milepost.status.finish import finish_milestone, project_finish
from milepost.status.forecast import Forecast, ForecastMethod
from milepost.status.health import HealthState, Signals
from milepost.status.letters_due import letters_due
from milepost.status.outlook import ProjectOutlook

TODAY = dt.date(2026, 11, 24)  # a Tuesday
OPEN = (Task("Design"), Task("Build", done=dt.date(2026, 11, 10)))
PAYMENTS = Milestone(id="payments", title="Online payments", due=dt.date(2026, 12, 12), tasks=OPEN)
LAUNCH = Milestone(id="launch", title="Shop goes live", due=dt.date(2027, 1, 15), tasks=OPEN)
AFTERCARE = Milestone(id="aftercare", title="Four weeks of aftercare", due=dt.date(2027, 2, 15))


def shop(*milestones: Milestone, **fields: object) -> Project:
    return Project(
        slug="webshop", client="acme", name="New online shop", milestones=milestones, **fields  # type: ignore[arg-type]
    )


def forecast(milestone: str, earliest: dt.date, latest: dt.date | None, chance: float) -> Forecast:
    return Forecast(
        milestone, True, earliest=earliest, latest=latest, high=latest, chance=chance, remaining=1,
        method=ForecastMethod.SIMULATION,
    )


LATE_LAUNCH = forecast("launch", dt.date(2027, 2, 26), dt.date(2027, 4, 13), 0.1)


def outlook_of(project: Project, forecasts: dict[str, Forecast]) -> ProjectOutlook:
    """What the build measures, as far as these tests need it."""
    return ProjectOutlook(
        forecasts=forecasts,
        signals=Signals(forecasts=forecasts),
        finish=project_finish(project, forecasts),
        budget=budget_pace(project, None, dt.UTC, TODAY),
    )


# --- which milestone is the finish -------------------------------------------------------------


def test_the_finish_is_the_milestone_promised_last() -> None:
    assert finish_milestone(shop(LAUNCH, PAYMENTS)) == LAUNCH


def test_a_milestone_marked_final_is_the_finish_even_when_another_comes_later() -> None:
    marked = Milestone(id="launch", title="Shop goes live", due=dt.date(2027, 1, 15), final=True)
    assert finish_milestone(shop(PAYMENTS, marked, AFTERCARE)) == marked
    assert project_finish(shop(PAYMENTS, marked, AFTERCARE), {}).marked  # type: ignore[union-attr]
    assert not project_finish(shop(PAYMENTS, LAUNCH), {}).marked  # type: ignore[union-attr]


def test_the_date_promised_now_counts_and_a_tie_goes_to_the_one_written_later() -> None:
    moved = Milestone(
        id="payments", title="Online payments", due=dt.date(2026, 12, 12),
        delay=Delay(reason="r", plan="p", due=dt.date(2027, 2, 1)),
    )
    assert finish_milestone(shop(moved, LAUNCH)) == moved  # moved past the launch
    twin = Milestone(id="training", title="Training", due=LAUNCH.due)
    assert finish_milestone(shop(LAUNCH, twin)) == twin
    assert finish_milestone(shop(twin, LAUNCH)) == LAUNCH


def test_no_milestones_no_finish() -> None:
    assert finish_milestone(shop()) is None
    assert project_finish(shop(), {}) is None
    assert finish_sentence(None, texts_for("en")) is None


def test_the_finish_carries_the_forecast_and_its_chance() -> None:
    finish = project_finish(shop(PAYMENTS, LAUNCH), {"launch": LATE_LAUNCH})
    assert finish is not None
    assert (finish.milestone, finish.promise, finish.done) == ("launch", LAUNCH.due, None)
    assert (finish.earliest, finish.latest, finish.chance, finish.later) == (
        dt.date(2027, 2, 26), dt.date(2027, 4, 13), 0.1, True,
    )
    # The forecast of another milestone is not the finish's.
    other = project_finish(shop(PAYMENTS, LAUNCH), {"payments": forecast("payments", TODAY, TODAY, 0.5)})
    assert other is not None and other.chance is None and not other.later


def test_a_finished_finish_has_its_day_and_no_odds() -> None:
    done = Milestone(id="launch", title="Shop goes live", due=dt.date(2027, 1, 15), done=dt.date(2026, 11, 20))
    finish = project_finish(shop(PAYMENTS, done), {"launch": LATE_LAUNCH})
    assert finish is not None and finish.done == dt.date(2026, 11, 20) and finish.chance is None
    en = texts_for("en")
    assert finish_sentence(finish, en) == "Shop goes live: finished on 20 November 2026."
    assert finish_chance(finish, en) is None


# --- the words ------------------------------------------------------------------------------------


def test_a_later_forecast_is_said_by_thirds_of_a_month_with_the_chance_beside_the_promise() -> None:
    finish = project_finish(shop(PAYMENTS, LAUNCH), {"launch": LATE_LAUNCH})
    en = texts_for("en")
    assert finish_sentence(finish, en) == (
        "Shop goes live: promised for 15 January 2027; at the current pace between late February and mid-April 2027."
    )
    assert finish_chance(finish, en) == "About 1 chance in 10 to be ready by 15 January 2027."


def test_a_forecast_within_the_promise_gives_the_promise_and_the_chance_only() -> None:
    early = forecast("launch", dt.date(2027, 1, 2), dt.date(2027, 1, 9), 0.97)
    finish = project_finish(shop(LAUNCH), {"launch": early})
    en = texts_for("en")
    assert finish_sentence(finish, en) == "Shop goes live: promised for 15 January 2027."
    assert finish_chance(finish, en) == "More than 9 chances in 10 to be ready by 15 January 2027."
    # Without a forecast: the promise alone, no chance.
    bare = project_finish(shop(LAUNCH), {})
    assert finish_sentence(bare, en) == "Shop goes live: promised for 15 January 2027."
    assert finish_chance(bare, en) is None


def test_odds_from_the_agencys_record_say_so_beside_the_chance() -> None:
    """A young project's odds come from the agency's other projects: the card, the top of the
    page and the letter say so, not only the milestone's own paragraph."""
    early = forecast("launch", dt.date(2027, 1, 2), dt.date(2027, 1, 9), 0.9)
    record = dataclasses.replace(early, method=ForecastMethod.REFERENCE_CLASS, references=9)
    en = texts_for("en")
    own = finish_chance(project_finish(shop(LAUNCH), {"launch": early}), en)
    borrowed = finish_chance(project_finish(shop(LAUNCH), {"launch": record}), en)
    assert own == "About 9 chances in 10 to be ready by 15 January 2027."
    assert borrowed == (
        "About 9 chances in 10 to be ready by 15 January 2027. This project is still young, so these odds "
        "come from how our earlier milestones went."
    )
    # A later forecast from the record is not "at the current pace": the project has none yet.
    late = dataclasses.replace(LATE_LAUNCH, method=ForecastMethod.REFERENCE_CLASS, references=9)
    assert finish_sentence(project_finish(shop(PAYMENTS, LAUNCH), {"launch": late}), en) == (
        "Shop goes live: promised for 15 January 2027; judging by our earlier milestones between late February "
        "and mid-April 2027."
    )


@pytest.mark.parametrize(
    ("language", "across_months", "across_years"),
    [
        ("en", "between late February and mid-April 2027", "between late December 2026 and early January 2027"),
        ("pl", "między końcem lutego a połową kwietnia 2027", "między końcem grudnia 2026 a początkiem stycznia 2027"),
        ("ru", "между концом февраля и серединой апреля 2027\u202fг.",
         "между концом декабря 2026\u202fг. и началом января 2027\u202fг."),
        ("uk", "між кінцем лютого та серединою квітня 2027\u202fр.",
         "між кінцем грудня 2026\u202fр. та початком січня 2027\u202fр."),
        ("de", "zwischen Ende Februar und Mitte April 2027", "zwischen Ende Dezember 2026 und Anfang Januar 2027"),
    ],
)
def test_the_range_by_thirds_of_a_month_in_every_language(language: str, across_months: str, across_years: str) -> None:
    texts = texts_for(language)
    assert forecast_months(dt.date(2027, 2, 21), dt.date(2027, 4, 20), texts) == across_months
    assert forecast_months(dt.date(2026, 12, 31), dt.date(2027, 1, 10), texts) == across_years


def test_a_range_within_one_month_or_without_an_end_keeps_its_dates() -> None:
    en = texts_for("en")
    # Days 1-10 early, 11-20 mid, 21 on late; within one month the dates say more.
    assert forecast_months(dt.date(2026, 12, 8), dt.date(2026, 12, 22), en) == "8–22 December 2026"
    assert forecast_months(dt.date(2027, 4, 7), None, en) == "not before 7 April 2027"
    across = forecast_months(dt.date(2027, 1, 10), dt.date(2027, 2, 11), en)
    assert across == "between early January and mid-February 2027"


# --- where it is said -----------------------------------------------------------------------------


def test_the_glance_says_the_finish_first_and_does_not_repeat_it_as_the_headline() -> None:
    only_launch = shop(LAUNCH)
    view = glance_view(only_launch, TODAY, texts_for("en"), outlook_of(only_launch, {"launch": LATE_LAUNCH}))
    assert view.state == HealthState.AT_RISK  # never "on track" beside a forecast past the promise
    assert view.finish is not None and view.finish.startswith("Shop goes live: promised for 15 January 2027; at")
    assert view.finish_chance == "About 1 chance in 10 to be ready by 15 January 2027."
    assert view.headline is None  # the same milestone: said once


def test_status_json_has_the_finish() -> None:
    project = shop(PAYMENTS, LAUNCH)
    outlook = outlook_of(project, {"launch": LATE_LAUNCH})
    data = project_status(Client(slug="acme", name="ACME"), project, [], TODAY, outlook)
    assert data["finish"] == {
        "milestone": "launch",
        "title": "Shop goes live",
        "final": False,
        "promise": "2027-01-15",
        "first_promise": "2027-01-15",
        "done": None,
        "forecast": {
            "method": "simulation",
            "earliest": "2027-02-26",
            "latest": "2027-04-13",
            "chance": 0.1,
            "later_than_promise": True,
        },
    }
    assert project_status(Client(slug="acme", name="ACME"), shop(), [], TODAY)["finish"] is None


def weekly_letter(language: str, project: Project, outlook: ProjectOutlook) -> str:
    client = Client(
        slug="acme", name="ACME", language=language,
        letters=LetterSchedule(weekly="tuesday", to=(Recipient("Marta", "marta@acme.example"),)),
    )
    texts = texts_for(language)
    due = letters_due(client, [project], TODAY, outlooks={project.slug: outlook})
    (weekly,) = [letter for letter in due if letter.kind == "weekly"]
    view = letter_view(weekly, client, texts, LetterWords("", "Agency", ""), None)
    text, _ = render_letter(view, texts)
    return " ".join(text.split())


def test_the_weekly_letter_gives_the_finish_with_its_chance_and_the_hours_running_ahead() -> None:
    project = shop(PAYMENTS, LAUNCH, budget=Budget(hours=100, used=78, as_of=TODAY))
    text = weekly_letter("en", project, outlook_of(project, {"launch": LATE_LAUNCH}))
    assert (
        "Shop goes live: promised for 15 January 2027; at the current pace between late February and mid-April "
        "2027. About 1 chance in 10 to be ready by 15 January 2027." in text
    )
    # 2 of 4 tasks done: 78% of the hours for 50% of the parts.
    assert "78% of the hours are used and 50% of the parts are done" in text


def test_the_letter_says_the_finish_once_when_it_is_the_milestone_at_risk() -> None:
    project = shop(LAUNCH)
    text = weekly_letter("de", project, outlook_of(project, {"launch": LATE_LAUNCH}))
    assert (
        "Shop goes live: zugesagt für den 15. Januar 2027; beim jetzigen Tempo zwischen Ende Februar und Mitte "
        "April 2027." in text
    )
    assert "26. Februar" not in text  # the exact range of the same milestone is not repeated

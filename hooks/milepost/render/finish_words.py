"""The project's finish in the client's words (status/finish.py): one sentence with the promise
and, when the forecast is later, its range by thirds of a month; the chance beside it, never
instead of it. The card, the top of the page and the weekly letter say the same.

    Shop goes live: promised for 15 January 2027; at the current pace between late February
    and mid-April 2027.                      About 1 chance in 10 to be ready by 15 January 2027.
    Shop goes live: promised for 15 January 2027.   More than 9 chances in 10 to be ready by ...
    Shop goes live: finished on 3 February 2027.

A month is cut in three: days 1-10 are early, 11-20 mid, 21 to the end late. A range within
one month, or with no end ("not before"), is said with its dates.
"""

from __future__ import annotations

import datetime as dt

from milepost.i18n import Texts
from milepost.render.promise_words import chance_words, promise_and_forecast
from milepost.status.finish import Finish
from milepost.status.forecast import ForecastMethod

EARLY_LAST_DAY = 10  # days 1-10: early in the month
MID_LAST_DAY = 20  # days 11-20: mid-month; the rest: late


def _third(day: dt.date) -> int:
    return 0 if day.day <= EARLY_LAST_DAY else 1 if day.day <= MID_LAST_DAY else 2


def _period(day: dt.date, texts: Texts, with_year: bool) -> str:
    """"late February" (with its year: "late February 2027"). These words are only ever said
    inside "between {start} and {end}": the Slavic catalogs word them for that phrase (the
    instrumental case: "między końcem lutego a połową kwietnia")."""
    month = texts.month_name(day)
    third = _third(day)
    if third == 0:
        period = texts.gettext("early {month}", month=month)
    elif third == 1:
        period = texts.gettext("mid-{month}", month=month)
    else:
        period = texts.gettext("late {month}", month=month)
    return texts.gettext("{period} {year}", period=period, year=texts.year(day)) if with_year else period


def forecast_months(earliest: dt.date, latest: dt.date | None, texts: Texts) -> str:
    """The forecast's range by thirds of a month: "between late February and mid-April 2027"
    (the year on each end when they differ); with dates when both ends are in the same month
    ("8–22 December 2026") or the range has no end ("not before 7 April 2027")."""
    if latest is None:
        return texts.gettext("not before {date}", date=texts.date(earliest))
    if (earliest.year, earliest.month) == (latest.year, latest.month):
        if latest == earliest:
            return texts.gettext("around {date}", date=texts.date(earliest))
        return texts.date_range(earliest, latest)
    return texts.gettext(
        "between {start} and {end}",
        start=_period(earliest, texts, with_year=earliest.year != latest.year),
        end=_period(latest, texts, with_year=True),
    )


def finish_sentence(finish: Finish | None, texts: Texts) -> str | None:
    """The finish and its promise, with the forecast's range when it is later (see the module
    docstring); None for a project without milestones."""
    if finish is None:
        return None
    if finish.done is not None:
        return texts.gettext("{milestone}: finished on {date}.", milestone=finish.title, date=texts.date(finish.done))
    if finish.later and finish.earliest is not None:
        forecast = forecast_months(finish.earliest, finish.latest, texts)
        return promise_and_forecast(finish.title, finish.promise, forecast, finish.method, texts)
    return texts.gettext("{milestone}: promised for {date}.", milestone=finish.title, date=texts.date(finish.promise))


def finish_chance(finish: Finish | None, texts: Texts) -> str | None:
    """The chance of keeping the finish's promise, beside it ("About 1 chance in 10 to be ready
    by 15 January 2027."), and what it stands on when that is not the project's own pace (the
    agency's record: forecast.py's reference class); None when it is finished or has no
    forecast."""
    if finish is None or finish.done is not None or finish.chance is None:
        return None
    chance = chance_words(finish.chance, finish.promise, texts)
    if finish.method != ForecastMethod.REFERENCE_CLASS:
        return chance
    basis = texts.gettext("This project is still young, so these odds come from how our earlier milestones went.")
    return f"{chance} {basis}"

"""The response time in working hours (status/working_time.py): across a weekend, a public
holiday of the client's country, a change to or from summer time, and a message written at
night; and the `answers.working_hours` setting that shapes them."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from milepost.load.settings import working_hours
from milepost.model import WorkingHours
from milepost.status.working_time import WorkCalendar, business_hours_between, hours_between, known_country

WARSAW = ZoneInfo("Europe/Warsaw")
POLAND = WorkCalendar(WorkingHours(), WARSAW, "PL")


def at(year: int, month: int, day: int, hour: int, minute: int = 0, zone: dt.tzinfo = WARSAW) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=zone)


def test_within_one_working_day() -> None:
    assert business_hours_between(at(2026, 12, 3, 10, 14), at(2026, 12, 3, 11, 44), POLAND) == 1.5


def test_a_weekend_does_not_count() -> None:
    # Friday 16:30 to Monday 09:30: half an hour on Friday, half an hour on Monday.
    assert business_hours_between(at(2026, 12, 4, 16, 30), at(2026, 12, 7, 9, 30), POLAND) == 1.0
    # On the clock the same reply took 65 hours.
    assert hours_between(at(2026, 12, 4, 16, 30), at(2026, 12, 7, 9, 30), None) == 65.0


def test_a_public_holiday_of_the_clients_country_does_not_count() -> None:
    # Poland: 11 November (Independence Day, a Wednesday in 2026) is a public holiday.
    tuesday, thursday = at(2026, 11, 10, 16, 0), at(2026, 11, 12, 10, 0)
    assert business_hours_between(tuesday, thursday, POLAND) == 2.0
    # A client in Germany works that day: the same two moments are ten working hours apart.
    germany = WorkCalendar(WorkingHours(), WARSAW, "DE")
    assert business_hours_between(tuesday, thursday, germany) == 10.0
    # Christmas week in Poland: 24 (a holiday since 2025), 25 and 26 December, then a weekend.
    assert business_hours_between(at(2026, 12, 23, 16, 0), at(2026, 12, 28, 10, 0), POLAND) == 2.0


def test_a_message_written_at_night_starts_counting_when_work_starts() -> None:
    assert business_hours_between(at(2026, 12, 2, 23, 50), at(2026, 12, 3, 9, 45), POLAND) == 0.75
    assert business_hours_between(at(2026, 12, 5, 12, 0), at(2026, 12, 5, 18, 0), POLAND) == 0.0  # a Saturday
    assert business_hours_between(at(2026, 12, 3, 12, 0), at(2026, 12, 3, 11, 0), POLAND) == 0.0  # end before start


def test_summer_time_changes_keep_the_working_hours_on_the_clock() -> None:
    # Poland moves its clocks on Sunday 29 March and Sunday 25 October 2026: Friday 16:00 to
    # Monday 10:00 is two working hours either way, although the clock hours differ by one.
    for friday, monday in (((2026, 3, 27), (2026, 3, 30)), ((2026, 10, 23), (2026, 10, 26))):
        start, end = at(*friday, 16), at(*monday, 10)
        assert business_hours_between(start, end, POLAND) == 2.0
    assert hours_between(at(2026, 3, 27, 16), at(2026, 3, 30, 10), None) == 65.0
    assert hours_between(at(2026, 10, 23, 16), at(2026, 10, 26, 10), None) == 67.0
    # Moments given in another zone (UTC, as a mail header may be) are the same moments.
    utc = business_hours_between(at(2026, 3, 27, 15, zone=dt.UTC), at(2026, 3, 30, 8, zone=dt.UTC), POLAND)
    assert utc == 2.0


def test_the_agencys_own_working_hours() -> None:
    hours = working_hours({"days": "Mon-Thu", "from": "08:30", "to": "16:30"})
    assert hours == WorkingHours(frozenset({0, 1, 2, 3}), dt.time(8, 30), dt.time(16, 30))
    four_days = WorkCalendar(hours, WARSAW, "")
    # Thursday 16:00 to Monday 09:00: half an hour on Thursday, half an hour on Monday.
    assert business_hours_between(at(2026, 12, 3, 16), at(2026, 12, 7, 9), four_days) == 1.0
    assert working_hours(None) == WorkingHours()
    assert working_hours({"days": ["Sat", "Sun"]}).days == frozenset({5, 6})
    assert working_hours({"days": "Fri-Mon"}).days == frozenset({4, 5, 6, 0})


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"days": "Mon-Fry"}, "'Fry' is not a day"),
        ({"from": "nine"}, "from: 'nine' is not a time of day"),
        ({"from": "17:00", "to": "09:00"}, "to: 09:00 is not after from: 17:00"),
        ({"hours": 8}, "hours: unknown setting"),
        ("9-5", "write it as {days: Mon-Fri"),
    ],
)
def test_a_wrong_setting_says_what_to_write(value: object, message: str) -> None:
    with pytest.raises(ValueError) as raised:
        working_hours(value)
    assert message in str(raised.value)


def test_counting_grows_with_the_days_between() -> None:
    """One step per day between the two moments: ten times the span, about ten times the days
    looked at."""
    looked: list[dt.date] = []

    class Counting(WorkCalendar):
        def window(self, day: dt.date) -> tuple[dt.datetime, dt.datetime] | None:
            looked.append(day)
            return super().window(day)

    calendar = Counting(WorkingHours(), WARSAW, "PL")
    start = at(2026, 1, 5, 9)
    business_hours_between(start, start + dt.timedelta(days=30), calendar)
    short = len(looked)
    looked.clear()
    business_hours_between(start, start + dt.timedelta(days=300), calendar)
    assert 9 * short <= len(looked) <= 11 * short


def test_countries_are_those_the_holidays_library_knows() -> None:
    assert known_country("pl") and known_country("DE") and known_country("UA")
    assert not known_country("XX")

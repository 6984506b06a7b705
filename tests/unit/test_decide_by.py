"""A change request's `decide_by:`: which ones the weekly letter recalls (status/waiting.py) and
how the letter says it, in every language."""

from __future__ import annotations

import datetime as dt

import pytest

from milepost.i18n import texts_for
from milepost.model import ChangeRequest, ChangeStatus, Client, LetterSchedule, Milestone, Project, Recipient
from milepost.render.letters import LetterWords, letter_view, render_letter
from milepost.status.letters_due import letters_due
from milepost.status.waiting import DecideByReminder, decide_by_reminder

MONDAY = dt.date(2026, 12, 7)
WORDS = LetterWords(subject_prefix="", agency="Agency", site_url="https://status.example/c/")


def change(decide_by: dt.date | None, status: ChangeStatus = ChangeStatus.PROPOSED) -> ChangeRequest:
    return ChangeRequest(id="CR-3", title="Gift cards", status=status, hours=24, decide_by=decide_by)


@pytest.mark.parametrize(
    ("decide_by", "status", "expected"),
    [
        (MONDAY + dt.timedelta(days=8), ChangeStatus.PROPOSED, None),  # still far
        (MONDAY + dt.timedelta(days=7), ChangeStatus.PROPOSED, DecideByReminder.NEAR),
        (MONDAY, ChangeStatus.PROPOSED, DecideByReminder.NEAR),
        (MONDAY - dt.timedelta(days=1), ChangeStatus.PROPOSED, DecideByReminder.PAST),
        (MONDAY - dt.timedelta(days=1), ChangeStatus.ACCEPTED, None),  # decided: nothing to recall
        (None, ChangeStatus.PROPOSED, None),
    ],
)
def test_which_change_requests_are_recalled(
    decide_by: dt.date | None, status: ChangeStatus, expected: DecideByReminder | None
) -> None:
    assert decide_by_reminder(change(decide_by, status), MONDAY) == expected


def weekly_letter(language: str, decide_by: dt.date) -> str:
    client = Client(
        slug="c", name="Client", language=language, timezone="Europe/Warsaw",
        letters=LetterSchedule(weekly="monday", to=(Recipient("Jan", "jan@c.example"),)),
    )
    project = Project(
        slug="shop", client="c", name="Shop", changes=(change(decide_by),),
        milestones=(Milestone(id="m", title="Launch", start=dt.date(2026, 11, 1), due=dt.date(2027, 2, 1)),),
    )
    texts = texts_for(language, "Europe/Warsaw")
    (weekly,) = [d for d in letters_due(client, [project], MONDAY, outlooks={}) if d.kind == "weekly"]
    view = letter_view(weekly, client, texts, WORDS, None)
    return "\n".join(render_letter(view, texts))


# "Please decide by 12 December 2026" and "Your decision was needed by 4 December 2026".
NEAR = {
    "en": "Please decide by 12 December 2026", "pl": "Prosimy o decyzję do 12 grudnia 2026",
    "de": "Bitte entscheiden Sie bis zum 12. Dezember 2026", "ru": "Просим принять решение до 12 декабря 2026",
    "uk": "Просимо ухвалити рішення до 12 грудня 2026",
}
PAST = {
    "en": "Your decision was needed by 4 December 2026", "pl": "Decyzja była potrzebna do 4 grudnia 2026",
    "de": "Ihre Entscheidung wurde bis zum 4. Dezember 2026 gebraucht",
    "ru": "Решение было нужно до 4 декабря 2026", "uk": "Рішення було потрібне до 4 грудня 2026",
}


@pytest.mark.parametrize("language", sorted(NEAR))
def test_the_weekly_letter_recalls_a_near_or_past_decide_by_date(language: str) -> None:
    near = weekly_letter(language, dt.date(2026, 12, 12))
    assert NEAR[language] in near, near
    past = weekly_letter(language, dt.date(2026, 12, 4))
    assert PAST[language] in past, past
    far = weekly_letter(language, dt.date(2026, 12, 31))
    assert NEAR[language].rsplit(" 12", 1)[0] not in far, far  # not recalled yet


@pytest.mark.parametrize(
    ("language", "shown"),
    [("en", "Please decide by 12 December 2026"), ("de", "Bitte entscheiden Sie bis zum 12. Dezember 2026")],
)
def test_the_project_page_shows_decide_by_beside_a_change_request_that_waits(language: str, shown: str) -> None:
    from milepost.render.project_page import ProjectView, render_project_page

    client = Client(slug="c", name="Client", language=language, timezone="Europe/Warsaw")
    waiting = change(dt.date(2026, 12, 12))
    decided = ChangeRequest(id="CR-4", title="Wish list", status=ChangeStatus.ACCEPTED, decide_by=dt.date(2026, 12, 1))
    project = Project(slug="shop", client="c", name="Shop", changes=(waiting, decided))
    page = render_project_page(ProjectView(client, project, MONDAY), texts_for(language, "Europe/Warsaw"))
    row = next(line for line in page.splitlines() if "<td" in line and "CR-3" in line)
    assert f'<span class="mp-decide-by">{shown}</span>' in row
    decided_row = next(line for line in page.splitlines() if "<td" in line and "CR-4" in line)
    assert "mp-decide-by" not in decided_row  # decided: no date to keep

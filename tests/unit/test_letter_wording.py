"""The words of the letters in each language: what a native reader flagged must not come back.

Ukrainian "досі" and Polish "dotąd" mean "until now / still", not "previously"; German calls an
e-mail an "E-Mail" (a "Brief" is paper) and puts an article or quotes before a name it cannot
decline ("zu Online-Terminbuchung", "kommt Übersicht" are wrong).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from milepost.i18n import texts_for
from milepost.model import Client, Decision, Delay, LetterSchedule, Milestone, Project, Recipient
from milepost.render.letters import LetterWords, letter_view, render_letter
from milepost.status.ledger import MilestoneLedger, ProjectLedger, PromiseEvent, PromiseEventKind
from milepost.status.letters_due import letters_due
from milepost.status.outlook import ProjectOutlook

TUESDAY = dt.date(2026, 11, 24)
WEDNESDAY = TUESDAY + dt.timedelta(days=1)
WORDS = LetterWords(subject_prefix="", agency="Agentur", site_url="https://status.example/c/")
OVERVIEW = Milestone(
    id="overview", title="Kalender", due=dt.date(2026, 12, 1),
    delay=Delay(reason="Neue Anforderungen.", plan="Zuerst die Liste.", due=dt.date(2026, 12, 15)),
)
PROJECT = Project(
    slug="termine", client="c", name="Online-Terminbuchung", milestones=(OVERVIEW,),
    decisions=(Decision(dt.date(2026, 11, 20), "Call", ("Ja.",), "Besprochen."),),
)
# On track, so the weekly letter says what comes next.
APP = Project(
    slug="app", client="c", name="Praxis-App",
    milestones=(Milestone(id="list", title="Übersicht", start=dt.date(2026, 11, 1), due=dt.date(2027, 2, 1)),),
)


def outlook_with_move(day: dt.date) -> ProjectOutlook:
    event = PromiseEvent(PromiseEventKind.MOVED, day, dt.date(2026, 12, 1), dt.date(2026, 12, 15), "")
    ledger = MilestoneLedger("overview", dt.date(2026, 12, 1), dt.date(2026, 10, 1), (event,))
    return ProjectOutlook(ledger=ProjectLedger(True, milestones={"overview": ledger}))


def letters_in(language: str) -> str:
    """The plain text and HTML of every letter of the week (weekly, meeting, change of plan)."""
    client = Client(
        slug="c", name="Kunde", language=language, timezone="Europe/Warsaw",
        letters=LetterSchedule(weekly="tuesday", to=(Recipient("Jan", "jan@c.example"),)),
    )
    texts = texts_for(language, "Europe/Warsaw")
    due = letters_due(client, [PROJECT, APP], TUESDAY, outlooks={"termine": outlook_with_move(TUESDAY)})
    due += letters_due(client, [PROJECT, APP], WEDNESDAY, outlooks={"termine": outlook_with_move(WEDNESDAY)})
    assert {letter.kind for letter in due} >= {"weekly", "meeting", "change"}, [d.kind for d in due]
    parts = []
    for letter in due:
        view = letter_view(letter, client, texts, WORDS, None)
        parts.append(view.subject)
        parts.extend(render_letter(view, texts))
    return "\n".join(parts)


@pytest.mark.parametrize(
    ("language", "wrong", "right"),
    [
        ("uk", r"\bдосі\b", "раніше"),
        ("pl", r"\bdotąd\b", "wcześniej"),
        ("ru", r"\bдо сих пор\b", "раньше"),
        ("de", r"\bBrief(e|s)?\b|Wochenbrief", "E-Mail"),
        ("de", r"\bzu Online-Terminbuchung|kommt Übersicht", "zum Projekt „Online-Terminbuchung“"),
        ("de", r"kommt Übersicht", "kommt der Meilenstein „Übersicht“"),
    ],
)
def test_letters_use_the_right_words(language: str, wrong: str, right: str) -> None:
    text = letters_in(language)
    assert not re.search(wrong, text), re.search(wrong, text)
    assert right in text

"""Which letters are due (status/letters_due.py), their words (render/letters.py) and the
messages (publish/letters.py), from plain data."""

from __future__ import annotations

import datetime as dt
import email
import json
from dataclasses import replace
from email import policy
from pathlib import Path

import pytest

from milepost.errors import LetterError
from milepost.i18n import texts_for
from milepost.model import (
    Absence,
    Client,
    Contact,
    Decision,
    Delay,
    LetterKind,
    LetterSchedule,
    Milestone,
    Project,
    Recipient,
)
from milepost.publish.letters import build_message, read_record, smtp_server
from milepost.render.letters import LetterWords, letter_view, render_letter
from milepost.status.ledger import MilestoneLedger, ProjectLedger, PromiseEvent, PromiseEventKind
from milepost.status.letters_due import SentLetters, letters_due
from milepost.status.outlook import ProjectOutlook
from milepost.status.reachable import reachable_contact

TUESDAY = dt.date(2026, 11, 24)
ANNA = Contact(
    name="Anna Nowak", role="Project manager", email="anna@agency.example",
    away=(Absence(dt.date(2026, 12, 22), dt.date(2027, 1, 2), "Piotr Zieliński"),),
)
PIOTR = Contact(name="Piotr Zieliński", role="Lead developer", email="piotr@agency.example")
CLIENT = Client(
    slug="acme", name="ACME", language="en", timezone="Europe/Warsaw", contacts=(ANNA, PIOTR),
    letters=LetterSchedule(weekly="tuesday", to=(Recipient("Jan Kowalski", "jan@acme.example"),)),
)
PAYMENTS = Milestone(
    id="payments", title="Online payments <b>", due=dt.date(2026, 12, 1),
    delay=Delay(reason="The provider changed its interface; ask bob@internal.example.", plan="Cards first.",
                due=dt.date(2026, 12, 15)),
)
PROJECT = Project(
    slug="shop", client="acme", name="Shop", milestones=(PAYMENTS,),
    decisions=(Decision(dt.date(2026, 11, 20), "Call on 20 November", ("Guests can pay.",), "We met."),),
)
WORDS = LetterWords(subject_prefix="", agency="Example Agency", site_url="https://status.example/acme/")


def outlook_with_move(day: dt.date) -> ProjectOutlook:
    event = PromiseEvent(PromiseEventKind.MOVED, day, dt.date(2026, 12, 1), dt.date(2026, 12, 15), "")
    ledger = MilestoneLedger("payments", dt.date(2026, 12, 1), dt.date(2026, 10, 1), (event,))
    return ProjectOutlook(ledger=ProjectLedger(True, milestones={"payments": ledger}))


def test_no_recipients_no_letters() -> None:
    client = Client(slug="acme", name="ACME", letters=LetterSchedule(weekly="tuesday"))
    assert letters_due(client, [PROJECT], TUESDAY) == []


def test_weekly_on_its_day_and_meeting_once() -> None:
    due = letters_due(CLIENT, [PROJECT], TUESDAY)
    assert [d.kind for d in due] == [LetterKind.WEEKLY, LetterKind.MEETING]
    carried = frozenset(key for d in due for key in d.carries)
    assert letters_due(CLIENT, [PROJECT], TUESDAY, sent=SentLetters(carried, TUESDAY)) == []
    wednesday = TUESDAY + dt.timedelta(days=1)
    assert letters_due(CLIENT, [PROJECT], wednesday, sent=SentLetters(carried, TUESDAY)) == []
    # Eight days after the meeting, it is no news any more.
    assert letters_due(CLIENT, [PROJECT], dt.date(2026, 11, 28)) == []


def test_a_weekly_letter_missed_on_its_day_goes_on_the_next_run_of_that_week() -> None:
    """The server was down on Tuesday (or no run happened): Wednesday's run sends the week's
    letter, once; the next week's goes on its Tuesday again. A first letter waits for its day."""
    before = SentLetters(frozenset({"weekly:2026-11-17"}), TUESDAY - dt.timedelta(days=7))
    wednesday = TUESDAY + dt.timedelta(days=1)
    late = [d for d in letters_due(CLIENT, [PROJECT], wednesday, sent=before) if d.kind == LetterKind.WEEKLY]
    assert len(late) == 1 and late[0].key == "weekly:2026-11-24" and late[0].since == before.last_weekly
    sent = SentLetters(before.carried | set(late[0].carries), wednesday)
    assert not [d for d in letters_due(CLIENT, [PROJECT], wednesday, sent=sent) if d.kind == LetterKind.WEEKLY]
    monday = TUESDAY + dt.timedelta(days=6)
    assert not [d for d in letters_due(CLIENT, [PROJECT], monday, sent=sent) if d.kind == LetterKind.WEEKLY]
    next_tuesday = TUESDAY + dt.timedelta(days=7)
    due = letters_due(CLIENT, [PROJECT], next_tuesday, sent=sent)
    assert [d.key for d in due if d.kind == LetterKind.WEEKLY] == ["weekly:2026-12-01"]
    assert not [d for d in letters_due(CLIENT, [PROJECT], wednesday) if d.kind == LetterKind.WEEKLY]


def test_a_move_gets_its_own_letter_on_the_day_unless_the_weekly_one_carries_it() -> None:
    wednesday = TUESDAY + dt.timedelta(days=1)
    outlooks = {"shop": outlook_with_move(wednesday)}
    earlier = SentLetters(frozenset({"decision:shop:2026-11-20:" + "x"}), TUESDAY)
    due = [
        d for d in letters_due(CLIENT, [PROJECT], wednesday, outlooks=outlooks, sent=earlier)
        if d.kind == LetterKind.CHANGE
    ]
    assert len(due) == 1 and due[0].moves[0].new == dt.date(2026, 12, 15)
    assert due[0].moves[0].reason.startswith("The provider") and due[0].moves[0].plan == "Cards first."
    again = SentLetters(earlier.carried | set(due[0].carries), TUESDAY)
    assert not [
        d for d in letters_due(CLIENT, [PROJECT], wednesday, outlooks=outlooks, sent=again)
        if d.kind == LetterKind.CHANGE
    ]
    on_weekly_day = letters_due(CLIENT, [PROJECT], TUESDAY, outlooks={"shop": outlook_with_move(TUESDAY)})
    assert [d.kind for d in on_weekly_day] == [LetterKind.WEEKLY, LetterKind.MEETING]
    assert on_weekly_day[0].weeks[0].moves


def test_a_change_letter_says_reason_plan_and_new_date_redacted_and_escaped() -> None:
    wednesday = TUESDAY + dt.timedelta(days=1)
    letter = next(
        d for d in letters_due(CLIENT, [PROJECT], wednesday, outlooks={"shop": outlook_with_move(wednesday)})
        if d.kind == LetterKind.CHANGE
    )
    texts = texts_for("en", "Europe/Warsaw")
    view = letter_view(letter, CLIENT, texts, WORDS, reachable_contact(CLIENT, wednesday))
    text, html = render_letter(view, texts)
    assert view.subject == "Project status: Change of plan: Shop"
    assert "15 December 2026" in text and "1 December 2026" in text and "Cards first." in text
    assert "bob@internal.example" not in text and "bob@internal.example" not in html
    assert "Online payments <b>" in text and "Online payments &lt;b&gt;" in html


def test_reply_to_and_signature_are_the_deputy_while_the_contact_is_away() -> None:
    christmas = dt.date(2026, 12, 29)  # a Tuesday
    assert reachable_contact(CLIENT, christmas) == PIOTR
    letter = letters_due(CLIENT, [PROJECT], christmas)[0]
    message = build_message(
        letter, CLIENT, sender="Agency <status@agency.example>", words=WORDS,
        date=dt.datetime(2026, 12, 29, 8, tzinfo=dt.UTC),
    )
    parsed = email.message_from_bytes(message.as_bytes(), policy=policy.default)
    assert "piotr@agency.example" in parsed["Reply-To"]
    assert "Piotr Zieliński" in parsed.get_body(("plain",)).get_content()
    assert parsed["Message-ID"].endswith("@agency.example>")
    again = build_message(letter, CLIENT, sender="Agency <status@agency.example>", words=WORDS,
                          date=dt.datetime(2026, 12, 29, 9, tzinfo=dt.UTC))
    assert again["Message-ID"] == message["Message-ID"]


def test_the_weekly_subject_is_in_the_clients_language_with_plural_forms() -> None:
    client = Client(slug="p", name="P", language="pl", timezone="Europe/Warsaw", letters=CLIENT.letters)
    project = Project(slug="shop", client="p", name="Sklep", milestones=(PAYMENTS,))
    letter = letters_due(client, [project], TUESDAY)[0]
    texts = texts_for("pl", "Europe/Warsaw")
    view = letter_view(letter, client, texts, WORDS, None)
    assert view.subject == "Stan projektu: List tygodniowy, 24 listopada 2026" or view.subject.endswith(
        "List tygodniowy, 24 listopada 2026"
    )


@pytest.mark.parametrize(
    ("url", "where", "user"),
    [
        ("smtp://mail.example", "mail.example:25", ""),
        ("smtps://u%40x:p%3Aw@mail.example", "mail.example:465", "u@x"),
        ("smtp://mail.example:2525", "mail.example:2525", ""),
    ],
)
def test_smtp_urls(url: str, where: str, user: str) -> None:
    server = smtp_server({"MILEPOST_SMTP_URL": url})
    assert server.where == where and server.user == user


def test_smtp_credentials_from_the_environment() -> None:
    server = smtp_server(
        {"MILEPOST_SMTP_URL": "smtp://mail.example", "MILEPOST_SMTP_USER": "u", "MILEPOST_SMTP_PASSWORD": "p"}
    )
    assert (server.user, server.password) == ("u", "p")
    with pytest.raises(LetterError, match="MILEPOST_SMTP_URL"):
        smtp_server({"MILEPOST_SMTP_URL": "ftp://x"})


def test_the_record_gives_the_last_weekly_letter(tmp_path: Path) -> None:
    path = tmp_path / "sent.json"
    entry = {
        "message_id": "<m@x>", "client": "acme", "kind": "weekly", "day": "2026-11-17", "carries": ["weekly:2026-11-17"]
    }
    path.write_text(json.dumps({"format": 1, "letters": [entry]}), encoding="utf-8")
    record = read_record(path)
    assert record.problems == ()
    assert record.sent_letters("acme").last_weekly == dt.date(2026, 11, 17)
    assert record.sent_letters("other").carried == frozenset()


# --- while the usual contact is away ---------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "pl", "ru", "uk", "de"])
def test_while_the_contact_is_away_the_letter_says_who_stands_in_and_until_when(language: str) -> None:
    client = replace(CLIENT, language=language)
    texts = texts_for(language, client.timezone)
    christmas = dt.date(2026, 12, 29)
    letter = letters_due(client, [PROJECT], christmas)[0]
    message = build_message(
        letter, client, sender="Agency <status@agency.example>", words=WORDS,
        date=dt.datetime(2026, 12, 29, 8, tzinfo=dt.UTC),
    )
    parsed = email.message_from_bytes(message.as_bytes(), policy=policy.default)
    assert [a.addr_spec for a in parsed["Reply-To"].addresses] == ["piotr@agency.example"]
    text = " ".join(parsed.get_body(("plain",)).get_content().split())  # lines wrapped at 72
    said = texts.gettext(
        "{contact} is away until {date} inclusive; in the meantime {deputy} stands in, and your reply to "
        "this letter goes straight to {deputy}.",
        contact="Anna Nowak", date=texts.date(dt.date(2027, 1, 2)), deputy="Piotr Zieliński",
    )
    assert " ".join(said.split()) in text
    assert "Anna Nowak" in said and "Piotr Zieliński" in said and texts.date(dt.date(2027, 1, 2)) in said
    html = " ".join(parsed.get_body(("html",)).get_content().split())
    assert "Piotr Zieliński" in html and " ".join(texts.date(dt.date(2027, 1, 2)).split()) in html
    # Not said on a day the contact is there.
    usual = build_message(
        letters_due(client, [PROJECT], TUESDAY)[0], client, sender="Agency <status@agency.example>", words=WORDS,
        date=dt.datetime(2026, 11, 24, 8, tzinfo=dt.UTC),
    )
    assert "Piotr Zieliński" not in usual.get_body(("plain",)).get_content()


# --- an edit of a decision already summarised ------------------------------------------------


def test_an_edit_of_a_summarised_decision_is_not_sent_again_unless_a_correction_is_asked_for() -> None:
    (sent,) = [d for d in letters_due(CLIENT, [PROJECT], TUESDAY) if d.kind == LetterKind.MEETING]
    earlier = SentLetters(frozenset(sent.carries), TUESDAY)
    decision = PROJECT.decisions[0]
    edited = replace(decision, agreed=("Guests can pay by card.",))  # one word more
    assert letters_due(CLIENT, [replace(PROJECT, decisions=(edited,))], TUESDAY, sent=earlier) == []
    wanted = replace(edited, correction=True)
    (correction,) = letters_due(CLIENT, [replace(PROJECT, decisions=(wanted,))], TUESDAY, sent=earlier)
    assert correction.kind == LetterKind.MEETING and correction.correction and correction.key != sent.key
    message = build_message(
        correction, CLIENT, sender="Agency <status@agency.example>", words=WORDS,
        date=dt.datetime(2026, 11, 24, 8, tzinfo=dt.UTC),
    )
    assert str(message["Subject"]).endswith("Correction: summary of the meeting on 20 November 2026")
    assert "This corrects the summary we sent you earlier" in message.get_body(("plain",)).get_content()
    # Once the correction is sent, the same words are not sent a third time.
    told = SentLetters(earlier.carried | frozenset(correction.carries), TUESDAY)
    assert letters_due(CLIENT, [replace(PROJECT, decisions=(wanted,))], TUESDAY, sent=told) == []
    # A word changed in the title is the same decision too; a new title on that day is a new one.
    retitled = replace(edited, title="Call on 20 November 2026")
    assert letters_due(CLIENT, [replace(PROJECT, decisions=(retitled,))], TUESDAY, sent=earlier) == []
    (corrected,) = letters_due(
        CLIENT, [replace(PROJECT, decisions=(replace(retitled, correction=True),))], TUESDAY, sent=earlier
    )
    assert corrected.correction
    other = replace(decision, title="Workshop about the loyalty app")
    (new,) = letters_due(CLIENT, [replace(PROJECT, decisions=(decision, other))], TUESDAY, sent=earlier)
    assert new.decision == other and not new.correction
    # Nor is an unchanged decision with `correction: true`.
    assert letters_due(CLIENT, [replace(PROJECT, decisions=(replace(decision, correction=True),))], TUESDAY,
                       sent=earlier) == []

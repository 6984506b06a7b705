"""What the pages and letters say about a client's answers: the links offered (only with the
portal's address and secret), the record's sentences in the client's language and time zone, a
settled item asking nothing more, and an answer to an earlier version asking for a fresh one."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

from helpers import DEMO_ANSWER_SECRET, ROOT
from milepost.answer_reference import Action, ItemKind, change_item, deliverable_item
from milepost.answers.applied import AppliedAnswer, applied_answers, decided_changes
from milepost.i18n import texts_for
from milepost.model import (
    ChangeRequest,
    ChangeStatus,
    Client,
    Decision,
    Deliverable,
    LetterSchedule,
    Project,
    Recipient,
    WaitingItem,
)
from milepost.render.answer_views import AnswerSetup, answer_view, record_lines
from milepost.render.letters import LetterWords, letter_view, render_letter
from milepost.status.letters_due import letters_due

SECRET = b"s" * 40
ADDRESS = "answers@agency.example"
TUESDAY = dt.date(2026, 11, 24)
CR3 = ChangeRequest(id="CR-3", title="Gift cards", status=ChangeStatus.PROPOSED, hours=24, impact="A week",
                    date=dt.date(2026, 11, 5))
SIGN_OFF = Deliverable(date=dt.date(2026, 11, 23), title="Checkout preview", url="https://x.example/c", sign_off=True)
PLAIN = Deliverable(date=dt.date(2026, 11, 23), title="Catalogue", url="https://x.example/l")
PROJECT = Project(
    slug="shop", client="c", name="Shop", changes=(CR3,), deliverables=(SIGN_OFF, PLAIN),
    waiting_on_client=(WaitingItem("Logo", dt.date(2026, 11, 10)),),
    decisions=(Decision(dt.date(2026, 11, 23), "Call", ("Yes.",), "Talked."),),
)


def answer(action: Action, version: str, *, item: str = "CR-3", kind: ItemKind = ItemKind.CHANGE_REQUEST,
           at: str = "2026-12-03T09:14:00+00:00") -> AppliedAnswer:
    (found,) = applied_answers([{
        "received": at, "name": "Marta Lis", "address": "marta@c.example", "project": "shop", "kind": kind.value,
        "item": item, "action": action.value, "version": version, "message_id": f"<{item}-{action}>",
        "words": "Yes.\n \nThanks", "applied": True,
    }])
    return found


def test_the_record_is_in_the_clients_language_and_time_zone() -> None:
    cr3 = change_item(PROJECT, CR3)
    accepted = answer(Action.ACCEPT, cr3.version)
    for language, zone, sentence in (
        ("en", "Europe/Warsaw", "Accepted by Marta Lis by e-mail on 3 December 2026, 10:14"),
        ("pl", "Europe/Warsaw", "Zaakceptowane e-mailem przez: Marta Lis, 3 grudnia 2026, 10:14"),
        ("uk", "Europe/Kyiv", "Прийнято електронною поштою: Marta Lis, 3 грудня 2026\u202fр., 11:14"),
        ("de", "Europe/Berlin", "Per E-Mail angenommen von Marta Lis am 3. Dezember 2026, 10:14"),
    ):
        view = answer_view(cr3, AnswerSetup(ADDRESS, SECRET, (accepted,), zone), texts_for(language))
        assert view.recorded == sentence
        assert view.links == ()  # settled: nothing more to answer
    # A line of white space alone in the client's words never reaches a page.
    assert accepted.words == "Yes.\n\nThanks"


def test_an_answer_to_an_earlier_version_asks_for_a_fresh_one() -> None:
    old = answer(Action.ACCEPT, change_item(PROJECT, CR3).version)
    changed = replace(PROJECT, changes=(replace(CR3, hours=30),))
    setup = AnswerSetup(ADDRESS, SECRET, (old,), "UTC")
    view = answer_view(change_item(changed, changed.changes[0]), setup, texts_for("en"))
    assert view.recorded == ""
    assert view.earlier.startswith("Marta Lis answered an earlier version by e-mail on 3 December 2026, 09:14")
    assert [link.action for link in view.links] == [Action.ACCEPT, Action.DECLINE]
    assert decided_changes(changed, setup.answers) == frozenset()
    assert decided_changes(PROJECT, setup.answers) == {"CR-3"}
    (line,) = record_lines([changed], setup, texts_for("en"))
    assert (line.what, line.current) == ("CR-3: Gift cards", False)


def test_without_the_secret_or_the_address_there_are_no_links_but_the_record_stays() -> None:
    approved = answer(Action.APPROVE, deliverable_item(PROJECT, SIGN_OFF).version, item="Checkout preview",
                      kind=ItemKind.DELIVERABLE)
    for setup in (AnswerSetup("", SECRET, (approved,)), AnswerSetup(ADDRESS, None, (approved,))):
        assert answer_view(change_item(PROJECT, CR3), setup, texts_for("en")).links == ()
        view = answer_view(deliverable_item(PROJECT, SIGN_OFF), setup, texts_for("en"))
        assert view.recorded.startswith("Approved by Marta Lis by e-mail on ")
    assert AnswerSetup(ADDRESS, SECRET).key() != AnswerSetup(ADDRESS, b"t" * 40).key()
    assert "s" * 40 not in repr(AnswerSetup(ADDRESS, SECRET).key())


def weekly(answers: tuple[AppliedAnswer, ...]) -> tuple[str, str]:
    client = Client(
        slug="c", name="Client", language="en", timezone="Europe/Warsaw",
        letters=LetterSchedule(weekly="tuesday", to=(Recipient("Jan", "jan@c.example"),)),
    )
    texts = texts_for("en", "Europe/Warsaw")
    words = LetterWords(subject_prefix="", agency="Agency", site_url="", answers=AnswerSetup(ADDRESS, SECRET, answers))
    (letter,) = [d for d in letters_due(client, [PROJECT], TUESDAY) if d.kind == "weekly"]
    return render_letter(letter_view(letter, client, texts, words, None), texts)


def subjects(text: str) -> list[str]:
    found = []
    for part in text.split("<mailto:")[1:]:
        url = urlsplit("mailto:" + part.split(">", 1)[0])
        assert url.path == ADDRESS
        found.append(parse_qs(url.query)["subject"][0].rsplit(" [MP-", 1)[0])
    return found


def test_the_weekly_letter_asks_with_links_and_not_again_once_answered() -> None:
    text, html = weekly(())
    assert subjects(text) == [
        "Ask a question: Shop", "Approve: Checkout preview", "Ask for changes: Checkout preview",
        "Reply: Logo", "Accept: CR-3: Gift cards", "Decline: CR-3: Gift cards",
    ]
    assert html.count('class="answer" href="mailto:answers@agency.example?subject=') == 6
    # Accepted on the record in this version: the letter no longer asks for a decision on it.
    accepted = answer(Action.ACCEPT, change_item(PROJECT, CR3).version)
    text, _ = weekly((accepted,))
    assert "Your decision on CR-3" not in text
    assert [s for s in subjects(text) if "CR-3" in s] == []


def test_the_tests_key_the_links_with_the_demos_secret() -> None:
    """`make demo` and the tests build the same links, so the golden pages are the demo's."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert f"DEMO_ANSWER_SECRET := {DEMO_ANSWER_SECRET}\n" in makefile
    assert makefile.count("MILEPOST_ANSWER_SECRET=$(DEMO_ANSWER_SECRET)") == 3  # build, letters, serve

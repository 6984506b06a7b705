"""The keyed reference of an answer and the `mailto:` link that carries it."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from milepost.answer_reference import (
    ACTIONS,
    Action,
    AnswerItem,
    ItemKind,
    answer_secret,
    answerable_items,
    reference,
    reference_in,
    verifies,
)
from milepost.errors import AnswerError
from milepost.i18n import texts_for
from milepost.model import ChangeRequest, ChangeStatus, Deliverable, Project
from milepost.render.answer_links import answer_link, mailto

SECRET = b"k" * 40


def project(hours: float = 24, impact: str = "Launch moves one week & more") -> Project:
    return Project(
        slug="webshop", client="acme-retail", name="Webshop",
        changes=(
            ChangeRequest(id="CR-3", title="Gift cards", status=ChangeStatus.PROPOSED, hours=hours, impact=impact,
                          date=dt.date(2026, 11, 5)),
            ChangeRequest(id="CR-2", title="Colour filter", status=ChangeStatus.DONE, hours=6),
        ),
        deliverables=(
            Deliverable(date=dt.date(2026, 11, 10), title="Card payments", url="https://x.example/pay", sign_off=True),
            Deliverable(date=dt.date(2026, 11, 2), title="Catalogue", url="https://x.example/list"),
        ),
    )


def item_of(p: Project, key: str) -> AnswerItem:
    return next(i for i in answerable_items(p) if i.key == key)


def test_the_items_a_client_can_answer() -> None:
    kinds = [(i.kind, i.key) for i in answerable_items(project())]
    # A decided change request asks nothing, nor a deliverable without `sign_off: true`; every
    # project takes a question.
    assert kinds == [
        (ItemKind.CHANGE_REQUEST, "CR-3"), (ItemKind.DELIVERABLE, "Card payments"), (ItemKind.PROJECT, "webshop"),
    ]


def test_the_reference_is_short_keyed_and_bound_to_item_action_and_version() -> None:
    cr3 = item_of(project(), "CR-3")
    code = reference(SECRET, cr3, Action.ACCEPT)
    assert re.fullmatch(r"MP-[A-Z2-7]{16}", code)
    assert verifies(SECRET, code, cr3, Action.ACCEPT)
    assert not verifies(SECRET, code, cr3, Action.DECLINE)
    assert not verifies(b"another-secret-of-forty-characters-long!", code, cr3, Action.ACCEPT)
    changed_hours = item_of(project(hours=30), "CR-3")
    changed_impact = item_of(project(impact="Launch moves two weeks"), "CR-3")
    for changed in (changed_hours, changed_impact, replace(cr3, client="other-client"), replace(cr3, project="app")):
        assert not verifies(SECRET, code, changed, Action.ACCEPT)
    assert item_of(project(hours=30), "CR-3").version != cr3.version
    assert not verifies(SECRET, code[:-1] + ("A" if code[-1] != "A" else "B"), cr3, Action.ACCEPT)
    with pytest.raises(ValueError):
        reference(SECRET, cr3, Action.APPROVE)  # not an answer to a change request
    assert set(ACTIONS) == set(ItemKind)


def test_the_reference_is_found_in_a_reply_subject() -> None:
    assert reference_in("Re: Accept: CR-3: Gift cards [MP-ABCDEFGHIJKLMNOP]") == "MP-ABCDEFGHIJKLMNOP"
    assert reference_in("AW: accept [mp-abcdefghijklmnop]") == "MP-ABCDEFGHIJKLMNOP"
    assert reference_in("When is the launch?") is None
    assert reference_in("MP-ABCDEFGHIJKLMNOPQ") is None  # too long: not a reference of ours


def test_the_secret_must_be_set_and_long() -> None:
    with pytest.raises(AnswerError, match="MILEPOST_ANSWER_SECRET is not set; set it to a random secret"):
        answer_secret({})
    with pytest.raises(AnswerError, match="is 5 characters long; use a random secret of at least 32"):
        answer_secret({"MILEPOST_ANSWER_SECRET": "short"})
    assert answer_secret({"MILEPOST_ANSWER_SECRET": "s" * 32}) == b"s" * 32


def test_mailto_is_percent_encoded_as_rfc_6068_asks() -> None:
    url = mailto("answers@agency.example", "Akceptuję: CR-3 & więcej?", "Tytuł: A=B\r\n100%")
    assert url.startswith("mailto:answers@agency.example?subject=")
    assert "+" not in url and " " not in url and "\n" not in url
    assert "%0D%0A" in url and "%26" in url and "%3D" in url and "%25" in url
    assert "%C4%99" in url  # "ę" as UTF-8
    query = parse_qs(urlsplit(url).query)
    assert query["subject"] == ["Akceptuję: CR-3 & więcej?"]
    assert query["body"] == ["Tytuł: A=B\r\n100%"]
    assert unquote(mailto("a%b@agency.example", "s", "b").split("?")[0]) == "mailto:a%b@agency.example"


@pytest.mark.parametrize(
    ("language", "accept", "hours"),
    [
        ("en", "Accept", "Hours: 24"),
        ("pl", "Akceptuję", "Godziny: 24"),
        ("de", "Annehmen", "Stunden: 24"),
        ("ru", "Принять", "Часы: 24"),
        ("uk", "Прийняти", "Години: 24"),
    ],
)
def test_the_link_restates_the_agreement_in_the_clients_language(language: str, accept: str, hours: str) -> None:
    cr3 = item_of(project(), "CR-3")
    link = answer_link(SECRET, "answers@agency.example", cr3, Action.ACCEPT, texts_for(language))
    assert link.label == accept
    assert link.subject == f"{accept}: CR-3: Gift cards [{reference(SECRET, cr3, Action.ACCEPT)}]"
    assert reference_in(link.subject) == reference(SECRET, cr3, Action.ACCEPT)
    lines = link.body.split("\r\n")
    assert hours in lines
    assert any("Launch moves one week & more" in line for line in lines)
    assert any("2026" in line for line in lines)  # the date of the version
    assert parse_qs(urlsplit(link.href).query)["body"] == [link.body]


def test_a_title_cannot_break_the_subject_line() -> None:
    p = project()
    p = replace(p, changes=(replace(p.changes[0], title="Gift\r\nBcc: x@evil.example"),))
    link = answer_link(SECRET, "answers@agency.example", item_of(p, "CR-3"), Action.ACCEPT, texts_for("en"))
    assert "\r" not in link.subject and "\n" not in link.subject

"""The demo's letters on its day, in its five languages (English: acme-retail, Polish:
piekarnia-zloty-klos, Ukrainian: kavyarnia-zerno, Russian: shkola-poliglot, German:
tischlerei-becker), against tests/golden/letters/: the headers a client sees and the plain-text part as written.
Rewrite them after a deliberate change with

    MILEPOST_UPDATE_GOLDEN=1 .venv/bin/pytest tests/golden/test_golden_letters.py
"""

from __future__ import annotations

import email
from email import policy
from pathlib import Path

import pytest

from conftest import make_demo_repos_once
from helpers import DEMO_LETTERS_OF, DEMO_TODAY, GOLDEN, demo_portal_copy, matches_golden
from milepost.cli import main

LETTERS = GOLDEN / "letters"
HEADERS = ("Subject", "From", "To", "Reply-To", "Date", "Message-ID", "Content-Language")


def as_text(path: Path) -> str:
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    head = "".join(f"{name}: {message[name]}\n" for name in HEADERS if message[name] is not None)
    body = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    return head + "\n" + body


@pytest.fixture(scope="module")
def demo_letters(tmp_path_factory: pytest.TempPathFactory) -> Path:
    make_demo_repos_once(tmp_path_factory)
    portal = tmp_path_factory.mktemp("letters-portal")
    config = demo_portal_copy(portal)
    out = portal / "out"
    code = main(["letters", "-f", str(config), "--today", DEMO_TODAY.isoformat(), "--out", str(out)])
    assert code == 0
    return out


@pytest.mark.parametrize("client", sorted(DEMO_LETTERS_OF))
def test_the_demo_letters_match_their_golden_copies(demo_letters: Path, client: str) -> None:
    files = sorted((demo_letters / client).glob("*.eml"))
    kinds = sorted(path.name.split("-")[3] for path in files)
    assert kinds == list(DEMO_LETTERS_OF[client]), files
    for path in files:
        kind = path.name.split("-")[3]
        golden = LETTERS / client / f"{kind}.txt"
        assert matches_golden(golden, as_text(path)), f"{path.name} differs from {golden}"


def test_only_clients_with_recipients_get_letters(demo_letters: Path) -> None:
    # Northwind's client file names no recipients: it gets none.
    assert sorted(p.name for p in demo_letters.iterdir()) == sorted(DEMO_LETTERS_OF)


def test_the_html_part_is_inlined_and_self_contained(demo_letters: Path) -> None:
    for path in demo_letters.glob("*/*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        assert message.get_content_type() == "multipart/alternative"
        html = message.get_body(("html",)).get_content()
        assert "<style" not in html and 'style="' in html
        for forbidden in ("<script", "<img", "<link", "src=", "@import"):
            assert forbidden not in html.lower(), (path.name, forbidden)
        assert message["Message-ID"].endswith("@agency.example>")


def test_the_weekly_letter_says_what_the_page_top_says(demo_letters: Path) -> None:
    """Honest as the site: the late webshop's letter gives the forecast beside the promise and
    why it is late, and asks for the decision on the change request that waits for one."""
    (weekly,) = (demo_letters / "acme-retail").glob("*-weekly-*.eml")
    text = " ".join(as_text(weekly).split())
    assert (
        "Late: Online payments is now promised for 12 December 2026. At the current pace: 5 January – 3 March 2027."
        in text
    )
    assert "Why: The payment provider changed its interface in November" in text
    assert "Your decision on CR-3: Gift cards" in text
    (polish,) = (demo_letters / "piekarnia-zloty-klos").glob("*-weekly-*.eml")
    # The bakery's project began in June (its design milestone): its pace is read from all
    # those weeks, so the range of the late payments lies past their new date of 10 December.
    assert "W obecnym tempie: 22 grudnia 2026 – 5 stycznia 2027." in " ".join(as_text(polish).split())

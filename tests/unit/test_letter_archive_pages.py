"""The letters' archive as plain data and pages: which letters a client's site lists (only
its own, only those on record, newest first), old records without the text, and escaping."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from milepost.i18n import texts_for
from milepost.model import Client, SentLetter
from milepost.publish.letters import read_record
from milepost.publish.site_content import archive_pages, client_site
from milepost.render.letter_archive import render_archive, render_sent_letter, text_blocks

ACME = Client(slug="acme", name="ACME Retail", language="en", timezone="Europe/Warsaw")
BETA = Client(slug="beta", name="Beta", language="pl", timezone="Europe/Warsaw")


def entry(client: str, day: str, kind: str = "weekly", n: int = 0, **more: object) -> dict:
    return {
        "message_id": f"<milepost.{client}{day}{kind}{n}@agency.example>",
        "client": client,
        "kind": kind,
        "day": day,
        "key": f"{kind}:{day}:{n}",
        "carries": [],
        "subject": f"Status: {kind} {day} {n}",
        "sent": f"{day}T08:00:00+01:00",
        **more,
    }


def write(tmp_path: Path, *entries: dict) -> Path:
    path = tmp_path / "letters" / "sent.json"
    path.parent.mkdir()
    path.write_text(json.dumps({"format": 1, "letters": list(entries)}), encoding="utf-8")
    return path


def test_a_client_gets_only_its_own_letters_newest_first_up_to_the_day(tmp_path: Path) -> None:
    record = read_record(
        write(
            tmp_path,
            entry("acme", "2026-11-10", text="one"),
            entry("beta", "2026-11-17", text="theirs"),
            entry("acme", "2026-11-17", "meeting", text="two"),
            entry("acme", "2026-11-17", "change", 1, text="three"),
            entry("acme", "2026-11-24", text="later"),
        )
    )
    got = record.sent_to("acme", until=dt.date(2026, 11, 20))
    assert [(letter.day.isoformat(), letter.kind, letter.text) for letter in got] == [
        ("2026-11-17", "change", "three"),  # the same day: the one sent last first
        ("2026-11-17", "meeting", "two"),
        ("2026-11-10", "weekly", "one"),
    ]
    assert {letter.client for letter in got} == {"acme"}
    assert [letter.text for letter in record.sent_to("beta")] == ["theirs"]
    assert record.sent_to("nobody") == ()


def test_an_old_record_without_text_still_loads_and_lists_its_letters(tmp_path: Path) -> None:
    old = entry("acme", "2026-11-10")  # as written before the record kept the text
    broken = {"client": "acme", "day": "not a day", "kind": "weekly", "message_id": "<x@y>"}
    record = read_record(write(tmp_path, old, broken))
    assert record.has(old["message_id"])
    (letter,) = record.sent_to("acme")
    assert letter.text == "" and letter.subject == old["subject"]
    texts = texts_for("en")
    archive = render_archive([letter], texts)
    assert "the text of this letter was not kept" in archive and "<a href" not in archive
    pages = archive_pages(ACME, [letter], texts)
    assert [page.path for page in pages] == ["letters/index.md"]  # no page without a text


def test_no_letter_sent_means_no_archive_page() -> None:
    site = client_site(ACME, [], {}, dt.date(2026, 11, 24))
    assert [page.path for page in site.pages] == ["index.md"]
    other = SentLetter("beta", "weekly", dt.date(2026, 11, 17), "Theirs", "<m.1@a>", "Their text")
    assert archive_pages(ACME, [other], texts_for("en")) == []


def test_the_archive_is_a_nav_page_and_each_letter_a_page_beside_it() -> None:
    letters = [
        SentLetter("acme", "meeting", dt.date(2026, 11, 17), "Status: Summary", "<milepost.abcdef0123456789@a>", "Hi"),
    ]
    site = client_site(ACME, [], {}, dt.date(2026, 11, 24), letters=letters)
    archive, page = site.pages[1:]
    assert (archive.path, archive.title, archive.in_nav) == ("letters/index.md", "Letters", True)
    assert (page.path, page.in_nav) == ("letters/2026-11-17-meeting-abcdef0123/index.md", False)
    assert 'href="2026-11-17-meeting-abcdef0123/index.html"' in archive.markdown
    assert page.markdown.startswith('---\ntitle: "Status: Summary"\nsearch: {"boost": 0.25}\n---\n')


def test_subjects_and_texts_are_escaped_and_load_nothing() -> None:
    text = 'Hello <b>you</b> & co,\n\n<img src="https://tracker.example/p.gif"> <script>alert(1)</script>\n'
    letter = SentLetter("acme", "weekly", dt.date(2026, 11, 17), "# <i>Big</i> *news* & [more](x)", "<m.1@a>", text)
    texts = texts_for("en")
    for markdown in (render_archive([letter], texts), render_sent_letter(letter, texts)):
        assert "<img" not in markdown and "<script" not in markdown and "<i>" not in markdown
    page = render_sent_letter(letter, texts)
    assert "&lt;img src=&#34;https://tracker.example/p.gif&#34;&gt;" in page
    assert "Hello &lt;b&gt;you&lt;/b&gt; &amp; co," in page
    heading = page.splitlines()[0]
    assert heading.startswith("# ") and "\\*news\\*" in heading and "\\[more\\]" in heading


def test_the_text_keeps_its_lines_and_headings_lose_only_their_underline() -> None:
    text = "Hello,\n\nWhere things stand\n==================\n- Shop: On track,\n  promised for 4 December.\n\n\nBye\n"
    blocks = text_blocks(text)
    assert [[(line.text, line.heading) for line in block] for block in blocks] == [
        [("Hello,", False)],
        [("Where things stand", True), ("- Shop: On track,", False), ("  promised for 4 December.", False)],
        [("Bye", False)],
    ]


def test_the_archive_speaks_the_clients_language() -> None:
    letter = SentLetter("beta", "weekly", dt.date(2026, 11, 17), "Agencja: List", "<m.1@a>", "Dzień dobry")
    (archive, _) = archive_pages(BETA, [letter], texts_for("pl"))
    assert archive.title == "Listy"
    assert "17 listopada 2026" in archive.markdown and "List tygodniowy" in archive.markdown


def test_the_archive_pages_name_the_projects_news_feeds() -> None:
    """A feed reader finds the client's news from every page, the letters' pages too."""
    from milepost.model import Project

    letters = [
        SentLetter("acme", "weekly", dt.date(2026, 11, 17), "Status: Week", "<milepost.abcdef0123456789@a>", "Hi")
    ]
    shop = Project(slug="shop", client="acme", name="Shop")
    archive, page = client_site(ACME, [shop], {}, dt.date(2026, 11, 24), letters=letters).pages[2:]
    assert '"href": "../shop/feed.xml"' in archive.markdown.split("---")[1]
    assert '"href": "../../shop/feed.xml"' in page.markdown.split("---")[1]
    assert page.markdown.startswith('---\ntitle: "Status: Week"\nsearch: {"boost": 0.25}\nmilepost_feeds: ')

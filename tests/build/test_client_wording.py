"""Wording per client, end to end: a client's own commit rules, its language and its glossary in
a real build of a real git history."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

import pytest

from factories import make_portal, make_repo, milestone, project_yml, task
from milepost.mkdocs.build import build_clients
from milepost.portal import load_portal

TODAY = dt.date(2026, 11, 24)

# Written out: test_commit_rules_are_checked_with_file_and_line names its lines 8 and 13.
CLIENT = """\
name: Piekarnia Test
language: pl
timezone: Europe/Warsaw
glossary:
  Panel: Strona, na której sprzedawcy widzą zamówienia.
commit_rules:
  - name: admin-is-not-for-this-client
    when: {scope: '^admin$'}
    action: hide
  - name: design-is-news
    when: {type: [design]}
    action: show
    heading: new
"""

PROJECT = project_yml(
    name="Sklep",
    summary="Zamówienia widać w panelu sprzedawcy.",
    milestones=[
        milestone(
            id="panel",
            title="Panel dla sprzedawców",
            tasks=[task("Lista zamówień", "2026-11-10"), task("Wydruk")],
        ),
    ],
)

COMMITS = [
    {"message": "feat(admin): ukryty przełącznik dla administratorów", "date": "2026-11-16T10:00:00+01:00"},
    {"message": "design: nowe kolory przycisków w panelu", "date": "2026-11-17T10:00:00+01:00"},
    {"message": "feat(panel): lista zamówień\n\n"
                "Client-pl: Sprzedawcy widzą listę zamówień.\nClient: Sellers see the orders.",
     "date": "2026-11-18T10:00:00+01:00"},
    {"message": "chore: porządki", "date": "2026-11-19T10:00:00+01:00"},
    {"message": "refactor: kod koszyka", "date": "2026-11-19T11:00:00+01:00"},
]


def build(tmp_path: Path, client: str = CLIENT) -> Path:
    make_repo(tmp_path / "repo", COMMITS)
    config = make_portal(tmp_path, {"bakery/client.yml": client, "bakery/sklep.yml": PROJECT})
    outcome = build_clients(config, site_dir=tmp_path / "site", today=TODAY)
    assert outcome.ok, outcome.failed
    return outcome.built["bakery"]


def test_the_clients_rules_come_first(tmp_path: Path) -> None:
    site = build(tmp_path)
    status = json.loads((site / "sklep" / "status.json").read_text(encoding="utf-8"))
    shown = {(w["kind"], w["text"]) for w in status["recent_work"]}
    assert shown == {("new", "Nowe kolory przycisków w panelu"), ("note", "Sprzedawcy widzą listę zamówień.")}
    page = (site / "sklep" / "index.html").read_text(encoding="utf-8")
    assert "przełącznik" not in page  # hidden by the client's rule, not even counted
    assert "2 drobne usprawnienia techniczne." in page  # chore + refactor, in Polish


def test_the_whole_site_is_in_the_clients_language(tmp_path: Path) -> None:
    site = build(tmp_path)
    home = (site / "index.html").read_text(encoding="utf-8")
    page = (site / "sklep" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="pl"' in home
    assert "Państwa projekty" in home and "Stan na 24 listopada 2026." in home
    assert 'placeholder="Szukaj"' in home  # the theme's own words
    assert "Co się ostatnio zmieniło" in page and "Tydzień 16–22 listopada 2026" in page
    search = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert search["config"]["lang"] == ["en"] and search["config"]["pipeline"] == []
    feed = (site / "sklep" / "feed.xml").read_text(encoding="utf-8")
    assert "<language>pl</language>" in feed or 'xml:lang="pl"' in feed


def test_client_glossary_is_explained_on_the_project_page(tmp_path: Path) -> None:
    page = (build(tmp_path) / "sklep" / "index.html").read_text(encoding="utf-8")
    assert "<dt><dfn>Panel</dfn></dt><dd>Strona, na której sprzedawcy widzą zamówienia.</dd>" in page
    # Marked once per section: "Panel" in the line about the next milestone at the top, and
    # "panelu", a form of it, in the list of recent work.
    assert re.search(r'aria-describedby="mp-tip-\d+">Panel</button>', page)
    assert re.search(r'class="mp-term-word" aria-describedby="mp-tip-\d+">panelu</button>', page)


def test_a_german_client_gets_german_search(tmp_path: Path) -> None:
    german = CLIENT.replace("language: pl", "language: de").replace("Europe/Warsaw", "Europe/Berlin")
    site = build(tmp_path, german)
    search = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert search["config"]["lang"] == ["de"] and search["config"]["pipeline"] == ["stopWordFilter"]
    assert '<html lang="de"' in (site / "index.html").read_text(encoding="utf-8")


def test_commit_rules_are_checked_with_file_and_line(tmp_path: Path) -> None:
    broken = CLIENT.replace("'^admin$'", "'(admin'").replace("heading: new", "heading: news")
    make_portal(tmp_path, {"bakery/client.yml": broken, "bakery/sklep.yml": PROJECT})
    (tmp_path / "repo").mkdir()
    problems = [str(p) for p in load_portal(tmp_path / "projects", today=TODAY).problems]
    assert any(p.endswith("client.yml:8: commit_rules[0].when.scope: not a valid regular expression "
                          "(missing ): (admin); check brackets and escape "
                          "special characters with \\") for p in problems), problems
    assert any(":13: commit_rules[1].heading:" in p and "news" in p for p in problems), problems


def test_commit_rules_are_loaded_into_the_client(tmp_path: Path) -> None:
    make_portal(tmp_path, {"bakery/client.yml": CLIENT, "bakery/sklep.yml": PROJECT})
    make_repo(tmp_path / "repo", ["feat: first screen"])  # a build reads only a real repository
    portal = load_portal(tmp_path / "projects", today=TODAY).portal
    assert portal is not None
    rules = portal.client("bakery").commit_rules
    assert [r["name"] for r in rules] == ["admin-is-not-for-this-client", "design-is-news"]


def _shown(page: str) -> str:
    """A page's text without its tags, any run of spaces made one plain space (headings turn
    the narrow spaces of dates into plain ones)."""
    return _spaced(html.unescape(re.sub(r"<[^>]+>", " ", page)))


def _spaced(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        # What the client owes: when we asked and by when, worded without the item's gender.
        ("piekarnia-zloty-klos/zamowienia", "Zdjęcia tortów okolicznościowych Prośba z 12 listopada 2026; "
                                            "termin: 20 listopada 2026 4 dni po terminie."),
        ("shkola-poliglot/kabinet", "Цены абонементов на 2027 год Запросили 17 ноября 2026\u202fг.; "
                                    "нужно до 23 ноября 2026\u202fг. Просрочено на 1 день."),
        ("kavyarnia-zerno/menu", "Фото десертів для меню Попросили 16 листопада 2026\u202fр.; "
                                 "потрібно до 4 грудня 2026\u202fр."),
        ("acme-retail/webshop", "Logo files in SVG format Asked on 10 November 2026; needed by 20 November 2026"),
        # Weeks: one span, months in full, also across two months.
        ("piekarnia-zloty-klos/zamowienia", "Tydzień 23–29 listopada 2026"),
        ("piekarnia-zloty-klos/zamowienia", "Tydzień 26 października\u2009–\u20091 listopada 2026"),
        # A quiet week across two months is one line, with the same span of days.
        ("shkola-poliglot/kabinet", "1 неделя без видимой работы: 26 октября – 1 ноября 2026\u202fг."),
        ("kavyarnia-zerno/menu", "Тиждень 16–22 листопада 2026\u202fр."),
        ("tischlerei-becker/website", "Woche vom 23.–29. November 2026"),
        ("tischlerei-becker/website", "1 Woche ohne sichtbare Arbeit: 26. Oktober\u2009–\u20091. November 2026."),
        # The promise's day first, then what was promised (the bakery's plan is from 1 June).
        ("piekarnia-zloty-klos/zamowienia", "Historia obiecanego terminu: 1 czerwca 2026 obiecaliśmy termin "
                                            "20 października 2026; od tego czasu się nie zmienił."),
        ("shkola-poliglot/kabinet", "История обещанного срока: 5 октября 2026\u202fг. мы обещали срок "
                                    "13 ноября 2026\u202fг.; с тех пор он не менялся."),
        ("tischlerei-becker/website", "Nächste Aktualisierung bis zum 2. Dezember 2026."),
        ("tischlerei-becker/website", "würde das erst nach dem zugesagten Termin fertig werden."),
        ("kavyarnia-zerno/menu", "Пояснення слів"),
        ("piekarnia-zloty-klos/zamowienia", "Płatność BLIK (jeszcze do zrobienia)"),
        ("shkola-poliglot", "Ждём от вас ответа по 1 пункту."),
        ("kavyarnia-zerno", "Чекаємо від вас відповіді щодо 2 пунктів."),  # an item and a change request
        # How fresh the news is, in relative words (the demo is built as of 24 November).
        ("acme-retail/webshop", "Latest work: yesterday."),
        ("acme-retail", "Latest work: 4 days ago."),
        ("piekarnia-zloty-klos/zamowienia", "Ostatnie prace: wczoraj."),
        ("kavyarnia-zerno/menu", "Останні зміни: вчора."),
        ("shkola-poliglot/kabinet", "Последние изменения: 4 дня назад."),
        ("tischlerei-becker/website", "Zuletzt gearbeitet: gestern."),
    ],
)
def test_demo_pages_read_naturally(demo_site: Path, page: str, expected: str) -> None:
    assert _spaced(expected) in _shown((demo_site / page / "index.html").read_text(encoding="utf-8"))


def test_the_feed_titles_weeks_like_the_page(demo_site: Path) -> None:
    feed = (demo_site / "piekarnia-zloty-klos" / "zamowienia" / "feed.xml").read_text(encoding="utf-8")
    assert "<title>Tydzień 16–22 listopada 2026</title>" in feed
    assert "<title>Tydzień 26 października\u2009–\u20091 listopada 2026</title>" in feed

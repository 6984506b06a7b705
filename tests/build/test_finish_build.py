"""The project's finish on the built demo, in all five languages: the list at the top of the
home page, every card and every page top say first when the project will be finished (its
promise, the forecast when later, the chance beside it), status.json carries the same fact, no
card says "on track" beside a forecast past a promise, and the weekly letter gives each
project's finish in the same words as its card."""

from __future__ import annotations

import datetime as dt
import email
import html
import json
import re
from email import policy
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import make_demo_repos_once
from helpers import DEMO_TODAY, ROOT, demo_portal_copy
from milepost.cli import main
from milepost.i18n import texts_for
from milepost.load.project_folders import NOT_PROJECTS


def finish_lines(page: Path) -> list[str]:
    """The text of each `mp-finish` paragraph, a glossary word's tip left out."""
    source = page.read_text(encoding="utf-8")
    found = re.findall(r'<p class="mp-finish"[^>]*>(.*?)</p>', source, flags=re.S)
    found = [re.sub(r'<span class="mp-term-tip"[^>]*>[^<]*</span>', "", p) for p in found]
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", "", p)).split()) for p in found]


def cards(home: Path) -> dict[str, str]:
    """Each card's markup by project slug."""
    source = home.read_text(encoding="utf-8")
    found = {}
    for card in source.split('<section class="mp-card')[1:]:
        slug = re.search(r'<a href="([^/"]+)/index.html">', card)
        assert slug, card[:200]
        found[slug.group(1)] = card.split("</section>", 1)[0]
    return found


def states_list(home: Path) -> str:
    """The text of the list of projects at the top of the home page."""
    found = re.search(r'<nav class="mp-states"[^>]*>(.*?)</nav>', home.read_text(encoding="utf-8"), flags=re.S)
    assert found, home
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())


def demo_projects() -> list[tuple[str, str, str]]:
    """(client, project, language) of every demo project."""
    found = []
    for client_yml in sorted((ROOT / "projects").glob("*/client.yml")):
        language = yaml.safe_load(client_yml.read_text(encoding="utf-8"))["language"]
        for project_yml in sorted(client_yml.parent.glob("*.yml")):
            if project_yml.name not in NOT_PROJECTS:
                found.append((client_yml.parent.name, project_yml.stem, language))
    return found


def status(demo_site: Path, client: str, project: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((demo_site / client / project / "status.json").read_text(encoding="utf-8"))
    return data


def card_finish(card: str) -> str:
    """The card's finish line (its markup as one page's)."""
    found = re.findall(r'<p class="mp-finish"[^>]*>(.*?)</p>', card, flags=re.S)
    assert len(found) == 1, card[:300]
    text = re.sub(r'<span class="mp-term-tip"[^>]*>[^<]*</span>', "", found[0])
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", text)).split())


def test_every_card_and_page_top_says_the_finish_first_in_every_language(demo_site: Path) -> None:
    languages = set()
    for client, project, language in demo_projects():
        languages.add(language)
        texts = texts_for(language)
        finish = status(demo_site, client, project)["finish"]
        assert finish is not None, project
        card = cards(demo_site / client / "index.html")[project]
        page = demo_site / client / project / "index.html"
        (on_page,) = finish_lines(page)
        on_card = card_finish(card)
        assert on_card == on_page, project
        # First on the card: before the state, the headline and the progress.
        assert card.index('class="mp-finish"') < card.index('class="mp-project-state"'), project
        # And on the home page's first screen: the list of states above everything else says it.
        assert on_card in states_list(demo_site / client / "index.html"), project
        promise = " ".join(texts.date(dt.date.fromisoformat(finish["promise"])).split())  # as the line is read
        assert on_card.startswith(f"{finish['title']}: "), on_card
        assert promise in on_card, (on_card, promise)
        forecast = finish["forecast"]
        if forecast is not None and forecast["chance"] is not None:
            # The chance beside the promise, never instead of it: the promise is said twice.
            assert on_card.count(promise) == 2, on_card
    assert languages == {"en", "pl", "ru", "uk", "de"}


def test_the_webshops_card_gives_the_launch_forecast(demo_site: Path) -> None:
    data = yaml.safe_load((ROOT / "projects/acme-retail/webshop.yml").read_text(encoding="utf-8"))
    launch = data["milestones"][-1]
    assert launch["id"] == "launch"
    finish = status(demo_site, "acme-retail", "webshop")["finish"]
    assert finish["milestone"] == "launch" and finish["forecast"]["later_than_promise"]
    line = card_finish(cards(demo_site / "acme-retail/index.html")["webshop"])
    # "Shop goes live: promised for 15 January 2027; at the current pace between early April and
    # mid-July 2027. About 1 chance in 10 to be ready by 15 January 2027."
    earliest = dt.date.fromisoformat(finish["forecast"]["earliest"])
    latest = dt.date.fromisoformat(finish["forecast"]["latest"])
    months = r"(early |mid-|late )([A-Z][a-z]+)"
    match = re.fullmatch(
        re.escape(f"{launch['title']}: promised for 15 January 2027; at the current pace between ")
        + months + " and " + months + r" (\d{4})\. (About \d|Less than 1|More than 9) chances? in 10 to be ready by "
        + re.escape("15 January 2027."),
        line,
    )
    assert match, line
    assert match.group(2) == earliest.strftime("%B") and match.group(4) == latest.strftime("%B")
    assert int(match.group(5)) == latest.year
    assert earliest > launch["due"]  # YAML reads the date as a date


def test_no_card_says_on_track_beside_a_forecast_past_a_promise(demo_site: Path) -> None:
    """Neither the finish's forecast nor the next milestone's may pass its promise while the
    card says "on track": the German demo project is at risk (rule forecast-later)."""
    for client, project, _ in demo_projects():
        data = status(demo_site, client, project)
        later = [
            m["id"] for m in data["milestones"] if m["done"] is None and m["forecast"].get("later_than_promise")
        ]
        card = cards(demo_site / client / "index.html")[project]
        if later:
            assert data["health"]["state"] != "on_track", (project, later)
            assert "mp-state-on-track" not in card.split(">", 1)[0], project
            assert "mp-badge mp-on-track" not in card, project
    german = status(demo_site, "tischlerei-becker", "website")
    assert german["finish"]["forecast"]["later_than_promise"]
    assert german["health"] == {"state": "at_risk", "rule": "forecast-later"}


@pytest.fixture(scope="module")
def every_clients_letters(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo portal with a weekly letter on the demo's day for every client, written out."""
    make_demo_repos_once(tmp_path_factory)
    portal = tmp_path_factory.mktemp("finish-letters")
    config = demo_portal_copy(portal)
    for client_yml in sorted((portal / "projects").glob("*/client.yml")):
        text = client_yml.read_text(encoding="utf-8")
        if "\nletters:" not in text:
            client_yml.write_text(
                text.rstrip("\n")
                + "\nletters:\n  weekly: tuesday\n  to:\n    - {name: Test Reader, email: reader@client.example}\n",
                encoding="utf-8",
            )
    out = portal / "out"
    assert main(["letters", "-f", str(config), "--today", DEMO_TODAY.isoformat(), "--out", str(out)]) == 0
    return out


def weekly_text(folder: Path) -> str:
    (path,) = folder.glob("*-weekly-*.eml")
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    return " ".join(message.get_body(("plain",)).get_content().split())


def test_the_weekly_letter_gives_each_projects_finish_as_its_card_does(
    demo_site: Path, every_clients_letters: Path
) -> None:
    languages = set()
    for client, project, language in demo_projects():
        languages.add(language)
        letter = weekly_text(every_clients_letters / client)
        line = card_finish(cards(demo_site / client / "index.html")[project])
        assert line in letter, (client, project, line)
    assert languages == {"en", "pl", "ru", "uk", "de"}

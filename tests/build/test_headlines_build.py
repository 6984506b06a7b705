"""The honest headline and the kept promises on the built demo: the late webshop's card and
page say the promise and the forecast range, "Waiting on you" counts the change request that
waits for a decision, and every project page, in every language, shows its kept promises."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import yaml

from helpers import ROOT
from milepost.i18n import texts_for
from milepost.load.project_folders import NOT_PROJECTS


def text_of(page: Path) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))


def paragraphs(page: Path, css: str) -> list[str]:
    source = page.read_text(encoding="utf-8")
    found = re.findall(rf'<p class="{css}[^"]*">(.*?)</p>', source, flags=re.S)
    # A glossary word's explanation is a tip beside the word, not part of the sentence.
    found = [re.sub(r'<span class="mp-term-tip"[^>]*>[^<]*</span>', "", p) for p in found]
    return [html.unescape(re.sub(r"<[^>]+>", "", p)) for p in found]


def test_the_late_project_says_its_promise_and_the_forecast_range(demo_site: Path) -> None:
    data = yaml.safe_load((ROOT / "projects/acme-retail/webshop.yml").read_text(encoding="utf-8"))
    payments = next(m for m in data["milestones"] if m["id"] == "payments")
    promise = payments["delay"]["due"]
    en = texts_for("en")
    # "Online payments: promised for 12 December 2026; at the current pace 5 January – 3 March 2027"
    # (Babel puts thin spaces around the dash between two months).
    pattern = re.compile(
        re.escape(f"{payments['title']}: promised for {en.date(promise)}; at the current pace ")
        + r"\d{1,2}(?: [A-Z][a-z]+(?: \d{4})?)?\s?–\s?(\d{1,2}) ([A-Z][a-z]+) (\d{4})\."
    )
    for page in (demo_site / "acme-retail/index.html", demo_site / "acme-retail/webshop/index.html"):
        headlines = [h for h in paragraphs(page, "mp-headline") if h.startswith(payments["title"])]
        assert len(headlines) == 1, page
        match = pattern.fullmatch(headlines[0])
        assert match, headlines[0]
        end = dt.datetime.strptime(" ".join(match.group(1, 2, 3)), "%d %B %Y").date()
        assert end > promise  # shown because it is later than the promise
        # Why, in one line: the team's own reason.
        assert f"Why: {' '.join(payments['delay']['reason'].split())}" in paragraphs(page, "mp-why")


def test_waiting_on_you_counts_the_change_request_awaiting_a_decision(demo_site: Path) -> None:
    data = yaml.safe_load((ROOT / "projects/acme-retail/webshop.yml").read_text(encoding="utf-8"))
    proposed = [c for c in data["changes"] if c["status"] == "proposed"]
    items = [w for w in data["waiting_on_client"] if not w.get("done")]
    assert proposed  # the demo has one (CR-3)
    home = demo_site / "acme-retail/index.html"
    cards = home.read_text(encoding="utf-8").split('<section class="mp-card')[1:]
    (card,) = [c.split("</section>", 1)[0] for c in cards if '<a href="webshop/index.html">' in c]
    assert f"We are waiting for {len(items) + len(proposed)} things from you." in card
    for page in (home, demo_site / "acme-retail/webshop/index.html"):
        waiting = page.read_text(encoding="utf-8").split('class="mp-waiting"', 1)[1].split("</ul>", 1)[0]
        for change in proposed:
            assert f"Your decision on {change['id']}: {change['title']}" in html.unescape(waiting)


def test_the_budget_says_when_the_hours_run_ahead_of_the_work(demo_site: Path) -> None:
    page = demo_site / "acme-retail/webshop/index.html"
    card = paragraphs(demo_site / "acme-retail/index.html", "mp-budget-pace")
    pace = paragraphs(page, "mp-budget-pace")
    assert pace == card and len(pace) == 1
    used, done, covers = (int(n) for n in re.findall(r"(\d+)%", pace[0]))
    data = yaml.safe_load((ROOT / "projects/acme-retail/webshop.yml").read_text(encoding="utf-8"))
    assert used == round(100 * data["budget"]["used"] / data["budget"]["hours"])
    assert covers == round(100 * done / used) < 100
    # The raise of the agreed hours, from the file's history (scripts/demo_history.yml).
    assert paragraphs(page, "mp-budget-raise") == ["The agreed hours were raised from 360 to 400 on 2 November 2026."]


def test_every_project_page_in_every_language_shows_its_kept_promises(demo_site: Path) -> None:
    languages = set()
    for client_yml in sorted((ROOT / "projects").glob("*/client.yml")):
        client = client_yml.parent.name
        languages.add(yaml.safe_load(client_yml.read_text(encoding="utf-8"))["language"])
        home = demo_site / client / "index.html"
        assert len(paragraphs(home, "mp-promise-record")) == 1, client
        for project_yml in sorted(client_yml.parent.glob("*.yml")):
            if project_yml.name in NOT_PROJECTS:  # the client, the answers' and responses' records
                continue
            page = demo_site / client / project_yml.stem / "index.html"
            record = paragraphs(page, "mp-promise-record")
            assert len(record) == 1, page
            label, _, sentence = record[0].partition(": ")
            assert label and sentence.strip(), page
    assert languages == {"en", "pl", "ru", "uk", "de"}

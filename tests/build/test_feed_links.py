"""In a real build of the demo: every page names its project feeds in <head> (rel="alternate"),
the calendar link subscribes, and the feeds carry the news of the plan."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import icalendar

ATOM = "{http://www.w3.org/2005/Atom}"


class _Feeds(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.feeds: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "link" and found.get("rel") == "alternate" and found.get("type") == "application/atom+xml":
            self.feeds.append(found)


def feeds_of(page: Path) -> list[dict[str, str | None]]:
    parser = _Feeds()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.feeds


def test_home_page_names_every_project_feed(demo_site: Path) -> None:
    feeds = feeds_of(demo_site / "acme-retail" / "index.html")
    hrefs = {feed["href"] for feed in feeds}
    assert hrefs == {"webshop/feed.xml", "loyalty-app/feed.xml"}  # relative: nothing fetched elsewhere
    assert all(feed["title"] and feed["title"].startswith("News about ") for feed in feeds)


def test_project_page_names_its_own_feed_and_subscribes_to_its_calendar(demo_site: Path) -> None:
    page = demo_site / "acme-retail" / "webshop" / "index.html"
    (feed,) = feeds_of(page)
    assert feed["href"] == "feed.xml"
    html = page.read_text(encoding="utf-8")
    assert 'href="webcal://status.agency.example/acme-retail/webshop/calendar.ics"' in html
    # The front matter that carries the feeds never shows on the page.
    assert "milepost_feeds" not in html


def test_translated_pages_name_their_feeds_in_the_clients_language(demo_site: Path) -> None:
    (feed,) = feeds_of(demo_site / "piekarnia-zloty-klos" / "zamowienia" / "index.html")
    assert feed["title"] and feed["title"].startswith("Wiadomości")


def test_demo_feeds_and_calendars_read_back(demo_site: Path) -> None:
    for feed in demo_site.glob("*/*/feed.xml"):
        root = ET.fromstring(feed.read_bytes())
        ids = [e.findtext(f"{ATOM}id") or "" for e in root.findall(f"{ATOM}entry")]
        assert len(ids) == len(set(ids)), feed
    for ics in demo_site.glob("*/*/calendar.ics"):
        calendar = icalendar.Calendar.from_ical(ics.read_bytes())
        for event in calendar.walk("VEVENT"):
            if re.fullmatch(r"[^.]+\.[^.]+\.[^.]+@milepost", str(event["UID"])):  # a milestone
                assert int(event["SEQUENCE"]) >= 0
                assert str(event["URL"]).startswith("https://status.agency.example/")

"""Any text a YAML field allows, every output takes: the model is built from YAML data whose
every free-text field holds awkward text (line breaks, CR, tabs, control characters, bidi
overrides, very long strings, markup), then handed to every output writer."""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import markdown
import pytest
from icalendar import Calendar

from milepost.i18n import texts_for
from milepost.load.model_from_data import client_from_data, project_from_data
from milepost.load.text import LINE_CAP, NAME_CAP, TEXT_CAP, one_line, paragraphs
from milepost.model import Client, Project, WorkNote
from milepost.publish.feeds import atom_feed, ics_calendar
from milepost.publish.status_json import status_json_bytes
from milepost.render.client_home import render_client_home
from milepost.render.contacts import contacts_section
from milepost.render.glossary import glossary_for, glossary_section
from milepost.render.project_page import ProjectView, render_project_page

D = dt.date
EN = texts_for("en")
TODAY = D(2026, 11, 24)
WORK = (WorkNote("new", "Card form", D(2026, 11, 23), milestone="pay"),)

AWKWARD = {
    "paragraphs": "First line\nsecond line.\n\nSecond paragraph.\n\n\n# not a heading\n    not code either\n",
    "carriage returns": "one\r\ntwo\rthree\r\n\r\nfour",
    "tabs": "a\tb\n\n\tindented\t",
    "control characters": "bell\x07 null\x00 escape\x1b delete\x7f c1\x85\x9b end",
    "bidi overrides": "pay \u202eevil\u202c and \u2066iso\u2069 \u202a\u202b\u202d\u2067\u2068 done",
    "unicode separators": "a\u2028b\u2029c",
    "blank lines of spaces": "one\n \u00a0\t\ntwo",
    "very long": "word " * 3000,
    "one very long word": "x" * 20_000,
    "markup": "<b>bold</b> & {{ 7*7 }} *star* `tick` [link](http://x) <!-- c",
}

BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f]")


def client_for(text: str) -> Client:
    contact = {"name": text, "role": text, "email": "ewa@agency.example", "phone": text,
               "away": [{"from": "2026-11-20", "to": "2026-11-30", "deputy": text}]}
    data = {"name": text, "language": "en", "timezone": "Europe/Warsaw", "contacts": [contact],
            "response_time": text, "glossary": {"API": text}}
    return client_from_data("acme", data, "projects/acme/client.yml")


def project_for(text: str) -> Project:
    data = {
        "name": text,
        "summary": text,
        "milestones": [
            {"id": "pay", "title": text, "start": "2026-10-01", "due": "2026-11-20", "description": text,
             "tasks": [{"title": text, "done": "2026-11-02"}, {"title": text}],
             "delay": {"reason": text, "plan": text, "due": "2026-12-12"}},
            {"id": "live", "title": text, "due": "2027-01-15", "description": text,
             "health_override": {"state": "at_risk", "reason": text}},
            {"id": "done", "title": text, "due": "2026-11-10", "done": "2026-11-09", "description": text},
        ],
        "waiting_on_client": [{"title": text, "asked": "2026-11-01", "needed_by": "2026-12-01", "milestone": "pay"}],
        "decisions": [{"date": "2026-11-05", "title": text, "agreed": [text, text], "summary": text}],
        "changes": [{"id": "CR-1", "title": text, "status": "proposed", "hours": 24, "impact": text}],
        "deliverables": [{"date": "2026-11-15", "title": text, "url": "https://staging.example/x",
                          "description": text}],
        "budget": {"hours": 100, "used": 50, "as_of": "2026-11-20"},
        "glossary": {"API": text},
    }
    return project_from_data("acme", Path("projects/acme/shop.yml"), data, "projects/acme/shop.yml")


def html_of(md_text: str) -> str:
    return markdown.markdown(md_text, extensions=["attr_list", "toc", "tables"])


def project_page(client: Client, project: Project) -> str:
    return html_of(render_project_page(ProjectView(client, project, TODAY, WORK), EN))


def check_page(page: str, text: str) -> None:
    # The raw HTML blocks held: no Markdown read into the text, no escaped tag of ours shown.
    assert "<pre" not in page and "<code" not in page
    assert page.count("<h1") <= 1 and "not a heading</h" not in page
    assert "&lt;p" not in page and "&lt;/p" not in page and "&lt;div" not in page
    assert "<b>" not in page


def check_atom(data: bytes, client: Client, project: Project) -> None:
    root = ET.fromstring(data)
    atom = "{http://www.w3.org/2005/Atom}"
    assert root.find(f"{atom}title").text == project.name
    assert root.find(f"{atom}subtitle").text == project.summary
    for entry in root.iter(f"{atom}entry"):
        assert "\n" not in entry.find(f"{atom}title").text


def check_ics(data: bytes, client: Client, project: Project) -> None:
    calendar = Calendar.from_ical(data)
    assert str(calendar["NAME"]) == project.name
    assert str(calendar["DESCRIPTION"]) == project.summary
    events = calendar.walk("VEVENT")
    assert len(events) == 4  # three milestones, one item needed from the client
    for event in events:
        assert "\n" not in str(event["SUMMARY"])


def check_status(data: bytes, client: Client, project: Project) -> None:
    status = json.loads(data)
    assert status["client"] == client.name
    assert status["project"]["summary"] == project.summary
    assert {m["description"] for m in status["milestones"]} == {project.summary}


WRITERS: dict[str, Callable[[Client, Project], tuple[str | bytes, Callable | None]]] = {
    "project page": lambda c, p: (project_page(c, p), None),
    "client home": lambda c, p: (html_of(render_client_home(c, [p], TODAY, EN)), None),
    "contacts": lambda c, p: (html_of(contacts_section(c, TODAY, EN)), None),
    "glossary": lambda c, p: (html_of(glossary_section(glossary_for(c, p), EN)), None),
    "atom feed": lambda c, p: (atom_feed(c, p, WORK, TODAY, texts=EN, base_url="https://x.example/shop/"), check_atom),
    "ics calendar": lambda c, p: (ics_calendar(c, p, TODAY, texts=EN), check_ics),
    "status.json": lambda c, p: (status_json_bytes(c, p, WORK, TODAY), check_status),
}


@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize("kind", AWKWARD)
def test_every_writer_takes_any_text_a_yaml_field_allows(writer: str, kind: str) -> None:
    text = AWKWARD[kind]
    client, project = client_for(text), project_for(text)
    output, check = WRITERS[writer](client, project)
    decoded = output.decode("utf-8") if isinstance(output, bytes) else output
    assert not BIDI.search(decoded)
    assert not CONTROL.search(decoded)
    if check is not None:
        check(output, client, project)
    else:
        check_page(decoded, text)


@pytest.mark.parametrize("kind", AWKWARD)
def test_the_model_holds_clean_text_within_each_kind_of_cap(kind: str) -> None:
    text = AWKWARD[kind]
    client, project = client_for(text), project_for(text)
    names = [client.name, project.name, client.contacts[0].name, client.contacts[0].away[0].deputy,
             *(m.title for m in project.milestones), project.waiting_on_client[0].title,
             project.decisions[0].title, project.changes[0].title, project.deliverables[0].title]
    lines = [client.contacts[0].role, client.response_time, *project.decisions[0].agreed, *project.glossary.values()]
    texts = [project.summary, *(m.description for m in project.milestones), project.milestones[0].delay.reason,
             project.milestones[0].delay.plan, project.milestones[1].health_override.reason,
             project.decisions[0].summary, project.changes[0].impact, project.deliverables[0].description]
    for value in names + lines:
        assert "\n" not in value and "\t" not in value and value == value.strip()
    assert all(len(value) <= NAME_CAP for value in names)
    assert all(len(value) <= LINE_CAP for value in lines)
    assert all(len(value) <= TEXT_CAP for value in texts)
    for value in names + lines + texts:
        assert not BIDI.search(value) and not CONTROL.search(value) and "\r" not in value
        assert "\n\n\n" not in value and not re.search(r"\n\s*\n(?!\S)", value.replace("\n\n", "\n\x00"))


def test_a_multi_paragraph_summary_is_paragraphs_on_the_page() -> None:
    text = AWKWARD["paragraphs"]
    page = project_page(client_for("Acme"), project_for(text))
    assert page.count('<p class="mp-summary">') == 3
    assert '<p class="mp-summary">First line\nsecond line.</p>' in page
    assert '<p class="mp-summary"># not a heading\nnot code either</p>' in page


@pytest.mark.parametrize(
    ("value", "line", "text"),
    [
        ("a\r\nb\rc", "a b c", "a\nb\nc"),
        ("  one  \n\n\n\n  two  ", "one two", "one\n\ntwo"),
        ("x\u2029y\u2028z", "x y z", "x\n\ny\nz"),
        ("tab\there", "tab here", "tab here"),
        ("no\u00a0break", "no\u00a0break", "no\u00a0break"),
        ("r\u202eevil\u202c l\u2066i\u2069", "revil li", "revil li"),
        ("nul\x00 bell\x07 c1\x9b", "nul bell c1", "nul bell c1"),
    ],
)
def test_text_cleaning(value: str, line: str, text: str) -> None:
    assert one_line(value) == line
    assert paragraphs(value) == text


def test_long_text_is_shortened_with_an_ellipsis_at_a_word_end() -> None:
    shortened = one_line("word " * 100)
    assert len(shortened) <= NAME_CAP and shortened.endswith("word…")
    assert one_line("x" * 300) == "x" * (NAME_CAP - 1) + "…"
    assert len(paragraphs("para. " * 2000)) <= TEXT_CAP

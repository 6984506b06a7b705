"""Every text a client reads is shown as the text it is, whatever characters it holds.

One client of the demo portal gets, in every field a client reads (its name and contacts, the
agency's name, each project's name, summary, milestones, tasks, delay, waiting items,
decisions, changes, deliverables, glossary, and the letters of its sent record), a text full of
what has broken pages before: an emoji (beyond the BMP), HTML (`<img onerror>`, `</script>`),
Markdown (a `javascript:` link, a heading, emphasis), YAML front matter (`---`, `: `) and
template syntax (`{{ 7*7 }}`, `{% raw %}`). The site is built for real and every page parsed:
no element, attribute or link came from a text, and each text is shown literally.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import make_demo_repos_once
from helpers import DEMO_TODAY, SmtpCapture, demo_portal_copy

from milepost.mkdocs.build import build_clients
from milepost.publish.letters import RECORD_FORMAT

CLIENT = "acme-retail"
# One line of everything at once; `field` tells the fields apart on the pages.
NASTY = (
    "New website 🚀 <img src=x onerror=alert(1)> </script><script>alert(2)</script> "
    "[x](javascript:alert(1)) # h *em* __b__ --- a: b {{ 7*7 }} {% raw %} & &amp; 𝒳"
)
# What a multi-line text (a summary, a letter) adds: lines that mean something at a line's start.
NASTY_LINES = "--- \n# h\n* item\n---\ntitle: {{ 7*7 }}\n[x]: javascript:alert(1)"


def nasty(field: str) -> str:
    return f"{field}: {NASTY}"


class Page(HTMLParser):
    """A built page taken apart: its elements with their attributes, and its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.in_script = False
        self.scripts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {name: value or "" for name, value in attrs}))
        self.in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script:
            self.scripts.append(data)
        else:
            self.text.append(data)


def parsed(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def nasty_project(project: dict[str, Any], slug: str) -> None:
    project["name"] = nasty(f"{slug} name")
    project["summary"] = nasty(f"{slug} summary") + "\n\n" + NASTY_LINES
    for m, milestone in enumerate(project.get("milestones", [])):
        milestone["title"] = nasty(f"{slug} milestone {m}")
        for t, task in enumerate(milestone.get("tasks", [])):
            task["title"] = nasty(f"{slug} task {m}.{t}")
        if "delay" in milestone:
            milestone["delay"]["reason"] = nasty(f"{slug} delay reason")
            milestone["delay"]["plan"] = nasty(f"{slug} delay plan")
    for w, item in enumerate(project.get("waiting_on_client", [])):
        item["title"] = nasty(f"{slug} waiting {w}")
    for d, decision in enumerate(project.get("decisions", [])):
        decision["title"] = nasty(f"{slug} decision {d}")
        if "summary" in decision:
            decision["summary"] = nasty(f"{slug} decision summary {d}")
        decision["agreed"] = [nasty(f"{slug} agreed {d}.{a}") for a in range(len(decision.get("agreed", [])))]
    for c, change in enumerate(project.get("changes", [])):
        change["title"] = nasty(f"{slug} change {c}")
        change["impact"] = nasty(f"{slug} impact {c}")
    for d, deliverable in enumerate(project.get("deliverables", [])):
        deliverable["title"] = nasty(f"{slug} deliverable {d}")
        if "description" in deliverable:
            deliverable["description"] = nasty(f"{slug} deliverable description {d}")
    if "glossary" in project:
        project["glossary"] = {
            **{term: nasty(f"{slug} glossary {term}") for term in project["glossary"]},
            "<b>Term</b> 🚀": nasty(f"{slug} glossary markup term"),
        }


@pytest.fixture(scope="module")
def nasty_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The demo's first client built with a nasty text in every field; (its site, the fields)."""
    make_demo_repos_once(tmp_path_factory)
    root = tmp_path_factory.mktemp("nasty-portal")
    config = demo_portal_copy(root)
    settings = config.read_text(encoding="utf-8")
    config.write_text(settings.replace("agency: Example Agency", f"agency: {json.dumps(nasty('agency'), ensure_ascii=False)}"))
    folder = root / "projects" / CLIENT
    client = yaml.safe_load((folder / "client.yml").read_text(encoding="utf-8"))
    client["name"] = nasty("client name")
    client["response_time"] = nasty("response time")
    for n, contact in enumerate(client["contacts"]):
        contact["name"] = nasty(f"contact {n}")
        contact["role"] = nasty(f"role {n}")
    (folder / "client.yml").write_text(yaml.safe_dump(client, allow_unicode=True), encoding="utf-8")
    for path in sorted(folder.glob("*.yml")):
        if path.name != "client.yml":
            project = yaml.safe_load(path.read_text(encoding="utf-8"))
            nasty_project(project, path.stem)
            path.write_text(yaml.safe_dump(project, allow_unicode=True), encoding="utf-8")
    # The letters as `milepost letters --send` writes them (the agency's name signs them), to
    # a real SMTP server; then two more of every kind of text into the same record.
    with SmtpCapture() as server:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MILEPOST_")}
        command = [sys.executable, "-m", "milepost.cli", "letters", "-f", str(config), "--today",
                   DEMO_TODAY.isoformat(), "--client", CLIENT, "--send"]
        sent = subprocess.run(command, env={**env, "MILEPOST_SMTP_URL": server.url}, cwd=root,
                              capture_output=True, text=True, timeout=300)
    assert sent.returncode == 0 and server.messages, sent.stderr
    record = root / "letters" / "sent.json"
    written = json.loads(record.read_text(encoding="utf-8"))["letters"]
    letters = written + [
        {
            "message_id": f"<letter-{n}@agency.example>",
            "client": CLIENT,
            "kind": kind,
            "day": DEMO_TODAY.isoformat(),
            "key": f"{kind}-{n}",
            "carries": [],
            "subject": nasty(f"letter subject {n}"),
            "sent": f"{DEMO_TODAY.isoformat()}T09:00:00+01:00",
            "text": f"{nasty(f'letter text {n}')}\n{'=' * 20}\n\n{NASTY_LINES}\n\n{nasty(f'letter end {n}')}",
        }
        for n, kind in enumerate(("weekly", "meeting"))
    ]
    assert any(nasty("agency") in letter["text"] for letter in written)
    record.write_text(json.dumps({"format": RECORD_FORMAT, "letters": letters}, ensure_ascii=False), encoding="utf-8")
    site = root / "site"
    outcome = build_clients(config, clients=[CLIENT], site_dir=site, today=DEMO_TODAY)
    assert outcome.ok, outcome.failed
    fields = [
        "agency", "client name", "response time", *(f"contact {n}" for n in range(len(client["contacts"]))),
        *(f"role {n}" for n in range(len(client["contacts"]))),
        *(f"letter {part} {n}" for part in ("subject", "text", "end") for n in range(2)),
    ]
    for path in sorted(folder.glob("*.yml")):
        if path.name != "client.yml":
            fields += [line.split(": " + NASTY)[0] for line in _texts(yaml.safe_load(path.read_text("utf-8")))]
    return site / CLIENT, fields


def _texts(data: object) -> list[str]:
    """Every nasty text in a project's data."""
    if isinstance(data, dict):
        return [text for value in data.values() for text in _texts(value)]
    if isinstance(data, list):
        return [text for value in data for text in _texts(value)]
    return [line for line in str(data).split("\n") if line.endswith(NASTY)]


def html_pages(site: Path) -> list[Path]:
    pages = sorted(p for p in site.rglob("*.html") if "assets" not in p.parts)
    assert len(pages) >= 6, pages
    return pages


def test_no_text_becomes_an_element_an_attribute_or_a_link(nasty_site: tuple[Path, list[str]]) -> None:
    site, _ = nasty_site
    for path in html_pages(site):
        page = parsed(path)
        for tag, attributes in page.elements:
            assert tag not in ("img", "em", "strong") or "onerror" not in attributes, (path, tag, attributes)
            assert not any(name.startswith("on") for name in attributes), (path, tag, attributes)
            for name in ("href", "src", "action", "formaction"):
                assert not attributes.get(name, "").strip().lower().startswith("javascript:"), (path, attributes)
            if tag == "script":
                assert "alert(" not in str(attributes), (path, attributes)
        # No element made of a text: a script running alert, emphasis of "em", a bold "Term".
        scripts = [data for data in page.scripts if "alert(" in data]
        assert not scripts, (path, scripts)
        source = path.read_text(encoding="utf-8")
        assert "<em>em</em>" not in source and "<b>Term</b>" not in source, path
        # Template syntax is shown, never run; YAML front matter never shown as text.
        text = "".join(page.text)
        assert "49" not in text.replace("2026", "").replace("2027", "") or "{{ 7*7 }}" in text, path
        assert "milepost_feeds" not in text and "\\ud83d" not in source.lower(), path


def test_every_text_is_shown_literally(nasty_site: tuple[Path, list[str]]) -> None:
    site, fields = nasty_site
    # White space aside: a letter's lines are wrapped as they were sent.
    everything = "".join("".join("".join(parsed(path).text).split()) for path in html_pages(site))
    missing = [field for field in fields if "".join(nasty(field).split()) not in everything]
    assert not missing, missing
    assert "{{7*7}}{%raw%}" in everything and "🚀" in everything and "𝒳" in everything


def test_the_feed_links_and_titles_survive_an_emoji(nasty_site: tuple[Path, list[str]]) -> None:
    site, _ = nasty_site
    for path in [site / "index.html", site / "webshop" / "index.html", site / "letters" / "index.html"]:
        page = parsed(path)
        feeds = [a for tag, a in page.elements if tag == "link" and a.get("rel") == "alternate"]
        assert feeds and all(a["title"].startswith("News about ") and "🚀" in a["title"] for a in feeds), path
        assert all("<img src=x onerror=alert(1)>" in a["title"] for a in feeds), path
    webshop = parsed(site / "webshop" / "index.html")
    title = "".join(webshop.text).split("\n")
    assert any(nasty("webshop name") in line for line in title)

"""The pages' templates: user text stays text, and an agency's theme overrides win."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import markdown
import pytest
import yaml

from factories import make_portal, make_repo
from milepost.i18n import texts_for
from milepost.mkdocs.build import build_clients
from milepost.model import Client, Milestone, Project, Task, WaitingItem, WorkNote
from milepost.render.client_home import render_client_home
from milepost.render.project_page import ProjectView, render_project_page

TODAY = dt.date(2026, 11, 24)
SCRIPT = "<script>alert(1)</script>"
JINJA = "{{ 7*7 }}"
HOSTILE = f"{SCRIPT} {JINJA} {{% raw %}} {{# note #}}"

CLIENT_YML = """\
name: Example Client
language: en
timezone: Europe/Warsaw
contacts:
  - {name: Ewa Kowalska, role: Project manager, email: ewa@agency.example}
"""

PROJECT_YML = f"""\
name: {yaml.safe_dump(HOSTILE).strip()}
summary: {yaml.safe_dump("Summary " + HOSTILE).strip()}
repositories:
  - path: ../../repo
milestones:
  - id: first
    title: {yaml.safe_dump("Milestone " + HOSTILE).strip()}
    start: 2026-11-01
    due: 2026-12-20
    tasks:
      - {{title: {yaml.safe_dump("Task " + HOSTILE).strip()}, done: 2026-11-10}}
      - {{title: Two}}
waiting_on_client:
  - {{title: {yaml.safe_dump("Waiting " + HOSTILE).strip()}, asked: 2026-11-10, needed_by: 2026-11-20}}
"""

# An agency's own theme folder (`theme.custom_dir`): its main.html must win over
# mkdocs-material's, and may know nothing of Milepost: Milepost's own blocks (the title printed
# escaped once, noindex and no referrer) still apply, from milepost.html, which extends it.
OVERRIDE_MAIN = """{% extends "base.html" %}
{% block extrahead %}<meta name="agency-override" content="main.html from custom_dir">{% endblock %}
"""
OVERRIDE_PARTIAL = '<div class="agency-copyright">Agency partial from custom_dir</div>\n'


def test_the_environment_escapes_and_refuses_unknown_names() -> None:
    from jinja2 import StrictUndefined, UndefinedError

    from milepost.render.environment import ENVIRONMENT, render

    assert ENVIRONMENT.autoescape is True and ENVIRONMENT.undefined is StrictUndefined
    assert ENVIRONMENT.from_string("{{ x }}").render(x=SCRIPT) == "&lt;script&gt;alert(1)&lt;/script&gt;"
    with pytest.raises(UndefinedError):
        ENVIRONMENT.from_string("{{ missing }}").render()
    # A translated sentence is escaped with the values filled into it.
    page = render("site_root.html.j2", texts_for("pl"), language="pl", robots="noindex")
    assert '<html lang="pl">' in page and "Project status" not in page


# The charts' geometry (x="49.2%", d="M2.77 196 H16.72"): numbers no template computed from
# user text, left out before looking for a "49".
_GEOMETRY = re.compile(r'\s(?:x|y|x1|x2|y1|y2|dx|cx|cy|r|width|height|d|viewBox|style)="[-0-9.% A-Za-z:;]*"')
# The theme's files: their version (publish/shared_assets.py) and Material's file names are digests.
_ASSET_URL = re.compile(r'(?:src|href)="[^"]*assets/[^"]*"|"search": "[^"]*"')


def _check_text_is_text(html: str) -> None:
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # Shown as written, never evaluated as a template: "{{ 7*7 }}" is not "49".
    assert "{{ 7*7 }}" in html and "49" not in _ASSET_URL.sub("", _GEOMETRY.sub("", html))


def test_user_text_is_data_never_markup_or_a_template() -> None:
    client = Client(slug="c", name=f"Client {HOSTILE}", language="en", response_time=JINJA)
    project = Project(
        slug="p", client="c", name=HOSTILE, summary=HOSTILE,
        milestones=(Milestone("m", f"M {HOSTILE}", due=dt.date(2026, 12, 20), description=HOSTILE,
                              tasks=(Task(HOSTILE, dt.date(2026, 11, 2)), Task("Open"))),),
        waiting_on_client=(WaitingItem(HOSTILE, asked=dt.date(2026, 11, 1), milestone="m"),),
        glossary={"7*7": JINJA},
    )
    changes = (WorkNote("new", f"Commit {HOSTILE}", dt.date(2026, 11, 23), milestone="m"),)
    texts = texts_for("en")
    page = render_project_page(ProjectView(client, project, TODAY, changes), texts)
    home = render_client_home(client, [project], TODAY, texts)
    for text in (page, home):
        html = markdown.markdown(text, extensions=["attr_list", "toc", "tables"])
        _check_text_is_text(html)
        assert "{% raw %}" in html and "{# note #}" in html


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("templates")
    make_repo(base / "repo", [
        {"message": "feat: first screen", "date": "2026-11-09T10:00:00+01:00"},
        {"message": f"fix: {SCRIPT} and {JINJA} in the basket", "date": "2026-11-16T10:00:00+01:00"},
    ])
    config_file = make_portal(base, {"example/client.yml": CLIENT_YML, "example/shop.yml": PROJECT_YML})
    overrides = base / "overrides"
    (overrides / "partials").mkdir(parents=True)
    (overrides / "main.html").write_text(OVERRIDE_MAIN, encoding="utf-8")
    (overrides / "partials" / "copyright.html").write_text(OVERRIDE_PARTIAL, encoding="utf-8")
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    config["theme"]["custom_dir"] = "overrides"
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    site = base / "site"
    assert build_clients(config_file, site_dir=site, today=TODAY).ok
    return site / "example"


def test_yaml_and_commit_text_show_as_text_on_the_built_pages(built: Path) -> None:
    for name in ("index.html", "shop/index.html"):
        html = (built / name).read_text(encoding="utf-8")
        _check_text_is_text(html)


def test_an_agencys_custom_dir_wins_over_mileposts_theme_files(built: Path) -> None:
    page = (built / "shop/index.html").read_text(encoding="utf-8")
    # The agency's main.html, not Milepost's...
    assert '<meta name="agency-override" content="main.html from custom_dir">' in page
    # ...which cannot drop Milepost's protections: noindex, no referrer, the title escaped once.
    assert '<meta name="robots" content="noindex, nofollow, noarchive">' in page
    assert '<meta name="referrer" content="no-referrer">' in page
    title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<script>" not in title and "&lt;script&gt;" in title, title
    # ...and its partial, over mkdocs-material's.
    assert "Agency partial from custom_dir" in page

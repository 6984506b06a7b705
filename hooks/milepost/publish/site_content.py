"""Everything one client's site holds, as plain data: pages (Markdown) and extra files.

This is the heart of a build and knows nothing of MkDocs: the hook turns `ClientSite` into
MkDocs files. Only this client's data is ever passed in, which is what keeps clients apart.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from milepost.answers.applied import decided_changes
from milepost.classify.project_text import redact_client_glossary, redact_file_versions, redact_project
from milepost.history.project_files import ProjectFileVersions
from milepost.i18n import Texts, texts_for
from milepost.load.settings import DEFAULT_INACTIVE_DAYS
from milepost.load.slugs import OwnFolder
from milepost.model import Client, Project, SentLetter, WorkNote
from milepost.publish.feeds import atom_feed, ics_calendar
from milepost.publish.status_json import status_json_bytes
from milepost.render.answer_views import NO_ANSWERS, AnswerSetup, render_agreements
from milepost.render.client_home import render_client_home
from milepost.render.letter_archive import page_folder, render_archive, render_sent_letter
from milepost.render.project_page import ProjectView, render_project_page
from milepost.status.calibration import client_calibration
from milepost.status.forecast import NO_REFERENCE, ReferenceClass
from milepost.status.outlook import project_outlook
from milepost.status.response_figures import ResponseFigures


@dataclass(frozen=True)
class SitePage:
    path: str  # src path, e.g. "webshop/index.md"
    title: str  # for the navigation (plain text)
    markdown: str
    in_nav: bool = True  # a letter's page is reached from the archive, not the navigation


@dataclass(frozen=True)
class ClientSite:
    client: Client
    pages: tuple[SitePage, ...]  # home first, then projects in order
    files: tuple[tuple[str, bytes], ...]  # (path, content): status.json, feeds


def feed_link(href: str, project: Project, texts: Texts) -> dict[str, str]:
    """One feed for the page's <head> (`<link rel="alternate">`, see mkdocs/theme/milepost.html)."""
    return {"href": href, "title": texts.gettext("News about {project}", project=project.name)}


def front_matter(meta: Mapping[str, object]) -> str:
    """`meta` as YAML front matter that every text survives whole: JSON (which is YAML) on
    one line, written in ASCII only, every other character as a YAML escape (`\\UXXXXXXXX`
    for one beyond the BMP, such as an emoji; JSON's `\\uD83D\\uDE80` pair would be read
    back by YAML as two broken halves) and `<`, `>`, `&` escaped too. So no title can end the
    front matter, start a line, or reach the page as markup if a reader showed it as text."""
    lines = [f"{key}: {_yaml_json(value)}" for key, value in meta.items()]
    return "---\n" + "\n".join(lines) + "\n---\n\n"


def _yaml_json(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return "".join(char if " " <= char <= "~" and char not in "<>&" else _yaml_escape(char) for char in text)


def _yaml_escape(char: str) -> str:
    code = ord(char)
    return f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"


def with_feeds(markdown: str, feeds: Sequence[Mapping[str, str]]) -> str:
    """The page with its feeds in YAML front matter: MkDocs gives them to the theme as
    `page.meta.milepost_feeds`."""
    if not feeds:
        return markdown
    return front_matter({"milepost_feeds": list(feeds)}) + markdown


def client_site(
    client: Client,
    projects: Sequence[Project],
    work: Mapping[str, Sequence[WorkNote]],
    today: dt.date,
    *,
    prefix: str = "",
    base_url: str = "",
    file_versions: Mapping[str, ProjectFileVersions] | None = None,
    inactive_days: int = DEFAULT_INACTIVE_DAYS,
    letters: Sequence[SentLetter] = (),
    reference: ReferenceClass = NO_REFERENCE,
    responses: ResponseFigures | None = None,
    cache_dir: Path | None = None,
    answers: AnswerSetup = NO_ANSWERS,
) -> ClientSite:
    """Build the client's pages. `prefix` places them in a folder (team preview);
    `work` maps project slug to its classified history, `file_versions` to the git history of
    its YAML file (for the promise ledger and the burn-up); `letters` are the letters this
    client was sent, newest first (the sent record's, publish/letters.py); `reference` the
    agency's record of finished milestones, for young projects' forecasts; `responses` the
    agency's measured response time to this client (its contacts say it); `cache_dir` keeps
    each project's simulated forecasts (status/forecast_cache.py); `answers` the answer links
    to offer and the client's answers on the record (answers.yml)."""
    texts = texts_for(client.language)
    # The YAML's words are redacted here, once, for every page, feed, calendar and status.json.
    client = redact_client_glossary(client)
    projects = [redact_project(project, client) for project in projects]
    file_versions = {
        project.slug: redact_file_versions(versions, client, project)
        for project in projects
        if (versions := (file_versions or {}).get(project.slug)) is not None
    }
    outlooks = {
        project.slug: project_outlook(
            project,
            file_versions.get(project.slug),
            tuple(work.get(project.slug, ())),
            today,
            timezone=client.timezone,
            inactive_days=inactive_days,
            reference=reference,
            cache_dir=cache_dir,
        )
        for project in projects
    }
    decided = {project.slug: decided_changes(project, answers.answers) for project in projects}
    home = render_client_home(client, list(projects), today, texts, outlooks, responses, decided)
    calibration = client_calibration(o.calibration for o in outlooks.values() if o.calibration is not None)
    # Feed readers find every project's news from the home page, and a project's from its page.
    # Links relative to the page: mkdocs-material fetches a sitemap.xml beside every
    # rel="alternate" link, which must not go to another host. A password-protected site's
    # feeds are locked too, so no feed reader could read them: none is named.
    protected = bool(client.password_env)
    home_feeds = [] if protected else [feed_link(f"{p.slug}/feed.xml", p, texts) for p in projects]
    # The theme shows the client's name above the navigation already.
    pages = [SitePage(f"{prefix}index.md", texts.gettext("All projects"), with_feeds(home, home_feeds))]
    files: list[tuple[str, bytes]] = []
    for project in projects:
        shown = tuple(work.get(project.slug, ()))
        outlook = outlooks[project.slug]
        project_url = f"{base_url}{project.slug}/" if base_url else ""
        view = ProjectView(
            client=client,
            project=project,
            today=today,
            work=shown,
            outlook=outlook,
            # A calendar app cannot open a locked calendar: a protected site's stays a download.
            page_url="" if protected else project_url,
            responses=responses,
            answers=answers,
        )
        folder = f"{prefix}{project.slug}/"
        markdown = with_feeds(
            render_project_page(view, texts), [] if protected else [feed_link("feed.xml", project, texts)]
        )
        pages.append(SitePage(f"{folder}index.md", project.name, markdown))
        files.append(
            (f"{folder}status.json", status_json_bytes(client, project, shown, today, outlook, calibration, answers))
        )
        files.append(
            (
                f"{folder}feed.xml",
                atom_feed(
                    client, project, shown, today, texts=texts, base_url=project_url, outlook=outlook, answers=answers
                ),
            )
        )
        files.append(
            (
                f"{folder}calendar.ics",
                ics_calendar(client, project, today, texts=texts, base_url=project_url, outlook=outlook),
            )
        )
        if not protected:
            files.append((f"{folder}sitemap.xml", sitemap_beside_feed(project_url)))
    pages.extend(archive_pages(client, letters, texts, prefix, feeds=[] if protected else projects))
    agreements = render_agreements(projects, answers, texts)
    if agreements is not None:
        feeds = [] if protected else [feed_link(f"../{p.slug}/feed.xml", p, texts) for p in projects]
        pages.append(
            SitePage(
                f"{prefix}{OwnFolder.AGREEMENTS}/index.md", texts.gettext("Agreements"), with_feeds(agreements, feeds)
            )
        )
    return ClientSite(client=client, pages=tuple(pages), files=tuple(files))


def sitemap_beside_feed(page_url: str) -> bytes:
    """The `sitemap.xml` in a project's folder, beside its feed.

    mkdocs-material fetches `sitemap.xml` beside every `<link rel="alternate">` of a page (for
    its language switcher), whatever the link's type; the feed links every page carries made
    each page log a 404 there. This one lists the project's page (when the site's address is
    known; else nothing), as the site's own sitemap does.
    """
    urls = f"<url><loc>{escape(page_url)}</loc></url>" if page_url else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>\n'
    ).encode()


# A letter's page ranks below the pages in search (mkdocs-material's `search.boost`): the
# pages say how things stand now, a letter how they stood on its day.
LETTER_SEARCH_BOOST = 0.25


def letter_front_matter(markdown: str, title: str, feeds: Sequence[Mapping[str, str]] = ()) -> str:
    """A letter's page with its title, search rank and feeds in YAML front matter: a page
    outside the navigation takes its title from here, as plain text, not from its escaped
    heading."""
    meta: dict[str, object] = {"title": title, "search": {"boost": LETTER_SEARCH_BOOST}}
    if feeds:
        meta["milepost_feeds"] = list(feeds)
    return front_matter(meta) + markdown


def archive_pages(
    client: Client,
    letters: Sequence[SentLetter],
    texts: Texts,
    prefix: str = "",
    feeds: Sequence[Project] = (),
) -> list[SitePage]:
    """The archive of letters: a page listing them (in the navigation) and a page per letter
    whose text the record kept. None while no letter was sent to the client. Each names the
    news feeds of `feeds` (the client's projects), as every page of the site does."""
    mine = [letter for letter in letters if letter.client == client.slug]
    if not mine:
        return []
    folder = f"{prefix}{OwnFolder.LETTERS}/"
    archive = with_feeds(render_archive(mine, texts), [feed_link(f"../{p.slug}/feed.xml", p, texts) for p in feeds])
    pages = [SitePage(f"{folder}index.md", texts.gettext("Letters"), archive)]
    letter_feeds = [feed_link(f"../../{p.slug}/feed.xml", p, texts) for p in feeds]
    for letter in mine:
        if letter.text:
            title = letter.subject or texts.gettext("Letters")
            pages.append(
                SitePage(
                    f"{folder}{page_folder(letter)}index.md",
                    title,
                    letter_front_matter(render_sent_letter(letter, texts), title, letter_feeds),
                    in_nav=False,
                )
            )
    return pages

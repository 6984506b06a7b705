"""Everything one client's site holds, as plain data: pages (Markdown) and extra files.

This is the heart of a build and knows nothing of MkDocs: the hook turns `ClientSite` into
MkDocs files. Only this client's data is ever passed in, which is what keeps clients apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from milepost.history.project_files import PlanHistory
from milepost.i18n import texts_for
from milepost.load.settings import DEFAULT_INACTIVE_DAYS
from milepost.model import Client, Project, WorkNote
from milepost.publish.feeds import atom_feed, ics_calendar
from milepost.publish.status_json import status_json_bytes
from milepost.render.client_home import render_client_home
from milepost.render.project_page import ProjectView, render_project_page
from milepost.status.outlook import project_outlook


@dataclass(frozen=True)
class SitePage:
    path: str  # src path, e.g. "webshop/index.md"
    title: str  # for the navigation (plain text)
    markdown: str


@dataclass(frozen=True)
class ClientSite:
    client: Client
    pages: tuple[SitePage, ...]  # home first, then projects in order
    files: tuple[tuple[str, bytes], ...]  # (path, content): status.json, feeds


def client_site(
    client: Client,
    projects: Sequence[Project],
    work: Mapping[str, Sequence[WorkNote]],
    today: dt.date,
    *,
    prefix: str = "",
    base_url: str = "",
    histories: Mapping[str, PlanHistory] | None = None,
    inactive_days: int = DEFAULT_INACTIVE_DAYS,
) -> ClientSite:
    """Build the client's pages. `prefix` places them in a folder (team preview);
    `work` maps project slug to its classified history, `histories` to the git history of
    its YAML file (for the promise ledger and the burn-up)."""
    texts = texts_for(client.language)
    outlooks = {
        project.slug: project_outlook(
            project,
            (histories or {}).get(project.slug),
            tuple(work.get(project.slug, ())),
            today,
            timezone=client.timezone,
            inactive_days=inactive_days,
        )
        for project in projects
    }
    home = render_client_home(client, list(projects), today, texts, outlooks)
    # The theme shows the client's name above the navigation already.
    pages = [SitePage(f"{prefix}index.md", texts.gettext("All projects"), home)]
    files: list[tuple[str, bytes]] = []
    for project in projects:
        shown = tuple(work.get(project.slug, ()))
        outlook = outlooks[project.slug]
        view = ProjectView(client=client, project=project, today=today, work=shown, outlook=outlook)
        folder = f"{prefix}{project.slug}/"
        pages.append(SitePage(f"{folder}index.md", project.name, render_project_page(view, texts)))
        project_url = f"{base_url}{project.slug}/" if base_url else ""
        files.append((f"{folder}status.json", status_json_bytes(client, project, shown, today, outlook)))
        files.append(
            (f"{folder}feed.xml", atom_feed(client, project, shown, today, texts=texts, base_url=project_url))
        )
        files.append((f"{folder}calendar.ics", ics_calendar(client, project, today, texts=texts)))
    return ClientSite(client=client, pages=tuple(pages), files=tuple(files))

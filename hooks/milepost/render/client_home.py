"""The client's home page: every project at a glance, and what the team is waiting for.

`client_home_view` prepares a `ClientHomeView`; templates/client_home.md.j2 holds the markup.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from milepost.i18n import Texts
from milepost.model import Client, Project
from milepost.render.charts import TimelineView, timeline_view
from milepost.render.contacts import ContactsView, contacts_view
from milepost.render.environment import render
from milepost.render.glance import GlanceView, glance_view
from milepost.render.waiting_list import WaitingItemView, waiting_item_view
from milepost.status.outlook import ProjectOutlook
from milepost.status.waiting import open_waiting, open_waiting_across


@dataclass(frozen=True)
class ProjectCardView:
    slug: str
    name: str
    glance: GlanceView
    waiting_count: int
    timeline: TimelineView | None = None  # the compact one; None: no milestones


@dataclass(frozen=True)
class ClientHomeView:
    name: str
    today: dt.date
    waiting: tuple[WaitingItemView, ...]  # across projects, overdue first
    cards: tuple[ProjectCardView, ...]
    contacts: ContactsView


def client_home_view(
    client: Client,
    projects: list[Project],
    today: dt.date,
    texts: Texts,
    outlooks: Mapping[str, ProjectOutlook] | None = None,
) -> ClientHomeView:
    outlooks = outlooks or {}
    return ClientHomeView(
        name=client.name,
        today=today,
        waiting=tuple(
            waiting_item_view(item, project, today, texts, name_project=True)
            for project, item in open_waiting_across(projects, today)
        ),
        cards=tuple(
            ProjectCardView(
                slug=project.slug,
                name=project.name,
                glance=glance_view(project, today, texts, outlooks.get(project.slug)),
                waiting_count=len(open_waiting(project, today)),
                timeline=timeline_view(
                    project, outlooks.get(project.slug), today, texts, compact=True, chart_id=f"mp-timeline-{project.slug}"
                ),
            )
            for project in projects
        ),
        contacts=contacts_view(client, today, texts),
    )


def render_client_home(
    client: Client,
    projects: list[Project],
    today: dt.date,
    texts: Texts,
    outlooks: Mapping[str, ProjectOutlook] | None = None,
) -> str:
    """`outlooks`: what was measured about each project (by slug), so the cards judge health
    exactly as the project pages do."""
    home = client_home_view(client, projects, today, texts, outlooks)
    return render("client_home.md.j2", texts, home=home)

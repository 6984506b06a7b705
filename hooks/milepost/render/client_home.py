"""The client's home page: every project at a glance, and what the team is waiting for.

`client_home_view` prepares a `ClientHomeView`; templates/client_home.md.j2 holds the markup.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from milepost.i18n import Texts
from milepost.model import Client, Project
from milepost.render.budget_words import pace_sentence
from milepost.render.charts import TimelineView, timeline_view
from milepost.render.contacts import ContactsView, contacts_view
from milepost.render.environment import render
from milepost.render.glance import GlanceView, glance_view
from milepost.render.health_record import HealthStripView, calibration_sentence, health_strip_view
from milepost.render.kept_promise_words import kept_promises_sentence
from milepost.render.waiting_list import WaitingItemView, decision_item_view, waiting_item_view
from milepost.status.budget import budget_pace
from milepost.status.calibration import Calibration, client_calibration
from milepost.status.kept_promises import KeptPromises, client_kept_promises, project_kept_promises
from milepost.status.ledger import UNAVAILABLE
from milepost.status.outlook import ProjectOutlook
from milepost.status.response_figures import ResponseFigures
from milepost.status.waiting import awaiting_decision, open_waiting_across, waiting_count


@dataclass(frozen=True)
class ProjectCardView:
    slug: str
    name: str
    glance: GlanceView
    waiting_count: int  # open items and change requests waiting for a decision
    timeline: TimelineView | None = None  # the compact one; None: no milestones
    budget: str | None = None  # the hours running ahead of the work, in one line; None: not
    health_strip: HealthStripView | None = None  # the small one; None: no history to replay


@dataclass(frozen=True)
class ClientHomeView:
    name: str
    today: dt.date
    waiting: tuple[WaitingItemView, ...]  # across projects, overdue first
    cards: tuple[ProjectCardView, ...]
    contacts: ContactsView
    kept_promises: str | None = None  # the client's kept promises in one sentence
    calibration: str | None = None  # how often our forecasts held, across projects; None: none yet


def client_home_view(
    client: Client,
    projects: list[Project],
    today: dt.date,
    texts: Texts,
    outlooks: Mapping[str, ProjectOutlook] | None = None,
    responses: ResponseFigures | None = None,
    decided: Mapping[str, Collection[str]] | None = None,
) -> ClientHomeView:
    """`decided`: by project, the change requests the client decided on the record (answers.yml)."""
    outlooks = outlooks or {}
    decided = decided or {}
    return ClientHomeView(
        name=client.name,
        today=today,
        waiting=tuple(
            waiting_item_view(item, project, today, texts, name_project=True)
            for project, item in open_waiting_across(projects, today)
        )
        + tuple(
            decision_item_view(change, project, texts, name_project=True)
            for project in projects
            for change in awaiting_decision(project, decided.get(project.slug, ()))
        ),
        cards=tuple(
            ProjectCardView(
                slug=project.slug,
                name=project.name,
                glance=glance_view(project, today, texts, outlooks.get(project.slug)),
                waiting_count=waiting_count(project, today, decided.get(project.slug, ())),
                timeline=timeline_view(
                    project,
                    outlooks.get(project.slug),
                    today,
                    texts,
                    compact=True,
                    chart_id=f"mp-timeline-{project.slug}",
                ),
                budget=pace_sentence(
                    outlooks[project.slug].budget
                    if project.slug in outlooks
                    else budget_pace(project, None, dt.UTC, today),
                    texts,
                ),
                health_strip=health_strip_view(
                    outlooks[project.slug].health_weeks if project.slug in outlooks else (),
                    texts,
                    chart_id=f"mp-health-{project.slug}",
                    compact=True,
                ),
            )
            for project in projects
        ),
        contacts=contacts_view(client, today, texts, responses),
        kept_promises=kept_promises_sentence(
            client_kept_promises(_kept_promises(p, outlooks.get(p.slug), today) for p in projects), texts
        ),
        calibration=calibration_sentence(_client_record(outlooks.values()), texts),
    )


def _client_record(outlooks: Iterable[ProjectOutlook]) -> Calibration | None:
    """The client's calibration record, all projects together; None when no project has one."""
    records = [o.calibration for o in outlooks if o.calibration is not None]
    return client_calibration(records) if records else None


def _kept_promises(project: Project, outlook: ProjectOutlook | None, today: dt.date) -> KeptPromises:
    if outlook is not None and outlook.kept_promises is not None:
        return outlook.kept_promises
    return project_kept_promises(project, outlook.ledger if outlook is not None else UNAVAILABLE, today)


def render_client_home(
    client: Client,
    projects: list[Project],
    today: dt.date,
    texts: Texts,
    outlooks: Mapping[str, ProjectOutlook] | None = None,
    responses: ResponseFigures | None = None,
    decided: Mapping[str, Collection[str]] | None = None,
) -> str:
    """`outlooks`: what was measured about each project (by slug), so the cards judge health
    exactly as the project pages do; `responses`: the agency's measured response time;
    `decided`: see `client_home_view`."""
    home = client_home_view(client, projects, today, texts, outlooks, responses, decided)
    return render("client_home.md.j2", texts, home=home)

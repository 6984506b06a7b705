"""The client's home page: every project at a glance, and what the team is waiting for."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from milepost.status.health import project_health
from milepost.render.html import esc, heading, html_block, md_text
from milepost.render.i18n import Texts
from milepost.model import Client, Project
from milepost.render.contacts import contacts_section
from milepost.status.outlook import ProjectOutlook
from milepost.render.project_page import glance_lines, open_waiting, waiting_item_html


def render_client_home(
    client: Client,
    projects: list[Project],
    today: dt.date,
    texts: Texts,
    outlooks: Mapping[str, ProjectOutlook] | None = None,
) -> str:
    """`outlooks`: what was measured about each project (by slug), so the cards judge health
    exactly as the project pages do."""
    outlooks = outlooks or {}
    out = [f"# {md_text(client.name)}\n\n"]
    out.append(
        html_block(
            [
                '<p class="mp-facts">'
                + esc(
                    texts.gettext(
                        "How your projects are going, in plain words. Updated on {date}.",
                        date=texts.date(today),
                    )
                )
                + "</p>"
            ]
        )
    )

    # Everything the team needs from the client, across projects, overdue first.
    waiting = [(p, item) for p in projects for item in open_waiting(p, today)]
    waiting.sort(key=lambda pi: (not (pi[1].needed_by and pi[1].needed_by < today), pi[1].needed_by or dt.date.max))
    if waiting:
        out.append(heading(2, texts.gettext("Waiting on you"), "waiting-on-you"))
        lines = ['<ul class="mp-waiting">']
        for project, item in waiting:
            lines.append(waiting_item_html(item, project, today, texts, name_project=True))
        lines.append("</ul>")
        out.append(html_block(lines))

    out.append(heading(2, texts.gettext("Your projects"), "projects"))
    if not projects:
        out.append(html_block([f"<p>{esc(texts.gettext('No projects yet.'))}</p>"]))
    lines = ['<div class="mp-cards">']
    for project in projects:
        outlook = outlooks.get(project.slug)
        health = project_health(project, today, outlook.signals if outlook else None)
        lines.append(f'<section class="mp-card mp-state-{health.state.replace("_", "-")}">')
        lines.append(
            f'<h3 class="mp-card-title"><a href="{esc(project.slug)}/index.html">{esc(project.name)}</a></h3>'
        )
        lines.extend(glance_lines(project, today, texts, outlook))
        count = len(open_waiting(project, today))
        if count:
            lines.append(
                '<p class="mp-waiting-count">'
                + esc(texts.ngettext("We are waiting for {n} thing from you.", "We are waiting for {n} things from you.", count))
                + "</p>"
            )
        lines.append("</section>")
    lines.append("</div>")
    out.append(html_block(lines))
    out.append(contacts_section(client, today, texts))
    return "".join(out)

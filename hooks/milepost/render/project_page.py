"""The page a client reads about one project: plain data in, Markdown (with HTML blocks) out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from milepost.render.glossary import glossary_for, glossary_section, mark_terms
from milepost.status.health import (
    LATE,
    milestone_health,
    next_milestone,
    project_health,
    project_progress,
)
from milepost.render.html import badge, esc, heading, html_block, link, md_text, progress_bar
from milepost.render.i18n import Texts
from milepost.model import Client, Milestone, Project, ShownChange, WaitingItem
from milepost.render.contacts import contacts_section
from milepost.status.outlook import ProjectOutlook
from milepost.render.promise_words import forecast_html, health_note_html, ledger_html
from milepost.status.recent_work import LISTED_KINDS, weeks_of_work

RECENT_WEEKS = 6
WORK_PER_MILESTONE = 5


@dataclass(frozen=True)
class ProjectView:
    client: Client
    project: Project
    today: dt.date
    changes: tuple[ShownChange, ...] = ()  # already classified and redacted
    outlook: ProjectOutlook | None = None  # ledger, forecasts and health signals; None: unmeasured


def open_waiting(project: Project, today: dt.date) -> list[WaitingItem]:
    """What the client still owes, overdue first, then by the date it is needed."""
    items = [item for item in project.waiting_on_client if not item.done]
    far = dt.date.max
    return sorted(
        items,
        key=lambda i: (not (i.needed_by and i.needed_by < today), i.needed_by or far, i.asked),
    )


def waiting_item_html(
    item: WaitingItem, project: Project, today: dt.date, texts: Texts, *, name_project: bool = False
) -> str:
    parts = [f'<strong>{esc(item.title)}</strong>']
    if name_project:
        parts.insert(0, f'<span class="mp-project-ref">{esc(project.name)}</span>')
    # One sentence per case, so that each language can word it without the item's title, whose
    # gender and number are unknown: "Prośba z 12 listopada 2026; termin: 20 listopada 2026".
    if item.needed_by:
        facts = texts.gettext(
            "Asked on {asked}; needed by {needed}",
            asked=texts.date(item.asked),
            needed=texts.date(item.needed_by),
        )
    else:
        facts = texts.gettext("Asked on {asked}", asked=texts.date(item.asked))
    parts.append(f'<span class="mp-facts">{esc(facts)}</span>')
    if item.needed_by and item.needed_by < today:
        late_days = (today - item.needed_by).days
        parts.append(
            '<span class="mp-overdue">'
            + esc(texts.ngettext("Overdue by {n} day.", "Overdue by {n} days.", late_days))
            + "</span>"
        )
    held = next((m for m in project.milestones if m.id == item.milestone), None)
    if held:
        parts.append(
            '<span class="mp-holds">'
            + esc(texts.gettext("Needed for: {milestone}", milestone=held.title))
            + "</span>"
        )
    overdue = " mp-overdue-item" if item.needed_by and item.needed_by < today else ""
    return f'<li class="mp-waiting-item{overdue}">' + " ".join(parts) + "</li>"


def milestone_dates(m: Milestone, texts: Texts) -> list[str]:
    """The dates of a milestone in words: finished, first promised, new date."""
    if m.done:
        lines = [texts.gettext("Finished on {date}.", date=texts.date(m.done))]
        if m.done > m.due:
            lines.append(texts.gettext("First promised for {date}.", date=texts.date(m.due)))
        return lines
    if m.delay:
        return [
            texts.gettext("First promised for {date}.", date=texts.date(m.due)),
            texts.gettext("New date: {date}.", date=texts.date(m.delay.due)),
        ]
    return [texts.gettext("Promised for {date}.", date=texts.date(m.due))]


def milestone_section(view: ProjectView, m: Milestone, texts: Texts) -> str:
    outlook = view.outlook or ProjectOutlook()
    health = milestone_health(m, view.project, view.today, outlook.signals)
    out = [heading(3, m.title, f"milestone-{m.id}")]
    lines = [f'<div class="mp-milestone mp-state-{health.state.replace("_", "-")}">']
    dates = " ".join(milestone_dates(m, texts))
    lines.append(f'<p class="mp-milestone-status">{badge(health.state, texts)} {esc(dates)}</p>')
    # The forecast sits next to the promise, and only when it is later than the promise.
    lines.append(forecast_html(m, outlook.forecasts.get(m.id), texts))
    lines.append(health_note_html(health, m, outlook.signals, view.today, texts))
    if health.state == LATE and not m.delay and view.today > m.current_due:
        # `milepost check` refuses this; the page still says it plainly if it ever happens.
        lines.append(
            '<p class="mp-delay-missing">'
            + esc(texts.gettext("This is past the promised date and not finished yet."))
            + "</p>"
        )
    if m.description:
        lines.append(f"<p>{esc(m.description)}</p>")
    if m.tasks:
        label = texts.gettext(
            "{done} of {total} parts done", done=texts.number(m.tasks_done), total=texts.number(len(m.tasks))
        )
        lines.append(progress_bar(m.progress, label))
    if m.delay and not m.done:
        lines.append('<div class="mp-delay">')
        lines.append(
            f'<p><strong>{esc(texts.gettext("Why it is late:"))}</strong> {esc(m.delay.reason)}</p>'
        )
        lines.append(
            f'<p><strong>{esc(texts.gettext("What we propose:"))}</strong> {esc(m.delay.plan)}</p>'
        )
        lines.append("</div>")
    lines.append(ledger_html(outlook.ledger.of(m.id), texts))
    if m.tasks:
        lines.append('<ul class="mp-tasks">')
        for task in m.tasks:
            if task.done:
                state = esc(texts.gettext("done on {date}", date=texts.date(task.done)))
                lines.append(
                    f'<li class="mp-task-done"><span class="mp-check" aria-hidden="true">✓</span> '
                    f'{esc(task.title)} <span class="mp-facts">({state})</span></li>'
                )
            else:
                state = esc(texts.gettext("not done yet"))
                lines.append(
                    f'<li class="mp-task-open"><span class="mp-check" aria-hidden="true">○</span> '
                    f'{esc(task.title)} <span class="mp-visually-hidden">({state})</span></li>'
                )
        lines.append("</ul>")
    tied = [c for c in view.changes if c.milestone == m.id and c.kind in LISTED_KINDS]
    if tied:
        lines.append(f'<p class="mp-tied-heading">{esc(texts.gettext("Latest work on this:"))}</p>')
        lines.append('<ul class="mp-tied">')
        for change in sorted(tied, key=lambda c: c.date, reverse=True)[:WORK_PER_MILESTONE]:
            lines.append(
                f'<li>{esc(change.text)} <span class="mp-facts">({esc(texts.date(change.date))})</span></li>'
            )
        lines.append("</ul>")
    lines.append("</div>")
    out.append(html_block(lines))
    return "".join(out)


def kind_heading(kind: str, texts: Texts) -> str:
    return {
        "note": texts.gettext("From the team"),
        "new": texts.gettext("New"),
        "fixed": texts.gettext("Fixed"),
        "faster": texts.gettext("Faster"),
    }[kind]


def recent_work_section(view: ProjectView, texts: Texts) -> str:
    weeks = weeks_of_work(
        view.changes,
        today=view.today,
        week_start=texts.week_start(view.today),
        weeks=RECENT_WEEKS,
    )
    out = [heading(2, texts.gettext("What changed recently"), "recent-work")]
    for week in weeks:
        title = texts.gettext("Week of {dates}", dates=texts.date_range(week.start, week.end))
        out.append(heading(3, title, f"week-{week.start.isoformat()}"))
        lines = ['<div class="mp-week">']
        if week.empty:
            lines.append(f'<p class="mp-quiet">{esc(texts.gettext("No visible changes this week."))}</p>')
        for kind in LISTED_KINDS:
            items = week.listed.get(kind)
            if not items:
                continue
            lines.append(f'<p class="mp-kind mp-kind-{kind}">{esc(kind_heading(kind, texts))}</p>')
            lines.append("<ul>")
            lines.extend(f"<li>{esc(c.text)}</li>" for c in items)
            lines.append("</ul>")
        if week.counted:
            lines.append(
                '<p class="mp-counted">'
                + esc(
                    texts.ngettext(
                        "{n} smaller technical improvement.",
                        "{n} smaller technical improvements.",
                        week.counted,
                    )
                )
                + "</p>"
            )
        lines.append("</div>")
        out.append(html_block(lines))
    return "".join(out)


def change_status_label(status: str, texts: Texts) -> str:
    return {
        "proposed": texts.gettext("Waiting for your decision"),
        "accepted": texts.gettext("Accepted"),
        "rejected": texts.gettext("Not going ahead"),
        "done": texts.gettext("Done"),
    }.get(status, status)


def glance_lines(
    project: Project, today: dt.date, texts: Texts, outlook: ProjectOutlook | None = None
) -> list[str]:
    """State, progress and next milestone: the top of a project page and its card at home."""
    signals = outlook.signals if outlook else None
    health = project_health(project, today, signals)
    lines = [f'<p class="mp-project-state">{badge(health.state, texts)}</p>']
    if health.rule == "override":
        lines.append(health_note_html(health, None, signals, today, texts))
    total = sum(len(m.tasks) for m in project.milestones)
    done = sum(len(m.tasks) if m.done else m.tasks_done for m in project.milestones)
    label = texts.gettext("{done} of {total} parts done", done=texts.number(done), total=texts.number(total))
    lines.append(progress_bar(project_progress(project), label))
    upcoming = next_milestone(project)
    if upcoming:
        sentence = texts.gettext(
            "Next: {milestone}, {date}.", milestone=upcoming.title, date=texts.date(upcoming.current_due)
        )
        lines.append(f"<p>{esc(sentence)}</p>")
    if signals is not None and signals.last_work is not None:
        # How fresh the news is, in the client's words: "Latest work: 2 days ago."
        when = texts.relative(signals.last_work, today)
        latest = texts.gettext("Latest work: {when}.", when=when)
        lines.append(f'<p class="mp-latest-work">{esc(latest)}</p>')
    return lines


def render_project_page(view: ProjectView, texts: Texts) -> str:
    project, today = view.project, view.today
    out = [f"# {md_text(project.name)}\n\n"]

    # At a glance: the state, the progress and what comes next, in one block.
    glance = ['<div class="mp-glance">']
    glance.extend(glance_lines(project, today, texts, view.outlook))
    facts = [texts.gettext("Updated on {date}.", date=texts.date(today))]
    if project.next_update:
        facts.append(texts.gettext("Next update by {date}.", date=texts.date(project.next_update)))
    glance.append(f'<p class="mp-facts">{esc(" ".join(facts))}</p>')
    glance.append("</div>")
    out.append(html_block(glance))

    if project.summary:
        out.append(html_block([f'<p class="mp-summary">{esc(project.summary)}</p>']))

    waiting = open_waiting(project, today)
    if waiting:
        out.append(heading(2, texts.gettext("Waiting on you"), "waiting-on-you"))
        out.append(
            html_block(
                ['<ul class="mp-waiting">']
                + [waiting_item_html(item, project, today, texts) for item in waiting]
                + ["</ul>"]
            )
        )

    out.append(heading(2, texts.gettext("Milestones"), "milestones"))
    if not project.milestones:
        out.append(html_block([f"<p>{esc(texts.gettext('No milestones planned yet.'))}</p>"]))
    for m in sorted(project.milestones, key=lambda m: (m.done or m.current_due, m.id)):
        out.append(milestone_section(view, m, texts))

    out.append(recent_work_section(view, texts))

    if project.deliverables:
        out.append(heading(2, texts.gettext("Finished parts you can see"), "deliverables"))
        lines = ['<ul class="mp-deliverables">']
        for d in sorted(project.deliverables, key=lambda d: d.date, reverse=True):
            title = link(d.url, d.title) if d.url else esc(d.title)
            text = f'<span class="mp-facts">{esc(texts.date(d.date))}</span> {title}'
            if d.description:
                text += f" — {esc(d.description)}"
            lines.append(f"<li>{text}</li>")
        lines.append("</ul>")
        out.append(html_block(lines))

    if project.decisions:
        out.append(heading(2, texts.gettext("What we agreed"), "decisions"))
        for decision in sorted(project.decisions, key=lambda d: d.date, reverse=True):
            lines = ['<div class="mp-decision">']
            lines.append(
                f'<p><span class="mp-facts">{esc(texts.date(decision.date))}</span> '
                f"<strong>{esc(decision.title)}</strong></p>"
            )
            if decision.summary:
                lines.append(f"<p>{esc(decision.summary)}</p>")
            if decision.agreed:
                lines.append("<ul>" + "".join(f"<li>{esc(a)}</li>" for a in decision.agreed) + "</ul>")
            lines.append("</div>")
            out.append(html_block(lines))

    if project.changes:
        out.append(heading(2, texts.gettext("Requested changes"), "changes"))
        lines = ['<table class="mp-changes">', "<thead><tr>"]
        for column in (
            texts.gettext("Request"),
            texts.gettext("What"),
            texts.gettext("Status"),
            texts.gettext("Extra hours"),
            texts.gettext("Effect on the plan"),
        ):
            lines.append(f'<th scope="col">{esc(column)}</th>')
        lines.append("</tr></thead><tbody>")
        for change in project.changes:
            hours = texts.number(change.hours) if change.hours is not None else "—"
            lines.append(
                f"<tr><td>{esc(change.id)}</td><td>{esc(change.title)}</td>"
                f'<td class="mp-cr-{esc(change.status)}">{esc(change_status_label(change.status, texts))}</td>'
                f"<td>{esc(hours)}</td><td>{esc(change.impact or '—')}</td></tr>"
            )
        lines.append("</tbody></table>")
        out.append(html_block(lines))

    if project.budget:
        budget = project.budget
        out.append(heading(2, texts.gettext("Budget"), "budget"))
        share = budget.used / budget.hours if budget.hours else 0.0
        label = texts.gettext(
            "{used} of {hours} hours used ({percent}) as of {date}.",
            used=texts.number(budget.used),
            hours=texts.number(budget.hours),
            percent=texts.percent(share),
            date=texts.date(budget.as_of),
        )
        lines = [progress_bar(share, label)]
        if budget.used > budget.hours:
            lines.append(
                '<p class="mp-overdue">'
                + esc(
                    texts.gettext(
                        "Over the agreed hours by {hours}.", hours=texts.number(budget.used - budget.hours)
                    )
                )
                + "</p>"
            )
        out.append(html_block(lines))

    # The client's and the project's glossary: listed here, explained where used (below).
    terms = glossary_for(view.client, project)
    out.append(glossary_section(terms, texts))

    out.append(contacts_section(view.client, today, texts))

    out.append(heading(2, texts.gettext("Follow this project"), "follow"))
    out.append(
        html_block(
            [
                '<ul class="mp-follow">',
                f'<li>{link("feed.xml", texts.gettext("News feed (Atom)"))}</li>',
                f'<li>{link("calendar.ics", texts.gettext("Milestone dates for your calendar"))}</li>',
                f'<li>{link("status.json", texts.gettext("Status as data (JSON)"))}</li>',
                "</ul>",
            ]
        )
    )
    # Hook point: the first use of each glossary term per section becomes an explained term.
    return mark_terms("".join(out), terms, language=texts.language)


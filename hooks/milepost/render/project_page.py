"""The page a client reads about one project: plain data in, Markdown (with HTML blocks) out.

`project_page_view` prepares a `ProjectPageView` (plain data, sentences already chosen);
templates/project_page.md.j2 holds the markup. The glossary's terms are then explained where
the page first uses them (`mark_terms`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from milepost.answer_reference import (
    Action,
    change_item,
    deliverable_item,
    meeting_item,
    moved_date_item,
    project_item,
    waiting_item,
)
from milepost.answers.applied import current_answer, decided_changes
from milepost.i18n import Texts
from milepost.model import (
    ChangeRequest,
    ChangeStatus,
    Client,
    Decision,
    Deliverable,
    Milestone,
    Project,
    Task,
    WorkNote,
)
from milepost.render.answer_views import (
    NO_ANSWER,
    NO_ANSWERS,
    AnswerSetup,
    AnswerView,
    QuestionView,
    answer_view,
    questions,
)
from milepost.render.budget_words import pace_sentence, raise_sentences
from milepost.render.charts import BurnUpView, TimelineView, burnup_view, timeline_view
from milepost.render.contacts import ContactsView, contacts_view
from milepost.render.environment import render
from milepost.render.glance import GlanceView, bar_percent, glance_view
from milepost.render.glossary import SECTION_ID, Term, glossary_for, mark_terms
from milepost.render.health_record import HealthRecordView, health_record_view
from milepost.render.kept_promise_words import kept_promises_sentence
from milepost.render.labels import change_status_label, kind_heading, state_label
from milepost.render.promise_words import (
    HealthNote,
    LedgerLine,
    chance_sentence,
    forecast_basis,
    forecast_sentence,
    health_note,
    ledger_lines,
    milestone_dates,
)
from milepost.render.waiting_list import WaitingItemView, decide_by_words, decision_item_view, waiting_item_view
from milepost.status.budget import BudgetPace, budget_pace
from milepost.status.health import HealthState, milestone_health
from milepost.status.kept_promises import project_kept_promises
from milepost.status.outlook import ProjectOutlook
from milepost.status.recent_work import LISTED_KINDS, QuietStretch, weeks_of_work, with_quiet_stretches
from milepost.status.response_figures import ResponseFigures
from milepost.status.waiting import AWAITING_DECISION, awaiting_decision, decide_by_reminder, open_waiting

RECENT_WEEKS = 6
WORK_PER_MILESTONE = 5


@dataclass(frozen=True)
class ProjectView:
    """What a project page is made from."""

    client: Client
    project: Project
    today: dt.date
    work: tuple[WorkNote, ...] = ()  # already classified and redacted
    outlook: ProjectOutlook | None = None  # ledger, forecasts and health signals; None: unmeasured
    page_url: str = ""  # the page's absolute URL ending in "/" when the site's address is known
    responses: ResponseFigures | None = None  # the agency's measured response time to this client
    answers: AnswerSetup = NO_ANSWERS  # the answer links offered and the client's answers on record


@dataclass(frozen=True)
class MilestoneView:
    id: str
    title: str
    state: str
    state_label: str
    dates: str  # finished / first promised / new date, in one line
    forecast: str | None  # only when later than the promise
    chance: str | None  # the chance of keeping the promise, beside it; None: no forecast
    forecast_basis: str  # what the forecast and the chance stand on (not a promise)
    note: HealthNote | None
    delay_missing: bool  # late, past its date and no delay written (`milepost check` refuses it)
    description: str
    tasks: tuple[Task, ...]
    tasks_done: int
    percent: int
    delay: tuple[str, str] | None  # (why it is late, what we propose), while not finished
    ledger: tuple[LedgerLine, ...]
    tied: tuple[WorkNote, ...]  # the latest listed work on it, newest first
    answer: AnswerView = NO_ANSWER  # a moved date: Confirm / Something is not right, and the record


@dataclass(frozen=True)
class WeekView:
    """A week of work, or (`quiet` set) a stretch of weeks with none: one line, no heading."""

    start: dt.date  # the anchor: week-<start>
    dates: str  # the week's days in words
    listed: tuple[tuple[str, str, tuple[str, ...]], ...]  # (kind, its heading, texts)
    counted: int  # smaller technical work, only counted
    elsewhere: int = 0  # listed work shown under its milestone instead
    quiet: str = ""  # "No work shown in 3 weeks: ..." for a quiet stretch


@dataclass(frozen=True)
class ChangeRowView:
    id: str
    title: str
    status: str  # a CSS class part
    status_label: str
    hours: str  # "—" when not estimated
    impact: str  # "—" when none is given
    decide_by: str = ""  # "Please decide by 12 December 2026" while it waits; "" otherwise
    answer: AnswerView = NO_ANSWER  # the record only: its links are under "Waiting on you"


@dataclass(frozen=True)
class DeliverableView:
    deliverable: Deliverable
    answer: AnswerView  # sign-off: Approve / Ask for changes, and the record


@dataclass(frozen=True)
class DecisionView:
    decision: Decision
    answer: AnswerView  # a meeting summary: Confirm / Something is not right, and the record


@dataclass(frozen=True)
class BudgetView:
    percent: int
    label: str
    over_by: str | None  # the hours over the agreed ones, as a number in words; None: not over
    pace: str | None = None  # the hours running ahead of the work, and what it means; None: not
    raises: tuple[str, ...] = ()  # each raise of the agreed hours, in a sentence


@dataclass(frozen=True)
class ProjectPageView:
    name: str
    today: dt.date
    glance: GlanceView
    next_update: dt.date | None
    summary: str
    timeline: TimelineView | None  # None: no milestones
    waiting: tuple[WaitingItemView, ...]
    milestones: tuple[MilestoneView, ...]
    weeks: tuple[WeekView, ...]
    deliverables: tuple[DeliverableView, ...]  # newest first
    decisions: tuple[DecisionView, ...]  # newest first
    changes: tuple[ChangeRowView, ...]
    budget: BudgetView | None
    burnup: BurnUpView | None  # None: no milestones, or nothing measured
    terms: tuple[Term, ...]
    contacts: ContactsView
    calendar_href: str = "calendar.ics"  # webcal:// when the site's address is known
    kept_promises: str | None = None  # the kept promises in one sentence; None: nothing to say yet
    health_record: HealthRecordView | None = None  # the health strip and how our forecasts held
    ask: AnswerView = NO_ANSWER  # "Ask a question"
    questions: tuple[QuestionView, ...] = ()  # the client's questions on record, with the replies


def milestone_view(view: ProjectView, m: Milestone, texts: Texts) -> MilestoneView:
    outlook = view.outlook or ProjectOutlook()
    health = milestone_health(m, view.project, view.today, outlook.signals)
    tied = [c for c in view.work if c.milestone == m.id and c.kind in LISTED_KINDS]
    return MilestoneView(
        id=m.id,
        title=m.title,
        state=health.state,
        state_label=state_label(health.state, texts),
        dates=" ".join(milestone_dates(m, texts)),
        # The forecast sits next to the promise, and only when it is later than the promise.
        forecast=forecast_sentence(m, outlook.forecasts.get(m.id), texts),
        chance=chance_sentence(m, outlook.forecasts.get(m.id), texts),
        forecast_basis=forecast_basis(outlook.forecasts.get(m.id), texts),
        note=health_note(health, m, outlook.signals, view.today, texts),
        delay_missing=health.state == HealthState.LATE and not m.delay and view.today > m.current_due,
        description=m.description or "",
        tasks=tuple(m.tasks),
        tasks_done=m.tasks_done,
        percent=bar_percent(m.progress),
        delay=(m.delay.reason, m.delay.plan) if m.delay and not m.done else None,
        ledger=ledger_lines(outlook.ledger.of(m.id), texts),
        tied=tuple(sorted(tied, key=lambda c: c.date, reverse=True)[:WORK_PER_MILESTONE]),
        answer=answer_view(moved_date_item(view.project, m), view.answers, texts) if not m.done else NO_ANSWER,
    )


def week_views(
    view: ProjectView, texts: Texts, milestones: tuple[MilestoneView, ...] = ()
) -> tuple[WeekView, ...]:
    # Work tied to a milestone and listed under it ("Latest work on this:") is not listed
    # again under its week. The milestone keeps it: there it says what moved the date the
    # client is reading about, while a week would only repeat it out of that context. Only
    # what a milestone really lists is left out (it lists its latest few), and the week says
    # how many of its changes are there, so no week looks quieter than it was.
    under_milestones = frozenset(note for ms in milestones for note in ms.tied)
    weeks = weeks_of_work(
        view.work,
        today=view.today,
        week_start=texts.week_start(view.today),
        weeks=RECENT_WEEKS,
        shown_elsewhere=under_milestones,
    )
    result = []
    for week in with_quiet_stretches(weeks, view.today):
        if isinstance(week, QuietStretch):
            dates = texts.date_range(week.start, week.end)
            quiet = texts.ngettext(
                "No work shown in {n} week: {dates}.", "No work shown in {n} weeks: {dates}.", week.weeks, dates=dates
            )
            result.append(WeekView(start=week.start, dates=dates, listed=(), counted=0, quiet=quiet))
            continue
        result.append(
            WeekView(
                start=week.start,
                dates=texts.date_range(week.start, week.end),
                listed=tuple(
                    (kind, kind_heading(kind, texts), tuple(c.text for c in week.listed[kind]))
                    for kind in LISTED_KINDS
                    if week.listed.get(kind)
                ),
                counted=week.counted,
                elsewhere=week.elsewhere,
            )
        )
    return tuple(result)


def budget_view(project: Project, texts: Texts, pace: BudgetPace | None = None) -> BudgetView | None:
    """`pace`: the hours against the work (status/budget.py), with the raises of the hours."""
    budget = project.budget
    if not budget:
        return None
    share = budget.used / budget.hours if budget.hours else 0.0
    label = texts.gettext(
        "{used} of {hours} hours used ({percent}) as of {date}.",
        used=texts.number(budget.used),
        hours=texts.number(budget.hours),
        percent=texts.percent(share),
        date=texts.date(budget.as_of),
    )
    over = texts.number(budget.used - budget.hours) if budget.used > budget.hours else None
    return BudgetView(
        percent=bar_percent(share),
        label=label,
        over_by=over,
        pace=pace_sentence(pace, texts),
        raises=raise_sentences(pace, texts),
    )


def page_budget_pace(view: ProjectView) -> BudgetPace | None:
    """The outlook's budget pace; measured here, without the file's versions, when nothing was."""
    if view.outlook is not None:
        return view.outlook.budget
    return budget_pace(view.project, None, dt.UTC, view.today)


def change_row(
    change: ChangeRequest,
    project: Project,
    answers: AnswerSetup,
    decided: frozenset[str],
    today: dt.date,
    texts: Texts,
) -> ChangeRowView:
    """A change request's row; one still `proposed` in the file that the client accepted or
    declined on the record is shown as the record says (`milepost check` asks the team to
    write it into the file)."""
    status = change.status
    if change.id in decided:
        answer = current_answer(answers.answers, change_item(project, change))
        accepted = answer is not None and answer.action is Action.ACCEPT
        status = ChangeStatus.ACCEPTED if accepted else ChangeStatus.REJECTED
    return ChangeRowView(
        id=change.id,
        title=change.title,
        status=status,
        status_label=change_status_label(status, texts),
        hours=texts.number(change.hours) if change.hours is not None else "—",
        impact=change.impact or "—",
        decide_by=(
            decide_by_words(change.decide_by, decide_by_reminder(change, today), texts)
            if change.decide_by and status == AWAITING_DECISION
            else ""
        ),
        answer=replace(answer_view(change_item(project, change), answers, texts), links=()),
    )


def project_page_view(view: ProjectView, texts: Texts) -> ProjectPageView:
    project, today, answers = view.project, view.today, view.answers
    milestones = tuple(
        milestone_view(view, m, texts)
        for m in sorted(project.milestones, key=lambda m: (m.done or m.current_due, m.id))
    )
    decided = decided_changes(project, answers.answers)
    return ProjectPageView(
        name=project.name,
        today=today,
        glance=glance_view(project, today, texts, view.outlook),
        next_update=project.next_update,
        summary=project.summary or "",
        timeline=timeline_view(project, view.outlook, today, texts),
        waiting=tuple(
            replace(
                waiting_item_view(item, project, today, texts),
                answer=answer_view(waiting_item(project, item), answers, texts),
            )
            for item in open_waiting(project, today)
        )
        + tuple(
            replace(
                decision_item_view(change, project, texts),
                answer=answer_view(change_item(project, change), answers, texts),
            )
            for change in awaiting_decision(project, decided)
        ),
        milestones=milestones,
        weeks=week_views(view, texts, milestones),
        deliverables=tuple(
            DeliverableView(
                d,
                answer_view(deliverable_item(project, d), answers, texts)
                if d.sign_off
                else replace(answer_view(deliverable_item(project, d), answers, texts), links=()),
            )
            for d in sorted(project.deliverables, key=lambda d: d.date, reverse=True)
        ),
        decisions=tuple(
            DecisionView(d, answer_view(meeting_item(project, d), answers, texts))
            for d in sorted(project.decisions, key=lambda d: d.date, reverse=True)
        ),
        changes=tuple(change_row(change, project, answers, decided, today, texts) for change in project.changes),
        budget=budget_view(project, texts, page_budget_pace(view)),
        burnup=burnup_view(project, view.outlook, today, texts),
        # The client's and the project's glossary: listed here, explained where used.
        terms=glossary_for(view.client, project),
        contacts=contacts_view(view.client, today, texts, view.responses),
        calendar_href=calendar_href(view.page_url),
        kept_promises=kept_promises_sentence(
            view.outlook.kept_promises
            if view.outlook is not None and view.outlook.kept_promises is not None
            else project_kept_promises(project, (view.outlook or ProjectOutlook()).ledger, today),
            texts,
        ),
        health_record=health_record_view(
            (view.outlook or ProjectOutlook()).health_weeks, (view.outlook or ProjectOutlook()).calibration, texts
        ),
        ask=answer_view(project_item(project), answers, texts),
        questions=questions(project, answers, texts),
    )


def calendar_href(page_url: str) -> str:
    """The calendar's link: `webcal://` when the page's address is known, so a click subscribes
    (the calendar app then fetches it again by itself); else the file beside the page."""
    for scheme in ("https://", "http://"):
        if page_url.startswith(scheme):
            return f"webcal://{page_url[len(scheme):]}calendar.ics"
    return "calendar.ics"


def render_project_page(view: ProjectView, texts: Texts) -> str:
    page = project_page_view(view, texts)
    markdown = render("project_page.md.j2", texts, page=page, glossary_id=SECTION_ID)
    # The first use of each glossary term per section becomes an explained term.
    return mark_terms(markdown, page.terms, language=texts.language)

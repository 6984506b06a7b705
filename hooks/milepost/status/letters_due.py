"""Which letters are due for a client on a day, and what each one carries. Plain data, no words.

Three kinds (docs/letters.md):
- the weekly letter, on the client's `letters.weekly` day: every project's state, what was
  finished since the last weekly letter, the promises that moved, what the team needs from
  the client (overdue first) and what comes next;
- a meeting summary for each decision dated in the last `RECENT_DAYS` days that no letter
  has carried yet;
- a change of plan for each project whose promised dates moved in the last `RECENT_DAYS` days
  (a milestone turning late is such a move: it gets a `delay` with a new date), unless a
  letter carried those moves already. On the weekly letter's day, the weekly letter carries
  them instead.

What was sent before comes in as a `SentLetters` (publish/letters.py keeps the record);
every letter names the `carries` keys it adds to it. A client without `letters.to` gets none.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from milepost.model import WEEKDAYS, Client, Decision, LetterKind, Milestone, Project, WaitingItem
from milepost.status.headline import Headline, project_headline
from milepost.status.health import Health, Signals, next_milestone, project_health
from milepost.status.ledger import PromiseEventKind
from milepost.status.outlook import ProjectOutlook
from milepost.status.waiting import open_waiting_across

# A decision or a move this many days old (or newer) is still news.
RECENT_DAYS = 7

FINISHED_MILESTONE = "milestone"
FINISHED_TASK = "task"
DELIVERED = "deliverable"


@dataclass(frozen=True)
class SentLetters:
    """What the letters sent so far carried (keys as in `DueLetter.carries`), and the day of
    the latest weekly letter."""

    carried: frozenset[str] = frozenset()
    last_weekly: dt.date | None = None


@dataclass(frozen=True)
class Move:
    """A promised date that moved: from `old` to `new` on `day`, with the reason and plan."""

    milestone: Milestone
    day: dt.date
    old: dt.date | None
    new: dt.date | None
    reason: str
    plan: str
    key: str


@dataclass(frozen=True)
class Finished:
    kind: str  # FINISHED_MILESTONE, FINISHED_TASK or DELIVERED
    title: str
    day: dt.date
    milestone: str = ""  # a task's milestone title
    url: str = ""


@dataclass(frozen=True)
class ProjectWeek:
    project: Project
    health: Health
    upcoming: Milestone | None
    finished: tuple[Finished, ...] = ()
    moves: tuple[Move, ...] = ()
    # The page's honest headline: the forecast when later than the promise, and why the
    # project is at risk or late; the letter says the same as the site.
    headline: Headline | None = None
    signals: Signals | None = None  # what the headline's reason is measured from


@dataclass(frozen=True)
class DueLetter:
    kind: LetterKind
    client: str
    day: dt.date
    key: str  # what the letter is about, stable across runs (part of its Message-ID)
    carries: tuple[str, ...]
    since: dt.date | None = None  # weekly: the day of the previous weekly letter (or a week ago)
    weeks: tuple[ProjectWeek, ...] = ()  # weekly
    waiting: tuple[tuple[Project, WaitingItem], ...] = ()  # weekly: overdue first
    project: Project | None = None  # meeting, change
    decision: Decision | None = None  # meeting
    correction: bool = False  # meeting: corrects a summary sent before
    moves: tuple[Move, ...] = field(default=())  # change


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def decision_key(project: Project, decision: Decision) -> str:
    """Which decision it is (its project, day and title): a summary of it is sent once."""
    return f"decision:{project.slug}:{decision.date.isoformat()}:{_digest(decision.title)}"


def decision_text_key(project: Project, decision: Decision) -> str:
    """What a summary of the decision said: an edit of a summary already sent is told again
    only when the decision asks for a correction (`correction: true`)."""
    text = "\0".join((decision.title, decision.summary, *decision.agreed))
    return f"decision-text:{project.slug}:{decision.date.isoformat()}:{_digest(text)}"


def move_key(project: Project, milestone: str, day: dt.date, new: dt.date | None) -> str:
    return f"move:{project.slug}:{milestone}:{day.isoformat()}:{new.isoformat() if new else '-'}"


def decision_title_key(project: Project, decision: Decision) -> str:
    """The decision's title as a summary of it told it: a title edited afterwards (a word
    changed) is still the same decision (`_summarised_before`)."""
    return f"decision-title:{project.slug}:{decision.date.isoformat()}:{decision.title}"


# How alike an edited title must be to the one summarised to be the same decision (difflib's ratio).
SAME_TITLE = 0.8


def _summarised_before(sent: SentLetters, project: Project, decision: Decision) -> bool:
    """Whether a summary of this decision went out already, under this title or one a little
    different (a word changed): the same project and day, and a title at least SAME_TITLE alike."""
    if decision_key(project, decision) in sent.carried:
        return True
    prefix = f"decision-title:{project.slug}:{decision.date.isoformat()}:"
    titles = [key[len(prefix):] for key in sent.carried if key.startswith(prefix)]
    return bool(difflib.get_close_matches(decision.title, titles, n=1, cutoff=SAME_TITLE))


def _told_text(sent: SentLetters, project: Project, decision: Decision) -> bool:
    """Whether a summary sent of this decision recorded what it said (records written before
    `decision-text` keys did not: an edit of those is not told as a correction, it is unknown)."""
    prefix = f"decision-text:{project.slug}:{decision.date.isoformat()}:"
    return any(key.startswith(prefix) for key in sent.carried)


def weekly_key(day: dt.date) -> str:
    return f"weekly:{day.isoformat()}"


def weekly_day(client: Client, today: dt.date) -> dt.date | None:
    """The day of this week's weekly letter: the client's `letters.weekly` day, today or in the
    six days before (None when the client has no weekly letter)."""
    if client.letters.weekly not in WEEKDAYS:
        return None
    return today - dt.timedelta(days=(today.weekday() - WEEKDAYS.index(client.letters.weekly)) % 7)


def weekly_due(client: Client, today: dt.date, sent: SentLetters = SentLetters()) -> bool:
    """Whether the weekly letter goes today: on its day, or, for a client that had weekly
    letters before, on a later day of the same week when none went since its day (that day's
    run failed, the server was down, no run happened): the letter is late then, never lost.
    A client's first weekly letter waits for its day."""
    day = weekly_day(client, today)
    if day is None or weekly_key(day) in sent.carried:
        return False
    if sent.last_weekly is None:
        return day == today
    return sent.last_weekly < day


def recent(day: dt.date, today: dt.date) -> bool:
    return today - dt.timedelta(days=RECENT_DAYS) < day <= today


def project_moves(project: Project, outlook: ProjectOutlook | None, after: dt.date, today: dt.date) -> tuple[Move, ...]:
    """The moves of the project's promised dates on a day in (after, today], oldest first."""
    if outlook is None:
        return ()
    moves = []
    for milestone in project.milestones:
        ledger = outlook.ledger.of(milestone.id)
        if ledger is None:
            continue
        for event in ledger.events:
            if event.kind != PromiseEventKind.MOVED or not after < event.day <= today:
                continue
            delay = milestone.delay
            current = delay is not None and delay.due == event.new
            moves.append(
                Move(
                    milestone=milestone,
                    day=event.day,
                    old=event.old,
                    new=event.new,
                    reason=event.reason or (delay.reason if current and delay else ""),
                    plan=delay.plan if current and delay else "",
                    key=move_key(project, milestone.id, event.day, event.new),
                )
            )
    moves.sort(key=lambda m: (m.day, m.key))
    return tuple(moves)


def finished_between(project: Project, after: dt.date, today: dt.date) -> tuple[Finished, ...]:
    """Milestones and tasks finished, and deliverables handed over, on a day in (after, today]."""
    found: list[Finished] = []
    for milestone in project.milestones:
        if milestone.done and after < milestone.done <= today:
            found.append(Finished(FINISHED_MILESTONE, milestone.title, milestone.done))
        for task in milestone.tasks:
            if task.done and after < task.done <= today:
                found.append(Finished(FINISHED_TASK, task.title, task.done, milestone=milestone.title))
    for item in project.deliverables:
        if after < item.date <= today:
            found.append(Finished(DELIVERED, item.title, item.date, url=item.url))
    order = {FINISHED_MILESTONE: 0, DELIVERED: 1, FINISHED_TASK: 2}
    found.sort(key=lambda f: (order[f.kind], f.day, f.title))
    return tuple(found)


def letters_due(
    client: Client,
    projects: Sequence[Project],
    today: dt.date,
    *,
    outlooks: Mapping[str, ProjectOutlook] | None = None,
    sent: SentLetters = SentLetters(),
) -> list[DueLetter]:
    """The letters due for `client` on `today` (its own day, in its time zone): the weekly
    letter, then the meeting summaries, then the changes of plan. None without `letters.to`."""
    if not client.letters.to:
        return []
    outlooks = outlooks or {}
    due: list[DueLetter] = []
    week_ago = today - dt.timedelta(days=RECENT_DAYS)
    weekly = weekly_due(client, today, sent)
    if weekly:
        since = sent.last_weekly if sent.last_weekly and sent.last_weekly < today else week_ago
        weeks = []
        carried_moves: list[str] = []
        for project in projects:
            outlook = outlooks.get(project.slug)
            moves = project_moves(project, outlook, min(since, week_ago), today)
            moves = tuple(m for m in moves if m.day > since or m.key not in sent.carried)
            carried_moves.extend(m.key for m in moves)
            signals = outlook.signals if outlook else None
            weeks.append(
                ProjectWeek(
                    project=project,
                    health=project_health(project, today, signals),
                    upcoming=next_milestone(project),
                    finished=finished_between(project, since, today),
                    moves=moves,
                    headline=project_headline(project, today, signals),
                    signals=signals,
                )
            )
        due.append(
            DueLetter(
                LetterKind.WEEKLY,
                client.slug,
                today,
                key=weekly_key(weekly_day(client, today) or today),
                carries=(weekly_key(weekly_day(client, today) or today), *carried_moves),
                since=since,
                weeks=tuple(weeks),
                waiting=tuple(open_waiting_across(projects, today)),
            )
        )
    for project in projects:
        for decision in sorted(project.decisions, key=lambda d: (d.date, d.title)):
            key, text_key = decision_key(project, decision), decision_text_key(project, decision)
            if not recent(decision.date, today) or text_key in sent.carried:
                continue
            carries = (key, text_key, decision_title_key(project, decision))
            if not _summarised_before(sent, project, decision):
                due.append(
                    DueLetter(
                        LetterKind.MEETING, client.slug, today, key=key, carries=carries, project=project,
                        decision=decision,
                    )
                )
            elif decision.correction and _told_text(sent, project, decision):
                # Sent before with other words, and the agency wants the client told.
                due.append(
                    DueLetter(
                        LetterKind.MEETING, client.slug, today, key=text_key, carries=carries, project=project,
                        decision=decision, correction=True,
                    )
                )
    if not weekly:
        for project in projects:
            moves = tuple(
                m
                for m in project_moves(project, outlooks.get(project.slug), week_ago, today)
                if m.key not in sent.carried
            )
            if moves:
                key = f"change:{project.slug}:{_digest(' '.join(m.key for m in moves))}"
                due.append(
                    DueLetter(
                        LetterKind.CHANGE, client.slug, today, key=key, carries=tuple(m.key for m in moves),
                        project=project,
                        moves=moves,
                    )
                )
    return due

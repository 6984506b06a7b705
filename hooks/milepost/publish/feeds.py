"""Feeds a client can subscribe to: an Atom feed of news and an ICS calendar of dates.

Both are rebuilt on every site build, so both must come out byte-identical from the same
input: every id and timestamp is derived from the project's data and the build's `today`,
never from the wall clock or a random number. Feed readers and calendar apps recognise an
entry they already have by its id/UID; if those changed between builds, every build would look
like a pile of new news and duplicate calendar events.

XML and iCalendar escaping is left to the libraries (feedgen on lxml, icalendar); the HTML in
Atom entries comes from Milepost's templates (`render/templates/feed/`), which escape every
text from YAML or git.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from collections.abc import Sequence

from feedgen.feed import FeedEntry, FeedGenerator
from icalendar import Calendar, Event, vText

from milepost.answer_reference import ItemKind, deliverable_item, meeting_item, moved_date_item, waiting_item
from milepost.i18n import Texts
from milepost.model import Client, Decision, Deliverable, Milestone, Project, WaitingItem, WorkKind, WorkNote
from milepost.render.answer_views import (
    NO_ANSWER,
    NO_ANSWERS,
    AnswerSetup,
    AnswerView,
    RecordLine,
    answer_view,
    record_lines,
    reply_view,
)
from milepost.render.environment import render
from milepost.render.labels import kind_heading
from milepost.render.promise_words import change_sentence, health_note, milestone_dates
from milepost.status.health import Health, HealthState, milestone_health, state_since
from milepost.status.ledger import MilestoneLedger, PromiseEventKind
from milepost.status.outlook import ProjectOutlook
from milepost.status.recent_work import LISTED_KINDS, Week, weeks_of_work
from milepost.time_zone import client_zone

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

# Same window as "What changed recently" on the project page, so every week entry links to a
# week the page shows.
FEED_WEEKS = 6

# Characters XML 1.0 cannot carry at all (lxml refuses them); a stray control character in a
# commit message must not break the build.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def _digest(*parts: str) -> str:
    """A short stable fingerprint for things the YAML gives no id (deliverables, waiting items)."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:12]


def _moment(day: dt.date, zone: dt.tzinfo) -> dt.datetime:
    """The start of `day` in the client's zone: Atom wants a time, the data only has days."""
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=zone)


# --- Atom -------------------------------------------------------------------------------------


def _html(template: str, texts: Texts, **context: object) -> str:
    """An entry's HTML content from `render/templates/feed/` (escaped by the template)."""
    return render(f"feed/{template}", texts, **context).strip("\n")


def _week_html(week: Week, texts: Texts) -> str:
    kinds = [
        (kind_heading(kind, texts), [c.text for c in week.listed[kind]])
        for kind in LISTED_KINDS
        if week.listed.get(kind)
    ]
    return _html("week.html.j2", texts, kinds=kinds, counted=week.counted)


def _entry(
    entry_id: str, title: str, updated: dt.datetime, content_html: str, href: str
) -> FeedEntry:
    entry = FeedEntry()
    entry.id(entry_id)
    entry.title(_clean(title))
    entry.updated(updated)
    entry.content(_clean(content_html), type="html")
    # feedgen 1.0.0 writes entry links without their rel/type attributes; a link without rel
    # means rel="alternate" in Atom, which is what this is.
    entry.link(href=href, rel="alternate")
    return entry


def _week_entries(
    work: Sequence[WorkNote], today: dt.date, texts: Texts, urn: str, page: str, zone: dt.tzinfo
) -> list[FeedEntry]:
    weeks = weeks_of_work(tuple(work), today=today, week_start=texts.week_start(today), weeks=FEED_WEEKS)
    entries = []
    for week in weeks:
        if week.empty:
            continue
        # The entry is as new as its latest work: a week still running gets `updated` bumped
        # when more work lands, keeping its id.
        latest = max(
            c.date for c in work if c.kind != WorkKind.HIDDEN and week.start <= c.date <= min(week.end, today)
        )
        title = texts.gettext("Week of {dates}", dates=texts.date_range(week.start, week.end))
        entries.append(
            _entry(
                f"{urn}:week:{week.start.isoformat()}",
                title,
                _moment(latest, zone),
                _week_html(week, texts),
                f"{page}#week-{week.start.isoformat()}",
            )
        )
    return entries


def _milestone_entry(m: Milestone, texts: Texts, urn: str, page: str, zone: dt.tzinfo) -> FeedEntry:
    assert m.done is not None
    content = _html(
        "milestone.html.j2", texts, dates=" ".join(milestone_dates(m, texts)), description=m.description
    )
    return _entry(
        f"{urn}:milestone:{m.id}:done",
        texts.gettext("Finished: {milestone}", milestone=m.title),
        _moment(m.done, zone),
        content,
        f"{page}#milestone-{m.id}",
    )


def _deliverable_entry(
    d: Deliverable, texts: Texts, urn: str, page: str, zone: dt.tzinfo, answer: AnswerView = NO_ANSWER
) -> FeedEntry:
    content = _html("deliverable.html.j2", texts, day=d.date, description=d.description, url=d.url, answer=answer)
    return _entry(
        f"{urn}:deliverable:{d.date.isoformat()}:{_digest(d.title)}",
        texts.gettext("Ready to see: {title}", title=d.title),
        _moment(d.date, zone),
        content,
        d.url or f"{page}#deliverables",
    )


def _move_entries(
    m: Milestone,
    ledger: MilestoneLedger,
    today: dt.date,
    texts: Texts,
    urn: str,
    page: str,
    zone: dt.tzinfo,
    answer: AnswerView = NO_ANSWER,
) -> list[FeedEntry]:
    """One entry per move of the milestone's promised date (moves on one day are one move, so
    the day is the id). The team's current plan goes with the latest move only."""
    moves = [e for e in ledger.events if e.kind == PromiseEventKind.MOVED and e.new is not None and e.day <= today]
    entries = []
    for index, move in enumerate(moves):
        assert move.new is not None
        latest = index == len(moves) - 1
        plan = m.delay.plan if latest and m.delay and m.done is None else ""
        content = _html(
            "moved.html.j2", texts, sentence=change_sentence(move, texts), old=move.old, plan=plan,
            answer=answer if latest else NO_ANSWER,
        )
        entries.append(
            _entry(
                f"{urn}:milestone:{m.id}:moved:{move.day.isoformat()}",
                texts.gettext("New date for {milestone}: {date}", milestone=m.title, date=texts.date(move.new)),
                _moment(move.day, zone),
                content,
                f"{page}#milestone-{m.id}",
            )
        )
    return entries


def _health_entry(
    m: Milestone,
    health: Health,
    project: Project,
    outlook: ProjectOutlook,
    today: dt.date,
    texts: Texts,
    urn: str,
    page: str,
    zone: dt.tzinfo,
) -> FeedEntry:
    ledger = outlook.ledger.of(m.id)
    note = health_note(health, m, outlook.signals, today, texts)
    late = health.state == HealthState.LATE
    content = _html(
        "health.html.j2",
        texts,
        dates=" ".join(milestone_dates(m, texts)),
        note=note.text if note else "",
        reason=m.delay.reason if late and m.delay else "",
        plan=m.delay.plan if m.delay else "",
    )
    if late:
        title = texts.gettext("Late: {milestone}", milestone=m.title)
    else:
        title = texts.gettext("At risk: {milestone}", milestone=m.title)
    return _entry(
        f"{urn}:milestone:{m.id}:{'late' if late else 'at-risk'}",
        title,
        _moment(state_since(m, health, project, outlook.signals, ledger, today), zone),
        content,
        f"{page}#milestone-{m.id}",
    )


def _waiting_fingerprint(item: WaitingItem) -> str:
    return _digest(item.title, item.asked.isoformat())


def _waiting_entry(
    item: WaitingItem,
    project: Project,
    texts: Texts,
    urn: str,
    page: str,
    zone: dt.tzinfo,
    answer: AnswerView = NO_ANSWER,
) -> FeedEntry:
    held = next((m for m in project.milestones if m.id == item.milestone), None)
    content = _html(
        "waiting.html.j2",
        texts,
        asked=item.asked,
        needed_by=item.needed_by,
        milestone=held.title if held else "",
        answer=answer,
    )
    return _entry(
        f"{urn}:waiting:{_waiting_fingerprint(item)}",
        texts.gettext("Needed from you: {item}", item=item.title),
        _moment(item.asked, zone),
        content,
        f"{page}#waiting-on-you",
    )


def _decision_entry(
    d: Decision, texts: Texts, urn: str, page: str, zone: dt.tzinfo, answer: AnswerView = NO_ANSWER
) -> FeedEntry:
    content = _html("decision.html.j2", texts, day=d.date, summary=d.summary, agreed=list(d.agreed), answer=answer)
    return _entry(
        f"{urn}:decision:{d.date.isoformat()}:{_digest(d.title)}",
        texts.gettext("Decided: {title}", title=d.title),
        _moment(d.date, zone),
        content,
        f"{page}#decisions",
    )


# Where on the project page each kind of item is shown: an answer's entry links there.
ANSWER_ANCHORS = {
    ItemKind.CHANGE_REQUEST: "changes",
    ItemKind.DELIVERABLE: "deliverables",
    ItemKind.MEETING: "decisions",
    ItemKind.MOVED_DATE: "milestones",
    ItemKind.WAITING: "waiting-on-you",
    ItemKind.PROJECT: "questions",
}


def _answer_entry(
    line: RecordLine, setup: AnswerSetup, texts: Texts, urn: str, page: str, today: dt.date, zone: dt.tzinfo
) -> FeedEntry:
    """One answer on the record; a question with the team's reply once there is one (the entry
    is then updated when the reply was sent, so a feed reader shows it again; a reply after
    `today` is not there yet)."""
    answer = line.answer
    reply = reply_view(answer, setup, texts) if answer.kind is ItemKind.PROJECT else None
    if reply is not None and reply.replied.astimezone(zone).date() > today:
        reply = None
    return _entry(
        f"{urn}:answer:{_digest(answer.message_id)}",
        texts.gettext("{what}: {answer}", what=line.what, answer=line.sentence),
        max(answer.received, reply.replied) if reply is not None else answer.received,
        _html("answer.html.j2", texts, line=line, reply=reply),
        f"{page}#{ANSWER_ANCHORS[answer.kind]}",
    )


def atom_feed(
    client: Client,
    project: Project,
    work: Sequence[WorkNote],
    today: dt.date,
    *,
    texts: Texts,
    base_url: str,
    outlook: ProjectOutlook | None = None,
    answers: AnswerSetup = NO_ANSWERS,
) -> bytes:
    """The project's news as an Atom feed (UTF-8 bytes).

    Entries, newest first; nothing dated after `today` is included:

    - one per recent week with visible work (what the "What changed recently" section lists,
      plus the count of smaller technical improvements): `...:week:<monday>`;
    - one per finished milestone: `...:milestone:<id>:done`;
    - one per move of a promised date, from the promise ledger (`outlook.ledger`), dated by
      the day of the move: `...:milestone:<id>:moved:<day>`;
    - one per open milestone late or at risk today (`status/health.py`, with the outlook's
      signals): `...:milestone:<id>:late` / `:at-risk`, one id per milestone and state, dated
      by the day the state began as far as the data tells (status/health.py's `state_since`);
    - one per open request to the client (waiting on you), dated by the day it was asked:
      `...:waiting:<fingerprint of title and day asked>`;
    - one per decision: `...:decision:<day>:<fingerprint of title>`;
    - one per deliverable: `...:deliverable:<day>:<fingerprint of title>`;
    - one per applied answer of the client's on the record (answers.yml), dated when it was
      received (a question with the team's reply: when the reply was sent):
      `...:answer:<fingerprint of its Message-ID>`.

    The entries that ask the client something (a waiting item, a meeting summary, a moved
    date, a deliverable to sign off) carry its answer links and the record, as the page does.

    Without an `outlook` there are no moves (no ledger) and the health rules run without
    forecasts or the day of the latest work.

    `base_url` is the project page's absolute URL ending in "/" (the feed sits beside the page
    as `feed.xml`); with "" links are relative to the feed. Ids are URNs built from the client,
    project and week/milestone/deliverable, so they survive a move of the site.
    """
    zone = client_zone(client.timezone)
    urn = f"urn:milepost:{client.slug}:{project.slug}"
    page = base_url or "./"

    entries = _week_entries(work, today, texts, urn, page, zone)
    entries += [
        _milestone_entry(m, texts, urn, page, zone)
        for m in project.milestones
        if m.done is not None and m.done <= today
    ]
    entries += [
        _deliverable_entry(
            d, texts, urn, page, zone,
            answer_view(deliverable_item(project, d), answers, texts) if d.sign_off else NO_ANSWER,
        )
        for d in project.deliverables
        if d.date <= today
    ]
    outlook = outlook or ProjectOutlook()
    for m in project.milestones:
        ledger = outlook.ledger.of(m.id)
        if ledger is not None:
            moved = answer_view(moved_date_item(project, m), answers, texts) if m.done is None else NO_ANSWER
            entries += _move_entries(m, ledger, today, texts, urn, page, zone, moved)
        if m.done is None:
            health = milestone_health(m, project, today, outlook.signals)
            if health.state in (HealthState.LATE, HealthState.AT_RISK):
                entries.append(_health_entry(m, health, project, outlook, today, texts, urn, page, zone))
    entries += [
        _waiting_entry(item, project, texts, urn, page, zone, answer_view(waiting_item(project, item), answers, texts))
        for item in project.waiting_on_client
        if item.done is None and item.asked <= today
    ]
    entries += [
        _decision_entry(d, texts, urn, page, zone, answer_view(meeting_item(project, d), answers, texts))
        for d in project.decisions
        if d.date <= today
    ]
    entries += [
        _answer_entry(line, answers, texts, urn, page, today, zone)
        for line in record_lines((project,), answers, texts)
        if line.answer.received.astimezone(zone).date() <= today
    ]
    entries.sort(key=lambda e: (e.updated(), e.id()), reverse=True)

    feed = FeedGenerator()
    feed.id(urn)
    feed.title(_clean(project.name))
    if project.summary:
        feed.subtitle(_clean(project.summary))
    feed.author(name=_clean(texts.gettext("The project team")))
    feed.language(texts.language)  # the language the feed is written in
    feed.generator("Milepost")
    feed.link(href=page, rel="alternate", type="text/html")
    if base_url:
        feed.link(href=f"{base_url}feed.xml", rel="self", type="application/atom+xml")
    # The feed is as new as its newest entry; a project with no news yet dates from `today`.
    feed.updated(entries[0].updated() if entries else _moment(today, zone))
    for entry in entries:
        feed.add_entry(entry, order="append")
    atom: bytes = feed.atom_str(pretty=True, encoding="UTF-8", xml_declaration=True)
    return atom


# --- ICS --------------------------------------------------------------------------------------


def _milestone_event(
    m: Milestone,
    project: Project,
    client: Client,
    today: dt.date,
    stamp: dt.datetime,
    texts: Texts,
    *,
    ledger: MilestoneLedger | None = None,
    page_url: str = "",
) -> Event:
    # The date promised now, with a word that says when that is not the first promise.
    if m.done:
        day = m.done
        summary = texts.gettext("{milestone} (finished)", milestone=m.title)
    elif today > m.current_due:
        day = m.current_due
        summary = texts.gettext("{milestone} (late)", milestone=m.title)
    elif m.delay:
        day = m.delay.due
        summary = texts.gettext("{milestone} (new date)", milestone=m.title)
    else:
        day = m.due
        summary = m.title

    lines = [" ".join(milestone_dates(m, texts))]
    if m.description:
        lines.append(m.description)
    if m.delay and not m.done:
        lines.append(texts.gettext("Why it is late:") + " " + m.delay.reason)
        lines.append(texts.gettext("What we propose:") + " " + m.delay.plan)
    event = _all_day_event(
        uid=f"{m.id}.{project.slug}.{client.slug}@milepost",
        day=day,
        summary=summary,
        description="\n\n".join(lines),
        stamp=stamp,
    )
    if page_url:
        event.add("url", f"{page_url}#milestone-{m.id}")
    # A calendar app moves an event it already has when SEQUENCE grows: the number of moves of
    # the promised date, dated by the last of them (or by the first promise).
    moves = [e for e in ledger.moves if e.day <= today] if ledger is not None else []
    event.add("sequence", len(moves))
    if ledger is not None:
        changed = moves[-1].day if moves else ledger.promised_on
        event.add("last-modified", _moment(changed, client_zone(client.timezone)).astimezone(dt.UTC))
    return event


def _waiting_event(
    item: WaitingItem, project: Project, client: Client, stamp: dt.datetime, texts: Texts, *, page_url: str = ""
) -> Event:
    assert item.needed_by is not None
    lines = [texts.gettext("Asked on {date}.", date=texts.date(item.asked))]
    held = next((m for m in project.milestones if m.id == item.milestone), None)
    if held:
        lines.append(texts.gettext("Needed for: {milestone}", milestone=held.title))
    # Three dots before "@" where a milestone UID has two: the two kinds can never collide.
    fingerprint = _waiting_fingerprint(item)
    event = _all_day_event(
        uid=f"{fingerprint}.waiting.{project.slug}.{client.slug}@milepost",
        day=item.needed_by,
        summary=texts.gettext("Needed from you: {item}", item=item.title),
        description="\n".join(lines),
        stamp=stamp,
    )
    if page_url:
        event.add("url", f"{page_url}#waiting-on-you")
    # From the item itself, so a rebuild gives the same bytes: the UID holds the title and the
    # day asked, so what can change is the day it is needed by, and it is nearly always put
    # later, which makes SEQUENCE (the days given) grow and a calendar app move the event.
    event.add("sequence", max(0, (item.needed_by - item.asked).days))
    event.add("last-modified", _moment(item.asked, client_zone(client.timezone)).astimezone(dt.UTC))
    return event


def _all_day_event(*, uid: str, day: dt.date, summary: str, description: str, stamp: dt.datetime) -> Event:
    event = Event.new(
        uid=uid,
        start=day,
        end=day + dt.timedelta(days=1),
        stamp=stamp,
        summary=_clean(summary),
        description=_clean(description),
    )
    # A milestone date is a reminder, not a meeting: it must not mark the client as busy.
    event.add("transp", "TRANSPARENT")
    return event


def ics_calendar(
    client: Client,
    project: Project,
    today: dt.date,
    *,
    texts: Texts,
    base_url: str = "",
    outlook: ProjectOutlook | None = None,
) -> bytes:
    """The project's dates as an iCalendar file (UTF-8 bytes, CRLF lines).

    One all-day event per milestone on the date promised now (the finish date once done, the
    delay's new date when delayed), and one per open item the team needs from the client by a
    date. UIDs are `<milestone-id>.<project>.<client>@milepost` (and a fingerprint-based one
    for waiting items); DTSTAMP is the start of `today` in UTC, so two builds on the same day
    give the same bytes.

    A milestone's event carries SEQUENCE, the number of times its promised date moved (0
    without a ledger), LAST-MODIFIED, the day of the last move or of the first promise (only
    with a ledger), and URL, the milestone on the project page (`base_url`: the page's
    absolute URL ending in "/"; none with "").

    A waiting item's event carries URL (the "waiting on you" section), LAST-MODIFIED (the day
    it was asked) and SEQUENCE (the days between asked and needed by), all from the item, never
    from the clock.
    """
    stamp = dt.datetime.combine(today, dt.time(0, 0), tzinfo=dt.UTC)
    ledger = (outlook or ProjectOutlook()).ledger
    events = [
        _milestone_event(m, project, client, today, stamp, texts, ledger=ledger.of(m.id), page_url=base_url)
        for m in project.milestones
    ]
    events += [
        _waiting_event(item, project, client, stamp, texts, page_url=base_url)
        for item in project.waiting_on_client
        if item.needed_by is not None and item.done is None
    ]
    events.sort(key=lambda e: (e.start, str(e.uid)))

    calendar = Calendar.new(
        prodid="-//Milepost//Milepost//EN", uid=f"{project.slug}.{client.slug}@milepost", subcomponents=events
    )
    # Added as TEXT values, which icalendar escapes: given to Calendar.new, NAME and the
    # X-WR-* properties are written raw, and a line break in them (a summary's paragraphs)
    # stops icalendar with an AssertionError.
    if project.summary:
        calendar.add("description", vText(_clean(project.summary)))
        calendar.add("x-wr-caldesc", vText(_clean(project.summary)))
    calendar.add("name", vText(_clean(project.name)))
    calendar.add("x-wr-calname", vText(_clean(project.name)))
    ical: bytes = calendar.to_ical()
    return ical

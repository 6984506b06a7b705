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
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from feedgen.feed import FeedEntry, FeedGenerator
from icalendar import Calendar, Event, vText

from milepost.i18n import Texts
from milepost.model import Client, Deliverable, Milestone, Project, WaitingItem, WorkNote
from milepost.render.environment import render
from milepost.render.labels import kind_heading
from milepost.render.promise_words import milestone_dates
from milepost.status.recent_work import LISTED_KINDS, Week, weeks_of_work

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


def _zone(client: Client) -> dt.tzinfo:
    try:
        return ZoneInfo(client.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        # `milepost check` rejects unknown zones; this only keeps a preview build going.
        log.warning("%s: unknown timezone %r; feed times are given in UTC", client.slug, client.timezone)
        return dt.timezone.utc


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
            c.date for c in work if c.kind != "hidden" and week.start <= c.date <= min(week.end, today)
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


def _deliverable_entry(d: Deliverable, texts: Texts, urn: str, page: str, zone: dt.tzinfo) -> FeedEntry:
    content = _html("deliverable.html.j2", texts, day=d.date, description=d.description, url=d.url)
    return _entry(
        f"{urn}:deliverable:{d.date.isoformat()}:{_digest(d.title)}",
        texts.gettext("Ready to see: {title}", title=d.title),
        _moment(d.date, zone),
        content,
        d.url or f"{page}#deliverables",
    )


def atom_feed(
    client: Client,
    project: Project,
    work: Sequence[WorkNote],
    today: dt.date,
    *,
    texts: Texts,
    base_url: str,
) -> bytes:
    """The project's news as an Atom feed (UTF-8 bytes).

    Entries: one per recent week with visible work (what the "What changed recently" section
    lists, plus the count of smaller technical improvements), one per finished milestone and
    one per deliverable, newest first. Nothing dated after `today` is included.

    `base_url` is the project page's absolute URL ending in "/" (the feed sits beside the page
    as `feed.xml`); with "" links are relative to the feed. Ids are URNs built from the client,
    project and week/milestone/deliverable, so they survive a move of the site.
    """
    zone = _zone(client)
    urn = f"urn:milepost:{client.slug}:{project.slug}"
    page = base_url or "./"

    entries = _week_entries(work, today, texts, urn, page, zone)
    entries += [
        _milestone_entry(m, texts, urn, page, zone)
        for m in project.milestones
        if m.done is not None and m.done <= today
    ]
    entries += [
        _deliverable_entry(d, texts, urn, page, zone) for d in project.deliverables if d.date <= today
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
    return feed.atom_str(pretty=True, encoding="UTF-8", xml_declaration=True)


# --- ICS --------------------------------------------------------------------------------------


def _milestone_event(
    m: Milestone, project: Project, client: Client, today: dt.date, stamp: dt.datetime, texts: Texts
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
    return _all_day_event(
        uid=f"{m.id}.{project.slug}.{client.slug}@milepost",
        day=day,
        summary=summary,
        description="\n\n".join(lines),
        stamp=stamp,
    )


def _waiting_event(
    item: WaitingItem, project: Project, client: Client, stamp: dt.datetime, texts: Texts
) -> Event:
    assert item.needed_by is not None
    lines = [texts.gettext("Asked on {date}.", date=texts.date(item.asked))]
    held = next((m for m in project.milestones if m.id == item.milestone), None)
    if held:
        lines.append(texts.gettext("Needed for: {milestone}", milestone=held.title))
    # Three dots before "@" where a milestone UID has two: the two kinds can never collide.
    fingerprint = _digest(item.title, item.asked.isoformat())
    return _all_day_event(
        uid=f"{fingerprint}.waiting.{project.slug}.{client.slug}@milepost",
        day=item.needed_by,
        summary=texts.gettext("Needed from you: {item}", item=item.title),
        description="\n".join(lines),
        stamp=stamp,
    )


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


def ics_calendar(client: Client, project: Project, today: dt.date, *, texts: Texts) -> bytes:
    """The project's dates as an iCalendar file (UTF-8 bytes, CRLF lines).

    One all-day event per milestone on the date promised now (the finish date once done, the
    delay's new date when delayed), and one per open item the team needs from the client by a
    date. UIDs are `<milestone-id>.<project>.<client>@milepost` (and a fingerprint-based one
    for waiting items); DTSTAMP is the start of `today` in UTC, so two builds on the same day
    give the same bytes.
    """
    stamp = dt.datetime.combine(today, dt.time(0, 0), tzinfo=dt.timezone.utc)
    events = [_milestone_event(m, project, client, today, stamp, texts) for m in project.milestones]
    events += [
        _waiting_event(item, project, client, stamp, texts)
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
    return calendar.to_ical()

"""The letters' words: one `LetterView` per due letter, in the client's language.

`status/letters_due.py` says which letters are due and what they carry; this module chooses
the sentences (through the same catalogs as the pages) and `templates/letters/letter.txt.j2`
and `letter.html.j2` hold the two parts' layout. Texts the agency wrote pass through the
same redaction as the shown work (`classify/redaction.py`), with the client's allowed hosts;
the HTML template escapes everything, as the pages do. publish/letters.py turns the result
into an e-mail.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from email.utils import parseaddr

from milepost.answer_reference import (
    AnswerItem,
    change_item,
    deliverable_item,
    meeting_item,
    moved_date_item,
    project_item,
    waiting_item,
)
from milepost.answers.applied import decided_changes
from milepost.classify.redaction import redact
from milepost.i18n import Texts
from milepost.model import Client, Contact, LetterKind
from milepost.render.answer_links import AnswerLink
from milepost.render.answer_views import NO_ANSWERS, AnswerSetup, answer_view
from milepost.render.budget_words import pace_sentence
from milepost.render.contacts import promise_words
from milepost.render.environment import render
from milepost.render.finish_words import finish_chance, finish_sentence
from milepost.render.promise_words import forecast_range, headline_note, headline_sentence
from milepost.render.waiting_list import decide_by_words, decision_item_view
from milepost.status.forecast import ForecastMethod
from milepost.status.health import HealthState
from milepost.status.letters_due import (
    DELIVERED,
    FINISHED_MILESTONE,
    DueLetter,
    Move,
    ProjectWeek,
)
from milepost.status.reachable import contact_named
from milepost.status.waiting import DecideByReminder, awaiting_decision, decide_by_reminder, overdue_days


@dataclass(frozen=True)
class Bullet:
    text: str
    lines: tuple[str, ...] = ()  # more about it, one sentence a line
    url: str = ""
    urgent: bool = False  # overdue: shown first and marked
    links: tuple[AnswerLink, ...] = ()  # the answers it asks for (render/answer_views.py)


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: tuple[str, ...] = ()
    bullets: tuple[Bullet, ...] = ()
    links: tuple[AnswerLink, ...] = ()  # the answers the whole section asks for (a meeting summary)


@dataclass(frozen=True)
class Signature:
    name: str
    role: str = ""
    email: str = ""
    phone: str = ""
    agency: str = ""


@dataclass(frozen=True)
class LetterView:
    kind: str
    language: str
    subject: str
    title: str  # the subject without the prefix: the letter's heading
    greeting: str
    intro: str
    sections: tuple[Section, ...]
    closing: tuple[str, ...]
    site_url: str  # "" when the portal has no site_url
    site_line: str  # the sentence before the address
    sign_off: str
    signature: Signature | None


@dataclass(frozen=True)
class LetterWords:
    """What the portal says about itself in every letter."""

    subject_prefix: str  # "" = "Project status" in the client's language
    agency: str
    site_url: str  # the client's own site, "" when unknown
    answers: AnswerSetup = NO_ANSWERS  # the answer links (per client) and its answers on record


def letter_words(
    *, agency: str, sender: str, subject_prefix: str, site_url: str, folder: str, answers: AnswerSetup = NO_ANSWERS
) -> LetterWords:
    """What the portal says about itself in a client's letters: the agency's name (else the
    display name of `letters.from`), the subject's first words, the client's site and the
    answer links it offers."""
    name = agency or parseaddr(sender)[0]
    base = site_url.rstrip("/")
    return LetterWords(
        subject_prefix=subject_prefix or name,
        agency=name,
        site_url=f"{base}/{folder}/" if base else "",
        answers=answers,
    )


def subject_prefix(words: LetterWords, texts: Texts) -> str:
    return words.subject_prefix or texts.gettext("Project status")


def _clean(text: str, client: Client) -> str:
    """A text the agency wrote, as a letter may show it."""
    return redact(text, allowed_hosts=client.allowed_hosts, max_chars=None)


def _title(letter: DueLetter, texts: Texts) -> str:
    if letter.kind == LetterKind.WEEKLY:
        return texts.gettext("Weekly letter, {date}", date=texts.date(letter.day))
    if letter.kind == LetterKind.MEETING:
        assert letter.decision is not None
        if letter.correction:
            return texts.gettext("Correction: summary of the meeting on {date}", date=texts.date(letter.decision.date))
        return texts.gettext("Summary of the meeting on {date}", date=texts.date(letter.decision.date))
    assert letter.project is not None
    return texts.gettext("Change of plan: {project}", project=letter.project.name)


def _state_sentence(week: ProjectWeek, texts: Texts) -> str:
    health = week.health
    milestone = week.upcoming
    if health.milestone:
        milestone = next((m for m in week.project.milestones if m.id == health.milestone), milestone)
    if health.state == HealthState.DONE:
        return texts.gettext("Done: every milestone is finished.")
    if milestone is None:
        return texts.gettext("Planned: the milestones are not set yet.")
    values = {"milestone": milestone.title, "date": texts.date(milestone.current_due)}
    if health.state == HealthState.LATE:
        return texts.gettext("Late: {milestone} is now promised for {date}.", **values)
    if health.state == HealthState.AT_RISK:
        return texts.gettext("At risk: {milestone}, promised for {date}, may be late.", **values)
    if health.state == HealthState.ON_TRACK:
        return texts.gettext("On track: next is {milestone}, promised for {date}.", **values)
    return texts.gettext("Not started yet: {milestone} is planned for {date}.", **values)


def _headline_lines(week: ProjectWeek, client: Client, texts: Texts, today: dt.date) -> tuple[str, ...]:
    """What the project page's top says beyond the state: the forecast when it is later than
    the promise (never the promise alone), why the project is at risk or late, the project's
    finish with its chance, and the hours against the work when they run ahead."""
    headline = week.headline
    lines = []
    finish = week.finish
    about_finish = (
        finish is not None and headline is not None and headline.milestone is not None
        and headline.milestone.id == finish.milestone
    )
    if headline is not None:
        # The state sentence above already names the milestone and its promise: the forecast
        # alone (unless the milestone is the finish, whose line below says it).
        if headline_sentence(headline, texts) and headline.forecast is not None and not about_finish:
            forecast = forecast_range(headline.forecast, texts)
            if headline.forecast.method == ForecastMethod.REFERENCE_CLASS:
                lines.append(texts.gettext("Judging by our earlier milestones: {forecast}.", forecast=forecast))
            else:
                lines.append(texts.gettext("At the current pace: {forecast}.", forecast=forecast))
        note = headline_note(headline, week.signals, today, texts)
        if note is not None:
            lines.append(texts.gettext("Why: {reason}", reason=_clean(note.text, client)))
    # When the whole project will be finished, with the chance beside the promise, as the site says.
    ending = finish_sentence(finish, texts)
    if ending is not None:
        chance = finish_chance(finish, texts)
        lines.append(_clean(f"{ending} {chance}" if chance else ending, client))
    budget = pace_sentence(week.budget, texts)
    if budget is not None:
        lines.append(budget)
    return tuple(lines)


def _links(item: AnswerItem | None, answers: AnswerSetup, texts: Texts) -> tuple[AnswerLink, ...]:
    """The answer links for `item` (none without the portal's address and secret, or once the
    client settled it on the record)."""
    return answer_view(item, answers, texts).links


def _move_bullet(
    move: Move, client: Client, texts: Texts, project: str = "", links: tuple[AnswerLink, ...] = ()
) -> Bullet:
    title = move.milestone.title if not project else f"{move.milestone.title} ({project})"
    if move.new is not None and move.old is not None:
        text = texts.gettext(
            "{milestone}: now {new}, previously {old}.", milestone=title, new=texts.date(move.new),
            old=texts.date(move.old),
        )
    else:
        text = title
    lines = []
    if move.reason:
        lines.append(texts.gettext("Why: {reason}", reason=_clean(move.reason, client)))
    else:
        lines.append(texts.gettext("Why: no reason was written down yet; we will tell you."))
    if move.plan:
        lines.append(texts.gettext("What we do now: {plan}", plan=_clean(move.plan, client)))
    return Bullet(text=text, lines=tuple(lines), links=links)


def _weekly_sections(
    letter: DueLetter, client: Client, texts: Texts, answers: AnswerSetup
) -> tuple[Section, ...]:
    assert letter.since is not None
    since = texts.date(letter.since)
    many = len(letter.weeks) > 1
    return (
        _states_section(letter, client, texts, answers),
        _finished_section(letter, client, texts, answers, since, many),
        _moved_section(letter, client, texts, answers, since, many),
        _needed_section(letter, client, texts, answers, many),
        _next_section(letter, client, texts, many),
    )


def _named(text: str, week: ProjectWeek, many: bool) -> str:
    """A bullet's text, after its project's name when the letter speaks of several."""
    return f"{week.project.name}: {text}" if many else text


def _states_section(letter: DueLetter, client: Client, texts: Texts, answers: AnswerSetup) -> Section:
    return Section(
        heading=texts.gettext("Where things stand"),
        bullets=tuple(
            Bullet(
                text=f"{week.project.name}: {_state_sentence(week, texts)}",
                lines=_headline_lines(week, client, texts, letter.day),
                links=_links(project_item(week.project), answers, texts),
            )
            for week in letter.weeks
        ),
    )


def _finished_section(
    letter: DueLetter, client: Client, texts: Texts, answers: AnswerSetup, since: str, many: bool
) -> Section:
    finished = []
    for week in letter.weeks:
        for item in week.finished:
            title = _clean(item.title, client)
            if item.kind == FINISHED_MILESTONE:
                text = texts.gettext("{milestone} is finished.", milestone=title)
            elif item.kind == DELIVERED:
                text = texts.gettext("Ready for you to see: {title}", title=title)
            else:
                text = title
            url = _clean(item.url, client) if item.url else ""
            # A deliverable that asks for sign-off: Approve / Ask for changes.
            signed = next(
                (d for d in week.project.deliverables if item.kind == DELIVERED and d.sign_off and d.title == item.title
                 and d.date == item.day),
                None,
            )
            finished.append(
                Bullet(
                    text=_named(text, week, many),
                    url=url if url.startswith(("https://", "http://")) else "",
                    links=_links(deliverable_item(week.project, signed), answers, texts) if signed else (),
                )
            )
    return Section(
        heading=texts.gettext("Finished since {date}", date=since),
        bullets=tuple(finished),
        paragraphs=() if finished else (texts.gettext("Nothing new was finished this week."),),
    )


def _moved_section(
    letter: DueLetter, client: Client, texts: Texts, answers: AnswerSetup, since: str, many: bool
) -> Section:
    moves = [
        _move_bullet(
            move, client, texts, week.project.name if many else "",
            _links(moved_date_item(week.project, move.milestone), answers, texts),
        )
        for week in letter.weeks
        for move in week.moves
    ]
    return Section(
        heading=texts.gettext("Dates that moved"),
        bullets=tuple(moves),
        paragraphs=() if moves else (texts.gettext("No promised date moved since {date}.", date=since),),
    )


def _needed_section(letter: DueLetter, client: Client, texts: Texts, answers: AnswerSetup, many: bool) -> Section:
    """What the team waits for: the items asked of the client, then the change requests
    waiting for the client's decision."""
    waiting = []
    for project, wanted in letter.waiting:
        late = overdue_days(wanted, letter.day)
        if late:
            text = texts.ngettext(
                "{title}: overdue by {n} day", "{title}: overdue by {n} days", late, title=_clean(wanted.title, client)
            )
        elif wanted.needed_by:
            text = texts.gettext(
                "{title}: needed by {date}", title=_clean(wanted.title, client), date=texts.date(wanted.needed_by)
            )
        else:
            text = _clean(wanted.title, client)
        waiting.append(
            Bullet(
                text=f"{project.name}: {text}" if many else text,
                urgent=bool(late),
                links=_links(waiting_item(project, wanted), answers, texts),
            )
        )
    waiting.extend(_decision_bullets(letter, client, texts, answers, many))
    return Section(
        heading=texts.gettext("What we need from you"),
        bullets=tuple(waiting),
        paragraphs=() if waiting else (texts.gettext("Nothing at the moment. Thank you!"),),
    )


def _decision_bullets(
    letter: DueLetter, client: Client, texts: Texts, answers: AnswerSetup, many: bool
) -> list[Bullet]:
    """A change request waiting for the client's decision is asked for here too, as on the
    site (not one the client accepted or declined on the record already, in this version)."""
    bullets = []
    for week in letter.weeks:
        for change in awaiting_decision(week.project, decided_changes(week.project, answers.answers)):
            decision = decision_item_view(change, week.project, texts)
            text = _clean(decision.title, client)
            facts = (_clean(decision.facts, client),) if decision.facts else ()
            reminder = decide_by_reminder(change, letter.day)
            if reminder is not None and change.decide_by is not None:
                facts = (*facts, decide_by_words(change.decide_by, reminder, texts))
            bullets.append(
                Bullet(
                    text=f"{week.project.name}: {text}" if many else text,
                    lines=facts,
                    links=_links(change_item(week.project, change), answers, texts),
                    urgent=reminder == DecideByReminder.PAST,
                )
            )
    return bullets


def _next_section(letter: DueLetter, client: Client, texts: Texts, many: bool) -> Section:
    upcoming = []
    for week in letter.weeks:
        milestone = week.upcoming
        if milestone is None:
            continue
        open_tasks = [t.title for t in milestone.tasks if not t.done]
        text = texts.gettext(
            "{milestone}, promised for {date}", milestone=_clean(milestone.title, client),
            date=texts.date(milestone.current_due),
        )
        lines: tuple[str, ...] = ()
        if open_tasks:
            lines = (
                texts.gettext("Still to do: {tasks}", tasks=", ".join(_clean(t, client) for t in open_tasks)),
            )
        upcoming.append(Bullet(text=_named(text, week, many), lines=lines))
    return Section(
        heading=texts.gettext("What comes next"),
        bullets=tuple(upcoming),
        paragraphs=() if upcoming else (texts.gettext("Every milestone is finished."),),
    )


def _meeting_sections(
    letter: DueLetter, client: Client, texts: Texts, answers: AnswerSetup
) -> tuple[Section, ...]:
    decision = letter.decision
    assert decision is not None and letter.project is not None
    links = _links(meeting_item(letter.project, decision), answers, texts)
    sections = [
        Section(
            heading=_clean(decision.title, client),
            paragraphs=(_clean(decision.summary, client),) if decision.summary else (),
            links=() if decision.agreed else links,
        )
    ]
    if decision.agreed:
        sections.append(
            Section(
                heading=texts.gettext("What we agreed"),
                bullets=tuple(Bullet(text=_clean(point, client)) for point in decision.agreed),
                links=links,
            )
        )
    return tuple(sections)


def _change_sections(
    letter: DueLetter, client: Client, texts: Texts, answers: AnswerSetup
) -> tuple[Section, ...]:
    assert letter.project is not None
    project = letter.project
    return (
        Section(
            heading=texts.gettext("What moved"),
            bullets=tuple(
                _move_bullet(
                    move, client, texts, links=_links(moved_date_item(project, move.milestone), answers, texts)
                )
                for move in letter.moves
            ),
        ),
    )


def _intro(letter: DueLetter, texts: Texts) -> str:
    if letter.kind == LetterKind.WEEKLY:
        return texts.ngettext(
            "Here is how your project stands this week.",
            "Here is how your projects stand this week.",
            len(letter.weeks),
        )
    assert letter.project is not None
    if letter.kind == LetterKind.MEETING:
        assert letter.decision is not None
        if letter.correction:
            return texts.gettext(
                "This corrects the summary we sent you earlier: here is, as it stands now, what we agreed on "
                "{date} about {project}.",
                date=texts.date(letter.decision.date),
                project=letter.project.name,
            )
        return texts.gettext(
            "Here is, in writing, what we discussed and agreed on {date} about {project}.",
            date=texts.date(letter.decision.date),
            project=letter.project.name,
        )
    return texts.ngettext(
        "A promised date in {project} has changed. We are telling you now rather than in the next weekly letter.",
        "Promised dates in {project} have changed. We are telling you now rather than in the next weekly letter.",
        len(letter.moves),
        project=letter.project.name,
    )


def _closing(letter: DueLetter, client: Client, texts: Texts) -> tuple[str, ...]:
    lines = []
    if letter.kind == LetterKind.MEETING:
        lines.append(texts.gettext("If anything here is not as you remember it, please reply to this letter."))
    else:
        lines.append(texts.gettext("If you have a question, just reply to this letter."))
    promise = promise_words(client, texts)  # as written, or worded from `response_time: {hours: ...}`
    if promise:
        lines.append(texts.gettext("We answer {time}.", time=promise))
    standing_in = _standing_in(client, letter.day, texts)
    if standing_in:
        lines.append(standing_in)
    return tuple(lines)


def _standing_in(client: Client, day: dt.date, texts: Texts) -> str:
    """While the usual contact is away: who stands in, and until when (the letter's Reply-To
    is then the deputy, see publish/letters.py)."""
    if not client.contacts:
        return ""
    usual = client.contacts[0]
    absence = usual.absence_on(day)
    if absence is None:
        return ""
    deputy = contact_named(client, absence.deputy)
    if deputy is not None and deputy.email:
        return texts.gettext(
            "{contact} is away until {date} inclusive; in the meantime {deputy} stands in, and your reply to "
            "this letter goes straight to {deputy}.",
            contact=usual.name, date=texts.date(absence.end), deputy=absence.deputy,
        )
    return texts.gettext(
        "{contact} is away until {date} inclusive; in the meantime {deputy} stands in.",
        contact=usual.name, date=texts.date(absence.end), deputy=absence.deputy,
    )


def signature(contact: Contact | None, agency: str) -> Signature | None:
    if contact is None:
        return Signature(name=agency) if agency else None
    return Signature(name=contact.name, role=contact.role, email=contact.email, phone=contact.phone, agency=agency)


def letter_view(
    letter: DueLetter, client: Client, texts: Texts, words: LetterWords, contact: Contact | None
) -> LetterView:
    """The words of one letter: subject, sections, closing and signature."""
    title = _title(letter, texts)
    sections = {
        LetterKind.WEEKLY: _weekly_sections,
        LetterKind.MEETING: _meeting_sections,
        LetterKind.CHANGE: _change_sections,
    }[letter.kind](letter, client, texts, words.answers)
    return LetterView(
        kind=letter.kind,
        language=client.language,
        subject=f"{subject_prefix(words, texts)}: {title}",
        title=title,
        greeting=texts.gettext("Hello,"),
        intro=_intro(letter, texts),
        sections=sections,
        closing=_closing(letter, client, texts),
        site_url=words.site_url,
        site_line=texts.gettext("Everything is also on your status site:"),
        sign_off=texts.gettext("Kind regards,"),
        signature=signature(contact, words.agency),
    )


def render_letter(view: LetterView, texts: Texts) -> tuple[str, str]:
    """The plain-text part and the HTML part (with its <style> block, not inlined yet)."""
    text = render("letters/letter.txt.j2", texts, letter=view)
    html = render("letters/letter.html.j2", texts, letter=view)
    return text, html

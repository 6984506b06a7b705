"""Who the client can talk to: contacts, absences and deputies (templates/contacts.md.j2)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from milepost.i18n import Texts
from milepost.model import Client, Contact
from milepost.render.environment import render
from milepost.status.reachable import contact_named
from milepost.status.response_figures import ResponseFigures

# An absence this close is announced in advance, so the client is not surprised.
ANNOUNCE_ABSENCE_DAYS = 30


@dataclass(frozen=True)
class ContactView:
    name: str
    role: str
    email: str
    phone: str
    phone_href: str  # "tel:" and the number without spaces
    away: tuple[tuple[str, str], ...]  # (CSS class, sentence): away now, or away soon


@dataclass(frozen=True)
class ContactsView:
    contacts: tuple[ContactView, ...]
    response_time: str  # "" when the client.yml promises none
    measured: tuple[str, ...] = ()  # the measured response time, good or bad, one sentence each


def _away(client: Client, contact: Contact, today: dt.date, texts: Texts) -> tuple[tuple[str, str], ...]:
    absence = contact.absence_on(today)
    if absence:
        deputy = contact_named(client, absence.deputy)
        deputy_text = absence.deputy
        if deputy and deputy.email:
            deputy_text = f"{absence.deputy} ({deputy.email})"
        sentence = texts.gettext(
            "Away until {date}. Please contact {deputy} instead.",
            date=texts.date(absence.end),
            deputy=deputy_text,
        )
        return (("mp-away", sentence),)
    upcoming = [a for a in contact.away if today < a.start <= today + dt.timedelta(days=ANNOUNCE_ABSENCE_DAYS)]
    return tuple(
        (
            "mp-away-soon",
            texts.gettext(
                "Away from {start} to {end}; {deputy} will stand in.",
                start=texts.date(a.start),
                end=texts.date(a.end),
                deputy=a.deputy,
            ),
        )
        for a in upcoming
    )


def within_hours(hours: float, business: bool, texts: Texts) -> str:
    """A promise of hours as the sentences around it say it: "within one business hour"."""
    whole = math.ceil(hours)
    if whole == 1:
        return texts.gettext("within one business hour") if business else texts.gettext("within one hour")
    if business:
        return texts.ngettext("within {n} business hour", "within {n} business hours", whole)
    return texts.ngettext("within {n} hour", "within {n} hours", whole)


def promise_words(client: Client, texts: Texts) -> str:
    """The promise as written (`response_time:` in words), else worded from its hours."""
    if client.response_time:
        return client.response_time
    if client.response_hours:
        return within_hours(client.response_hours, client.response_business, texts)
    return ""


def measured_sentences(figures: ResponseFigures | None, texts: Texts) -> tuple[str, ...]:
    """The measured response time, good or bad: "We answered 23 of your 24 messages within one
    business hour. The slowest answer took 5 business hours." and how many still wait."""
    if figures is None:
        return ()
    sentences = []
    if figures.answered:
        sentences.append(
            texts.ngettext(
                "We answered {within} of your {n} message {promise}.",
                "We answered {within} of your {n} messages {promise}.",
                figures.answered, within=texts.number(figures.within),
                promise=within_hours(figures.promised, figures.business, texts),
            )
        )
        if figures.slowest > figures.promised:
            slowest = math.ceil(figures.slowest)
            if figures.business:
                took = texts.ngettext(
                    "The slowest answer took {n} business hour.", "The slowest answer took {n} business hours.", slowest
                )
            else:
                took = texts.ngettext(
                    "The slowest answer took {n} hour.", "The slowest answer took {n} hours.", slowest
                )
            sentences.append(took)
    if figures.waiting:
        sentences.append(
            texts.ngettext(
                "{n} message is still waiting for our answer.",
                "{n} messages are still waiting for our answer.",
                figures.waiting,
            )
        )
    return tuple(sentences)


def contacts_view(
    client: Client, today: dt.date, texts: Texts, responses: ResponseFigures | None = None
) -> ContactsView:
    return ContactsView(
        contacts=tuple(
            ContactView(
                name=contact.name,
                role=contact.role or "",
                email=contact.email or "",
                phone=contact.phone or "",
                phone_href=f"tel:{contact.phone.replace(' ', '')}" if contact.phone else "",
                away=_away(client, contact, today, texts),
            )
            for contact in client.contacts
        ),
        response_time=promise_words(client, texts),
        measured=measured_sentences(responses, texts),
    )


def contacts_section(
    client: Client, today: dt.date, texts: Texts, responses: ResponseFigures | None = None
) -> str:
    """The "Your contacts" section as Markdown ("" when the client lists no contacts)."""
    return render("contacts.md.j2", texts, contacts=contacts_view(client, today, texts, responses))

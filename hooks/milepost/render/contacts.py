"""Who the client can talk to: contacts, absences and deputies (templates/contacts.md.j2)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from milepost.i18n import Texts
from milepost.model import Client, Contact
from milepost.render.environment import render
from milepost.status.reachable import contact_named

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


def contacts_view(client: Client, today: dt.date, texts: Texts) -> ContactsView:
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
        response_time=client.response_time or "",
    )


def contacts_section(client: Client, today: dt.date, texts: Texts) -> str:
    """The "Your contacts" section as Markdown ("" when the client lists no contacts)."""
    return render("contacts.md.j2", texts, contacts=contacts_view(client, today, texts))

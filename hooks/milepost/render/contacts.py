"""Who the client can talk to: contacts, absences and deputies."""

from __future__ import annotations

import datetime as dt

from milepost.render.html import esc, heading, html_block, link
from milepost.render.i18n import Texts
from milepost.model import Client, Contact

# An absence this close is announced in advance, so the client is not surprised.
ANNOUNCE_ABSENCE_DAYS = 30


def _contact_line(contact: Contact, texts: Texts) -> list[str]:
    parts = [f'<strong class="mp-contact-name">{esc(contact.name)}</strong>']
    if contact.role:
        parts.append(f'<span class="mp-contact-role">{esc(contact.role)}</span>')
    reach = []
    if contact.email:
        reach.append(link(f"mailto:{contact.email}", contact.email))
    if contact.phone:
        reach.append(link(f"tel:{contact.phone.replace(' ', '')}", contact.phone))
    if reach:
        parts.append(f'<span class="mp-contact-reach">{" · ".join(reach)}</span>')
    return parts


def _deputy(client: Client, name: str) -> Contact | None:
    for contact in client.contacts:
        if contact.name == name:
            return contact
    return None


def contacts_section(client: Client, today: dt.date, texts: Texts) -> str:
    if not client.contacts:
        return ""
    out = [heading(2, texts.gettext("Your contacts"), "contacts")]
    lines = ['<ul class="mp-contacts">']
    for contact in client.contacts:
        item = _contact_line(contact, texts)
        absence = contact.absence_on(today)
        if absence:
            deputy = _deputy(client, absence.deputy)
            deputy_text = absence.deputy
            if deputy and deputy.email:
                deputy_text = f"{absence.deputy} ({deputy.email})"
            item.append(
                '<span class="mp-away">'
                + esc(
                    texts.gettext(
                        "Away until {date}. Please contact {deputy} instead.",
                        date=texts.date(absence.end),
                        deputy=deputy_text,
                    )
                )
                + "</span>"
            )
        else:
            upcoming = [
                a
                for a in contact.away
                if today < a.start <= today + dt.timedelta(days=ANNOUNCE_ABSENCE_DAYS)
            ]
            for a in upcoming:
                item.append(
                    '<span class="mp-away-soon">'
                    + esc(
                        texts.gettext(
                            "Away from {start} to {end}; {deputy} will stand in.",
                            start=texts.date(a.start),
                            end=texts.date(a.end),
                            deputy=a.deputy,
                        )
                    )
                    + "</span>"
                )
        lines.append("<li>" + " ".join(item) + "</li>")
    lines.append("</ul>")
    if client.response_time:
        lines.append(
            '<p class="mp-response-time">'
            + esc(texts.gettext("We answer {promise}.", promise=client.response_time))
            + "</p>"
        )
    out.append(html_block(lines))
    return "".join(out)

"""Who of the agency the client can reach on a day: a contact, or their deputy while they are
away. Plain data; the contacts section of the pages and the letters' Reply-To and signature
both ask here."""

from __future__ import annotations

import datetime as dt

from milepost.model import Client, Contact


def contact_named(client: Client, name: str) -> Contact | None:
    """The client's contact called `name` (a deputy is named by name), if listed."""
    for contact in client.contacts:
        if contact.name == name:
            return contact
    return None


def reachable_contact(client: Client, day: dt.date) -> Contact | None:
    """The person who answers the client on `day`: the first contact, or that contact's deputy
    while the contact is away (a deputy not listed among the contacts is a contact with only a
    name). None when the client lists no contacts."""
    if not client.contacts:
        return None
    first = client.contacts[0]
    absence = first.absence_on(day)
    if absence is None:
        return first
    return contact_named(client, absence.deputy) or Contact(name=absence.deputy)

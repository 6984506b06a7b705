"""An address no mail server takes never reaches smtplib (which raised UnicodeEncodeError in the
middle of a conversation, leaving the letter of unknown fate): `check` refuses it first
(golden case letter_people), and the sender stops before anything is sent or recorded."""

from __future__ import annotations

from email.headerregistry import Address
from email.message import EmailMessage

import pytest

from milepost.errors import LetterError
from milepost.publish.letters import _recipients


def message_to(*addresses: Address) -> EmailMessage:
    message = EmailMessage()
    message["To"] = addresses
    return message


def test_plain_addresses_are_the_recipients_once_each() -> None:
    marta = Address("Marta Lis, Head of Online Sales", addr_spec="marta.lis@acme-retail.example")
    jan = Address("Jan", addr_spec="jan@acme-retail.example")
    assert _recipients(message_to(marta, jan, marta)) == ("marta.lis@acme-retail.example", "jan@acme-retail.example")


@pytest.mark.parametrize("address", ["jan@złoty-kłos.pl", "ewa@acme\u200b-retail.example"])
def test_an_address_outside_ascii_stops_the_letter_with_one_line(address: str) -> None:
    with pytest.raises(LetterError) as raised:
        _recipients(message_to(Address("Someone", addr_spec=address)))
    text = str(raised.value)
    assert "\n" not in text and "nothing was sent" in text and "milepost check" in text
    assert ascii(address) in text  # the invisible character is shown as its escape

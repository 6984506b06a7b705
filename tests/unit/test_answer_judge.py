"""One received message judged: bad and hostile input is refused or bounded, never run, and
the reason is recorded."""

from __future__ import annotations

import datetime as dt

from milepost.answer_reference import Action, answerable_items, reference
from milepost.answers.judge import MAX_WORDS, authentication_failure, expected, judge
from milepost.answers.mailbox import RawMessage
from milepost.model import ChangeRequest, ChangeStatus, Client, LetterSchedule, Portal, Project, Recipient

SECRET = b"s" * 40
NOW = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)
CLIENTS = (
    Client(slug="acme", name="ACME", letters=LetterSchedule(to=(Recipient("Marta Lis", "marta@acme.example"),))),
    Client(slug="other", name="Other", letters=LetterSchedule(to=(Recipient("Olga", "olga@other.example"),))),
)
PROJECTS = (
    Project(slug="shop", client="acme", name="Shop",
            changes=(ChangeRequest(id="CR-3", title="Gift cards", status=ChangeStatus.PROPOSED, hours=24),)),
    Project(slug="app", client="other", name="App",
            changes=(ChangeRequest(id="CR-1", title="Dark mode", status=ChangeStatus.PROPOSED, hours=8),)),
)
PORTAL = Portal(CLIENTS, PROJECTS)
KNOWN = expected(PORTAL, SECRET, ())


def code(project: int) -> str:
    item = next(answerable_items(PROJECTS[project]))
    return reference(SECRET, item, Action.ACCEPT)


def raw(headers: str, body: bytes = b"Yes.\r\n") -> RawMessage:
    data = headers.replace("\n", "\r\n").encode() + b"\r\n" + body
    return RawMessage("test", data, len(data))


def test_a_valid_reference_from_another_clients_address_is_refused() -> None:
    judged = judge(raw(f"From: olga@other.example\nSubject: Accept [{code(0)}]\nMessage-ID: <1@x>\n"), KNOWN, NOW)
    assert judged.client == "other" and not judged.entry.applied
    assert judged.entry.reason == f"{code(0)} is for an item of acme, but olga@other.example answers for other"


def test_html_is_read_as_text_and_scripts_are_never_kept() -> None:
    body = (
        b"Content-Type: text/html; charset=utf-8\r\n\r\n"
        b"<p>Yes, <b>go ahead</b>.</p><script>steal()</script><style>p{}</style>"
    )
    message = raw(f"From: marta@acme.example\nSubject: Accept [{code(0)}]\nMIME-Version: 1.0\n", b"")
    judged = judge(RawMessage("t", message.data.replace(b"\r\n\r\n", b"\r\n", 1) + body, 0), KNOWN, NOW)
    assert judged.entry.applied
    assert judged.entry.words == "Yes, go ahead."


def test_encoded_words_non_utf8_and_line_breaks_in_names() -> None:
    headers = (
        "From: =?iso-8859-2?q?Marta_=A3ys=0D=0ABcc=3A_x?= <marta@acme.example>\n"
        f"Subject: =?utf-8?q?Akceptuj=C4=99?= [{code(0)}]\nContent-Type: text/plain; charset=iso-8859-2\n"
    )
    judged = judge(raw(headers, "Zgoda, dzięki.\r\n".encode("iso-8859-2")), KNOWN, NOW)
    assert judged.entry.applied
    assert "\n" not in judged.entry.name and "\r" not in judged.entry.name
    assert judged.entry.name.startswith("Marta Łys")
    assert judged.entry.words == "Zgoda, dzięki."
    assert judged.entry.message_id.startswith("<sha256-")  # no Message-ID: the message's digest


def test_a_huge_body_is_kept_short() -> None:
    judged = judge(raw(f"From: marta@acme.example\nSubject: [{code(0)}]\n", b"word " * 500_000), KNOWN, NOW)
    assert len(judged.entry.words) <= MAX_WORDS


def test_only_a_trusted_servers_failing_verdict_counts() -> None:
    from email import message_from_string, policy

    def verdict(*headers: str) -> str:
        text = "".join(f"Authentication-Results: {h}\n" for h in headers) + "\n"
        message = message_from_string(text, policy=policy.default)
        return authentication_failure(message, ("mx.agency.example",))  # type: ignore[arg-type]

    header = "mx.agency.example; spf=pass; dmarc=FAIL header.from=acme.example"
    assert verdict(header) == "mx.agency.example says dmarc=fail"
    assert verdict("evil.example; dkim=fail") == ""
    assert verdict("mx.agency.example; dkim=pass; spf=pass") == ""
    assert verdict("mx.agency.example 1; dkim=permerror") == "mx.agency.example says dkim=permerror"

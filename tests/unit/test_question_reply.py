"""The agency's reply to a client's question: what `milepost inbox` keeps of it (bounded, the
quoted lines left out, redacted for the client) and how the project page shows it (escaped,
under the question)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import markdown

from milepost.answer_reference import Action, project_item, reference
from milepost.answers.applied import applied_answers
from milepost.answers.judge import MAX_WORDS, expected, judge
from milepost.answers.mailbox import RawMessage
from milepost.answers.responses import ResponseEntry, client_responses, measure, read_responses, record_responses
from milepost.i18n import texts_for
from milepost.model import Client, LetterSchedule, Portal, Project, Recipient
from milepost.publish.feeds import atom_feed
from milepost.publish.status_json import project_status
from milepost.render.answer_views import AnswerSetup, questions
from milepost.render.project_page import ProjectView, render_project_page
from milepost.status.working_time import DEFAULT_WORKING_HOURS

SECRET = b"s" * 40
NOW = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)
CLIENT = Client(
    slug="acme", name="ACME", timezone="Europe/Warsaw", response_hours=24.0,
    letters=LetterSchedule(to=(Recipient("Marta Lis", "marta@acme.example"),)),
)
PROJECT = Project(slug="shop", client="acme", name="Shop")
KNOWN = expected(Portal((CLIENT,), (PROJECT,)), SECRET, ())
SECRET_WORDS = "Kx9!mQ2#vL"


def message(headers: str, body: bytes) -> RawMessage:
    data = headers.replace("\n", "\r\n").encode() + b"\r\n" + body
    return RawMessage("test", data, len(data))


def question_and_reply(reply_body: bytes) -> tuple[RawMessage, RawMessage]:
    code = reference(SECRET, project_item(PROJECT), Action.ASK)
    asked = message(
        f"From: Marta Lis <marta@acme.example>\nSubject: A question [{code}]\nMessage-ID: <q@acme.example>\n"
        "Date: Fri, 04 Dec 2026 10:30:00 +0100\n",
        b"How do I log in to staging?\r\n",
    )
    reply = message(
        "From: =?utf-8?q?Piotr_Zieli=C5=84ski?= <piotr@agency.example>\nSubject: Re: A question\n"
        "Message-ID: <r@agency.example>\nIn-Reply-To: <q@acme.example>\nDate: Fri, 04 Dec 2026 11:02:00 +0100\n"
        "MIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n",
        reply_body,
    )
    return asked, reply


HOSTILE = (
    "<p>Log in as <b>marta</b>; the password is " + SECRET_WORDS + " &lt;img src=x onerror=alert(1)&gt;</p>"
    "<script>steal()</script><p>&gt; How do I log in to staging?</p>"
).encode()


def test_the_reply_is_kept_without_quotes_scripts_or_secrets_and_shown_escaped(tmp_path: Path) -> None:
    projects = tmp_path
    asked, reply = question_and_reply(HOSTILE)
    judged = [judge(asked, KNOWN, NOW), judge(reply, KNOWN, NOW)]
    record_responses(projects, measure(judged, (CLIENT,), DEFAULT_WORKING_HOURS, NOW))
    (kept,) = read_responses(projects, "acme")
    assert kept.reply_name == "Piotr Zieliński"
    assert SECRET_WORDS not in kept.reply_words and "[hidden]" in kept.reply_words
    assert "steal()" not in kept.reply_words and "How do I log in" not in kept.reply_words  # script, quote
    assert kept.reply_words.startswith("Log in as marta; the password is ")

    setup = AnswerSetup(answers=applied_answers([vars(judged[0].entry)]), timezone="Europe/Warsaw", replies=(kept,))
    view = ProjectView(CLIENT, PROJECT, NOW.date(), (), answers=setup)
    page = markdown.markdown(render_project_page(view, texts_for("en")))
    shown = page[page.index('<ul class="mp-questions">') :]
    assert "Answered by Piotr Zieliński on 4 December 2026, 11:02:" in shown
    assert "&lt;img src=x onerror=alert(1)&gt;" in shown and "<img" not in shown and "<script" not in shown
    assert SECRET_WORDS not in page

    status = project_status(CLIENT, PROJECT, (), NOW.date(), answers=setup)
    (question,) = status["answers"]
    assert question["answer"]["name"] == "Piotr Zieliński" and SECRET_WORDS not in json.dumps(status)

    # The project's Atom feed: the question's entry carries the reply, escaped and redacted, and
    # is dated by the reply, so a feed reader shows it again once answered.
    feed = atom_feed(CLIENT, PROJECT, (), NOW.date(), texts=texts_for("en"), base_url="", answers=setup).decode()
    entry = feed[feed.index(":answer:") :]
    entry = entry[: entry.index("</entry>")]
    assert "Answered by Piotr Zieliński on 4 December 2026, 11:02:" in entry
    assert "<img" not in entry and "<script" not in entry and "steal()" not in entry
    assert SECRET_WORDS not in feed
    assert "<updated>2026-12-04T11:02:00+01:00</updated>" in entry  # the reply, not the question (10:30)


def test_a_huge_reply_is_kept_short() -> None:
    asked, reply = question_and_reply(b"<p>" + b"word " * 500_000 + b"</p>")
    judged = [judge(asked, KNOWN, NOW), judge(reply, KNOWN, NOW)]
    (entry,) = measure(judged, (CLIENT,), DEFAULT_WORKING_HOURS, NOW).entries["acme"]
    assert 0 < len(entry.reply_words) <= MAX_WORDS


def test_an_entry_written_before_replies_were_kept_still_reads_and_shows_no_reply(tmp_path: Path) -> None:
    projects = tmp_path
    (projects / "acme").mkdir()
    (projects / "acme/responses.yml").write_text(
        "- {message_id: <q@acme.example>, received: '2026-12-04T10:30:00+01:00', name: Marta Lis,"
        " replied: '2026-12-04T11:02:00+01:00', reply_id: <r@agency.example>, hours: 0.53, business: false,"
        " promised: 24.0}\n"
    )
    (old,) = read_responses(projects, "acme")
    assert old == ResponseEntry("<q@acme.example>", "2026-12-04T10:30:00+01:00", "Marta Lis",
                                "2026-12-04T11:02:00+01:00", "<r@agency.example>", 0.53, False, 24.0)
    asked, _ = question_and_reply(b"")
    entry = judge(asked, KNOWN, NOW).entry
    setup = AnswerSetup(answers=applied_answers([vars(entry)]), replies=(old,))
    (question,) = questions(PROJECT, setup, texts_for("en"))
    assert question.reply is None


def test_without_a_measurable_promise_only_a_questions_reply_is_kept_and_never_counted(tmp_path: Path) -> None:
    """A client promised "within one business hour" in words only: its question's reply is kept
    to be shown (in hours on the clock, promised 0), its other messages are not measured, and
    the kept reply never counts in the figures, not even once the promise becomes measurable."""
    client = replace(CLIENT, response_hours=None)
    known = expected(Portal((client,), (PROJECT,)), SECRET, ())
    asked, reply = question_and_reply(b"<p>Use the staging link from the letter.</p>")
    other = message(
        "From: marta@acme.example\nSubject: Hello\nMessage-ID: <o@acme.example>\n"
        "Date: Fri, 04 Dec 2026 10:40:00 +0100\n",
        b"Just saying hello.\r\n",
    )
    hello = message(
        "From: piotr@agency.example\nSubject: Re: Hello\nMessage-ID: <r2@agency.example>\n"
        "In-Reply-To: <o@acme.example>\nDate: Fri, 04 Dec 2026 11:00:00 +0100\n",
        b"Hello!\r\n",
    )
    judged = [judge(m, known, NOW) for m in (asked, reply, other, hello)]
    measured = measure(judged, (client,), DEFAULT_WORKING_HOURS, NOW)
    assert measured.waiting == ()
    record_responses(tmp_path, measured)
    (kept,) = read_responses(tmp_path, "acme")
    assert (kept.message_id, kept.promised, kept.business, kept.hours) == ("<q@acme.example>", 0.0, False, 0.53)
    assert kept.reply_words == "Use the staging link from the letter."
    assert client_responses(tmp_path, client) is None
    assert client_responses(tmp_path, replace(client, response_hours=1.0)) is None  # nothing measured against it

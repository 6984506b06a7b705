"""The client's answers on its site: the record of projects/<client>/answers.yml shown beside
each item ("Accepted by Marta Lis by e-mail on ..."), a change request decided on the record
gone from "Waiting on you", a changed one asking for a fresh answer, the page of agreements,
the feed and status.json; and, end to end, a weekly letter's Accept link answered as a client
would (a real message appended to a real Dovecot), `milepost inbox`, a rebuild.

Each build is `milepost build` run as a subprocess over a copy of the demo portal."""

from __future__ import annotations

import datetime as dt
import email
import json
import os
import re
import ssl
import subprocess
import sys
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
import yaml

from conftest import make_demo_repos_once
from helpers import DEMO_ANSWER_SECRET, DEMO_TODAY, Dovecot, demo_portal_copy, self_signed_certificate
from milepost.answer_reference import Action, ItemKind, change_item, reference
from milepost.answers.record import AnswerEntry, append_entries
from milepost.load.project_folders import read_project_folders

MARTA = "marta.lis@acme-retail.example"
RECORD = Path("projects/acme-retail/answers.yml")
WEBSHOP = Path("projects/acme-retail/webshop.yml")
ACCEPTED = "Accepted by Marta Lis by e-mail on 23 November 2026, 10:14"
DEMO_TODAY_AT_NINE = dt.datetime(2026, 11, 24, 9, 0, tzinfo=ZoneInfo("Europe/Warsaw"))


def run(config: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("MILEPOST_")}
    environ.update(env if env is not None else {"MILEPOST_ANSWER_SECRET": DEMO_ANSWER_SECRET})
    command = [sys.executable, "-m", "milepost.cli", *args, "-f", str(config), "--today", DEMO_TODAY.isoformat()]
    return subprocess.run(command, env=environ, cwd=config.parent, capture_output=True, text=True, timeout=600)


def build(config: Path, env: dict[str, str] | None = None) -> Path:
    done = run(config, "build", "--client", "acme-retail", env=env)
    assert done.returncode == 0, done.stderr
    return config.parent / "site/acme-retail"


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def cr3_entry(portal: Path, message_id: str, *, applied: bool = True, action: Action = Action.ACCEPT) -> AnswerEntry:
    reading = read_project_folders(portal / "projects", today=DEMO_TODAY)
    project = next(p for p in reading.projects if p.client == "acme-retail" and p.slug == "webshop")
    item = change_item(project, next(c for c in project.changes if c.id == "CR-3"))
    return AnswerEntry(
        received="2026-11-23T10:14:00+01:00", name="Marta Lis", address=MARTA, project="webshop",
        kind=ItemKind.CHANGE_REQUEST.value, item="CR-3", action=action.value, version=item.version,
        reference=reference(DEMO_ANSWER_SECRET.encode(), item, action), message_id=message_id, sha256="0" * 64,
        words="Yes, go ahead.", applied=applied, reason="" if applied else "the mail server's check failed",
    )


@pytest.fixture
def portal(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    make_demo_repos_once(tmp_path_factory)
    return demo_portal_copy(tmp_path)


def test_an_accepted_change_request_is_shown_as_accepted_and_leaves_waiting_on_you(portal: Path) -> None:
    root = portal.parent
    append_entries(root / RECORD, [cr3_entry(root, "<cr3@acme-retail.example>")])
    site = build(portal)
    page = (site / "webshop/index.html").read_text()
    changes = text_of(page.split('id="changes"', 1)[1].split("</table>", 1)[0])
    assert f"CR-3 Gift cards Accepted ✓ {ACCEPTED}" in changes
    waiting = text_of(page.split('id="waiting-on-you"', 1)[1].split("</ul>", 1)[0])
    assert "CR-3" not in waiting and "Logo files in SVG format" in waiting
    assert "Accept%3A%20CR-3" not in page  # nothing left to answer about it
    assert "Your decision on CR-3" not in (site / "index.html").read_text()  # nor on the home page
    agreements = text_of((site / "agreements/index.html").read_text())
    assert "CR-3: Gift cards New online shop " + ACCEPTED + " Yes, go ahead." in agreements
    # The demo's own CR-4 answer (20 November) comes after the newer one.
    assert agreements.index("CR-3: Gift cards") < agreements.index("CR-4: Order tracking link")
    status = json.loads((site / "webshop/status.json").read_text())
    assert status["waiting_for_decision"] == []
    newest = status["answers"][0]
    assert (newest["item"], newest["action"], newest["current"]) == ("CR-3", "accept", True)
    assert newest["received"] == "2026-11-23T10:14:00+01:00" and newest["sentence"] == ACCEPTED
    feed = (site / "webshop/feed.xml").read_text()
    assert f"<title>CR-3: Gift cards: {ACCEPTED}</title>" in feed


def test_a_change_request_changed_after_the_answer_needs_a_fresh_one(portal: Path) -> None:
    root = portal.parent
    append_entries(root / RECORD, [cr3_entry(root, "<cr3@acme-retail.example>")])
    # The team changes CR-3's hours after Marta Lis accepted 24 hours.
    webshop = root / WEBSHOP
    webshop.write_text(webshop.read_text().replace("id: CR-3, title: Gift cards, status: proposed, hours: 24",
                                                   "id: CR-3, title: Gift cards, status: proposed, hours: 30"))
    page = (build(portal) / "webshop/index.html").read_text()
    waiting = page.split('id="waiting-on-you"', 1)[1].split("</ul>", 1)[0]
    assert "Your decision on CR-3" in waiting
    assert ("Marta Lis answered an earlier version by e-mail on 23 November 2026, 10:14; it has changed since, "
            "so this version needs a fresh answer.") in text_of(waiting)
    accept = re.search(r'href="(mailto:[^"]*Accept%3A%20CR-3[^"]*)"', waiting)
    assert accept is not None and "Hours%3A%2030" in accept[1]
    assert ACCEPTED not in page
    status = json.loads((build(portal) / "webshop/status.json").read_text())
    assert status["waiting_for_decision"] == ["CR-3"] and status["answers"][0]["current"] is False


def test_a_refused_answer_is_not_shown_to_the_client(portal: Path) -> None:
    root = portal.parent
    append_entries(root / RECORD, [cr3_entry(root, "<forged@acme-retail.example>", applied=False)])
    site = build(portal)
    page = (site / "webshop/index.html").read_text()
    assert "Accepted by Marta Lis by e-mail on 23 November" not in page
    assert "Your decision on CR-3" in page
    assert "forged" not in (site / "webshop/status.json").read_text()


def test_without_the_secret_the_build_says_so_once_and_shows_no_links_but_the_record(portal: Path) -> None:
    done = run(portal, "build", env={})
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("answers.address is set, but no answer links are shown") == 1, done.stderr
    site = portal.parent / "site"
    assert not [p for p in site.glob("*/**/*.html") if "mailto:answers@" in p.read_text()]
    assert "Accepted by Marta Lis by e-mail on 20 November 2026, 10:14" in (
        site / "acme-retail/webshop/index.html"
    ).read_text()
    assert json.loads((site / "acme-retail/webshop/status.json").read_text())["answer_links"] == []


USER, PASSWORD = "answers@agency.example", "Imap-s3cret-Pass-42"


def test_a_weekly_letters_accept_link_answered_by_mail_shows_on_the_rebuilt_page(
    portal: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """End to end: the letter's link, the client's mail program (a message made from the link,
    appended to a real IMAP server), `milepost inbox`, and the page built again."""
    root = portal.parent
    out = root / "out"
    assert run(portal, "letters", "--out", str(out)).returncode == 0
    (weekly,) = (out / "acme-retail").glob("*-weekly-*.eml")
    letter = email.message_from_bytes(weekly.read_bytes(), policy=policy.default)
    html = letter.get_body(("html",)).get_content()
    href = re.search(r'href="(mailto:[^"]+)"[^>]*>Accept<', html)
    assert href is not None, html
    url = urlsplit(href[1].replace("&amp;", "&"))
    fields = parse_qs(url.query)
    # What a mail program does with the link: To, Subject and body as they are given.
    answer = EmailMessage()
    answer["From"] = f"Marta Lis <{MARTA}>"
    answer["To"] = url.path
    answer["Subject"] = fields["subject"][0]
    answer["Date"] = format_datetime(DEMO_TODAY_AT_NINE)
    answer["Message-ID"] = "<weekly-accept@acme-retail.example>"
    answer.set_content(fields["body"][0].replace("\r\n", "\n") + "Yes, go ahead with the gift cards.\n")
    assert answer["Subject"].startswith("Accept: CR-3: Gift cards [MP-")

    certificate = self_signed_certificate(tmp_path_factory.mktemp("tls"))
    with Dovecot(certificate, USER, PASSWORD) as server:
        server.append(answer.as_bytes(), context=ssl.create_default_context(cafile=str(certificate[0])))
        done = run(portal, "inbox", env={
            "MILEPOST_ANSWER_SECRET": DEMO_ANSWER_SECRET,
            "MILEPOST_IMAP_URL": f"imap://answers%40agency.example:{PASSWORD}@127.0.0.1:{server.port}/INBOX",
            "SSL_CERT_FILE": str(certificate[0]),
        })
    assert done.returncode == 0, done.stderr
    assert "acme-retail: CR-3 accept from Marta Lis" in done.stdout and "applied" in done.stdout
    recorded = yaml.safe_load((root / RECORD).read_text())
    assert recorded[-1]["applied"] is True and "Yes, go ahead with the gift cards." in recorded[-1]["words"]

    page = (build(portal) / "webshop/index.html").read_text()
    assert "Accepted by Marta Lis by e-mail on 24 November 2026, 09:00" in text_of(page)
    assert "Your decision on CR-3" not in page

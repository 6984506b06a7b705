"""The letters' archive on the client's site, built for real: letters sent to a real SMTP
server (aiosmtpd) are on record, and the next build lists exactly those, each client only its
own, each letter on its own page with the text the client received. Letters merely written
are never listed; a protected site's archive is encrypted like its other pages."""

from __future__ import annotations

import email
import html
import json
import os
import re
import subprocess
import sys
from email import policy
from pathlib import Path

import pytest

from conftest import make_demo_repos_once
from helpers import DEMO_LETTERS, DEMO_LETTERS_OF, DEMO_TODAY, SmtpCapture, demo_portal_copy
from milepost.mkdocs.build import build_clients

TODAY = DEMO_TODAY.isoformat()
PASSWORD_VARIABLE = "KLOS_SITE_PASSWORD"
PASSWORD = "Marmalade-Quokka-Lantern-42"
# The demo clients that get letters (helpers.DEMO_LETTERS_OF), their archive's title in their
# language, and one that gets none.
ARCHIVE_TITLE = {
    "acme-retail": "Letters",
    "kavyarnia-zerno": "Листи",
    "piekarnia-zloty-klos": "Listy",
    "shkola-poliglot": "Письма",
    "tischlerei-becker": "E-Mails",
}
WITH_LETTERS = tuple(DEMO_LETTERS_OF)
WITHOUT_LETTERS = "northwind-clinic"


@pytest.fixture
def portal(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    make_demo_repos_once(tmp_path_factory)
    return demo_portal_copy(tmp_path)


def letters(config: Path, *args: str, url: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MILEPOST_") or k == "MILEPOST_ANSWER_SECRET"}
    if url is not None:
        env["MILEPOST_SMTP_URL"] = url
    command = [sys.executable, "-m", "milepost.cli", "letters", "-f", str(config), "--today", TODAY, *args]
    result = subprocess.run(command, env=env, cwd=config.parent, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return result


def build(config: Path, site: Path, *clients: str) -> Path:
    outcome = build_clients(config, clients=list(clients), site_dir=site, today=DEMO_TODAY)
    assert outcome.ok, outcome.failed
    return site


def received(server: SmtpCapture) -> dict[str, list[email.message.EmailMessage]]:
    """The messages the server accepted, by the client whose letters.to they went to."""
    recipients = {
        "marta.lis@acme-retail.example": "acme-retail",
        "andrii@zerno.example": "kavyarnia-zerno",
        "joanna@zlotyklos.example": "piekarnia-zloty-klos",
        "anna@poliglot.example": "shkola-poliglot",
        "klaus@tischlerei-becker.example": "tischlerei-becker",
    }
    by_client: dict[str, list] = {}
    for raw in server.messages:
        message = email.message_from_bytes(raw, policy=policy.default)
        address = message["To"].addresses[0].addr_spec
        by_client.setdefault(recipients[address], []).append(message)
    return by_client


def content(page: Path) -> str:
    """The page's article, its text unescaped (tags kept)."""
    text = page.read_text(encoding="utf-8")
    start, end = text.index('<article class="md-content__inner'), text.index("</article>")
    return html.unescape(text[start:end])


def listed(archive: Path) -> list[tuple[str, str]]:
    """(subject, href) of each letter on the archive page, in its order."""
    items = re.findall(r'<li><a href="([^"]+)">([^<]+)</a>', content(archive))
    return [(subject, href) for href, subject in items]


def text_of_page(page: Path) -> str:
    """The letter's text as the page shows it: its paragraphs' lines, tags removed."""
    block = content(page).split('<div class="mp-letter">', 1)[1].split("</div>", 1)[0]
    paragraphs = re.findall(r"<p>(.*?)</p>", block, flags=re.S)
    return "\n\n".join(
        "\n".join(re.sub(r"</?strong>", "", line) for line in paragraph.split("<br>")) for paragraph in paragraphs
    )


def text_as_received(message: email.message.EmailMessage) -> str:
    """The plain-text part with the headings' "=" underlines left out (the page bolds the
    heading instead) and the blank lines between paragraphs kept single."""
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    lines = [line.rstrip() for line in text.split("\n") if not re.fullmatch(r"=+", line.strip() or "x")]
    paragraphs, current = [], []
    for line in lines:
        if line.strip():
            current.append(line)
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    if current:
        paragraphs.append("\n".join(current))
    return "\n\n".join(paragraphs)


def test_the_archive_lists_exactly_the_letters_sent_and_each_shows_its_text(portal: Path, tmp_path: Path) -> None:
    with SmtpCapture() as server:
        letters(portal, "--send", url=server.url)
    sent = received(server)
    assert {client: len(messages) for client, messages in sent.items()} == {
        client: len(kinds) for client, kinds in DEMO_LETTERS_OF.items()
    }
    site = build(portal, tmp_path / "site", *WITH_LETTERS, WITHOUT_LETTERS)

    for client in WITH_LETTERS:
        archive = site / client / "letters" / "index.html"
        items = listed(archive)
        # Exactly the letters this client was sent, and nothing of the other client's.
        assert sorted(subject for subject, _ in items) == sorted(str(m["Subject"]) for m in sent[client])
        others = [str(m["Subject"]) for other, messages in sent.items() if other != client for m in messages]
        site_text = "".join(p.read_text(encoding="utf-8") for p in (site / client).rglob("*.html"))
        assert not any(subject in site_text for subject in others)
        # The archive is in the navigation of every page of the client's site, in its language.
        title = ARCHIVE_TITLE[client]
        assert 'href="letters/index.html" class="md-nav__link">' in (site / client / "index.html").read_text()
        assert re.search(rf"<h1[^>]*>{title}</h1>", content(archive))
        for message in sent[client]:
            href = dict(items)[str(message["Subject"])]
            page = archive.parent / href
            # The words as sent, paragraph by paragraph; the lines the text part's wrapping
            # broke are joined, so the browser wraps them to the screen.
            shown = [p.split() for p in text_of_page(page).split("\n\n")]
            assert shown == [p.split() for p in text_as_received(message).split("\n\n")], page
            assert f"<title>{html.escape(str(message['Subject']), quote=False)}" in page.read_text(encoding="utf-8")
            assert 'href="../index.html"' in content(page)

    # A client that was sent nothing has no archive, and no link to one.
    assert not (site / WITHOUT_LETTERS / "letters").exists()
    assert "letters/index.html" not in (site / WITHOUT_LETTERS / "index.html").read_text(encoding="utf-8")


def test_letters_only_written_are_not_in_the_archive(portal: Path, tmp_path: Path) -> None:
    letters(portal, "--out", str(tmp_path / "written"))
    assert len(list((tmp_path / "written").rglob("*.eml"))) == DEMO_LETTERS
    site = build(portal, tmp_path / "site", *WITH_LETTERS)
    for client in WITH_LETTERS:
        assert not (site / client / "letters").exists()
        assert "letters/index.html" not in (site / client / "index.html").read_text(encoding="utf-8")


def test_an_older_record_without_the_text_still_builds_and_lists_its_letters(portal: Path, tmp_path: Path) -> None:
    with SmtpCapture() as server:
        letters(portal, "--client", "acme-retail", "--send", url=server.url)
    record = portal.parent / "letters" / "sent.json"
    data = json.loads(record.read_text(encoding="utf-8"))
    for entry in data["letters"]:
        del entry["text"]  # as a record written before the text was kept
    record.write_text(json.dumps(data), encoding="utf-8")
    site = build(portal, tmp_path / "site", "acme-retail")
    archive = content(site / "acme-retail" / "letters" / "index.html")
    for entry in data["letters"]:
        assert f"<span>{entry['subject']}</span>" in archive
    assert archive.count("the text of this letter was not kept") == len(data["letters"])
    assert [p.name for p in (site / "acme-retail" / "letters").iterdir()] == ["index.html"]


def test_a_protected_sites_archive_is_encrypted(portal: Path, tmp_path: Path, monkeypatch) -> None:
    client_file = portal.parent / "projects" / "piekarnia-zloty-klos" / "client.yml"
    client_file.write_text(
        client_file.read_text(encoding="utf-8") + f"password_env: {PASSWORD_VARIABLE}\n", encoding="utf-8"
    )
    with SmtpCapture() as server:
        letters(portal, "--client", "piekarnia-zloty-klos", "--send", url=server.url)
    messages = received(server)["piekarnia-zloty-klos"]
    monkeypatch.setenv(PASSWORD_VARIABLE, PASSWORD)
    site = build(portal, tmp_path / "site", "piekarnia-zloty-klos")
    pages = sorted((site / "piekarnia-zloty-klos" / "letters").rglob("*.html"))
    assert len(pages) == 1 + len(messages)  # the archive and a page per letter, all encrypted
    body_words = ["Dzień dobry", "Joanna", "BLIK"]
    for page in pages:
        text = html.unescape(page.read_text(encoding="utf-8"))
        assert '{"v":1,' in text, page  # the encrypted page (publish/protection.py)
        for message in messages:
            assert str(message["Subject"]) not in text
        for word in body_words:
            assert word not in text, (word, page)

"""The answer links in Chromium, in every language of the demo: each is a `mailto:` link to the
agency's answering address whose subject names the answer in the client's words and carries the
keyed reference, and whose body restates what is answered; on the webshop, the change request
accepted on the record is shown as accepted, with no link left to answer it."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from helpers import screenshot

ADDRESS = "answers@agency.example"
REFERENCE = re.compile(r" \[MP-[A-Z2-7]{16}\]$")

# Page, the words of "Ask a question" and of another answer there (Reply, or Confirm where nothing
# waits on the client), and the first line of a question's body,
# as a native speaker writes them (not read from the catalogs the links are made from).
PAGES = {
    "en": ("acme-retail/webshop", "Ask a question", "Reply", "My question:"),
    "pl": ("piekarnia-zloty-klos/zamowienia", "Zadaj pytanie", "Odpowiedz", "Moje pytanie:"),
    "ru": ("shkola-poliglot/kabinet", "Задать вопрос", "Ответить", "Мой вопрос:"),
    "uk": ("kavyarnia-zerno/menu", "Поставити запитання", "Відповісти", "Моє запитання:"),
    "de": ("tischlerei-becker/website", "Eine Frage stellen", "Bestätigen", "Meine Frage:"),
}


def links_on(page) -> list[tuple[str, str]]:
    """(visible label, href) of every answer link on the page."""
    found = page.eval_on_selector_all(
        "a.mp-answer-link", "links => links.map(a => [a.textContent.trim(), a.getAttribute('href')])"
    )
    return [(label, href) for label, href in found]


@pytest.mark.parametrize("language", sorted(PAGES))
def test_the_answer_links_open_a_prepared_mail_in_the_clients_language(page, demo_url: str, language: str) -> None:
    path, ask, other, question = PAGES[language]
    page.goto(f"{demo_url}/{path}/index.html")
    links = links_on(page)
    labels = {label for label, _ in links}
    assert {ask, other} <= labels, labels
    references = set()
    for label, href in links:
        url = urlsplit(href)
        assert (url.scheme, url.path) == ("mailto", ADDRESS), href
        fields = parse_qs(url.query, strict_parsing=True)
        assert sorted(fields) == ["body", "subject"], href
        (subject,), (body,) = fields["subject"], fields["body"]
        # The subject starts with the answer as the client reads it on the link, in its language,
        # and ends with the reference; the body is a complete written answer.
        assert subject.startswith(f"{label}: "), (label, subject)
        found = REFERENCE.search(subject)
        assert found, subject
        references.add(found[0])
        assert "\r\n" in body and body.strip(), body
        if label == ask:
            assert body.startswith(question), body
    assert len(references) == len(links)  # one reference per item and answer
    ask_link = page.get_by_role("link", name=ask, exact=True)
    expect(ask_link).to_be_visible()
    ask_link.focus()
    assert page.evaluate("document.activeElement.getAttribute('href')").startswith("mailto:")
    assert not page.js_errors  # type: ignore[attr-defined]


def test_the_accepted_change_request_shows_who_accepted_it(page, demo_url: str) -> None:
    page.goto(f"{demo_url}/acme-retail/webshop/index.html")
    row = page.locator("#changes ~ .mp-changes tr", has_text="CR-4")
    expect(row).to_contain_text("Accepted by Marta Lis by e-mail on 20 November 2026, 10:14")
    assert "CR-4" not in " ".join(label for label, _ in links_on(page))
    assert not [href for _, href in links_on(page) if "CR-4" in href]
    row.scroll_into_view_if_needed()
    screenshot(page, "accepted-change-request")
    page.goto(f"{demo_url}/acme-retail/agreements/index.html")
    expect(page.locator("h1")).to_have_text("Agreements")
    newest = page.locator(".mp-agreements li").first
    expect(newest).to_contain_text("CR-4: Order tracking link in the confirmation e-mail")

"""Each language's demo site in Debian's Chromium: its words, dates, search and glossary."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from helpers import SCREENSHOTS, screenshot
from milepost.render.search_words import query_term


@dataclass(frozen=True)
class Site:
    language: str
    client: str
    project: str
    projects_label: str  # the "Your projects" heading
    milestones_label: str  # the "Milestones" heading
    today: str  # the demo's day, as the page writes it
    search_placeholder: str  # mkdocs-material's own words follow the language
    no_results: str
    native_word: str  # a word of the project page, typed into the search box
    term: str  # the first glossary term marked on the project page
    explanation: str


SITES = {
    site.language: site
    for site in (
        Site("en", "acme-retail", "webshop", "Your projects", "Milestones", "24 November 2026",
             "Search", "No matching documents", "refunds", "BLIK",
             "A Polish way to pay with a six-digit code from the banking app."),
        Site("pl", "piekarnia-zloty-klos", "zamowienia", "Państwa projekty", "Etapy", "24 listopada 2026",
             "Szukaj", "Brak wyników wyszukiwania", "wdrożenie", "BLIK",
             "Płatność sześciocyfrowym kodem z aplikacji banku, bez podawania numeru karty."),
        Site("uk", "kavyarnia-zerno", "menu", "Ваші проєкти", "Етапи", "24 листопада 2026\u202fр.",
             "Пошук", "Збігів не знайдено", "бронювання", "Бронювання",
             "Запис на столик на певний день і час, щоб він чекав на гостя."),
        Site("ru", "shkola-poliglot", "kabinet", "Ваши проекты", "Этапы", "24 ноября 2026\u202fг.",
             "Поиск", "Совпадений не найдено", "расписание", "личном кабинете",
             "Закрытая страница ученика, куда он входит по своему паролю."),
        Site("de", "tischlerei-becker", "website", "Ihre Projekte", "Meilensteine", "24. November 2026",
             "Suche", "Keine Suchergebnisse", "Küchen", "Aufmaß",
             "Wir messen den Raum vor Ort aus, damit die Küche oder das Möbelstück genau passt."),
    )
}
LANGUAGES = sorted(SITES)


def viewport_screenshot(page: Page, name: str) -> None:
    """What the reader sees on screen (the full-page `screenshot` is for whole pages)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def search(page: Page, word: str) -> None:
    page.locator("label.md-search__icon, .md-search__input").first.click()
    box = page.locator("input.md-search__input")
    # fill() does not trigger material's search; typing does. Playwright types a letter that is
    # not on its US keyboard (ż, ü, any Cyrillic one) as inserted text without key events;
    # material searches on key release and Milepost's script on input too. A last press of End
    # is the key-up a real keyboard gives.
    box.press_sequentially(word, delay=20)
    box.press("End")


@pytest.mark.parametrize("language", LANGUAGES)
def test_home_page_speaks_the_clients_language(page: Page, demo_url: str, language: str) -> None:
    site = SITES[language]
    page.goto(f"{demo_url}/{site.client}/index.html")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("h2#projects")).to_have_text(site.projects_label)
    expect(page.locator(".mp-facts").first).to_contain_text(site.today)
    expect(page.locator("input.md-search__input")).to_have_attribute("placeholder", site.search_placeholder)
    assert page.js_errors == []  # type: ignore[attr-defined]


@pytest.mark.parametrize("language", LANGUAGES)
def test_project_page_speaks_the_clients_language(page: Page, demo_url: str, language: str) -> None:
    site = SITES[language]
    page.goto(f"{demo_url}/{site.client}/{site.project}/index.html")
    expect(page.locator("h2#milestones")).to_have_text(site.milestones_label)
    expect(page.locator(".mp-glance .mp-facts")).to_contain_text(site.today)
    if language in ("pl", "uk"):
        screenshot(page, f"site-{language}-full")


# The page a web server shows for a wrong address, and the description of every page.
NOT_FOUND = {
    "en": ("Page not found", "All projects", "Project status for ACME Retail"),
    "pl": ("Nie znaleziono strony", "Wszystkie projekty", "Stan projektów: Piekarnia Złoty Kłos"),
    "uk": ("Сторінку не знайдено", "Усі проєкти", "Стан проєктів: Кав'ярні «Зерно»"),
    "ru": ("Страница не найдена", "Все проекты", "Статус проектов: Языковая школа «Полиглот»"),
    "de": ("Seite nicht gefunden", "Alle Projekte", "Projektstand für Tischlerei Becker"),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_not_found_page_speaks_the_clients_language(page: Page, demo_url: str, language: str) -> None:
    site = SITES[language]
    title, home, description = NOT_FOUND[language]
    page.goto(f"{demo_url}/{site.client}/404.html")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("article h1")).to_have_text(title)
    expect(page.locator('meta[name="description"]')).to_have_attribute("content", description)
    # No English line under the page.
    expect(page.locator("footer")).not_to_contain_text("Made with")
    expect(page.locator("footer")).not_to_contain_text("Material for MkDocs")
    # The way back to the client's own pages.
    page.locator("article a", has_text=home).click()
    expect(page).to_have_url(re.compile(rf"/{site.client}/index\.html$"))
    expect(page.locator("h2#projects")).to_have_text(site.projects_label)
    assert page.js_errors == []  # type: ignore[attr-defined]


def test_an_apostrophe_in_a_heading_reads_right_in_the_table_of_contents(page: Page, demo_url: str) -> None:
    page.goto(f"{demo_url}/kavyarnia-zerno/menu/index.html")
    expect(page.locator("h3#milestone-zapusk")).to_have_text("Запуск у трьох кав'ярнях")
    expect(page.locator('nav.md-nav--secondary a[href="#milestone-zapusk"]').last).to_have_text(
        "Запуск у трьох кав'ярнях"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_search_finds_a_native_word(page: Page, demo_url: str, language: str) -> None:
    site = SITES[language]
    page.goto(f"{demo_url}/{site.client}/index.html")
    search(page, site.native_word)
    result = page.locator(".md-search-result__item").first
    expect(result).to_be_visible(timeout=10_000)
    expect(page.locator(".md-search-result__list")).to_contain_text(site.native_word, ignore_case=True)
    page.locator(".md-search-result__item a").first.click()
    expect(page).to_have_url(re.compile(rf"/{site.client}/{site.project}/index\.html"))


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("wdrożenie", True),  # as written on the page, with its diacritic
        ("Wdrożenie", True),  # upper/lower case does not matter
        ("wdroż", True),  # the start of a word finds every form of it
        ("wdrożeniem", True),  # another form of the word: found by its stem
        ("wdrozenie", True),  # without the diacritic: found too
        ("WDROZENIU", True),  # both at once, in capitals
        ("wdrożyć", False),  # another word of the family, with another stem: not found
    ],
)
def test_polish_search_and_diacritics(page: Page, demo_url: str, typed: str, found: bool) -> None:
    page.goto(f"{demo_url}/piekarnia-zloty-klos/index.html")
    search(page, typed)
    meta = page.locator(".md-search-result__meta")
    if found:
        expect(page.locator(".md-search-result__item").first).to_be_visible(timeout=10_000)
        expect(page.locator(".md-search-result__list")).to_contain_text("Wdrożenie w trzech sklepach")
    else:
        # The search ran (it says it found nothing) rather than never starting.
        expect(meta).to_have_text(SITES["pl"].no_results, timeout=10_000)
        expect(page.locator(".md-search-result__item")).to_have_count(0)


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("Küchen", True),
        ("küch", True),
        ("Kuchen", True),  # without the umlaut: found too
        ("kuech", False),  # "ue" for "ü" is not folded (docs/languages.md says so)
        ("und", False),  # a German stop word: not in the index
    ],
)
def test_german_search_umlauts_and_stop_words(page: Page, demo_url: str, typed: str, found: bool) -> None:
    site = SITES["de"]
    page.goto(f"{demo_url}/{site.client}/index.html")
    search(page, typed)
    if found:
        expect(page.locator(".md-search-result__list")).to_contain_text("Küchen", timeout=10_000)
    else:
        expect(page.locator(".md-search-result__meta")).to_have_text(site.no_results, timeout=10_000)


@pytest.mark.parametrize("language", ["ru", "uk", "de"])
def test_search_reports_nothing_found_in_the_language(page: Page, demo_url: str, language: str) -> None:
    site = SITES[language]
    page.goto(f"{demo_url}/{site.client}/index.html")
    search(page, "zzzqqq")
    expect(page.locator(".md-search-result__meta")).to_have_text(site.no_results, timeout=10_000)


@pytest.mark.parametrize("language", LANGUAGES)
def test_glossary_term_explained_on_hover_and_keyboard(page: Page, demo_url: str, language: str) -> None:
    site = SITES[language]
    page.goto(f"{demo_url}/{site.client}/{site.project}/index.html")
    term = page.locator(".mp-term").filter(has=page.locator(".mp-term-word", has_text=site.term)).first
    word, tip = term.locator(".mp-term-word"), term.locator(".mp-term-tip")
    expect(word).to_have_text(re.compile(re.escape(site.term), re.IGNORECASE))
    expect(tip).to_be_hidden()
    word.hover()
    expect(tip).to_be_visible()
    expect(tip).to_have_text(site.explanation)
    expect(word).to_have_accessible_description(site.explanation)
    page.mouse.move(1, 1)
    expect(tip).to_be_hidden()
    word.focus()  # as after Tab
    expect(tip).to_be_visible()
    if language in ("pl", "uk"):
        # The picture for docs/images/site-<language>.png: the page with an explanation open.
        page.evaluate("document.activeElement.blur(); window.scrollTo(0, 0)")
        word.hover()
        viewport_screenshot(page, f"site-{language}")
        page.mouse.move(1, 1)
    page.keyboard.press("Tab")
    expect(tip).to_be_hidden()
    # ... and listed with the same explanation under "Words we use".
    expect(page.locator("#glossary + .mp-glossary, dl.mp-glossary")).to_contain_text(site.explanation)


@pytest.mark.parametrize("language", ["pl", "uk"])
def test_glossary_term_explained_on_tap(browser_context, demo_url: str, language: str) -> None:
    """A tap on a phone: real touch events (Chromium's touch emulation), no mouse involved."""
    site = SITES[language]
    page = browser_context.new_page()
    try:
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"{demo_url}/{site.client}/{site.project}/index.html")
        term = page.locator(".mp-term").first
        word, tip = term.locator(".mp-term-word"), term.locator(".mp-term-tip")
        word.scroll_into_view_if_needed()
        expect(tip).to_be_hidden()
        box = word.bounding_box()
        assert box is not None
        touch = browser_context.new_cdp_session(page)
        touch.send("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 1})
        point = {"x": box["x"] + box["width"] / 2, "y": box["y"] + box["height"] / 2}
        touch.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [point]})
        touch.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        expect(tip).to_be_visible()
        # On a phone the explanation is a strip inside the screen, never cut off at its side.
        tip_box = tip.bounding_box()
        assert tip_box is not None
        assert tip_box["x"] >= 0 and tip_box["x"] + tip_box["width"] <= 390
        assert tip_box["y"] >= 0 and tip_box["y"] + tip_box["height"] <= 844
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0
        screenshot(page, f"site-{language}-phone-tap")
        # A tap elsewhere closes it.
        touch.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": 195, "y": 120}]})
        touch.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        expect(tip).to_be_hidden()
    finally:
        page.close()


# What a reader types without diacritics or in another grammatical form, on each language's
# demo site, and words the result list then shows (as the demo's pages write it).
FORGIVING = [
    ("pl", "platnosci", "Płatności BLIK i kartą"),  # no diacritics
    ("pl", "zamowienia", "Zamówienia przez internet"),  # no diacritics
    ("pl", "wdrożeniem", "Wdrożenie w trzech sklepach"),  # instrumental of "wdrożenie"
    ("pl", "platnosciach", "Płatności BLIK i kartą"),  # locative plural, no diacritics
    ("de", "Kuchen", "Küchen"),  # no umlaut
    ("de", "Aufmass", "Aufmaß"),  # "ss" for "ß"
    ("de", "Schätzungen", "Schätzung"),  # plural
    ("ru", "оплаты", "Оплата"),  # genitive of "оплата"
    ("ru", "оплатой", "Оплата"),  # instrumental
    ("ru", "ждем", "Ждём"),  # "е" for "ё"
    ("uk", "бронюванням", "Бронювання"),  # instrumental of "бронювання"
    ("uk", "кавярнях", "кав'ярнях"),  # the apostrophe left out
    ("en", "refunded", "refunds"),  # another form
    ("en", "Refund", "refunds"),  # singular, capital
]


@pytest.mark.parametrize(("language", "typed", "shown"), FORGIVING, ids=[f"{lang}-{t}" for lang, t, _ in FORGIVING])
def test_search_forgives_diacritics_and_word_forms(
    page: Page, demo_url: str, language: str, typed: str, shown: str
) -> None:
    site = SITES[language]
    page.goto(f"{demo_url}/{site.client}/index.html")
    search(page, typed)
    results = page.locator(".md-search-result__list")
    expect(page.locator(".md-search-result__item").first).to_be_visible(timeout=10_000)
    expect(results).to_contain_text(shown)
    # The word found is marked in the results (some perhaps folded away under "more on this
    # page"), as a word typed as written is.
    word = shown.split()[0]
    expect(results.locator("mark", has_text=re.compile(f"^{re.escape(word)}$"))).not_to_have_count(0)
    # The folded words the index holds for this are never shown in a preview.
    folded = page.evaluate("word => window.milepostSearch.fold(word)", shown)
    if folded != shown.lower():
        expect(results).not_to_contain_text(folded)
    assert page.js_errors == []  # type: ignore[attr-defined]


def test_a_pasted_query_searches(page: Page, demo_url: str) -> None:
    """A paste gives the search box its text with no key released (a mouse or a phone's menu):
    `insert_text` fires only the input event, as such a paste does."""
    site = SITES["pl"]
    page.goto(f"{demo_url}/{site.client}/index.html")
    page.locator("label.md-search__icon, .md-search__input").first.click()
    box = page.locator("input.md-search__input")
    box.focus()
    page.keyboard.insert_text("zamowienia")
    expect(page.locator(".md-search-result__list")).to_contain_text("Zamówienia przez internet", timeout=10_000)
    # A second paste replaces the query, and the results follow it.
    box.select_text()
    page.keyboard.insert_text("zzzqqq")
    expect(page.locator(".md-search-result__meta")).to_have_text(site.no_results, timeout=10_000)
    expect(page.locator(".md-search-result__item")).to_have_count(0)


def test_a_query_pasted_from_the_clipboard_searches(browser_context, demo_url: str) -> None:
    """The real clipboard, pasted with the keyboard (Chromium lets no page paste by script,
    and a menu's paste is what `test_a_pasted_query_searches` does)."""
    site = SITES["de"]
    browser_context.grant_permissions(["clipboard-read", "clipboard-write"], origin=demo_url)
    page = browser_context.new_page()
    try:
        page.goto(f"{demo_url}/{site.client}/index.html")
        page.locator("label.md-search__icon, .md-search__input").first.click()
        page.locator("input.md-search__input").focus()
        page.evaluate("navigator.clipboard.writeText('Kuchen')")
        page.keyboard.press("ControlOrMeta+V")
        expect(page.locator("input.md-search__input")).to_have_value("Kuchen")
        expect(page.locator(".md-search-result__list")).to_contain_text("Küchen", timeout=10_000)
    finally:
        browser_context.clear_permissions()
        page.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_browser_folds_and_stems_as_the_index_does(page: Page, demo_url: str, language: str) -> None:
    """The two halves share their rules (render/search_words.json); this checks that the
    JavaScript applies them as the Python does, on the words of the language's demo pages."""
    site = SITES[language]
    page.goto(f"{demo_url}/{site.client}/{site.project}/index.html")
    words = sorted(set(re.findall(r"[\w'’]+", page.locator("article").inner_text())))
    assert len(words) > 100
    in_browser = page.evaluate("words => words.map(w => window.milepostSearch.queryTerm(w))", words)
    differs = {
        w: (b, query_term(w, language)) for w, b in zip(words, in_browser, strict=True) if b != query_term(w, language)
    }
    assert differs == {}


@pytest.mark.parametrize("typed", ["столик", "меню"])
def test_ukrainian_search_counts_its_results_in_words_that_fit_any_number(
    page: Page, demo_url: str, typed: str
) -> None:
    """material words every count but 1 alike ("Знайдено # збігів"), wrong for 2-4, 22-24...
    in Ukrainian; the site's own wording fits any number. `typed` finds 2 to 4 results."""
    site = SITES["uk"]
    page.goto(f"{demo_url}/{site.client}/index.html")
    search(page, typed)
    meta = page.locator(".md-search-result__meta")
    expect(meta).to_have_text(re.compile(r"^Знайдено сторінок: [234]$"), timeout=10_000)
    count = int(meta.inner_text().rsplit(" ", 1)[1])
    expect(page.locator(".md-search-result__item")).to_have_count(count)
    assert "збігів" not in meta.inner_text()

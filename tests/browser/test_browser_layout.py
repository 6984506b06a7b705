"""Every demo page on a phone, on a laptop, on paper and from the keyboard, in Chromium:
no sideways scroll, no serious axe-core finding, glossary tips that stay on screen and close
with Escape, no hidden tab stop before the content, and a print of the content alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

WIDTHS = (390, 1280)
PHONES = (320, 390)
HEIGHT = 844  # a phone's screen (390 x 844); the laptop's pages are as tall, for the same axe run
LATE_PROJECT = "acme-retail/webshop/index.html"


def demo_pages(site: Path) -> list[str]:
    """Every HTML page of every client's site, the site root and the "not found" pages too."""
    pages = sorted(str(path.relative_to(site)) for path in site.rglob("*.html"))
    assert len(pages) > 15 and LATE_PROJECT in pages
    return pages


@pytest.fixture(scope="module")
def one_page(browser_context):
    """One tab for the whole module: each test goes from page to page in it (fast)."""
    page = browser_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors  # type: ignore[attr-defined]
    yield page
    page.close()


def test_no_page_has_a_serious_or_critical_axe_finding(one_page, demo_site: Path, demo_url: str) -> None:
    axe = Axe()
    findings = []
    for width in WIDTHS:
        one_page.set_viewport_size({"width": width, "height": HEIGHT})
        for path in demo_pages(demo_site):
            one_page.goto(f"{demo_url}/{path}")
            result = axe.run(one_page).response
            assert result["testEngine"]["name"] == "axe-core"
            findings += [
                f"{width}px {path}: {v['id']} ({v['impact']}) at {[n['target'] for n in v['nodes']][:3]}"
                for v in result["violations"]
                if v["impact"] in ("serious", "critical")
            ]
    assert findings == []
    assert one_page.js_errors == []


def test_axe_does_find_what_it_is_asked_to_find(one_page, demo_url: str) -> None:
    """The check above can fail: a dialog without a name on a demo page is a serious finding."""
    one_page.goto(f"{demo_url}/{LATE_PROJECT}")
    one_page.evaluate("document.querySelector('.md-search').removeAttribute('aria-label')")
    result = Axe().run(one_page).response
    assert "aria-dialog-name" in {v["id"] for v in result["violations"] if v["impact"] == "serious"}


def test_no_page_scrolls_sideways_and_every_chart_fits_on_a_phone(one_page, demo_site: Path, demo_url: str) -> None:
    wide = []
    for width in PHONES:
        one_page.set_viewport_size({"width": width, "height": HEIGHT})
        for path in demo_pages(demo_site):
            one_page.goto(f"{demo_url}/{path}")
            scroll, inner = one_page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if scroll > inner:
                wide.append(f"{width}px {path}: {scroll}px wide")
            # Every chart is drawn, and inside the screen's width.
            for box in one_page.locator("svg.mp-chart-svg").evaluate_all(
                "svgs => svgs.map(s => { const r = s.getBoundingClientRect(); return [r.left, r.right, r.height]; })"
            ):
                if box[0] < 0 or box[1] > width or box[2] < 40:
                    wide.append(f"{width}px {path}: a chart at {box}")
    assert wide == []


@pytest.mark.parametrize("path", [LATE_PROJECT, "piekarnia-zloty-klos/zamowienia/index.html"])
def test_the_change_requests_have_the_theme_table_look_and_fit_a_phone(one_page, demo_url: str, path: str) -> None:
    one_page.set_viewport_size({"width": 1280, "height": HEIGHT})
    one_page.goto(f"{demo_url}/{path}")
    table = one_page.locator(".mp-changes .md-typeset__table table")
    expect(table).to_have_count(1)
    # material's look of a table: a framed table in the smaller type of its tables.
    look = table.evaluate("t => [getComputedStyle(t).borderTopWidth, getComputedStyle(t).fontSize,"
                          " getComputedStyle(t.querySelector('th')).fontWeight]")
    assert look[0] != "0px" and float(look[1][:-2]) < 16 and int(look[2]) >= 700, look
    one_page.set_viewport_size({"width": 320, "height": HEIGHT})
    row = one_page.locator(".mp-changes tbody tr").first
    box = row.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 320, box
    # Each cell says which column it is, the column heads being hidden on a phone.
    label = row.locator("td").nth(2).evaluate("td => getComputedStyle(td, '::before').content")
    assert label.strip('"').startswith(one_page.locator(".mp-changes th").nth(2).inner_text())


@pytest.mark.parametrize("width", WIDTHS)
def test_glossary_tips_stay_on_screen_and_close_with_escape(one_page, demo_url: str, width: int) -> None:
    one_page.set_viewport_size({"width": width, "height": HEIGHT})
    one_page.goto(f"{demo_url}/{LATE_PROJECT}")
    words = one_page.locator(".md-content .mp-term-word")
    assert words.count() >= 3
    checked = 0
    for index in range(words.count()):
        word = words.nth(index)
        word.scroll_into_view_if_needed()
        # From the keyboard: Tab from the element before the word lands on it.
        word.evaluate("w => { w.blur(); }")
        word.focus()
        one_page.keyboard.press("Shift+Tab")
        one_page.keyboard.press("Tab")
        assert word.evaluate("w => w === document.activeElement")
        tip = one_page.locator(f"#{word.get_attribute('aria-describedby')}")
        expect(tip).to_be_visible()
        box = tip.bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (index, box)
        assert box["y"] >= 0 and box["y"] + box["height"] <= HEIGHT, (index, box)
        one_page.keyboard.press("Escape")
        expect(tip).to_be_hidden()
        assert word.evaluate("w => w === document.activeElement")  # Escape leaves focus where it was
        checked += 1
    assert checked == words.count()
    # With the pointer: Escape closes the tip under the pointer too; pointing again shows it.
    word = words.first
    word.scroll_into_view_if_needed()
    one_page.locator("h1").focus()
    word.hover()
    tip = one_page.locator(f"#{word.get_attribute('aria-describedby')}")
    expect(tip).to_be_visible()
    one_page.keyboard.press("Escape")
    expect(tip).to_be_hidden()
    one_page.mouse.move(0, 0)
    word.hover()
    expect(tip).to_be_visible()


def test_a_tip_near_the_right_edge_is_moved_back_on_screen(one_page, demo_url: str) -> None:
    one_page.set_viewport_size({"width": 1280, "height": HEIGHT})
    one_page.goto(f"{demo_url}/{LATE_PROJECT}")
    word = one_page.locator(".md-content .mp-term-word").first
    # Push the word to the window's right edge: its tip would stick out by most of its width.
    word.evaluate("w => { const t = w.closest('.mp-term'); t.style.position = 'fixed';"
                  " t.style.right = '4px'; t.style.top = '300px'; t.style.left = 'auto'; }")
    word.focus()
    tip = one_page.locator(f"#{word.get_attribute('aria-describedby')}")
    box = tip.bounding_box()
    assert box is not None and box["width"] > 100 and box["x"] + box["width"] <= 1280, box


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", ["acme-retail/index.html", LATE_PROJECT, "shkola-poliglot/kabinet/index.html"])
def test_no_hidden_or_off_screen_tab_stop_before_the_content(one_page, demo_url: str, width: int, path: str) -> None:
    one_page.set_viewport_size({"width": width, "height": HEIGHT})
    one_page.goto(f"{demo_url}/{path}")
    one_page.evaluate("window.scrollTo(0, 0)")
    stops = []
    for _ in range(60):
        one_page.keyboard.press("Tab")
        stop = one_page.evaluate(
            """async () => {
              const e = document.activeElement;
              if (!e || e === document.body) return null;
              // As it looks once shown: the theme fades the "skip to content" link in, and
              // opens the search box when its field takes focus.
              await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
              document.getAnimations().forEach(a => a.finish());
              const r = e.getBoundingClientRect(), s = getComputedStyle(e);
              const shown = r.width > 1 && r.height > 1 && s.visibility !== 'hidden' && Number(s.opacity) > 0.1;
              const onScreen = r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight;
              return {what: e.outerHTML.slice(0, 90), shown, onScreen,
                      content: !!e.closest('.md-content')};
            }"""
        )
        assert stop is not None, f"focus left the page after {stops}"
        if stop["content"]:
            break
        stops.append(stop)
    else:
        pytest.fail(f"60 tab stops and still not in the content: {stops[-5:]}")
    hidden = [stop for stop in stops if not (stop["shown"] and stop["onScreen"])]
    assert hidden == [], "\n".join(str(stop) for stop in hidden)
    assert len(stops) >= 1  # at least the "skip to content" link, visible when focused


def test_the_first_phone_screen_of_home_shows_each_project_state_and_finish(
    one_page, demo_site: Path, demo_url: str
) -> None:
    homes = sorted(p.parent.name for p in demo_site.glob("*/index.html"))
    assert len(homes) >= 6
    for client in homes:
        one_page.set_viewport_size({"width": 390, "height": HEIGHT})
        one_page.goto(f"{demo_url}/{client}/index.html")
        cards = one_page.locator(".mp-card")
        assert cards.count() >= 1, client
        # Every project, by name, with the state its card gives, on the first screen.
        names = [cards.nth(i).locator(".mp-card-title").inner_text() for i in range(cards.count())]
        card_states = [cards.nth(i).locator(".mp-badge").first.inner_text() for i in range(cards.count())]
        lines = one_page.locator(".mp-states li")
        assert [lines.nth(i).locator("a").inner_text() for i in range(lines.count())] == names, client
        assert [lines.nth(i).locator(".mp-badge").inner_text() for i in range(lines.count())] == card_states
        for width in (390, 1280):  # a phone, a laptop: the list is on the first screen of both
            one_page.set_viewport_size({"width": width, "height": HEIGHT})
            for index in range(lines.count()):
                # The state, and when the project will be finished (the finish and its chance).
                for part in (".mp-badge", ".mp-states-finish"):
                    box = lines.nth(index).locator(part).bounding_box()
                    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= HEIGHT, (
                        client, width, index, part, box
                    )


def test_the_empty_part_of_a_progress_bar_is_visible(one_page, demo_url: str) -> None:
    one_page.set_viewport_size({"width": 1280, "height": HEIGHT})
    one_page.goto(f"{demo_url}/{LATE_PROJECT}")
    ratio = one_page.locator(".mp-progress").first.evaluate(
        """bar => {
          const rgb = c => c.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
          const lum = c => { const [r, g, b] = rgb(c).map(v => { v /= 255;
            return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
            return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
          let back = document.body, bg = getComputedStyle(back).backgroundColor;
          if (bg === 'rgba(0, 0, 0, 0)') bg = 'rgb(255, 255, 255)';
          const edge = getComputedStyle(bar).borderTopColor;
          const [a, b] = [lum(edge), lum(bg)].sort((x, y) => y - x);
          return getComputedStyle(bar).borderTopWidth === '0px' ? 0 : (a + 0.05) / (b + 0.05);
        }"""
    )
    assert ratio >= 3, ratio


def test_print_shows_the_content_alone_with_whose_page_it_is(one_page, demo_url: str) -> None:
    one_page.set_viewport_size({"width": 1280, "height": HEIGHT})
    one_page.goto(f"{demo_url}/{LATE_PROJECT}")
    head = one_page.locator(".mp-print-head")
    expect(head).to_be_hidden()  # on screen the header says it
    one_page.emulate_media(media="print")
    try:
        for gone in (".md-header", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-search", ".md-footer",
                     ".mp-follow", "#follow"):
            expect(one_page.locator(gone).first).to_be_hidden()
        expect(head).to_be_visible()
        expect(head).to_contain_text("ACME Retail")
        expect(head).to_contain_text("https://status.agency.example/acme-retail/webshop/index.html")
        for chart in ("figure.mp-timeline svg.mp-chart-svg", "figure.mp-burnup svg.mp-chart-svg"):
            expect(one_page.locator(chart)).to_be_visible()
        for kept_whole in (".mp-milestone", ".mp-week", "figure.mp-chart"):
            assert one_page.locator(kept_whole).first.evaluate("e => getComputedStyle(e).breakInside") == "avoid"
        pdf = one_page.pdf(format="A4")
        assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") >= 2
        one_page.goto(f"{demo_url}/acme-retail/index.html")
        assert one_page.locator(".mp-card").first.evaluate("e => getComputedStyle(e).breakInside") == "avoid"
        expect(one_page.locator("figure.mp-chart-compact svg.mp-chart-svg").first).to_be_visible()
        expect(one_page.locator(".mp-print-head")).to_contain_text("ACME Retail")
        assert one_page.pdf(format="A4").startswith(b"%PDF")
    finally:
        one_page.emulate_media(media="screen")

"""The glossary: terms listed in "Words we use" and explained where the page uses them."""

from __future__ import annotations

import datetime as dt
import html.parser
import re

import markdown

from milepost.i18n import texts_for
from milepost.model import Client, Delay, Milestone, Project
from milepost.render.environment import md_text
from milepost.render.glossary import Term, glossary_for, glossary_section, mark_terms
from milepost.render.html import esc
from milepost.render.project_page import ProjectView, render_project_page

CLIENT = Client(
    slug="bakery", name="Bakery", language="pl", timezone="Europe/Warsaw",
    glossary={"Strona testowa": "Prywatna kopia strony.", "BLIK": "Stare wyjaśnienie klienta."},
)
PROJECT = Project(
    slug="shop", client="bakery", name="Sklep",
    summary="Płatność BLIK i kartą; postępy pokazujemy na stronie testowej. BLIK działa w każdym banku.",
    milestones=(
        Milestone(
            "blik", "Płatność BLIK", due=dt.date(2026, 11, 20),
            description="Na stronie testowej można już zapłacić BLIKIEM.",
            delay=Delay("Operator zmienił obsługę BLIK.", "Najpierw karta, potem BLIK.", dt.date(2026, 12, 10)),
        ),
    ),
    glossary={"blik": "Płatność kodem z aplikacji banku.", "R&D": "Badania <i> rozwój"},
)


def heading(level: int, text: str, anchor: str) -> str:
    """A heading as the page templates write it (macros.html.j2, `heading`)."""
    return f"{'#' * level} {md_text(text)} {{#{anchor}}}\n\n"


def html_block(lines: list[str]) -> str:
    """An HTML block as the page templates write it: no blank line inside, one after."""
    return "\n".join(line for line in lines if line) + "\n\n"


def page_html(project: Project = PROJECT, client: Client = CLIENT) -> str:
    text = render_project_page(ProjectView(client, project, dt.date(2026, 11, 24)), texts_for(client.language))
    return markdown.markdown(text, extensions=["attr_list", "toc", "tables"])


def marked_words(fragment: str) -> list[str]:
    return re.findall(r'<button type="button" class="mp-term-word"[^>]*>([^<]*)</button>', fragment)


def section(page: str, anchor: str) -> str:
    """The HTML from the h2 with `anchor` to the next h2."""
    start = page.index(f'<h2 id="{anchor}">')
    end = page.find("<h2", start + 1)
    return page[start:end if end != -1 else None]


class _Balance(html.parser.HTMLParser):
    VOID = {"br", "img", "input", "hr", "meta", "link", "wbr"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


def test_client_and_project_terms_are_merged_and_sorted() -> None:
    terms = glossary_for(CLIENT, PROJECT)
    assert [t.word for t in terms] == ["blik", "R&D", "Strona testowa"]
    # The project's explanation wins over the client's for the same word, whatever its case.
    assert terms[0].meaning == "Płatność kodem z aplikacji banku."
    assert [t.word for t in glossary_for(CLIENT)] == ["BLIK", "Strona testowa"]


def test_words_we_use_lists_every_term_escaped() -> None:
    page = page_html()
    listed = section(page, "glossary")
    assert "<h2 id=\"glossary\">Słowniczek</h2>" in listed
    assert "<dt><dfn>R&amp;D</dfn></dt><dd>Badania &lt;i&gt; rozwój</dd>" in listed
    assert "<dt><dfn>Strona testowa</dfn></dt><dd>Prywatna kopia strony.</dd>" in listed
    assert marked_words(listed) == []  # the list explains itself


def test_no_glossary_no_section() -> None:
    assert glossary_section((), texts_for("en")) == ""
    bare = Project(slug="x", client="bakery", name="X", summary="BLIK")
    page = page_html(bare, Client(slug="bakery", name="B", language="pl"))
    assert 'id="glossary"' not in page and "mp-term" not in page


def test_first_use_per_section_is_marked_with_its_explanation() -> None:
    page = page_html()
    top = page[: page.index('<h2 id="milestones">')]
    # The summary: "BLIK" once (its second use stays plain), and the inflected "stronie testowej".
    assert marked_words(top) == ["BLIK", "stronie testowej"]
    assert top.count("Płatność kodem z aplikacji banku.") == 1
    milestones = section(page, "milestones")
    # A new section marks again; not inside the milestone's heading; "BLIKIEM" is a form of BLIK.
    assert marked_words(milestones) == ["stronie testowej", "BLIKIEM"]
    assert '<h3 id="milestone-blik">Płatność BLIK</h3>' in milestones


def test_the_explanation_is_reachable_by_mouse_keyboard_screen_reader_and_tap() -> None:
    fragment = mark_terms(html_block(["<p>We use an API.</p>"]), (Term("API", "A way for two programs to talk."),))
    assert fragment == (
        '<p>We use an <span class="mp-term"><button type="button" class="mp-term-word" '
        'aria-describedby="mp-tip-1">API</button><span class="mp-term-tip" role="tooltip" id="mp-tip-1" '
        'data-search-exclude>A way for two programs to talk.</span></span>.</p>\n\n'
    )


def test_terms_are_not_marked_in_links_headings_labels_or_dates() -> None:
    terms = (Term("shop", "Where customers buy."),)
    page = (
        heading(2, "The shop", "s1")
        + html_block(
            ['<p><a href="x">shop</a> <span class="mp-badge">shop</span> <span class="mp-facts">shop</span></p>']
        )
        + html_block(['<p class="mp-progress-text">shop</p>', "<p>Our shop opens.</p>"])
    )
    marked = mark_terms(page, terms)
    assert marked_words(marked) == ["shop"]
    assert marked.startswith("## The shop {#s1}")
    assert '<a href="x">shop</a>' in marked and "<p>Our <span" in marked


def test_escaping_is_kept_and_text_without_terms_is_untouched() -> None:
    terms = (Term("R&D", "Research <and> development"),)
    block = html_block([f"<p>{esc('Our R&D team & <friends>')}</p>", f"<p>{esc('Tom & Jerry&#39;s')}</p>"])
    marked = mark_terms(block, terms)
    assert "Our <span class=\"mp-term\"><button" in marked
    assert ">R&amp;D</button>" in marked and "Research &lt;and&gt; development" in marked
    assert "team &amp; &lt;friends&gt;" in marked
    assert "<p>Tom &amp; Jerry&amp;#39;s</p>" in marked  # a text with no term keeps every character
    checker = _Balance()
    checker.feed(markdown.markdown(marked))
    assert checker.errors == [] and checker.stack == []


def test_whole_words_only_and_short_terms_keep_their_letters() -> None:
    terms = (Term("API", "x"), Term("BLIK", "y"))
    marked = mark_terms(html_block(["<p>RAPID blisko BLIKIEM APIs</p>"]), terms, language="pl")
    assert marked_words(marked) == ["BLIKIEM", "APIs"]


def test_forms_of_a_word_per_language() -> None:
    def words(text: str, term: str, language: str) -> list[str]:
        return marked_words(mark_terms(html_block([f"<p>{esc(text)}</p>"]), (Term(term, "…"),), language=language))

    assert words("Ученики видят это в личном кабинете.", "Личный кабинет", "ru") == ["личном кабинете"]
    assert words("Підтвердження бронювання листом.", "Бронювання", "uk") == ["бронювання"]
    assert words("Termine für das Aufmaß", "Termin", "de") == ["Termine"]
    assert words("Our test sites are private.", "Test site", "en") == ["test sites"]
    assert words("A terminal is not a term.", "Termin", "de") == []


def test_tip_ids_are_unique_on_a_page() -> None:
    page = page_html()
    ids = re.findall(r'id="(mp-tip-\d+)"', page)
    assert len(ids) == len(set(ids)) >= 4
    assert all(f'aria-describedby="{i}"' in page for i in ids)


def test_the_page_stays_well_formed_html() -> None:
    checker = _Balance()
    checker.feed(page_html())
    assert checker.errors == [] and checker.stack == []

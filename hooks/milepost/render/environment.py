"""Milepost's own Jinja environment: where every page a client sees gets its markup.

Templates live in `templates/` beside this module (shipped with the package). Python prepares
plain view models and chooses the sentences; the templates hold the markup. Everything a
template prints is escaped (autoescape), so a commit message `<script>alert(1)</script>` or a
YAML title `{{ 7*7 }}` shows as text: user text is data handed to a template, never a
template itself. Unescaped output is only ever an explicit `Markup(...)` in Python, with a
comment saying why it is safe; no template uses `|safe`.

Which sentence a page says (one of several cases, a label for a state) is chosen in Python
and handed over in the view; a fixed sentence with its values is written in the template,
`{{ _("Next: {milestone}, {date}.", milestone=..., date=...|date) }}`.

The filters and globals are registered here and nowhere else. Words go through the same
gettext catalogs as the Python code: `render()` hands the template `_`, `gettext` and
`ngettext` bound to the page's `Texts` (with `{name}` placeholders, like in Python), and
`scripts/update_catalogs.py` extracts the strings from the templates too.

This is not MkDocs' environment: the theme (mkdocs-material and `mkdocs/theme/`) keeps its
own. Page skeletons are Markdown (`*.md.j2`), so that their headings feed MkDocs' table of
contents and search; the HTML blocks in them must hold no blank line, or Markdown would end
the raw block there (`trim_blocks`/`lstrip_blocks` drop the lines of `{% ... %}` tags).
"""

from __future__ import annotations

import html
import re
import textwrap
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from milepost.i18n import Texts
from milepost.render.chart_geometry import number as coordinate
from milepost.render.visit_marks import change_key

TEMPLATES = Path(__file__).parent / "templates"

# Ordinary white space, folded to one space in a heading (which must stay on one line).
_FOLDED_SPACE = re.compile(r"[ \t\r\n\f\v]+")
# Markdown characters that would change the meaning of a heading line (after html.escape).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")


def md_text(text: object) -> Markup:
    """Text for a Markdown heading: no HTML, no emphasis, no links, on one line.

    HTML-escaped and then Markdown-escaped, so it is returned as `Markup` and printed as it
    is. Quotes stay as they are: they mean nothing in a heading's text, and the table of
    contents would show an escaped apostrophe literally ("кав&#x27;ярня" instead of "кав'ярня").
    """
    # Only line breaks and ordinary spaces are folded: the narrow no-break spaces Babel puts in
    # dates ("2026 г.", "2026 р.") keep a date from breaking across lines.
    one_line = _FOLDED_SPACE.sub(" ", str(text)).strip(" ")
    # Markup: every character that could start a tag or an entity was escaped just above.
    return Markup(_MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(one_line, quote=False)))


def paragraphs_html(text: object, css_class: str = "") -> Markup:
    """Text of one or more paragraphs (load/text.py's `paragraphs`: a blank line between two)
    as `<p>` elements with no blank line between or inside them: an HTML block in Markdown
    must hold none."""
    opening = Markup('<p class="{}">').format(css_class) if css_class else Markup("<p>")
    # Markup: the text is escaped first (Markup.escape), the tags are written here.
    return Markup("\n").join(opening + part + Markup("</p>") for part in Markup.escape(text).split("\n\n"))


def paragraph_breaks(text: object) -> Markup:
    """The same text where a `<p>` cannot open (a list item, a table cell, after a label):
    its paragraphs kept apart by line breaks (`<br><br>`), with no blank line."""
    # Markup: the text is escaped first (Markup.escape), the line breaks are written here.
    return Markup("<br><br>").join(Markup.escape(text).split("\n\n"))


def css_name(value: str) -> str:
    """A state or kind as a CSS class name part: "on_track" -> "on-track"."""
    return str(value).replace("_", "-")


def _texts(context: Context) -> Texts:
    texts: Texts = context["texts"]
    return texts


@pass_context
def date_filter(context: Context, day: Any) -> str:
    """A date as people of the page's language write it ("22 listopada 2026")."""
    return _texts(context).date(day)


@pass_context
def number_filter(context: Context, value: float) -> str:
    return _texts(context).number(value)


# The width of a letter's text part: mail programs show it as written, line by line.
LETTER_WIDTH = 72


def wrap_filter(text: object, indent: str = "", width: int = LETTER_WIDTH) -> str:
    """Plain text wrapped for a letter's text part: lines of at most `width` characters, the
    lines after the first indented by `indent` (a list item's text under its dash)."""
    return textwrap.fill(
        str(text), width=width, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False
    )


def _make_environment(*, autoescape: bool = True) -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters.update(
        md_heading=md_text,
        paragraphs=paragraphs_html,
        breaks=paragraph_breaks,
        css=css_name,
        date=date_filter,
        number=number_filter,
        wrap=wrap_filter,
        # A chart's coordinate as SVG text ("40", "37.5"): never a word, so not localized.
        coordinate=coordinate,
    )
    # The key of a fact a returning client sees marked when it changed (render/visit_marks.py).
    environment.globals.update(change_key=change_key)
    return environment


ENVIRONMENT = _make_environment()
# Plain text only (the letters' `*.txt.j2`): there is no markup to escape in text/plain, and
# HTML entities would show as "&amp;" in a mail program. Everything else uses ENVIRONMENT.
TEXT_ENVIRONMENT = _make_environment(autoescape=False)


def words(texts: Texts) -> dict[str, Any]:
    """What a template gets to speak the page's language: `_`/`gettext`/`ngettext` (`{name}`
    placeholders, filled in after translation) and `texts` for the filters above."""
    return {"_": texts.gettext, "gettext": texts.gettext, "ngettext": texts.ngettext, "texts": texts}


def macro(name: str, template: str = "macros.html.j2") -> Any:
    """A macro of `template` to call from Python, for markup that is put together piece by
    piece (the glossary's marked terms); a macro that speaks words needs `render` instead."""
    return getattr(ENVIRONMENT.get_template(template).module, name)


def render(name: str, texts: Texts, **context: Any) -> str:
    """The template `name` (a path under templates/) filled with `context`, in `texts`' words.

    Templates import macros.html.j2 `with context`, so the macros speak the same language.
    A `*.txt.j2` template is plain text and is filled in without HTML escaping.
    """
    environment = TEXT_ENVIRONMENT if name.endswith(".txt.j2") else ENVIRONMENT
    return environment.get_template(name).render(**context, **words(texts))

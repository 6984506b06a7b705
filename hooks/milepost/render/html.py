"""Small HTML building blocks shared by the client's pages.

Every text that comes from YAML or git passes through `esc()` before it reaches a page: a
commit message `<script>alert(1)</script>` must show as text. Pages are Markdown documents
whose headings are Markdown (so the table of contents and search sections work) and whose
content is raw HTML blocks (so user text is never interpreted as Markdown or HTML).
"""

from __future__ import annotations

import html
import re

from milepost.status.health import AT_RISK, DONE, LATE, ON_TRACK, PLANNED
from milepost.render.i18n import Texts

# Ordinary white space, folded to one space in a heading (which must stay on one line).
_FOLDED_SPACE = re.compile(r"[ \t\r\n\f\v]+")
# Markdown characters that would change the meaning of a heading line (after html.escape).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")


def esc(text: object) -> str:
    """Escape any text for HTML content and attribute values."""
    return html.escape(str(text), quote=True)


def md_text(text: str) -> str:
    """Escape text for a Markdown heading: no HTML, no emphasis, no links.

    Quotes stay as they are: they mean nothing in a heading's text, and the table of contents
    would show an escaped apostrophe literally ("кав&#x27;ярня" instead of "кав'ярня").
    """
    # Only line breaks and ordinary spaces are folded: the narrow no-break spaces Babel puts in
    # dates ("2026 г.", "2026 р.") keep a date from breaking across lines.
    one_line = _FOLDED_SPACE.sub(" ", text).strip(" ")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(one_line, quote=False))


def heading(level: int, text: str, anchor: str) -> str:
    """A Markdown heading with a stable id (ids must not depend on the language)."""
    return f"{'#' * level} {md_text(text)} {{#{anchor}}}\n\n"


def state_label(state: str, texts: Texts) -> str:
    labels = {
        DONE: texts.gettext("Done"),
        LATE: texts.gettext("Late"),
        AT_RISK: texts.gettext("At risk"),
        ON_TRACK: texts.gettext("On track"),
        PLANNED: texts.gettext("Planned"),
    }
    return labels[state]


def badge(state: str, texts: Texts) -> str:
    # The state is written out, never shown by colour alone.
    css = state.replace("_", "-")
    return f'<span class="mp-badge mp-{css}">{esc(state_label(state, texts))}</span>'


def progress_bar(share: float, label: str) -> str:
    """An accessible progress bar: a role=progressbar element plus the same figure as text."""
    percent = round(max(0.0, min(share, 1.0)) * 100)
    return (
        f'<div class="mp-progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" '
        f'aria-valuenow="{percent}" aria-label="{esc(label)}">'
        f'<div class="mp-progress-fill" style="width: {percent}%"></div></div>'
        f'<p class="mp-progress-text">{esc(label)}</p>'
    )


def link(url: str, text: str) -> str:
    return f'<a href="{esc(url)}">{esc(text)}</a>'


def html_block(lines: list[str]) -> str:
    """Join HTML into one raw block Markdown will leave alone (no blank lines inside)."""
    return "\n".join(line for line in lines if line) + "\n\n"

"""Escaping a text for HTML by hand, for the few places that handle HTML outside a template.

Client pages get their markup from templates (see `environment`), which escape every value
themselves: nothing here builds a page. What is left uses `esc()` on purpose:
- `glossary.mark_terms`, which rewrites the rendered page's escaped texts piece by piece;
- MkDocs' page titles and site name (mkdocs/site.py), which mkdocs-material prints unescaped.
"""

from __future__ import annotations

import html


def esc(text: object) -> str:
    """Escape any text for HTML content and attribute values."""
    return html.escape(str(text), quote=True)

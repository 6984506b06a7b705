"""The front matter Milepost hands MkDocs (feeds, a letter's title) reads back as exactly the
texts put in, through MkDocs' own reader, whatever characters they hold: an emoji beyond the
BMP once made it unreadable, so MkDocs showed it on the page as text and the feed link was lost."""

from __future__ import annotations

import pytest
from mkdocs.utils.meta import get_data

from milepost.publish.site_content import front_matter, letter_front_matter, with_feeds

TEXTS = [
    "New website 🚀",
    "<img src=x onerror=alert(1)> </script>",
    "---",
    "a: b\n---\nc: d",
    "[x](javascript:alert(1)) # h *em*",
    "{{ 7*7 }} {% raw %}",
    "tab\there, quote \" and backslash \\u0041 \\",
    "\u2028 line separator, \x85 next line, \ufeff, \x7f, 𝒳",
    "Kawiarnia „Ziarno” — кав'ярня",
]


@pytest.mark.parametrize("text", TEXTS)
def test_every_text_reads_back_whole(text: str) -> None:
    markdown, meta = get_data(letter_front_matter("# Body\n", text, [{"href": "a/feed.xml", "title": text}]))
    assert meta == {"title": text, "search": {"boost": 0.25}, "milepost_feeds": [{"href": "a/feed.xml", "title": text}]}
    assert markdown == "# Body\n"
    body, feeds = get_data(with_feeds("text\n", [{"href": "feed.xml", "title": text}]))
    assert feeds == {"milepost_feeds": [{"href": "feed.xml", "title": text}]} and body == "text\n"


def test_the_front_matter_is_ascii_without_markup() -> None:
    written = front_matter({"title": "".join(TEXTS)})
    assert written.isascii() and not any(c in written for c in "<>&")
    assert written.count("\n---\n") == 1 and written.startswith("---\n")

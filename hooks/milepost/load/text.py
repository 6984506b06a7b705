"""Text from the YAML files as every output can carry it: the one place that cleans it.

Whatever a YAML string holds, the build takes it: `model_from_data.py` (and `milestone_snapshot.py`
for the older versions the promise ledger reads) pass every free-text field through one of
the two functions below when the model is built, so the page, the feeds, the calendar and
`status.json` all get the same, safe text, and none of them cleans on its own.

Both functions:
- turn every line break (CR LF, CR, U+2028, NEL, form feed, vertical tab) into "\\n", and the
  paragraph separator U+2029 into a blank line; a tab into a space;
- strip control characters (C0 but the line break, DEL, C1), the bidirectional embeddings,
  overrides and isolates U+202A–U+202E and U+2066–U+2069 (they can make text read in another
  order than it is written, "Trojan Source"), lone surrogates and the noncharacters
  U+FFFE/U+FFFF (no XML file can carry them);
- shorten very long text to its kind's cap, at a word's end when one is near, ending in "…".

`one_line` is for names, titles and one-sentence fields: all white space, line breaks
included, becomes one space. `paragraphs` is for the fields that may hold several paragraphs
(a summary, a description, a delay's reason and plan, a decision's summary, a change's
impact, a health override's reason): paragraphs are separated by exactly one blank line, the
lines inside one by "\\n", with no line that is only white space; the pages show each
paragraph as its own `<p>` (`render/environment.py`'s `paragraphs` filter).

The caps, in characters (a page stays readable, a calendar entry or a feed title usable):
- NAME_CAP, 200: names and titles (client, project, contact, milestone, task, waiting item,
  decision, change request, deliverable, deputy, glossary word);
- LINE_CAP, 500: one-sentence fields (a role, the response time, an agreed point, a glossary
  meaning);
- TEXT_CAP, 5000: the paragraph fields above.
"""

from __future__ import annotations

import re

NAME_CAP = 200
LINE_CAP = 500
TEXT_CAP = 5000
ELLIPSIS = "…"

_PARAGRAPH_BREAK = re.compile("\u2029")
_LINE_BREAK = re.compile("\r\n|[\r\u2028\x85\x0b\x0c]")
_DROPPED = re.compile("[\x00-\x08\x0e-\x1f\x7f\x80-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")
_SPACES = re.compile(" +")
_FOLDED = re.compile("[ \n]+")


def _plain(value: object) -> str:
    text = _PARAGRAPH_BREAK.sub("\n\n", str(value))
    text = _LINE_BREAK.sub("\n", text)
    return _DROPPED.sub("", text).replace("\t", " ")


def shorten(text: str, cap: int) -> str:
    """`text` cut to at most `cap` characters, ending in "…" when cut."""
    if len(text) <= cap:
        return text
    cut = text[: cap - len(ELLIPSIS)]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    if space >= len(cut) * 4 // 5:  # a word's end near the cap: do not cut a word in two
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS


def one_line(value: object, cap: int = NAME_CAP) -> str:
    """A name, title or one-sentence field on one line (see the module's description).
    Only ordinary spaces and line breaks are folded: a no-break space stays one."""
    return shorten(_FOLDED.sub(" ", _plain(value)).strip(" "), cap)


def paragraphs(value: object, cap: int = TEXT_CAP) -> str:
    """A field of one or more paragraphs (see the module's description)."""
    blocks: list[list[str]] = [[]]
    for line in _plain(value).split("\n"):
        line = _SPACES.sub(" ", line).strip(" ")
        if line.strip():  # Markdown takes a line of any white space for a blank one
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    return shorten("\n\n".join("\n".join(block) for block in blocks if block), cap)

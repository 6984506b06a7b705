"""A commit's words as a client reads them: the subject split as a Conventional Commit, and
subjects and notes cleaned of ticket ids.

Shown text is cleaned for a non-technical reader (and then always redacted, see classifier.py):
- `note` shows the `Client:` trailer as written (a `Client-<language>:` trailer wins on a
  site in that language); only whitespace is collapsed and ticket ids are removed.
- `new` / `fixed` / `faster` show the subject without its Conventional Commit prefix
  (`feat(cart)!:`) and without ticket / pull-request ids (`ABC-123`, `#12`, `(refs #1)`,
  `zob. SKLEP-4`, `см. SCH-31`; change request ids such as `CR-2` are the client's and stay),
  first letter capitalised and with NO final period: the items are read as a bulleted list,
  and authors are inconsistent about the period, so it is dropped everywhere.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from milepost.classify.redaction import rule_named


@dataclass(frozen=True)
class Header:
    """A subject line split as a Conventional Commit ("feat(cart)!: add gift cards")."""

    type: str | None  # lower case; None when the subject is not a Conventional Commit
    scope: str | None
    breaking: bool
    description: str  # the subject without the prefix (the whole subject when no prefix)


_HEADER = re.compile(r"^\s*(?P<type>[A-Za-z]+)(?:\((?P<scope>[^()\r\n]*)\))?(?P<bang>!)?:(?!//)(?P<desc>.*)$", re.DOTALL)


@functools.lru_cache(maxsize=8192)
def parse_subject(subject: str) -> Header:
    """The subject split as a Conventional Commit; parsed once per distinct subject (the
    rules, the milestone and the listed text all ask)."""
    match = _HEADER.match(subject)
    if not match:
        return Header(type=None, scope=None, breaking=False, description=subject.strip())
    scope = match.group("scope")
    return Header(
        type=match.group("type").lower(),
        scope=scope.strip() if scope is not None else None,
        breaking=bool(match.group("bang")),
        description=match.group("desc").strip(),
    )


# --- cleaning a subject line ---------------------------------------------------------------------

# Upper-case words followed by "-<digits>" that are names of standards, not tickets.
NOT_TICKETS = ("UTF", "ISO", "SHA", "RFC", "CVE", "COVID", "IEC", "DIN", "EN", "ES", "ECMA", "WCAG", "HTTP", "TLS", "SSL", "PHP", "MD")
# Ids the client knows and reads in its own project file, so they stay: CR-<n> is how change
# requests are named (the "changes" table of the project page).
CLIENT_IDS = ("CR",)

_ID = (  # case-sensitive even inside the case-insensitive steps: "step-2" is no ticket
    rf"(?-i:\b(?!(?:{'|'.join(NOT_TICKETS + CLIENT_IDS)})-\d)[A-Z][A-Z0-9_]+-\d+\b"  # ABC-123, GH-12, PROJ_X-9
    r"|(?<![\w&])#\d+\b"  # #123 (not &#123; entities)
    r"|(?<![\w!])!\d+\b)"  # !45, GitLab merge requests
)
_IDS = rf"{_ID}(?:\s*(?:,|&|\+|\band\b)\s*{_ID})*"
_KEYWORDS = (
    r"(?:refs?|references?|relates?\s+to|related\s+to|see|closes?|closed|fix(?:es|ed)?|resolves?|resolved"
    r"|part\s+of|issues?|tickets?|pr|mr|tasks?"
    # ... and in the languages of the agency's teams: pl, ru, uk, de
    r"|zob\.|patrz|dot\.|dotyczy|zgłoszeni[ea]|zadanie|naprawia|zamyka"
    r"|см\.|задача|тикет|заявка|исправляет|закрывает"
    r"|див\.|тікет|виправляє|закриває"
    r"|siehe|vgl\.|betrifft|behebt|schließt|aufgabe)"
)
_TICKET_STEPS: tuple[tuple[re.Pattern[str], str], ...] = (
    # "(#45)", "[PROJ-9]", "(refs #1)", "(closes ABC-1, ABC-2)"
    (re.compile(rf"[(\[]\s*(?:{_KEYWORDS}\s*(?::\s*)?)?{_IDS}\s*[)\]]", re.IGNORECASE), " "),
    # trailing "refs #1", "- closes ABC-12."
    (re.compile(rf"[\s,;:|\-–—]*\b{_KEYWORDS}\s*(?::\s*)?{_IDS}\s*(?:\.\s*)?$", re.IGNORECASE), ""),
    # leading "ABC-123: ", "#12 - "
    (re.compile(rf"^\s*{_IDS}\s*(?:[:|\-–—]\s*)?"), ""),
    # anywhere else
    (re.compile(_IDS), " "),
)
_TIDY_STEPS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\(\s*\)|\[\s*\]"), " "),  # brackets emptied by the steps above
    (re.compile(r"\s+([,.;:!?])"), r"\1"),  # "crash , now" -> "crash, now"
    (re.compile(r"([,;:])(?:\s*[,;:])+"), r"\1"),  # ", ," -> ","
    (re.compile(r"^[\s,.;:|/\-–—]+"), ""),  # separators left at the start
    (re.compile(r"[\s,;:|/\-–—]+$"), ""),  # ... and at the end
)
# The trailing step is tried at every position of the text (half of all cleaning time), but
# can only match a text that, without the blanks and the one full stop it allows at the end,
# ends with a digit.
_TRAILING_STEP = _TICKET_STEPS[1][0]
_END_BLANKS = ". \t\n\r\f\v\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
_LINK = rule_named("link").regex
# Each ticket step needs an id (`_IDS` starts with one): where there is none, none can change.
_ANY_ID = re.compile(_ID)


def _strip_ticket_ids(text: str) -> str:
    """`text` without ticket and pull-request ids; links are left whole."""
    if not _ANY_ID.search(text):
        return text
    lowered = text.lower()
    # The link pattern needs "://" or "www.": without them the text is one piece.
    has_link = "://" in text or "www." in lowered
    pieces = _LINK.split(text) if has_link else [text]
    links = _LINK.findall(text) if has_link else []
    cleaned = []
    for piece in pieces:
        previous = None
        # Every step removes ids and nothing else, so a piece without one is left as it is.
        while previous != piece and _ANY_ID.search(piece):  # "refs #1 closes #2": each step may uncover another
            previous = piece
            for pattern, replacement in _TICKET_STEPS:
                if pattern is _TRAILING_STEP and not piece.rstrip(_END_BLANKS)[-1:].isdigit():
                    continue  # it ends with an id, whose last character is a digit: none there
                piece = pattern.sub(replacement, piece)
        cleaned.append(piece)
    out = cleaned[0]
    for link, piece in zip(links, cleaned[1:]):
        out += link + piece
    return out


def _capitalise(text: str) -> str:
    """Upper-case the first letter, unless the first word is written in mixed case (iOS, eBay)."""
    if not text or not text[0].islower():
        return text
    first_word = text.split(" ", 1)[0]
    if any(ch.isupper() for ch in first_word[1:]):
        return text
    return text[0].upper() + text[1:]


def clean_subject(subject: str) -> str:
    """A subject as a client should read it (before redaction): see the module docstring."""
    return clean_description(parse_subject(subject).description)


def clean_description(description: str) -> str:
    """A subject's description (its Conventional Commit prefix already taken off), cleaned."""
    text = " ".join(description.split())
    stripped = " ".join(_strip_ticket_ids(text).split())
    if stripped != text:
        # Only text that lost ids needs its loose separators tidied; untouched text keeps
        # every character the author wrote (an "&amp;" or a trailing ";" is theirs).
        text = stripped
        for pattern, replacement in _TIDY_STEPS:
            text = " ".join(pattern.sub(replacement, text).split())
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1]
    return _capitalise(text.strip())


def strip_ids_from_note(note: str) -> str:
    """A note without ticket ids; untouched (to the character) when it has none."""
    stripped = " ".join(_strip_ticket_ids(note).split())
    if stripped == note:
        return note
    for pattern, replacement in _TIDY_STEPS:
        stripped = " ".join(pattern.sub(replacement, stripped).split())
    return stripped

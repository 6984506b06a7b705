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
from collections.abc import Collection
from dataclasses import dataclass

from milepost.classify.redaction import PLACEHOLDER, rule_named
from milepost.linear_regex import Pattern, compile_linear


@dataclass(frozen=True)
class Header:
    """A subject line split as a Conventional Commit ("feat(cart)!: add gift cards")."""

    type: str | None  # lower case; None when the subject is not a Conventional Commit
    scope: str | None
    breaking: bool
    description: str  # the subject without the prefix (the whole subject when no prefix)


def _split_header(subject: str) -> tuple[str, str | None, bool, str] | None:
    """(type, scope or None, "!", description) of "type(scope)!: description", or None when
    the subject is not so written (or starts with a link, "https://..."). A few string
    searches, each linear in the subject: cheaper than any pattern engine's call."""
    text = subject.lstrip()
    end = 0
    while end < len(text) and text[end].isascii() and text[end].isalpha():
        end += 1
    if end == 0:
        return None
    kind, scope, at = text[:end], None, end
    if text.startswith("(", at):
        close = text.find(")", at + 1)
        if close < 0 or any(ch in text[at + 1 : close] for ch in "(\r\n"):
            return None
        scope, at = text[at + 1 : close], close + 1
    bang = text.startswith("!", at)
    at += bang
    if not text.startswith(":", at) or text.startswith("://", at):
        return None
    return kind, scope, bang, text[at + 1 :]


@functools.lru_cache(maxsize=8192)
def parse_subject(subject: str) -> Header:
    """The subject split as a Conventional Commit; parsed once per distinct subject (the
    rules, the milestone and the listed text all ask)."""
    parts = _split_header(subject)
    if parts is None:
        return Header(type=None, scope=None, breaking=False, description=subject.strip())
    kind, scope, bang, desc = parts
    return Header(
        type=kind.lower(),
        scope=scope.strip() if scope is not None else None,
        breaking=bang,
        description=desc.strip(),
    )


# --- cleaning a subject line ---------------------------------------------------------------------
#
# Ticket ids are the team's, not the client's: they are removed where they are ticket ids, and
# only there. An id (`ABC-123`, `#12`, `!45`) is a whole word: `BLACK-FRIDAY-2026` holds none.
# `#12` and `!45` are always ticket or merge-request ids, except after a word that makes them
# an order's or an invoice's number ("order #48213"). A word-and-number id (`GLA-200`, `USB-3`)
# is a ticket id only in the places tickets are written: at the start of the subject, at its
# end after a separator (" - ", "—", "|", "/") or a hidden link, in brackets, or after a word that refers to a
# ticket ("see", "zob.", "siehe"); a bare word and number closing a sentence is the client's.
# A client whose `ticket_prefixes` are set (client.yml: the team's, SHOP for SHOP-41) has exactly
# those ids removed, wherever they are, and every other word-and-number id kept.
# Everything here is one pass of RE2 over the text plus a constant amount of work per id.

# Upper-case words followed by "-<digits>" that are names of standards, not tickets.
NOT_TICKETS = (
    "UTF", "ISO", "SHA", "RFC", "CVE", "COVID", "IEC", "DIN", "EN", "ES",
    "ECMA", "WCAG", "HTTP", "TLS", "SSL", "PHP", "MD",
)
# Ids the client knows and reads in its own project file, so they stay: CR-<n> is how change
# requests are named (the "changes" table of the project page).
CLIENT_IDS = ("CR",)

# A candidate id with the character before it (group `b`, which may not be part of a word).
_ID = compile_linear(r"(?P<b>^|[^\pL\pN_&!#\-])(?P<id>[A-Z][A-Z0-9_]*[A-Z_][A-Z0-9_]*-[0-9]+|#[0-9]+|![0-9]+)")
_ID_END = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")  # may not follow an id

_KEYWORDS = compile_linear(
    r"(?:^|[^\pL])((?:refs?|references?|relates?\s+to|related\s+to|see|closes?|closed|fix(?:es|ed)?|resolves?|resolved"
    r"|part\s+of|issues?|tickets?|pr|mr|tasks?"
    # ... and in the languages of the agency's teams: pl, ru, uk, de
    r"|zob\.|patrz|dot\.|dotyczy|zgłoszeni[ea]|zadanie|naprawia|zamyka"
    r"|см\.|задача|тикет|заявка|исправляет|закрывает"
    r"|див\.|тікет|виправляє|закриває"
    r"|siehe|vgl\.|betrifft|behebt|schließt|aufgabe)\s*:?\s*)$",
    ignore_case=True,
)
# Words that make "#123" an order's or an invoice's number, not a ticket's.
_NUMBER_WORDS = compile_linear(
    r"(?:^|[^\pL])(?:order|orders|invoice|zamówienie|zamówienia|zamówieniu|faktura|faktury|fakturze|bestellung|rechnung"
    r"|заказ|заказа|счёт|счет|замовлення|рахунок|nr\.?|no\.|№)\s*$",
    ignore_case=True,
)
_LOOK_BACK = 32  # characters before an id where a keyword or a number word is looked for
_JOINS = frozenset(",&+")  # between the ids of one list: "ABC-1, ABC-2", "#1 & #2", "and"
_EDGE = frozenset(",;:|/-–—.!?()[]")  # with blanks, what may stand between an id and the start or end
_AFTER_LEADING = frozenset(":|-–—]),")  # what follows a leading id ("ABC-1: ...", "#12 - ...")
_BEFORE_TRAILING = frozenset("|-–—/")  # what precedes a trailing id ("... - ABC-1", "... | #12")

_TIDY_STEPS: tuple[tuple[Pattern, str], ...] = (
    (compile_linear(r"\(\s*\)|\[\s*\]"), " "),  # brackets emptied of their ids
    (compile_linear(r"\s+([,.;:!?])"), r"\1"),  # "crash , now" -> "crash, now"
    (compile_linear(r"([,;:])(?:\s*[,;:])+"), r"\1"),  # ", ," -> ","
    (compile_linear(r"^[\s,.;:|/\-–—]+"), ""),  # separators left at the start
    (compile_linear(r"[\s,;:|/\-–—]+$"), ""),  # ... and at the end
)
_LINK = rule_named("link").regex


def _ids(text: str) -> list[tuple[int, int, str]]:
    """(start, end, id) of each whole-word id candidate in `text`, standards and client ids aside."""
    found = []
    for match in _ID.finditer(text):
        start, end = match.end(1), match.end()
        if end < len(text) and text[end] in _ID_END:
            continue
        ident = text[start:end]
        if ident.split("-", 1)[0] in NOT_TICKETS + CLIENT_IDS and not ident.startswith(("#", "!")):
            continue
        found.append((start, end, ident))
    return found


def _runs(text: str, ids: list[tuple[int, int, str]]) -> list[list[tuple[int, int, str]]]:
    """The ids grouped into lists ("ABC-1, ABC-2", "#1 and #2"): ids with only blanks and a
    joining word or sign between them."""
    runs: list[list[tuple[int, int, str]]] = []
    for item in ids:
        if runs:
            between = text[runs[-1][-1][1] : item[0]]
            joined = between.strip()
            if len(between) <= 7 and (not joined or joined in _JOINS or joined.lower() == "and"):
                runs[-1].append(item)
                continue
        runs.append([item])
    return runs


def _after_separator(head: str) -> bool:
    """True when `head` (what precedes an id) ends with a separator or with a hidden part
    (a link redacted before cleaning: the id after it is where it followed the link)."""
    head = head.rstrip()
    return head[-1:] in _BEFORE_TRAILING or head.endswith(PLACEHOLDER)


def _only_edges(text: str) -> bool:
    """True when `text` is only blanks and separators."""
    return all(ch.isspace() or ch in _EDGE for ch in text)


def _strip_piece(text: str, prefixes: Collection[str]) -> str:
    """`text` (no link in it) without its ticket ids (see the comment above; `prefixes`: the
    team's ticket prefixes, () when the client has none set)."""
    ids = _ids(text)
    if not ids:
        return text
    cut: list[tuple[int, int]] = []  # spans to remove
    runs = _runs(text, ids)
    for index, run in enumerate(runs):
        start, end = run[0][0], run[-1][1]
        before = text[max(start - _LOOK_BACK, 0) : start]
        only_numbers = all(ident[0] in "#!" for _s, _e, ident in run)
        if only_numbers and _NUMBER_WORDS.search(before):
            continue  # "order #48213": the client's number
        team = False  # the whole list is of the team's prefixes: it goes wherever it is
        if prefixes and not only_numbers:
            ours = [item for item in run if item[2].split("-", 1)[0] in prefixes]
            if not ours:
                continue  # not one of the team's ticket prefixes: the client's word
            if len(ours) < len(run):
                cut.extend((item[0], item[1]) for item in ours)
                continue
            team = True
        keyword = _KEYWORDS.search(before)
        head = before[: keyword.start(1)] if keyword else before  # what precedes the keyword, or the id
        after = text[end : end + _LOOK_BACK]
        opened = head.rstrip()[-1:] in ("(", "[")
        closed = after.lstrip()[:1] in (")", "]")
        leads = after.lstrip()[:1] in _AFTER_LEADING or not text[end:].strip()
        at_start = index == 0 and _only_edges(text[:start]) and leads
        # At the end only after a separator ("... - ABC-12", "... | ABC-12"): a bare word and
        # number closing a sentence is the client's ("for the GLA-200", "Kod rabatowy LATO-2026").
        at_end = (
            index == len(runs) - 1
            and _only_edges(text[end:])
            and (keyword is not None or _after_separator(head))
        )
        if not (team or only_numbers or keyword or (opened and closed) or at_start or at_end):
            continue  # GLA-200, USB-3: a word of the client's, not a ticket
        if opened and closed:  # "(refs #1)", "[PROJ-9]": the brackets go with it
            start = start - len(before) + len(head.rstrip()) - 1
            end = end + len(after) - len(after.lstrip()) + 1
        elif keyword and at_end:  # "refs #1" at the end goes whole
            start = start - len(before) + keyword.start(1)
        if at_end and not (opened and closed):
            end = len(text)  # with the sentence's full stop after it
        cut.append((start, end))
    if not cut:
        return text
    pieces, done = [], 0
    for start, end in cut:
        pieces.append(text[done:start])
        pieces.append(" ")
        done = end
    pieces.append(text[done:])
    return "".join(pieces)


def _strip_ticket_ids(text: str, prefixes: Collection[str] = ()) -> str:
    """`text` without ticket and pull-request ids; links are left whole."""
    if "-" not in text and "#" not in text and "!" not in text:
        return text
    if "://" not in text and "www." not in text.lower():  # the link pattern needs one of them
        return _strip_piece(text, prefixes)
    pieces, done = [], 0
    for link in _LINK.finditer(text):
        pieces.append(_strip_piece(text[done : link.start()], prefixes))
        pieces.append(link.group(0))
        done = link.end()
    pieces.append(_strip_piece(text[done:], prefixes))
    return "".join(pieces)


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


def clean_description(description: str, ticket_prefixes: Collection[str] = ()) -> str:
    """A subject's description (its Conventional Commit prefix already taken off), cleaned;
    `ticket_prefixes`: the team's, when the client has them set."""
    text = " ".join(description.split())
    stripped = " ".join(_strip_ticket_ids(text, ticket_prefixes).split())
    if stripped != text:
        # Only text that lost ids needs its loose separators tidied; untouched text keeps
        # every character the author wrote (an "&amp;" or a trailing ";" is theirs).
        text = stripped
        for pattern, replacement in _TIDY_STEPS:
            text = " ".join(pattern.sub(replacement, text).split())
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1]
    return _capitalise(text.strip())


def strip_ids_from_note(note: str, ticket_prefixes: Collection[str] = ()) -> str:
    """A note without ticket ids; untouched (to the character) when it has none."""
    stripped = " ".join(_strip_ticket_ids(note, ticket_prefixes).split())
    if stripped == note:
        return note
    for pattern, replacement in _TIDY_STEPS:
        stripped = " ".join(pattern.sub(replacement, stripped).split())
    return stripped

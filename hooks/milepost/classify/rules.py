"""Commit messages -> what a client may read: an ordered, first-match list of rules.

The rules are data (`rules/default.yml`, plus per-client rules from client.yml placed before
them), in the spirit of git-cliff's `commit_parsers`: each rule has conditions (`when`) and an
`action` - `hide`, `count` (one of the "smaller technical improvements") or `show` under a
heading (`new`, `fixed`, `faster`, `note`). The first rule whose conditions all match decides.

Shown text is cleaned for a non-technical reader and always redacted:
- `note` shows the `Client:` trailer as written (a `Client-<language>:` trailer wins on a
  site in that language); only whitespace is collapsed and ticket ids are removed.
- `new` / `fixed` / `faster` show the subject without its Conventional Commit prefix
  (`feat(cart)!:`) and without ticket / pull-request ids (`ABC-123`, `#12`, `(refs #1)`,
  `zob. SKLEP-4`, `см. SCH-31`; change request ids such as `CR-2` are the client's and stay),
  first letter capitalised and with NO final period: the items are read as a bulleted list,
  and authors are inconsistent about the period, so it is dropped everywhere.
- When cleaning leaves nothing worth reading, the commit is counted instead.

Text of hidden and counted commits is never kept (`ShownChange.text == ""`): what is not
listed cannot leak.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import logging
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from milepost.errors import RulesError
from milepost.render.i18n import texts_for
from milepost.model import Commit, ShownChange
from milepost.classify.redaction import PATTERNS, redact

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

DEFAULT_RULES_PATH = Path(__file__).parent / "default_rules.yml"

ACTIONS = ("hide", "count", "show")
HEADINGS = ("new", "fixed", "faster", "note")
# `ShownChange.rule` when no rule matched (possible only with a custom rules file that has no
# catch-all): such commits are counted, never listed unvetted.
NO_RULE = "(no rule matched)"

_RULE_KEYS = ("name", "when", "action", "heading")
_WHEN_KEYS = ("merge", "author", "subject", "body", "trailer", "type", "scope", "client_note")


# --- the rules as data -------------------------------------------------------------------------


@dataclass(frozen=True)
class Conditions:
    """All set conditions must match; an empty `Conditions` matches every commit."""

    merge: bool | None = None
    author: re.Pattern[str] | None = None  # searched in "Name <email>"
    subject: re.Pattern[str] | None = None
    body: re.Pattern[str] | None = None
    trailers: tuple[tuple[str, re.Pattern[str]], ...] = ()  # (lower-cased key, value regex)
    types: frozenset[str] | None = None  # lower-case Conventional Commit types
    scope: re.Pattern[str] | None = None
    client_note: bool | None = None

    def matches(self, commit: Commit, *, language: str) -> bool:
        if self.merge is not None and commit.is_merge != self.merge:
            return False
        if self.author and not self.author.search(f"{commit.author_name} <{commit.author_email}>"):
            return False
        if self.subject and not self.subject.search(commit.subject):
            return False
        if self.body and not self.body.search(commit.body):
            return False
        for key, pattern in self.trailers:
            values = [value for name, value in commit.trailers if name.lower() == key]
            if not any(pattern.search(value) for value in values):
                return False
        if self.types is not None or self.scope is not None:
            header = parse_subject(commit.subject)
            if self.types is not None and (header.type or "") not in self.types:
                return False
            if self.scope is not None and (header.scope is None or not self.scope.search(header.scope)):
                return False
        if self.client_note is not None and (client_text(commit, language) is not None) != self.client_note:
            return False
        return True


@dataclass(frozen=True)
class Rule:
    name: str
    action: str  # one of ACTIONS
    heading: str = ""  # one of HEADINGS when action == "show", else ""
    when: Conditions = Conditions()
    origin: str = ""  # where the rule came from ("commit_rules", a file path), for messages


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]

    def first_match(self, commit: Commit, *, language: str = "en") -> Rule | None:
        for rule in self.rules:
            if rule.when.matches(commit, language=language):
                return rule
        return None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(rule.name for rule in self.rules)


# --- loading and checking rule data ------------------------------------------------------------


def load_rules(overrides: Sequence[Mapping[str, Any]] | None = None, *, path: Path | None = None) -> RuleSet:
    """The default rules (or those in `path`), with `overrides` placed first so they win.

    `overrides` are rules of the same shape, e.g. a client's `commit_rules:` list. Raises
    `RulesError` naming the rule (number and name) and the field when something is wrong.
    """
    path = path or DEFAULT_RULES_PATH
    try:
        version = path.stat()
    except OSError as err:
        raise RulesError(f"{path}: cannot read the commit rules ({err.strerror})") from None
    defaults = _rules_file(path, version.st_mtime_ns, version.st_size)
    extra = _parse_rules(overrides, origin="commit_rules") if overrides is not None else ()
    return RuleSet(rules=extra + defaults)


@functools.lru_cache(maxsize=8)
def _rules_file(path: Path, _mtime_ns: int, _size: int) -> tuple[Rule, ...]:
    """The rules of a file, read once per version of it (every client's build asks)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise RulesError(f"{path}: cannot read the commit rules ({err.strerror})") from None
    except yaml.YAMLError as err:
        raise RulesError(f"{path}: not valid YAML: {err}") from None
    if not isinstance(data, Mapping) or set(data) != {"rules"}:
        raise RulesError(f"{path}: must hold one key, `rules:`, with a list of rules")
    return _parse_rules(data["rules"], origin=str(path))


def _parse_rules(data: object, *, origin: str) -> tuple[Rule, ...]:
    if isinstance(data, (str, bytes, Mapping)) or not isinstance(data, Sequence):
        raise RulesError(f"{origin}: must be a list of rules (each a `- name: ...` entry)")
    rules: list[Rule] = []
    seen: set[str] = set()
    for index, item in enumerate(data, start=1):
        rule = _parse_rule(item, origin=origin, index=index)
        if rule.name in seen:
            raise RulesError(f"{origin}, rule {index} ({rule.name!r}): name: used by an earlier rule; names must be unique")
        seen.add(rule.name)
        rules.append(rule)
    return tuple(rules)


def _unknown_key(key: object, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(str(key), known, n=1)
    hint = f" - did you mean `{close[0]}`?" if close else f" (known: {', '.join(known)})"
    return f"unknown key{hint}"


def _parse_rule(item: object, *, origin: str, index: int) -> Rule:
    name = item.get("name") if isinstance(item, Mapping) else None
    label = f"{origin}, rule {index} ({name!r})" if isinstance(name, str) and name else f"{origin}, rule {index}"

    def fail(field: str, problem: str) -> RulesError:
        return RulesError(f"{label}: {field}: {problem}")

    if not isinstance(item, Mapping):
        raise RulesError(f"{label}: must be a mapping with `name`, `when`, `action` (and `heading` for show)")
    for key in item:
        if key not in _RULE_KEYS:
            raise fail(str(key), _unknown_key(key, _RULE_KEYS))
    if not isinstance(name, str) or not name.strip():
        raise fail("name", "missing; give every rule a short name, e.g. `name: hide-admin-work`")
    action = item.get("action")
    if action not in ACTIONS:
        raise fail("action", f"must be one of {', '.join(ACTIONS)} (got {action!r})")
    heading = item.get("heading")
    if action == "show":
        if heading not in HEADINGS:
            raise fail("heading", f"a `show` rule needs one of {', '.join(HEADINGS)} (got {heading!r})")
    elif heading is not None:
        raise fail("heading", "only `show` rules have a heading; remove it or use `action: show`")
    when = item.get("when")
    if when is None:
        conditions = Conditions()
    elif isinstance(when, Mapping):
        conditions = _parse_conditions(when, fail)
    else:
        raise fail("when", "must be a mapping of conditions, e.g. `when: {subject: '^admin:'}`")
    return Rule(name=name.strip(), action=action, heading=heading or "", when=conditions, origin=origin)


def _regex(value: object, field: str, fail: Any) -> re.Pattern[str]:
    if isinstance(value, bool):
        raise fail(field, f"YAML read this as {str(value).lower()}, not text; put the expression in quotes, e.g. 'yes'")
    if not isinstance(value, str):
        raise fail(field, f"must be a regular expression in quotes (got {value!r})")
    try:
        return re.compile(value, re.IGNORECASE)
    except re.error as err:
        raise fail(field, f"not a valid regular expression ({err}); check brackets and escape special characters with \\") from None


def _parse_conditions(when: Mapping[str, Any], fail: Any) -> Conditions:
    fields: dict[str, Any] = {}
    for key, value in when.items():
        field = f"when.{key}"
        if key not in _WHEN_KEYS:
            raise fail(field, _unknown_key(key, _WHEN_KEYS))
        if key in ("merge", "client_note"):
            if not isinstance(value, bool):
                raise fail(field, f"must be true or false (got {value!r})")
            fields[key] = value
        elif key in ("author", "subject", "body", "scope"):
            fields[key] = _regex(value, field, fail)
        elif key == "trailer":
            if not isinstance(value, Mapping) or not value:
                raise fail(field, "must be a mapping of trailer names to regular expressions, e.g. {Internal: 'yes'}")
            fields["trailers"] = tuple(
                (str(name).lower(), _regex(pattern, f"{field}.{name}", fail)) for name, pattern in value.items()
            )
        elif key == "type":
            types = [value] if isinstance(value, str) else value
            if (
                isinstance(types, (Mapping, bytes))
                or not isinstance(types, Sequence)
                or not types
                or not all(isinstance(t, str) and t.strip() for t in types)
            ):
                raise fail(field, f"must be a list of Conventional Commit types, e.g. [feat, fix] (got {value!r})")
            fields["types"] = frozenset(t.strip().lower() for t in types)
    return Conditions(**fields)


# --- reading a commit message -------------------------------------------------------------------


@dataclass(frozen=True)
class Header:
    """A subject line split as a Conventional Commit ("feat(cart)!: add gift cards")."""

    type: str | None  # lower case; None when the subject is not a Conventional Commit
    scope: str | None
    breaking: bool
    description: str  # the subject without the prefix (the whole subject when no prefix)


_HEADER = re.compile(r"^\s*(?P<type>[A-Za-z]+)(?:\((?P<scope>[^()\r\n]*)\))?(?P<bang>!)?:(?!//)\s*(?P<desc>.*)$", re.DOTALL)


def parse_subject(subject: str) -> Header:
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


def client_text(commit: Commit, language: str) -> str | None:
    """The sentence written for the client: `Client-<language>:` if present, else `Client:`."""
    for key in (f"Client-{language}", "Client"):
        value = commit.trailer(key)
        if value is not None and value.strip():
            return " ".join(value.split())
    return None


def milestone_of(commit: Commit, milestone_ids: Collection[str]) -> tuple[str, str | None]:
    """(milestone id the commit is tied to or "", id named in a `Milestone:` trailer that is unknown).

    A `Milestone: <id>` trailer naming a known milestone wins; otherwise a Conventional Commit
    scope equal to a known milestone id ties the commit ("feat(payments): ..."). The second
    value lets the caller warn about a trailer naming no milestone of the project.
    """
    known = {str(m).lower() for m in milestone_ids}
    unknown = None
    named = commit.trailer("Milestone")
    if named is not None and named.strip():
        wanted = named.strip().lower()
        if wanted in known:
            return wanted, None
        unknown = named.strip()
    scope = parse_subject(commit.subject).scope
    if scope:
        for part in re.split(r"[,/\s]+", scope.lower()):
            if part in known:
                return part, unknown
    return "", unknown


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
    (re.compile(rf"[(\[]\s*(?:{_KEYWORDS}\s*:?\s*)?{_IDS}\s*[)\]]", re.IGNORECASE), " "),
    # trailing "refs #1", "- closes ABC-12."
    (re.compile(rf"[\s,;:|\-–—]*\b{_KEYWORDS}\s*:?\s*{_IDS}\s*\.?\s*$", re.IGNORECASE), ""),
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
_LINK = dict(PATTERNS)["link"]


def _strip_ticket_ids(text: str) -> str:
    """`text` without ticket and pull-request ids; links are left whole."""
    pieces = _LINK.split(text)
    links = _LINK.findall(text)
    cleaned = []
    for piece in pieces:
        previous = None
        while previous != piece:  # "refs #1 closes #2": each step may uncover another
            previous = piece
            for pattern, replacement in _TICKET_STEPS:
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
    return _clean_description(parse_subject(subject).description)


def _clean_description(description: str) -> str:
    text = " ".join(description.split())
    stripped = " ".join(_strip_ticket_ids(text).split())
    if stripped != text:
        # Only text that lost ids needs its loose separators tidied; untouched text keeps
        # every character the author wrote (an "&amp;" or a trailing ";" is theirs).
        text = stripped
        for pattern, replacement in _TIDY_STEPS:
            text = " ".join(pattern.sub(replacement, text).split())
    text = re.sub(r"(?<!\.)\.$", "", text)
    return _capitalise(text.strip())


def _strip_ids_from_note(note: str) -> str:
    """A note without ticket ids; untouched (to the character) when it has none."""
    stripped = " ".join(_strip_ticket_ids(note).split())
    if stripped == note:
        return note
    for pattern, replacement in _TIDY_STEPS:
        stripped = " ".join(pattern.sub(replacement, stripped).split())
    return stripped


def _local_day(moment: dt.datetime, timezone: str) -> dt.date:
    if not timezone:
        return moment.date()
    try:
        return moment.astimezone(ZoneInfo(timezone)).date()
    except (ZoneInfoNotFoundError, ValueError):  # `milepost check` rejects unknown zones
        return moment.date()


def _meaningful(text: str, placeholder: str) -> bool:
    """At least one real word is left once hidden parts are taken out."""
    return re.search(r"[^\W\d_]{2,}", text.replace(placeholder, " ")) is not None


@functools.lru_cache(maxsize=16)
def _placeholder(language: str) -> str:
    # Translated through the gettext catalogs like every other word the client reads.
    return texts_for(language).gettext("[hidden]")


# --- deciding ----------------------------------------------------------------------------------


def classify(
    commit: Commit,
    rules: RuleSet,
    *,
    milestone_ids: Collection[str] = (),
    language: str = "en",
    allowed_hosts: Collection[str] = (),
    timezone: str = "",
) -> ShownChange:
    """What the client sees of `commit`: hidden, counted, or listed with redacted plain text.

    The change is dated the day it was authored in the client's `timezone` (in the author's
    own when none is given): work done at 23:30 in London is the next day in Warsaw.
    """
    day = _local_day(commit.authored, timezone)
    rule = rules.first_match(commit, language=language)
    if rule is not None and rule.action == "hide":
        return ShownChange(kind="hidden", text="", date=day, sha=commit.sha, rule=rule.name)
    milestone, _unknown = milestone_of(commit, milestone_ids)
    counted = ShownChange(
        kind="counted", text="", date=day, milestone=milestone, sha=commit.sha, rule=rule.name if rule else NO_RULE
    )
    if rule is None or rule.action == "count":
        return counted
    placeholder = _placeholder(language)
    note = client_text(commit, language) if rule.heading == "note" else None
    if note is not None:
        # Written for the client, so shown as written - but ticket ids are the team's, not the
        # client's, in a note as anywhere else.
        note = _strip_ids_from_note(redact(note, allowed_hosts=allowed_hosts))
        text = redact(note, allowed_hosts=allowed_hosts, placeholder=placeholder)
    else:
        # Redact before cleaning so ids inside a hidden link go with it, and again after as the
        # last word on what reaches a page (redaction is idempotent).
        description = redact(parse_subject(commit.subject).description, allowed_hosts=allowed_hosts)
        text = redact(_clean_description(description), allowed_hosts=allowed_hosts, placeholder=placeholder)
    if not _meaningful(text, placeholder):
        log.debug("commit %s: nothing readable left of %r; counted instead", commit.sha[:7], commit.subject)
        return counted
    return ShownChange(kind=rule.heading, text=text, date=day, milestone=milestone, sha=commit.sha, rule=rule.name)


def classify_all(commits: Iterable[Commit], rules: RuleSet, **kw: Any) -> list[ShownChange]:
    """`classify` for each commit, in order; hidden ones included (filter on `kind`)."""
    return [classify(commit, rules, **kw) for commit in commits]

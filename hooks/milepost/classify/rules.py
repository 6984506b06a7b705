"""Commit rules as data: an ordered, first-match list, and how it is read from YAML.

The rules are data (`default_rules.yml`, plus per-client rules from client.yml placed before
them), in the spirit of git-cliff's `commit_parsers`: each rule has conditions (`when`) and an
`action` - `hide`, `count` (one of the "smaller technical improvements") or `show` under a
heading (`new`, `fixed`, `faster`, `note`). The first rule whose conditions all match decides
(classifier.py applies them).
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from milepost.classify.subjects import Header, parse_subject
from milepost.classify.trailers import client_text
from milepost.errors import PatternError, RulesError
from milepost.history.trailer_block import commit_trailers
from milepost.linear_regex import Pattern, compile_linear
from milepost.model import Commit, WorkKind

DEFAULT_RULES_PATH = Path(__file__).parent / "default_rules.yml"



class RuleAction(StrEnum):
    """What a commit rule does with the commits it matches (its `action:`)."""

    HIDE = "hide"
    COUNT = "count"
    SHOW = "show"


ACTIONS = tuple(RuleAction)
HEADINGS = (WorkKind.NEW, WorkKind.FIXED, WorkKind.FASTER, WorkKind.NOTE)

_RULE_KEYS = ("name", "when", "action", "heading")
_WHEN_KEYS = ("merge", "author", "subject", "body", "trailer", "type", "scope", "client_note")


# --- the rules as data -------------------------------------------------------------------------


@dataclass(frozen=True)
class Conditions:
    """All set conditions must match; an empty `Conditions` matches every commit."""

    merge: bool | None = None
    author: Pattern | None = None  # searched in "Name <email>"
    subject: Pattern | None = None
    body: Pattern | None = None
    trailers: tuple[tuple[str, Pattern], ...] = ()  # (lower-cased key, value regex)
    types: frozenset[str] | None = None  # lower-case Conventional Commit types
    scope: Pattern | None = None
    client_note: bool | None = None

    def matches(self, commit: Commit, *, language: str, facts: CommitFacts | None = None) -> bool:
        """`facts`: what was worked out of this commit for earlier rules (first_match passes it)."""
        facts = facts if facts is not None else CommitFacts(commit, language)
        return all(check(facts) for check in self.checks)

    @functools.cached_property
    def checks(self) -> tuple[Callable[[CommitFacts], bool], ...]:
        """One test per condition set, cheapest first (all must hold, so the order changes
        nothing but the time): a rule is then as many calls as it has conditions, not a walk
        through all eight."""
        wanted: list[tuple[object, Callable[[CommitFacts], bool]]] = [
            (self.merge, self._merge),
            (self.types, self._type),
            (self.scope, self._scope),
            (self.subject, self._subject),
            (self.author, self._author),
            (self.body, self._body),
            (self.client_note, self._client_note),
            (self.trailers or None, self._trailers),
        ]
        return tuple(check for condition, check in wanted if condition is not None)

    def _merge(self, facts: CommitFacts) -> bool:
        return facts.commit.is_merge == self.merge

    def _type(self, facts: CommitFacts) -> bool:
        assert self.types is not None
        return (facts.header().type or "") in self.types

    def _scope(self, facts: CommitFacts) -> bool:
        assert self.scope is not None
        scope = facts.header().scope
        return scope is not None and self.scope.search(scope) is not None

    def _subject(self, facts: CommitFacts) -> bool:
        assert self.subject is not None
        return self.subject.search(facts.commit.subject) is not None

    def _author(self, facts: CommitFacts) -> bool:
        assert self.author is not None
        return _found(self.author, facts.author())

    def _body(self, facts: CommitFacts) -> bool:
        assert self.body is not None
        return self.body.search(facts.commit.body) is not None

    def _client_note(self, facts: CommitFacts) -> bool:
        return facts.has_client_note() == self.client_note

    def _trailers(self, facts: CommitFacts) -> bool:
        for key, pattern in self.trailers:
            if not facts.may_have_trailer(key):
                return False
            if not any(pattern.search(value) for value in facts.trailers().get(key, ())):
                return False
        return True


@functools.lru_cache(maxsize=1024)
def _found(pattern: Pattern, text: str) -> bool:
    """`pattern.search(text)`, remembered: a portal has few authors and many commits each."""
    return pattern.search(text) is not None


class CommitFacts:
    """What the conditions read of one commit, each worked out once however many rules ask."""

    __slots__ = ("commit", "language", "_author", "_trailers", "_note", "_lowered")

    def __init__(self, commit: Commit, language: str) -> None:
        self.commit, self.language = commit, language
        self._author: str | None = None
        self._trailers: dict[str, list[str]] | None = None
        self._note: bool | None = None
        self._lowered: str | None = None

    def header(self) -> Header:
        return parse_subject(self.commit.subject)  # remembered per distinct subject

    def may_have_trailer(self, word: str) -> bool:
        """False when the commit has no trailer whose key holds `word` (lower case): its body
        does not even have the word. Most commits have none of the keys the rules ask for,
        and this costs a tenth of reading the trailers."""
        if self._trailers is not None or self.commit.trailers is not None:  # read (or given) already
            return any(word in key for key in self.trailers())
        if self._lowered is None:
            body = self.commit.body
            self._lowered = body.lower() if ":" in body else ""
        return word in self._lowered

    def author(self) -> str:
        if self._author is None:
            self._author = f"{self.commit.author_name} <{self.commit.author_email}>"
        return self._author

    def trailers(self) -> dict[str, list[str]]:
        """Trailer values by lower-cased key, in order."""
        if self._trailers is None:
            self._trailers = {}
            for name, value in commit_trailers(self.commit):
                self._trailers.setdefault(name.lower(), []).append(value)
        return self._trailers

    def has_client_note(self) -> bool:
        if self._note is None:
            self._note = self.may_have_trailer("client") and client_text(self.commit, self.language) is not None
        return self._note


@dataclass(frozen=True)
class Rule:
    name: str
    action: RuleAction
    heading: WorkKind | None = None  # one of HEADINGS for a SHOW rule, else None
    when: Conditions = Conditions()
    origin: str = ""  # where the rule came from ("commit_rules", a file path), for messages


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]

    def first_match(self, commit: Commit, *, language: str = "en", facts: CommitFacts | None = None) -> Rule | None:
        """The first rule whose conditions all hold. `facts`: the caller's, to read again."""
        facts = facts if facts is not None else CommitFacts(commit, language)
        for rule in self.rules:
            for check in rule.when.checks:
                if not check(facts):
                    break
            else:
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
            raise RulesError(
                f"{origin}, rule {index} ({rule.name!r}): name: used by an earlier rule; names must be unique"
            )
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
    if action == RuleAction.SHOW:
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
    return Rule(
        name=name.strip(),
        action=RuleAction(action),
        heading=WorkKind(heading) if heading is not None else None,
        when=conditions,
        origin=origin,
    )


def _regex(value: object, field: str, fail: Any) -> Pattern:
    if isinstance(value, bool):
        raise fail(field, f"YAML read this as {str(value).lower()}, not text; put the expression in quotes, e.g. 'yes'")
    if not isinstance(value, str):
        raise fail(field, f"must be a regular expression in quotes (got {value!r})")
    try:
        # RE2: a client's pattern runs in time linear in the commit text, whatever it is.
        return compile_linear(value, ignore_case=True)
    except PatternError as err:
        raise fail(field, str(err)) from None


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

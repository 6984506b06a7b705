"""Linear time, counted: every pattern over commit text runs on RE2, and the Python around it
does a bounded amount of work per match, so a text ten times longer costs about ten times the
steps - never a hundred times, as the backtracking patterns this replaced did (a 100 KB crafted
message took minutes).

Steps are counted, not timed: `steps()` counts the Python bytecode instructions a call runs
(sys.settrace with opcode events), which is the same number on every machine and under any
load. A call into RE2 or into a `str` method counts as one step; those are linear by
construction, and `test_every_pattern_over_commit_text_is_re2` checks that no pattern escapes
RE2. `test_the_count_sees_quadratic_work` shows the measure fails on quadratic code."""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable
from types import FrameType, ModuleType
from typing import Any

import pytest

from milepost import linear_regex
from milepost.classify import redaction, rules, subjects
from milepost.classify.redaction import RULES, redact
from milepost.classify.rules import load_rules
from milepost.classify.subjects import clean_description, strip_ids_from_note
from milepost.history import trailer_block
from milepost.history.trailer_block import trailers_of

SMALL = 2_000  # characters; the large text is ten times as long
GROWTH = 10
# "About ten times": linear work grows by GROWTH plus what is fixed per call; quadratic work
# would grow by GROWTH**2 = 100.
MOST = 13


def steps(call: Callable[[], object]) -> int:
    """The Python bytecode instructions `call()` runs."""
    count = 0

    def trace(frame: FrameType, event: str, arg: Any) -> Callable[..., Any]:
        nonlocal count
        frame.f_trace_opcodes = True
        if event == "opcode":
            count += 1
        return trace

    previous = sys.gettrace()
    sys.settrace(trace)
    try:
        call()
    finally:
        sys.settrace(previous)
    return count


def repeat(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def growth(work: Callable[[str], object], unit: str) -> float:
    """How many times the steps grow when the adversarial text grows GROWTH times."""
    small = steps(lambda: work(repeat(unit, SMALL)))
    large = steps(lambda: work(repeat(unit, SMALL * GROWTH)))
    return large / max(small, 1)


# The shapes that broke the backtracking patterns, and the shapes each rule's pattern is made
# of: runs of separators, double colons, digits with spaces, "<", unclosed quotes and keys.
REDACTION_FAMILIES = {
    "separators": "-._", "dashes": "--", "dots": "..", "double colons": "::", "a::": "a::",
    "digits with spaces": "1 ", "4-digit groups": "4111 ", "digits and dashes": "1-", "<": "<", "a<": "a<",
    "a.": "a.", "word chars": "a", "@": "@", "a@": "a@", "a@b.": "a@b.", "base64": "Ab1+/",
    "phone-ish": "+48111111111111111111 ", "BEGIN without END": "-----BEGIN RSA PRIVATE KEY-----",
    "key=": "password=", "key.": "password.", "key:value": "password:a.", "unclosed quote": 'password="',
    "brackets": "password=x" + ")" * 50, "colons": "a:b:", "hex colons": "0:", "dotted digits": "1.1:",
    "backslashes": "\\", "/home/": "/home/", "a=b=": "a=b=", "password is": "the password is ",
    "password words": "password do a1 ", "login": "login a:", "login slash": "Login: a / ",
    "pin": "PIN ", "internal": "a.internal.", "iban-ish": "PL61 ", "secret word run": "mysqlpass",
}  # fmt: skip
SUBJECT_FAMILIES = {
    "ids": "A-1 ", "numbers": "#1,", "merge requests": "!1 ", "keyword and id": "refs ABC-1 ",
    "open bracket": "(refs #1 ", "dashes": "-", "models": "GLA-200 ", "long words": "ABCDEFGH-",
}  # fmt: skip
TRAILER_FAMILIES = {
    "folded value": ("Key: v\n", " x\n"),
    "colons": ("", "a:\n"),
    "comments": ("", "#\nKey: v\n"),
    "conflicts": ("Conflicts:\n", "\tfile\n"),
    "indented": ("", " a:\n"),
}


@pytest.mark.parametrize("unit", REDACTION_FAMILIES.values(), ids=list(REDACTION_FAMILIES))
def test_redaction_grows_linearly(unit: str) -> None:
    assert growth(lambda text: redact(text, max_chars=None), unit) < MOST


@pytest.mark.parametrize("unit", REDACTION_FAMILIES.values(), ids=list(REDACTION_FAMILIES))
def test_each_rule_grows_linearly(unit: str) -> None:
    worst = max((growth(functools.partial(redaction.apply_rule, rule), unit), rule.name) for rule in RULES)
    assert worst[0] < MOST, worst


@pytest.mark.parametrize("unit", SUBJECT_FAMILIES.values(), ids=list(SUBJECT_FAMILIES))
def test_subject_cleaning_grows_linearly(unit: str) -> None:
    assert growth(clean_description, unit) < MOST
    assert growth(strip_ids_from_note, unit) < MOST


@pytest.mark.parametrize(("head", "unit"), TRAILER_FAMILIES.values(), ids=list(TRAILER_FAMILIES))
def test_trailer_unfolding_grows_linearly(head: str, unit: str) -> None:
    assert growth(lambda text: trailers_of("para\n\n" + head + text), unit) < MOST


def test_a_clients_rule_grows_linearly() -> None:
    """A client's own pattern, written to backtrack, runs on RE2."""
    ruleset = load_rules([{"name": "slow", "action": "hide", "when": {"subject": "^(a+)+$", "body": "(x+x+)+y"}}])
    slow = next(rule for rule in ruleset.rules if rule.name == "slow")
    assert slow.when.subject is not None and slow.when.body is not None
    subject, body = slow.when.subject, slow.when.body
    assert growth(lambda text: subject.search(text + "!"), "a") < MOST
    assert growth(lambda text: body.search(text), "x") < MOST


def test_the_count_sees_quadratic_work() -> None:
    """The measure can fail: work that compares every pair of characters grows a hundredfold."""

    def quadratic(text: str) -> int:
        return sum(1 for i in range(0, len(text), 20) for _j in range(0, len(text), 20))

    assert growth(quadratic, "a") > 50


PATTERN_TYPES = (re.Pattern, linear_regex.Pattern)


def _patterns(module: ModuleType) -> list[tuple[str, object]]:
    """The compiled patterns a module keeps: on their own, in a tuple, or in a tuple of pairs."""
    found: list[tuple[str, object]] = []
    for name, value in vars(module).items():
        items = list(value) if isinstance(value, tuple) else [value]
        items += [part for item in items if isinstance(item, tuple) for part in item]
        found += [(name, item) for item in items if isinstance(item, PATTERN_TYPES)]
    return found


@pytest.mark.parametrize("module", [redaction, subjects, rules, trailer_block], ids=lambda m: m.__name__)
def test_every_pattern_over_commit_text_is_re2(module: ModuleType) -> None:
    patterns = _patterns(module)
    if module is redaction:
        patterns += [(rule.name, rule.regex) for rule in RULES] + [
            (rule.name, rule.not_before) for rule in RULES if rule.not_before
        ]
    if module is rules:
        patterns += [(rule.name, getattr(rule.when, field)) for rule in load_rules().rules
                     for field in ("author", "subject", "body", "scope") if getattr(rule.when, field) is not None]
    assert module is rules or patterns, "the check found no pattern to check"
    assert [name for name, pattern in patterns if not isinstance(pattern, linear_regex.Pattern)] == []

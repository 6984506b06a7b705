"""The pre-check in front of the redaction rules (`candidate_rules`) must be conservative: a
rule it leaves out can never change the text (its keywords are missing, or a `needs` of the
table is not met), and redact() with it gives exactly what trying every rule (the keyword test
of each, as before the pre-check) gives."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_redaction import EXAMPLES as BY_KIND

from milepost.classify import redaction
from milepost.classify.redaction import PLACEHOLDER, RULES, candidate_rules, redact, shorten

EXAMPLES = [pair for examples in BY_KIND.values() for pair in examples.hidden] + [
    (text, text) for examples in BY_KIND.values() for text in examples.kept
]

# Pieces that make texts the rules are about: every keyword, the start of every kind of secret,
# runs of the characters the long-string rules look for, and the examples' own texts.
KEYWORDS = sorted({word for rule in RULES for word in rule.keywords})
PIECES = KEYWORDS + [
    "AKIA", "ghp_", "glpat-", "xoxb-", "sk_live_", "AIza", "npm_", "sk-", "SG.", "SK", "AC", "eyJ", "Bearer ",
    "Basic ", "Authorization: ", "password=", "token: ", "https://", "www.", "@", "10.0.0.5", "192.168.1.1",
    "localhost:8080", "db:5432", "fe80::1", "/home/anna/", "C:\\Users\\anna\\", "\\\\server\\share",
    "4111 1111 1111 1111", "PL61109010140000071219812874", "+48 600 100 200", "44051401359", "[hidden]",
    "0123456789abcdef" * 2, "Ab1+/xYz9Qw", "A" * 16, "7" * 10, " ", "\n", ":", ".", "-", "_", "/", "=",
]  # fmt: skip
TEXTS = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(alphabet="aAbBcdefKkSs0123456789:._-/@ +=\\", max_size=12)),
    max_size=14,
).map("".join) | st.sampled_from([text for text, _ in EXAMPLES])


def redact_trying_every_rule(text: str, allowed_hosts: tuple[str, ...] = ()) -> str:
    """redact() as it was before the pre-check: every rule's keyword test, on the current text."""
    text = shorten(text)
    lowered = text.lower()
    for rule in RULES:
        if not rule.applies(lowered):
            continue
        changed = redaction.apply_rule(rule, text, allowed_hosts)
        if changed != text:
            text, lowered = changed, changed.lower()
    text = redaction._REPEATED.sub(PLACEHOLDER + " ", text)
    return " ".join(text.split())


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_a_rule_left_out_cannot_change_the_text(text: str) -> None:
    candidates = candidate_rules(text)
    lowered = text.lower()
    for index, rule in enumerate(RULES):
        if rule.applies(lowered) and not (rule.min_digits or rule.one_of or rule.long_run):
            assert index in candidates, rule.name  # keywords alone: exactly what applies() says
        if index not in candidates:
            assert redaction.apply_rule(rule, text) == text, rule.name


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS, st.sampled_from([(), ("agency.example",)]))
def test_redact_gives_what_trying_every_rule_gives(text: str, hosts: tuple[str, ...]) -> None:
    assert redact(text, allowed_hosts=hosts) == redact_trying_every_rule(text, hosts)


def test_the_pre_check_lets_each_kind_of_secret_through() -> None:
    """Each example that redaction changes has a rule the pre-check let in."""
    for text, expected in EXAMPLES:
        if expected != text:
            assert candidate_rules(text), text


def test_ordinary_text_needs_no_rule() -> None:
    assert candidate_rules("Customers can now sort the product list by price") == frozenset()

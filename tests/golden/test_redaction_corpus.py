"""Redaction as a corpus: realistic commit texts in several languages, each with its expected
output (tests/golden/redaction/corpus.yml). Commit cases run through the same classification a
build uses, so ticket ids, links, e-mails, phone numbers and secrets are checked in the text a
client would actually read."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import pytest
import yaml

from milepost.classify.classifier import classify
from milepost.classify.redaction import RULES as REDACTION_RULES
from milepost.classify.redaction import apply_rule, redact
from milepost.classify.rules import load_rules
from milepost.classify.subjects import clean_description
from milepost.model import Commit

CORPUS_FILE = Path(__file__).parent / "redaction" / "corpus.yml"
CORPUS: list[dict[str, Any]] = yaml.safe_load(CORPUS_FILE.read_text(encoding="utf-8"))
MEASURE: dict[str, Any] = yaml.safe_load((CORPUS_FILE.parent / "measure.yml").read_text(encoding="utf-8"))
RULES = load_rules()


def commit_of(data: dict[str, Any]) -> Commit:
    trailers = tuple(tuple(part.strip() for part in line.split(":", 1)) for line in data.get("trailers", []))
    body = "\n".join(data.get("trailers", []))
    moment = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
    return Commit(
        sha=hashlib.sha1(f"{data['subject']}\n{body}".encode()).hexdigest(),
        author_name="Kasia Wójcik",
        author_email="kasia@agency.example",
        authored=moment,
        committed=moment,
        parents=("0" * 40,),
        subject=data["subject"],
        body=body,
        trailers=trailers,  # type: ignore[arg-type]
    )


def shown_text(case: dict[str, Any]) -> str:
    hosts = case.get("allowed_hosts", [])
    if "text" in case:
        return redact(case["text"], allowed_hosts=hosts)
    change = classify(commit_of(case["commit"]), RULES, language=case["language"], allowed_hosts=hosts)
    assert change.kind == case["kind"], f"{case['name']}: shown as {change.kind!r} by rule {change.rule!r}"
    return change.text


@pytest.mark.parametrize("case", CORPUS, ids=[c["name"] for c in CORPUS])
def test_corpus_case(case: dict[str, Any]) -> None:
    text = shown_text(case)
    assert text == case["expect"]
    for secret in case.get("never", []):
        assert secret not in text


def test_the_corpus_covers_every_kind_and_language() -> None:
    names = " ".join(case["name"] for case in CORPUS)
    for kind in ("aws", "github", "slack", "jwt", "private-key", "password", "haslo", "parol", "passwort",
                 "email", "phone", "jira", "internal-host", "ticket"):
        assert kind in names, f"no case for {kind}"
    assert {case["language"] for case in CORPUS} == {"en", "pl", "ru", "uk", "de"}
    assert sum(1 for case in CORPUS if "commit" in case) >= 25


def read_as_a_client(text: str) -> tuple[str, str]:
    """`text` as a client reads it as a note (redacted) and as a subject (redacted, cleaned of
    ticket ids, redacted again)."""
    return redact(text), redact(clean_description(redact(text)))


def test_secrets_shown_and_client_sentences_changed_are_both_zero() -> None:
    """The two measures of redaction over tests/golden/redaction/measure.yml, printed (run with
    -s to see them): secrets a client could read, and ordinary sentences that lost a word."""
    shown = [
        case["text"]
        for case in MEASURE["secrets"]
        if any(case["secret"] in out for out in read_as_a_client(case["text"]))
    ]
    changed = [text for text in MEASURE["ordinary"] if read_as_a_client(text) != (text, text)]
    print(
        f"\nredaction: secrets shown {len(shown)} of {len(MEASURE['secrets'])}, "
        f"ordinary client sentences changed {len(changed)} of {len(MEASURE['ordinary'])}"
    )
    assert (shown, changed) == ([], [])


def corpus_texts() -> list[str]:
    """Every text of the corpus and the measure: a commit's subject and trailers, a text."""
    texts = [c.get("text") or " ".join([c["commit"]["subject"], *c["commit"].get("trailers", [])]) for c in CORPUS]
    texts += [case["text"] for case in MEASURE["secrets"]] + list(MEASURE["ordinary"])
    return texts


@pytest.mark.parametrize("text", corpus_texts())
def test_redaction_is_idempotent_over_the_corpus(text: str) -> None:
    """redact(redact(x)) == redact(x), also for what a client reads of it as a subject (cleaned
    of ticket ids between two redactions): no placeholder's bracket is read as a secret's."""
    for shown in (redact(text), *read_as_a_client(text)):
        assert redact(shown) == shown
    assert redact(clean_description(redact(text))) == redact(redact(clean_description(redact(text))))


def test_the_measures_can_fail() -> None:
    assert any("hunter2" in out for out in read_as_a_client("the pass phrase hunter2"))  # no secret word before it
    assert read_as_a_client("Fix the basket - ABC-12") != ("Fix the basket - ABC-12",) * 2


def test_every_secret_pattern_fires_somewhere_in_the_corpus() -> None:
    """A pattern that none of the realistic texts needs is either dead or untested here."""
    texts = corpus_texts()
    unused = [rule.name for rule in REDACTION_RULES if not any(apply_rule(rule, t) != t for t in texts)]
    # Formats too rare to write a realistic commit text for; test_redaction.py has examples.
    assert set(unused) <= {"ssh remote", "npm token", "SendGrid key", "Twilio key", "other service token"}, unused


def test_a_case_fails_when_the_secret_survives() -> None:
    leaky = {
        "name": "x",
        "language": "en",
        "text": "password is hunter2",
        "expect": "password is hunter2",
        "never": ["hunter2"],
    }
    with pytest.raises(AssertionError):
        test_corpus_case(leaky)

"""The keys of "New since your last visit": stable, changed exactly when the fact changes."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from helpers import output_in_new_process
from milepost.render.visit_marks import ChangeKind, change_key


def key_bytes() -> bytes:
    """A key, for the other process."""
    return change_key("milestone", "payments", "New date: 12 December 2026.").encode()


def test_a_key_is_its_kind_and_a_short_digest_with_no_text_of_the_page() -> None:
    key = change_key("waiting", "Logo files in SVG", "Asked on 10 November 2026")
    assert re.fullmatch(r"waiting:[a-p]{16}", key)
    assert "Logo" not in key


def test_the_same_fact_gives_the_same_key_in_any_process() -> None:
    assert key_bytes() == output_in_new_process(
        Path(__file__), "key_bytes()", {"PYTHONHASHSEED": "7", "TZ": "Asia/Tokyo"}
    )
    # Fixed: a new digest would mark every fact of every page as new once, for every client.
    assert key_bytes() == b"milestone:lamhcacpjliicojj"


def test_a_changed_fact_gets_a_new_key() -> None:
    before = change_key("milestone", "payments", "New date: 12 December 2026.")
    assert change_key("milestone", "payments", "New date: 19 December 2026.") != before
    assert change_key("milestone", "launch", "New date: 12 December 2026.") != before
    assert change_key("done", "payments", "BLIK payments", dt.date(2026, 11, 23)) != change_key(
        "done", "payments", "BLIK payments", dt.date(2026, 11, 24)
    )
    # Parts are kept apart: ("ab", "c") is not ("a", "bc").
    assert change_key("decision", "ab", "c") != change_key("decision", "a", "bc")


def test_every_kind_is_a_closed_set_and_a_typo_fails() -> None:
    assert {kind.value for kind in ChangeKind} == {
        "milestone", "done", "project", "finish", "waiting", "delivered", "decision", "change", "answer"
    }
    with pytest.raises(ValueError):
        change_key("milestones", "payments")

"""Cache keys are the same in every process: computed in two Python processes with different
hash seeds (which reorder sets and frozensets), the rule set's, the page cache's and the
shown-work cache's keys must be equal, or no cache would ever be hit across builds."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys

import pytest

from helpers import ROOT
from milepost.history.disk_cache import KEY_FORMAT, canonical_data, canonical_key

# Made in a fresh interpreter: a rule set with set-valued conditions (`types`), a client and
# projects with frozensets and dicts, and the three keys the caches use.
SCRIPT = r"""
import datetime as dt
from milepost.classify.rules import load_rules
from milepost.classify.shown_work import settings_key
from milepost.history.disk_cache import canonical_key
from milepost.model import Client, Milestone, Project, RepositorySpec
from milepost.publish.site_cache import site_key

rules = load_rules([{"name": "shown", "when": {"type": ["feat", "feature", "perf", "fix", "docs", "style"]},
                     "action": "show", "heading": "new"}])
client = Client(slug="acme", name="ACME", language="pl", timezone="Europe/Warsaw",
                glossary={"SKU": "product code", "CR": "change request", "MVP": "first version"})
milestones = tuple(Milestone(id=i, title=i, due=dt.date(2026, 12, 1)) for i in ("pay", "ship", "launch"))
project = Project(slug="shop", client="acme", name="Shop", repositories=(RepositorySpec(path="/srv/shop"),),
                  milestones=milestones)
ids = frozenset(["pay", "ship", "launch", "search", "admin", "cart"])
print(canonical_key(rules))
print(settings_key(rules, ids, "pl", ("acme.example", "shop.example"), "Europe/Warsaw"))
print(site_key(("site", client, (project,), rules, [("shop", ["k1"])], [], dt.date(2026, 11, 24), "", "", 14)))
"""


def keys_with_seed(seed: str) -> list[str]:
    env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT / "hooks")}
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    keys = done.stdout.split()
    assert len(keys) == 3 and all(re.fullmatch(r"[0-9a-f]{64}", key) for key in keys), done.stdout
    return keys


def test_keys_are_equal_in_processes_with_different_hash_seeds() -> None:
    first, second = keys_with_seed("1"), keys_with_seed("2")
    assert first == second
    # And the script really printed three different keys, not one value three times.
    assert len(set(first)) == 3


def test_sets_are_written_sorted_whatever_their_order() -> None:
    words = ["feat", "fix", "perf", "docs", "style", "chore", "ci"]
    assert canonical_data(frozenset(words)) == canonical_data(frozenset(reversed(words)))
    assert canonical_data({"b": 1, "a": 2}) == canonical_data({"a": 2, "b": 1})
    assert canonical_data(frozenset(words)) == ["set", sorted(words)]


def test_keys_change_with_what_they_are_made_of() -> None:
    base = canonical_key(frozenset({"a", "b"}), dt.date(2026, 11, 24), re.compile("x", re.I))
    assert canonical_key(frozenset({"a", "c"}), dt.date(2026, 11, 24), re.compile("x", re.I)) != base
    assert canonical_key(frozenset({"a", "b"}), dt.date(2026, 11, 25), re.compile("x", re.I)) != base
    assert canonical_key(frozenset({"a", "b"}), dt.date(2026, 11, 24), re.compile("x")) != base
    # A list and a set of the same members, or a string and a path, are not the same input.
    assert canonical_key(["a", "b"]) != canonical_key({"a", "b"})
    assert KEY_FORMAT >= 1


def test_a_value_without_a_canonical_form_is_refused() -> None:
    with pytest.raises(TypeError, match="object"):
        canonical_key(object())

"""A project's classified commits, and the cache that spares classifying them again: real git
repositories made here, the same results with and without the cache."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from factories import CommitSpec, commit, git, make_repo
from milepost.classify import shown_work as work_module
from milepost.classify.rules import load_rules
from milepost.classify.shown_work import entry_path, project_work
from milepost.history.disk_cache import payload_of
from milepost.history.state import GitHistory
from milepost.model import Client, Milestone, Project, RepositorySpec

RULES = load_rules()
CLIENT = Client(slug="acme", name="ACME Retail", language="en", timezone="Europe/Warsaw")

COMMITS = [
    CommitSpec("feat(pay): card payments on the test site", date="2026-11-02T10:00:00+01:00"),
    CommitSpec("fix: basket total with a coupon, see https://jira.internal/ABC-12", date="2026-11-03T10:00:00+01:00"),
    CommitSpec("chore: update dependencies", date="2026-11-04T10:00:00+01:00"),
    CommitSpec("[internal] rotate the staging keys", date="2026-11-05T10:00:00+01:00"),
    CommitSpec("perf: faster product search\n\nClient: Searching the shop is now twice as fast.",
               date="2026-11-05T23:30:00+00:00"),  # already the 6th in Warsaw
]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo", COMMITS)


def project_for(repo: Path, *ids: str) -> Project:
    milestones = tuple(Milestone(id=i, title=i.title(), due=dt.date(2026, 12, 20)) for i in ids or ("pay",))
    return Project(slug="shop", client="acme", name="Shop", repositories=(RepositorySpec(path=str(repo)),),
                   milestones=milestones)


def run(
    project: Project, cache: Path | None, client: Client = CLIENT, history: GitHistory | None = None
) -> tuple[tuple, int]:
    """(the shown work, how many commits were classified for them), in a new build unless
    `history` is given."""
    before = work_module.stats.classified
    shown = project_work(client, project, rules=RULES, cache_dir=cache, git_history=history)
    return shown, work_module.stats.classified - before


def test_the_cache_changes_nothing_but_the_work(repo: Path, tmp_path: Path) -> None:
    fresh, classified = run(project_for(repo), None)
    assert classified == len(COMMITS)
    assert [(c.kind, c.text, c.date.day, c.milestone) for c in fresh] == [
        ("note", "Searching the shop is now twice as fast.", 6, ""),
        ("counted", "", 4, ""),
        ("fixed", "Basket total with a coupon, see [hidden]", 3, ""),
        ("new", "Card payments on the test site", 2, "pay"),
    ]
    cache = tmp_path / "cache"
    first, classified = run(project_for(repo), cache)
    assert first == fresh and classified == len(COMMITS)
    history = GitHistory()
    again, classified = run(project_for(repo), cache, history=history)
    assert again == fresh and classified == 0
    # No repository moved: the history was not even read (from git or from its cache).
    assert dataclasses.astuple(history.commits.stats) == (0, 0, 0)


def test_only_new_commits_are_classified(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    run(project_for(repo), cache)
    commit(repo, CommitSpec("feat: gift cards", date="2026-11-10T10:00:00+01:00"))
    shown, classified = run(project_for(repo), cache)
    assert classified == 1
    assert shown[0].text == "Gift cards"
    assert shown == run(project_for(repo), None)[0]


@pytest.mark.parametrize(
    "change",
    [
        lambda p, c: (project_for(p.repositories[0].path, "pay", "launch"), c),  # a new milestone id
        lambda p, c: (p, dataclasses.replace(c, language="pl")),
        lambda p, c: (p, dataclasses.replace(c, timezone="America/New_York")),
        lambda p, c: (p, dataclasses.replace(c, allowed_hosts=("jira.internal",))),
    ],
    ids=["milestones", "language", "timezone", "allowed-hosts"],
)
def test_other_settings_classify_everything_again(repo: Path, tmp_path: Path, change) -> None:
    cache = tmp_path / "cache"
    run(project_for(repo), cache)
    project, client = change(project_for(repo), CLIENT)
    shown, classified = run(project, cache, client)
    assert classified == len(COMMITS)
    assert shown == run(project, None, client)[0]


def test_an_edit_that_keeps_the_settings_classifies_nothing(repo: Path, tmp_path: Path) -> None:
    """A new task, summary or date in the project file does not change what a commit becomes."""
    cache = tmp_path / "cache"
    run(project_for(repo), cache)
    edited = dataclasses.replace(project_for(repo), name="Online shop", summary="Now with a summary.")
    assert run(edited, cache)[1] == 0


def test_commits_lost_to_a_force_push_leave_the_cache(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    run(project_for(repo), cache)
    git(repo, "reset", "-q", "--hard", "HEAD~2")
    shown, classified = run(project_for(repo), cache)
    assert classified == 0 and len(shown) == 3
    stored = json.loads(payload_of(entry_path(cache, "acme", "shop").read_bytes()))
    assert len(stored["work"]) == len(COMMITS) - 2


@pytest.mark.parametrize("damage", [b"", b"{", b'{"format": 1, "key": "x"}', "bad-row"], ids=str)
def test_a_damaged_entry_is_classified_again(repo: Path, tmp_path: Path, damage) -> None:
    cache = tmp_path / "cache"
    fresh, _ = run(project_for(repo), cache)
    path = entry_path(cache, "acme", "shop")
    if damage == "bad-row":
        header = path.read_bytes().partition(b"\n")[0]
        data = json.loads(payload_of(path.read_bytes()))
        data["work"][0][3] = "not a date"
        payload = json.dumps(data).encode()
        damage = header.rsplit(b" ", 1)[0] + b" %d\n" % len(payload) + payload
    path.write_bytes(damage)
    shown, classified = run(project_for(repo), cache)
    assert shown == fresh and classified == len(COMMITS)

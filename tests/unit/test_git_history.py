"""Reading commit history from real repositories made in tmp_path."""

from __future__ import annotations

import datetime as dt
import logging
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from factories import (
    CommitSpec,
    checkout,
    commit,
    create_branch,
    git,
    git_env,
    head,
    init_repo,
    loose_object,
    make_repo,
    merge,
    rev_list,
    shallow_clone,
)
from milepost.errors import HistoryError
from milepost.history import commits as git_history
from milepost.history import state
from milepost.history.commits import cache_file, cache_key, head_commit, parse_log, read_history
from milepost.history.state import GitHistory
from milepost.history.trailer_block import commit_trailer, commit_trailers
from milepost.model import RepositorySpec

WARSAW = dt.timezone(dt.timedelta(hours=1))


@pytest.fixture(autouse=True)
def isolated_git(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The reader runs git as the factory does: no host configuration. (Each read without a
    `GitHistory` of its own starts afresh: nothing is remembered from other tests.)"""
    for name in [name for name in os.environ if name.startswith("GIT_")]:
        monkeypatch.delenv(name)
    for name, value in git_env().items():
        if name.startswith("GIT_"):
            monkeypatch.setenv(name, value)
    yield


def spec_for(path: Path, **fields: object) -> RepositorySpec:
    return RepositorySpec(path=str(path), **fields)  # type: ignore[arg-type]


def three_commits(path: Path) -> Path:
    return make_repo(
        path,
        [
            CommitSpec("feat: first screen", date="2026-11-02T09:00:00+01:00", files={"src/a.py": "a"}),
            CommitSpec(
                "docs: readme\n\nExplains the setup.",
                date="2026-11-03T09:30:00+01:00",
                author="Olek Other",
                email="olek@agency.example",
                files={"docs/readme.md": "r"},
            ),
            CommitSpec("fix: basket total", date="2026-11-04T18:15:00-05:00", files={"src/b.py": "b"}),
        ],
    )


# --- reading ---------------------------------------------------------------------------------


def test_commits_come_newest_first_with_their_fields(tmp_path: Path) -> None:
    repo = three_commits(tmp_path / "repo")
    commits = read_history(spec_for(repo))

    assert [c.sha for c in commits] == rev_list(repo)
    assert [c.subject for c in commits] == ["fix: basket total", "docs: readme", "feat: first screen"]
    newest, middle, oldest = commits
    assert newest.authored == dt.datetime(2026, 11, 4, 18, 15, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    assert newest.authored.utcoffset() == dt.timedelta(hours=-5)
    assert newest.committed == newest.authored
    assert middle.author_name == "Olek Other"
    assert middle.author_email == "olek@agency.example"
    assert middle.body == "Explains the setup."
    assert oldest.author_name == "Dana Developer"
    assert oldest.authored == dt.datetime(2026, 11, 2, 9, 0, tzinfo=WARSAW)
    assert oldest.parents == ()
    assert middle.parents == (oldest.sha,)
    assert newest.parents == (middle.sha,)
    assert not any(c.is_merge for c in commits)
    assert head_commit(spec_for(repo)) == newest.sha


def test_trailers_are_read_as_git_understands_them(tmp_path: Path) -> None:
    message = (
        "feat(payments): card payments\n\n"
        "Refs: not a trailer, this paragraph has prose in it\n"
        "and goes on here.\n\n"
        "Client: You can now pay by card\n"
        "  at checkout.\n"
        "Milestone: payments\n"
        "Internal: yes\n"
    )
    repo = make_repo(tmp_path / "repo", [message])
    (only,) = read_history(spec_for(repo))

    assert commit_trailers(only) == (
        ("Client", "You can now pay by card at checkout."),
        ("Milestone", "payments"),
        ("Internal", "yes"),
    )
    assert commit_trailer(only, "client") == "You can now pay by card at checkout."
    assert commit_trailer(only, "Refs") is None
    assert only.body.startswith("Refs: not a trailer")
    assert only.body.endswith("Internal: yes")


def test_merge_commits_have_two_parents(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", [CommitSpec("start", files={"a": "1"})])
    create_branch(repo, "feature")
    side = commit(repo, CommitSpec("feat: side work", date="2026-01-06T10:00:00+01:00", files={"b": "2"}))
    checkout(repo, "main")
    main_tip = commit(repo, CommitSpec("fix: main work", date="2026-01-07T10:00:00+01:00", files={"c": "3"}))
    merged = merge(repo, "feature", message="Merge feature", date="2026-01-08T10:00:00+01:00")

    commits = read_history(spec_for(repo))
    assert commits[0].sha == merged
    assert commits[0].is_merge
    assert commits[0].parents == (main_tip, side)
    assert len(commits) == 4


def test_include_keeps_only_commits_touching_those_paths(tmp_path: Path) -> None:
    repo = three_commits(tmp_path / "repo")
    commits = read_history(spec_for(repo, include=("src/",)))
    assert [c.subject for c in commits] == ["fix: basket total", "feat: first screen"]
    assert [c.sha for c in commits] == rev_list(repo, "HEAD", "src/")


def test_include_matching_nothing_warns(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    repo = three_commits(tmp_path / "repo")
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.milepost.history.commits"):
        assert read_history(spec_for(repo, include=("scr/",))) == ()
    assert "scr/" in caplog.text and "include" in caplog.text


def test_branch_selects_the_history_read(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", ["feat: on main"])
    create_branch(repo, "develop")
    commit(repo, CommitSpec("feat: only on develop", date="2026-01-06T10:00:00+01:00"))
    checkout(repo, "main")

    assert [c.subject for c in read_history(spec_for(repo))] == ["feat: on main"]
    on_develop = read_history(spec_for(repo, branch="develop"))
    assert [c.subject for c in on_develop] == ["feat: only on develop", "feat: on main"]
    assert head_commit(spec_for(repo, branch="develop")) == head(repo, "develop")


def test_unknown_branch_lists_branches_and_suggests_the_closest(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", ["feat: x"])
    create_branch(repo, "develop", checkout=False)
    create_branch(repo, "release-2026", checkout=False)

    with pytest.raises(HistoryError) as caught:
        read_history(spec_for(repo, branch="devlop"))
    message = str(caught.value)
    assert str(repo) in message
    assert "branch 'devlop' does not exist" in message
    assert "Did you mean 'develop'?" in message
    assert "develop, main, release-2026" in message
    assert "`branch:`" in message
    assert caught.value.repository == str(repo)


def test_git_dir_of_a_calling_hook_does_not_redirect_the_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = three_commits(tmp_path / "repo")
    other = make_repo(tmp_path / "other", ["feat: another client's work"])
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))
    assert [c.sha for c in read_history(spec_for(repo))] == rev_list(repo)


# --- repositories that cannot be read as they are ------------------------------------------------


def test_empty_repository_gives_empty_history(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    repo = init_repo(tmp_path / "empty")
    history = GitHistory()
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.milepost.history.commits"):
        assert read_history(spec_for(repo), cache_dir=tmp_path / "cache", git_history=history) == ()
        assert read_history(spec_for(repo, branch="main"), git_history=history) == ()
    assert "no commits yet" in caplog.text
    assert head_commit(spec_for(repo)) is None
    assert history.commits.stats.git_log_runs == 0  # nothing to read, so git log never ran


def test_unborn_head_beside_other_branches_asks_for_a_branch(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", ["feat: x"])
    git(repo, "symbolic-ref", "HEAD", "refs/heads/trunk")
    with pytest.raises(HistoryError) as caught:
        read_history(spec_for(repo))
    assert "HEAD points to branch 'trunk', which has no commits yet" in str(caught.value)
    assert "Set `branch:` in the project file to one of: main." in str(caught.value)
    assert [c.subject for c in read_history(spec_for(repo, branch="main"))] == ["feat: x"]


def test_missing_path_names_it_and_says_what_to_fix(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-repo"
    with pytest.raises(HistoryError) as caught:
        read_history(spec_for(missing))
    assert str(caught.value) == (
        f"repository {missing}: the folder does not exist. Check `path:` in the project file "
        "(a relative path counts from the project file's folder) or clone the repository there."
    )


def test_folder_that_is_not_a_repository(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(HistoryError) as caught:
        read_history(spec_for(plain))
    assert str(caught.value).startswith(f"repository {plain}: this folder is not a git repository.")
    assert "Traceback" not in str(caught.value)


def test_folder_inside_a_repository_suggests_include(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "mono", [CommitSpec("feat: x", files={"shop/app.py": "x"})])
    with pytest.raises(HistoryError) as caught:
        read_history(spec_for(repo / "shop"))
    message = str(caught.value)
    assert f"it is inside {repo}" in message
    assert "include: [shop/]" in message


def test_shallow_clone_is_refused_with_the_fix(tmp_path: Path) -> None:
    source = three_commits(tmp_path / "source")
    clone = shallow_clone(source, tmp_path / "clone")
    assert git(clone, "rev-parse", "--is-shallow-repository") == "true"

    with pytest.raises(HistoryError) as caught:
        read_history(spec_for(clone))
    message = str(caught.value)
    assert str(clone) in message
    assert "shallow clone" in message
    assert "`fetch-depth: 0`" in message and "actions/checkout" in message
    assert "git fetch --unshallow" in message


def test_unreachable_url_is_an_error_naming_the_repository(tmp_path: Path) -> None:
    # Remote repositories are covered in test_remote_repositories.py; this keeps the contract
    # of read_history: a repository that cannot be read is a HistoryError naming it.
    url = (tmp_path / "nowhere.git").as_uri()
    with pytest.raises(HistoryError) as caught:
        read_history(RepositorySpec(url=url), cache_dir=tmp_path / "cache")
    assert caught.value.repository == url
    assert "could not be cloned" in str(caught.value) and "Check that the URL" in str(caught.value)


def test_failing_git_log_is_an_error_not_a_short_history(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", [f"feat: step {n}" for n in range(5)])
    # Damage a commit in the middle: the head resolves fine and git log prints the
    # newest commits before it reaches the broken one and exits with an error.
    middle = rev_list(repo)[2]
    damaged = loose_object(repo, middle)
    damaged.chmod(0o644)
    damaged.write_bytes(b"this is not a zlib stream")

    printed = subprocess.run(
        ["git", "-C", str(repo), "log", "-z", "--format=%x1e%H"], capture_output=True, env=git_env()
    )
    assert printed.returncode != 0 and printed.stdout.startswith(b"\x1e")  # some commits came first

    with pytest.raises(HistoryError) as caught:
        read_history(spec_for(repo))
    message = str(caught.value)
    assert message.startswith(f"repository {repo}: `git log` failed with exit status ")
    assert "git fsck" in message
    assert middle[:7] in message  # git's own words name the damaged object


# --- messages that are not UTF-8 ---------------------------------------------------------------


def test_message_in_latin1_without_encoding_header_survives(tmp_path: Path) -> None:
    raw = "fix: café menu\n\nClient: Le menu du café est corrigé.\n".encode("latin-1")
    repo = make_repo(tmp_path / "repo", [CommitSpec(raw, author="Zoë Dev")])
    (only,) = read_history(spec_for(repo))
    assert only.subject == "fix: caf\ufffd menu"
    assert commit_trailer(only, "Client") == "Le menu du caf\ufffd est corrig\ufffd."
    assert only.author_name == "Zoë Dev"


def test_message_with_encoding_header_is_converted(tmp_path: Path) -> None:
    raw = "fix: café menu".encode("latin-1")
    repo = make_repo(tmp_path / "repo", [CommitSpec(raw, encoding="ISO-8859-1")])
    assert "encoding ISO-8859-1" in git(repo, "cat-file", "commit", "HEAD")
    (only,) = read_history(spec_for(repo))
    assert only.subject == "fix: café menu"


# --- caches ------------------------------------------------------------------------------------


def test_unchanged_repository_is_not_read_twice(tmp_path: Path) -> None:
    repo = three_commits(tmp_path / "repo")
    cache = tmp_path / "cache"
    history = GitHistory()

    first = read_history(spec_for(repo), cache_dir=cache, git_history=history)
    assert history.commits.stats.git_log_runs == 1
    key = cache_key(repo.resolve(), "", head(repo), ())
    # git's own output, under a header naming the format and the head it was read at.
    header, _, output = cache_file(cache, key).read_bytes().partition(b"\n")
    assert header.startswith(f"milepost-history {git_history.FORMAT_VERSION} {head(repo)} {len(output)} ".encode())
    assert parse_log(output) == list(first)

    # Same build: the memo answers.
    assert read_history(spec_for(repo), cache_dir=cache, git_history=history) is first
    assert history.commits.stats.memo_hits == 1
    # A new build (a new GitHistory): the file answers, equal commit for commit.
    later = GitHistory()
    assert read_history(spec_for(repo), cache_dir=cache, git_history=later) == first
    assert (later.commits.stats.git_log_runs, later.commits.stats.cache_hits) == (0, 1)

    # A new commit moves the head: the history is read again and holds it.
    new = commit(repo, CommitSpec("feat: newer", date="2026-11-05T09:00:00+01:00"))
    newest = GitHistory()
    again = read_history(spec_for(repo), cache_dir=cache, git_history=newest)
    assert newest.commits.stats.git_log_runs == 1
    assert again[0].sha == new and again[1:] == first


def test_memo_works_without_a_cache_dir(tmp_path: Path) -> None:
    repo = three_commits(tmp_path / "repo")
    history = GitHistory()
    first = read_history(spec_for(repo), git_history=history)
    second = read_history(spec_for(repo), git_history=history)
    assert second is first
    assert history.commits.stats.git_log_runs == 1
    # A different include is a different history.
    read_history(spec_for(repo, include=("src/",)), git_history=history)
    assert history.commits.stats.git_log_runs == 2


@pytest.mark.parametrize(
    "damage",
    [
        lambda good: b"{not a history",
        lambda good: good.replace(good.split(b" ")[2], b"0" * 40, 1),
        lambda good: good.replace(b"milepost-history FORMAT", b"milepost-history 1", 1),
        lambda good: good[: good.rindex(b"\x1e")],  # the last commit lost, at a record boundary
        lambda good: good[:-7],
        lambda good: good.split(b"\n", 1)[0] + b"\n" + b"x" * (len(good) - good.index(b"\n") - 1),
        lambda good: b"",
    ],
    ids=["not-a-history", "other-head", "older-format", "last-commit-lost", "cut-short", "garbage", "empty"],
)
def test_damaged_cache_file_is_ignored_and_rewritten(tmp_path: Path, damage) -> None:
    repo = three_commits(tmp_path / "repo")
    cache = tmp_path / "cache"
    first = read_history(spec_for(repo), cache_dir=cache)
    path = cache_file(cache, cache_key(repo.resolve(), "", head(repo), ()))
    fmt = str(git_history.FORMAT_VERSION).encode()
    good = path.read_bytes().replace(b"milepost-history " + fmt, b"milepost-history FORMAT", 1)
    path.write_bytes(damage(good).replace(b"milepost-history FORMAT", b"milepost-history " + fmt, 1))
    history = GitHistory()  # a new build

    assert read_history(spec_for(repo), cache_dir=cache, git_history=history) == first
    assert history.commits.stats.git_log_runs == 1
    assert path.read_bytes().startswith(f"milepost-history {fmt.decode()} {head(repo)} ".encode())
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary files left


# --- the parser on its own -----------------------------------------------------------------------


SHA_A = "a" * 40
SHA_B = "b" * 40


def record(sha: str, parents: str = "", subject: str = "feat: x", body: str = "") -> bytes:
    """One commit as `git log -z --format=LOG_FORMAT` prints it."""
    fields = [
        "\x1e" + sha,
        parents,
        "Ada",
        "ada@agency.example",
        "2026-11-02T09:00:00+01:00",
        "2026-11-02T10:00:00Z",
        subject,
        body,
    ]
    return "".join(field + "\0" for field in fields).encode("utf-8")


def test_parse_log_reads_crafted_records() -> None:
    newest = record(SHA_B, parents=SHA_A, body="Line\n\nMilestone: x\nInternal: yes\n")
    data = newest + record(SHA_A)
    commits = parse_log(data)
    assert [c.sha for c in commits] == [SHA_B, SHA_A]
    assert commits[0].parents == (SHA_A,)
    assert commit_trailers(commits[0]) == (("Milestone", "x"), ("Internal", "yes"))
    assert commits[0].body == "Line\n\nMilestone: x\nInternal: yes"
    assert commits[0].committed == dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)
    # Read byte by byte, as a slow pipe might deliver it: the same commits.
    assert parse_log(data[i : i + 1] for i in range(len(data))) == commits
    assert parse_log(b"") == []


def test_parse_log_decodes_bad_bytes_with_replacement() -> None:
    data = record(SHA_A).replace(b"feat: x", b"feat: caf\xe9")
    (only,) = parse_log([data])
    assert only.subject == "feat: caf\ufffd"


@pytest.mark.parametrize("cut", [1, 41, 60, -1])
def test_parse_log_refuses_a_truncated_record(cut: int) -> None:
    data = record(SHA_B, parents=SHA_A) + record(SHA_A)
    truncated = data[: len(record(SHA_B, parents=SHA_A)) + cut] if cut > 0 else data[:cut]
    with pytest.raises(HistoryError) as caught:
        parse_log(truncated, repository="/srv/repo")
    assert "stopped in the middle of a commit" in str(caught.value)
    assert f"after commit {SHA_B[:12]}" in str(caught.value)
    assert str(caught.value).startswith("repository /srv/repo: ")


def test_parse_log_refuses_output_in_another_format() -> None:
    with pytest.raises(HistoryError, match="does not understand"):
        parse_log(b"commit " + SHA_A.encode() + b"\nAuthor: Ada\n" + b"\0" * 9)


@pytest.mark.parametrize("broken", [b"yesterday", b"2026-11-02T09:00:00+25:00", b"%aI"])
def test_a_commit_with_a_broken_date_is_left_out_with_a_warning_naming_it(broken: bytes, caplog) -> None:
    """One damaged commit (a time zone like +2500, written by a broken tool) must not stop the
    client's whole build: it is skipped, and the warning names the repository and the commit."""
    output = record(SHA_B, parents=SHA_A) + record(SHA_A).replace(b"2026-11-02T09:00:00+01:00", broken)
    with caplog.at_level("WARNING"):
        commits = parse_log(output, repository="/srv/repo")
    assert [c.sha for c in commits] == [SHA_B]
    assert f"Repository /srv/repo: commit {SHA_A[:12]} has a date that cannot be read" in caplog.text


def test_a_build_keeps_histories_up_to_a_number_of_commits(monkeypatch: pytest.MonkeyPatch) -> None:
    # A portal's build reads every client's histories in turn: it must not hold them all.
    monkeypatch.setattr(state, "MEMO_COMMITS", 10)
    memo = state.CommitMemo()
    memo.remember("a", (1,) * 4)
    memo.remember("b", (1,) * 4)
    assert list(memo.histories) == ["a", "b"] and memo.kept_commits == 8
    memo.remember("c", (1,) * 4)  # 12 > 10: the oldest goes
    assert list(memo.histories) == ["b", "c"] and memo.kept_commits == 8
    memo.remember("huge", (1,) * 11)  # larger than the limit alone: not kept, nothing dropped
    assert list(memo.histories) == ["b", "c"] and memo.kept_commits == 8
    memo.remember("c", (1,) * 2)
    assert memo.histories["c"] == (1, 1) and memo.kept_commits == 6


def test_a_pipe_read_without_blocking_gives_every_byte_in_order_through_quiet_spells() -> None:
    # git may write in bursts with long quiet spells (`git log -- path`); the reader polls
    # the pipe and sleeps meanwhile, and must lose, repeat or reorder nothing.
    import sys

    from milepost.history import git_runner

    writer = (
        "import os, sys, time\n"
        "for n in range(40):\n"
        "    os.write(1, bytes([n]) * (70000 if n % 7 == 0 else 3000))\n"
        "    time.sleep(0.03 if n % 10 == 0 else 0)\n"
    )
    expected = b"".join(bytes([n]) * (70000 if n % 7 == 0 else 3000) for n in range(40))
    process = subprocess.Popen([sys.executable, "-c", writer], stdout=subprocess.PIPE)
    assert process.stdout is not None
    try:
        got = b"".join(git_runner._drained(process.stdout.fileno(), 65536))
    finally:
        process.wait()
        process.stdout.close()
    assert got == expected

"""The one git runner, the one cache helper and the per-build git state: git is launched only
by the runner, its failures come with advice (checked on real repositories made in tmp_path),
cache entries that are not right are misses, and two builds never share what they read."""

from __future__ import annotations

import ast
import datetime as dt
import json
import logging
import shutil
from pathlib import Path

import pytest

from factories import commit, git, git_env, make_repo, shallow_clone
from milepost.errors import MilepostError
from milepost.history import disk_cache
from milepost.history.commits import HistoryError, read_history
from milepost.history.disk_cache import CacheFormat, key_id, load_entry, read_entry, write_entry
from milepost.history.git_runner import (
    DUBIOUS_OWNERSHIP,
    NOT_A_REPOSITORY,
    SHALLOW,
    UNKNOWN_REVISION,
    GitError,
    GitRunner,
)
from milepost.history.state import GitHistory
from milepost.model import RepositorySpec
from milepost.portal import load_portal

PACKAGE = Path(disk_cache.__file__).resolve().parent.parent
RUNNER = PACKAGE / "history" / "git_runner.py"
# Exceptions a module may name from `subprocess` without launching anything itself.
SUBPROCESS_EXCEPTIONS = {"SubprocessError", "CalledProcessError", "TimeoutExpired"}
LAUNCHERS = {"system", "popen", "spawnl", "spawnv", "spawnvp", "spawnlp", "execv", "execvp", "execl", "execlp",
             "posix_spawn", "posix_spawnp"}


def runner() -> GitRunner:
    """A runner that starts from the factory's environment: no host configuration."""
    return GitRunner(environ=git_env())


def repo_with_commits(path: Path, count: int = 3) -> Path:
    return make_repo(path, [f"feat: step {n}" for n in range(count)])


# --- only the runner launches git --------------------------------------------------------------


def launches(path: Path) -> list[str]:
    """What in this module could start a process or use GitPython, as "line: what"."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in ("git", "asyncio") or alias.name == "subprocess":
                    found.append(f"{node.lineno}: import {alias.name}")
        elif isinstance(node, ast.ImportFrom) and node.module:
            root = node.module.split(".")[0]
            if root in ("git", "subprocess", "asyncio"):
                found.append(f"{node.lineno}: from {node.module} import ...")
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            owner, name = node.value.id, node.attr
            if owner == "subprocess" and name not in SUBPROCESS_EXCEPTIONS:
                found.append(f"{node.lineno}: subprocess.{name}")
            elif owner == "os" and name in LAUNCHERS:
                found.append(f"{node.lineno}: os.{name}")
            elif name == "Repo" and owner == "git":
                found.append(f"{node.lineno}: git.Repo")
    # `import subprocess` is fine in a module that only names its exceptions.
    if all(item.endswith("import subprocess") for item in found):
        return []
    return found


def test_only_the_git_runner_launches_git() -> None:
    offenders = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == RUNNER:
            continue
        found = launches(path)
        if found:
            offenders[path.relative_to(PACKAGE).as_posix()] = found
    assert offenders == {}, "only history/git_runner.py may start git (or any process)"
    assert launches(RUNNER), "the check above must recognise what the runner does"


def test_the_check_recognises_a_launch(tmp_path: Path) -> None:
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text("import subprocess\nsubprocess.run(['git', 'log'])\n", encoding="utf-8")
    assert launches(sneaky) == ["1: import subprocess", "2: subprocess.run"]
    gitpython = tmp_path / "gitpython.py"
    gitpython.write_text("import git\nrepo = git.Repo('.')\n", encoding="utf-8")
    assert launches(gitpython) == ["1: import git", "2: git.Repo"]
    exceptions_only = tmp_path / "catches.py"
    exceptions_only.write_text("import subprocess\ntry:\n    pass\nexcept subprocess.SubprocessError:\n    pass\n")
    assert launches(exceptions_only) == []


# --- failures, with advice -------------------------------------------------------------------------


def test_git_errors_are_milepost_errors(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(MilepostError):
        runner().run(["rev-parse", "--git-dir"], cwd=plain, repository=str(plain))


def test_a_shallow_clone_is_refused_with_fetch_depth_advice(tmp_path: Path) -> None:
    clone = shallow_clone(repo_with_commits(tmp_path / "source"), tmp_path / "clone")
    git_runner = runner()
    assert git_runner.is_shallow(clone)
    with pytest.raises(GitError) as caught:
        git_runner.refuse_shallow(clone, repository=str(clone), consequence="older commits are missing")
    assert caught.value.kind == SHALLOW
    message = str(caught.value)
    assert message.startswith(f"repository {clone}: this is a shallow clone, so older commits are missing. ")
    assert "`fetch-depth: 0`" in message and "actions/checkout" in message and "git fetch --unshallow" in message
    # The full repository passes.
    git_runner.refuse_shallow(tmp_path / "source", repository="source", consequence="-")


def test_a_folder_that_is_no_repository_says_so(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(GitError) as caught:
        runner().run(["rev-parse", "--git-dir"], cwd=plain, repository=str(plain), what="git could not open it")
    assert caught.value.kind == NOT_A_REPOSITORY
    assert str(caught.value).startswith(f"repository {plain}: git could not open it (")
    assert "Point `path:` at a folder that holds a clone" in str(caught.value)


def test_an_unknown_branch_says_to_fix_branch(tmp_path: Path) -> None:
    repo = repo_with_commits(tmp_path / "repo")
    git_runner = runner()
    assert git_runner.commit_of(repo, "no-such-branch") is None
    assert git_runner.commit_of(repo, "--output=x") is None  # never taken for an option
    assert git_runner.commit_of(repo, "main") == git(repo, "rev-parse", "main")
    with pytest.raises(GitError) as caught:
        git_runner.run(["rev-parse", "no-such-branch"], cwd=repo, repository=str(repo))
    assert caught.value.kind == UNKNOWN_REVISION
    assert "Fix `branch:` in the project file" in str(caught.value)


def test_a_repository_of_another_user_asks_for_safe_directory(tmp_path: Path, monkeypatch) -> None:
    repo = repo_with_commits(tmp_path / "repo")
    # git's own switch for testing this (since 2.35.2): every repository looks owned by
    # another user, as in a container where the checkout belongs to someone else. It runs the
    # same way as any user, so the test never needs root.
    monkeypatch.setenv("GIT_TEST_ASSUME_DIFFERENT_OWNER", "1")
    with pytest.raises(GitError) as caught:
        GitRunner(environ={**git_env(), "GIT_TEST_ASSUME_DIFFERENT_OWNER": "1"}).run(
            ["rev-parse", "--git-dir"], cwd=repo, repository=str(repo), what="git could not open it"
        )
    assert caught.value.kind == DUBIOUS_OWNERSHIP
    assert "git config --global --add safe.directory" in str(caught.value)
    # The same advice where the history is read.
    for name, value in git_env().items():
        monkeypatch.setenv(name, value)
    with pytest.raises(HistoryError) as read:
        read_history(RepositorySpec(path=str(repo)))
    assert "safe.directory" in str(read.value) and str(repo) in str(read.value)


def test_a_failing_command_can_be_asked_without_raising(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    result = runner().run(["rev-parse", "--git-dir"], cwd=plain, check=False)
    assert not result.ok and "not a git repository" in result.stderr


def test_git_output_is_masked_before_it_is_kept(tmp_path: Path) -> None:
    plain = tmp_path / "secret-place"
    plain.mkdir()
    with pytest.raises(GitError) as caught:
        runner().run(["rev-parse", "--git-dir"], cwd=plain, mask=lambda text: text.replace("secret", "***"))
    assert "secret" not in caught.value.said and "secret" not in str(caught.value)


def test_a_stream_that_fails_says_how(tmp_path: Path) -> None:
    repo = repo_with_commits(tmp_path / "repo")
    with pytest.raises(GitError) as caught:
        list(runner().stream(["log", "no-such-branch"], cwd=repo, repository="repo", what="`git log`"))
    assert str(caught.value).startswith("repository repo: `git log` failed with exit status 128")
    assert b"".join(runner().stream(["log", "--format=%s"], cwd=repo)).splitlines()[0] == b"feat: step 2"


def test_the_runner_never_follows_git_dir_of_a_calling_hook(tmp_path: Path) -> None:
    repo = repo_with_commits(tmp_path / "repo", 2)
    other = repo_with_commits(tmp_path / "other", 5)
    env = {**git_env(), "GIT_DIR": str(other / ".git"), "GIT_WORK_TREE": str(other)}
    result = GitRunner(environ=env).run(["rev-list", "--count", "HEAD"], cwd=repo)
    assert result.text == "2"


# --- the cache helper -----------------------------------------------------------------------------

FORM = CacheFormat("example", 3, "example cache")


def test_an_entry_is_read_back_only_under_its_format_and_fields(tmp_path: Path, caplog) -> None:
    path = tmp_path / "cache" / "entry"
    assert write_entry(path, FORM, [b"hello ", b"world"], fields=("abc",))
    header, _, payload = path.read_bytes().partition(b"\n")
    assert header.startswith(f"milepost-example 3 abc 11 {key_id()} ".encode()) and payload == b"hello world"
    assert read_entry(path, FORM, fields=("abc",)) == b"hello world"
    caplog.set_level(logging.DEBUG, logger="mkdocs.plugins.milepost.history.disk_cache")
    assert read_entry(path, FORM, fields=("other",)) is None
    assert read_entry(path, CacheFormat("example", 4, "example cache"), fields=("abc",)) is None
    assert read_entry(path, CacheFormat("another", 3, "example cache"), fields=("abc",)) is None
    assert read_entry(tmp_path / "missing", FORM) is None
    assert all(record.levelno == logging.DEBUG for record in caplog.records) and caplog.records
    assert [p.name for p in path.parent.iterdir()] == ["entry"]  # no temporary file left


@pytest.mark.parametrize(
    "damage",
    [b"", b"milepost-example 3 abc 11\nhello", b"milepost-example 3 abc 11\nhello world!", b"garbage"],
    ids=["empty", "cut-short", "too-long", "garbage"],
)
def test_a_damaged_entry_is_a_miss(tmp_path: Path, damage: bytes) -> None:
    path = tmp_path / "entry"
    path.write_bytes(damage)
    assert read_entry(path, FORM, fields=("abc",)) is None


def test_a_payload_its_decoder_refuses_is_a_miss(tmp_path: Path, caplog) -> None:
    path = tmp_path / "entry"
    write_entry(path, FORM, b"not json")
    caplog.set_level(logging.DEBUG, logger="mkdocs.plugins.milepost.history.disk_cache")
    assert load_entry(path, FORM, json.loads) is None
    assert "damaged example cache" in caplog.text
    write_entry(path, FORM, b'{"a": 1}')
    assert load_entry(path, FORM, json.loads) == {"a": 1}


def test_header_fields_are_single_words() -> None:
    with pytest.raises(ValueError):
        FORM.header(["two words"], 0)


# --- two builds, two states ---------------------------------------------------------------------------


def test_two_builds_in_one_process_share_nothing(tmp_path: Path) -> None:
    work = repo_with_commits(tmp_path / "work")
    bare = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(work), str(bare))
    spec = RepositorySpec(url=bare.as_uri())
    cache = tmp_path / "cache"

    first = GitHistory(git=runner())
    assert len(read_history(spec, cache_dir=cache, git_history=first)) == 3
    commit(work, "feat: pushed between the builds")
    git(work, "push", "-q", str(bare), "main")
    # The same build keeps what it read (a snapshot)...
    assert len(read_history(spec, cache_dir=cache, git_history=first)) == 3
    # ...the next build reads afresh, fetching the mirror the first build just fetched.
    second = GitHistory(git=runner())
    assert read_history(spec, cache_dir=cache, git_history=second)[0].subject == "feat: pushed between the builds"
    assert (first.remotes.stats.clones, first.remotes.stats.fetches) == (1, 0)
    assert (second.remotes.stats.clones, second.remotes.stats.fetches) == (0, 1)
    assert first.commits.stats.git_log_runs == 1 and second.commits.stats.git_log_runs == 1
    assert first.commits.histories.keys().isdisjoint(second.commits.histories.keys())


def test_each_load_of_the_portal_is_its_own_build(tmp_path: Path, caplog) -> None:
    projects = tmp_path / "outside-git" / "projects"
    (projects / "acme").mkdir(parents=True)
    (projects / "acme" / "client.yml").write_text("name: ACME\nlanguage: en\ntimezone: UTC\n", encoding="utf-8")
    (projects / "acme" / "shop.yml").write_text("name: Shop\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.milepost.history.project_files"):
        one = load_portal(projects, today=dt.date(2026, 11, 24))
        two = load_portal(projects, today=dt.date(2026, 11, 24))
    assert one.git_history is not two.git_history
    # Each build says once that there is no history to read (a shared state would say it once).
    assert sum("is not in a git repository" in r.getMessage() for r in caplog.records) == 2
    assert one.git_history.ledger.snapshots and two.git_history.ledger.snapshots
    assert one.git_history.ledger.snapshots is not two.git_history.ledger.snapshots


def test_a_build_without_a_cache_folder_keeps_its_clones_until_it_ends(tmp_path: Path) -> None:
    work = repo_with_commits(tmp_path / "work")
    bare = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(work), str(bare))
    history = GitHistory(git=runner())
    assert len(read_history(RepositorySpec(url=bare.as_uri()), git_history=history)) == 3
    scratch = history.remotes.scratch_dir()
    assert any(scratch.rglob("HEAD"))
    other = GitHistory(git=runner())
    assert other.remotes.scratch_dir() != scratch
    del history
    shutil.rmtree(scratch, ignore_errors=True)

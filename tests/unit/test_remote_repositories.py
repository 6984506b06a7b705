"""Repositories given by URL: partial clones, incremental fetches, credentials and their secrecy.

Remotes are real git servers on this machine: `file://` URLs of bare repositories that allow
filters (so `--filter=blob:none` really applies), and `git http-backend` behind a tiny HTTP
server on 127.0.0.1 that demands a token, for the credential tests. Nothing leaves the machine.
"""

from __future__ import annotations

import base64
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from factories import commit, git, git_env, head, make_portal, make_repo, rev_list
from git_http_server import serve_git_over_http
from milepost.cli import main as milepost
from milepost.errors import HistoryError, RemoteError
from milepost.history import remotes as remote_repositories
from milepost.history.commits import read_history
from milepost.history.remotes import local_mirror, parse_remote, token_variables
from milepost.history.state import GitHistory, RemoteStats
from milepost.model import RepositorySpec

TOKEN = "ghp_Sup3rSecretT0kenForTests0000000001"


def publish(source: Path, bare: Path) -> Path:
    """A bare copy of `source` that serves partial clones, like GitHub or GitLab do."""
    git(bare.parent, "clone", "-q", "--bare", str(source), str(bare))
    git(bare, "config", "uploadpack.allowFilter", "true")
    git(bare, "config", "uploadpack.allowAnySHA1InWant", "true")
    return bare


def push(work: Path, bare: Path, *refspecs: str) -> None:
    git(work, "push", "-q", str(bare), *refspecs)


def objects_by_type(repo: Path) -> dict[str, int]:
    """How many objects of each kind the repository holds (without fetching missing ones)."""
    output = git(repo, "cat-file", "--batch-all-objects", "--batch-check=%(objecttype)")
    counts: dict[str, int] = {}
    for kind in output.split():
        counts[kind] = counts.get(kind, 0) + 1
    return counts


@pytest.fixture
def origin(tmp_path: Path) -> tuple[Path, Path]:
    """A work repository with history touching two folders, and its bare, filter-serving copy."""
    work = make_repo(
        tmp_path / "work",
        [
            {"message": "feat: first screen", "date": "2026-11-02T10:00:00+01:00", "files": {"src/a.py": "a = 1\n"}},
            {"message": "docs: readme", "date": "2026-11-03T10:00:00+01:00", "files": {"README.md": "hello\n"}},
            {"message": "fix: basket", "date": "2026-11-04T10:00:00+01:00", "files": {"src/b.py": "b = 2\n"}},
        ],
    )
    return work, publish(work, tmp_path / "origin.git")


def test_url_history_matches_the_repository_and_holds_no_file_contents(origin, tmp_path: Path) -> None:
    work, bare = origin
    cache = tmp_path / "cache"
    commits = read_history(RepositorySpec(url=bare.as_uri()), cache_dir=cache)
    assert [c.sha for c in commits] == rev_list(work)
    assert [c.subject for c in commits] == ["fix: basket", "docs: readme", "feat: first screen"]

    mirror = remote_repositories.mirror_path(cache, parse_remote(bare.as_uri()))
    assert mirror.is_dir() and git(mirror, "rev-parse", "--is-bare-repository") == "true"
    assert git(mirror, "config", "remote.origin.partialclonefilter") == "blob:none"
    kinds = objects_by_type(mirror)
    assert kinds.get("commit") == 3 and kinds.get("tree", 0) >= 3
    assert "blob" not in kinds, kinds  # the filter applied: no file contents were transferred


def test_include_paths_are_read_without_fetching_file_contents(origin, tmp_path: Path) -> None:
    work, bare = origin
    cache = tmp_path / "cache"
    spec = RepositorySpec(url=bare.as_uri(), include=("src/",))
    history = GitHistory()  # one build: the mirror is fetched once
    read_history(RepositorySpec(url=bare.as_uri()), cache_dir=cache, git_history=history)
    # The server disappears; reading with a path filter must not need it (no lazy blob fetch).
    shutil.move(bare, tmp_path / "gone.git")
    commits = read_history(spec, cache_dir=cache, git_history=history)
    assert [c.subject for c in commits] == ["fix: basket", "feat: first screen"]


def test_later_builds_fetch_only_the_new_commits(origin, tmp_path: Path) -> None:
    work, bare = origin
    cache = tmp_path / "cache"
    spec = RepositorySpec(url=bare.as_uri())
    read_history(spec, cache_dir=cache)
    mirror = remote_repositories.mirror_path(cache, parse_remote(bare.as_uri()))
    before = objects_by_type(mirror)
    marker = mirror / "objects" / "milepost-test-marker"
    marker.write_text("still the same clone")

    commit(work, {"message": "feat: gift cards", "date": "2026-11-10T10:00:00+01:00", "files": {"src/c.py": "c\n"}})
    push(work, bare, "main")
    later = GitHistory()  # the next build
    commits = read_history(spec, cache_dir=cache, git_history=later)

    assert commits[0].subject == "feat: gift cards" and len(commits) == 4
    assert later.remotes.stats == RemoteStats(clones=0, fetches=1)  # fetched, not cloned again
    assert marker.is_file()
    after = objects_by_type(mirror)
    assert after["commit"] - before["commit"] == 1
    assert after["tree"] - before["tree"] == 2  # the new root tree and src/
    assert "blob" not in after


def test_a_fetch_in_the_same_build_is_not_repeated(origin, tmp_path: Path) -> None:
    _, bare = origin
    history = GitHistory()
    for _ in range(3):  # e.g. three projects of one client reading the same repository
        local_mirror(bare.as_uri(), tmp_path / "cache", git_history=history)
    assert history.remotes.stats == RemoteStats(clones=1, fetches=0)
    # The next build fetches.
    later = GitHistory()
    local_mirror(bare.as_uri(), tmp_path / "cache", git_history=later)
    assert later.remotes.stats == RemoteStats(clones=0, fetches=1)


def test_a_force_pushed_branch_replaces_the_cached_one(origin, tmp_path: Path) -> None:
    work, bare = origin
    cache = tmp_path / "cache"
    spec = RepositorySpec(url=bare.as_uri(), branch="main")
    first = read_history(spec, cache_dir=cache)
    dropped = first[0].sha

    git(work, "reset", "-q", "--hard", "HEAD~1")
    commit(
        work,
        {"message": "fix: basket, done right", "date": "2026-11-05T10:00:00+01:00", "files": {"src/b.py": "b = 3\n"}},
    )
    push(work, bare, "--force", "main")
    commits = read_history(spec, cache_dir=cache)  # the next build

    assert [c.subject for c in commits] == ["fix: basket, done right", "docs: readme", "feat: first screen"]
    assert dropped not in {c.sha for c in commits}
    assert [c.sha for c in commits] == rev_list(work)


def test_a_branch_of_a_remote_can_be_chosen_and_misspelt_branches_are_explained(origin, tmp_path: Path) -> None:
    work, bare = origin
    git(work, "branch", "release", "HEAD~1")
    push(work, bare, "release")
    cache = tmp_path / "cache"
    commits = read_history(RepositorySpec(url=bare.as_uri(), branch="release"), cache_dir=cache)
    assert commits[0].sha == head(work, "release")
    with pytest.raises(HistoryError) as caught:
        read_history(RepositorySpec(url=bare.as_uri(), branch="relase"), cache_dir=cache)
    assert "Did you mean 'release'?" in str(caught.value)
    assert caught.value.repository == bare.as_uri()


def test_an_unreachable_repository_names_it_and_says_what_to_check(tmp_path: Path) -> None:
    url = (tmp_path / "missing" / "webshop.git").as_uri()
    with pytest.raises(HistoryError) as caught:
        read_history(RepositorySpec(url=url), cache_dir=tmp_path / "cache")
    message = str(caught.value)
    assert message.startswith(f"repository {url}: could not be cloned")
    assert "Check that the URL in the project file is right" in message
    assert "Traceback" not in message
    # Nothing half-cloned is left to be mistaken for a cache.
    assert not any((tmp_path / "cache" / "remotes").glob("*.git"))


def test_a_damaged_cache_is_cloned_again(origin, tmp_path: Path) -> None:
    work, bare = origin
    cache = tmp_path / "cache"
    mirror = local_mirror(bare.as_uri(), cache)
    shutil.rmtree(mirror / "objects")
    (mirror / "HEAD").unlink()
    assert read_history(RepositorySpec(url=bare.as_uri()), cache_dir=cache)[0].sha == head(work)


def test_a_cache_owned_by_another_user_is_kept_and_the_fix_named(origin, tmp_path: Path, monkeypatch) -> None:
    work, bare = origin
    cache = tmp_path / "cache"
    mirror = local_mirror(bare.as_uri(), cache)
    objects = sorted(p.name for p in (mirror / "objects").iterdir())
    # git's own switch for testing ownership: every repository looks owned by someone else.
    monkeypatch.setenv("GIT_TEST_ASSUME_DIFFERENT_OWNER", "1")
    with pytest.raises(RemoteError) as caught:
        local_mirror(bare.as_uri(), cache, fresh_seconds=0)
    assert "safe.directory" in str(caught.value) and "Traceback" not in str(caught.value)
    assert sorted(p.name for p in (mirror / "objects").iterdir()) == objects  # not deleted, not cloned again


def test_urls_are_checked_and_passwords_in_them_refused() -> None:
    assert parse_remote("git@github.com:acme/webshop.git").display == "github.com:acme/webshop.git"
    assert parse_remote("ssh://git@git.example:2222/acme/shop.git").display == "ssh://git.example:2222/acme/shop.git"
    with pytest.raises(RemoteError) as caught:
        parse_remote(f"https://dana:{TOKEN}@github.com/acme/webshop.git")
    message = str(caught.value)
    assert TOKEN not in message and "dana" not in message
    assert "MILEPOST_TOKEN_GITHUB_COM_ACME_WEBSHOP" in message
    assert caught.value.repository == "https://github.com/acme/webshop.git"
    with pytest.raises(RemoteError, match="use `path:` instead"):
        parse_remote("../acme-webshop")
    with pytest.raises(RemoteError, match="not a supported kind of URL"):
        parse_remote("ftp://files.example/acme.git")


def test_a_token_written_as_the_user_name_is_refused_and_never_shown(tmp_path: Path) -> None:
    """`https://<token>@host/...` is a common way to paste a token: refused like a password,
    before git runs (whose messages would quote it)."""
    with pytest.raises(RemoteError) as caught:
        parse_remote(f"https://{TOKEN}@github.com/acme/webshop.git")
    message = str(caught.value)
    assert TOKEN not in message and "user name" in message
    assert "MILEPOST_TOKEN_GITHUB_COM_ACME_WEBSHOP" in message
    with pytest.raises(HistoryError) as read:
        read_history(RepositorySpec(url=f"http://{TOKEN}@127.0.0.1:9/acme.git"), cache_dir=tmp_path / "cache")
    assert TOKEN not in str(read.value)
    assert not (tmp_path / "cache").exists() or TOKEN not in every_file_text(tmp_path / "cache")
    # ssh:// keeps its user name: that is how ssh logs in, no secret.
    assert parse_remote("ssh://git@github.com/acme/webshop.git").host == "github.com"
    # And whatever git says, a user name in a URL is left out of messages.
    assert remote_repositories.mask_secrets(f"fatal: could not read from https://{TOKEN}@github.com/x", []) == (
        "fatal: could not read from https://github.com/x"
    )


def test_a_token_is_never_sent_over_plain_http_to_another_machine(tmp_path: Path) -> None:
    url = "http://git.agency.example/acme/shop.git"
    name = token_variables(parse_remote(url))[0]
    with pytest.raises(RemoteError, match="Use the https:// address") as caught:
        local_mirror(url, tmp_path / "cache", environ=build_env(**{name: TOKEN}))
    assert TOKEN not in str(caught.value) and name in str(caught.value)


def test_token_variables_are_named_after_the_repository_then_the_host() -> None:
    assert token_variables(parse_remote("https://github.com/acme/web-shop.git")) == (
        "MILEPOST_TOKEN_GITHUB_COM_ACME_WEB_SHOP",
        "MILEPOST_TOKEN_GITHUB_COM",
    )
    assert token_variables(parse_remote("https://git.example:8443/group/sub/app")) == (
        "MILEPOST_TOKEN_GIT_EXAMPLE_8443_GROUP_SUB_APP",
        "MILEPOST_TOKEN_GIT_EXAMPLE_8443",
    )
    assert token_variables(parse_remote("git@github.com:acme/webshop.git")) == ()


# --- a real git server over HTTP that wants a token -------------------------------------------


@pytest.fixture
def token_server(origin) -> Iterator[tuple[str, list[str]]]:
    """An http:// URL of the origin repository that answers only to TOKEN; and the
    Authorization headers the server received."""
    with serve_git_over_http(origin[1], TOKEN) as served:
        yield served


def build_env(**tokens: str) -> dict[str, str]:
    env = git_env()
    env.update(no_proxy="127.0.0.1,localhost", NO_PROXY="127.0.0.1,localhost", **tokens)
    return env


def every_file_text(folder: Path) -> str:
    return "\n".join(
        p.read_bytes().decode("utf-8", errors="replace") for p in folder.rglob("*") if p.is_file()
    )


def test_a_token_from_the_environment_opens_a_private_repository(token_server, tmp_path: Path, caplog) -> None:
    url, seen = token_server
    names = token_variables(parse_remote(url))
    caplog.set_level(logging.DEBUG, logger="mkdocs")
    mirror = local_mirror(url, tmp_path / "cache", environ=build_env(**{names[0]: TOKEN}))
    assert git(mirror, "rev-list", "--count", "HEAD") == "3"
    assert any(header.startswith("Basic ") for header in seen)  # the token really was needed and sent

    basic = base64.b64encode(f"x-access-token:{TOKEN}".encode()).decode()
    cache_text = every_file_text(tmp_path / "cache")
    assert TOKEN not in cache_text and basic not in cache_text  # not in config, not anywhere
    assert git(mirror, "config", "remote.origin.url") == url
    assert TOKEN not in caplog.text and basic not in caplog.text

    # A later fetch with the host-wide variable works the same way.
    later = GitHistory()
    local_mirror(url, tmp_path / "cache", environ=build_env(**{names[-1]: TOKEN}), git_history=later)
    assert later.remotes.stats.fetches == 1
    assert TOKEN not in every_file_text(tmp_path / "cache")


def test_a_missing_token_is_a_clear_error_naming_the_variables(token_server, tmp_path: Path) -> None:
    url, _ = token_server
    names = token_variables(parse_remote(url))
    with pytest.raises(RemoteError) as caught:
        local_mirror(url, tmp_path / "cache", environ=build_env())
    message = str(caught.value)
    assert message.startswith(f"repository {url}: could not be cloned: the server asks for a login")
    assert names[0] in message and names[-1] in message
    assert "read-only access token" in message


def test_a_refused_token_is_named_but_never_shown(token_server, tmp_path: Path, monkeypatch, capsys) -> None:
    url, _ = token_server
    names = token_variables(parse_remote(url))
    wrong = "ghp_WrongT0kenThatMustNotBePrinted0000002"
    monkeypatch.setenv(names[-1], wrong)
    with pytest.raises(HistoryError) as caught:
        read_history(RepositorySpec(url=url), cache_dir=tmp_path / "cache")
    message = str(caught.value)
    assert f"the server refused the token in {names[-1]}" in message
    assert wrong not in message and base64.b64encode(f"x-access-token:{wrong}".encode()).decode() not in message
    captured = capsys.readouterr()
    assert wrong not in captured.out + captured.err


def test_milepost_check_refuses_a_token_in_a_url_without_printing_it(tmp_path: Path, capsys) -> None:
    config = make_portal(
        tmp_path,
        {
            "acme/client.yml": "name: ACME\nlanguage: en\ntimezone: UTC\n",
            "acme/shop.yml": f"name: Shop\nrepositories:\n  - url: https://ci:{TOKEN}@github.com/acme/shop.git\n",
        },
    )
    assert milepost(["check", "--config-file", str(config), "--today", "2026-11-24"]) == 1
    out = capsys.readouterr().out
    assert "shop.yml:3: repositories[0].url: the URL holds a password or token" in out
    assert "MILEPOST_TOKEN_GITHUB_COM_ACME_SHOP" in out
    assert TOKEN not in out

"""Real git repositories for tests, with fixed dates and none of the host's git configuration.

    make_repo(tmp_path / "repo", [
        {"message": "feat: first screen", "date": "2026-11-09T10:00:00+01:00"},
        CommitSpec("fix: basket\\n\\nClient: The basket keeps its items.", files={"src/basket.py": "..."}),
    ])

A commit is a `CommitSpec`, a mapping with the same keys, or just a message. Its date (ISO 8601
with an offset) is used as both author and committer date, so shas are the same on every run.
Every git call runs with `-c user.name/-c user.email/-c init.defaultBranch=main/-c
commit.gpgsign=false`, with global and system configuration switched off and any GIT_*
variables of the caller (a git hook, say) removed.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DATE = "2026-01-05T10:00:00+01:00"
DEFAULT_AUTHOR = "Dana Developer"
DEFAULT_EMAIL = "dana@agency.example"


@dataclass(frozen=True)
class CommitSpec:
    """One commit to make.

    A `message` given as bytes is stored exactly as given (to make non-UTF-8 messages): the
    commit object is written directly, because `git commit` would quietly re-encode bytes it
    takes for Latin-1. `encoding`, when set, is recorded in the commit's `encoding` header.
    `files` maps paths in the work tree to their new content; without files the commit is empty.
    """

    message: str | bytes
    date: str = DEFAULT_DATE
    author: str = DEFAULT_AUTHOR
    email: str = DEFAULT_EMAIL
    files: Mapping[str, str | bytes] = field(default_factory=dict)
    encoding: str = ""


def git_env(date: str | None = None) -> dict[str, str]:
    """The environment for git: the caller's, minus GIT_* variables, host configuration off."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("GIT_")}
    env.update(
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_SYSTEM=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
        GIT_TERMINAL_PROMPT="0",
    )
    if date:
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    return env


def git(
    repo: Path,
    *args: str,
    date: str | None = None,
    author: str = DEFAULT_AUTHOR,
    email: str = DEFAULT_EMAIL,
    config: Mapping[str, str] | None = None,
    input: bytes | None = None,  # noqa: A002 - subprocess's name
) -> str:
    """Run git in `repo` and return its output, stripped. Fails loudly with git's message."""
    options = {
        "user.name": author,
        "user.email": email,
        "init.defaultBranch": "main",
        "commit.gpgsign": "false",
        **(config or {}),
    }
    command = ["git", "-C", str(repo)]
    for key, value in options.items():
        command += ["-c", f"{key}={value}"]
    result = subprocess.run([*command, *args], capture_output=True, env=git_env(date), input=input)
    if result.returncode != 0:
        raise RuntimeError(
            f"git {' '.join(args)} failed in {repo}:\n{result.stderr.decode('utf-8', 'replace')}"
        )
    return result.stdout.decode("utf-8", "replace").strip()


def init_repo(path: Path, branch: str = "main", *, bare: bool = False) -> Path:
    """An empty repository (no commits) at `path`, whose HEAD is `branch`."""
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", f"--initial-branch={branch}", *(["--bare"] if bare else []))
    return path


def commit(repo: Path, spec: CommitSpec | Mapping[str, object] | str) -> str:
    """Write the commit's files, commit them on the current branch, return the new sha."""
    spec = as_commit_spec(spec)
    for relative, content in spec.files.items():
        target = repo / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    git(repo, "add", "-A")
    if isinstance(spec.message, bytes):
        return _commit_raw(repo, spec)
    message_file = repo / ".git" / "TEST_COMMIT_MSG"
    message_file.write_bytes(spec.message.encode("utf-8"))
    config = {"i18n.commitEncoding": spec.encoding} if spec.encoding else None
    # `whitespace` keeps lines starting with "#" (ticket numbers), unlike the default cleanup.
    git(
        repo,
        "commit",
        "-q",
        "--allow-empty",
        "--cleanup=whitespace",
        "-F",
        str(message_file),
        date=spec.date,
        author=spec.author,
        email=spec.email,
        config=config,
    )
    message_file.unlink()
    return head(repo)


def _commit_raw(repo: Path, spec: CommitSpec) -> str:
    """Write the commit object byte for byte and move the current branch to it."""
    assert isinstance(spec.message, bytes)
    moment = dt.datetime.fromisoformat(spec.date)
    offset = moment.utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    zone = f"{'-' if minutes < 0 else '+'}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"
    who = f"{spec.author} <{spec.email}> {int(moment.timestamp())} {zone}".encode("utf-8")
    lines = [b"tree " + git(repo, "write-tree").encode("ascii")]
    if has_commits(repo):
        lines.append(b"parent " + head(repo).encode("ascii"))
    lines += [b"author " + who, b"committer " + who]
    if spec.encoding:
        lines.append(b"encoding " + spec.encoding.encode("ascii"))
    content = b"\n".join(lines) + b"\n\n" + spec.message
    sha = git(repo, "hash-object", "-t", "commit", "-w", "--stdin", input=content)
    git(repo, "update-ref", "HEAD", sha)
    return sha


def make_repo(
    path: Path, commits: Iterable[CommitSpec | Mapping[str, object] | str] = (), branch: str = "main"
) -> Path:
    """A repository at `path` with `commits` made in order on `branch`; returns `path`."""
    init_repo(path, branch)
    for spec in commits:
        commit(path, spec)
    return path


def as_commit_spec(spec: CommitSpec | Mapping[str, object] | str) -> CommitSpec:
    if isinstance(spec, CommitSpec):
        return spec
    if isinstance(spec, str):
        return CommitSpec(spec)
    return CommitSpec(**spec)  # type: ignore[arg-type]


def create_branch(repo: Path, name: str, start: str = "HEAD", *, checkout: bool = True) -> None:
    """A new branch at `start`; checked out unless `checkout` is False."""
    if checkout:
        git(repo, "checkout", "-q", "-b", name, start)
    else:
        git(repo, "branch", "-q", name, start)


def checkout(repo: Path, name: str) -> None:
    git(repo, "checkout", "-q", name)


def merge(
    repo: Path,
    other: str,
    *,
    message: str = "",
    date: str = DEFAULT_DATE,
    author: str = DEFAULT_AUTHOR,
    email: str = DEFAULT_EMAIL,
) -> str:
    """Merge branch `other` into the current branch with a merge commit; return its sha."""
    git(
        repo,
        "merge",
        "-q",
        "--no-ff",
        "-m",
        message or f"Merge branch '{other}'",
        other,
        date=date,
        author=author,
        email=email,
    )
    return head(repo)


def shallow_clone(source: Path, dest: Path, depth: int = 1) -> Path:
    """A `git clone --depth` of `source` at `dest` (file:// so that git honours the depth)."""
    git(dest.parent, "clone", "-q", f"--depth={depth}", source.resolve().as_uri(), str(dest))
    return dest


def has_commits(repo: Path) -> bool:
    """Whether HEAD points at a commit (False in a new, empty repository)."""
    command = ["git", "-C", str(repo), "rev-parse", "-q", "--verify", "HEAD^{commit}"]
    return subprocess.run(command, capture_output=True, env=git_env()).returncode == 0


def head(repo: Path, rev: str = "HEAD") -> str:
    """The full sha `rev` names."""
    return git(repo, "rev-parse", "--verify", f"{rev}^{{commit}}")


def rev_list(repo: Path, rev: str = "HEAD", *paths: str) -> list[str]:
    """Shas reachable from `rev`, newest first, as git lists them (optionally touching `paths`)."""
    output = git(repo, "rev-list", rev, "--", *paths)
    return output.split() if output else []


def loose_object(repo: Path, sha: str) -> Path:
    """The file holding object `sha` in a non-bare repository that has not been packed."""
    return repo / ".git" / "objects" / sha[:2] / sha[2:]

"""Factories for tests: the YAML of projects/, small real portals, and real git repositories.

YAML text, from one example client and one example project with fields changed:

    client_yml(name="Zebra Logistics", contacts=[contact(name="Zofia Zielona")])
    project_yml(name="Fleet", milestones=[milestone(due="2026-12-20", tasks=None)])

A field given as None is left out; new fields come after the example's, in the order given.
The text is laid out as people write it (see `to_yaml`), the same every time; a test that
asserts a line number (`client.yml:6: ...`) keeps its YAML literal all the same, so that the
line it names is visible in the test.

A portal (mkdocs.yml + projects/) in a temporary folder:

    make_portal(tmp_path, {"example/client.yml": client_yml(), "example/shop.yml": project_yml()})

Real git repositories, with fixed dates and none of the host's git configuration:

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
import re
import subprocess
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from helpers import ROOT
from milepost.history.project_files import (
    COMPLETE,
    NO_HISTORY,
    MilestoneSnapshot,
    ProjectFileVersion,
    ProjectFileVersions,
)
from milepost.load.milestone_snapshot import snapshot_of_text

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
    who = f"{spec.author} <{spec.email}> {int(moment.timestamp())} {zone}".encode()
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


# --- the YAML of projects/ --------------------------------------------------------------------

# Lists whose items people write on one line each: `- {name: Ewa, role: Project manager}`.
ONE_LINE_ITEMS = frozenset({"contacts", "tasks", "away", "waiting_on_client", "decisions", "changes", "deliverables"})
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def contact(**fields: Any) -> dict[str, Any]:
    """A contact of the example client (Ewa Kowalska, project manager) with `fields` changed."""
    return _changed({"name": "Ewa Kowalska", "role": "Project manager", "email": "ewa@agency.example"}, fields)


def task(title: str, done: str | dt.date | None = None) -> dict[str, Any]:
    return _changed({"title": title, "done": done}, {})


def milestone(**fields: Any) -> dict[str, Any]:
    """The example milestone `first` (1 November to 20 December 2026, one of two tasks done)."""
    example = {
        "id": "first",
        "title": "First part",
        "start": "2026-11-01",
        "due": "2026-12-20",
        "tasks": [task("One", "2026-11-10"), task("Two")],
    }
    return _changed(example, fields)


def client_fields(**fields: Any) -> dict[str, Any]:
    """The example client.yml as a mapping, with `fields` changed."""
    example = {
        "name": "Example Client",
        "language": "en",
        "timezone": "Europe/Warsaw",
        "contacts": [contact()],
        "response_time": "within a day",
    }
    return _changed(example, fields)


def project_fields(**fields: Any) -> dict[str, Any]:
    """The example project file (a shop reading ../../repo, one milestone) as a mapping."""
    example = {
        "name": "Shop",
        "summary": "A plain summary.",
        "repositories": [{"path": "../../repo"}],
        "milestones": [milestone()],
    }
    return _changed(example, fields)


def client_yml(**fields: Any) -> str:
    """client.yml text of the example client, with `fields` changed (None leaves one out):

        name: Example Client
        language: en
        timezone: Europe/Warsaw
        contacts:
          - {name: Ewa Kowalska, role: Project manager, email: ewa@agency.example}
        response_time: within a day
    """
    return to_yaml(client_fields(**fields))


def project_yml(**fields: Any) -> str:
    """A project file of the example project, with `fields` changed (None leaves one out):

        name: Shop
        summary: A plain summary.
        repositories:
          - path: ../../repo
        milestones:
          - id: first
            title: First part
            start: 2026-11-01
            due: 2026-12-20
            tasks:
              - {title: One, done: 2026-11-10}
              - {title: Two}
    """
    return to_yaml(project_fields(**fields))


def to_yaml(fields: Mapping[str, Any]) -> str:
    """YAML text laid out as in the docs' examples, always the same for the same fields.

    Mappings at the top are written one key a line, deeper ones on one line (`when: {scope: x}`);
    lists of plain values on one line (`include: [src/]`); a list of mappings one item per `- `,
    an item on one line under the keys in ONE_LINE_ITEMS (contacts, tasks, ...), else one key a
    line (milestones, repositories, commit_rules). Text that looks like a date is written as a
    bare date (2026-11-10), as people write dates.
    """
    return "".join(f"{line}\n" for line in _mapping_lines(_with_dates(fields), 0))


def _changed(example: Mapping[str, Any], fields: Mapping[str, Any]) -> dict[str, Any]:
    merged = {**example, **fields}
    return {key: value for key, value in merged.items() if value is not None}


def _with_dates(value: Any) -> Any:
    if isinstance(value, str) and _DATE.match(value):
        return dt.date.fromisoformat(value)
    if isinstance(value, Mapping):
        return {key: _with_dates(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_with_dates(item) for item in value]
    return value


def _flow(value: Any) -> str:
    """One value on one line, quoted where YAML needs it."""
    text = yaml.safe_dump(value, default_flow_style=True, sort_keys=False, allow_unicode=True, width=1_000_000)
    return text.removesuffix("\n").removesuffix("\n...").strip()


def _mapping_lines(fields: Mapping[str, Any], indent: int) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    for key, value in fields.items():
        name = _flow(key)
        if isinstance(value, Mapping) and indent == 0 and value:
            lines.append(f"{name}:")
            lines += [f"  {_flow(k)}: {_flow(v)}" for k, v in value.items()]
        elif isinstance(value, list) and any(isinstance(item, Mapping) for item in value):
            lines.append(f"{pad}{name}:")
            for item in value:
                if not isinstance(item, Mapping):
                    lines.append(f"{pad}  - {_flow(item)}")
                elif key in ONE_LINE_ITEMS:
                    lines.append(f"{pad}  - {_flow(dict(item))}")
                else:
                    first, *others = _mapping_lines(item, indent + 4)
                    lines += [f"{pad}  - {first.lstrip()}", *others]
        else:
            lines.append(f"{pad}{name}: {_flow(value)}")
    return lines


class YamlTemplate:
    """A factory that reads like a `str.format` template: `.format(**fields)` is `factory(**fields)`."""

    def __init__(self, factory: Callable[..., str]) -> None:
        self.factory = factory

    def format(self, **fields: Any) -> str:
        return self.factory(**fields)


EXAMPLE_CLIENT = client_yml()
EXAMPLE_PROJECT = YamlTemplate(project_yml)


def commits_with(message: str) -> list[dict[str, str]]:
    """Three commits of November 2026, `message` the middle one (16 November)."""
    return [
        {"message": "feat: first screen", "date": "2026-11-09T10:00:00+01:00"},
        {"message": message, "date": "2026-11-16T10:00:00+01:00"},
        {"message": "chore: tidy up", "date": "2026-11-17T10:00:00+01:00"},
    ]


# --- portals ----------------------------------------------------------------------------------


def make_portal(base: Path, files: dict[str, str]) -> Path:
    """Write a portal into `base` and return its mkdocs.yml.

    `files` maps paths under `projects/` (e.g. "acme/client.yml") to their YAML text. The
    portal uses this repository's mkdocs.yml, with the hook file referenced by absolute path
    so that the build runs the code under test.
    """
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    config["hooks"] = [str(ROOT / "hooks" / "milepost_hooks.py")]
    config["watch"] = []
    config["extra"]["milepost"]["cache_dir"] = str(base / ".cache")
    (base / "docs").mkdir(parents=True, exist_ok=True)
    (base / "docs" / "index.md").write_text("# Team notes\n\nInternal only.\n", encoding="utf-8")
    for relative, text in files.items():
        path = base / "projects" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    config_file = base / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return config_file


def make_shop_portal(base: Path, clients: Sequence[str]) -> Path:
    """A portal of `clients`, each with one "Shop" project on a repository of its own
    (`base/repo-<client>`, three commits): the shape the tests of whole-portal builds use."""
    files = {}
    for client in clients:
        make_repo(base / f"repo-{client}", commits_with(f"feat: gift cards for {client}"))
        files[f"{client}/client.yml"] = client_yml(name=f"{client.title()} Ltd")
        files[f"{client}/shop.yml"] = project_yml(
            name="Shop", repositories=[{"path": f"../../repo-{client}"}], milestones=[milestone()]
        )
    return make_portal(base, files)


def snapshot_from_case(data: Mapping[str, Any]) -> MilestoneSnapshot:
    """A milestone as a committed version of its file held it, from a golden case's YAML."""
    return MilestoneSnapshot(
        id=data["id"],
        title=data.get("title", ""),
        due=data.get("due"),
        delay_due=data.get("delay_due"),
        delay_reason=data.get("delay_reason", ""),
        done=data.get("done"),
        tasks=data.get("tasks", 0),
    )


CASE_FILE = "projects/client/project.yml"


def file_versions_from_case(case: Mapping[str, Any]) -> ProjectFileVersions:
    """A golden case's project file with its history: the committed `versions` (each with the
    day it `landed` and its `milestones`), then the file itself (not committed: today)."""
    plans, _readable, _budget = snapshot_of_text(yaml.safe_dump(case["project"], sort_keys=False))
    now = ProjectFileVersion("", None, CASE_FILE, plans)
    if not case["versions"]:
        return ProjectFileVersions(NO_HISTORY, (now,))
    versions = tuple(
        ProjectFileVersion(
            f"{index:040d}",
            dt.datetime.fromisoformat(str(v["landed"])),
            CASE_FILE,
            tuple(snapshot_from_case(m) for m in v["milestones"]),
        )
        for index, v in enumerate(case["versions"], start=1)
    )
    return ProjectFileVersions(COMPLETE, versions + (now,))

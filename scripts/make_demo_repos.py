#!/usr/bin/env python3
"""Create the demo projects' git repositories from scripts/demo_history.yml.

    python scripts/make_demo_repos.py [--dest .demo-repos]

Every commit gets the date and author written in the data file, and git's own configuration
on this machine is ignored, so the repositories (and their commit ids) are the same on every
machine. Existing repositories in the destination are replaced.

Besides the code histories, it makes `portal-history/`: the demo portal's own history, the
successive versions of the files under projects/ (`portal_history` in the data file), read
by the promise ledger through `extra.milepost.ledger_repo` in mkdocs.yml. Its last commit
holds every file of projects/ exactly as it is now.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "scripts" / "demo_history.yml"


def git(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, env=env or isolated_env()
    )
    if result.returncode != 0:
        sys.exit(f"git {' '.join(args)} failed in {repo}:\n{result.stderr}")
    return result.stdout.strip()


def isolated_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1", **extra)
    return env


def commit(repo: Path, authors: dict, entry: dict, *, merge_of: str | None = None) -> None:
    who = authors[entry["author"]]
    # YAML reads an unquoted timestamp as a datetime; git wants ISO 8601 text.
    date = entry["date"].isoformat() if hasattr(entry["date"], "isoformat") else str(entry["date"])
    env = isolated_env(
        GIT_AUTHOR_NAME=who["name"], GIT_AUTHOR_EMAIL=who["email"], GIT_AUTHOR_DATE=date,
        GIT_COMMITTER_NAME=who["name"], GIT_COMMITTER_EMAIL=who["email"], GIT_COMMITTER_DATE=date,
    )
    if merge_of:
        git(repo, "merge", "--no-ff", "-m", entry["message"], merge_of, env=env)
        return
    path = repo / entry.get("file", "CHANGES.txt")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(entry["message"].splitlines()[0] + "\n")
    git(repo, "add", "-A", env=env)
    # The message goes through stdin so that trailers and blank lines stay exactly as written.
    subprocess.run(
        ["git", "-C", str(repo), "commit", "-q", "-F", "-"], input=entry["message"], text=True, env=env, check=True
    )


def make_repo(dest: Path, authors: dict, entries: list[dict]) -> None:
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    git(dest, "init", "-q", "-b", "main")
    for number, entry in enumerate(entries):
        if "side" in entry:
            branch = f"side-{number}"
            git(dest, "checkout", "-q", "-b", branch)
            for side_entry in entry["side"]:
                commit(dest, authors, side_entry)
            git(dest, "checkout", "-q", "main")
            commit(dest, authors, entry, merge_of=branch)
            git(dest, "branch", "-q", "-D", branch)
        else:
            commit(dest, authors, entry)


PORTAL_HISTORY = "portal-history"


def portal_version(spec: object, path: str) -> str:
    """The text of one file in one version of the portal history (see demo_history.yml)."""
    current = (ROOT / path).read_text(encoding="utf-8")
    if spec == "current":
        return current
    if isinstance(spec, str):
        return spec
    if not isinstance(spec, dict) or not spec.get("current"):
        sys.exit(f"{DATA.name}: portal_history: {path}: give `current`, a text, or {{current: true, ...}}")
    data = yaml.safe_load(current)
    for dotted in spec.get("remove", []):
        parent, key = locate(data, dotted, path)
        if isinstance(parent, dict):
            parent.pop(key, None)
        else:
            del parent[key]
    for dotted, value in (spec.get("set") or {}).items():
        parent, key = locate(data, dotted, path)
        parent[key] = value
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def locate(data: object, dotted: str, path: str) -> tuple:
    """The container holding the last part of `dotted`, and that part (ids name milestones)."""
    parts = dotted.split(".")
    node = data
    for part in parts[:-1]:
        if isinstance(node, list):
            found = [item for item in node if isinstance(item, dict) and item.get("id") == part]
            if not found:
                sys.exit(f"{DATA.name}: portal_history: {path}: no '{part}' in {dotted}")
            node = found[0]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            sys.exit(f"{DATA.name}: portal_history: {path}: no '{part}' in {dotted}")
    return node, parts[-1]


def demo_files_missing(entries: list[dict]) -> list[str]:
    """The files under projects/ that the demo's portal history takes as they are, and that
    are not there."""
    wanted = {
        path for entry in entries if isinstance(entry["files"], dict)
        for path, spec in entry["files"].items() if spec == "current" or isinstance(spec, dict)
    }
    return sorted(path for path in wanted if not (ROOT / path).is_file())


def make_portal_history(dest: Path, authors: dict, entries: list[dict]) -> None:
    """The demo portal's history: each entry commits its versions of files under projects/."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    git(dest, "init", "-q", "-b", "main")
    everything = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "projects").glob("*/*.yml"))
    for number, entry in enumerate(entries):
        files = entry["files"]
        if files == "current":
            if number != len(entries) - 1:
                sys.exit(f"{DATA.name}: portal_history: only the last entry may take `files: current`")
            files = {path: "current" for path in everything}
        for path, spec in files.items():
            target = dest / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(portal_version(spec, path), encoding="utf-8")
        who = authors[entry["author"]]
        date = entry["date"].isoformat() if hasattr(entry["date"], "isoformat") else str(entry["date"])
        env = isolated_env(
            GIT_AUTHOR_NAME=who["name"], GIT_AUTHOR_EMAIL=who["email"], GIT_AUTHOR_DATE=date,
            GIT_COMMITTER_NAME=who["name"], GIT_COMMITTER_EMAIL=who["email"], GIT_COMMITTER_DATE=date,
        )
        git(dest, "add", "-A", env=env)
        git(dest, "commit", "-q", "--allow-empty", "-m", entry["message"], env=env)
    # The ledger compares the newest version with projects/: they must be the same files.
    for path in everything:
        if (dest / path).read_bytes() != (ROOT / path).read_bytes():
            sys.exit(f"{PORTAL_HISTORY}/{path} differs from {path}: the last entry must take `files: current`")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dest", type=Path, default=ROOT / ".demo-repos")
    args = parser.parse_args()
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    missing = demo_files_missing(data["portal_history"])
    if missing:
        # projects/ is no longer the demo's (an agency put its own clients there): the demo's
        # histories cannot be made, and this repository's mkdocs.yml is the demo's.
        print(
            f"projects/ is not the demo's any more ({missing[0]} is missing), so the demo's code "
            "histories are not made. To start your own portal, run `milepost new DIR` in an empty "
            "folder (see README.md); to get the demo back, run `git checkout -- projects/`.",
            file=sys.stderr,
        )
        return 1
    for name, entries in data["repositories"].items():
        make_repo(args.dest / name, data["authors"], entries)
        head = git(args.dest / name, "rev-parse", "--short", "HEAD")
        print(f"{args.dest.name}/{name}: {len(entries)} entries, head {head}")
    make_portal_history(args.dest / PORTAL_HISTORY, data["authors"], data["portal_history"])
    head = git(args.dest / PORTAL_HISTORY, "rev-parse", "--short", "HEAD")
    print(f"{args.dest.name}/{PORTAL_HISTORY}: {len(data['portal_history'])} versions of projects/, head {head}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

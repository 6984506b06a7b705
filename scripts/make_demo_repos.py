#!/usr/bin/env python3
"""Create the demo projects' git repositories from scripts/demo_history.yml.

    python scripts/make_demo_repos.py [--dest .demo-repos]

Every commit gets the date and author written in the data file, and git's own configuration
on this machine is ignored, so the repositories (and their commit ids) are the same on every
machine. Existing repositories in the destination are replaced.
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dest", type=Path, default=ROOT / ".demo-repos")
    args = parser.parse_args()
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    for name, entries in data["repositories"].items():
        make_repo(args.dest / name, data["authors"], entries)
        head = git(args.dest / name, "rev-parse", "--short", "HEAD")
        print(f"{args.dest.name}/{name}: {len(entries)} entries, head {head}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

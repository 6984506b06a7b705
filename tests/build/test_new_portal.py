"""`milepost new DIR` starts an agency's own portal: the files it writes pass `milepost check`
and `milepost build` in that folder, with the installed package's hooks and no demo data; its
workflows pass actionlint; a folder that is not empty is refused with nothing written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from helpers import actionlint
from milepost.cli import main

EXPECTED = {
    "README.md",
    "mkdocs.yml",
    "requirements.txt",
    ".gitignore",
    "hooks/milepost_hooks.py",
    "docs/index.md",
    "projects/example-client/client.yml",
    "projects/example-client/website.yml",
    "projects/words.txt",
    ".github/workflows/ci.yml",
    ".github/workflows/publish.yml",
    ".github/workflows/inbox.yml",
}


def milepost(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "MILEPOST_TODAY"}
    return subprocess.run(
        [sys.executable, "-m", "milepost.cli", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def git(portal: Path, *args: str) -> None:
    env = dict(os.environ, GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    subprocess.run(
        ["git", "-c", "user.name=Team", "-c", "user.email=team@agency.example", "-c", "init.defaultBranch=main", *args],
        cwd=portal, env=env, check=True, capture_output=True,
    )


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("new") / "my-portal"
    done = milepost("new", str(target), cwd=target.parent)
    assert done.returncode == 0, done.stderr
    git(target, "init", "-q")
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "Start the portal")
    return target


def written(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and ".git" not in p.parts}


def test_new_writes_the_portal_files_and_no_demo_data(portal: Path) -> None:
    assert written(portal) == EXPECTED
    config = yaml.safe_load((portal / "mkdocs.yml").read_text(encoding="utf-8"))
    assert "ledger_repo" not in config["extra"]["milepost"]
    assert config["hooks"] == ["hooks/milepost_hooks.py"]
    hooks = (portal / "hooks" / "milepost_hooks.py").read_text(encoding="utf-8")
    assert "from milepost.mkdocs.hooks import *" in hooks
    for path in EXPECTED:
        text = (portal / path).read_text(encoding="utf-8")
        for demo in ("MILEPOST_TODAY: ", "demo-repos", "demo_history", "acme", "2026-11-24", "make "):
            assert demo not in text, f"{path}: {demo}"
        assert "@" + "START@" not in text and "@VERSION@" not in text, path
    ignored = (portal / ".gitignore").read_text(encoding="utf-8").split()
    assert {"/site/", "/.cache/", "/.team-preview/", "/letters/*/"} <= set(ignored)
    assert "letters/sent.json" not in ignored


def test_check_and_build_pass_in_the_new_portal(portal: Path) -> None:
    check = milepost("check", cwd=portal)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout == ""
    build = milepost("build", cwd=portal)
    assert build.returncode == 0, build.stdout + build.stderr
    home = portal / "site" / "example-client" / "index.html"
    assert home.is_file()
    assert "New company website" in home.read_text(encoding="utf-8")
    assert (portal / "site" / "example-client" / "website" / "index.html").is_file()


def test_the_team_preview_builds_in_the_new_portal(portal: Path, tmp_path: Path) -> None:
    """Plain `mkdocs build` with the portal's one-line hooks file (the installed package's hooks)."""
    env = {k: v for k, v in os.environ.items() if k != "MILEPOST_TODAY"}
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "--site-dir", str(tmp_path / "preview")],
        cwd=portal, env=env, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert list((tmp_path / "preview").rglob("clients/example-client*/**/*.html"))


def test_the_new_portals_workflows_pass_actionlint(portal: Path) -> None:
    files = sorted((portal / ".github" / "workflows").glob("*.yml"))
    assert [f.name for f in files] == ["ci.yml", "inbox.yml", "publish.yml"]
    result = actionlint(*files, cwd=portal)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_a_folder_that_is_not_empty_is_refused_with_nothing_written(tmp_path: Path, capsys) -> None:
    (tmp_path / "notes.txt").write_text("ours", encoding="utf-8")
    assert main(["new", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and "not empty" in err
    assert written(tmp_path) == {"notes.txt"}


def test_a_new_folder_is_created(tmp_path: Path, capsys) -> None:
    assert main(["new", str(tmp_path / "a" / "portal")]) == 0
    assert written(tmp_path / "a" / "portal") == EXPECTED


def test_requirements_name_the_milepost_that_wrote_them_and_debians_pip_installs_it(
    portal: Path, tmp_path: Path
) -> None:
    from milepost.portal_skeleton import requirement

    lines = [
        line
        for line in (portal / "requirements.txt").read_text(encoding="utf-8").splitlines()
        if line and line[0] != "#"
    ]
    assert lines == [requirement()]
    assert "your-agency" not in lines[0]
    # A fresh venv of Debian's own Python, with the pip it bundles, as the portal's README says.
    venv = tmp_path / "venv"
    subprocess.run(["/usr/bin/python3", "-m", "venv", str(venv)], check=True, capture_output=True)
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0")
    result = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "--dry-run", "--no-deps", "-r", "requirements.txt"],
        cwd=portal, env=env, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Would install milepost-" in result.stdout


@pytest.mark.parametrize(
    ("recorded", "line"),
    [
        (None, "milepost==0.3.0"),
        ('{"url": "file:///srv/milepost", "dir_info": {"editable": true}}', "milepost @ file:///srv/milepost"),
        (
            '{"url": "https://git.example/agency/milepost.git", "vcs_info": {"vcs": "git", '
            '"requested_revision": "v0.3.0", "commit_id": "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d"}}',
            "milepost @ git+https://git.example/agency/milepost.git@1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d",
        ),
        (
            '{"url": "https://files.example/milepost-0.3.0-py3-none-any.whl", "archive_info": {}}',
            "milepost @ https://files.example/milepost-0.3.0-py3-none-any.whl",
        ),
        ("not json", "milepost==0.3.0"),
    ],
)
def test_the_requirement_follows_where_milepost_was_installed_from(recorded: str | None, line: str) -> None:
    from milepost.portal_skeleton import requirement_from

    assert requirement_from(recorded, "0.3.0") == line

"""`milepost check` reports likely misspellings as warnings with path:line and exits 0;
`check --strict` exits 1 on them; the demo portal has none."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

from factories import client_yml, git, init_repo, make_portal, project_yml
from helpers import ROOT


def milepost(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "MILEPOST_TODAY": "2026-11-24"}
    return subprocess.run(
        [sys.executable, "-m", "milepost.cli", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=600
    )


def test_check_warns_of_a_typo_and_strict_fails_on_it(tmp_path: Path) -> None:
    config = make_portal(tmp_path, {
        "piekarnia/client.yml": client_yml(
            language="pl", contacts=[{"name": "Ewa Kowalska", "role": "Kierowniczka projektu"}],
            response_time="w ciągu jednego dnia",
        ),
        "piekarnia/sklep.yml": project_yml(
            repositories=None, name="Sklep internetowy",
            summary="Nowy sklep internetowy piekarni, z płatnościami online.",
            milestones=[{"id": "first", "title": "Zamuwienia przez stronę", "due": "2026-12-20",
                         "tasks": [{"title": "Koszyk"}]}],
        ),
    })
    # A portal of its own, in git (no other warning than the typo's).
    settings = yaml.safe_load(config.read_text(encoding="utf-8"))
    del settings["extra"]["milepost"]["ledger_repo"]
    config.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    init_repo(tmp_path)
    git(tmp_path, "add", "projects")
    git(tmp_path, "commit", "-q", "-m", "Start the portal")
    lines = (tmp_path / "projects" / "piekarnia" / "sklep.yml").read_text(encoding="utf-8").splitlines()
    line = next(n for n, row in enumerate(lines, 1) if "Zamuwienia" in row)

    plain = milepost(tmp_path, "check")
    assert plain.returncode == 0, plain.stdout + plain.stderr
    warning = next(row for row in plain.stderr.splitlines() if "may be misspelt" in row)
    assert f"projects/piekarnia/sklep.yml:{line}: milestones[0].title: \"Zamuwienia\" may be misspelt" in warning
    assert "did you mean: " in warning and "Zamówienia" in warning
    assert plain.stderr.count("may be misspelt") == 1  # the rest is good Polish
    assert "no problems found; 1 warning(s)." in plain.stderr
    assert "Traceback" not in plain.stderr + plain.stdout

    strict = milepost(tmp_path, "check", "--strict")
    assert strict.returncode == 1
    assert "Zamuwienia" in strict.stderr and "--strict" in strict.stderr

    # Allowed through the portal's word list, the text passes even --strict.
    (tmp_path / "projects" / "words.txt").write_text("Zamuwienia\n", encoding="utf-8")
    allowed = milepost(tmp_path, "check", "--strict")
    assert allowed.returncode == 0, allowed.stderr
    assert "may be misspelt" not in allowed.stderr


def test_the_demo_has_no_spelling_warnings() -> None:
    done = milepost(ROOT, "check", "--strict")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "WARNING" not in done.stderr and "may be misspelt" not in done.stderr
    assert "projects/: no problems found." in done.stderr

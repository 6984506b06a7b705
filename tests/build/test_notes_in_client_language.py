"""Commit notes in another language than the client's: `milepost check` warns about them, and
`commit_notes: written_for_client` in client.yml shows only the sentences written for the
client. A real git history, a real portal in git, real checks and builds."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

from factories import client_yml, git, init_repo, make_portal, make_repo, project_yml
from milepost.mkdocs.build import build_clients

TODAY = dt.date(2026, 11, 24)
ENGLISH_SUBJECT = "Seasonal menu with photos of every dish"
ENGLISH_NOTE = "Guests can now book a table online."
UKRAINIAN_SUBJECT = "Сезонне меню з фотографіями кожної страви"
UKRAINIAN_NOTE = "Оплата карткою вже працює на сайті."
OWN_NOTE = "Гості можуть забронювати столик онлайн."
COMMITS = [
    {"message": f"feat: {ENGLISH_SUBJECT.lower()}", "date": "2026-11-16T10:00:00+02:00"},
    {"message": f"feat: {UKRAINIAN_SUBJECT.lower()}", "date": "2026-11-17T10:00:00+02:00"},
    {"message": f"feat(booking): tables\n\nClient: {ENGLISH_NOTE}", "date": "2026-11-18T10:00:00+02:00"},
    {"message": f"fix(payments): cards\n\nClient: {UKRAINIAN_NOTE}", "date": "2026-11-19T10:00:00+02:00"},
    {"message": f"feat(booking): form\n\nClient-uk: {OWN_NOTE}\nClient: {ENGLISH_NOTE}",
     "date": "2026-11-20T10:00:00+02:00"},
    # Too short to tell its language: never warned about.
    {"message": "fix: login", "date": "2026-11-21T10:00:00+02:00"},
]


def portal(tmp_path: Path, **client: object) -> Path:
    make_repo(tmp_path / "repo", COMMITS)
    config = make_portal(tmp_path, {
        "zerno/client.yml": client_yml(
            name="Зерно", language="uk", timezone="Europe/Kyiv",
            contacts=[{"name": "Олена Коваль", "role": "Менеджерка проєкту"}], response_time="протягом дня",
            **client,
        ),
        "zerno/menu.yml": project_yml(
            name="Меню", summary="Меню кав'ярні на сайті.",
            milestones=[{"id": "menu", "title": "Меню на сайті", "due": "2026-12-20",
                         "tasks": [{"title": "Фотографії"}]}],
        ),
    })
    return config


def check(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "MILEPOST_TODAY": TODAY.isoformat()}
    return subprocess.run(
        [sys.executable, "-m", "milepost.cli", "check", *args], cwd=cwd, capture_output=True, text=True, env=env,
        timeout=600,
    )


def listed(tmp_path: Path, config: Path) -> set[tuple[str, str]]:
    outcome = build_clients(config, site_dir=tmp_path / "site", today=TODAY)
    assert outcome.ok, outcome.failed
    status = json.loads((outcome.built["zerno"] / "menu" / "status.json").read_text(encoding="utf-8"))
    return {(work["kind"], work["text"]) for work in status["recent_work"]}


def test_check_warns_about_notes_in_another_language_and_strict_fails(tmp_path: Path) -> None:
    config = portal(tmp_path)
    settings = yaml.safe_load(config.read_text(encoding="utf-8"))
    del settings["extra"]["milepost"]["ledger_repo"]  # the portal's own git, below
    config.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    init_repo(tmp_path)
    git(tmp_path, "add", "projects")
    git(tmp_path, "commit", "-q", "-m", "Start the portal")
    lines = (tmp_path / "projects" / "zerno" / "menu.yml").read_text(encoding="utf-8").splitlines()
    line = next(n for n, row in enumerate(lines, 1) if row.startswith("repositories"))

    plain = check(tmp_path)
    assert plain.returncode == 0, plain.stdout + plain.stderr
    warnings = [row for row in plain.stderr.splitlines() if "reads as" in row]
    assert len(warnings) == 2, plain.stderr  # the English subject and the English Client: note
    subject = next(row for row in warnings if ENGLISH_SUBJECT in row)
    note = next(row for row in warnings if ENGLISH_NOTE in row)
    assert f"projects/zerno/menu.yml:{line}: subject of commit " in subject
    assert f"projects/zerno/menu.yml:{line}: Client: note of commit " in note
    assert "reads as English, not Ukrainian" in note and "Client-uk:" in note and "written_for_client" in note
    assert UKRAINIAN_NOTE not in plain.stderr and UKRAINIAN_SUBJECT not in plain.stderr
    assert "login" not in plain.stderr
    assert "no problems found; 2 warning(s)." in plain.stderr
    assert "Traceback" not in plain.stderr + plain.stdout

    strict = check(tmp_path, "--strict")
    assert strict.returncode == 1 and "--strict" in strict.stderr


def test_every_listed_note_is_shown_by_default(tmp_path: Path) -> None:
    shown = listed(tmp_path, portal(tmp_path))
    assert ("new", ENGLISH_SUBJECT) in shown and ("new", UKRAINIAN_SUBJECT) in shown
    assert ("note", ENGLISH_NOTE) in shown and ("note", UKRAINIAN_NOTE) in shown and ("note", OWN_NOTE) in shown


def test_a_client_can_be_shown_only_notes_written_for_it(tmp_path: Path) -> None:
    shown = listed(tmp_path, portal(tmp_path, commit_notes="written_for_client"))
    # Client-uk:, and a Client: written in Ukrainian; subjects and English notes are counted.
    assert shown == {("note", UKRAINIAN_NOTE), ("note", OWN_NOTE)}
    page = (tmp_path / "site").rglob("menu/index.html")
    text = next(page).read_text(encoding="utf-8")
    assert ENGLISH_NOTE not in text and ENGLISH_SUBJECT not in text
    assert "4 невеликі технічні покращення." in text  # the four commits not listed, counted


def test_an_unknown_commit_notes_value_is_a_problem_with_its_line(tmp_path: Path) -> None:
    config = portal(tmp_path, commit_notes="english_too")
    done = check(config.parent)
    assert done.returncode == 1
    problem = next(row for row in done.stdout.splitlines() if "commit_notes" in row)
    assert problem.startswith("projects/zerno/client.yml:") and "written_for_client" in problem

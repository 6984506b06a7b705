"""A date at the end of the calendar (year 9999) is one clear line, never a traceback.

Dates are shifted by days and weeks all over a build (the calendar's day after a promise, the
forecast, the weekly letter's week); year 9999 has no day after its last one. `check` refuses a
date outside the years Milepost plans in, so the build, the letters and `--keep-going` name the
file and line instead of failing somewhere inside.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from factories import client_yml, make_portal, make_repo, milestone, project_yml, task
from milepost.cli import main as milepost

FAR = "9999-12-31"


def portal(tmp_path: Path, far_field: str) -> Path:
    make_repo(tmp_path / "repo", [{"message": "feat: gift cards", "date": "2026-11-09T10:00:00+01:00"}])
    fields = {"due": "2026-12-20", "tasks": [task("One", "2026-11-10"), task("Two")]}
    if far_field == "task":
        fields["tasks"] = [task("One", FAR), task("Two")]
    else:
        fields[far_field] = FAR
    extra = {
        "waiting_on_client": [{"title": "Logo", "asked": "2026-11-10", "needed_by": FAR}]
    } if far_field == "due" else {}
    return make_portal(
        tmp_path,
        {
            "far/client.yml": client_yml(name="Far Ltd", contacts=None, response_time=None),
            "far/shop.yml": project_yml(
                repositories=[{"path": "../../repo"}], milestones=[milestone(**fields)], **extra
            ),
            "near/client.yml": client_yml(name="Near Ltd", contacts=None, response_time=None),
            "near/shop.yml": project_yml(repositories=[{"path": "../../repo"}], milestones=[milestone()]),
        },
    )


@pytest.mark.parametrize("far_field", ["due", "start", "task"])
def test_year_9999_under_keep_going_is_one_line_and_the_others_build(tmp_path: Path, far_field: str, capsys) -> None:
    config = portal(tmp_path, far_field)
    site = tmp_path / "site"
    code = milepost(
        ["build", "--config-file", str(config), "--site-dir", str(site), "--today", "2026-11-24", "--keep-going"]
    )
    captured = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in captured.err and "OverflowError" not in captured.err
    lines = [line for line in captured.err.splitlines() if FAR in line]
    assert lines and all("far/shop.yml:" in line for line in lines), captured.err
    assert any("a year from 1900 to 2199), got '9999-12-31'" in line for line in lines)
    assert "built near:" in captured.out
    assert (site / "near" / "shop" / "index.html").is_file()
    assert not (site / "far").exists()


def test_year_9999_in_check_and_letters_is_one_line(tmp_path: Path, capsys) -> None:
    config = portal(tmp_path, "due")
    assert milepost(["check", "--config-file", str(config), "--today", "2026-11-24"]) == 1
    out = capsys.readouterr()
    assert "far/shop.yml:" in out.out + out.err and "Traceback" not in out.err
    code = milepost(
        ["letters", "--config-file", str(config), "--today", "2026-11-24", "--out", str(tmp_path / "letters")]
    )
    out = capsys.readouterr()
    assert "Traceback" not in out.err and "OverflowError" not in out.err
    assert code in (0, 1)


@pytest.mark.parametrize("today", ["9999-12-31", "0001-01-01"])
def test_a_today_at_the_end_of_the_calendar_is_refused_in_one_line(tmp_path: Path, today: str, capsys) -> None:
    config = portal(tmp_path, "start")
    code = milepost(["build", "--config-file", str(config), "--site-dir", str(tmp_path / "site"), "--today", today])
    captured = capsys.readouterr()
    assert code != 0
    assert "Traceback" not in captured.err
    assert f"--today: '{today}' is outside the years Milepost plans in (1900 to 2199)" in captured.err

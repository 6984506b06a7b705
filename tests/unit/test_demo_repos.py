"""scripts/make_demo_repos.py when projects/ is no longer the demo's: one clear line, no traceback."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from helpers import ROOT


def test_replaced_projects_give_one_line_that_points_at_milepost_new(tmp_path: Path) -> None:
    copy = tmp_path / "portal"
    (copy / "scripts").mkdir(parents=True)
    for name in ("make_demo_repos.py", "demo_history.yml"):
        shutil.copy(ROOT / "scripts" / name, copy / "scripts" / name)
    (copy / "projects" / "acme").mkdir(parents=True)
    (copy / "projects" / "acme" / "client.yml").write_text("name: Acme\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(copy / "scripts" / "make_demo_repos.py"), "--dest", str(tmp_path / "repos")],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "milepost new DIR" in result.stderr and "is missing" in result.stderr
    assert not (tmp_path / "repos").exists()  # nothing half-made

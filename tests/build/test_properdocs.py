"""The demo portal on ProperDocs, the maintained fork of MkDocs 1.x (docs/building.md, "MkDocs'
future"): it builds, its pages match the golden pages, and the whole site is the one MkDocs
builds.

As `make canary` does (scripts/canary.py): a new virtual environment with Milepost, the versions
in constraints.txt and ProperDocs, with MkDocs uninstalled, so that nothing can quietly fall
back on it. Then the environment's own `milepost build`, as an agency that switched runs it:
milepost/mkdocs/__init__.py loads ProperDocs where MkDocs is not installed, in the build's
worker processes too. The MkDocs side is the demo the other tests build (the `demo_site`
fixture).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import DEMO_TODAY, ROOT, load_script

canary = load_script("canary")
GOLDEN = ROOT / "tests" / "golden" / "pages"


def run(*args: str | Path, **variables: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(PIP_DISABLE_PIP_VERSION_CHECK="1", **variables)
    done = subprocess.run([str(a) for a in args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"{' '.join(map(str, args))}:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def properdocs_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("properdocs")
    env = work / "env"
    # This test's pip installs into the new environment (`--python`): no pip of its own to set up.
    run(sys.executable, "-m", "venv", "--without-pip", env)
    python = env / "bin" / "python"
    pip = (sys.executable, "-m", "pip", "--python", python)
    run(*pip, "install", "--quiet", "-c", ROOT / "constraints.txt", "-e", ROOT, "properdocs")
    run(*pip, "uninstall", "--quiet", "--yes", "mkdocs")
    canary.engine(str(python), properdocs=True)  # refuses an environment where MkDocs is left
    site = work / "site"
    run(env / "bin" / "milepost", "build", "--site-dir", site, MILEPOST_TODAY=DEMO_TODAY.isoformat())
    return site


def test_the_demo_builds_on_properdocs(properdocs_site: Path) -> None:
    home = (properdocs_site / "acme-retail" / "index.html").read_text(encoding="utf-8")
    generator = re.search(r'<meta name="generator" content="([^"]*)"', home)
    assert generator is not None and "ProperDocs" in generator.group(1), generator


def test_the_pages_on_properdocs_match_the_golden_pages(properdocs_site: Path) -> None:
    golden = sorted(GOLDEN.glob("**/*.txt"))
    assert len(golden) >= 12, golden
    different = []
    for snapshot in golden:
        page = properdocs_site / snapshot.relative_to(GOLDEN).with_suffix(".html")
        lines = canary.html_lines(page.read_text(encoding="utf-8"), content_only=True) if page.is_file() else None
        if lines is None or "\n".join(lines) + "\n" != snapshot.read_text(encoding="utf-8"):
            different.append(str(snapshot.relative_to(GOLDEN)))
    assert different == []


def test_properdocs_builds_the_site_mkdocs_builds(properdocs_site: Path, demo_site: Path) -> None:
    """Every file of every client's site, as `make canary` compares them (the engine's name in
    the generator tag, the sitemap's dates and its gzip header aside)."""
    result = canary.compare_sites(demo_site, properdocs_site, label_a="mkdocs", label_b="properdocs")
    assert result.compared > 100 and result.pages >= 12, canary.report(result, label_a="mkdocs", label_b="properdocs")
    assert (result.only_a, result.only_b, result.differ) == ([], [], {}), canary.report(
        result, label_a="mkdocs", label_b="properdocs"
    )

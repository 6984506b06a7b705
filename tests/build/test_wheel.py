"""The package as an agency installs it: a wheel made from a clean clone of this repository,
installed (not editable) into a new virtual environment of Debian's Python with its own pip,
then `milepost new`, `milepost check` and `milepost build` run there.

Every other test imports the package from the work tree (an editable install), where every
file is present whether or not `[tool.setuptools.package-data]` lists it. Here only what the
wheel carries is there: a template, schema, catalog or asset left out of the list fails the
build below. The clone leaves out whatever the work tree has that git does not (caches, a
built site). pip takes the versions in constraints.txt, as `make` does; it reads the package
index or its own cache.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Debian's own Python, as an agency's server has it; the interpreter running the tests where
# there is none (another system).
DEBIAN_PYTHON = Path("/usr/bin/python3")


def run(*args: str | Path, cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("MILEPOST_TODAY", "PYTHONPATH", "VIRTUAL_ENV")}
    env.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(map(str, args))}:\n{done.stdout}\n{done.stderr}"
    return done


def base_python() -> Path:
    if DEBIAN_PYTHON.is_file():
        version = run(DEBIAN_PYTHON, "-c", "import sys; print(sys.version_info >= (3, 11))", cwd=ROOT)
        if version.stdout.strip() == "True":
            return DEBIAN_PYTHON
    return Path(sys.executable)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The new environment's bin/ folder, with the wheel installed."""
    work = tmp_path_factory.mktemp("wheel")
    run("git", "clone", "--quiet", "--no-hardlinks", ROOT, work / "src", cwd=work)
    run(base_python(), "-m", "venv", work / "env", cwd=work)
    pip = work / "env" / "bin" / "pip"
    run(pip, "wheel", "--quiet", "--no-deps", "--wheel-dir", work / "dist", work / "src", cwd=work)
    wheels = sorted((work / "dist").glob("milepost-*.whl"))
    assert len(wheels) == 1, wheels
    run(pip, "install", "--quiet", "-c", work / "src" / "constraints.txt", wheels[0], cwd=work)
    return work / "env" / "bin"


def test_the_wheel_carries_the_package_data_and_the_licence(installed: Path) -> None:
    wheel = next((installed.parent.parent / "dist").glob("milepost-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names), sorted(names)[:20]
    # Every file git tracks under the package is in the wheel: sources, templates, schemas,
    # catalogs, assets and the new portal's skeleton.
    tracked = run("git", "ls-files", "hooks/milepost", cwd=ROOT).stdout.split()
    expected = {path.removeprefix("hooks/") for path in tracked}
    assert expected, "git lists no file of the package"
    assert sorted(expected - names) == []


def test_the_installed_package_is_not_the_work_tree(installed: Path) -> None:
    done = run(installed / "python", "-c", "import milepost; print(milepost.__file__)", cwd=installed)
    location = Path(done.stdout.strip())
    assert installed.parent in location.parents, location
    assert ROOT not in location.parents


def test_new_check_and_build_run_from_the_wheel(installed: Path, tmp_path: Path) -> None:
    portal = tmp_path / "portal"
    run(installed / "milepost", "new", portal, cwd=tmp_path)
    git = ("git", "-c", "user.name=Team", "-c", "user.email=team@agency.example", "-c", "init.defaultBranch=main")
    run(*git, "init", "-q", cwd=portal)
    run(*git, "add", "-A", cwd=portal)
    run(*git, "commit", "-q", "-m", "Start the portal", cwd=portal)
    check = run(installed / "milepost", "check", cwd=portal)
    assert check.stdout == ""
    run(installed / "milepost", "build", cwd=portal)
    home = portal / "site" / "example-client" / "index.html"
    assert "New company website" in home.read_text(encoding="utf-8")
    page = (portal / "site" / "example-client" / "website" / "index.html").read_text(encoding="utf-8")
    assert "md-content__inner" in page  # Material's theme, with Milepost's pages in it

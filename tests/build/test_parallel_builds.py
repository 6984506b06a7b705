"""Nothing lost, nobody blocked: builds of one site folder running at the same time, and builds
stopped by `kill -9` at any moment (publish/site_folder.py), never leave a client a partial
site or no site. Real `milepost build` processes, on a small portal in a temporary folder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from filelock import FileLock

from factories import client_yml, commits_with, make_portal, make_repo, milestone, project_yml
from milepost.cli import main as milepost
from milepost.publish.shared_assets import used_version, version_intact
from milepost.publish.site_folder import TEST_PAUSE_ENV, lock_path
from milepost.publish.site_ownership import MARKER

TODAY = "2026-11-24"
CLIENTS = {"alpha": ("shop", "app"), "beta": ("portal",)}


@pytest.fixture
def portal(tmp_path: Path) -> Path:
    make_repo(tmp_path / "repo", commits_with("feat: gift cards"))
    files = {}
    for client, projects in CLIENTS.items():
        files[f"{client}/client.yml"] = client_yml(name=f"{client.title()} Ltd")
        for project in projects:
            files[f"{client}/{project}.yml"] = project_yml(
                name=project.title(), repositories=[{"path": "../../repo"}], milestones=[milestone()]
            )
    return make_portal(tmp_path, files)


def command(config: Path, site: Path, *options: str) -> list[str]:
    script = "import sys; from milepost.cli import main; sys.exit(main(sys.argv[1:]))"
    return [sys.executable, "-c", script, "build", "--config-file", str(config), "--site-dir", str(site),
            "--today", TODAY, *options]


def start(config: Path, site: Path, *options: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        command(config, site, *options),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
        cwd=config.parent,
    )


def missing_parts(site: Path, client: str) -> list[str]:
    """What a complete client site has and this one lacks (empty: complete)."""
    folder = site / client
    wanted = ["index.html", "search/search_index.json", "sitemap.xml"]
    for project in CLIENTS[client]:
        wanted += [f"{project}/index.html", f"{project}/feed.xml", f"{project}/calendar.ics", f"{project}/status.json"]
    missing = [part for part in wanted if not (folder / part).is_file()]
    # The theme's files, in the shared folder the pages link to (publish/shared_assets.py).
    version = used_version(folder) if folder.is_dir() else None
    if version is not None and not version_intact(site, version):
        missing.append(f"assets/{version}/")
    elif version is not None and not (site / "assets" / version / "milepost.css").is_file():
        missing.append(f"assets/{version}/milepost.css")
    return missing


def assert_complete(site: Path) -> None:
    for client in CLIENTS:
        assert missing_parts(site, client) == [], client
    leftovers = [p.name for p in site.iterdir() if p.name.startswith(".") and p.name != MARKER]
    assert leftovers == []


def wait_for(condition, seconds: float = 120.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_builds_running_at_the_same_time_take_turns_and_leave_every_site_complete(portal: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    first = start(portal, site)
    # The others start while the first is writing a client's site into its temporary folder:
    # the moment at which a build used to delete another build's folder.
    wait_for(lambda: site.is_dir() and any(site.glob(".*.building-*")))
    others = [start(portal, site, "--client", slug) for slug in ("alpha", "beta", "alpha")]
    results = [(p.wait(timeout=600), *p.communicate()) for p in [first, *others]]
    assert_complete(site)
    for code, _out, err in results:
        assert code == 0, err
        assert "Traceback" not in err
    assert any("Waiting for another build of site/ to finish" in err for _code, _out, err in results)


def test_a_build_that_waits_too_long_for_another_fails_clearly(
    portal: Path, tmp_path: Path, capsys, monkeypatch
) -> None:
    site = tmp_path / "site"
    assert milepost(["build", "--config-file", str(portal), "--site-dir", str(site), "--today", TODAY]) == 0
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    capsys.readouterr()
    monkeypatch.setenv("MILEPOST_BUILD_LOCK_TIMEOUT", "0.5")
    monkeypatch.chdir(tmp_path)
    with FileLock(lock_path(site)):  # another build holds the site folder
        code = milepost(["build", "--config-file", str(portal), "--site-dir", str(site), "--today", TODAY])
    err = capsys.readouterr().err
    assert code == 1
    assert "Waiting for another build of site/ to finish" in err
    assert "another build of site/ still holds this lock after 0.5 seconds" in err
    assert "MILEPOST_BUILD_LOCK_TIMEOUT" in err and "Traceback" not in err
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before


def snapshot(folder: Path) -> dict[Path, bytes]:
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


SWAP = "between the two renames of a swap"


@pytest.mark.parametrize("moment", [0.2, 0.5, 0.8, SWAP])
def test_a_build_killed_at_any_moment_leaves_every_site_whole_after_the_next_build(
    portal: Path, tmp_path: Path, moment: float | str
) -> None:
    """`moment`: when `kill -9` comes, as a share of how long a whole build takes here, or
    exactly between the two renames that swap a client's new site in (the build paused there by
    the tests-only MILEPOST_TEST_PAUSE_BEFORE_SWAP)."""
    site = tmp_path / "site"
    started = time.monotonic()
    first = start(portal, site)
    assert first.wait(timeout=600) == 0, first.communicate()[1]
    first.communicate()
    duration = time.monotonic() - started
    alpha_before = snapshot(site / "alpha")

    if moment == SWAP:
        build = start(portal, site, "--force", env={TEST_PAUSE_ENV: "60"})
        wait_for(lambda: not (site / "alpha").exists() and any(site.glob(".alpha.old-*")))
    else:
        build = start(portal, site, "--force")
        time.sleep(duration * float(moment))
    build.send_signal(signal.SIGKILL)
    build.wait(timeout=60)
    build.communicate()
    # Every client still has its whole site, except in the instant between the two renames
    # of a swap: then the previous site waits beside its place, as `.<client>.old-*`.
    for client in CLIENTS:
        if (site / client).exists():
            assert missing_parts(site, client) == [], client
        else:
            assert any(site.glob(f".{client}.old-*")), client

    # The next build, even one of another client only, makes every site whole again.
    beta_only = ["build", "--config-file", str(portal), "--site-dir", str(site), "--today", TODAY, "--client", "beta"]
    assert milepost(beta_only) == 0
    assert_complete(site)
    assert snapshot(site / "alpha") == alpha_before  # same data, same day: the same site

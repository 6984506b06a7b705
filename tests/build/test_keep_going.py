"""Nothing lost: a client that fails leaves its published site as it was, and with
`--keep-going` the other clients are still built while the command exits non-zero."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from factories import client_yml, commit, git, make_portal, make_repo, milestone, project_yml
from milepost.cli import main as milepost


def client(name: str, **fields: str) -> str:
    """A client.yml with no contacts and no response time."""
    return client_yml(name=name, contacts=None, response_time=None, **fields)


def project(name: str, repository: dict[str, str]) -> str:
    return project_yml(name=name, repositories=[repository], milestones=[milestone(tasks=None)])


def build(config: Path, site: Path, *options: str) -> int:
    # Each build has its own git state: it fetches remote repositories afresh.
    return milepost(["build", "--config-file", str(config), "--site-dir", str(site), "--today", "2026-11-24", *options])


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def portal(tmp_path: Path) -> Path:
    """`alpha` reads a remote repository (file:// URL), `beta` a local one."""
    alpha_code = make_repo(
        tmp_path / "alpha-code", [{"message": "feat: alpha dashboard", "date": "2026-11-09T10:00:00+01:00"}]
    )
    bare = tmp_path / "served" / "alpha.git"
    bare.parent.mkdir()
    git(bare.parent, "clone", "-q", "--bare", str(alpha_code), str(bare))
    git(bare, "config", "uploadpack.allowFilter", "true")
    make_repo(tmp_path / "beta-code", [{"message": "feat: beta login", "date": "2026-11-09T10:00:00+01:00"}])
    return make_portal(
        tmp_path,
        {
            "alpha/client.yml": client("Alpha Ltd"),
            "alpha/portal.yml": project("Alpha portal", {"url": bare.as_uri()}),
            "beta/client.yml": client("Beta Ltd"),
            "beta/shop.yml": project("Beta shop", {"path": "../../beta-code"}),
        },
    )


def test_an_unreachable_repository_keeps_its_site_and_the_others_still_build(
    portal: Path, tmp_path: Path, capsys
) -> None:
    site = tmp_path / "site"
    assert build(portal, site) == 0
    alpha_before = snapshot(site / "alpha")
    assert "Alpha dashboard" in (site / "alpha" / "portal" / "index.html").read_text(encoding="utf-8")

    # The alpha repository's server goes away; beta gets new work.
    url = (tmp_path / "served" / "alpha.git").as_uri()
    shutil.move(tmp_path / "served", tmp_path / "offline")
    commit(tmp_path / "beta-code", {"message": "feat: beta gift cards", "date": "2026-11-16T10:00:00+01:00"})
    capsys.readouterr()

    assert build(portal, site, "--keep-going") == 1
    captured = capsys.readouterr()
    assert "FAILED alpha: " in captured.err
    assert f"alpha/portal.yml: repository {url}: could not be fetched" in captured.err
    assert "Check that the URL in the project file is right" in captured.err
    assert "Traceback" not in captured.err
    assert "built beta:" in captured.out
    assert snapshot(site / "alpha") == alpha_before  # the published site is untouched
    assert "Beta gift cards" in (site / "beta" / "shop" / "index.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in site.iterdir()) == [
        ".milepost", "alpha", "assets", "beta", "index.html", "robots.txt"
    ]


def test_without_keep_going_the_build_stops_at_the_first_failure(portal: Path, tmp_path: Path, capsys) -> None:
    site = tmp_path / "site"
    assert build(portal, site) == 0
    beta_before = snapshot(site / "beta")
    shutil.move(tmp_path / "served", tmp_path / "offline")
    commit(tmp_path / "beta-code", {"message": "feat: beta gift cards", "date": "2026-11-16T10:00:00+01:00"})

    assert build(portal, site) == 1
    assert "FAILED alpha" in capsys.readouterr().err
    assert snapshot(site / "beta") == beta_before  # not rebuilt, but not damaged either


def test_a_protected_client_without_its_password_is_not_published_unprotected(
    portal: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    site = tmp_path / "site"
    assert build(portal, site) == 0
    beta_before = snapshot(site / "beta")
    beta_client = tmp_path / "projects" / "beta" / "client.yml"
    beta_client.write_text(client("Beta Ltd", password_env="BETA_SITE_PASSWORD"), encoding="utf-8")
    monkeypatch.delenv("BETA_SITE_PASSWORD", raising=False)
    capsys.readouterr()

    assert build(portal, site, "--keep-going") == 1
    err = capsys.readouterr().err
    assert "FAILED beta: " in err
    assert "beta/client.yml: password_env: the variable BETA_SITE_PASSWORD is not set" in err
    assert snapshot(site / "beta") == beta_before
    assert (site / "alpha" / "index.html").is_file()

    monkeypatch.setenv("BETA_SITE_PASSWORD", "short")
    assert build(portal, site, "--client", "beta") == 1
    assert "shorter than 12 characters" in capsys.readouterr().err
    assert snapshot(site / "beta") == beta_before

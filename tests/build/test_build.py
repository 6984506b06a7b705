"""Whole builds on real git repositories and real portals made in temporary folders."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from factories import client_yml, commits_with, contact, make_portal, make_repo, project_yml
from helpers import DEMO_TODAY, ROOT
from milepost.cli import main as milepost
from milepost.mkdocs.build import build_clients
from milepost.publish.shared_assets import used_version, version_intact
from milepost.publish.site_ownership import Kind, mark

TODAY = dt.date(2026, 11, 24)


@pytest.fixture
def portal(tmp_path: Path) -> Path:
    make_repo(tmp_path / "repo", commits_with("fix: <script>alert(1)</script> in the basket"))
    return make_portal(
        tmp_path,
        {"example/client.yml": client_yml(), "example/shop.yml": project_yml(name="Shop <b>bold</b> & co")},
    )


def all_text(folder: Path) -> str:
    """Every file a client can fetch, but the theme's own assets (checked by `same_assets`)."""
    return "\n".join(
        p.read_text(encoding="utf-8", errors="replace")
        for p in folder.rglob("*")
        if p.is_file() and "assets" not in p.relative_to(folder).parts[:1]
    )


def same_assets(site_a: Path, site_b: Path) -> None:
    """The theme's assets are byte-identical for two clients, so they hold no client's data:
    both sites link to the one shared copy (publish/shared_assets.py), which is whole."""
    assert not (site_a / "assets").exists() and not (site_b / "assets").exists()
    version = used_version(site_a)
    assert version is not None and used_version(site_b) == version
    assert site_a.parent == site_b.parent and version_intact(site_a.parent, version)


def test_build_writes_pages_feeds_and_status(portal: Path, tmp_path: Path) -> None:
    outcome = build_clients(portal, site_dir=tmp_path / "site", today=TODAY)
    assert outcome.ok and list(outcome.built) == ["example"]
    site = tmp_path / "site" / "example"
    for name in ("index.html", "shop/index.html", "shop/status.json", "shop/feed.xml", "shop/calendar.ics",
                 "search/search_index.json", "sitemap.xml"):
        assert (site / name).is_file(), name
    assert (tmp_path / "site" / "assets" / str(used_version(site)) / "milepost.css").is_file()
    status = json.loads((site / "shop" / "status.json").read_text(encoding="utf-8"))
    assert status["milestones"][0]["id"] == "first"


def test_every_text_is_escaped(portal: Path, tmp_path: Path) -> None:
    build_clients(portal, site_dir=tmp_path / "site", today=TODAY)
    page = (tmp_path / "site" / "example" / "shop" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>bold</b>" not in page
    home = (tmp_path / "site" / "example" / "index.html").read_text(encoding="utf-8")
    assert "<b>bold</b>" not in home and "Shop &lt;b&gt;bold&lt;/b&gt; &amp;" in home


def test_team_notes_and_other_clients_stay_out(tmp_path: Path) -> None:
    make_repo(tmp_path / "repo", commits_with("feat: secret-free work"))
    other = client_yml(name="Zebra Logistics", contacts=[contact(name="Zofia Zielona")])
    config = make_portal(
        tmp_path,
        {
            "example/client.yml": client_yml(),
            "example/shop.yml": project_yml(name="Shop"),
            "zebra/client.yml": other,
            "zebra/fleet.yml": project_yml(name="Fleet tracker"),
        },
    )
    outcome = build_clients(config, site_dir=tmp_path / "site", today=TODAY)
    assert outcome.ok
    example = all_text(tmp_path / "site" / "example")
    for leak in ("Zebra", "Zofia", "Fleet tracker", "fleet", "Team notes", "Internal only"):
        assert leak not in example, leak
    zebra = all_text(tmp_path / "site" / "zebra")
    for leak in ("Example Client", "Ewa Kowalska", "shop/"):
        assert leak not in zebra, leak
    same_assets(tmp_path / "site" / "example", tmp_path / "site" / "zebra")


def test_demo_sites_do_not_leak_into_each_other(demo_site: Path) -> None:
    acme = all_text(demo_site / "acme-retail")
    for leak in ("Northwind", "northwind", "James Carter", "Olivia", "appointment", "clinic"):
        assert leak not in acme, leak
    northwind = all_text(demo_site / "northwind-clinic")
    for leak in ("ACME", "acme", "Anna Nowak", "BLIK", "webshop", "loyalty"):
        assert leak not in northwind, leak
    same_assets(demo_site / "acme-retail", demo_site / "northwind-clinic")


def test_demo_pages_show_no_secrets_or_emails_from_git(demo_site: Path) -> None:
    text = all_text(demo_site / "northwind-clinic")
    assert "sk_live_51HxQ2bLkPq9XyZ7dEmo0nly" not in text
    acme = all_text(demo_site / "acme-retail")
    assert "jira.agency.internal" not in acme
    assert "dependabot" not in acme and "bump stripe" not in acme
    assert "notes from the pricing call" not in acme and "rotate sandbox key" not in acme


def test_same_input_same_site(portal: Path, tmp_path: Path) -> None:
    build_clients(portal, site_dir=tmp_path / "a", today=TODAY)
    build_clients(portal, site_dir=tmp_path / "b", today=TODAY)
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert files_a == files_b
    for relative in files_a:
        if relative.suffix in {".html", ".json", ".xml", ".ics"}:
            assert (tmp_path / "a" / relative).read_bytes() == (tmp_path / "b" / relative).read_bytes(), relative


def test_failed_build_keeps_the_published_site(portal: Path, tmp_path: Path, capsys) -> None:
    site_dir = tmp_path / "site"
    assert build_clients(portal, site_dir=site_dir, today=TODAY).ok
    before = (site_dir / "example" / "shop" / "index.html").read_bytes()
    # Break the repository: the next build must fail and leave the old site in place.
    (tmp_path / "repo" / ".git" / "HEAD").write_text("ref: refs/heads/missing\n")
    code = milepost(["build", "--config-file", str(portal), "--site-dir", str(site_dir), "--today", "2026-11-24"])
    assert code == 1
    assert (site_dir / "example" / "shop" / "index.html").read_bytes() == before
    # No temporary folder left behind (the root's neutral index.html and robots.txt list no client).
    assert sorted(p.name for p in site_dir.iterdir()) == [".milepost", "assets", "example", "index.html", "robots.txt"]
    err = capsys.readouterr().err
    assert "shop.yml" in err and "Traceback" not in err


def test_bad_yaml_stops_the_build_with_the_line(portal: Path, tmp_path: Path, capsys) -> None:
    # Written out, so that the line the message names is the one to see here.
    (tmp_path / "projects" / "example" / "shop.yml").write_text(
        "name: Shop\n"
        "summary: A plain summary.\n"
        "repositories:\n"
        "  - path: ../../repo\n"
        "milestones:\n"
        "  - id: first\n"
        "    title: First part\n"
        "    start: 2026-11-01\n"
        "    due: 2026-13-20\n",  # line 9
        encoding="utf-8",
    )
    code = milepost(["build", "--config-file", str(portal), "--site-dir", str(tmp_path / "site")])
    assert code == 1
    err = capsys.readouterr().err
    assert "shop.yml:9: milestones[0].due" in err
    assert not (tmp_path / "site" / "example").exists()


def test_cli_check_reports_problems_and_exits_1(portal: Path, tmp_path: Path, capsys) -> None:
    assert milepost(["check", "--config-file", str(portal), "--today", "2026-11-24"]) == 0
    shop = tmp_path / "projects" / "example" / "shop.yml"
    shop.write_text(shop.read_text().replace("title: First part", "titel: First part"))
    assert milepost(["check", "--config-file", str(portal), "--today", "2026-11-24"]) == 1
    out = capsys.readouterr().out
    assert "did you mean 'title'?" in out


def test_today_comes_from_the_environment(portal: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("MILEPOST_TODAY", "2026-12-21")  # one day after the promise
    code = milepost(["build", "--config-file", str(portal), "--site-dir", str(tmp_path / "site")])
    # The milestone is now late without a delay explanation: the build refuses.
    assert code == 1


def test_unknown_client_is_a_clear_error(portal: Path, tmp_path: Path, capsys) -> None:
    code = milepost(["build", "--config-file", str(portal), "--client", "nobody", "--site-dir", str(tmp_path / "s")])
    assert code == 1
    assert "unknown client(s): nobody; clients in projects/: example" in capsys.readouterr().err


def test_team_preview_with_plain_mkdocs(demo_site: Path, tmp_path: Path) -> None:
    """`mkdocs build` in the repository still works: how-tos plus every client's pages.
    (`demo_site` has made the demo's repositories, and its build filled the page cache.)"""
    env = dict(os.environ, MILEPOST_TODAY=DEMO_TODAY.isoformat(), NO_MKDOCS_2_WARNING="1")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(ROOT / "mkdocs.yml"),
         "-d", str(tmp_path / "preview")],
        capture_output=True, text=True, env=env, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "preview" / "clients" / "acme-retail" / "webshop" / "index.html").is_file()
    assert (tmp_path / "preview" / "building.html").is_file()


def test_published_folders_are_readable_by_a_web_server(portal: Path, tmp_path: Path) -> None:
    """The build's temporary folder starts private to this user; the swapped-in site must not."""
    site_dir = tmp_path / "site"
    assert build_clients(portal, site_dir=site_dir, today=TODAY).ok
    umask = os.umask(0)
    os.umask(umask)
    assert (site_dir / "example").stat().st_mode & 0o777 == 0o777 & ~umask
    assert (site_dir / "example").stat().st_mode & 0o005 == 0o005 & ~umask  # others may read and enter


def test_leftovers_of_an_interrupted_build_are_removed_and_strays_named(
    portal: Path, tmp_path: Path, caplog
) -> None:
    site_dir = tmp_path / "site"
    assert build_clients(portal, site_dir=site_dir, today=TODAY).ok
    # What stopped builds leave carries Milepost's marker, as the folder did from its making
    # (publish/site_ownership.py); so does a client's site of earlier days.
    half = site_dir / ".example.building-abc123"
    (half / "shop").mkdir(parents=True)
    (half / "shop" / "index.html").write_text("unencrypted pages of a protected client", encoding="utf-8")
    (site_dir / ".example.old-abc123").mkdir()
    for made in (half, site_dir / ".example.old-abc123", site_dir / "old-name-of-a-client"):
        made.mkdir(exist_ok=True)
        mark(made, Kind.CLIENT_SITE)
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.milepost"):
        assert build_clients(portal, site_dir=site_dir, today=TODAY).ok
    assert sorted(p.name for p in site_dir.iterdir()) == [
        ".milepost", "assets", "example", "index.html", "old-name-of-a-client", "robots.txt"
    ]
    assert "old-name-of-a-client is no client's site any more" in caplog.text
    # Building one client says nothing about the others' folders.
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.milepost"):
        assert build_clients(portal, clients=["example"], site_dir=site_dir, today=TODAY).ok
    assert "no client's site" not in caplog.text


def test_a_client_name_is_escaped_exactly_once(tmp_path: Path) -> None:
    """The theme prints the site name raw in some places and escapes it in others (the logo's
    title): a name with an apostrophe or an ampersand must read right in all of them."""
    make_repo(tmp_path / "repo", commits_with("feat: gift cards"))
    client = client_yml(name="O'Brien & <Sons>")
    config = make_portal(tmp_path, {"example/client.yml": client, "example/shop.yml": project_yml(name="Shop")})
    assert build_clients(config, site_dir=tmp_path / "site", today=TODAY).ok
    for page in (tmp_path / "site" / "example").rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<Sons>" not in html, page
        assert "&amp;#x27;" not in html and "&amp;amp;" not in html and "&amp;lt;" not in html, page
    home = (tmp_path / "site" / "example" / "index.html").read_text(encoding="utf-8")
    assert 'title="O&#x27;Brien &amp; &lt;Sons&gt;"' in home

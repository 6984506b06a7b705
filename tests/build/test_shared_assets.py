"""The theme's files are published once for every client, in `site/assets/<version>/`
(publish/shared_assets.py): one copy for the whole build, every page's references resolve,
a `--client X` build keeps what the others use, and unchanged clients are still skipped."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from factories import client_yml, commits_with, make_portal, make_repo, make_shop_portal, milestone, project_yml
from milepost.cli import main as milepost
from milepost.errors import PrivacyError
from milepost.load.client_folders import client_folders
from milepost.model import Client
from milepost.publish.shared_assets import (
    SHARED_FOLDER,
    assets_version,
    link_pages,
    published_versions,
    used_version,
    version_intact,
)

TODAY = "2026-11-24"
CLIENTS = ("alpha", "beta", "gamma")


class References(HTMLParser):
    """Every src and href of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [value for name, value in attrs if name in ("src", "href") and value]


def references(page: Path) -> list[str]:
    parser = References()
    parser.feed(page.read_text(encoding="utf-8"))
    # The search worker's address is in material's __config JSON, not an attribute.
    worker = re.findall(r'"search":\s*"([^"]+)"', page.read_text(encoding="utf-8"))
    return parser.found + worker


def unresolved(site: Path) -> list[str]:
    """Every relative src/href (and search worker) of every page that names no file."""
    missing = []
    for page in sorted(site.rglob("*.html")):
        for reference in references(page):
            parts = urlsplit(reference)
            if parts.scheme or parts.netloc or reference.startswith(("#", "/", "data:", "mailto:")):
                continue
            path = unquote(parts.path)
            if not path:
                continue
            target = (page.parent / path).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                missing.append(f"{page.relative_to(site)}: {reference}")
    return missing


def size_of(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


@pytest.fixture
def portal(tmp_path: Path) -> Path:
    return make_shop_portal(tmp_path, CLIENTS)


def build(portal: Path, site: Path, capsys, *options: str) -> tuple[int, str]:
    code = milepost(["build", "--config-file", str(portal), "--site-dir", str(site), "--today", TODAY, *options])
    out, err = capsys.readouterr()
    return code, out + err


def test_the_demo_has_one_copy_of_the_theme_and_every_reference_resolves(demo_site: Path) -> None:
    versions = published_versions(demo_site)
    assert len(versions) == 1, versions
    shared = demo_site / SHARED_FOLDER / versions[0]
    assert version_intact(demo_site, versions[0])
    assert (shared / "milepost.css").is_file() and (shared / "milepost-unlock.js").is_file()
    assert list(shared.glob("javascripts/workers/search.*.min.js"))
    assert list(shared.glob("javascripts/lunr/min/lunr.*.min.js"))
    clients = [p for p in demo_site.iterdir() if p.is_dir() and p.name != SHARED_FOLDER]
    assert len(clients) >= 6
    for client in clients:
        assert not (client / "assets").exists(), client.name  # no copy of its own
        assert used_version(client) == versions[0], client.name
    # The whole site is about one copy of the theme plus the clients' own pages.
    assert size_of(demo_site) < size_of(shared) + sum(size_of(c) for c in clients) + 100_000
    assert sum(size_of(c) for c in clients) < size_of(shared) * 2
    assert unresolved(demo_site) == []


def test_a_client_folder_named_assets_is_refused() -> None:
    clients = [Client(slug="acme", name="Acme", path="assets")]
    with pytest.raises(PrivacyError, match="theme's files every site shares"):
        client_folders(clients)
    with pytest.raises(PrivacyError, match="assets"):
        client_folders([Client(slug="assets", name="Assets Ltd")])


def test_a_client_build_keeps_what_the_others_use_and_skipping_still_works(
    portal: Path, tmp_path: Path, capsys
) -> None:
    site = tmp_path / "site"
    code, log = build(portal, site, capsys)
    assert code == 0, log
    [version] = published_versions(site)
    assert unresolved(site) == []
    # An older version, as a theme upgrade leaves it: still used by a page kept from before.
    old = site / SHARED_FOLDER / "0123456789abcdef"
    shutil.copytree(site / SHARED_FOLDER / version, old)
    code, log = build(portal, site, capsys, "--client", "beta", "--force")
    assert code == 0, log
    assert old.is_dir() and (site / SHARED_FOLDER / version).is_dir()  # nothing another page may use is gone
    assert unresolved(site) == []
    # Unchanged clients are skipped while their shared assets are whole...
    code, log = build(portal, site, capsys)
    assert code == 0, log
    assert sorted(re.findall(r"^unchanged (\w+)", log, re.M)) == list(CLIENTS), log
    # ...and rebuilt (which publishes the assets again) when a file of them is gone.
    next((site / SHARED_FOLDER / version).glob("javascripts/bundle.*.js")).unlink()
    code, log = build(portal, site, capsys)
    assert code == 0, log
    assert sorted(re.findall(r"^built (\w+)", log, re.M)) == list(CLIENTS), log
    assert version_intact(site, version)
    assert unresolved(site) == []


def test_pages_link_to_the_shared_folder_at_their_own_depth(tmp_path: Path) -> None:
    site = tmp_path / "built"
    (site / "assets" / "stylesheets").mkdir(parents=True)
    (site / "assets" / "stylesheets" / "main.css").write_text("body{}", encoding="utf-8")
    (site / "shop").mkdir()
    (site / "index.html").write_text('<link href="assets/stylesheets/main.css"><a href="shop/">', encoding="utf-8")
    (site / "shop" / "index.html").write_text(
        '<link href="../assets/stylesheets/main.css"><a href="../assets/">x</a><img src="../../assets/x.png">',
        encoding="utf-8",
    )
    version = assets_version(site / "assets")
    assert re.fullmatch(r"[0-9a-f]{16}", version)
    assert link_pages(site, version) == 2
    assert (site / "index.html").read_text() == (
        f'<link href="../assets/{version}/stylesheets/main.css"><a href="shop/">'
    )
    # Only the site's own assets/ (at the page's depth) moves; a deeper "../" is another folder.
    assert (site / "shop" / "index.html").read_text() == (
        f'<link href="../../assets/{version}/stylesheets/main.css"><a href="../../assets/{version}/">x</a>'
        '<img src="../../assets/x.png">'
    )
    assert link_pages(site, version) == 0  # linked once: a second pass changes nothing
    (site / "assets" / "stylesheets" / "main.css").write_text("body{color:red}", encoding="utf-8")
    assert assets_version(site / "assets") != version  # content-addressed


def test_check_and_build_refuse_a_site_in_the_shared_folder(tmp_path: Path, capsys) -> None:
    make_repo(tmp_path / "repo", commits_with("feat: gift cards"))
    portal = make_portal(tmp_path, {
        "acme/client.yml": client_yml(name="Acme", path="assets"),
        "acme/shop.yml": project_yml(name="Shop", repositories=[{"path": "../../repo"}], milestones=[milestone()]),
    })
    assert milepost(["check", "--config-file", str(portal), "--today", TODAY]) == 1
    out, err = capsys.readouterr()
    assert re.search(
        r"acme/client\.yml:\d+: path: 'assets' is a name Milepost keeps for a folder of its own \(the theme's files",
        out + err,
    ), out + err
    code, log = build(portal, tmp_path / "site", capsys)
    assert code == 1 and "theme's files every site shares" in log, log
    assert not (tmp_path / "site" / "assets").exists()

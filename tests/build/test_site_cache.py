"""The page cache: a rebuild with nothing changed reuses the rendered pages, and any change to
what the pages are made from renders them again. Real portals and real git repositories."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from factories import EXAMPLE_CLIENT as CLIENT
from factories import EXAMPLE_PROJECT as PROJECT
from factories import CommitSpec, commit, commits_with, make_portal, make_repo
from milepost.history import disk_cache
from milepost.history.disk_cache import payload_of
from milepost.history.state import GitHistory
from milepost.mkdocs.build import build_clients
from milepost.publish import site_cache

TODAY = dt.date(2026, 11, 24)


@pytest.fixture
def portal(tmp_path: Path) -> Path:
    make_repo(tmp_path / "repo", commits_with("feat: gift cards at the till"))
    return make_portal(tmp_path, {"example/client.yml": CLIENT, "example/shop.yml": PROJECT.format(name="Shop")})


def build(portal: Path, site: Path, today: dt.date = TODAY, history: GitHistory | None = None) -> str:
    """Build as a new `milepost build` would (its own git state, or `history`); the project
    page's HTML."""
    outcome = build_clients(portal, site_dir=site, today=today, git_history=history)
    assert outcome.ok, outcome.failed
    return (site / "example" / "shop" / "index.html").read_text(encoding="utf-8")


def renders_during(action) -> int:
    before = site_cache.stats.renders
    action()
    return site_cache.stats.renders - before


def test_nothing_changed_reuses_the_pages_without_reading_history(portal: Path, tmp_path: Path) -> None:
    first = build(portal, tmp_path / "site")
    history = GitHistory()
    hits = site_cache.stats.hits
    assert renders_during(lambda: build(portal, tmp_path / "site", history=history)) == 0
    assert site_cache.stats.hits == hits + 1
    assert history.commits.stats == type(history.commits.stats)()  # not even from the disk cache
    assert build(portal, tmp_path / "again") == first


def test_a_new_commit_renders_the_pages_again(portal: Path, tmp_path: Path) -> None:
    assert "Gift cards at the till" in build(portal, tmp_path / "site")
    commit(tmp_path / "repo", CommitSpec("feat: loyalty stamps on receipts", date="2026-11-20T09:00:00+01:00"))
    renders = site_cache.stats.renders
    page = build(portal, tmp_path / "site")
    assert site_cache.stats.renders == renders + 1
    assert "Loyalty stamps on receipts" in page


def test_an_edited_project_file_renders_the_pages_again(portal: Path, tmp_path: Path) -> None:
    build(portal, tmp_path / "site")
    shop = tmp_path / "projects" / "example" / "shop.yml"
    shop.write_text(shop.read_text(encoding="utf-8").replace("First part", "Shop front"), encoding="utf-8")
    assert renders_during(lambda: build(portal, tmp_path / "site")) == 1
    assert "Shop front" in build(portal, tmp_path / "site")


def test_another_day_renders_the_pages_again(portal: Path, tmp_path: Path) -> None:
    assert "Updated on 24 November 2026" in build(portal, tmp_path / "site")
    later = TODAY + dt.timedelta(days=1)
    assert renders_during(lambda: build(portal, tmp_path / "site", today=later)) == 1
    assert "Updated on 25 November 2026" in build(portal, tmp_path / "site", today=later)


def test_a_changed_milepost_renders_the_pages_again(tmp_path: Path, monkeypatch) -> None:
    """The key holds a digest of Milepost's own files: an upgrade never serves old pages."""
    package = tmp_path / "milepost-copy"
    shutil.copytree(disk_cache.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(disk_cache, "PACKAGE_DIR", package)
    disk_cache.code_fingerprint.cache_clear()
    try:
        before = disk_cache.code_fingerprint()
        catalog = package / "locale" / "pl" / "LC_MESSAGES" / "milepost.po"
        catalog.write_text(catalog.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        disk_cache.code_fingerprint.cache_clear()
        assert disk_cache.code_fingerprint() != before
    finally:
        disk_cache.code_fingerprint.cache_clear()


@pytest.mark.parametrize(
    "damage",
    [b"", b"{half", json.dumps({"format": 1, "key": "x", "pages": [], "files": []}).encode()],
    ids=["empty", "not-json", "other-key"],
)
def test_a_damaged_entry_is_rendered_again(portal: Path, tmp_path: Path, damage: bytes) -> None:
    first = build(portal, tmp_path / "site")
    (entry,) = (tmp_path / ".cache" / "sites").iterdir()
    entry.write_bytes(damage)
    assert renders_during(lambda: build(portal, tmp_path / "site")) == 1
    assert build(portal, tmp_path / "site") == first


def test_an_entry_whose_fields_are_wrong_is_rendered_again(portal: Path, tmp_path: Path) -> None:
    first = build(portal, tmp_path / "site")
    (entry,) = (tmp_path / ".cache" / "sites").iterdir()
    header, _, _ = entry.read_bytes().partition(b"\n")
    data = json.loads(payload_of(entry.read_bytes()))
    data["files"] = [["status.json", "not base64!"]]
    # Sealed again under this machine's key, so only the payload is wrong.
    disk_cache.write_entry(entry, site_cache.CACHE, json.dumps(data).encode(), fields=(header.split()[2].decode(),))
    assert renders_during(lambda: build(portal, tmp_path / "site")) == 1
    assert build(portal, tmp_path / "site") == first


def poison(entry: Path, seal: Callable[[bytes], bytes]) -> None:
    """Put a script into every cached page, as someone who can write the cache folder (a
    poisoned CI cache) would: the header's size made right, the seal `seal(header + payload)`."""
    header = entry.read_bytes().partition(b"\n")[0].split(b" ")
    data = json.loads(payload_of(entry.read_bytes()))
    data["pages"] = [
        [p, t, m.replace("Shop", "<script>window.poisoned = 1</script>"), n] for p, t, m, n in data["pages"]
    ]
    payload = json.dumps(data).encode()
    sealed = b" ".join([*header[:3], b"%d" % len(payload), header[4]])
    entry.write_bytes(sealed + b" " + seal(sealed + payload) + b"\n" + payload)


@pytest.mark.parametrize(
    "seal",
    [lambda data: b"0" * 64, lambda data: hmac.new(b"a guess", data, hashlib.sha256).hexdigest().encode()],
    ids=["old-seal", "forged-seal"],
)
def test_a_poisoned_entry_is_discarded_with_a_warning_and_never_published(
    portal: Path, tmp_path: Path, caplog, seal: Callable[[bytes], bytes]
) -> None:
    first = build(portal, tmp_path / "site")
    (entry,) = (tmp_path / ".cache" / "sites").iterdir()
    poison(entry, seal)
    assert b"window.poisoned" in entry.read_bytes()
    with caplog.at_level(logging.WARNING):
        assert renders_during(lambda: build(portal, tmp_path / "site")) == 1
    assert "changed after Milepost wrote it" in caplog.text
    page = build(portal, tmp_path / "site")
    assert page == first and "window.poisoned" not in page
    assert b"window.poisoned" not in entry.read_bytes()  # made again


def test_warnings_are_given_again_when_the_pages_come_from_the_cache(tmp_path: Path, caplog) -> None:
    """`mkdocs build --strict` fails on a warning every time, not only when pages are rendered."""
    make_repo(tmp_path / "repo", commits_with("feat: gift cards at the till"))
    project = PROJECT.format(name="Shop").replace(
        "  - path: ../../repo", "  - path: ../../repo\n    include: [nowhere/]"
    )
    config_file = make_portal(tmp_path, {"example/client.yml": CLIENT, "example/shop.yml": project})
    for attempt in range(2):
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="mkdocs"):
            config = load_config(str(config_file), site_dir=str(tmp_path / "preview"), strict=True)
            with pytest.raises(Abort, match="warning"):
                mkdocs_build(config)
        assert any("no commit touches nowhere/" in r.getMessage() for r in caplog.records), attempt
    assert site_cache.stats.hits >= 1


def test_builds_without_a_cache_folder_render_every_time(portal: Path, tmp_path: Path) -> None:
    text = portal.read_text(encoding="utf-8").replace(f"cache_dir: {tmp_path / '.cache'}", "cache_dir: ''")
    portal.write_text(text, encoding="utf-8")
    assert renders_during(lambda: build(portal, tmp_path / "site")) == 1
    assert renders_during(lambda: build(portal, tmp_path / "site")) == 1
    assert not (tmp_path / ".cache").exists()

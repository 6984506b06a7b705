"""One Jinja environment and one list of the theme's files for every client's MkDocs build in
a process (mkdocs/shared_theme.py): the sites are byte for byte those of unshared builds."""

from __future__ import annotations

from pathlib import Path

from conftest import make_demo_repos_once
from helpers import DEMO_TODAY, ROOT
from milepost.mkdocs import shared_theme
from milepost.mkdocs.build import build_clients


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_shared_theme_builds_the_same_sites_as_one_environment_per_client(tmp_path_factory, tmp_path: Path) -> None:
    make_demo_repos_once(tmp_path_factory)
    shared_theme._ENVIRONMENTS.clear()
    shared = build_clients(ROOT / "mkdocs.yml", site_dir=tmp_path / "shared", today=DEMO_TODAY)
    assert shared.ok, shared.failed
    assert len(shared.built) == 6  # every demo client...
    languages = {key[2] for key in shared_theme._ENVIRONMENTS}
    # ...drawn with one environment per language (and one of mkdocs.yml's language, asked
    # for by the search plugin before Milepost's theme folder joins the theme's folders)
    assert len(shared_theme._ENVIRONMENTS) == len(languages) + 1
    alone = build_clients(ROOT / "mkdocs.yml", site_dir=tmp_path / "alone", today=DEMO_TODAY, share_theme=False)
    assert alone.ok, alone.failed
    ours, theirs = snapshot(tmp_path / "shared"), snapshot(tmp_path / "alone")
    assert sorted(ours) == sorted(theirs)
    assert [name for name in ours if ours[name] != theirs[name]] == []

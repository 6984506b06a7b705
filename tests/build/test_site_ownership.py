"""Nothing of ours destroyed: a build writes only into folders it made and marked, never over
the portal's own files, never over a name it did not write (publish/site_ownership.py), and
the names its sites use for themselves are no client's or project's (load/slugs.py).
Real `milepost build` and `milepost check` runs on portals in temporary folders."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from factories import client_yml, commits_with, make_portal, make_repo, milestone, project_yml
from milepost.cli import main as milepost
from milepost.load.slugs import MAX_SLUG_LENGTH, RESERVED_NAMES
from milepost.publish.site_ownership import MARKER, Kind, is_ours, mark, remove_marked

TODAY = "2026-11-24"
PASSWORD_VARIABLE = "OWNERSHIP_TEST_PASSWORD"


@pytest.fixture
def portal(tmp_path: Path) -> Path:
    base = tmp_path / "portal"
    make_repo(base / "repo", commits_with("feat: gift cards"))
    return make_portal(base, {
        "example/client.yml": client_yml(),
        "example/shop.yml": project_yml(name="Shop", milestones=[milestone()]),
    })


def build(portal: Path, site: Path | None, capsys, *options: str) -> tuple[int, str, str]:
    where = ["--site-dir", str(site)] if site is not None else []
    code = milepost(["build", "--config-file", str(portal), *where, "--today", TODAY, *options])
    out, err = capsys.readouterr()
    return code, out, err


def check(portal: Path, capsys) -> tuple[int, str]:
    code = milepost(["check", "--config-file", str(portal), "--today", TODAY])
    out, err = capsys.readouterr()
    return code, out + err


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (but git's own and the cache) by path, with its content."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and not {".git", ".cache"} & set(p.relative_to(folder).parts)
    }


def errors(err: str) -> list[str]:
    """The lines of the command's own error output (MkDocs' warnings left out)."""
    return [line for line in err.splitlines() if line and not line.startswith(("WARNING", "INFO"))]


# --- never over the portal ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("site", "said"),
    [
        (".", "is the portal's own folder"),
        ("..", "holds the portal's own folder"),
        ("projects", "is the portal's projects/"),
        ("projects/example", "lies in the portal's projects/"),
        ("docs", "is the portal's docs/"),
        ("docs/site", "lies in the portal's docs/"),
        ("letters", "is the portal's letters/"),
        ("link-to-projects", "is the portal's projects/"),  # links resolved
    ],
)
def test_a_site_folder_over_the_portal_is_refused_and_nothing_is_touched(
    portal: Path, capsys, monkeypatch, site: str, said: str
) -> None:
    base = portal.parent
    (base / "link-to-projects").symlink_to(base / "projects", target_is_directory=True)
    monkeypatch.chdir(base)
    before = snapshot(base.parent)
    code, out, err = build(portal, Path(site), capsys)
    assert code == 1 and out == ""
    [line] = errors(err)  # one line, naming the fix
    assert said in line and "nothing was built" in line and "leave out --site-dir" in line, line
    assert "Traceback" not in err
    assert snapshot(base.parent) == before  # the project files and everything else as they were
    assert not any(base.parent.rglob(".*.lock"))


@pytest.mark.parametrize(
    ("site", "said"), [("projects", "is the portal's projects/"), ("letters", "is the portal's letters/")]
)
def test_plain_mkdocs_build_over_the_portal_is_refused_and_nothing_is_touched(
    portal: Path, site: str, said: str
) -> None:
    # The team's own `mkdocs build -d FOLDER` runs the same hooks: MkDocs empties its site
    # folder first, so `-d projects` deleted every project file and `-d letters` the record
    # of letters sent (every letter would have gone again).
    base = portal.parent
    (base / "letters").mkdir(exist_ok=True)
    (base / "letters" / "sent.json").write_text('{"format": 1, "letters": []}\n', encoding="utf-8")
    before = snapshot(base)
    run = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(portal), "-d", str(base / site)],
        cwd=base, capture_output=True, text=True, timeout=600,
        env={**os.environ, "MILEPOST_TODAY": TODAY, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert run.returncode == 1
    assert said in run.stderr and "nothing was built" in run.stderr and "Traceback" not in run.stderr
    assert snapshot(base) == before


def test_a_folder_of_other_files_is_refused_and_a_client_site_is_no_site_folder(
    portal: Path, tmp_path: Path, capsys
) -> None:
    theirs = tmp_path / "public"
    theirs.mkdir()
    (theirs / "about.html").write_text("the agency's own page", encoding="utf-8")
    code, _out, err = build(portal, theirs, capsys)
    assert code == 1
    [line] = errors(err)
    assert "holds files Milepost did not write (it has no .milepost file)" in line and "nothing was built" in line
    assert sorted(p.name for p in theirs.iterdir()) == ["about.html"]

    site = tmp_path / "site"
    assert build(portal, site, capsys)[0] == 0
    before = snapshot(site)
    code, _out, err = build(portal, site / "example", capsys)
    assert code == 1
    [line] = errors(err)
    assert "is not a site folder but a client's site" in line, line
    assert snapshot(site) == before


def test_a_site_folder_that_is_a_link_to_a_folder_is_built_into_again(portal: Path, tmp_path: Path, capsys) -> None:
    served = tmp_path / "www" / "status"  # a web server's folder, the site folder a link to it
    served.mkdir(parents=True)
    (tmp_path / "site").symlink_to(served, target_is_directory=True)
    for _ in range(2):
        code, _out, err = build(portal, tmp_path / "site", capsys, "--force")
        assert code == 0, err
    assert is_ours(served, Kind.SITE_ROOT) and (served / "example" / "index.html").is_file()


# --- only what it made ------------------------------------------------------------------------


def test_every_folder_a_build_makes_is_marked_and_a_protected_site_keeps_its_marker_plain(
    portal: Path, tmp_path: Path, capsys, monkeypatch
) -> None:
    client_file = portal.parent / "projects" / "example" / "client.yml"
    client_file.write_text(client_file.read_text(encoding="utf-8") + f"password_env: {PASSWORD_VARIABLE}\n")
    monkeypatch.setenv(PASSWORD_VARIABLE, "correct horse battery staple")
    site = tmp_path / "site"
    code, _out, err = build(portal, site, capsys)
    assert code == 0, err
    assert is_ours(site, Kind.SITE_ROOT) and is_ours(site / "example", Kind.CLIENT_SITE)
    assert is_ours(site / "assets", Kind.SHARED_ASSETS)
    assert not (site / "example" / f"{MARKER}.enc").exists()  # encrypted pages, a plain marker
    assert (site / "example" / "shop" / "status.json.enc").is_file()
    marker = json.loads((site / MARKER).read_bytes())
    for name in ("index.html", "robots.txt"):  # the root's own files, as written
        assert marker["files"][name] == hashlib.sha256((site / name).read_bytes()).hexdigest()


def test_leftover_names_without_the_marker_are_left_alone(portal: Path, tmp_path: Path, capsys) -> None:
    site = tmp_path / "site"
    assert build(portal, site, capsys)[0] == 0
    shutil.rmtree(site / "example")
    # Folders named like a build's leftovers, but not made by one: someone's own.
    for name in (".example.old-abc123", ".example.building-abc123", ".example.trash-abc123"):
        (site / name).mkdir()
        (site / name / "keep.txt").write_text(f"mine: {name}", encoding="utf-8")
    # A real leftover (marked, as every temporary folder of a build is) is still removed.
    (site / ".example.trash-def456").mkdir()
    mark(site / ".example.trash-def456", Kind.CLIENT_SITE)
    code, _out, err = build(portal, site, capsys, "--force")
    assert code == 0, err
    for name in (".example.old-abc123", ".example.building-abc123", ".example.trash-abc123"):
        assert (site / name / "keep.txt").read_text(encoding="utf-8") == f"mine: {name}"
        assert f"{name} is named like a leftover of a build but was not made by Milepost" in err
    assert not (site / ".example.trash-def456").exists()
    assert is_ours(site / "example", Kind.CLIENT_SITE) and (site / "example" / "shop" / "index.html").is_file()


def test_a_removal_stopped_part_way_leaves_a_folder_still_marked_as_ours(tmp_path: Path) -> None:
    """The build removes what it made marker last: wherever `kill -9` stops it, what is left
    is still known as Milepost's (and so removed by the next build), or an empty folder."""
    folder = tmp_path / ".example.trash-abc123"
    folder.mkdir()
    mark(folder, Kind.CLIENT_SITE)
    for index in range(30):
        (folder / f"page-{index:02d}.html").write_text("page", encoding="utf-8")
    seen: list[bool] = []
    real_unlink = Path.unlink

    def watching_unlink(self: Path, missing_ok: bool = False) -> None:
        seen.append((folder / MARKER).is_file() or self.name == MARKER)
        real_unlink(self, missing_ok=missing_ok)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Path, "unlink", watching_unlink)
        remove_marked(folder)
    assert not folder.exists()
    assert len(seen) == 31 and all(seen)  # the marker stayed until every other file was gone


def test_root_files_milepost_did_not_write_are_kept_and_named(portal: Path, tmp_path: Path, capsys) -> None:
    site = tmp_path / "site"
    assert build(portal, site, capsys)[0] == 0
    (site / "index.html").write_text("<h1>The agency's own start page</h1>", encoding="utf-8")
    (site / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
    code, _out, err = build(portal, site, capsys, "--force")
    assert code == 0, err
    assert (site / "index.html").read_text(encoding="utf-8") == "<h1>The agency's own start page</h1>"
    assert (site / "robots.txt").read_text(encoding="utf-8") == "User-agent: *\nAllow: /\n"
    for name in ("index.html", "robots.txt"):
        said = [line for line in err.splitlines() if f"site/{name} was not written by Milepost" in line]
        assert len(said) == 1 and "left as it is" in said[0], err


def test_root_files_milepost_wrote_are_brought_up_to_date(portal: Path, tmp_path: Path, capsys) -> None:
    site = tmp_path / "site"
    assert build(portal, site, capsys)[0] == 0
    current = (site / "index.html").read_bytes()
    # The page an earlier build wrote (its digest in the root's marker), since reworded.
    earlier = b"<!doctype html><title>Project status</title><p>An earlier wording.</p>"
    (site / "index.html").write_bytes(earlier)
    mark(site, Kind.SITE_ROOT, files={
        "index.html": hashlib.sha256(earlier).hexdigest(),
        "robots.txt": hashlib.sha256((site / "robots.txt").read_bytes()).hexdigest(),
    })
    assert build(portal, site, capsys, "--force")[0] == 0
    assert (site / "index.html").read_bytes() == current


def test_a_client_folder_milepost_did_not_make_is_not_replaced(portal: Path, tmp_path: Path, capsys) -> None:
    site = tmp_path / "site"
    assert build(portal, site, capsys)[0] == 0
    shutil.rmtree(site / "example")
    (site / "example").mkdir()
    (site / "example" / "notes.txt").write_text("not a site", encoding="utf-8")
    code, _out, err = build(portal, site, capsys, "--force")
    assert code == 1
    assert "FAILED example: " in err and "holds files Milepost did not write" in err and "path:" in err, err
    assert sorted(p.name for p in (site / "example").iterdir()) == ["notes.txt"]


def test_a_site_built_before_markers_is_adopted_once_and_what_is_not_ours_stays(
    portal: Path, tmp_path: Path, capsys
) -> None:
    site = tmp_path / "site"
    assert build(portal, site, capsys)[0] == 0
    for marker in site.rglob(MARKER):  # as an earlier Milepost left it: no markers anywhere
        marker.unlink()
    (site / "downloads").mkdir()  # the agency's own folder beside the sites
    (site / "downloads" / "brochure.pdf").write_bytes(b"%PDF-1.4")
    code, _out, err = build(portal, site, capsys, "--force")
    assert code == 0, err
    assert is_ours(site, Kind.SITE_ROOT) and is_ours(site / "example", Kind.CLIENT_SITE)
    assert is_ours(site / "assets", Kind.SHARED_ASSETS)
    assert not is_ours(site / "downloads") and (site / "downloads" / "brochure.pdf").read_bytes() == b"%PDF-1.4"
    assert "no client's site" not in err  # the agency's folder is not called a stray to delete


def test_marked_leftovers_and_strays_are_still_tidied_and_named(portal: Path, tmp_path: Path, capsys) -> None:
    site = tmp_path / "site"
    assert build(portal, site, capsys)[0] == 0
    half = site / ".example.building-abc123"
    shutil.copytree(site / "example", half)  # a build stopped before its swap (marked as it was made)
    shutil.copytree(site / "example", site / "old-name-of-a-client")  # a client's site of earlier days
    code, _out, err = build(portal, site, capsys, "--force")
    assert code == 0, err
    assert not half.exists()
    assert "old-name-of-a-client is no client's site any more" in err


# --- names kept for Milepost's own folders, and slugs that fit ------------------------------------


def test_reserved_names_are_refused_by_check_and_never_published(tmp_path: Path, capsys, monkeypatch) -> None:
    make_repo(tmp_path / "repo", commits_with("feat: gift cards"))
    shop = project_yml(name="Brand assets", milestones=[milestone()])
    config = make_portal(tmp_path, {
        "acme/client.yml": client_yml(name="Acme", password_env=PASSWORD_VARIABLE),
        "acme/assets.yml": shop,
        "acme/search.yml": shop,
        "letters/client.yml": client_yml(name="Letters Ltd"),
        "letters/shop.yml": shop,
    })
    monkeypatch.setenv(PASSWORD_VARIABLE, "correct horse battery staple")
    code, text = check(config, capsys)
    assert code == 1
    assert "acme/assets.yml: 'assets' is a name Milepost keeps for a folder of its own (the theme's files" in text
    assert "acme/search.yml: 'search' is a name Milepost keeps for a folder of its own" in text
    assert "rename the file, e.g. search-project.yml" in text
    assert "projects/letters: 'letters' is a name Milepost keeps for a folder of its own" in text
    site = tmp_path / "site"
    code, _out, err = build(config, site, capsys, "--keep-going")
    assert code == 1 and "not built: acme, letters" in err, err
    # Nothing of the protected client reached the shared theme files, unencrypted or at all.
    assert not (site / "assets").exists() or not any(
        "Brand assets" in p.read_text(encoding="utf-8", errors="replace")
        for p in (site / "assets").rglob("*")
        if p.is_file()
    )


def test_every_name_a_site_uses_for_itself_is_reserved(portal: Path, tmp_path: Path, capsys) -> None:
    site = tmp_path / "site"
    assert build(portal, site, capsys)[0] == 0
    own_folders = {p.name for p in site.iterdir() if p.is_dir() and p.name != "example"}
    own_folders |= {p.name for p in (site / "example").iterdir() if p.is_dir() and p.name != "shop"}
    assert own_folders and own_folders <= RESERVED_NAMES, own_folders - RESERVED_NAMES
    # Every file there has a dot in its name, which no slug can have.
    files = [p.name for p in [*site.iterdir(), *(site / "example").iterdir()] if p.is_file()]
    assert files and all("." in name for name in files), files


def test_the_longest_slugs_check_allows_build_and_one_more_is_refused(tmp_path: Path, capsys) -> None:
    client, project = "c" * MAX_SLUG_LENGTH, "p" * MAX_SLUG_LENGTH
    make_repo(tmp_path / "repo", commits_with("feat: gift cards"))
    config = make_portal(tmp_path, {
        f"{client}/client.yml": client_yml(),
        f"{client}/{project}.yml": project_yml(milestones=[milestone()]),
    })
    assert check(config, capsys)[0] == 0
    site = tmp_path / "site"
    code, _out, err = build(config, site, capsys)
    assert code == 0, err
    assert (site / client / project / "status.json").is_file()
    assert build(config, site, capsys, "--force")[0] == 0  # with every cache and record in place
    too_long = "x" * (MAX_SLUG_LENGTH + 1)
    os.rename(tmp_path / "projects" / client / f"{project}.yml", tmp_path / "projects" / client / f"{too_long}.yml")
    code, text = check(config, capsys)
    assert code == 1
    assert f"{too_long}.yml: the project slug is {MAX_SLUG_LENGTH + 1} characters long" in text
    assert f"at most {MAX_SLUG_LENGTH} characters fit" in text


def test_a_slug_the_old_build_could_not_use_is_refused_by_check(tmp_path: Path, capsys) -> None:
    slug = "a" * 240  # a valid file name, but `.<slug>.building-XXXXXXXX` is not
    make_repo(tmp_path / "repo", commits_with("feat: gift cards"))
    config = make_portal(tmp_path, {f"{slug}/client.yml": client_yml(), f"{slug}/shop.yml": project_yml()})
    code, text = check(config, capsys)
    assert code == 1
    assert f"projects/{slug}: the client slug is 240 characters long" in text
    assert f"at most {MAX_SLUG_LENGTH} characters fit; rename the folder with a shorter name" in text

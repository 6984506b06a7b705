"""What in a site folder is Milepost's: a build writes there, and nowhere else.

- **Never over the portal.** `refuse_portal_folders`: a site folder that is the portal's own
  folder (where mkdocs.yml is), or holds it, or is, holds or lies in one of its sources
  (projects/, docs/, the hooks' folder, the theme's custom_dir, letters/ with the record of
  letters sent) is refused before anything is written, links resolved. The portal's folder
  may hold the site folder (`site/`, the default); nothing else of the portal may.
- **Markers.** Every folder a build makes carries a file `.milepost` (`MARKER`, a few lines of
  JSON naming the folder's `Kind`): the site root, each client's site (written as its
  temporary folder is made, so `.X.building-*`, `X/`, `.X.old-*` and `.X.trash-*` all carry
  it) and the shared `assets/`. A build replaces, renames or removes a folder only when it
  carries the marker, and writes into a site root only when it made it, found it empty, or
  adopted it (below). A client's folder without the marker fails that client's build, with
  its name; a leftover-looking `.X.old-*` without it is left alone, with a warning.
- **The site root's own files** (`index.html`, `robots.txt`) are written where there is none,
  or where the file is the one Milepost wrote (its SHA-256 is kept in the root's marker).
  Another file of that name (an agency's own start page) is left as it is, with one line.
- **Sites built before markers** are adopted, once, when they are plainly Milepost's: a site
  root whose `robots.txt` is Milepost's and whose `index.html` is Milepost's neutral page; a
  client's folder whose `index.html` is a page Milepost drew (its `noindex` line and
  Milepost's search or unlock script); a shared `assets/` that holds only version folders.
  Adopting writes the marker into the folder; anything else without a marker stays untouched.

The marker is published with the site. It says nothing about any client.
"""

from __future__ import annotations

import enum
import hashlib
import json
import logging
import re
import shutil
from collections.abc import Mapping
from pathlib import Path

from milepost.atomic_write import write_bytes_atomically
from milepost.errors import BuildFailed
from milepost.load.problems import display_path
from milepost.publish.privacy import ROBOTS_META, ROBOTS_TXT

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

MARKER = ".milepost"
MARKER_FORMAT = 1

# What every page Milepost draws has (mkdocs/theme/milepost.html, the locked page, the root
# page), and what only its client pages have: how a folder built before markers is known.
_NOINDEX = f'<meta name="robots" content="{ROBOTS_META}">'
_CLIENT_PAGE_SCRIPTS = ("milepost-search.js", "milepost-unlock.js")
_VERSION = re.compile(r"^[0-9a-f]{16}$")
# The names of a build's temporary folders beside a folder X (publish/site_folder.py).
LEFTOVER = re.compile(r"^\.(?P<folder>.+)\.(?P<kind>building|old|trash)-(?P<id>[A-Za-z0-9_]+)$")


class Kind(enum.StrEnum):
    """The folders a build makes and marks."""

    SITE_ROOT = "site-root"  # the site folder (`site/`): the clients' sites and the root's files
    CLIENT_SITE = "client-site"  # one client's site, replaced whole by each of its builds
    SHARED_ASSETS = "shared-assets"  # `assets/` at the root: the theme's files every site shares


# What the marker says to a person who opens it.
_NOTES = {
    Kind.SITE_ROOT: "Made by Milepost's build. It writes here only folders it marks as its own, and "
    "index.html and robots.txt where it wrote them: files of your own here are left alone.",
    Kind.CLIENT_SITE: "Made by Milepost's build, which replaces this folder whole: keep nothing else in it.",
    Kind.SHARED_ASSETS: "Made by Milepost's build: the theme's files every client's site loads.",
}


# --- markers ------------------------------------------------------------------------------------


def marker_of(folder: Path) -> dict[str, object] | None:
    """The marker of `folder` (a real folder, not a link), or None when it has none."""
    path = folder / MARKER
    try:
        if folder.is_symlink() or path.is_symlink() or not path.is_file():
            return None
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("milepost") != MARKER_FORMAT or data.get("kind") not in set(Kind):
        return None
    return data


def is_ours(folder: Path, kind: Kind | None = None) -> bool:
    """Whether a build made `folder` (as a `kind` of folder, when given)."""
    marker = marker_of(folder)
    return marker is not None and (kind is None or marker["kind"] == kind)


def mark(folder: Path, kind: Kind, *, files: Mapping[str, str] | None = None) -> None:
    """Write the marker into `folder`; `files`: for a site root, the digests of its own files.
    Atomic (a reader sees the old marker or the new), and an error is raised, not logged: a
    site root whose marker is lost would be refused by the next build."""
    data: dict[str, object] = {"milepost": MARKER_FORMAT, "kind": str(kind), "note": _NOTES[kind]}
    if files is not None:
        data["files"] = dict(sorted(files.items()))
    write_bytes_atomically(folder / MARKER, json.dumps(data, indent=1).encode("utf-8") + b"\n")


def remove_marked(folder: Path) -> None:
    """Remove a folder a build made, its marker last: a removal stopped part-way (`kill -9`)
    leaves a folder still marked as Milepost's, or an empty one, never someone else's look-alike.
    What cannot be removed is left (as `shutil.rmtree(ignore_errors=True)` would)."""
    try:
        entries = [entry for entry in folder.iterdir() if entry.name != MARKER]
    except OSError:
        return
    for entry in entries:
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
    try:
        (folder / MARKER).unlink(missing_ok=True)
        folder.rmdir()
    except OSError:
        pass


# --- never over the portal ----------------------------------------------------------------------


def refuse_portal_folders(site_dir: Path, root: Path, sources: Mapping[str, Path]) -> None:
    """Raise `BuildFailed` when `site_dir` is or holds the portal's folder `root`, or is, holds
    or lies in one of `sources` (what each is called -> its folder). Links are resolved."""
    site = site_dir.resolve()
    root = root.resolve()
    if site == root:
        _refuse(site_dir, "is the portal's own folder (with mkdocs.yml)")
    if site in root.parents:
        _refuse(site_dir, f"holds the portal's own folder ({_shown(root)}, with mkdocs.yml)")
    for what, folder in sources.items():
        folder = folder.resolve()
        if site == folder:
            _refuse(site_dir, f"is {what}")
        if folder in site.parents:
            _refuse(site_dir, f"lies in {what} ({_shown(folder)})")
        if site in folder.parents:
            _refuse(site_dir, f"holds {what} ({_shown(folder)})")


def _shown(folder: Path) -> str:
    return f"{display_path(folder).rstrip('/')}/"


def _refuse(site_dir: Path, why: str) -> None:
    raise BuildFailed(
        f"the site folder {_shown(site_dir)} {why}: a build there would replace the portal's own files "
        "with the clients' sites, so nothing was built. Build into a folder of its own: leave out "
        "--site-dir (or MkDocs' -d; site/ beside mkdocs.yml) or name a new folder."
    )


# --- the site root ------------------------------------------------------------------------------


def refuse_foreign_root(site_dir: Path) -> None:
    """Raise `BuildFailed` unless a build may write into `site_dir`: not there yet, marked as
    a site root, empty, or a site root built before markers. Only reads (see `claim_site_root`).
    A site folder may be a link to a folder (a web server's): the folder it leads to counts."""
    if not site_dir.exists() and not site_dir.is_symlink():
        return
    folder = site_dir.resolve()
    marker = marker_of(folder)
    shown = _shown(site_dir)
    if marker is not None:
        if marker["kind"] == Kind.SITE_ROOT:
            return
        raise BuildFailed(
            f"the site folder {shown} is not a site folder but {_kind_words(Kind(str(marker['kind'])))} "
            f"that Milepost built inside one, so nothing was built. Build into the folder that holds it "
            f"({_shown(site_dir.parent)}), or name a new folder."
        )
    if not folder.is_dir() or (next(folder.iterdir(), None) is not None and _earlier_root_files(folder) is None):
        raise BuildFailed(
            f"the site folder {shown} holds files Milepost did not write (it has no {MARKER} file), so "
            f"nothing was built and nothing there was touched. Build into a new or empty folder (--site-dir), "
            f"or, if it holds only what an earlier Milepost built, delete it and build again."
        )


def claim_site_root(site_dir: Path) -> None:
    """Mark `site_dir` as a site root, under its lock, when a build may write into it (see
    `refuse_foreign_root`, which raises `BuildFailed` otherwise): marked already, empty, or a
    site root an earlier Milepost built (adopted)."""
    refuse_foreign_root(site_dir)
    folder = site_dir.resolve()
    if marker_of(folder) is not None:
        return
    earlier = _earlier_root_files(folder)
    mark(folder, Kind.SITE_ROOT, files=earlier or {})
    if earlier is not None:
        log.info("%s was built by an earlier Milepost: it is marked as Milepost's now.", _shown(site_dir))


def _kind_words(kind: Kind) -> str:
    return {
        Kind.SITE_ROOT: "a site folder",
        Kind.CLIENT_SITE: "a client's site",
        Kind.SHARED_ASSETS: "the theme's files every site shares",
    }[kind]


def _earlier_root_files(site_dir: Path) -> dict[str, str] | None:
    """The digests of the root files of a site root an earlier Milepost built (its robots.txt
    Milepost's, its index.html Milepost's neutral page), or None when it is not one."""
    robots, page = site_dir / "robots.txt", site_dir / "index.html"
    try:
        if robots.is_symlink() or page.is_symlink() or robots.read_bytes() != ROBOTS_TXT.encode("ascii"):
            return None
        content = page.read_bytes()
    except OSError:
        return None
    if _NOINDEX.encode("utf-8") not in content:
        return None
    return {"robots.txt": _digest(ROBOTS_TXT.encode("ascii")), "index.html": _digest(content)}


def write_root_files(site_dir: Path, files: Mapping[str, bytes]) -> None:
    """Write the site root's own `files` (name -> content) where there is none or where the
    file is the one Milepost wrote; leave any other as it is, saying so in one line."""
    marker = marker_of(site_dir.resolve()) or {}
    recorded = marker.get("files")
    written = {str(k): str(v) for k, v in recorded.items()} if isinstance(recorded, dict) else {}
    for name, content in files.items():
        target = site_dir / name
        digest = _digest(content)
        if target.is_symlink() or target.exists():
            current = _file_digest(target)
            if current is None or current not in (written.get(name), digest):
                log.warning(
                    "%s was not written by Milepost, so it is left as it is and Milepost's own %s is not "
                    "published; delete it to have the build write it.",
                    display_path(target),
                    name,
                )
                written.pop(name, None)
                continue
            if current == digest:
                written[name] = digest
                continue
        write_bytes_atomically(target, content)
        written[name] = digest
    mark(site_dir.resolve(), Kind.SITE_ROOT, files=written)


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _file_digest(path: Path) -> str | None:
    """The SHA-256 of a regular file (not a link); None for anything else."""
    try:
        if path.is_symlink() or not path.is_file():
            return None
        return _digest(path.read_bytes())
    except OSError:
        return None


# --- the folders in it --------------------------------------------------------------------------


def check_replaceable(final: Path) -> None:
    """Raise `BuildFailed` unless a build may replace the client's site folder `final`: it is
    not there, or Milepost made it (a folder built before markers is adopted: marked now)."""
    if not final.exists() and not final.is_symlink():
        return
    if is_ours(final, Kind.CLIENT_SITE):
        return
    if not final.is_symlink() and final.is_dir() and not is_ours(final) and _earlier_client_site(final):
        mark(final, Kind.CLIENT_SITE)
        log.info("%s was built by an earlier Milepost: it is marked as Milepost's now.", display_path(final))
        return
    raise BuildFailed(
        f"{_shown(final)} holds files Milepost did not write (it has no {MARKER} file), so it is "
        "left as it is and this client was not built. Move it away, or publish the client's site in "
        "another folder (`path:` in client.yml)."
    )


def _earlier_client_site(folder: Path) -> bool:
    """Whether `folder` is a client's site an earlier Milepost built: its home page is one
    Milepost drew (a page or a protected site's locked page)."""
    page = folder / "index.html"
    try:
        if page.is_symlink():
            return False
        text = page.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return _NOINDEX in text and any(script in text for script in _CLIENT_PAGE_SCRIPTS)


def claim_shared_folder(shared: Path) -> None:
    """Make sure the build may write into the shared `assets/` folder (under the site folder's
    lock): made and marked now when missing, marked, or one built before markers (holding
    only version folders and leftovers); else `BuildFailed`."""
    if shared.is_symlink():
        _refuse_shared(shared)
    if not shared.exists():
        shared.mkdir()
        mark(shared, Kind.SHARED_ASSETS)
        return
    if is_ours(shared, Kind.SHARED_ASSETS):
        return
    if not shared.is_dir() or is_ours(shared):
        _refuse_shared(shared)
    for entry in shared.iterdir():
        named_ours = _VERSION.match(entry.name) or LEFTOVER.match(entry.name)
        if not (entry.is_dir() and not entry.is_symlink() and named_ours):
            _refuse_shared(shared)
    mark(shared, Kind.SHARED_ASSETS)


def _refuse_shared(shared: Path) -> None:
    raise BuildFailed(
        f"{_shown(shared)} holds files Milepost did not write (it has no {MARKER} file), and every "
        "client's site keeps the theme's files there; nothing was built and nothing there was touched. "
        "Move it away, or build into another folder (--site-dir)."
    )

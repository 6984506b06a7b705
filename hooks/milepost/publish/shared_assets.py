"""The theme's files published once for every client: `site/assets/<version>/`.

MkDocs writes the theme's files (mkdocs-material's scripts, styles, fonts, the search worker
and lunr's language scripts) and Milepost's own (`milepost.css`, `milepost-search.js`,
`milepost-unlock.js`) into each site's `assets/`. They name no client and are the same for
every client of a build, so after each client's build they leave its site for the shared
folder `site/assets/<version>/`, and the site's pages link there, relatively
(`../assets/<version>/...` from a site's home page), so a site still works from `file://`
and under any path of a host.

- **Content-addressed.** `<version>` is a digest of the names and contents of the files, so a
  page never loads files other than those it was built with: a deploy that upgrades the theme
  publishes a new version beside the old one, and a page still open in a browser (or a
  client's site kept from an earlier build) keeps loading its own. Versions are never removed
  by a build: a `--client X` build cannot know which versions the other published sites use,
  and nothing published is ever lost. Each is about 2.6 MB; one appears when the theme or
  Milepost's own assets change.
- **Published whole or not at all**, like a client's site: the files are renamed into a
  temporary folder beside their version, then swapped in (publish/site_folder.py), under the
  site folder's lock, before the pages that use them.
- **Protected sites use them too**: the files hold no client's data (a protected site left
  `assets/` unencrypted already), and the unlock script is the same for every site. A client
  whose assets differed from the others' would simply get a version of its own.
- **The name is reserved**: no client, project or client's `path:` may be called `assets`
  (load/slugs.py; `milepost check` refuses it, and load/client_folders.py once more).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

from milepost.file_lock import held
from milepost.load.slugs import OwnFolder
from milepost.publish.site_folder import recover_leftovers, swap_in
from milepost.publish.site_ownership import claim_shared_folder

SHARED_FOLDER = OwnFolder.THEME.value  # under the site root, beside the clients' folders
VERSION_LENGTH = 16  # hex digits of the version's digest (64 bits)
_VERSION = re.compile(r"^[0-9a-f]{16}$")
# A reference to the site's own assets/ in a page: a quote or `(` then `../` as many
# times as the page is deep, then `assets/`. One repetition of a fixed string: linear time.
_REFERENCE = re.compile(r"""(?P<before>["'(])(?P<up>(?:\.\./)*)(?:\./)?assets/""")
_USED_VERSION = re.compile(r"""["'(](?:\.\./)+assets/(?P<version>[0-9a-f]{16})/""")


def assets_version(folder: Path) -> str:
    """The version of an assets folder: a digest of every file's path and content."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:VERSION_LENGTH]


def link_pages(site: Path, version: str, *, site_path: str = "", folder: str = "") -> int:
    """Make the pages of a built site (in `site`) load their assets from the shared folder;
    the number of pages changed. `site_path` and `folder`: the path of the site root on its
    host ("/" or "/status/") and the site's folder, for the pages MkDocs links absolutely
    (its 404 page, with a `site_url`)."""
    absolute = f"{site_path}{folder}/assets/" if site_path and folder else ""
    changed = 0
    for page in sorted(p for p in site.rglob("*.html") if p.is_file()):
        relative = page.relative_to(site)
        if relative.parts[0] == SHARED_FOLDER:
            continue
        depth = len(relative.parts) - 1

        def shared(match: re.Match[str], depth: int = depth) -> str:
            up = match["up"]
            if len(up) // 3 != depth:  # not the site's own assets/ (a path deeper or shallower)
                return match[0]
            return f"{match['before']}{up}../{SHARED_FOLDER}/{version}/"

        text = page.read_text(encoding="utf-8")
        linked = _REFERENCE.sub(shared, text)
        if absolute:
            linked = linked.replace(absolute, f"{site_path}{SHARED_FOLDER}/{version}/")
        if linked != text:
            page.write_text(linked, encoding="utf-8")
            changed += 1
    return changed


def lock_file(site_dir: Path) -> Path:
    """The lock of the shared folder: beside the site folder, never published. Builds in worker
    processes publish a version at the same time, under the site folder's lock their parent holds."""
    site_dir = site_dir.resolve()
    return site_dir.with_name(f".{site_dir.name}.assets.lock")


def publish_version(assets: Path, site_dir: Path, version: str) -> Path:
    """Move a built site's `assets` folder to `site_dir/assets/<version>/`, whole, unless that
    version is there already and intact (then `assets` is removed). Call it with the site
    folder's lock held, before the site that uses it is swapped in."""
    shared = site_dir / SHARED_FOLDER
    final = shared / version
    with held(
        lock_file(site_dir),
        holder="another build publishing the shared theme files",
        remedy="wait for it to end (or stop it), then build again",
    ):
        claim_shared_folder(shared)
        if version_intact(site_dir, version):
            shutil.rmtree(assets)
            return final
        identity = assets.parent.name.rsplit("-", 1)[-1]
        stage = shared / f".{version}.building-{identity}"
        assets.rename(stage)
        umask = os.umask(0)
        os.umask(umask)
        stage.chmod(0o777 & ~umask)
        swap_in(stage, final)
    return final


def version_intact(site_dir: Path, version: str) -> bool:
    """Whether `site_dir/assets/<version>/` holds exactly the files of that version."""
    folder = site_dir / SHARED_FOLDER / version
    try:
        return folder.is_dir() and not folder.is_symlink() and assets_version(folder) == version
    except OSError:
        return False


def used_version(site: Path) -> str | None:
    """The version of the shared assets the site in `site` links to (from its home page)."""
    try:
        text = (site / "index.html").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    match = _USED_VERSION.search(text)
    return match["version"] if match else None


def published_versions(site_dir: Path) -> list[str]:
    shared = site_dir / SHARED_FOLDER
    if not shared.is_dir():
        return []
    return sorted(entry.name for entry in shared.iterdir() if _VERSION.match(entry.name) and entry.is_dir())


def recover_shared(site_dir: Path) -> None:
    """What a stopped build left in the shared folder, made whole (with the lock held). The
    folder is Milepost's (claimed and marked first, publish/site_ownership.py), and so is
    everything in it: its leftovers carry no marker of their own."""
    shared = site_dir / SHARED_FOLDER
    claim_shared_folder(shared)
    recover_leftovers(shared, owned=lambda _entry: True)

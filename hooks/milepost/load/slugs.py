"""What a client or a project may be called.

A client's slug is its folder's name under projects/, a project's the stem of its file; both
become names on disk and in addresses: a client's site is `site/<client>/` (unless `path:` or
the path secret says otherwise), a project's page `site/<client>/<project>/`, and the build
names its temporary folders and cache files after them. So a slug must

- be made of lowercase letters, digits and '-' (`SLUG_PATTERN`);
- not be one of the names Milepost's sites use for their own folders (`OwnFolder`): a project
  called `assets` would be published into the theme's files every site shares (unencrypted,
  on a protected site), one called `search` into the search index;
- fit in a file name with what the build adds to it (`MAX_SLUG_LENGTH`).

`milepost check` says so (load/project_folders.py); a build never meets such a slug.
"""

from __future__ import annotations

import enum
import re

SLUG_PATTERN = re.compile(r"^[a-z0-9-]+$")
SLUG_HINT = "rename it using lowercase letters, digits and '-' only"

# Bytes in one file name on every common file system (ext4, XFS, APFS; NTFS counts 255 UTF-16
# units). Slugs are ASCII, so characters are bytes.
NAME_MAX = 255
# The longest name a build makes of slugs is the temporary file of a project's cache of shown
# work, `.<client>.<project>.XXXXXXXX.tmp` (classify/shown_work.py's `<client>.<project>.json`,
# written through history/disk_cache.py's `write_atomically`): both slugs and 15 characters.
# Every other name is one slug and at most 31 more (a build manifest's temporary file,
# `.<16 hex digits>-<client>.XXXXXXXX.tmp`; the site's `.<client>.building-XXXXXXXX`).
LONGEST_ADDITION = 15
MAX_SLUG_LENGTH = (NAME_MAX - LONGEST_ADDITION) // 2  # 120


class OwnFolder(enum.StrEnum):
    """The folders Milepost's sites keep for themselves, at the site root or in a client's
    site: no client or project may be called so (nor may a client's `path:`)."""

    THEME = "assets"  # the theme's files; at the root, the copy every site shares
    SEARCH = "search"  # mkdocs-material's search index, in every client's site
    LETTERS = "letters"  # the archive of the letters the client was sent
    AGREEMENTS = "agreements"  # the client's answers on the record: who agreed to what

    @property
    def holds(self) -> str:
        """What the folder holds, for messages."""
        return {
            OwnFolder.THEME: "the theme's files every site shares",
            OwnFolder.SEARCH: "the search index of the client's site",
            OwnFolder.LETTERS: "the archive of the client's letters on its site",
            OwnFolder.AGREEMENTS: "the page of the client's answers on the record (who agreed to what)",
        }[self]


RESERVED_NAMES = frozenset(folder.value for folder in OwnFolder)


def slug_problem(slug: str, *, project: bool) -> str | None:
    """Why `slug` cannot name a project (`project`) or a client folder, with the fix; None
    when it can."""
    what = "project" if project else "client"
    if not SLUG_PATTERN.match(slug):
        name = f"'{slug}'" if project else f"folder name '{slug}'"
        return f"{name} is not a valid {what} slug: {SLUG_HINT}"
    rename = f"rename the {'file' if project else 'folder'}"
    example = f"{slug}-project.yml" if project else f"{slug}-client"
    if slug in RESERVED_NAMES:
        holds = OwnFolder(slug).holds
        return f"'{slug}' is a name Milepost keeps for a folder of its own ({holds}); {rename}, e.g. {example}"
    if len(slug) > MAX_SLUG_LENGTH:
        return (
            f"the {what} slug is {len(slug)} characters long, and a build names files after it: "
            f"at most {MAX_SLUG_LENGTH} characters fit; {rename} with a shorter name"
        )
    return None

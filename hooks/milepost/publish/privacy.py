"""Keeping client sites private on hosts without access control: what the site root and search
engines are told (where each site is published, in a folder nobody can guess from the client's
name, is `load/client_folders.py`'s).

- The site root lists no clients: it holds a neutral page and a robots.txt that disallows all.
- Every page carries `noindex` (see mkdocs/theme/milepost.html) and sends no referrer, so an unguessable
  address does not leak to the sites a page links to.
"""

from __future__ import annotations

from milepost.i18n import texts_for
from milepost.render.environment import render

ROBOTS_TXT = "User-agent: *\nDisallow: /\n"
ROBOTS_META = "noindex, nofollow, noarchive"


def site_root_files() -> dict[str, bytes]:
    """The files at the root of the published site: nothing there names or lists a client
    (templates/site_root.html.j2)."""
    texts = texts_for("en")  # the root belongs to no client, so it has no client's language
    page = render("site_root.html.j2", texts, language=texts.language, robots=ROBOTS_META)
    return {"index.html": page.encode("utf-8"), "robots.txt": ROBOTS_TXT.encode("ascii")}

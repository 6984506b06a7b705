"""`milepost new DIR`: the files of an agency's own portal, from the templates in `new_portal/`.

The portal has no demo data: one example client with one project whose dates are set from
the day it is started, a `mkdocs.yml` without the demo's settings, a one-line hooks file that
imports the installed package's hooks, the CI workflows, a `.gitignore` and a README.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from importlib.resources import files
from pathlib import Path

from milepost.errors import NewPortalError

TEMPLATES = files("milepost") / "new_portal"

# Template file -> where it goes in the new portal. Dotted names are stored without their
# dot, so that packaging does not leave them out.
FILES = {
    "README.md": "README.md",
    "mkdocs.yml": "mkdocs.yml",
    "requirements.txt": "requirements.txt",
    "gitignore": ".gitignore",
    "hooks/milepost_hooks.py": "hooks/milepost_hooks.py",
    "docs/index.md": "docs/index.md",
    "projects/example-client/client.yml": "projects/example-client/client.yml",
    "projects/example-client/website.yml": "projects/example-client/website.yml",
    "projects/words.txt": "projects/words.txt",
    "github/workflows/ci.yml": ".github/workflows/ci.yml",
    "github/workflows/publish.yml": ".github/workflows/publish.yml",
    "github/workflows/inbox.yml": ".github/workflows/inbox.yml",
}


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("milepost")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree without installing
        return "0.1.0"


def requirement() -> str:
    """The requirement line that installs this very Milepost, read from where pip installed it
    from (PEP 610's direct_url.json): a git repository at its exact commit, an archive's URL, a
    local folder, or, installed from a package index, the version there."""
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        recorded = distribution("milepost").read_text("direct_url.json")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree without installing
        recorded = None
    return requirement_from(recorded, _version())


def requirement_from(recorded: str | None, version: str) -> str:
    """The requirement line for a `direct_url.json`'s text (None: installed from an index)."""
    try:
        origin = json.loads(recorded) if recorded else {}
    except ValueError:
        origin = {}
    url = origin.get("url") if isinstance(origin, dict) else None
    if not isinstance(url, str) or not url:
        return f"milepost=={version}"
    vcs = origin.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") and vcs.get("commit_id"):
        return f"milepost @ {vcs['vcs']}+{url}@{vcs['commit_id']}"
    return f"milepost @ {url}"


def placeholders(today: dt.date) -> dict[str, str]:
    """The values written into the templates: Milepost's version, and the example project's
    dates, counted from the day the portal is started (so it passes `milepost check`)."""

    def days(n: int) -> str:
        return (today + dt.timedelta(days=n)).isoformat()

    return {
        "@VERSION@": _version(),
        "@REQUIREMENT@": requirement(),
        "@START@": today.isoformat(),
        "@DESIGN_DUE@": days(28),
        "@LAUNCH_DUE@": days(70),
        "@LOGO_NEEDED@": days(14),
        "@NEXT_UPDATE@": days(7),
    }


def refusal(target: Path) -> str | None:
    """Why `target` cannot take a new portal, or None when it can (missing, or an empty folder)."""
    if not target.exists():
        return None
    if not target.is_dir():
        return f"{target} is a file, not a folder; give a new or empty folder."
    if any(target.iterdir()):
        return f"{target} is not empty; a new portal starts in an empty folder (nothing was written)."
    return None


def new_portal(target: Path, today: dt.date | None = None) -> list[Path]:
    """Write a new portal into `target` (created when missing); returns the files written.
    Refuses a folder that is not empty, before writing anything."""
    reason = refusal(target)
    if reason:
        raise NewPortalError(reason)
    values = placeholders(today or dt.date.today())
    contents = {}
    for source, dest in FILES.items():
        text = TEMPLATES.joinpath(source).read_text(encoding="utf-8")
        for key, value in values.items():
            text = text.replace(key, value)
        contents[dest] = text
    written = []
    try:
        target.mkdir(parents=True, exist_ok=True)
        for dest, text in contents.items():
            path = target / dest
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    except OSError as err:
        raise NewPortalError(f"{target}: cannot write the new portal: {os.strerror(err.errno or 0) or err}") from err
    return written

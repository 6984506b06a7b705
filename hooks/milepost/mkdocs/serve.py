"""`milepost serve`: MkDocs' live preview of the portal, of every client or of one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from mkdocs.commands.serve import serve
from mkdocs.exceptions import MkDocsException

from milepost.errors import BuildFailed
from milepost.mkdocs.config_file import read_mkdocs_config
from milepost.mkdocs.extra_config import settings_from_extra


def serve_extra(config_file: Path, *, client: str | None, today: dt.date | None) -> dict[str, Any]:
    """mkdocs.yml's `extra`, with `extra.milepost` set for this preview and checked, so that a
    wrong setting is said once, before the server starts (and not at every rebuild)."""
    extra = dict(read_mkdocs_config(config_file).extra)
    options = dict(extra.get("milepost") or {})
    if client:
        options["client"] = client
    if today:
        options["today"] = today.isoformat()
    extra["milepost"] = options
    settings_from_extra(str(config_file), extra)
    return extra


def serve_portal(config_file: Path, *, dev_addr: str, extra: dict[str, Any]) -> None:
    """Serve until interrupted. Raises `BuildFailed` when MkDocs cannot serve the portal."""
    try:
        serve(str(config_file), dev_addr=dev_addr, extra=extra)
    except MkDocsException as err:
        raise BuildFailed(str(err)) from None
    except KeyboardInterrupt:
        pass

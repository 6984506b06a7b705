"""Writing a cache file so that a reader sees the old file or the whole new one, never half.

Every cache under `cache_dir` is only a cache: a file that cannot be written is a warning and
the build goes on without it.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger(f"mkdocs.plugins.{__name__}")


def write_atomically(path: Path, content: Iterable[bytes], *, what: str) -> bool:
    """Write the pieces of `content` to `path` through a temporary file in the same folder and
    rename it into place. False (with a warning naming `what`) when it cannot be written."""
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
        temporary = Path(name)
        with os.fdopen(handle, "wb") as out:
            out.writelines(content)
        os.replace(temporary, path)
    except OSError as err:
        log.warning("Could not write the %s %s (%s); the build goes on without it.", what, path, err)
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        return False
    return True

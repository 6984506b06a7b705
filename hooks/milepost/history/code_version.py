"""Which Milepost made a cached result: a digest of its own files and of the libraries that
shape its output. Caches keyed by it are never trusted by another version of Milepost."""

from __future__ import annotations

import functools
import hashlib
from importlib import metadata
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# Libraries whose output ends up in the rendered pages and files (dates, Markdown, feeds).
_RENDERING_LIBRARIES = ("Babel", "Markdown", "feedgen", "icalendar", "PyYAML", "jsonschema")


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A digest of Milepost's own files (code, rules, catalogs, schemas, assets) and the
    versions of the libraries that shape its output: a new Milepost renders afresh."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode("utf-8") + b"\0")
            digest.update(path.read_bytes() + b"\0")
    for name in _RENDERING_LIBRARIES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{name}={version}\0".encode())
    return digest.hexdigest()

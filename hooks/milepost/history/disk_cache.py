"""The files under `cache_dir`: one layout, one way to write them, one way to read them.

Every entry is a header line and a payload in its cache's own format:

    milepost-<cache> <format version> <field>... <payload size>\\n<payload>

- The header names the cache and its format version, so an entry written by another version
  of Milepost (or for something else: another head, other settings) is never trusted; the
  payload's size catches a file cut short, even at a boundary its format would accept.
- Writing goes through a temporary file renamed into place: a reader sees the old entry or
  the whole new one, never half. An entry that cannot be written is a warning and the build
  goes on without it: it is only a cache.
- Reading treats a missing, unreadable, foreign or damaged entry as a miss (with a debug
  message), never as an error.

`code_fingerprint()` names the Milepost that made a result, for caches whose payload depends
on Milepost's own code and texts (they put it in their keys).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TypeVar

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

T = TypeVar("T")

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# Libraries whose output ends up in the rendered pages and files (dates, Markdown, feeds).
_RENDERING_LIBRARIES = ("Babel", "Jinja2", "MarkupSafe", "Markdown", "feedgen", "icalendar", "PyYAML", "jsonschema")
# What a payload's decoder raises for data it does not understand: a miss, not an error.
DAMAGE = (ValueError, KeyError, TypeError, AttributeError, IndexError, UnicodeDecodeError)


@dataclass(frozen=True)
class CacheFormat:
    """One kind of cache entry: `name` starts its header (`milepost-<name>`), `version` is
    bumped whenever its payload's layout or meaning changes, `what` names it in messages."""

    name: str
    version: int
    what: str

    def header(self, fields: Sequence[str], size: int) -> bytes:
        for value in fields:
            if not value or any(c.isspace() for c in value):
                raise ValueError(f"a {self.what} header field must be one word: {value!r}")
        return " ".join((f"milepost-{self.name}", str(self.version), *fields, str(size))).encode("utf-8") + b"\n"


def write_entry(path: Path, form: CacheFormat, payload: bytes | Iterable[bytes], *, fields: Sequence[str] = ()) -> bool:
    """Keep `payload` (bytes, or pieces of it) at `path` under `form`'s header with `fields`.
    False (with a warning) when it cannot be written."""
    pieces = [payload] if isinstance(payload, (bytes, bytearray)) else list(payload)
    header = form.header(fields, sum(len(piece) for piece in pieces))
    return write_atomically(path, [header, *pieces], what=form.what)


def read_entry(path: Path, form: CacheFormat, *, fields: Sequence[str] = ()) -> bytes | None:
    """The payload kept at `path` under `form` with these `fields`; None when there is none
    (missing, unreadable, another format or fields, cut short)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as err:
        log.debug("Ignoring the unreadable %s %s (%s).", form.what, path, err)
        return None
    first_line, newline, payload = data.partition(b"\n")
    if not newline or first_line + newline != form.header(fields, len(payload)):
        log.debug("Ignoring the %s %s: another format, made for something else, or cut short.", form.what, path)
        return None
    return payload


def load_entry(
    path: Path,
    form: CacheFormat,
    decode: Callable[[bytes], T],
    *,
    fields: Sequence[str] = (),
    damage: tuple[type[BaseException], ...] = DAMAGE,
) -> T | None:
    """`decode(payload)` of the entry at `path`; None when there is none or `decode` raises
    one of `damage` (the entry is damaged: made again)."""
    payload = read_entry(path, form, fields=fields)
    if payload is None:
        return None
    try:
        return decode(payload)
    except damage as err:
        log.debug("Ignoring the damaged %s %s (%s).", form.what, path, err)
        return None


def payload_of(data: bytes) -> bytes:
    """The payload of an entry's bytes, whatever its header says (for tools and tests)."""
    return data.partition(b"\n")[2]


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

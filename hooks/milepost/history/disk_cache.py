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

`canonical_key()` is the one way to turn what a result depends on into a cache key: the same
inputs give the same key in every process. `repr()` would not do: a set or frozenset prints
its members in an order that changes with each process's hash seed (PYTHONHASHSEED), so keys
made from it never matched across processes and every build was a cold one.
"""

from __future__ import annotations


import dataclasses
import datetime as dt
import enum
import functools
import hashlib
import json
import logging
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TypeVar

from milepost import linear_regex

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

T = TypeVar("T")

# Part of every key `canonical_key` makes: bump it when `canonical_data` changes how a value is
# written, so no key made the old way can match one made the new way.
KEY_FORMAT = 1

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


# --- cache keys ----------------------------------------------------------------------------------


def canonical_data(value: object) -> object:
    """`value` as plain JSON data that is the same in every process: dataclasses become their
    type's name and fields, sets and frozensets sorted lists, mappings sorted [key, value]
    pairs, compiled patterns their source and flags, dates ISO text, paths POSIX text.

    Raises TypeError for a value it has no rule for, rather than guess (a key that silently
    leaves something out would reuse a stale result).
    """
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return ["float", value.hex()]
    if isinstance(value, enum.Enum):
        return ["enum", type(value).__qualname__, canonical_data(value.value)]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: canonical_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return ["dataclass", type(value).__qualname__, fields]
    if isinstance(value, (set, frozenset)):
        return ["set", sorted((canonical_data(item) for item in value), key=_sort_key)]
    if isinstance(value, Mapping):
        pairs = [[canonical_data(k), canonical_data(v)] for k, v in value.items()]
        return ["map", sorted(pairs, key=lambda pair: _sort_key(pair[0]))]
    if isinstance(value, (list, tuple)):
        return [canonical_data(item) for item in value]
    if isinstance(value, re.Pattern):
        return ["regex", value.pattern if isinstance(value.pattern, str) else value.pattern.hex(), int(value.flags)]
    if isinstance(value, linear_regex.Pattern):
        options = value.options
        return ["re2", value.pattern, bool(options.case_sensitive), bool(options.dot_nl)]
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return [type(value).__name__, value.isoformat()]
    if isinstance(value, dt.timedelta):
        return ["timedelta", value.days, value.seconds, value.microseconds]
    if isinstance(value, os.PathLike):
        return ["path", Path(value).as_posix()]
    if isinstance(value, bytes):
        return ["bytes", value.hex()]
    raise TypeError(f"no canonical form for a cache key part of type {type(value).__qualname__}")


def _sort_key(data: object) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


def canonical_key(*parts: object) -> str:
    """A digest of `parts` (see `canonical_data`) and KEY_FORMAT: equal inputs give equal keys
    in any process, whatever its hash seed."""
    text = json.dumps([KEY_FORMAT, *(canonical_data(part) for part in parts)], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()

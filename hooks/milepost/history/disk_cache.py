"""The files under `cache_dir`: one layout, one way to write them, one way to read them.

Every entry is a header line and a payload in its cache's own format:

    milepost-<cache> <format version> <field>... <payload size> <key id> <seal>\\n<payload>

- The header names the cache and its format version, so an entry written by another version
  of Milepost (or for something else: another head, other settings) is never trusted; the
  payload's size catches a file cut short, even at a boundary its format would accept.
- Writing goes through a temporary file renamed into place: a reader sees the old entry or
  the whole new one, never half. An entry that cannot be written is a warning and the build
  goes on without it: it is only a cache.
- Reading treats a missing, unreadable, foreign or damaged entry as a miss (with a debug
  message), never as an error.
- Every entry is sealed: `<seal>` is an HMAC-SHA256 of the header and the payload under the
  cache key (`cache_secret`), a secret that is never kept in the cache folder, and `<key id>`
  names that key without revealing it. The cache folder may be restored from a CI cache that
  someone else could write to; what it holds is published (the site cache keeps rendered
  pages), so nothing is trusted that this key did not seal. An entry sealed under another key
  is a miss (a debug message: another machine or a new key); an entry under this key whose
  seal does not match was changed after it was written: it is discarded with a warning and
  made again. docs/architecture.md says where the key lives and why.

`code_fingerprint()` names the Milepost that made a result, for caches whose payload depends
on Milepost's own code and texts (they put it in their keys).

`canonical_key()` is the one way to turn what a result depends on into a cache key: the same
inputs give the same key in every process. `repr()` would not do: a set or frozenset prints
its members in an order that changes with each process's hash seed (PYTHONHASHSEED), so keys
made from it never matched across processes and every build was a cold one.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import enum
import functools
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TypeVar

from milepost import linear_regex
from milepost.atomic_write import write_bytes_atomically
from milepost.errors import FileWriteError

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
    """Keep `payload` (bytes, or pieces of it) at `path` under `form`'s header with `fields`,
    sealed with the cache key. False (with a warning) when it cannot be written."""
    pieces = [payload] if isinstance(payload, (bytes, bytearray)) else list(payload)
    header = _keyed(form.header(fields, sum(len(piece) for piece in pieces)))
    seal = hmac.new(cache_secret(), header, hashlib.sha256)
    for piece in pieces:
        seal.update(piece)
    return write_atomically(path, [header, b" ", seal.hexdigest().encode("ascii"), b"\n", *pieces], what=form.what)


def read_entry(path: Path, form: CacheFormat, *, fields: Sequence[str] = ()) -> bytes | None:
    """The payload kept at `path` under `form` with these `fields`; None when there is none
    (missing, unreadable, another format or fields, cut short, sealed under another key) or
    when its seal does not match (changed since it was written: a warning)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as err:
        log.debug("Ignoring the unreadable %s %s (%s).", form.what, path, err)
        return None
    first_line, newline, payload = data.partition(b"\n")
    header, _, seal = first_line.rpartition(b" ")
    expected = form.header(fields, len(payload))
    if not newline or not header.startswith(expected.rstrip(b"\n") + b" "):
        log.debug("Ignoring the %s %s: another format, made for something else, or cut short.", form.what, path)
        return None
    if header != _keyed(expected):
        log.debug("Ignoring the %s %s: sealed under another cache key.", form.what, path)
        return None
    wanted = hmac.new(cache_secret(), header + payload, hashlib.sha256).hexdigest().encode("ascii")
    if not hmac.compare_digest(seal, wanted):
        log.warning(
            "The %s %s was changed after Milepost wrote it (its seal does not match): it is not "
            "used and is made again. If nobody edited the cache folder, it may have been tampered with.",
            form.what,
            path,
        )
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


# --- the cache key -------------------------------------------------------------------------------

# A secret of the agency's CI (GitHub: a repository secret), the same for every run: entries
# written by one run are trusted by the next. Without it, a key file outside the cache folder.
KEY_VARIABLE = "MILEPOST_CACHE_KEY"
KEY_FILE = Path("milepost") / "cache-key"  # under $XDG_CONFIG_HOME (~/.config)


def key_file() -> Path:
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / KEY_FILE


@functools.lru_cache(maxsize=4)
def _secret(from_environment: str, file: Path) -> bytes:
    if from_environment:
        return hashlib.sha256(b"milepost cache key\0" + from_environment.encode("utf-8")).digest()
    try:
        return _file_secret(file)
    except OSError as err:
        # Still sealed, under a key of this process alone: nothing kept is trusted by the next.
        log.info("No cache key could be kept in %s (%s); cached results are not reused.", file, err)
        return secrets.token_bytes(32)


def _file_secret(file: Path) -> bytes:
    """The key kept in `file`, made (32 random bytes, readable by its owner alone) the first
    time; two processes making it at once agree on whichever was linked into place first.
    (Not atomic_write.py's: that replaces a file, and this must keep the first one made.)"""
    try:
        text = file.read_text(encoding="ascii").strip()
        if len(text) == 64:
            return bytes.fromhex(text)
    except (FileNotFoundError, ValueError):
        pass  # made below
    file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    handle, name = tempfile.mkstemp(dir=file.parent, prefix=".cache-key.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="ascii") as out:
            out.write(secrets.token_hex(32) + "\n")
        # Another process may have made it first (or a damaged one is there: replaced below).
        with contextlib.suppress(FileExistsError):
            os.link(name, file)
        text = file.read_text(encoding="ascii").strip()
        if len(text) != 64:
            os.replace(name, file)
            text = file.read_text(encoding="ascii").strip()
        return bytes.fromhex(text)
    finally:
        Path(name).unlink(missing_ok=True)


def cache_secret() -> bytes:
    """The key that seals every cache entry: from MILEPOST_CACHE_KEY when it is set, else from
    the key file (made on first use). Never read from or written to the cache folder."""
    return _secret(os.environ.get(KEY_VARIABLE, ""), key_file())


def key_id() -> str:
    """A name for the cache key in entries' headers (the key cannot be found from it)."""
    return hmac.new(cache_secret(), b"milepost cache key id", hashlib.sha256).hexdigest()[:16]


def _keyed(header: bytes) -> bytes:
    """`header` (with its newline) as the sealed part of the entry's first line."""
    return header.rstrip(b"\n") + b" " + key_id().encode("ascii")


def payload_of(data: bytes) -> bytes:
    """The payload of an entry's bytes, whatever its header says (for tools and tests)."""
    return data.partition(b"\n")[2]


def write_atomically(path: Path, content: Iterable[bytes], *, what: str) -> bool:
    """Write the pieces of `content` to `path`, whole or not at all (atomic_write.py). False
    (with a warning naming `what`) when it cannot be written: a build goes on without a cache."""
    try:
        # Not flushed to disk: a cache lost in a power cut is only made again, and an fsync
        # for each entry would slow every build.
        write_bytes_atomically(path, content, durable=False)
    except FileWriteError as err:
        log.warning("Could not write the %s (%s); the build goes on without it.", what, err)
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

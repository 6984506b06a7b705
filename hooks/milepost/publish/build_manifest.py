"""What each published client site was built from, so that a rebuild can leave it alone.

After a client's site is swapped in, the build keeps a record in the cache folder
(`builds/`): the client's **input key** (a digest of everything its site comes from, see
`input_key`) and a **manifest** of the published folder (every file's name, size and SHA-256).
The next build computes the key again; when it is the same and the folder still holds exactly
the files of the manifest, the client is not built at all (no MkDocs run): its published site
is already what a build would make.

The record lives in the cache, not in the published folder: nothing of it is published, and
deleting the cache only means the next build builds every client again. It names no other
client: one record per site folder (`<digest of the site folder's path>-<folder>.json`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path, PurePath

from milepost.history.disk_cache import CacheFormat, load_entry, write_entry

# Bump when what goes into a key, or the record's layout, changes.
FORMAT_VERSION = 1
MANIFEST = CacheFormat("build", FORMAT_VERSION, "build manifest")

# (path inside the folder, size in bytes, modification time in ns, sha256 hex)
Manifest = list[tuple[str, int, int, str]]


def canonical(value: object) -> object:
    """`value` as JSON-ready data that is the same for the same content in every process:
    dataclasses by field, dates in ISO form, sets sorted (never `repr`, whose order of a set's
    items changes from process to process)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(key): canonical(item) for key, item in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted((canonical(item) for item in value), key=lambda item: json.dumps(item, sort_keys=True))
    if isinstance(value, (list, tuple)):
        return [canonical(item) for item in value]
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, PurePath):
        return value.as_posix()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"no canonical form for {type(value).__name__}")


def input_key(parts: Mapping[str, object]) -> str:
    """The digest of a client's inputs: canonical JSON (sorted keys) with the format version."""
    payload = json.dumps(
        {"format": FORMAT_VERSION, "inputs": canonical(parts)},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def folder_files(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under `folder` (links and all) by its path inside it: (size, mtime in ns)."""
    found: dict[str, tuple[int, int]] = {}
    for top, dirs, names in os.walk(folder):
        dirs.sort()
        for name in names:
            path = Path(top, name)
            info = path.lstat()
            found[path.relative_to(folder).as_posix()] = (info.st_size, info.st_mtime_ns)
    return found


def folder_manifest(folder: Path) -> Manifest:
    """The files of a published folder: name, size, time and content digest, sorted by name."""
    return [
        (name, size, mtime, file_digest(folder / name)) for name, (size, mtime) in sorted(folder_files(folder).items())
    ]


def folder_matches(folder: Path, manifest: Manifest) -> bool:
    """Whether `folder` holds exactly the files of `manifest`, with their sizes and contents.

    One directory walk compares names and sizes: a deleted, added, cut or grown file is found
    without reading anything. A file whose modification time is not the recorded one (edited,
    or copied back from elsewhere) is read and compared by its digest; one untouched since the
    build is not read again."""
    try:
        if not folder.is_dir() or folder.is_symlink():
            return False
        found = folder_files(folder)
        if {name: size for name, (size, _) in found.items()} != {name: size for name, size, _, _ in manifest}:
            return False
        return all(
            found[name][1] == mtime or file_digest(folder / name) == digest for name, _, mtime, digest in manifest
        )
    except OSError:
        return False


def manifest_path(cache_dir: Path, site_dir: Path, folder: str) -> Path:
    where = hashlib.sha256(str(Path(site_dir).resolve()).encode("utf-8")).hexdigest()[:16]
    return Path(cache_dir) / "builds" / f"{where}-{folder}.json"


def write_manifest(cache_dir: Path, site_dir: Path, folder: str, key: str) -> bool:
    """Keep the key a published folder was built from and its manifest (after the swap)."""
    manifest = folder_manifest(Path(site_dir) / folder)
    payload = json.dumps({"files": manifest}, separators=(",", ":")).encode("utf-8")
    return write_entry(manifest_path(cache_dir, site_dir, folder), MANIFEST, payload, fields=(key,))


def is_unchanged(cache_dir: Path, site_dir: Path, folder: str, key: str) -> bool:
    """Whether `site_dir/folder` was built from `key` and is still exactly as published."""

    def decode(payload: bytes) -> Manifest:
        return [(str(n), int(size), int(mtime), str(digest)) for n, size, mtime, digest in json.loads(payload)["files"]]

    manifest = load_entry(manifest_path(cache_dir, site_dir, folder), MANIFEST, decode, fields=(key,))
    return manifest is not None and folder_matches(Path(site_dir) / folder, manifest)

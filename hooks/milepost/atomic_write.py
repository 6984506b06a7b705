"""A file replaced whole or not at all: the one way Milepost writes a file that must never be
seen half-written (caches, the sent record of letters, a published site's files).

The content goes to a temporary file in the target's own folder (a rename is atomic only
within one file system), is flushed to disk (`durable`), and is renamed over the target with
`os.replace`; the temporary file is removed whatever goes wrong. A reader sees the old file
or the new one, never a mix, and a failed write leaves the old file as it was.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from milepost.errors import FileWriteError

_WHY = {
    errno.ENOSPC: "the disk is full; free some space and try again",
    errno.EDQUOT: "the disk quota is used up; free some space and try again",
    errno.EROFS: "the file system is read-only; write to a writable folder",
    errno.EACCES: "permission denied; make the folder writable for this user",
    errno.EPERM: "permission denied; make the folder writable for this user",
    errno.ENOTDIR: "a part of its folder path is a file, not a folder; move that file away",
    errno.EEXIST: "a part of its folder path is a file, not a folder; move that file away",  # from mkdir
    errno.EFBIG: "the file is larger than this system lets a file grow; free space or raise the limit",
    errno.EISDIR: "a folder is in the way; remove or rename it",
}


def write_bytes_atomically(path: Path, content: bytes | Iterable[bytes], *, durable: bool = True) -> None:
    """Replace `path` by `content` (bytes, or pieces of bytes written one after another), whole
    or not at all; its folder is made when missing. With `durable` the file and the rename are
    flushed to disk before this returns (a power cut keeps the old file or the new one).
    Raises `FileWriteError` naming `path` and what to do (a full disk, a read-only folder...)."""
    pieces = [content] if isinstance(content, bytes) else content
    temporary: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            out.writelines(pieces)
            if durable:
                out.flush()
                os.fsync(out.fileno())
        # mkstemp makes the file private; it gets the mode a plain write would give it (a web
        # server reads the published files).
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
        temporary = None
    except OSError as err:
        why = _WHY.get(err.errno or 0, err.strerror or str(err))
        raise FileWriteError(f"{path}: cannot be written: {why}") from err
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
    if durable:
        _sync_folder(path.parent)


def write_text_atomically(path: Path, text: str, *, encoding: str = "utf-8", durable: bool = True) -> None:
    """`write_bytes_atomically` for text (written exactly as given: no newline translation)."""
    write_bytes_atomically(path, text.encode(encoding), durable=durable)


def _umask() -> int:
    """The process's umask (read by setting it, then put back as it was)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _sync_folder(folder: Path) -> None:
    """The rename itself flushed to disk, where the system allows a folder to be synced."""
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)

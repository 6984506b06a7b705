"""atomic_write.py: a file is replaced whole or not at all, and a write that fails says so in
one line naming the file, leaving the old file as it was and no temporary file behind."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from milepost.atomic_write import write_bytes_atomically, write_text_atomically
from milepost.errors import FileWriteError, MilepostError

NOBODY = 65534


def test_writes_bytes_text_and_pieces_and_makes_the_folder(tmp_path: Path) -> None:
    target = tmp_path / "new" / "folder" / "file.bin"
    write_bytes_atomically(target, b"\x00one")
    assert target.read_bytes() == b"\x00one"
    write_bytes_atomically(target, [b"two ", b"pieces"], durable=False)
    assert target.read_bytes() == b"two pieces"
    write_text_atomically(target, "żółw\r\n")
    assert target.read_bytes() == "żółw\r\n".encode()
    assert sorted(p.name for p in target.parent.iterdir()) == ["file.bin"]


def test_a_folder_path_that_is_a_file_leaves_everything_as_it_was(tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("not a folder")
    with pytest.raises(FileWriteError) as caught:
        write_bytes_atomically(blocker / "entry", b"new")
    message = str(caught.value)
    assert isinstance(caught.value, MilepostError)
    why = "a part of its folder path is a file, not a folder; move that file away"
    assert message == f"{blocker / 'entry'}: cannot be written: {why}"
    assert "\n" not in message
    assert blocker.read_text() == "not a folder"


def test_a_target_that_is_a_folder_is_refused_and_the_temporary_file_removed(tmp_path: Path) -> None:
    (tmp_path / "record.json").mkdir()
    with pytest.raises(FileWriteError, match=r"record\.json: cannot be written: a folder is in the way"):
        write_text_atomically(tmp_path / "record.json", "{}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["record.json"]


# Run in a process of its own, which leaves root for an unprivileged user when the tests run as
# root (root may write into any folder, whatever its mode says).
_WRITE = """
import os, sys
from pathlib import Path
from milepost.atomic_write import write_text_atomically
from milepost.errors import FileWriteError
if os.geteuid() == 0:
    os.setgid(NOBODY)
    os.setuid(NOBODY)
try:
    write_text_atomically(Path(sys.argv[1]), "the new record, which must not appear\\n")
except FileWriteError as err:
    print(err)
    sys.exit(3)
"""


def test_a_read_only_folder_keeps_the_old_file_whole() -> None:
    # Under the system's temporary folder, not pytest's (root's is closed to other users).
    folder = Path(tempfile.mkdtemp(prefix="milepost-read-only-"))
    try:
        old = folder / "sent.json"
        old.write_text("the old record\n")
        old.chmod(0o644)
        folder.chmod(0o555)
        code = _WRITE.replace("NOBODY", str(NOBODY))
        done = subprocess.run([sys.executable, "-c", code, str(old)], capture_output=True, text=True, check=False)
        assert done.returncode == 3, done.stderr
        assert done.stdout == f"{old}: cannot be written: permission denied; make the folder writable for this user\n"
        assert old.read_text() == "the old record\n"
        assert sorted(p.name for p in folder.iterdir()) == ["sent.json"]
    finally:
        folder.chmod(0o755)
        old.unlink(missing_ok=True)
        folder.rmdir()


_TOO_LARGE = """
import resource, signal, sys
from pathlib import Path
from milepost.atomic_write import write_bytes_atomically
from milepost.errors import FileWriteError
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of the process being killed
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
try:
    write_bytes_atomically(Path(sys.argv[1]), b"x" * 100_000)
except FileWriteError as err:
    print(err)
    sys.exit(3)
"""


def test_a_write_cut_short_keeps_the_old_file_whole(tmp_path: Path) -> None:
    # The disk runs out part-way (here: the process may write no file over 4 KiB).
    old = tmp_path / "entry.bin"
    old.write_bytes(b"old entry")
    done = subprocess.run([sys.executable, "-c", _TOO_LARGE, str(old)], capture_output=True, text=True, check=False)
    assert done.returncode == 3, done.stderr
    assert done.stdout.startswith(f"{old}: cannot be written: ")
    assert done.stdout.count("\n") == 1
    assert old.read_bytes() == b"old entry"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["entry.bin"]

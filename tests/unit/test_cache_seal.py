"""Cache entries are sealed (HMAC-SHA256 under a key kept outside the cache folder): an entry
changed after it was written, or forged by someone who can write the cache folder but does
not hold the key, is never used; an entry sealed under another key is a quiet miss."""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import stat
from pathlib import Path

import pytest

from milepost.history import disk_cache
from milepost.history.disk_cache import CacheFormat, cache_secret, key_file, key_id, read_entry, write_entry

FORM = CacheFormat("example", 3, "example cache")
LOGGER = "mkdocs.plugins.milepost.history.disk_cache"


@pytest.fixture(autouse=True)
def own_key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A key file of this test's own (not the machine's), and no key in the environment."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv(disk_cache.KEY_VARIABLE, raising=False)
    return tmp_path / "config" / "milepost" / "cache-key"


def test_the_key_is_made_once_outside_the_cache_and_readable_by_its_owner_alone(own_key_file: Path) -> None:
    first = cache_secret()
    assert key_file() == own_key_file and own_key_file.is_file()
    assert stat.S_IMODE(own_key_file.stat().st_mode) == 0o600
    assert len(first) == 32 and cache_secret() == first
    assert bytes.fromhex(own_key_file.read_text().strip()) == first
    assert key_id() not in own_key_file.read_text() and first.hex()[:16] != key_id()


def test_a_changed_payload_is_discarded_with_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "cache" / "entry"
    write_entry(path, FORM, b"<p>hello</p>", fields=("abc",))
    assert read_entry(path, FORM, fields=("abc",)) == b"<p>hello</p>"
    # Same length, same header: only the seal can tell.
    path.write_bytes(path.read_bytes().replace(b"<p>hello</p>", b"<script>1</>"))
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    assert read_entry(path, FORM, fields=("abc",)) is None
    assert [r.levelno for r in caplog.records] == [logging.WARNING]
    assert "changed after Milepost wrote it" in caplog.text


def test_an_entry_forged_without_the_key_is_never_used(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Whoever writes the cache folder can copy the header and the key id, but not seal."""
    path = tmp_path / "cache" / "entry"
    payload = b"<script>alert(1)</script>"
    header = FORM.header(("abc",), len(payload)).rstrip(b"\n") + b" " + key_id().encode()
    for guess in (b"\0" * 32, hashlib.sha256(payload).digest(), key_id().encode()):
        seal = hmac.new(guess, header + payload, hashlib.sha256).hexdigest().encode()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(header + b" " + seal + b"\n" + payload)
        assert read_entry(path, FORM, fields=("abc",)) is None
    assert caplog.text.count("changed after Milepost wrote it") == 3


def test_an_entry_sealed_under_another_key_is_a_quiet_miss(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "cache" / "entry"
    monkeypatch.setenv(disk_cache.KEY_VARIABLE, "the CI secret of one portal")
    write_entry(path, FORM, b"hello", fields=("abc",))
    assert read_entry(path, FORM, fields=("abc",)) == b"hello"
    # The same secret in another process (the next CI run) reads it.
    disk_cache._secret.cache_clear()
    assert read_entry(path, FORM, fields=("abc",)) == b"hello"
    monkeypatch.setenv(disk_cache.KEY_VARIABLE, "another secret")
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    assert read_entry(path, FORM, fields=("abc",)) is None
    assert [r.levelno for r in caplog.records] == [logging.DEBUG] and "another cache key" in caplog.text
    monkeypatch.delenv(disk_cache.KEY_VARIABLE)
    assert read_entry(path, FORM, fields=("abc",)) is None  # the key file's key is another one too


def test_no_key_file_can_be_kept_means_no_entry_is_trusted_by_the_next_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(blocked))
    path = tmp_path / "cache" / "entry"
    write_entry(path, FORM, b"hello", fields=("abc",))
    assert read_entry(path, FORM, fields=("abc",)) == b"hello"
    disk_cache._secret.cache_clear()  # as a new process
    assert read_entry(path, FORM, fields=("abc",)) is None
    assert os.listdir(tmp_path / "cache") == ["entry"]

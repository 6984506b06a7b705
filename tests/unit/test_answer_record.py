"""`projects/<client>/answers.yml`: appended to, never rewritten; once per Message-ID, also when
two inbox runs write at once; a damaged record stops the inbox with one line."""

from __future__ import annotations

import multiprocessing
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from milepost.answers.record import HEADER, AnswerEntry, append_entries, read_entries, record_path
from milepost.errors import AnswerError

ENTRY = AnswerEntry(
    received="2026-12-03T10:14:00+01:00", name="Marta Lis", address="marta.lis@acme-retail.example",
    project="webshop", kind="change_request", item="CR-3", action="accept", version="0123456789abcdef",
    reference="MP-ABCDEFGHIJKLMNOP", message_id="<1@acme-retail.example>", sha256="0" * 64,
    words="Yes: go ahead.\nMarta", applied=True, reason="",
)


def test_appends_once_per_message_and_keeps_what_was_there(tmp_path: Path) -> None:
    path = record_path(tmp_path, "acme-retail")
    assert append_entries(path, [ENTRY, ENTRY]) == (ENTRY,)
    before = path.read_bytes()
    assert before.decode().startswith(HEADER)
    second = replace(ENTRY, message_id="<2@acme-retail.example>", applied=False, reason="why")
    assert append_entries(path, [ENTRY, second]) == (second,)
    after = path.read_bytes()
    assert after.startswith(before)
    assert [e["message_id"] for e in read_entries(path)] == [ENTRY.message_id, second.message_id]
    assert read_entries(path)[0]["words"] == "Yes: go ahead.\nMarta"
    assert append_entries(path, [ENTRY, second]) == () and path.read_bytes() == after
    assert record_path(tmp_path, None) == tmp_path / "_unmatched" / "answers.yml"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("message_id: <1@x>\n", "is not a list of recorded answers"),
        ("- {message_id: <1@x>, applied: tr", "is not valid YAML"),
        ("- name: x\n", "is not a list of recorded answers"),
    ],
)
def test_a_damaged_record_stops_with_one_line_and_is_left_alone(tmp_path: Path, text: str, said: str) -> None:
    path = record_path(tmp_path, "acme-retail")
    path.parent.mkdir(parents=True)
    path.write_text(text)
    with pytest.raises(AnswerError) as caught:
        append_entries(path, [ENTRY])
    assert said in str(caught.value) and "git checkout -- answers.yml" in str(caught.value)
    assert "\n" not in str(caught.value)
    assert path.read_text() == text


def _append(args: tuple[Path, int]) -> int:
    path, worker = args
    entries = [replace(ENTRY, message_id=f"<{n}@acme-retail.example>", name=f"w{worker}") for n in range(40)]
    return len(append_entries(path, entries))


def test_two_runs_at_once_record_each_message_once(tmp_path: Path) -> None:
    path = record_path(tmp_path, "acme-retail")
    with multiprocessing.get_context("fork").Pool(4) as pool:
        added = pool.map(_append, [(path, w) for w in range(8)])
    assert sum(added) == 40
    ids = [e["message_id"] for e in yaml.safe_load(path.read_text())]
    assert sorted(ids) == sorted(f"<{n}@acme-retail.example>" for n in range(40))

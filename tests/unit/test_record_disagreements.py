"""`milepost check` against the answers on the record (answers/disagreements.py), and the
`decide_by:` and `country:` fields as `check` reads them: real files in a temporary projects/
folder, read by the loader, with a record written by the inbox's own writer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from milepost.answer_reference import Action, ItemKind, answerable_items
from milepost.answers.disagreements import record_disagreements
from milepost.answers.record import AnswerEntry, append_entries, record_path
from milepost.errors import AnswerError
from milepost.load.project_folders import read_project_folders
from milepost.model import ChangeStatus, Portal

TODAY = dt.date(2026, 12, 7)
CLIENT = """\
name: ACME Retail
language: en
timezone: Europe/Warsaw
country: PL
response_time: {hours: 1, business: true}
"""
PROJECT = """\
name: Webshop
changes:
  - id: CR-3
    title: Gift cards
    status: {cr3}
    hours: {hours}
    decide_by: 2026-12-12
  - {{id: CR-4, title: Wish list, status: {cr4}, hours: 8}}
"""


def portal(tmp_path: Path, cr3: str = "proposed", cr4: str = "proposed", hours: int = 24) -> Portal:
    folder = tmp_path / "projects/acme-retail"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "client.yml").write_text(CLIENT)
    (folder / "webshop.yml").write_text(PROJECT.format(cr3=cr3, cr4=cr4, hours=hours))
    reading = read_project_folders(tmp_path / "projects", today=TODAY)
    assert not reading.problems, reading.problems
    return Portal(tuple(reading.clients), tuple(reading.projects))


def answered(tmp_path: Path, key: str, action: Action, number: int, *, applied: bool = True, version: str = "") -> None:
    project = portal(tmp_path).projects[0] if not version else None
    if project is not None:
        version = next(i.version for i in answerable_items(project) if i.key == key)
    entry = AnswerEntry(
        received=f"2026-12-0{number}T10:14:00+01:00", name="Marta Lis", address="marta.lis@acme-retail.example",
        project="webshop", kind=ItemKind.CHANGE_REQUEST.value, item=key, action=action.value, version=version,
        reference="MP-X", message_id=f"<a-{number}@acme-retail.example>", sha256="0" * 64, words="",
        applied=applied, reason="" if applied else "refused",
    )
    append_entries(record_path(tmp_path / "projects", "acme-retail"), [entry])


def warnings(tmp_path: Path, **statuses: str) -> list[str]:
    return [str(p) for p in record_disagreements(tmp_path / "projects", portal(tmp_path, **statuses))]


def test_an_accepted_change_request_still_proposed_names_line_who_when_and_fix(tmp_path: Path) -> None:
    answered(tmp_path, "CR-3", Action.ACCEPT, 3)
    said = warnings(tmp_path)
    assert len(said) == 1, said
    assert said[0].endswith(
        "projects/acme-retail/webshop.yml:5: changes[0].status: CR-3 is still `proposed`; Marta Lis accepted it "
        "on 3 December 2026: set `status: accepted`"
    )
    # Once the file says so (or the work is done), nothing is left to say.
    assert warnings(tmp_path, cr3="accepted") == []
    assert warnings(tmp_path, cr3="done") == []
    # The file saying `rejected` after an acceptance is named too, without "still".
    said = warnings(tmp_path, cr3="rejected")
    assert len(said) == 1 and "CR-3 is `rejected`; Marta Lis accepted it" in said[0]


def test_a_declined_change_request_and_the_latest_answer_wins(tmp_path: Path) -> None:
    answered(tmp_path, "CR-4", Action.ACCEPT, 2)
    answered(tmp_path, "CR-4", Action.DECLINE, 4)
    said = warnings(tmp_path, cr3="proposed", cr4="accepted")
    assert len(said) == 1, said
    assert said[0].endswith(
        ":8: changes[1].status: CR-4 is `accepted`; Marta Lis declined it on 4 December 2026: set `status: rejected`"
    )
    assert warnings(tmp_path, cr4="rejected") == []


def test_a_refused_answer_says_nothing(tmp_path: Path) -> None:
    answered(tmp_path, "CR-3", Action.ACCEPT, 3, applied=False)
    assert warnings(tmp_path) == []


def test_an_answer_to_an_older_version_asks_for_a_new_one(tmp_path: Path) -> None:
    answered(tmp_path, "CR-3", Action.ACCEPT, 3)
    # The hours changed after the client's answer.
    said = [str(p) for p in record_disagreements(tmp_path / "projects", portal(tmp_path, hours=30))]
    assert len(said) == 1 and "changed after the answer" in said[0] and "send the new version" in said[0], said


def test_a_record_edited_by_hand_is_an_error(tmp_path: Path) -> None:
    answered(tmp_path, "CR-3", Action.ACCEPT, 3)
    record = record_path(tmp_path / "projects", "acme-retail")
    record.write_text(record.read_text() + "oops: [\n")
    with pytest.raises(AnswerError, match="restore it"):
        record_disagreements(tmp_path / "projects", portal(tmp_path))


def test_decide_by_and_country_are_read_and_checked(tmp_path: Path) -> None:
    loaded = portal(tmp_path)
    change = loaded.projects[0].changes[0]
    assert change.decide_by == dt.date(2026, 12, 12) and change.status == ChangeStatus.PROPOSED
    client = loaded.clients[0]
    assert (client.country, client.response_hours, client.response_business) == ("PL", 1.0, True)
    assert client.response_time == ""  # the measurable form is worded by the pages
    folder = tmp_path / "projects/acme-retail"
    (folder / "webshop.yml").write_text(PROJECT.format(cr3="proposed", cr4="proposed", hours=1).replace(
        "decide_by: 2026-12-12", "decide_by: 2026-12-32"
    ))
    (folder / "client.yml").write_text(CLIENT.replace("country: PL", "country: XX"))
    problems = [str(p) for p in read_project_folders(tmp_path / "projects", today=TODAY).problems]
    assert any("webshop.yml:7: changes[0].decide_by:" in p for p in problems), problems
    assert any("client.yml:4: country: 'XX' is not a country whose public holidays are known" in p for p in problems)
    (folder / "client.yml").write_text(CLIENT.replace("{hours: 1, business: true}", "{hours: 0}"))
    problems = [str(p) for p in read_project_folders(tmp_path / "projects", today=TODAY).problems]
    assert any("client.yml:5: response_time.hours:" in p for p in problems), problems
    (folder / "client.yml").write_text(CLIENT.replace("{hours: 1, business: true}", "within one business hour"))
    words = read_project_folders(tmp_path / "projects", today=TODAY).clients[0]
    assert (words.response_time, words.response_hours) == ("within one business hour", None)

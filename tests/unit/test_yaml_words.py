"""Words YAML reads as something else: `off`, `no`, `yes`, `NO` unquoted are truth values.

The docs write `weekly: off`; YAML 1.1 (PyYAML) reads an unquoted off/no/false as false. A
field that takes such a word either means what the agency wrote, or says in one line to quote it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from milepost.load.yaml_source import load_yaml_text
from milepost.portal import check_portal, load_portal

TODAY = dt.date(2026, 11, 20)

CLIENT = """\
name: ACME Retail
language: en
timezone: Europe/Warsaw
{extra}
"""


def portal(tmp_path: Path, client_extra: str, project: str = "name: Shop\n") -> Path:
    folder = tmp_path / "projects" / "acme"
    folder.mkdir(parents=True)
    (folder / "client.yml").write_text(CLIENT.format(extra=client_extra), encoding="utf-8")
    (folder / "shop.yml").write_text(project, encoding="utf-8")
    return tmp_path / "projects"


@pytest.mark.parametrize("word", ["off", "Off", "OFF", "no", "false", "'off'", '"off"'])
def test_weekly_off_as_the_docs_write_it_means_no_weekly_letter(tmp_path: Path, word: str) -> None:
    extra = f"letters:\n  weekly: {word}\n  to:\n    - {{name: Jan Kowalski, email: jan@acme.example}}\n"
    result = load_portal(portal(tmp_path, extra), today=TODAY)
    assert result.problems == []
    assert result.portal is not None
    assert result.portal.clients[0].letters.weekly == "off"


def test_weekly_yes_says_which_words_to_write(tmp_path: Path) -> None:
    problems = check_portal(portal(tmp_path, "letters:\n  weekly: yes\n"), today=TODAY)
    assert [(p.line, p.field) for p in problems] == [(5, "letters.weekly")]
    message = problems[0].message
    assert message.startswith("must be one of: monday, tuesday, wednesday, thursday, friday, saturday, sunday, off;")
    assert "False" not in message and "None" not in message
    assert "YAML reads yes/no/true/false/on/off as a truth value" in message
    assert message.endswith("write one of the words above")


def test_a_country_like_language_no_is_named_as_yaml_read_it(tmp_path: Path) -> None:
    folder = portal(tmp_path, "")
    client = folder / "acme" / "client.yml"
    client.write_text(client.read_text(encoding="utf-8").replace("language: en", "language: NO"), encoding="utf-8")
    problems = check_portal(folder, today=TODAY)
    assert {(p.line, p.field) for p in problems} == {(2, "language")}
    assert all("got no (YAML reads yes/no/true/false/on/off as a truth value)" in p.message for p in problems)


def test_glossary_terms_written_as_yes_words_stay_the_words(tmp_path: Path) -> None:
    project = "name: Shop\nglossary: {ON: the switch's label, NO: Norway, Y: the vertical axis}\n"
    result = load_portal(portal(tmp_path, "", project), today=TODAY)
    assert result.problems == []
    assert result.portal is not None
    glossary = result.portal.projects[0].glossary
    assert list(glossary) == ["ON", "NO", "Y"]


def test_a_text_field_holding_a_yes_word_says_to_quote_it(tmp_path: Path) -> None:
    project = "name: Shop\nglossary: {API: yes}\nmilestones:\n  - {id: go, title: On, due: 2026-12-01}\n"
    problems = check_portal(portal(tmp_path, "", project), today=TODAY)
    assert [(p.line, p.field, p.message) for p in problems] == [
        (
            2,
            "glossary.API",
            "expected text, got yes (YAML reads yes/no/true/false/on/off as a truth value); "
            "put it in quotes to keep it as text",
        ),
        (
            4,
            "milestones[0].title",
            "expected text, got yes (YAML reads yes/no/true/false/on/off as a truth value); "
            "put it in quotes to keep it as text",
        ),
    ]


def test_a_bare_word_first_in_braces_is_named_not_called_an_unknown_key() -> None:
    document = load_yaml_text("tasks:\n  - {Visa, title: Cards}\n  - {title: Cards, hours: 1}\n")
    assert [(i.line, i.path, i.message) for i in document.issues] == [
        (2, ("tasks", 0, "Visa"), "'Visa' has no value: write `Visa: ...`")
    ]
    assert document.data == {"tasks": [{"title": "Cards"}, {"title": "Cards", "hours": 1}]}

"""Loading and checking projects/: YAML with lines, schemas, plain messages, the model.

The golden cases under tests/golden/validation/<case>/ hold a bad `projects/` folder and the
exact problem lines `milepost check` must print for it (expected.txt). After a deliberate change
of wording, regenerate them with `MILEPOST_UPDATE_GOLDEN=1 pytest tests/golden/test_validation.py`
and review the diff.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from factories import client_yml, make_repo
from helpers import matches_golden
from milepost.load.problems import Problem, field_name
from milepost.load.schema_messages import SCHEMA_DIR, schema_messages
from milepost.load.yaml_source import load_yaml_text
from milepost.model import (
    Absence,
    Budget,
    ChangeRequest,
    Client,
    Contact,
    Decision,
    Delay,
    Deliverable,
    Milestone,
    RepositorySpec,
    Task,
    WaitingItem,
)
from milepost.portal import check_portal, load_portal

GOLDEN = Path(__file__).parent / "validation"
TODAY = dt.date(2026, 11, 20)

CASES = sorted(p.name for p in GOLDEN.iterdir() if p.is_dir())


# --- golden cases -----------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES)
def test_golden_case(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = GOLDEN / case
    monkeypatch.chdir(folder)  # paths in messages are relative to the working directory
    problems = check_portal(Path("projects"), today=TODAY)
    actual = "".join(f"{problem}\n" for problem in problems)
    expected_file = folder / "expected.txt"
    assert matches_golden(expected_file, actual), (
        f"{case}: the messages differ from {expected_file.name}; compare, and rewrite it if the change "
        "is deliberate (see this module's docstring)"
    )


def test_every_golden_case_reports_problems_and_the_portal_is_withheld(monkeypatch: pytest.MonkeyPatch) -> None:
    assert len(CASES) >= 15
    for case in CASES:
        monkeypatch.chdir(GOLDEN / case)
        result = load_portal(Path("projects"), today=TODAY)
        assert result.problems, case
        assert result.portal is None, case
        assert result.problems == sorted(result.problems), case


def test_problems_carry_no_absolute_path_of_this_machine() -> None:
    for case in CASES:
        text = (GOLDEN / case / "expected.txt").read_text(encoding="utf-8")
        assert str(GOLDEN) not in text and "/tmp/" not in text, case


# --- a valid portal becomes the model ---------------------------------------------------------

CLIENT_YML = """\
# yaml-language-server: $schema=../../schemas/client.schema.json
name: ACME Retail
language: pl
timezone: Europe/Warsaw
contacts:
  - name: Anna Nowak
    role: Project manager
    email: anna@agency.example
    phone: "+48 600 100 200"
    away:
      - {from: 2026-12-22, to: 2027-01-02, deputy: Piotr Zieliński}
  - name: Piotr Zieliński
response_time: within one business hour
allowed_hosts: [staging.acme.example]
glossary: {CMS: the tool you edit the shop's texts with}
"""

SHOP_YML = """\
name: New online shop
summary: "Plain-language paragraph: what we are building and why."
repositories:
  - path: ../../repos/acme-webshop
    branch: main
    include: [src/]
  - url: https://git.example/acme/api.git
milestones:
  - id: payments
    title: Online payments
    due: 2026-11-10
    start: 2026-10-01
    description: Paying by card and BLIK.
    tasks:
      - {title: Card payments, done: 2026-11-10}
      - {title: BLIK payments}
    delay:
      reason: The payment provider changed its interface.
      plan: Card payments launch first; BLIK follows a week later.
      due: 2026-12-22
  - id: design
    title: Shop design
    due: 2026-10-01
    done: 2026-09-28
waiting_on_client:
  - {title: Logo files in SVG, asked: 2026-11-10, needed_by: 2026-11-25, milestone: payments}
  - {title: Texts, asked: 2026-10-01, done: 2026-10-20}
decisions:
  - {date: 2026-11-05, title: Meeting on 5 November, agreed: [Launch stays 15 January]}
changes:
  - {id: CR-3, title: Gift cards, status: proposed, hours: 24, impact: Launch moves one week}
  - {id: CR-4, title: Wish list, status: accepted, date: 2026-11-12}
deliverables:
  - {date: 2026-11-15, title: Product page preview, url: https://staging.acme.example/product}
budget: {hours: 400, used: 312.5, as_of: 2026-11-20}
next_update: 2026-11-29
glossary: {API: a connection between two systems}
"""

BLOG_YML = """\
name: Company blog
summary:
milestones:
waiting_on_client:
"""


def minimal_client(name: str, language: str, timezone: str) -> str:
    return client_yml(name=name, language=language, timezone=timezone, contacts=None, response_time=None)


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def valid_portal(tmp_path: Path) -> Path:
    write(tmp_path / "projects" / "acme" / "client.yml", CLIENT_YML)
    write(tmp_path / "projects" / "acme" / "shop.yml", SHOP_YML)
    write(tmp_path / "projects" / "acme" / "blog.yml", BLOG_YML)
    write(tmp_path / "projects" / "acme" / "_old.yml", "not: [checked\n")
    write(tmp_path / "projects" / "globex" / "client.yml", minimal_client("Globex", "de", "Europe/Berlin"))
    make_repo(tmp_path / "repos" / "acme-webshop", ["feat: first screen"])
    return tmp_path / "projects"


def test_a_valid_portal_loads_into_the_model(valid_portal: Path) -> None:
    result = load_portal(valid_portal, today=TODAY)

    assert result.problems == []
    portal = result.portal
    assert portal is not None
    assert [c.slug for c in portal.clients] == ["acme", "globex"]
    assert [(p.client, p.slug) for p in portal.projects] == [("acme", "blog"), ("acme", "shop")]

    acme = portal.client("acme")
    assert acme == Client(
        slug="acme",
        name="ACME Retail",
        language="pl",
        timezone="Europe/Warsaw",
        contacts=(
            Contact(
                name="Anna Nowak",
                role="Project manager",
                email="anna@agency.example",
                phone="+48 600 100 200",
                away=(Absence(start=dt.date(2026, 12, 22), end=dt.date(2027, 1, 2), deputy="Piotr Zieliński"),),
            ),
            Contact(name="Piotr Zieliński"),
        ),
        response_time="within one business hour",
        source=acme.source,
        allowed_hosts=("staging.acme.example",),
        glossary={"CMS": "the tool you edit the shop's texts with"},
    )
    assert Path(acme.source) == valid_portal / "acme" / "client.yml"

    blog, shop = portal.projects_of("acme")
    assert blog.name == "Company blog" and blog.summary == "" and blog.milestones == ()
    assert shop.name == "New online shop"
    assert shop.summary == "Plain-language paragraph: what we are building and why."
    assert shop.repositories == (
        RepositorySpec(
            path=str((valid_portal.parent / "repos" / "acme-webshop").resolve()),
            branch="main",
            include=("src/",),
        ),
        RepositorySpec(url="https://git.example/acme/api.git"),
    )
    assert shop.milestones == (
        Milestone(
            id="payments",
            title="Online payments",
            due=dt.date(2026, 11, 10),
            start=dt.date(2026, 10, 1),
            description="Paying by card and BLIK.",
            tasks=(Task("Card payments", dt.date(2026, 11, 10)), Task("BLIK payments")),
            delay=Delay(
                reason="The payment provider changed its interface.",
                plan="Card payments launch first; BLIK follows a week later.",
                due=dt.date(2026, 12, 22),
            ),
        ),
        Milestone(id="design", title="Shop design", due=dt.date(2026, 10, 1), done=dt.date(2026, 9, 28)),
    )
    assert shop.waiting_on_client == (
        WaitingItem("Logo files in SVG", dt.date(2026, 11, 10), dt.date(2026, 11, 25), "payments"),
        WaitingItem("Texts", dt.date(2026, 10, 1), done=dt.date(2026, 10, 20)),
    )
    assert shop.decisions == (
        Decision(dt.date(2026, 11, 5), "Meeting on 5 November", ("Launch stays 15 January",)),
    )
    assert shop.changes == (
        ChangeRequest("CR-3", "Gift cards", "proposed", 24.0, "Launch moves one week"),
        ChangeRequest("CR-4", "Wish list", "accepted", date=dt.date(2026, 11, 12)),
    )
    assert shop.deliverables == (
        Deliverable(dt.date(2026, 11, 15), "Product page preview", "https://staging.acme.example/product"),
    )
    assert shop.budget == Budget(hours=400.0, used=312.5, as_of=dt.date(2026, 11, 20))
    assert shop.next_update == dt.date(2026, 11, 29)
    assert shop.glossary == {"API": "a connection between two systems"}
    assert Path(shop.source) == valid_portal / "acme" / "shop.yml"


def test_source_paths_are_relative_to_the_working_directory(
    valid_portal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(valid_portal.parent)
    portal = load_portal(Path("projects"), today=TODAY).portal
    assert portal is not None
    assert portal.client("acme").source == "projects/acme/client.yml"
    # the repository path is absolute whatever the working directory
    assert portal.projects[1].repositories[0].path == str((valid_portal.parent / "repos" / "acme-webshop").resolve())


def test_one_bad_file_withholds_the_whole_portal(valid_portal: Path) -> None:
    write(
        valid_portal / "globex" / "site.yml", "name: Globex site\nmilestones:\n  - {id: x, title: X, due: 2026-01-01}\n"
    )
    result = load_portal(valid_portal, today=TODAY)
    assert result.portal is None
    assert [(p.field, p.line) for p in result.problems] == [("milestones[0]", 3)]


def test_the_same_milestone_turns_late_when_today_passes_its_date(valid_portal: Path) -> None:
    # payments' delay promises 2026-12-22: fine before, a problem after
    assert check_portal(valid_portal, today=dt.date(2026, 12, 22)) == []
    problems = check_portal(valid_portal, today=dt.date(2026, 12, 23))
    assert [(p.field, p.message.split(" has passed")[0]) for p in problems] == [
        ("milestones[0].delay.due", "the new date 2026-12-22")
    ]


def test_a_missing_projects_folder_is_one_problem(tmp_path: Path) -> None:
    problems = check_portal(tmp_path / "nowhere", today=TODAY)
    assert len(problems) == 1
    assert problems[0].line == 0
    assert "folder not found" in problems[0].message


# --- Problem ----------------------------------------------------------------------------------


def test_problem_prints_path_line_field_message() -> None:
    assert str(Problem("projects/acme/shop.yml", 7, "milestones[1].due", "bad")) == (
        "projects/acme/shop.yml:7: milestones[1].due: bad"
    )
    assert str(Problem("projects/acme/shop.yml", 1, "", "YAML syntax error")) == (
        "projects/acme/shop.yml:1: YAML syntax error"
    )
    assert str(Problem("projects/acme/client.yml", 0, "", "missing")) == "projects/acme/client.yml: missing"


def test_problems_sort_by_path_then_line() -> None:
    problems = [Problem("b.yml", 1, "", "x"), Problem("a.yml", 10, "", "x"), Problem("a.yml", 2, "", "x")]
    assert [(p.path, p.line) for p in sorted(problems)] == [("a.yml", 2), ("a.yml", 10), ("b.yml", 1)]


def test_field_names_read_like_the_yaml() -> None:
    assert field_name(("milestones", 1, "due")) == "milestones[1].due"
    assert field_name(("glossary", "API key")) == 'glossary["API key"]'
    assert field_name(()) == ""


# --- YAML with lines --------------------------------------------------------------------------


def test_yaml_keeps_a_line_for_every_key_and_item() -> None:
    document = load_yaml_text(
        "# comment\n"
        "name: Shop\n"
        "milestones:\n"
        "  - id: a\n"
        "    due: 2026-12-15\n"
        "  - {id: b, due: 2026-13-01}\n"
    )
    assert document.issues == []
    assert document.data == {
        "name": "Shop",
        "milestones": [{"id": "a", "due": "2026-12-15"}, {"id": "b", "due": "2026-13-01"}],
    }
    assert document.lines[("name",)] == 2
    assert document.lines[("milestones",)] == 3
    assert document.lines[("milestones", 0)] == 4
    assert document.lines[("milestones", 0, "due")] == 5
    assert document.lines[("milestones", 1, "due")] == 6
    assert document.line_of(("milestones", 1, "tasks", 0)) == 6  # falls back to the nearest parent


def test_yaml_keeps_dates_as_text_and_other_scalars_typed() -> None:
    document = load_yaml_text("a: 2026-12-15\nb: 2026-12-15 10:00:00\nc: 12\nd: 1.5\ne: yes\nf:\ng: '07'\n")
    assert document.data == {
        "a": "2026-12-15", "b": "2026-12-15 10:00:00", "c": 12, "d": 1.5, "e": True, "f": None, "g": "07"
    }


def test_yaml_reports_duplicate_keys_and_keeps_the_last() -> None:
    document = load_yaml_text("title: A\nother: x\ntitle: B\n")
    assert document.data == {"title": "B", "other": "x"}
    assert [(i.line, i.path, i.message) for i in document.issues] == [
        (3, ("title",), "duplicate key 'title' (first on line 1); keep only one")
    ]
    assert document.lines[("title",)] == 3


def test_yaml_anchors_aliases_and_merge_keys_work() -> None:
    document = load_yaml_text(
        "base: &base {reason: R, plan: P}\n"
        "delay:\n"
        "  <<: *base\n"
        "  plan: Q\n"
        "again: *base\n"
    )
    assert document.issues == []
    assert document.data == {
        "base": {"reason": "R", "plan": "P"},
        "delay": {"reason": "R", "plan": "Q"},
        "again": {"reason": "R", "plan": "P"},
    }


def test_yaml_refuses_python_tags_and_recursive_aliases_without_a_traceback() -> None:
    document = load_yaml_text("a: !!python/object:os.system echo\nb: &b [*b]\n")
    assert [(i.line, i.message.split(";")[0]) for i in document.issues] == [
        (1, "YAML tag 'tag:yaml.org,2002:python/object:os.system' is not supported here"),
        (2, "an alias refers to the list or mapping it is part of"),
    ]
    assert document.data["a"] == "echo"


def test_yaml_syntax_errors_become_an_issue_with_the_line() -> None:
    document = load_yaml_text("name: Shop\n  summary: b\n")
    assert not document.parsed
    assert [(i.line, i.message) for i in document.issues] == [
        (2, "YAML syntax error: mapping values are not allowed here "
            "(check the indentation, and put text containing ': ' in quotes)")
    ]
    document = load_yaml_text("name: Shop\nsummary: a: b\n")
    assert [(i.line, i.path, i.message) for i in document.issues] == [
        (2, ("summary",), "the text has ': ' inside, which YAML reads as a new key; "
            'put the text in quotes: summary: "a: b"')
    ]


def test_an_empty_yaml_document_has_no_data() -> None:
    document = load_yaml_text("# nothing yet\n")
    assert document.parsed and document.data is None and document.issues == []


# --- schemas ----------------------------------------------------------------------------------


def schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))


def properties_without_help(node: Any, where: str = "#") -> list[str]:
    """Paths of schema properties that lack a title or a description (editors show both)."""
    missing: list[str] = []
    if isinstance(node, dict):
        for name, sub in (node.get("properties") or {}).items():
            if not (sub.get("title") and sub.get("description")):
                missing.append(f"{where}/properties/{name}")
        for key, value in node.items():
            missing.extend(properties_without_help(value, f"{where}/{key}"))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            missing.extend(properties_without_help(value, f"{where}/{index}"))
    return missing


def objects_open_to_unknown_keys(node: Any, where: str = "#") -> list[str]:
    found: list[str] = []
    if isinstance(node, dict):
        if "properties" in node and node.get("additionalProperties") is not False:
            found.append(where)
        for key, value in node.items():
            found.extend(objects_open_to_unknown_keys(value, f"{where}/{key}"))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.extend(objects_open_to_unknown_keys(value, f"{where}/{index}"))
    return found


@pytest.mark.parametrize("name", ["client.schema.json", "project.schema.json"])
def test_schemas_are_valid_documented_and_closed(name: str) -> None:
    loaded = schema(name)
    Draft202012Validator.check_schema(loaded)
    assert loaded["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert loaded["$id"]
    assert properties_without_help(loaded) == []
    assert objects_open_to_unknown_keys(loaded) == []


def test_the_full_examples_pass_the_schemas() -> None:
    document = load_yaml_text(SHOP_YML)
    assert schema_messages(document.data, "project.schema.json") == []
    document = load_yaml_text(CLIENT_YML)
    assert schema_messages(document.data, "client.schema.json") == []


def test_schema_dates_need_the_iso_shape_in_editors_too() -> None:
    date = schema("project.schema.json")["$defs"]["date"]
    assert date["type"] == "string" and date["format"] == "date"
    assert date["pattern"] == r"^(19|2[01])\d{2}-\d{2}-\d{2}$"


def test_a_yaml_file_with_the_schema_comment_still_counts_lines_from_the_top(tmp_path: Path) -> None:
    write(tmp_path / "projects" / "acme" / "client.yml", minimal_client("ACME", "en", "UTC"))
    write(
        tmp_path / "projects" / "acme" / "shop.yml",
        "# yaml-language-server: $schema=../../hooks/milepost/schemas/project.schema.json\n"
        "name: Shop\n"
        "next_update: 2026-02-29\n",
    )
    problems = check_portal(tmp_path / "projects", today=TODAY)
    assert [(p.line, p.field, p.message) for p in problems] == [
        (3, "next_update", "'2026-02-29' is not a real date (February 2026 has no day 29); use YYYY-MM-DD")
    ]

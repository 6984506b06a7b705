"""The YAML's words reach the client's site redacted, like the commits (classify/project_text.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import typing

import pytest

from milepost.classify.project_text import HANDLED_TYPES, redact_file_versions, redact_project
from milepost.history.project_files import ProjectFileVersion, ProjectFileVersions
from milepost.load.milestone_snapshot import MilestoneSnapshot
from milepost.model import (
    ChangeRequest,
    Client,
    Decision,
    Delay,
    Deliverable,
    HealthOverride,
    Milestone,
    Project,
    Task,
    WaitingItem,
)
from milepost.publish.site_content import client_site

SECRET = "PGPASSWORD=s3cretValue9"
LEAK = "s3cretValue9"
TODAY = dt.date(2026, 11, 24)

# String fields that are not free text a person writes for the client: ids, states, paths and
# links (deliverable links are checked by `milepost check`, which refuses credentials in them).
KEPT = {
    (Project, "slug"),
    (Project, "client"),
    (Project, "source"),
    (Milestone, "id"),
    (ChangeRequest, "id"),
    (ChangeRequest, "status"),
    (Deliverable, "url"),
    (HealthOverride, "state"),
    (WaitingItem, "milestone"),
}


def _text_fields(kind: type) -> list[str]:
    hints = typing.get_type_hints(kind)
    return [f.name for f in dataclasses.fields(kind) if hints[f.name] in (str, tuple[str, ...])]


def _secret_project() -> Project:
    override = HealthOverride(state="at_risk", reason=SECRET)
    return Project(
        slug="shop",
        client="acme",
        name=f"Shop {SECRET}",
        summary=f"First paragraph.\nSecond line of it.\n\nThe login: {SECRET}",
        milestones=(
            Milestone(
                id="pay",
                title=SECRET,
                due=dt.date(2026, 12, 1),
                description=SECRET,
                tasks=(Task(title=SECRET),),
                delay=Delay(reason=SECRET, plan=SECRET, due=dt.date(2026, 12, 20)),
                health_override=override,
            ),
        ),
        waiting_on_client=(WaitingItem(title=SECRET, asked=dt.date(2026, 11, 1), milestone="pay"),),
        decisions=(Decision(date=dt.date(2026, 11, 20), title=SECRET, agreed=(SECRET,), summary=SECRET),),
        changes=(ChangeRequest(id="CR-1", title=SECRET, status="proposed", impact=SECRET),),
        deliverables=(
            Deliverable(
                date=dt.date(2026, 11, 2),
                title=SECRET,
                url="https://staging.shop.example/",
                description=f"Try https://staging.shop.example/basket or {SECRET}",
            ),
        ),
        glossary={"API": SECRET},
        health_override=override,
    )


def _values(value: object) -> list[str]:
    """Every string inside a dataclass value, recursively."""
    if isinstance(value, str):
        return [value]
    if dataclasses.is_dataclass(value):
        return [s for f in dataclasses.fields(value) for s in _values(getattr(value, f.name))]
    if isinstance(value, (tuple, list)):
        return [s for item in value for s in _values(item)]
    if isinstance(value, dict):
        return [s for pair in value.items() for item in pair for s in _values(item)]
    return []


def test_every_free_text_field_is_redacted() -> None:
    project = redact_project(_secret_project(), Client(slug="acme", name="Acme"))
    assert not [text for text in _values(project) if LEAK in text]


@pytest.mark.parametrize("kind", HANDLED_TYPES, ids=lambda kind: kind.__name__)
def test_a_new_text_field_cannot_be_forgotten(kind: type) -> None:
    """Every str field of the model types is either redacted (the test above fills it with a
    secret) or named here as kept: a field added to model.py fails until it is one or the other."""
    filled = {
        (type(value), name)
        for value in _dataclasses(_secret_project())
        for name in _text_fields(type(value))
        if any(LEAK in text for text in _values(getattr(value, name)))
    }
    for name in _text_fields(kind):
        assert (kind, name) in filled or (kind, name) in KEPT, f"{kind.__name__}.{name}: redact it or keep it"


def _dataclasses(value: object) -> list[object]:
    if dataclasses.is_dataclass(value):
        inner = [d for f in dataclasses.fields(value) for d in _dataclasses(getattr(value, f.name))]
        return [value, *inner]
    if isinstance(value, (tuple, list)):
        return [d for item in value for d in _dataclasses(item)]
    return []


def test_paragraphs_and_untouched_text_stay_as_written() -> None:
    project = redact_project(_secret_project(), Client(slug="acme", name="Acme"))
    assert project.summary == "First paragraph.\nSecond line of it.\n\nThe login: [hidden]"
    clean = Project(slug="shop", client="acme", name="Shop", summary="One.\nTwo  spaced.\n\nThree.")
    assert redact_project(clean, Client(slug="acme", name="Acme")) == clean


def test_the_placeholder_is_in_the_clients_language() -> None:
    project = redact_project(_secret_project(), Client(slug="acme", name="Acme", language="pl"))
    assert "[hidden]" not in project.summary
    assert project.summary.startswith("First paragraph.")


def test_hosts_of_deliverables_and_allowed_hosts_stay_linked() -> None:
    client = Client(slug="acme", name="Acme", allowed_hosts=("docs.acme.example",))
    project = dataclasses.replace(
        _secret_project(), summary="See https://docs.acme.example/guide and https://intranet.agency.example/x"
    )
    redacted = redact_project(project, client)
    assert "https://docs.acme.example/guide" in redacted.summary
    assert "intranet.agency.example" not in redacted.summary
    assert "https://staging.shop.example/basket" in redacted.deliverables[0].description
    assert redacted.deliverables[0].url == "https://staging.shop.example/"


def test_older_versions_quoted_by_the_ledger_are_redacted() -> None:
    version = ProjectFileVersion(
        commit="a" * 40,
        committed=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
        path="acme/shop.yml",
        milestones=(MilestoneSnapshot(id="pay", title=SECRET, delay_reason=SECRET),),
    )
    versions = ProjectFileVersions(status="COMPLETE", oldest_first=(version,))
    redacted = redact_file_versions(versions, Client(slug="acme", name="Acme"), _secret_project())
    assert not [text for text in _values(redacted) if LEAK in text]
    assert redacted.oldest_first[0].milestones[0].id == "pay"


def test_no_output_of_the_site_carries_a_secret_from_the_yaml() -> None:
    client = Client(slug="acme", name="Acme", glossary={"SLA": f"Service level, {SECRET}"})
    site = client_site(client, [_secret_project()], {}, TODAY)
    outputs = [page.markdown for page in site.pages] + [page.title for page in site.pages]
    outputs += [content.decode("utf-8") for _, content in site.files]
    assert all(LEAK not in text for text in outputs)
    status = json.loads(dict(site.files)["shop/status.json"])
    assert status["project"]["name"] == "Shop [hidden]"
    assert status["milestones"][0]["title"] == "[hidden]"
    assert any("First paragraph." in page.markdown for page in site.pages)

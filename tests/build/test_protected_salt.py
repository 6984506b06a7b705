"""A protected site keeps its salt from build to build while its password stays the same (a
returning client's browser stays unlocked after a deploy); a new password gives a new salt,
and the nonces stay random, one per file and build."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from factories import client_yml, make_portal, make_repo, project_yml
from milepost.mkdocs.build import build_clients

VARIABLE = "SALTY_SITE_PASSWORD"
PAYLOAD = re.compile(r"\{\"v\":1,[^<]*\}")


@pytest.fixture
def portal(tmp_path: Path) -> Path:
    make_repo(tmp_path / "repo", [{"message": "feat: first screen", "date": "2026-11-09T10:00:00+01:00"}])
    client = client_yml(name="Salty Ltd", password_env=VARIABLE, path="k3v9q2m7")
    return make_portal(tmp_path, {"salty/client.yml": client, "salty/shop.yml": project_yml()})


def payloads(site: Path) -> dict[str, dict]:
    found = {}
    for page in sorted((site / "k3v9q2m7").rglob("*.html")):
        match = PAYLOAD.search(page.read_text(encoding="utf-8"))
        assert match, page
        found[page.relative_to(site).as_posix()] = json.loads(match.group(0))
    return found


def build(portal: Path, site: Path, password: str, monkeypatch) -> dict[str, dict]:
    monkeypatch.setenv(VARIABLE, password)
    outcome = build_clients(portal, site_dir=site, today=dt.date(2026, 11, 24))
    assert outcome.ok, outcome.failed
    return payloads(site)


def test_the_salt_stays_while_the_password_does_and_changes_with_it(portal: Path, tmp_path: Path, monkeypatch) -> None:
    site = tmp_path / "site"
    first = build(portal, site, "Marmalade-Quokka-Lantern-42", monkeypatch)
    second = build(portal, site, "Marmalade-Quokka-Lantern-42", monkeypatch)
    rotated = build(portal, site, "Another-Long-Password-77", monkeypatch)

    assert len({p["salt"] for p in first.values()}) == 1  # one salt for the whole site
    assert {p["salt"] for p in second.values()} == {p["salt"] for p in first.values()}
    assert {p["salt"] for p in rotated.values()}.isdisjoint({p["salt"] for p in first.values()})
    # Nonces: random per file, and new on every build.
    nonces = [p["iv"] for build_ in (first, second, rotated) for p in build_.values()]
    assert len(set(nonces)) == len(nonces)

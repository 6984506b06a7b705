"""The calibration record on the built demo: the bakery (Polish) and the carpenter (German)
began in the summer, so the forecast of each of their finished milestones four weeks before
its end can be replayed, and their home page and project page say how often it held, in the
same words whether the record is good (the carpenter: 2 of 2) or bad (the bakery: 0 of 2)."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from helpers import ROOT
from milepost.i18n import texts_for
from milepost.render.health_record import calibration_sentence
from milepost.status.calibration import Calibration

# (client, project, language, held, total): the figures the demo's data gives.
RECORDS = [
    ("piekarnia-zloty-klos", "zamowienia", "pl", 0, 2),
    ("tischlerei-becker", "website", "de", 2, 2),
]


def calibration_lines(page: Path) -> list[str]:
    """The text of each calibration paragraph on the page, its bold label left out."""
    source = page.read_text(encoding="utf-8")
    found = re.findall(r'<p class="mp-calibration">(.*?)</p>', source, flags=re.S)
    found = [re.sub(r"<strong>.*?</strong>", "", p, flags=re.S) for p in found]
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", "", p)).split()) for p in found]


def status(demo_site: Path, client: str, project: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((demo_site / client / project / "status.json").read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize(("client", "project", "language", "held", "total"), RECORDS)
def test_the_home_page_and_the_project_page_give_the_forecast_record(
    demo_site: Path, client: str, project: str, language: str, held: int, total: int
) -> None:
    data = status(demo_site, client, project)
    record = data["calibration"]
    assert (record["held"], record["total"]) == (held, total)
    assert data["client_calibration"] == {"held": held, "total": total}  # the client's only project
    # Each replay is a milestone finished in the project file, made four weeks before its end,
    # and it held exactly when that end fell inside the range replayed.
    finished = {
        m["id"]: m["done"]
        for m in yaml.safe_load((ROOT / "projects" / client / f"{project}.yml").read_text(encoding="utf-8"))[
            "milestones"
        ]
        if m.get("done")
    }
    assert {r["milestone"] for r in record["milestones"]} == set(finished)
    for replay in record["milestones"]:
        done = dt.date.fromisoformat(replay["done"])
        assert done == finished[replay["milestone"]]
        assert dt.date.fromisoformat(replay["forecast_made"]) == done - dt.timedelta(days=28)
        earliest = dt.date.fromisoformat(replay["earliest"])
        latest = dt.date.fromisoformat(replay["latest"]) if replay["latest"] else None
        assert replay["held"] == (earliest <= done and (latest is None or done <= latest)), replay
    assert sum(r["held"] for r in record["milestones"]) == held
    texts = texts_for(language)
    sentence = texts.ngettext(
        "Our forecasts four weeks ahead held for {held} of {n} finished milestone.",
        "Our forecasts four weeks ahead held for {held} of {n} finished milestones.",
        total,
        held=texts.number(held),
    )
    assert not sentence.startswith("Our forecasts"), sentence  # translated
    assert f" {held} " in sentence and f" {total} " in sentence, sentence
    assert calibration_lines(demo_site / client / "index.html") == [sentence]
    assert calibration_lines(demo_site / client / project / "index.html") == [sentence]


def test_the_demo_shows_a_record_held_well_and_one_held_poorly(demo_site: Path) -> None:
    """Honest either way: a record that held and one that did not are both on show."""
    shares = [held / total for _client, _project, _language, held, total in RECORDS]
    assert max(shares) == 1 and min(shares) == 0
    for client, project, _language, held, total in RECORDS:
        record = status(demo_site, client, project)["calibration"]
        assert (record["held"], record["total"]) == (held, total)


def test_no_page_speaks_of_a_record_it_does_not_have(demo_site: Path) -> None:
    """A client whose finished milestones could not be replayed is told that nothing could be
    checked yet: never "0 of 0", never a figure."""
    for home in sorted(demo_site.glob("*/index.html")):
        client = home.parent.name
        if client.startswith("."):
            continue
        projects = [p.parent for p in home.parent.glob("*/status.json")]
        totals = [(status(demo_site, client, p.name)["calibration"] or {}).get("total", 0) for p in projects]
        language = re.search(r'<html lang="([a-z]+)', home.read_text(encoding="utf-8"))
        assert language is not None
        nothing_checked = calibration_sentence(Calibration(0, 0), texts_for(language.group(1)))
        assert (calibration_lines(home) == [nothing_checked]) == (sum(totals) == 0), client

"""Golden charts: the timeline and the burn-up of fixed projects, as the SVG and words a page gets.

The cases are in tests/golden/charts/cases.yml; each draws the same bytes every time. After a
deliberate change of the charts, rewrite the files with

    MILEPOST_UPDATE_GOLDEN=1 .venv/bin/pytest tests/golden/test_golden_charts.py

and look at the diff (and at a page in a browser) before committing it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from factories import file_versions_from_case
from helpers import GOLDEN, OTHER_PROCESSES, matches_golden, output_in_new_process
from milepost.i18n import texts_for
from milepost.load.model_from_data import project_from_data
from milepost.load.yaml_source import load_yaml_text
from milepost.render.charts import burnup_view, timeline_view
from milepost.render.environment import render
from milepost.status.outlook import project_outlook

CHARTS = GOLDEN / "charts"
CASES: dict[str, Any] = yaml.safe_load((CHARTS / "cases.yml").read_text(encoding="utf-8"))



def drawn(name: str) -> dict[str, str]:
    case = CASES[name]
    today = case["today"]
    texts = texts_for(case["language"], case["timezone"])
    # Read as `milepost check` reads a project file (dates as written, checked later).
    data = load_yaml_text(yaml.safe_dump(case["project"], sort_keys=False, allow_unicode=True)).data
    project = project_from_data("client", Path(f"{name}.yml"), data, f"{name}.yml")
    outlook = project_outlook(project, file_versions_from_case(case), (), today, timezone=case["timezone"])
    timeline = timeline_view(project, outlook, today, texts)
    card = timeline_view(project, outlook, today, texts, compact=True, chart_id=f"mp-timeline-{name}")
    burnup = burnup_view(project, outlook, today, texts)
    return {
        "timeline": render("charts/timeline.html.j2", texts, chart=timeline),
        "card": render("charts/timeline.html.j2", texts, chart=card),
        "burnup": render("charts/burnup.html.j2", texts, chart=burnup),
    }


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_charts_match_their_golden_files(name: str) -> None:
    different = []
    for kind, got in drawn(name).items():
        golden = CHARTS / f"{name}-{kind}.html"
        if not matches_golden(golden, got):
            different.append(golden.name)
    assert not different, (
        f"{different} differ from what the charts draw now; compare, and rewrite them if the change "
        "is deliberate (see this module's docstring)"
    )


def all_drawn() -> bytes:
    """Every case's charts, as JSON (what another process sends back)."""
    return json.dumps({name: drawn(name) for name in sorted(CASES)}, sort_keys=True).encode("utf-8")


@pytest.mark.parametrize("environ", OTHER_PROCESSES, ids=lambda e: e["TZ"])
def test_another_process_draws_the_golden_charts(environ: dict[str, str]) -> None:
    """The same data draws the same bytes in a process with another hash seed and local time
    zone (the client's zone, not the machine's, dates a chart)."""
    charts = json.loads(output_in_new_process(Path(__file__), "all_drawn()", environ))
    assert sorted(charts) == sorted(CASES)
    for name, kinds in charts.items():
        for kind, got in kinds.items():
            assert got == (CHARTS / f"{name}-{kind}.html").read_text(encoding="utf-8"), f"{name}-{kind}"

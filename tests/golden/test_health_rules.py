"""The health rules, as a golden table (tests/golden/health/milestone_rules.yml), and the
promise that docs/health.md describes exactly the rules the code applies."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from factories import client_yml
from helpers import GOLDEN, ROOT
from milepost.load.settings import DEFAULT_INACTIVE_DAYS
from milepost.model import Delay, HealthOverride, Milestone, Project, Task, WaitingItem
from milepost.status import forecast, health
from milepost.status.forecast import Forecast
from milepost.status.health import (
    MILESTONE_RULES,
    PROJECT_RULES,
    HealthState,
    Signals,
    milestone_health,
    project_health,
)

TABLE = yaml.safe_load((GOLDEN / "health" / "milestone_rules.yml").read_text(encoding="utf-8"))
DOCS = (ROOT / "docs" / "health.md").read_text(encoding="utf-8")
D = dt.date


def build_milestone(changes: dict[str, Any]) -> Milestone:
    fields = {**TABLE["base"], **changes}
    delay = fields.pop("delay", None)
    override = fields.pop("health_override", None)
    tasks = tuple(Task(f"task {n}", done) for n, done in enumerate(fields.pop("tasks")))
    return Milestone(
        **fields,
        tasks=tasks,
        delay=Delay("reason", "plan", delay["due"]) if delay else None,
        health_override=HealthOverride(**override) if override else None,
    )


def build_signals(case: dict[str, Any], today: dt.date) -> Signals:
    forecasts = {}
    wanted = case.get("forecast")
    if wanted is not None:
        available = wanted.get("available", True)
        forecasts["m"] = Forecast(
            "m",
            available,
            earliest=wanted.get("earliest"),
            latest=wanted.get("latest"),
            remaining=1,
            chance=wanted.get("chance"),
            high=wanted.get("high"),
        )
    return Signals(
        forecasts=forecasts,
        last_work=case.get("last_work", today - dt.timedelta(days=1)),
        inactive_days=case.get("inactive_days", TABLE["inactive_days"]),
    )


def build_project(m: Milestone, case: dict[str, Any]) -> Project:
    waiting = tuple(
        WaitingItem(
            "Logo files",
            asked=D(2026, 11, 1),
            needed_by=item.get("needed_by"),
            milestone=item.get("milestone", "m"),
            done=item.get("done"),
        )
        for item in case.get("waiting", ())
    )
    return Project(slug="p", client="c", name="P", milestones=(m,), waiting_on_client=waiting)


CASES = TABLE["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_golden_milestone_rule(case: dict[str, Any]) -> None:
    m = build_milestone(case.get("milestone", {}))
    today = case.get("today", TABLE["today"])
    result = milestone_health(m, build_project(m, case), today, build_signals(case, today))
    assert [result.state, result.rule] == case["expect"]
    if result.rule == "override":
        assert result.reason == case["milestone"]["health_override"]["reason"]


def test_every_rule_is_probed_on_both_sides_of_its_boundary() -> None:
    names = [rule.name for rule in MILESTONE_RULES]
    assert {case["boundary"] for case in CASES} == set(names)
    for name in names:
        probes = [case for case in CASES if case["boundary"] == name]
        decided = [case for case in probes if case["expect"][1] == name]
        assert decided, f"no case where rule {name!r} applies"
        if name != "on-track":  # the last rule has no other side: it always applies
            assert len(decided) < len(probes), f"no case just outside rule {name!r}"


def test_docs_describe_every_rule_in_the_code_order() -> None:
    milestone_table = DOCS.split("## A milestone")[1].split("## A project")[0]
    documented = re.findall(r"^\| (\d+) \| `([a-z-]+)` \|", milestone_table, flags=re.MULTILINE)
    assert [(int(n), name) for n, name in documented] == [
        (index + 1, rule.name) for index, rule in enumerate(MILESTONE_RULES)
    ]
    project_table = DOCS.split("## A project")[1].split("##")[0]
    for name in PROJECT_RULES:
        assert f"`{name}`" in project_table
    # The thresholds the page states are the ones the code uses.
    assert f"**{health.DUE_SOON_DAYS} days** away" in DOCS
    assert f"**{round(health.BEHIND_LAG * 100)} points**" in DOCS
    assert f"(**{DEFAULT_INACTIVE_DAYS}** by default" in DOCS
    flowing = " ".join(DOCS.split())  # the page wraps its lines anywhere
    assert f"every **{forecast.HALF_LIFE_WEEKS} weeks** of age" in flowing
    assert f"**{forecast.RUNS}** futures are drawn per project" in flowing
    assert f"the {forecast.LOW_PERCENTILE}th to the {forecast.HIGH_PERCENTILE}th percentile" in flowing
    assert f"never narrower than {forecast.MIN_RANGE_DAYS} days" in flowing
    assert f"at most {forecast.HISTORY_WEEKS} weeks" in flowing
    assert (
        f"fewer than **{forecast.MIN_WEEKS}** weeks since work began, or fewer than **{forecast.MIN_DONE}** tasks"
        in flowing
    )
    assert f"fewer than **{forecast.MIN_REFERENCE}** milestones on record" in flowing
    assert f"Below **{round(health.LOW_CHANCE * 100)} in 100**" in flowing
    assert f"below **{round(health.LOW_CHANCE * 100)} in 100**" in flowing
    assert health.LOW_CHANCE * 100 == forecast.HIGH_PERCENTILE  # the range's far end, see the page


def milestone(ident: str, **changes: Any) -> Milestone:
    return build_milestone({"id": ident, **changes})


def project(*milestones: Milestone, override: HealthOverride | None = None) -> Project:
    return Project(slug="p", client="c", name="P", milestones=milestones, health_override=override)


TODAY = D(2026, 11, 20)


def test_project_without_milestones_is_planned() -> None:
    assert project_health(project(), TODAY).rule == "no-milestones"
    assert project_health(project(), TODAY).state == HealthState.PLANNED


def test_project_is_done_only_when_every_milestone_is() -> None:
    done = milestone("a", done=D(2026, 11, 1))
    result = project_health(project(done), TODAY)
    assert (result.state, result.rule) == (HealthState.DONE, "all-done")
    assert project_health(project(done, milestone("b")), TODAY).state == HealthState.ON_TRACK


def test_project_shows_its_worst_open_milestone_and_which_one() -> None:
    late = milestone("late", due=D(2026, 11, 10), start=D(2026, 10, 1))
    risky = milestone("risky", start=None, tasks=[D(2026, 11, 5), None, None], due=D(2026, 11, 30))
    planned = milestone("later", start=D(2027, 1, 1), due=D(2027, 2, 1), tasks=[None])
    result = project_health(project(planned, risky, late), TODAY)
    assert (result.state, result.rule, result.milestone) == (HealthState.LATE, "past-due", "late")
    result = project_health(project(planned, risky), TODAY)
    assert (result.state, result.rule, result.milestone) == (HealthState.AT_RISK, "due-soon", "risky")
    assert project_health(project(planned), TODAY).state == HealthState.PLANNED


def test_project_override_wins_over_at_risk_but_never_over_late() -> None:
    calm = HealthOverride(HealthState.ON_TRACK, "The missing logo is not needed before January.")
    risky = milestone("risky", start=None, tasks=[D(2026, 11, 5), None, None], due=D(2026, 11, 30))
    result = project_health(project(risky, override=calm), TODAY)
    assert (result.state, result.rule, result.reason) == (HealthState.ON_TRACK, "override", calm.reason)
    late = milestone("late", due=D(2026, 11, 10))
    assert project_health(project(risky, late, override=calm), TODAY).state == HealthState.LATE
    # A finished project is done whatever the override says.
    done = milestone("done", done=D(2026, 11, 2))
    assert project_health(project(done, override=calm), TODAY).state == HealthState.DONE


def test_project_judges_its_milestones_with_the_same_signals() -> None:
    quiet = milestone("quiet", tasks=[D(2026, 11, 2), None])
    signals = Signals(last_work=D(2026, 11, 2), inactive_days=14)
    assert project_health(project(quiet), TODAY).state == HealthState.ON_TRACK
    assert project_health(project(quiet), TODAY, signals).rule == "no-recent-work"


# --- where the rules get their settings and overrides -----------------------------------------


def test_inactive_days_and_ledger_repo_come_from_mkdocs_yml(tmp_path: Path) -> None:
    from milepost.errors import SettingsError
    from milepost.mkdocs.extra_config import settings_from_extra

    config = str(tmp_path / "mkdocs.yml")
    plain = settings_from_extra(config, {"milepost": {}})
    assert (plain.inactive_days, plain.ledger_repo) == (DEFAULT_INACTIVE_DAYS, None)
    assert plain.ledger.repository is None
    tuned = settings_from_extra(config, {"milepost": {"inactive_days": 30, "ledger_repo": "history"}})
    assert (tuned.inactive_days, tuned.ledger.repository, tuned.ledger.root) == (30, tmp_path / "history", tmp_path)
    for wrong in (0, "two weeks", True):
        with pytest.raises(SettingsError, match="extra.milepost.inactive_days: .* whole number of 1 or more"):
            settings_from_extra(config, {"milepost": {"inactive_days": wrong}})


def test_an_override_needs_an_allowed_state_and_a_written_reason(tmp_path: Path) -> None:
    from milepost.portal import load_portal

    folder = tmp_path / "projects" / "acme"
    folder.mkdir(parents=True)
    (folder / "client.yml").write_text(
        client_yml(name="ACME", timezone="UTC", contacts=None, response_time=None), encoding="utf-8"
    )
    shop = folder / "shop.yml"
    shop.write_text(
        "name: Shop\n"
        "health_override: {state: late, reason: We are late.}\n"
        "milestones:\n"
        "  - {id: pay, title: Pay, due: 2026-12-20, health_override: {state: at_risk}}\n",
        encoding="utf-8",
    )
    problems = [(p.line, p.field, p.message) for p in load_portal(tmp_path / "projects", today=TODAY).problems]
    assert problems == [
        (
            2,
            "health_override.state",
            "'late' cannot be set by hand: a late milestone needs `delay: {reason, plan, due}`; "
            "here use planned, on_track or at_risk",
        ),
        (4, "milestones[0].health_override.reason", "required field 'reason' is missing"),
    ]
    shop.write_text(
        "name: Shop\n"
        "health_override: {state: at_risk, reason: Two of us are ill this week.}\n"
        "milestones:\n"
        "  - {id: pay, title: Pay, due: 2026-12-20, health_override: {state: planned, reason: Paused.}}\n",
        encoding="utf-8",
    )
    loaded = load_portal(tmp_path / "projects", today=TODAY)
    assert loaded.problems == []
    [shop_project] = loaded.portal.projects
    assert shop_project.health_override == HealthOverride(HealthState.AT_RISK, "Two of us are ill this week.")
    assert shop_project.milestones[0].health_override == HealthOverride(HealthState.PLANNED, "Paused.")


def test_the_client_reads_the_reason_of_a_state_set_by_hand() -> None:
    from milepost.i18n import texts_for
    from milepost.model import Client
    from milepost.render.client_home import render_client_home
    from milepost.render.project_page import ProjectView, render_project_page

    english = texts_for("en")
    client = Client(slug="c", name="C")
    paused = milestone(
        "pay", health_override={"state": HealthState.PLANNED, "reason": "Paused at your request <until> May."}
    )
    shop = Project(
        slug="p", client="c", name="P", milestones=(paused,),
        health_override=HealthOverride(HealthState.AT_RISK, "Two of us are ill this week."),
    )
    page = render_project_page(ProjectView(client, shop, TODAY), english)
    assert '<p class="mp-why"><strong>Why:</strong> Paused at your request &lt;until&gt; May.</p>' in page
    assert '<p class="mp-why"><strong>Why:</strong> Two of us are ill this week.</p>' in page
    home = render_client_home(client, [shop], TODAY, english)
    assert "Two of us are ill this week." in home and 'mp-badge mp-at-risk">At risk<' in home

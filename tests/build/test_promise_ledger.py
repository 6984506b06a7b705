"""The promise ledger on real portal repositories made here, with fixed dates.

Each test commits successive versions of a project file (moves with and without a reason,
renamed files and folders, retitled milestones) and reads them back the way `milepost check`
and `milepost build` do.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from factories import CommitSpec, commit, git, init_repo, make_portal, shallow_clone
from helpers import ROOT
from milepost import cli
from milepost.history.project_files import COMPLETE, NO_HISTORY, UNCOMMITTED, read_file_versions
from milepost.history.state import GitHistory
from milepost.i18n import texts_for
from milepost.load.project_folders import NOT_PROJECTS
from milepost.load.settings import LedgerSource
from milepost.portal import check_portal, load_portal
from milepost.render.promise_words import ledger_lines
from milepost.status.ledger import UNAVAILABLE, PromiseEvent, PromiseEventKind, project_ledger

D = dt.date


def ledger_html(ledger, texts) -> str:
    """The ledger's sentences, as the project page lists them."""
    return "\n".join(line.sentence for line in ledger_lines(ledger, texts))

WARSAW = ZoneInfo("Europe/Warsaw")
TODAY = D(2026, 11, 24)
EN = texts_for("en")
CLIENT = "name: ACME Retail\nlanguage: en\ntimezone: Europe/Warsaw\n"


def project_text(*milestones: dict) -> str:
    return yaml.safe_dump({"name": "New online shop", "milestones": list(milestones)}, sort_keys=False)


def pay(due: str, title: str = "Payments", delay: dict | None = None, **extra: object) -> dict:
    data = {"id": "pay", "title": title, "due": due, **extra}
    if delay:
        data["delay"] = delay
    return data


def launch(due: str = "2027-01-15") -> dict:
    return {"id": "launch", "title": "Shop goes live", "due": due}


def delay(due: str, reason: str) -> dict:
    return {"reason": reason, "plan": "Card payments first.", "due": due}


def portal_repo(base: Path) -> tuple[Path, Path]:
    """A portal (mkdocs.yml, projects/) that is its own git repository, with one client.

    The mkdocs.yml is this repository's, minus the demo's `ledger_repo`: like a real portal,
    the history comes from the repository holding projects/.
    """
    config = make_portal(base, {"acme/client.yml": CLIENT})
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["extra"]["milepost"].pop("ledger_repo", None)
    config.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    init_repo(base)
    commit(base, CommitSpec("Set up the portal", date="2026-09-01T09:00:00+02:00"))
    return base, config


def save(repo: Path, message: str, date: str, files: dict[str, str]) -> str:
    return commit(repo, CommitSpec(message, date=date, files=files))


def file_versions(
    projects: Path,
    *files: str,
    source: LedgerSource | None = None,
    cache: Path | None = None,
    history: GitHistory | None = None,
):
    """What the ledger reads for `files`; with `history`, as part of that build (a new one by default)."""
    paths = [projects / f for f in files]
    reading = read_file_versions(projects, paths, source=source, cache_dir=cache, git_history=history)
    return reading


def ledger_of(projects: Path, file: str, source: LedgerSource | None = None):
    reading = file_versions(projects, file, source=source)
    assert reading.problems == []
    return project_ledger(reading.file_versions[(projects / file).absolute()], WARSAW, TODAY)


# --- reading the history -------------------------------------------------------------------


def test_every_move_with_its_day_and_reason_across_renamed_files_and_titles(tmp_path: Path) -> None:
    repo, _ = portal_repo(tmp_path / "portal")
    shop = "projects/acme/shop.yml"
    save(repo, "Plan", "2026-09-03T10:00:00+02:00", {shop: project_text(pay("2026-11-20"), launch("2027-01-08"))})
    # The same day: a typo fixed. A correction, not a move.
    save(repo, "Fix", "2026-09-03T15:00:00+02:00", {shop: project_text(pay("2026-11-20"), launch())})
    # The file is renamed and the milestone retitled: it is still the same milestone (same id).
    git(repo, "mv", "projects/acme/shop.yml", "projects/acme/webshop.yml")
    save(repo, "Rename", "2026-10-01T10:00:00+02:00",
         {"projects/acme/webshop.yml": project_text(pay("2026-11-20", "Online payments"), launch())})
    # 23:30 in London is already the next day in Warsaw: the day counts in the client's zone.
    first_move = save(repo, "Delay", "2026-11-15T23:30:00+00:00", {"projects/acme/webshop.yml": project_text(
        pay("2026-11-20", "Online payments", delay("2026-12-12", "The provider changed its interface.")), launch())})
    # The client's folder is renamed too.
    git(repo, "mv", "projects/acme", "projects/acme-retail")
    save(repo, "Rename the client", "2026-11-18T09:00:00+01:00", {})
    later = delay("2026-12-19", "The bank's approval takes a week longer.")
    save(repo, "Delay again", "2026-11-22T12:00:00+01:00",
         {"projects/acme-retail/webshop.yml": project_text(pay("2026-11-20", "Online payments", later), launch())})

    reading = file_versions(repo / "projects", "acme-retail/webshop.yml")
    versions = reading.file_versions[(repo / "projects/acme-retail/webshop.yml").absolute()]
    assert versions.status == COMPLETE
    assert [v.path for v in versions.oldest_first] == [
        "projects/acme/shop.yml",
        "projects/acme/shop.yml",
        "projects/acme/webshop.yml",
        "projects/acme/webshop.yml",
        "projects/acme-retail/webshop.yml",
        "projects/acme-retail/webshop.yml",
    ]
    ledger = project_ledger(versions, WARSAW, TODAY)
    payments = ledger.milestones["pay"]
    assert (payments.first_promise, payments.promised_on) == (D(2026, 11, 20), D(2026, 9, 3))
    assert payments.events == (
        PromiseEvent(PromiseEventKind.MOVED, D(2026, 11, 16), D(2026, 11, 20), D(2026, 12, 12),
                      "The provider changed its interface.", first_move),
        PromiseEvent(PromiseEventKind.MOVED, D(2026, 11, 22), D(2026, 12, 12), D(2026, 12, 19),
                      "The bank's approval takes a week longer.", payments.events[1].commit),
    )
    going_live = ledger.milestones["launch"]
    assert (going_live.first_promise, going_live.events) == (D(2027, 1, 15), ())
    # `due` of the launch went later on its first day: a correction, which `check` accepts.
    assert check_portal(repo / "projects", today=TODAY) == []


def test_the_file_on_disk_is_todays_version_when_it_differs(tmp_path: Path) -> None:
    repo, _ = portal_repo(tmp_path / "portal")
    save(repo, "Plan", "2026-09-03T10:00:00+02:00", {"projects/acme/shop.yml": project_text(pay("2026-11-20"))})
    shop = repo / "projects/acme/shop.yml"
    assert len(file_versions(repo / "projects", "acme/shop.yml").file_versions[shop.absolute()].oldest_first) == 1
    shop.write_text(project_text(pay("2026-11-20", delay=delay("2026-12-01", "Ill."))), encoding="utf-8")
    versions = file_versions(repo / "projects", "acme/shop.yml").file_versions[shop.absolute()]
    assert [v.commit == "" for v in versions.oldest_first] == [False, True]
    ledger = project_ledger(versions, WARSAW, TODAY)
    assert ledger.milestones["pay"].events[0].day == TODAY
    # A file never committed is all today's.
    new = repo / "projects/acme/app.yml"
    new.write_text(project_text(launch()), encoding="utf-8")
    fresh = file_versions(repo / "projects", "acme/app.yml").file_versions[new.absolute()]
    assert fresh.status == UNCOMMITTED
    assert project_ledger(fresh, WARSAW, TODAY).milestones["launch"].promised_on == TODAY


def test_merged_branches_count_from_the_day_they_landed(tmp_path: Path) -> None:
    repo, _ = portal_repo(tmp_path / "portal")
    save(repo, "Plan", "2026-09-03T10:00:00+02:00", {"projects/acme/shop.yml": project_text(pay("2026-11-20"))})
    git(repo, "checkout", "-q", "-b", "draft")
    save(repo, "Draft the delay", "2026-11-10T10:00:00+01:00", {"projects/acme/shop.yml": project_text(
        pay("2026-11-20", delay=delay("2026-12-12", "The provider changed.")))})
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--no-ff", "-m", "Publish", "draft", date="2026-11-14T16:00:00+01:00")
    ledger = ledger_of(repo / "projects", "acme/shop.yml")
    assert [c.day for c in ledger.milestones["pay"].events] == [D(2026, 11, 14)]


def test_history_is_read_once_per_head_and_new_versions_only_after_a_commit(tmp_path: Path) -> None:
    repo, _ = portal_repo(tmp_path / "portal")
    for n, due in enumerate(["2026-11-20", "2026-11-19", "2026-11-18"]):
        save(repo, f"v{n}", f"2026-09-0{n + 3}T10:00:00+02:00", {"projects/acme/shop.yml": project_text(pay(due))})
    cache = tmp_path / "cache"
    first = GitHistory()
    file_versions(repo / "projects", "acme/shop.yml", cache=cache, history=first)
    assert (first.ledger.stats.git_log_runs, first.ledger.stats.blobs_parsed) == (1, 3)
    file_versions(repo / "projects", "acme/shop.yml", cache=cache, history=first)
    assert first.ledger.stats.memo_hits == 1
    second = GitHistory()  # a new build: the disk cache answers
    again = file_versions(repo / "projects", "acme/shop.yml", cache=cache, history=second)
    assert second.ledger.stats.cache_hits == 1
    assert (second.ledger.stats.git_log_runs, second.ledger.stats.blobs_parsed) == (0, 0)
    assert len(again.file_versions[(repo / "projects/acme/shop.yml").absolute()].oldest_first) == 3
    # After a commit: one more `git log`, and only the new version is parsed.
    save(repo, "v3", "2026-09-10T10:00:00+02:00", {"projects/acme/shop.yml": project_text(pay("2026-11-17"))})
    third = GitHistory()
    later = file_versions(repo / "projects", "acme/shop.yml", cache=cache, history=third)
    assert third.ledger.stats.git_log_runs == 1
    assert third.ledger.stats.blobs_parsed == 1
    assert len(later.file_versions[(repo / "projects/acme/shop.yml").absolute()].oldest_first) == 4


def test_a_separate_history_repository_mirrors_the_portal_folder(tmp_path: Path) -> None:
    portal = tmp_path / "portal"
    (portal / "projects/acme").mkdir(parents=True)
    text = project_text(pay("2026-11-20", delay=delay("2026-12-12", "The provider changed.")))
    (portal / "projects/acme/shop.yml").write_text(text, encoding="utf-8")
    mirror = init_repo(tmp_path / "history")
    save(mirror, "Plan", "2026-09-03T10:00:00+02:00", {"projects/acme/shop.yml": project_text(pay("2026-11-20"))})
    save(mirror, "Delay", "2026-11-15T10:00:00+01:00", {"projects/acme/shop.yml": text})
    source = LedgerSource(repository=mirror, root=portal)
    ledger = ledger_of(portal / "projects", "acme/shop.yml", source=source)
    assert [(c.day, c.new) for c in ledger.milestones["pay"].events] == [(D(2026, 11, 15), D(2026, 12, 12))]


# --- when there is no history to read ------------------------------------------------------


def test_a_portal_outside_git_is_a_warning_and_has_no_ledger(tmp_path: Path, caplog) -> None:
    projects = tmp_path / "copy" / "projects"
    (projects / "acme").mkdir(parents=True)
    (projects / "acme/client.yml").write_text(CLIENT, encoding="utf-8")
    (projects / "acme/shop.yml").write_text(project_text(pay("2026-12-20")), encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.milepost.history.project_files"):
        loaded = load_portal(projects, today=TODAY)
    assert loaded.problems == []
    assert "is not in a git repository" in caplog.text and "built without that history" in caplog.text
    versions = loaded.file_versions[("acme", "shop")]
    assert versions.status == NO_HISTORY
    assert project_ledger(versions, WARSAW, TODAY) == UNAVAILABLE
    # Said once per build (which may load the portal again), not once per project.
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.milepost.history.project_files"):
        load_portal(projects, today=TODAY, git_history=loaded.git_history)
    assert caplog.text == ""


def test_a_missing_ledger_repository_is_a_warning(tmp_path: Path, caplog) -> None:
    projects = tmp_path / "projects"
    (projects / "acme").mkdir(parents=True)
    (projects / "acme/client.yml").write_text(CLIENT, encoding="utf-8")
    (projects / "acme/shop.yml").write_text(project_text(pay("2026-12-20")), encoding="utf-8")
    source = LedgerSource(repository=tmp_path / "nowhere", root=tmp_path)
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.milepost.history.project_files"):
        assert check_portal(projects, today=TODAY, ledger=source) == []
    assert "extra.milepost.ledger_repo" in caplog.text and "does not exist" in caplog.text


def test_a_shallow_clone_is_reported_and_never_shown_as_never_moved(tmp_path: Path, caplog) -> None:
    repo, _ = portal_repo(tmp_path / "portal")
    save(repo, "Plan", "2026-09-03T10:00:00+02:00", {"projects/acme/shop.yml": project_text(pay("2026-11-20"))})
    save(repo, "Delay", "2026-11-15T10:00:00+01:00", {"projects/acme/shop.yml": project_text(
        pay("2026-11-20", delay=delay("2026-12-12", "The provider changed.")))})
    clone = shallow_clone(repo, tmp_path / "ci-checkout")
    # Loading for `milepost clients` goes on, saying the dates could not be checked.
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.milepost.history.project_files"):
        loaded = load_portal(clone / "projects", today=TODAY)
    assert loaded.problems == []
    assert "shallow clone" in caplog.text and "not checked against the history" in caplog.text
    ledger = project_ledger(loaded.file_versions[("acme", "shop")], WARSAW, TODAY)
    assert (ledger.available, ledger.reason, ledger.milestones) == (False, "shallow-clone", {})
    # A build and `milepost check` ask for the full history: no site is published without its
    # ledger, and no check passes without having seen the history.
    problems = load_portal(clone / "projects", today=TODAY, full_history=True).problems
    assert len(problems) == 1
    assert "shallow clone" in problems[0].message and "fetch-depth: 0" in problems[0].message
    assert "git fetch --unshallow" in problems[0].message
    # The full clone is fine either way.
    assert load_portal(repo / "projects", today=TODAY, full_history=True).problems == []


def test_check_on_a_shallow_clone_fails_with_the_fix(tmp_path: Path, capsys, monkeypatch) -> None:
    repo, _ = portal_repo(tmp_path / "portal")
    save(repo, "Plan", "2026-09-03T10:00:00+02:00", {"projects/acme/shop.yml": project_text(pay("2026-12-20"))})
    save(repo, "More", "2026-10-03T10:00:00+02:00", {"projects/acme/shop.yml": project_text(pay("2026-12-19"))})
    clone = shallow_clone(repo, tmp_path / "ci-checkout")
    monkeypatch.chdir(clone)
    code, out = run_check(clone / "mkdocs.yml", capsys)
    assert code == 1 and "fetch-depth: 0" in out
    monkeypatch.chdir(repo)
    assert run_check(repo / "mkdocs.yml", capsys)[0] == 0


def test_a_build_from_a_shallow_clone_stops_with_the_fix(tmp_path: Path) -> None:
    from milepost.errors import BuildFailed
    from milepost.mkdocs.build import build_clients

    repo, _ = portal_repo(tmp_path / "portal")
    save(repo, "Plan", "2026-09-03T10:00:00+02:00", {"projects/acme/shop.yml": project_text(pay("2026-12-20"))})
    save(repo, "More", "2026-10-03T10:00:00+02:00", {"projects/acme/shop.yml": project_text(pay("2026-12-19"))})
    clone = shallow_clone(repo, tmp_path / "ci-checkout")
    # The portal is checked once before any client is built: a shallow clone stops them all.
    with pytest.raises(BuildFailed, match="fetch-depth: 0"):
        build_clients(clone / "mkdocs.yml", site_dir=tmp_path / "site", today=TODAY)
    assert not (tmp_path / "site" / "acme").exists()
    built = build_clients(repo / "mkdocs.yml", site_dir=tmp_path / "site", today=TODAY)
    assert built.ok, built.failed
    page = (tmp_path / "site" / "acme" / "shop" / "index.html").read_text(encoding="utf-8")
    assert "Promised for 20 December 2026 on 3 September 2026." in page
    assert "Moved earlier, to 19 December 2026, on 3 October 2026." in page


# --- `milepost check`: no silent slips ------------------------------------------------------


def run_check(config: Path, capsys) -> tuple[int, str]:
    code = cli.main(["check", "--config-file", str(config), "--today", TODAY.isoformat()])
    captured = capsys.readouterr()
    return code, captured.out


def test_check_rejects_a_due_moved_later_without_a_delay_and_accepts_the_fix(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    repo, config = portal_repo(tmp_path / "portal")
    monkeypatch.chdir(repo)
    save(repo, "Plan", "2026-09-03T10:00:00+02:00", {"projects/acme/shop.yml": project_text(pay("2026-11-20"))})
    moved = save(repo, "New date", "2026-11-15T10:00:00+01:00",
                 {"projects/acme/shop.yml": project_text(pay("2026-12-12"))})
    code, out = run_check(config, capsys)
    assert code == 1
    assert out.strip() == (
        f"projects/acme/shop.yml:5: milestones[0].due: 'pay': `due` was changed from 2026-11-20 to "
        f"2026-12-12 on 2026-11-15 (commit {moved[:10]}). `due` keeps the date promised first, and a "
        "later date needs a `delay`: put back `due: 2026-11-20` and add `delay: {reason: ..., plan: "
        "..., due: 2026-12-12}` saying why the date moved, what happens now and the new date"
    )
    # The fix: the first promise back in `due`, the new date with its reason in `delay`.
    save(repo, "Explain", "2026-11-20T10:00:00+01:00", {"projects/acme/shop.yml": project_text(
        pay("2026-11-20", delay=delay("2026-12-12", "The provider changed its interface.")))})
    assert run_check(config, capsys)[0] == 0
    # The ledger keeps the truth: moved without a reason on 15 November, explained on the 20th.
    payments = ledger_of(repo / "projects", "acme/shop.yml").milestones["pay"]
    assert [(c.kind, c.day, c.reason) for c in payments.events] == [
        (PromiseEventKind.MOVED, D(2026, 11, 15), ""),
        (PromiseEventKind.EXPLAINED, D(2026, 11, 20), "The provider changed its interface."),
    ]
    html = ledger_html(payments, EN)
    assert "Promised for 20 November 2026 on 3 September 2026." in html
    assert "Moved to 12 December 2026 on 15 November 2026, with no reason given at the time." in html
    assert "Reason given on 20 November 2026: The provider changed its interface." in html


def test_a_second_move_with_the_first_moves_reason_is_rejected_until_a_new_reason_is_written(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    repo, config = portal_repo(tmp_path / "portal")
    monkeypatch.chdir(repo)
    shop = "projects/acme/shop.yml"
    save(repo, "Plan", "2026-09-03T10:00:00+02:00", {shop: project_text(pay("2026-11-20"))})
    save(repo, "Delay", "2026-11-10T10:00:00+01:00",
         {shop: project_text(pay("2026-11-20", delay=delay("2026-12-15", "The provider changed its API.")))})
    assert run_check(config, capsys)[0] == 0
    again = save(repo, "Later still", "2026-11-20T10:00:00+01:00",
                 {shop: project_text(pay("2026-11-20", delay=delay("2027-01-20", "The provider changed its API.")))})
    code, out = run_check(config, capsys)
    assert code == 1
    assert out.strip() == (
        f"projects/acme/shop.yml:7: milestones[0].delay.reason: 'pay': `delay.due` was moved again, "
        f"from 2026-12-15 to 2027-01-20 on 2026-11-20 (commit {again[:10]}), but `delay.reason` still "
        "gives the reason for the earlier date. Write why the date moved again in `delay.reason`, and "
        "what happens now in `delay.plan`"
    )
    # The ledger does not lend the first move's words to the second one.
    payments = ledger_of(repo / "projects", "acme/shop.yml").milestones["pay"]
    assert [(c.kind, c.new, c.reason) for c in payments.events] == [
        (PromiseEventKind.MOVED, D(2026, 12, 15), "The provider changed its API."),
        (PromiseEventKind.MOVED, D(2027, 1, 20), ""),
    ]
    save(repo, "Explain", "2026-11-21T10:00:00+01:00", {shop: project_text(
        pay("2026-11-20", delay=delay("2027-01-20", "Their new API failed the bank's security review.")))})
    assert run_check(config, capsys)[0] == 0
    payments = ledger_of(repo / "projects", "acme/shop.yml").milestones["pay"]
    assert [(c.kind, c.day, c.reason) for c in payments.events][1:] == [
        (PromiseEventKind.MOVED, D(2026, 11, 20), ""),
        (PromiseEventKind.EXPLAINED, D(2026, 11, 21), "Their new API failed the bank's security review."),
    ]
    # Moving the date earlier again needs no new words: that is good news.
    save(repo, "Sooner", "2026-11-22T10:00:00+01:00", {shop: project_text(
        pay("2026-11-20", delay=delay("2027-01-10", "Their new API failed the bank's security review.")))})
    assert run_check(config, capsys)[0] == 0


def test_a_new_id_with_the_same_title_is_the_same_milestone(tmp_path: Path, capsys, monkeypatch) -> None:
    """Ids should stay, but a changed id must not hide a date moved in the same commit."""
    repo, config = portal_repo(tmp_path / "portal")
    monkeypatch.chdir(repo)
    shop = "projects/acme/shop.yml"
    save(repo, "Plan", "2026-09-03T10:00:00+02:00", {shop: project_text(pay("2026-12-20"), launch())})
    renamed = dict(pay("2027-02-20"), id="payments")
    moved = save(repo, "Tidy ids", "2026-11-10T10:00:00+01:00", {shop: project_text(renamed, launch())})
    code, out = run_check(config, capsys)
    assert code == 1
    assert f"'payments': `due` was changed from 2026-12-20 to 2027-02-20 on 2026-11-10 (commit {moved[:10]})" in out
    ledger = ledger_of(repo / "projects", "acme/shop.yml")
    assert ledger.milestones["payments"].promised_on == D(2026, 9, 3)
    assert ledger.milestones["launch"].events == ()
    # Put right: the first promise back in `due`, the new date in a delay - under the new id.
    save(repo, "Explain", "2026-11-11T10:00:00+01:00", {shop: project_text(
        dict(pay("2026-12-20", delay=delay("2027-02-20", "The bank needs a new contract.")), id="payments"),
        launch())})
    assert run_check(config, capsys)[0] == 0
    payments = ledger_of(repo / "projects", "acme/shop.yml").milestones["payments"]
    assert [(c.kind, c.day, c.new) for c in payments.events] == [
        (PromiseEventKind.MOVED, D(2026, 11, 10), D(2027, 2, 20)),
        (PromiseEventKind.EXPLAINED, D(2026, 11, 11), None),
    ]


def test_a_file_renamed_and_rewritten_in_one_commit_keeps_its_history(tmp_path: Path, capsys, monkeypatch) -> None:
    """git sees no rename when most lines change; the file's history must not start again."""
    repo, config = portal_repo(tmp_path / "portal")
    monkeypatch.chdir(repo)
    long_summary = {"summary": "A shop where customers order bread and cakes for pick-up. " * 12}
    old_text = yaml.safe_dump({"name": "Shop", **long_summary, "milestones": [pay("2026-12-20"), launch()]})
    save(repo, "Plan", "2026-09-03T10:00:00+02:00", {"projects/acme/shop.yml": old_text})
    git(repo, "rm", "-q", "projects/acme/shop.yml")
    new_text = yaml.safe_dump({"name": "Web shop", "summary": "Short now.", "milestones": [pay("2027-02-20")]})
    save(repo, "Rename and rewrite", "2026-11-10T10:00:00+01:00", {"projects/acme/webshop.yml": new_text})
    assert "R" not in git(repo, "show", "--name-status", "--format=", "HEAD").split()[0]  # git saw no rename
    code, out = run_check(config, capsys)
    assert code == 1 and "'pay': `due` was changed from 2026-12-20 to 2027-02-20" in out
    payments = ledger_of(repo / "projects", "acme/webshop.yml").milestones["pay"]
    assert payments.promised_on == D(2026, 9, 3)


def test_check_sees_an_uncommitted_move_and_a_due_moved_together_with_a_delay(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    repo, config = portal_repo(tmp_path / "portal")
    monkeypatch.chdir(repo)
    save(repo, "Plan", "2026-09-03T10:00:00+02:00", {"projects/acme/shop.yml": project_text(pay("2026-11-20"))})
    shop = repo / "projects/acme/shop.yml"
    shop.write_text(project_text(pay("2026-12-01", delay=delay("2026-12-12", "Ill."))), encoding="utf-8")
    code, out = run_check(config, capsys)
    assert code == 1
    assert "`due` was changed from 2026-11-20 to 2026-12-01 on 2026-11-24 (not committed yet)" in out
    assert "put back `due: 2026-11-20`; the new date belongs in `delay.due`" in out


def test_moving_due_earlier_or_back_is_allowed(tmp_path: Path) -> None:
    repo, _ = portal_repo(tmp_path / "portal")
    save(repo, "Plan", "2026-09-03T10:00:00+02:00", {"projects/acme/shop.yml": project_text(pay("2026-12-20"))})
    save(repo, "Sooner", "2026-10-01T10:00:00+02:00", {"projects/acme/shop.yml": project_text(pay("2026-12-10"))})
    assert check_portal(repo / "projects", today=TODAY) == []
    # From 10 back to 20 December is a move later than the date then promised.
    save(repo, "Later again", "2026-10-05T10:00:00+02:00", {"projects/acme/shop.yml": project_text(pay("2026-12-20"))})
    problems = check_portal(repo / "projects", today=TODAY)
    assert [p.field for p in problems] == ["milestones[0].due"]
    assert "from 2026-12-10 to 2026-12-20" in problems[0].message
    payments = ledger_of(repo / "projects", "acme/shop.yml").milestones["pay"]
    assert [(c.old, c.new, c.later) for c in payments.events] == [
        (D(2026, 12, 20), D(2026, 12, 10), False),
        (D(2026, 12, 10), D(2026, 12, 20), True),
    ]
    assert "Moved earlier, to 10 December 2026, on 1 October 2026." in ledger_html(payments, EN)


def test_check_of_this_repositorys_demo_passes() -> None:
    result = subprocess.run(
        [str(Path(sys.executable).parent / "milepost"), "check"],
        cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "MILEPOST_TODAY": "2026-11-24"},
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- the demo's history ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("demo-repos")
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_demo_repos.py"), "--dest", str(dest)],
        check=True, capture_output=True,
    )
    return dest / "portal-history"


def test_the_demo_ledger_shows_the_same_real_moves_on_every_clone(demo_history: Path) -> None:
    source = LedgerSource(repository=demo_history, root=ROOT)
    ledger = ledger_of(ROOT / "projects", "acme-retail/webshop.yml", source=source)
    payments = ledger.milestones["payments"]
    assert (payments.first_promise, payments.promised_on) == (D(2026, 11, 20), D(2026, 9, 3))
    assert [(c.kind, c.day, c.old, c.new) for c in payments.events] == [
        (PromiseEventKind.MOVED, D(2026, 11, 15), D(2026, 11, 20), D(2026, 12, 12))
    ]
    assert payments.events[0].reason.startswith("The payment provider changed its interface")
    # Fixed on the day it was written: the launch was promised for 15 January and never moved.
    assert (ledger.milestones["launch"].first_promise, ledger.milestones["launch"].events) == (D(2027, 1, 15), ())


def test_every_demo_project_has_a_history_before_the_last_version(demo_history: Path) -> None:
    data = yaml.safe_load((ROOT / "scripts" / "demo_history.yml").read_text(encoding="utf-8"))
    named = {path for entry in data["portal_history"][:-1] for path in entry["files"]}
    # The answers' record is written by `milepost inbox`, not a project file with a history of promises.
    files = sorted(
        p.relative_to(ROOT).as_posix() for p in (ROOT / "projects").glob("*/*.yml") if p.name not in NOT_PROJECTS
    )
    assert [f for f in files if f not in named] == []
    # ... and the history ends with projects/ exactly as it is.
    for name in files:
        assert (demo_history / name).read_bytes() == (ROOT / name).read_bytes()


def test_a_move_given_its_reason_later_the_same_day_shows_the_reason(tmp_path: Path) -> None:
    repo, _ = portal_repo(tmp_path / "portal")
    shop = "projects/acme/shop.yml"
    save(repo, "Plan", "2026-09-03T10:00:00+02:00", {shop: project_text(pay("2026-11-20"), launch())})
    # Moved in the morning with the reason still to be written, the reason added after lunch.
    save(
        repo,
        "Delay",
        "2026-11-16T09:00:00+01:00",
        {shop: project_text(pay("2026-11-20", delay=delay("2026-12-12", "")))},
    )
    reason = "The provider changed its interface."
    evening = save(repo, "Reason", "2026-11-16T14:00:00+01:00",
                   {shop: project_text(pay("2026-11-20", delay=delay("2026-12-12", reason)))})
    payments = ledger_of(repo / "projects", "acme/shop.yml").milestones["pay"]
    assert payments.events == (
        PromiseEvent(PromiseEventKind.MOVED, D(2026, 11, 16), D(2026, 11, 20), D(2026, 12, 12), reason, evening),
    )
    sentences = ledger_html(payments, EN)
    assert "no reason given" not in sentences and reason in sentences


def test_a_move_put_back_and_made_again_with_a_reason_the_same_day_is_one_move_with_it(tmp_path: Path) -> None:
    repo, _ = portal_repo(tmp_path / "portal")
    shop = "projects/acme/shop.yml"
    save(repo, "Plan", "2026-09-03T10:00:00+02:00", {shop: project_text(pay("2026-11-20"), launch())})
    first = "The provider changed its interface."
    save(
        repo,
        "Delay",
        "2026-11-10T09:00:00+01:00",
        {shop: project_text(pay("2026-11-20", delay=delay("2026-12-12", first)))},
    )
    # A week later: moved again by mistake with the old words, put back, then moved with its own reason.
    save(
        repo,
        "Again",
        "2026-11-17T09:00:00+01:00",
        {shop: project_text(pay("2026-11-20", delay=delay("2026-12-19", first)))},
    )
    save(
        repo,
        "Undo",
        "2026-11-17T10:00:00+01:00",
        {shop: project_text(pay("2026-11-20", delay=delay("2026-12-12", first)))},
    )
    second = "The bank's approval takes a week longer."
    save(
        repo,
        "Redo",
        "2026-11-17T16:00:00+01:00",
        {shop: project_text(pay("2026-11-20", delay=delay("2026-12-19", second)))},
    )
    ledger = ledger_of(repo / "projects", "acme/shop.yml")
    moves = ledger.milestones["pay"].events
    assert [(e.kind, e.day, e.old, e.new, e.reason) for e in moves] == [
        (PromiseEventKind.MOVED, D(2026, 11, 10), D(2026, 11, 20), D(2026, 12, 12), first),
        (PromiseEventKind.MOVED, D(2026, 11, 17), D(2026, 12, 12), D(2026, 12, 19), second),
    ]
    assert "no reason given" not in ledger_html(ledger.milestones["pay"], EN)

"""A client whose inputs did not change is not built again (publish/build_manifest.py), and
`--jobs N` builds clients in N processes with the same output as one. Real `milepost build`
runs on a small portal with one git repository per client."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from factories import CommitSpec, commit, make_shop_portal
from milepost.cli import main as milepost
from milepost.history.state import GitHistory
from milepost.mkdocs.build import build_clients
from milepost.publish.site_folder import TEST_PAUSE_ENV

TODAY = "2026-11-24"
CLIENTS = ("alpha", "beta", "gamma")


@pytest.fixture
def portal(tmp_path: Path) -> Path:
    return make_shop_portal(tmp_path, CLIENTS)


def build(portal: Path, site: Path, capsys, *options: str, today: str = TODAY) -> tuple[int, str, str]:
    code = milepost(["build", "--config-file", str(portal), "--site-dir", str(site), "--today", today, *options])
    out, err = capsys.readouterr()
    return code, out, err


def built(out: str) -> list[str]:
    return sorted(line.split()[1].rstrip(":") for line in out.splitlines() if line.startswith("built "))


def unchanged(out: str) -> list[str]:
    return sorted(line.split()[1].rstrip(":") for line in out.splitlines() if line.startswith("unchanged "))


def identity(folder: Path) -> int:
    """The published folder's inode: a build swaps a new folder in, so a new inode."""
    return folder.stat().st_ino


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_rebuild_in_a_new_process_leaves_unchanged_clients_alone(portal: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    command = [sys.executable, "-m", "milepost.cli", "build", "--config-file", str(portal), "--site-dir", str(site),
               "--today", TODAY, "--verbose"]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    started = time.monotonic()
    first = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path)
    cold = time.monotonic() - started
    assert first.returncode == 0, first.stderr
    assert built(first.stdout) == list(CLIENTS)
    before = {client: (identity(site / client), snapshot(site / client)) for client in CLIENTS}

    started = time.monotonic()
    second = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path)
    warm = time.monotonic() - started
    assert second.returncode == 0, second.stderr
    assert built(second.stdout) == []
    assert unchanged(second.stdout) == list(CLIENTS)
    for client in CLIENTS:
        assert f"{client}: unchanged, not rebuilt" in second.stderr
        assert (identity(site / client), snapshot(site / client)) == before[client]
    assert "Building documentation" not in second.stderr  # MkDocs did not run at all
    assert warm < cold


def test_one_commit_rebuilds_only_that_client(portal: Path, tmp_path: Path, capsys) -> None:
    site = tmp_path / "site"
    assert build(portal, site, capsys)[0] == 0
    kept = {client: identity(site / client) for client in CLIENTS}
    commit(tmp_path / "repo-beta", CommitSpec("feat: loyalty stamps on receipts", date="2026-11-20T09:00:00+01:00"))
    code, out, err = build(portal, site, capsys)
    assert code == 0, err
    assert built(out) == ["beta"]
    assert unchanged(out) == ["alpha", "gamma"]
    assert "Loyalty stamps on receipts" in (site / "beta" / "shop" / "index.html").read_text(encoding="utf-8")
    assert identity(site / "alpha") == kept["alpha"] and identity(site / "beta") != kept["beta"]


def test_a_letter_sent_rebuilds_only_that_clients_site(portal: Path, tmp_path: Path, capsys) -> None:
    """The client's archive lists the letters sent to it: a new entry in the sent record is a
    new input of that client's site only."""
    import json

    from milepost.publish.letters import RECORD_FORMAT

    site = tmp_path / "site"
    assert build(portal, site, capsys)[0] == 0
    entry = {
        "client": "beta", "kind": "weekly", "day": "2026-11-23", "subject": "Beta Ltd: the week of 16 November",
        "message_id": "<weekly-2026-11-23@test>", "text": "Good morning,\n\nthe shop's gift cards are ready.",
    }
    record = portal.parent / "letters" / "sent.json"
    record.parent.mkdir(exist_ok=True)
    record.write_text(json.dumps({"format": RECORD_FORMAT, "letters": [entry]}), encoding="utf-8")
    code, out, err = build(portal, site, capsys)
    assert code == 0, err
    assert built(out) == ["beta"]
    assert unchanged(out) == ["alpha", "gamma"]
    assert "Beta Ltd: the week of 16 November" in (site / "beta" / "letters" / "index.html").read_text(encoding="utf-8")


def test_an_edited_project_file_rebuilds_its_client(portal: Path, tmp_path: Path, capsys) -> None:
    site = tmp_path / "site"
    assert build(portal, site, capsys)[0] == 0
    project = tmp_path / "projects" / "gamma" / "shop.yml"
    project.write_text(project.read_text(encoding="utf-8").replace("name: Shop", "name: Web shop"), encoding="utf-8")
    code, out, err = build(portal, site, capsys)
    assert code == 0, err
    assert built(out) == ["gamma"]
    assert "Web shop" in (site / "gamma" / "index.html").read_text(encoding="utf-8")


def test_a_milestone_finished_for_one_client_rebuilds_every_client(portal: Path, tmp_path: Path, capsys) -> None:
    """A young project's forecast stands on the agency's reference class across all its clients
    (docs/health.md, "The forecast"): a milestone finished anywhere is an input of every site."""
    from factories import milestone, project_yml, task

    site = tmp_path / "site"
    assert build(portal, site, capsys)[0] == 0
    finished = milestone(
        id="early", title="Early part", start="2026-09-01", due="2026-10-01", done="2026-10-05",
        tasks=[task("Zero", "2026-10-05")],
    )
    project = tmp_path / "projects" / "gamma" / "shop.yml"
    project.write_text(
        project_yml(name="Shop", repositories=[{"path": "../../repo-gamma"}], milestones=[finished, milestone()]),
        encoding="utf-8",
    )
    code, out, err = build(portal, site, capsys)
    assert code == 0, err
    assert built(out) == ["alpha", "beta", "gamma"]


@pytest.mark.parametrize("damage", ["edited", "same size", "deleted", "added", "folder removed"])
def test_a_damaged_published_folder_is_built_again(portal: Path, tmp_path: Path, capsys, damage: str) -> None:
    site = tmp_path / "site"
    assert build(portal, site, capsys)[0] == 0
    good = snapshot(site / "alpha")
    page = site / "alpha" / "shop" / "index.html"
    if damage == "edited":
        page.write_text("<p>defaced</p>", encoding="utf-8")
    elif damage == "same size":
        text = page.read_bytes()
        page.write_bytes(text[:-2] + b"!!")
    elif damage == "deleted":
        page.unlink()
    elif damage == "added":
        (site / "alpha" / "extra.html").write_text("<p>not ours</p>", encoding="utf-8")
    else:
        import shutil

        shutil.rmtree(site / "alpha")
    code, out, err = build(portal, site, capsys)
    assert code == 0, err
    assert built(out) == ["alpha"]
    assert snapshot(site / "alpha") == good


def test_a_new_day_rebuilds_every_client(portal: Path, tmp_path: Path, capsys) -> None:
    site = tmp_path / "site"
    assert build(portal, site, capsys)[0] == 0
    code, out, err = build(portal, site, capsys, today="2026-11-25")
    assert code == 0, err
    assert built(out) == list(CLIENTS)
    assert "25 November 2026" in (site / "alpha" / "index.html").read_text(encoding="utf-8")


def test_a_changed_mkdocs_yml_rebuilds_every_client(portal: Path, tmp_path: Path, capsys) -> None:
    site = tmp_path / "site"
    assert build(portal, site, capsys)[0] == 0
    portal.write_text(portal.read_text(encoding="utf-8").replace("primary: indigo", "primary: teal"), encoding="utf-8")
    code, out, err = build(portal, site, capsys)
    assert code == 0, err
    assert built(out) == list(CLIENTS)


def test_force_rebuilds_unchanged_clients(portal: Path, tmp_path: Path, capsys) -> None:
    site = tmp_path / "site"
    assert build(portal, site, capsys)[0] == 0
    code, out, err = build(portal, site, capsys, "--force", "--client", "alpha")
    assert code == 0, err
    assert built(out) == ["alpha"] and unchanged(out) == []


def test_a_new_password_rebuilds_a_protected_client(portal: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    client = tmp_path / "projects" / "alpha" / "client.yml"
    client.write_text(client.read_text(encoding="utf-8") + "password_env: ALPHA_PASSWORD\n", encoding="utf-8")
    site = tmp_path / "site"
    monkeypatch.setenv("ALPHA_PASSWORD", "correct horse battery staple")
    assert build(portal, site, capsys)[0] == 0
    code, out, _ = build(portal, site, capsys, "--client", "alpha")
    assert code == 0 and unchanged(out) == ["alpha"]
    monkeypatch.setenv("ALPHA_PASSWORD", "another horse battery staple")
    code, out, err = build(portal, site, capsys, "--client", "alpha")
    assert code == 0, err
    assert built(out) == ["alpha"]


def test_two_jobs_build_the_same_sites_as_one(portal: Path, tmp_path: Path, capsys) -> None:
    code, out, err = build(portal, tmp_path / "one", capsys, "--jobs", "1")
    assert code == 0, err
    code, out, err = build(portal, tmp_path / "two", capsys, "--jobs", "2")
    assert code == 0, err
    assert built(out) == list(CLIENTS)
    assert snapshot(tmp_path / "two") == snapshot(tmp_path / "one")


def test_a_history_handed_to_more_than_one_job_is_refused(portal: Path, tmp_path: Path) -> None:
    """Worker processes read git for themselves, so a history handed in would count nothing:
    it is refused, before anything is read or written, instead of being ignored."""
    history = GitHistory()
    with pytest.raises(ValueError, match="jobs=1"):
        build_clients(portal, site_dir=tmp_path / "site", git_history=history, jobs=2)
    assert not (tmp_path / "site").exists()
    assert history.git.runs == 0


def test_two_jobs_keep_going_report_each_client(portal: Path, tmp_path: Path, capsys) -> None:
    broken = tmp_path / "projects" / "beta" / "shop.yml"
    broken.write_text(
        broken.read_text(encoding="utf-8").replace("../../repo-beta", "../../no-such-repo"), encoding="utf-8"
    )
    code, out, err = build(portal, tmp_path / "site", capsys, "--jobs", "2", "--keep-going")
    assert code == 1
    assert built(out) == ["alpha", "gamma"]
    assert "FAILED beta:" in err and "not built: beta" in err and "Traceback" not in err


def test_jobs_must_be_a_positive_number(portal: Path, tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit):
        milepost(["build", "--config-file", str(portal), "--jobs", "0"])
    assert "is not a number of processes" in capsys.readouterr().err


def test_workers_stop_with_a_killed_build(portal: Path, tmp_path: Path, capsys) -> None:
    """`kill -9` of the build while its workers swap in: the workers end with it (they never
    swap in without the lock their parent held), and the next build makes every site whole."""
    site = tmp_path / "site"
    assert build(portal, site, capsys)[0] == 0
    before = snapshot(site)
    script = "import sys; from milepost.cli import main; sys.exit(main(sys.argv[1:]))"
    running = subprocess.Popen(
        [sys.executable, "-c", script, "build", "--config-file", str(portal), "--site-dir", str(site),
         "--today", TODAY, "--force", "--jobs", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp_path,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", TEST_PAUSE_ENV: "30"},
    )
    deadline = time.monotonic() + 300
    while not any(site.glob(".*.old-*")):
        assert time.monotonic() < deadline, "no swap began"
        time.sleep(0.05)
    workers = subprocess.run(["pgrep", "-P", str(running.pid)], capture_output=True, text=True).stdout.split()
    assert workers, "the build runs its clients in worker processes"
    running.send_signal(signal.SIGKILL)
    running.wait(timeout=60)
    deadline = time.monotonic() + 30
    while any(Path(f"/proc/{pid}").exists() and "Z" not in _state(pid) for pid in workers):
        assert time.monotonic() < deadline, "a worker outlived its build"
        time.sleep(0.05)
    assert build(portal, site, capsys)[0] == 0
    assert snapshot(site) == before


def _state(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return "Z"

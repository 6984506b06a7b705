"""The benchmark script runs end to end on tiny data and prints its figures (no timing checks)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from helpers import ROOT

SCRIPT = ROOT / "scripts" / "bench.py"
SECONDS = r"\s+\d+\.\d{3}\s+\d+\.\d{3}\s+\d+\.\d{3}"  # median, min, max
RATIO = r"\s+\d+\.\d\dx\s+target <= {target}x\s+(PASS|OVER)"


def run_bench(*args: str, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, env=env, timeout=timeout
    )


def test_bench_prints_every_figure_and_ratio(tmp_path: Path) -> None:
    keep = tmp_path / "data"
    done = run_bench(
        "--commits", "50", "--projects", "1", "--runs", "1", "--forecast-projects", "2", "--keep", str(keep)
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for label in (
        "git log > /dev/null",
        r"read_history, cold \(runs git log, parses\)",
        "read_history, disk cache",
        r"milepost build, cold \(empty cache, first build\)",
        r"milepost build, warm \(nothing changed\)",
        "mkdocs build, same pages, no hooks",
        r"milepost build, pages rendered again \(caches kept\)",
        r"classify \+ redact all commits \(no shown-work cache\)",
        r"the same from the shown-work cache \(heads unchanged\)",
    ):
        assert re.search(label + SECONDS, out), f"no figures for {label!r} in:\n{out}"
    assert re.search(r"history: read_history cold / git log" + RATIO.format(target=r"1\.2"), out), out
    assert_classification_figures(out, commits=50)
    assert re.search(r"forecasts of 2 projects \(4000 futures each\)" + SECONDS, out), out
    assert re.search(r"build: milepost warm / plain mkdocs" + RATIO.format(target=r"1\.3"), out), out
    assert re.search(r"cpus: \d+", out) and "git version" in out and "python: 3." in out, out
    # The plain build rendered the same pages as Milepost's, or the build ratio means nothing.
    assert re.search(r"HTML pages identical in both outputs: (\d+) of \1\b", out), out
    # --keep leaves the generated data: a repository with the 50 commits asked for.
    count = subprocess.run(
        ["git", "-C", str(keep / "repos" / "repo-1"), "rev-list", "--count", "HEAD"],
        capture_output=True, text=True, check=True,
    )
    assert count.stdout.strip() == "50"


def assert_classification_figures(out: str, *, commits: int) -> None:
    assert f"Classification: {commits} commits of one generated repository" in out, out
    assert re.search(r"classify \+ redact \(classify_all\)" + SECONDS, out), out
    assert re.search(r"one regex pass over subject and body" + SECONDS, out), out
    assert re.search(r"per commit \(median\): \d+\.\d µs; \d+\.\dx one regex pass", out), out
    assert re.search(r"classification: µs per commit\s+\d+\.\d\s+target <= 15 µs\s+(PASS|OVER)", out), out


def test_bench_only_classify_prints_the_classification_figures_alone() -> None:
    done = run_bench("--only", "classify", "--commits", "40", "--runs", "2")
    assert done.returncode == 0, done.stderr
    assert_classification_figures(done.stdout, commits=40)
    assert "History:" not in done.stdout and "Build:" not in done.stdout


def test_bench_only_forecast_prints_the_forecast_figures_alone() -> None:
    done = run_bench("--only", "forecast", "--forecast-projects", "3", "--runs", "2")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert re.search(r"forecasts of 3 projects \(4000 futures each\)" + SECONDS, out), out
    assert re.search(r"per project \(median\): \d+\.\d ms", out), out
    assert re.search(r"forecasts: CPU seconds for 200 projects\s+\d+\.\d\d\s+target <= 2 s\s+(PASS|OVER)", out), out
    assert "History:" not in out and "Classification:" not in out


def test_bench_only_calibration_prints_the_replay_figures_beside_the_forecasts() -> None:
    done = run_bench("--only", "calibration", "--forecast-projects", "2", "--runs", "1")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for label in ("forecasts of 2 projects", "calibration replays of 2 projects", "health strips of 2 projects"):
        assert re.search(label + SECONDS, out), f"no figures for {label!r} in:\n{out}"
    for label in ("all three", "all three, warm"):
        figure = label + r": CPU seconds for 200 projects\s+\d+\.\d\d\s+target <= 2 s\s+(PASS|OVER)"
        assert re.search(figure, out), out
    for label in ("calibration replays, from the cache", "health strips, from the cache"):
        assert re.search(label + SECONDS, out), f"no figures for {label!r} in:\n{out}"
    assert "History:" not in out and "Classification:" not in out


def test_bench_refuses_a_folder_with_files_in_it(tmp_path: Path) -> None:
    (tmp_path / "something.txt").write_text("mine", encoding="utf-8")
    done = run_bench("--commits", "5", "--projects", "1", "--runs", "1", "--keep", str(tmp_path))
    assert done.returncode == 1
    assert "--keep" in done.stderr and "Traceback" not in done.stderr
    assert (tmp_path / "something.txt").read_text(encoding="utf-8") == "mine"


TIMES = r"\s+\d+\.\d\d" * 4  # median, min, max (wall), CPU
PROCESS = TIMES + r"\s+(\d+)"  # and peak MB


def test_portal_mode_prints_every_row_from_new_processes(tmp_path: Path) -> None:
    keep = tmp_path / "data"
    done = run_bench(
        "--portal", "--clients", "2", "--projects", "1", "--commits", "50", "--runs", "1", "--keep", str(keep),
        timeout=600,  # about 20 s alone; eleven builds in new processes on a busy machine take longer
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "2 clients x 1 project (2 repositories) x 50 commits = 100 commits" in out, out
    peaks = {}
    for label in (
        r"cold build \(no caches, no site/\), --jobs \d+",
        r"cold build, --jobs 1 \(clients one after another\)",
        "rebuild, nothing changed",
        r"rebuild after one new commit \(in client-01\)",
        "build --client client-01 after one new commit",
        r"rebuild after one YAML edit \(in client-02\)",
        "milepost check",
        "git log of the 2 repositories, summed",
        "plain mkdocs build of the 2 sites, no hooks",
    ):
        found = re.search(label + PROCESS, out)
        assert found, f"no figures for {label!r} in:\n{out}"
        peaks[label] = int(found.group(1))
    assert re.search(r"read_history, cold, every repository \(this process\)" + TIMES + "$", out, re.M), out
    # The peaks are the commands' own, not this process's pages nor only the launcher's.
    floor = int(re.search(r"launcher alone \(the floor of every peak\): (\d+) MB", out).group(1))
    assert peaks[r"cold build \(no caches, no site/\), --jobs \d+"] > 2 * floor, out
    assert re.search(r"HTML pages identical in Milepost's and the plain sites: (\d+) of \1\b", out), out
    assert re.search(r"total\s+\d+\.\d MB\s+\d+ files", out), out
    # The theme's files once for both clients (publish/shared_assets.py).
    assert re.search(r"under assets/ folders\s+\d+\.\d MB\s+in 1 folder\b", out), out
    assert re.search(r"repeated copies \(same bytes elsewhere\)\s+\d+\.\d MB\s+goal: theme assets once", out), out
    for ratio, goal in (
        ("history: read_history cold / git log", r"<= 1\.2x"),
        ("rebuild, nothing changed / plain mkdocs build", r"\(none\)"),
        ("cold build / plain mkdocs build", r"\(none\)"),
        ("cold build, --jobs 1 / the default", r"\(none\)"),
        ("rebuild after one commit / build --client client-01", "about 1x"),
    ):
        assert re.search(re.escape(ratio) + r"\s+\d+\.\d\dx\s+CPU\s+\d+\.\d\dx\s+goal: " + goal, out), out
    # Every client's site was built, and each project is its own repository of 50 commits,
    # merges among them, plus the two commits the rebuild rows added to client-01's.
    assert sorted(
        p.name for p in (keep / "portal" / "site").iterdir() if p.is_dir()
    ) == ["assets", "client-01", "client-02"]

    def git(repo: str, *args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(keep / "repos" / repo / "repo-1"), *args], capture_output=True, text=True, check=True
        ).stdout.strip()

    assert git("client-02", "rev-list", "--count", "main") == "50"
    assert git("client-01", "rev-list", "--count", "main") == "52"
    assert int(git("client-02", "rev-list", "--count", "--merges", "main")) > 0
    assert git("client-01", "log", "-1", "--format=%s", "main") == "fix(cart): keep basket total, take 2"

"""The GitHub Actions workflows: actionlint (with ShellCheck for the `run:` scripts) finds no
problem, and the publishing pipeline keeps its promises: checks first, one build per client,
the build cache restored, full history, deploy only after every build passed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
# The test extras install actionlint and shellcheck into the virtual environment's bin folder.
TOOLS = Path(sys.executable).parent


def actionlint(*files: Path) -> subprocess.CompletedProcess[str]:
    executable = TOOLS / "actionlint"
    if not executable.is_file():
        pytest.fail("actionlint is missing: run `make test` (it installs the test extras of pyproject.toml)")
    assert shutil.which("shellcheck", path=str(TOOLS)), "shellcheck is missing from the test extras"
    env = dict(os.environ, PATH=f"{TOOLS}{os.pathsep}{os.environ.get('PATH', '')}")
    return subprocess.run(
        [str(executable), "-no-color", *map(str, files)], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120
    )


def load(name: str) -> dict[str, Any]:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as True.
    data["on"] = data.pop(True, data.get("on"))
    return data


def steps_using(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [step for step in job.get("steps", []) if str(step.get("uses", "")).startswith(action + "@")]


def test_actionlint_finds_no_problem_in_the_workflows() -> None:
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert {f.name for f in files} >= {"ci.yml", "publish.yml"}
    result = actionlint(*files)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_actionlint_would_catch_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ matrix.client }}\n      - uses: actions/checkout@v6\n        with:\n          depth: 0\n",
        encoding="utf-8",
    )
    result = actionlint(broken)
    assert result.returncode == 1
    assert "matrix" in result.stdout and '"depth" is not defined' in result.stdout


def test_pull_requests_run_the_check_and_the_tests() -> None:
    ci = load("ci.yml")
    assert "pull_request" in ci["on"] and "workflow_call" in ci["on"]
    runs = {name: [step.get("run", "") for step in job["steps"]] for name, job in ci["jobs"].items()}
    assert "make check" in runs["check"] and "make test" in runs["test"]
    assert ci["jobs"]["test"]["env"]["MILEPOST_CHROMIUM"]


def test_publishing_checks_first_builds_per_client_and_deploys_last() -> None:
    publish = load("publish.yml")
    assert publish["on"]["push"]["branches"] == ["main"]
    jobs = publish["jobs"]
    assert jobs["checks"]["uses"] == "./.github/workflows/ci.yml"
    assert jobs["plan"]["needs"] == "checks"
    assert "milepost clients --json" in " ".join(step.get("run", "") for step in jobs["plan"]["steps"])

    build = jobs["build"]
    assert build["needs"] == "plan"
    assert build["strategy"]["matrix"]["client"] == "${{ fromJSON(needs.plan.outputs.clients) }}"
    (cache,) = steps_using(build, "actions/cache")
    assert cache["with"]["path"] == ".cache/milepost" and "matrix.client" in cache["with"]["key"]
    (build_step,) = [step for step in build["steps"] if "milepost build" in step.get("run", "")]
    assert '--client "$CLIENT"' in build_step["run"]
    assert build_step["env"]["MILEPOST_TOKEN_GITHUB_COM"] == "${{ secrets.MILEPOST_TOKEN_GITHUB_COM }}"

    deploy = jobs["deploy"]
    assert deploy["needs"] == "build"  # and so on every client's build, checks and tests
    assert steps_using(deploy, "actions/upload-pages-artifact") and steps_using(deploy, "actions/deploy-pages")
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert publish["permissions"] == {"contents": "read"}


def test_every_checkout_fetches_the_whole_history_where_history_is_read() -> None:
    for name in ("ci.yml", "publish.yml"):
        for job_name, job in load(name)["jobs"].items():
            for step in steps_using(job, "actions/checkout"):
                if job_name == "plan":  # lists clients only; reads no history
                    continue
                assert step.get("with", {}).get("fetch-depth") == 0, f"{name}: {job_name}"


def test_every_job_that_runs_milepost_on_the_demo_makes_its_repositories_first() -> None:
    """The demo's code repositories are not in git (they are made from scripts/demo_history.yml):
    a job running milepost on a fresh checkout without them finds "folder not found"."""
    for name in ("ci.yml", "publish.yml"):
        for job_name, job in load(name)["jobs"].items():
            runs = [str(step.get("run", "")) for step in job.get("steps", [])]
            uses_milepost = [i for i, run in enumerate(runs) if "milepost " in run or "make test" in run]
            if not uses_milepost:
                continue
            made = [i for i, run in enumerate(runs) if "make .demo-repos" in run or "make test" in run]
            assert made and made[0] <= uses_milepost[0], f"{name}: job {job_name}"


@pytest.mark.parametrize(("exit_code", "printed"), [(0, '["acme-retail","northwind-clinic"]'), (1, "")])
def test_the_plan_step_fails_when_milepost_clients_fails(tmp_path: Path, exit_code: int, printed: str) -> None:
    """Run the plan job's script as Actions runs it (`bash -e`), with a stand-in `milepost`:
    a failure must fail the step, not hand the matrix an empty list."""
    (step,) = [s for s in load("publish.yml")["jobs"]["plan"]["steps"] if s.get("id") == "clients"]
    fake = tmp_path / ".venv" / "bin" / "milepost"
    fake.parent.mkdir(parents=True)
    fake.write_text(f"#!/bin/sh\nprintf '%s\\n' '{printed}'\necho 'some problem' >&2\nexit {exit_code}\n")
    fake.chmod(0o755)
    output = tmp_path / "github-output"
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", step["run"]],
        cwd=tmp_path, env={**os.environ, "GITHUB_OUTPUT": str(output)}, capture_output=True, text=True,
    )
    assert done.returncode == exit_code
    if exit_code == 0:
        assert output.read_text() == f"clients={printed}\n"

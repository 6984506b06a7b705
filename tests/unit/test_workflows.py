"""The GitHub Actions workflows: actionlint (with ShellCheck for the `run:` scripts) finds no
problem, and the publishing pipeline keeps its promises: checks first, one build per client,
the build cache restored, full history, every client that built deployed and a failed
client's last good site kept."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from helpers import ROOT, actionlint

WORKFLOWS = ROOT / ".github" / "workflows"


def load(name: str) -> dict[str, Any]:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as True.
    data["on"] = data.pop(True, data.get("on"))
    return data


def steps_using(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [step for step in job.get("steps", []) if str(step.get("uses", "")).startswith(action + "@")]


def fake_gh_serving(previous: Path, tmp_path: Path) -> Path:
    """A folder with a `gh` command that answers as GitHub's would for the last Pages
    deployment: its artifact id (4242), then the artifact (a zip holding a tar of `previous`)."""
    subprocess.run(["tar", "-cf", str(tmp_path / "artifact.tar"), "-C", str(previous), "."], check=True)
    subprocess.run(["zip", "-qj", str(tmp_path / "pages.zip"), str(tmp_path / "artifact.tar")], check=True)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "gh").write_text(
        "#!/bin/sh\ncase \"$2\" in\n  */zip) cat " + str(tmp_path / "pages.zip") + " ;;\n  *) echo 4242 ;;\nesac\n"
    )
    (bin_dir / "gh").chmod(0o755)
    return bin_dir


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
        "      - run: echo ${{ matrix.client }}\n      - uses: actions/checkout@v6\n"
        "        with:\n          depth: 0\n",
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
    assert deploy["needs"] == ["plan", "build"]  # and so on every client's build, checks and tests
    # One client's failure does not hold back the others: deploy runs when some builds failed.
    assert deploy["if"] == "${{ !cancelled() && needs.plan.result == 'success' }}"
    assert steps_using(deploy, "actions/upload-pages-artifact") and steps_using(deploy, "actions/deploy-pages")
    (pages,) = steps_using(deploy, "actions/upload-pages-artifact")
    assert pages["with"]["retention-days"] == 90  # the next run keeps a failed client's site from it
    assert deploy["permissions"] == {"pages": "write", "id-token": "write", "actions": "read"}
    assert publish["permissions"] == {"contents": "read"}
    # ... and it ends with a failing step naming the clients that were not updated.
    last = deploy["steps"][-1]
    assert "exit 1" in last["run"] and "steps.kept.outputs" in last["if"]


def test_a_clients_problem_fails_its_build_job_not_the_check_of_every_client() -> None:
    publish, ci = load("publish.yml"), load("ci.yml")
    assert publish["jobs"]["checks"]["with"] == {"publishing": True}
    (check,) = [s for s in ci["jobs"]["check"]["steps"] if s.get("run") == "make check"]
    assert check["continue-on-error"] == "${{ inputs.publishing == true }}"
    failed = [s for s in publish["jobs"]["build"]["steps"] if s.get("if") == "failure()"]
    assert "milepost clients --folder" in failed[0]["run"]
    assert failed[1]["with"]["name"] == "failed-${{ matrix.client }}"


def test_the_deploy_job_keeps_the_last_good_site_of_a_failed_client(tmp_path: Path) -> None:
    """Run the deploy job's assembling script with a stand-in `gh`: beta built, alpha failed
    (its folder known), gamma failed with no folder known. alpha's folder comes from the last
    Pages artifact, gamma is left out, and the step says so for the failing step after it."""
    (step,) = [s for s in load("publish.yml")["jobs"]["deploy"]["steps"] if s.get("id") == "kept"]
    work = tmp_path / "work"
    (work / "parts" / "site-beta" / "beta-folder").mkdir(parents=True)
    (work / "parts" / "site-beta" / "beta-folder" / "index.html").write_text("new beta")
    for name in ("index.html", "robots.txt"):
        (work / "parts" / "site-beta" / name).write_text(name)
    # The shared theme files: beta's build has the new version, the last site the old one too.
    (work / "parts" / "site-beta" / "assets" / "new0000000000000").mkdir(parents=True)
    (work / "parts" / "site-beta" / "assets" / "new0000000000000" / "main.css").write_text("new theme")
    (work / "failed").mkdir()
    (work / "failed" / "alpha").write_text("k7q2m9x4\n")
    (work / "failed" / "gamma").write_text("")
    previous = tmp_path / "previous"
    for folder, text in (("k7q2m9x4", "old alpha"), ("beta-folder", "old beta"), ("removed", "gone")):
        (previous / folder).mkdir(parents=True)
        (previous / folder / "index.html").write_text(text)
    for version, text in (("old0000000000000", "old theme"), ("new0000000000000", "stale copy")):
        (previous / "assets" / version).mkdir(parents=True)
        (previous / "assets" / version / "main.css").write_text(text)
    bin_dir = fake_gh_serving(previous, tmp_path)
    output = tmp_path / "github-output"
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_OUTPUT": str(output),
        "GITHUB_REPOSITORY": "agency/portal",
        "CLIENTS": '["alpha","beta","gamma"]',
    }
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", step["run"]],
        cwd=work, env=env, capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stderr
    site = work / "site"
    assert (site / "beta-folder" / "index.html").read_text() == "new beta"
    assert (site / "k7q2m9x4" / "index.html").read_text() == "old alpha"
    assert not (site / "removed").exists()  # a client no longer in projects/ goes offline
    # alpha's kept pages still find the theme they were built with; beta's version is its own.
    assert (site / "assets" / "old0000000000000" / "main.css").read_text() == "old theme"
    assert (site / "assets" / "new0000000000000" / "main.css").read_text() == "new theme"
    assert output.read_text() == "kept=alpha\nlost=gamma\n"
    assert "k7q2m9x4" not in done.stdout + done.stderr


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


# --- the letters job: never two at once, the record fresh before and pushed after ----------------


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout


def _letters_step(workflow: Path, name: str) -> str:
    data = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    (step,) = [s for s in data["jobs"]["letters"]["steps"] if s.get("name") == name]
    return str(step["run"])


def _run_step(script: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GITHUB_REF_NAME": "main", "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", script],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120,
    )


@pytest.mark.parametrize(
    "workflow",
    [WORKFLOWS / "publish.yml", ROOT / "hooks" / "milepost" / "new_portal" / "github" / "workflows" / "publish.yml"],
    ids=["portal", "new portal"],
)
def test_the_letters_job_sends_alone_reads_the_latest_record_and_pushes_it_with_a_retry(
    tmp_path: Path, workflow: Path
) -> None:
    job = yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"]["letters"]
    assert job["concurrency"]["group"].startswith("milepost-letters-")
    assert job["concurrency"]["cancel-in-progress"] is False
    remote, job_checkout, other = tmp_path / "remote.git", tmp_path / "job", tmp_path / "other"
    _git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(remote))
    _git(tmp_path, "clone", "--quiet", str(remote), str(other))
    _git(other, "config", "user.email", "t@example.com")
    _git(other, "config", "user.name", "t")
    (other / "projects.yml").write_text("v1\n")
    _git(other, "add", "-A")
    _git(other, "commit", "--quiet", "-m", "start")
    _git(other, "push", "--quiet", "origin", "main")
    _git(tmp_path, "clone", "--quiet", str(remote), str(job_checkout))  # this job's checkout, from then
    # Meanwhile another run sent a letter and pushed its record, and someone pushed a change.
    (other / "letters").mkdir()
    (other / "letters" / "sent.json").write_text('{"letters": ["first"]}\n')
    (other / "projects.yml").write_text("v2\n")
    _git(other, "add", "-A")
    _git(other, "commit", "--quiet", "-m", "later")
    _git(other, "push", "--quiet", "origin", "main")

    taken = _run_step(_letters_step(workflow, "Take the latest record of what was sent"), job_checkout)
    assert taken.returncode == 0, taken.stderr
    assert (job_checkout / "letters" / "sent.json").read_text() == '{"letters": ["first"]}\n'
    assert (job_checkout / "projects.yml").read_text() == "v1\n"  # only the record, not the YAML

    (job_checkout / "letters" / "sent.json").write_text('{"letters": ["first", "second"]}\n')  # this run sent one
    # The first push is refused, and the branch moves on meanwhile: the step tries again.
    hook = job_checkout / ".git" / "hooks" / "pre-push"
    hook.write_text(
        "#!/bin/sh\n[ -f ../refused-once ] && exit 0\ntouch ../refused-once\n"
        f"cd {other} && echo v3 > projects.yml && git commit --quiet -am moved"
        " && git push --quiet origin main\nexit 1\n"
    )
    hook.chmod(0o755)
    kept = _run_step(_letters_step(workflow, "Keep the record of what was sent"), job_checkout)
    assert kept.returncode == 0, kept.stdout + kept.stderr
    assert "attempt 1 of 5" in kept.stdout
    assert _git(remote, "show", "main:letters/sent.json") == '{"letters": ["first", "second"]}\n'
    assert _git(remote, "show", "main:projects.yml") == "v3\n"  # nobody's change undone
    assert "[skip ci]" in _git(remote, "log", "-1", "--format=%s", "main")


# --- the new portal's inbox: on a schedule, alone, the record pushed, affected clients rebuilt ----

NEW_PORTAL = ROOT / "hooks" / "milepost" / "new_portal" / "github" / "workflows"


def _new_portal(name: str) -> dict[str, Any]:
    data = yaml.safe_load((NEW_PORTAL / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))
    return data


def _step(workflow: dict[str, Any], job: str, name: str) -> dict[str, Any]:
    (step,) = [s for s in workflow["jobs"][job]["steps"] if s.get("name") == name or s.get("id") == name]
    return step


def test_the_inbox_runs_on_a_schedule_alone_with_its_two_secrets() -> None:
    inbox = _new_portal("inbox.yml")
    assert inbox["on"]["schedule"] == [{"cron": "*/15 * * * *"}]
    job = inbox["jobs"]["inbox"]
    assert job["concurrency"] == {"group": "milepost-inbox-${{ github.repository }}", "cancel-in-progress": False}
    assert job["permissions"] == {"contents": "write", "actions": "write"}
    read = _step(inbox, "inbox", "Read the mailbox")
    assert read["run"] == "milepost inbox"
    assert set(read["env"]) == {"MILEPOST_IMAP_URL", "MILEPOST_ANSWER_SECRET"}
    rebuild = _step(inbox, "inbox", "Rebuild the clients whose record changed")
    assert "gh workflow run publish.yml" in rebuild["run"] and '-f clients="$CLIENTS"' in rebuild["run"]
    assert actionlint(NEW_PORTAL / "inbox.yml", NEW_PORTAL / "publish.yml").returncode == 0


def test_the_inbox_pushes_the_record_with_a_retry_and_names_the_changed_clients(tmp_path: Path) -> None:
    """The record step against real repositories: two clients' records changed (one new
    file), the first push refused while the branch moves on; the step tries again, keeps
    everybody's change, and names the two clients (not the unmatched folder) for the rebuild."""
    remote, job_checkout, other = tmp_path / "remote.git", tmp_path / "job", tmp_path / "other"
    _git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(remote))
    _git(tmp_path, "clone", "--quiet", str(remote), str(other))
    _git(other, "config", "user.email", "t@example.com")
    _git(other, "config", "user.name", "t")
    (other / "projects" / "acme").mkdir(parents=True)
    (other / "projects" / "acme" / "answers.yml").write_text("- {message_id: a}\n")
    (other / "projects" / "acme" / "shop.yml").write_text("v1\n")
    _git(other, "add", "-A")
    _git(other, "commit", "--quiet", "-m", "start")
    _git(other, "push", "--quiet", "origin", "main")
    _git(tmp_path, "clone", "--quiet", str(remote), str(job_checkout))
    # The inbox run appended to acme's record and wrote northwind's and the unmatched first ones.
    (job_checkout / "projects" / "acme" / "answers.yml").write_text("- {message_id: a}\n- {message_id: b}\n")
    (job_checkout / "projects" / "acme" / "responses.yml").write_text("- {message_id: b}\n")
    for folder in ("northwind", "_unmatched"):
        (job_checkout / "projects" / folder).mkdir()
        (job_checkout / "projects" / folder / "answers.yml").write_text("- {message_id: c}\n")
    hook = job_checkout / ".git" / "hooks" / "pre-push"
    hook.write_text(
        "#!/bin/sh\n[ -f ../refused-once ] && exit 0\ntouch ../refused-once\n"
        f"cd {other} && echo v2 > projects/acme/shop.yml && git commit --quiet -am moved"
        " && git push --quiet origin main\nexit 1\n"
    )
    hook.chmod(0o755)
    output = tmp_path / "github-output"
    script = str(_step(_new_portal("inbox.yml"), "inbox", "record")["run"])
    env_output = {"GITHUB_OUTPUT": str(output)}
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", script], cwd=job_checkout,
        env={**os.environ, **env_output, "GITHUB_REF_NAME": "main"}, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "attempt 1 of 5" in done.stdout
    assert output.read_text() == "clients=acme northwind\n"
    assert _git(remote, "show", "main:projects/acme/answers.yml") == "- {message_id: a}\n- {message_id: b}\n"
    assert _git(remote, "show", "main:projects/acme/responses.yml") == "- {message_id: b}\n"
    assert _git(remote, "show", "main:projects/_unmatched/answers.yml") == "- {message_id: c}\n"
    assert _git(remote, "show", "main:projects/acme/shop.yml") == "v2\n"  # nobody's change undone
    assert "[skip ci]" in _git(remote, "log", "-1", "--format=%s", "main")
    # Run again with nothing new: nothing is committed and no client is named.
    output.unlink()
    again = subprocess.run(
        ["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", script], cwd=job_checkout,
        env={**os.environ, **env_output, "GITHUB_REF_NAME": "main"}, capture_output=True, text=True, timeout=120,
    )
    assert again.returncode == 0, again.stderr
    assert output.read_text() == "clients=\n"


@pytest.mark.parametrize(("only", "built"), [("", '["acme","northwind"]'), ("northwind ", '["northwind"]')])
def test_a_publish_run_for_some_clients_builds_only_them(tmp_path: Path, only: str, built: str) -> None:
    step = _step(_new_portal("publish.yml"), "plan", "clients")
    fake = tmp_path / "bin" / "milepost"
    fake.parent.mkdir(parents=True)
    fake.write_text("#!/bin/sh\necho '[\"acme\",\"northwind\"]'\n")
    fake.chmod(0o755)
    output = tmp_path / "github-output"
    env = {**os.environ, "PATH": f"{fake.parent}{os.pathsep}{os.environ['PATH']}", "GITHUB_OUTPUT": str(output),
           "ONLY": only}
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", step["run"]],
        cwd=tmp_path, env=env, capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stderr
    assert output.read_text() == f"clients={built}\npartial={'true' if only else 'false'}\n"


def test_a_partial_deploy_keeps_every_other_clients_last_site(tmp_path: Path) -> None:
    """The new portal's deploy after a run for one client: that client's new pages, every other
    folder of the site deployed last as it was."""
    step = _step(_new_portal("publish.yml"), "deploy", "kept")
    work = tmp_path / "work"
    (work / "parts" / "site-beta" / "beta-folder").mkdir(parents=True)
    (work / "parts" / "site-beta" / "beta-folder" / "index.html").write_text("new beta")
    for name in ("index.html", "robots.txt"):
        (work / "parts" / "site-beta" / name).write_text(name)
    previous = tmp_path / "previous"
    for folder, text in (("k7q2m9x4", "old alpha"), ("beta-folder", "old beta")):
        (previous / folder).mkdir(parents=True)
        (previous / folder / "index.html").write_text(text)
    bin_dir = fake_gh_serving(previous, tmp_path)
    output = tmp_path / "github-output"
    env = {
        **os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "GITHUB_OUTPUT": str(output),
        "GITHUB_REPOSITORY": "agency/portal", "CLIENTS": '["beta"]', "PARTIAL": "true",
    }
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", step["run"]],
        cwd=work, env=env, capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stderr
    assert (work / "site" / "beta-folder" / "index.html").read_text() == "new beta"
    assert (work / "site" / "k7q2m9x4" / "index.html").read_text() == "old alpha"
    assert output.read_text() == "kept=\nlost=\n"

"""One client's problem is that client's, files stay in their client's folder, and every
failure is one clear line: `check` finds what `build` would refuse, `build --client X` looks
at X only, `build --keep-going` builds every healthy client, and no traceback reaches a user."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from factories import client_yml, git, make_portal, make_repo, milestone, project_yml, shallow_clone
from helpers import milepost_on_own_file_system
from milepost.cli import main as milepost

TODAY = "2026-11-24"
SECRET = "MILEPOST_DB_PASSWORD=hunter2-very-secret"


def client(name: str, **fields: object) -> str:
    return client_yml(name=name, contacts=None, response_time=None, **fields)


def project(name: str = "Shop", **repository: object) -> str:
    return project_yml(
        name=name, repositories=[repository or {"path": "../../repo"}], milestones=[milestone(tasks=None)]
    )


def run(config: Path, *args: str) -> int:
    return milepost([args[0], "--config-file", str(config), "--today", TODAY, *args[1:]])


def build(config: Path, *options: str) -> int:
    return run(config, "build", "--site-dir", str(config.parent / "site"), *options)


@pytest.fixture
def portal(tmp_path: Path) -> Path:
    """Two healthy clients, `alpha` and `beta`, reading the same small repository."""
    make_repo(tmp_path / "repo", [{"message": "feat: first screen", "date": "2026-11-09T10:00:00+01:00"}])
    return make_portal(
        tmp_path,
        {
            "alpha/client.yml": client("Alpha Ltd"),
            "alpha/shop.yml": project("Alpha shop"),
            "beta/client.yml": client("Beta Ltd"),
            "beta/shop.yml": project("Beta shop"),
        },
    )


def projects(config: Path) -> Path:
    return config.parent / "projects"


def output(capsys) -> str:
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert "Traceback" not in text
    return text


# --- files stay in their client's folder ------------------------------------------------------


def test_a_link_to_a_file_outside_is_refused_unread(portal: Path, tmp_path: Path, capsys) -> None:
    secret = tmp_path / "outside" / ".env"
    secret.parent.mkdir()
    secret.write_text(f"{SECRET}\nnot: [yaml\n", encoding="utf-8")
    (projects(portal) / "alpha" / "env.yml").symlink_to(secret)
    (projects(portal) / "alpha" / "client.yml").unlink()
    (projects(portal) / "alpha" / "client.yml").symlink_to(secret)

    assert run(portal, "check") == 1
    text = output(capsys)
    assert "hunter2" not in text and "MILEPOST_DB_PASSWORD" not in text
    lines = [line for line in text.splitlines() if "alpha/" in line]
    assert [line.split(": ", 1)[0].rsplit("projects/", 1)[-1] for line in lines] == [
        "alpha/client.yml", "alpha/env.yml"
    ]
    assert all("a symbolic link to a file outside this client's folder; it is not read" in line for line in lines)

    assert build(portal, "--keep-going") == 1
    text = output(capsys)
    assert "hunter2" not in text and "built beta:" in text and "FAILED alpha" in text


def test_a_link_to_another_clients_project_is_not_published_on_this_site(portal: Path, capsys) -> None:
    (projects(portal) / "beta" / "secret-plans.yml").write_text(project("Beta's secret plans"), encoding="utf-8")
    (projects(portal) / "alpha" / "plans.yml").symlink_to(Path("..") / "beta" / "secret-plans.yml")
    assert run(portal, "check") == 1
    text = output(capsys)
    assert "alpha/plans.yml: a symbolic link to a file outside this client's folder" in text

    assert build(portal, "--keep-going") == 1
    output(capsys)
    site = portal.parent / "site"
    assert not (site / "alpha").exists()  # alpha is not built: its site never shows beta's file
    assert (site / "beta" / "secret-plans" / "index.html").is_file()


def test_a_link_inside_the_clients_own_folder_is_read(portal: Path, capsys) -> None:
    folder = projects(portal) / "alpha"
    (folder / "_shared.yml").write_text(project("Alpha extras"), encoding="utf-8")
    (folder / "extras.yml").symlink_to("_shared.yml")
    assert run(portal, "check") == 0, output(capsys)


def test_a_client_folder_that_is_a_link_is_refused(portal: Path, capsys) -> None:
    (projects(portal) / "gamma").symlink_to("beta")
    assert run(portal, "check") == 1
    assert "projects/gamma: a client folder must be a real folder, not a symbolic link" in output(capsys)


def test_dangling_links_are_one_clear_line(portal: Path, capsys) -> None:
    (projects(portal) / "gone").symlink_to(portal.parent / "nowhere")
    (projects(portal) / "alpha" / "old.yml").symlink_to("nowhere.yml")
    assert run(portal, "check") == 1
    text = output(capsys)
    assert "projects/gone: a symbolic link to something that does not exist" in text
    assert "projects/alpha/old.yml: a symbolic link to something that does not exist" in text
    assert build(portal, "--client", "beta") == 0, output(capsys)


def test_yaml_nested_900_deep_is_one_line(portal: Path, capsys) -> None:
    (projects(portal) / "alpha" / "deep.yml").write_text(
        "name: Deep\nmilestones: " + "[" * 900 + "]" * 900 + "\n", encoding="utf-8"
    )
    assert run(portal, "check") == 1
    text = output(capsys)
    assert "alpha/deep.yml:2: milestones: lists or mappings are nested more than 50 levels deep" in text
    assert build(portal, "--keep-going") == 1
    assert "FAILED alpha" in output(capsys)


# --- a site folder that cannot be written ------------------------------------------------------


def build_on_own_file_system(config: Path, mount_options: str, *options: str) -> tuple[int, str]:
    """Build with the site folder on a real file system of its own (read-only, or nearly full)."""
    site = config.parent / "site"
    site.mkdir(exist_ok=True)
    arguments = ("build", "--config-file", str(config), "--today", TODAY, "--site-dir", str(site), *options)
    result = milepost_on_own_file_system(site, mount_options, *arguments)
    text = result.stdout + result.stderr
    assert "Traceback" not in text
    return result.returncode, text


def test_a_read_only_site_folder_is_one_line(portal: Path) -> None:
    code, text = build_on_own_file_system(portal, "ro")
    assert code == 1
    assert "site: cannot be written (it is on a read-only file system; choose another folder with --site-dir)" in text
    assert "nothing was built" in text


def test_a_site_folder_this_user_may_not_write(portal: Path) -> None:
    # A folder without write permission for its owner. Run in a user namespace of its own, the
    # build holds no capability to override that, even when the tests run as root.
    site = portal.parent / "site"
    site.mkdir()
    site.chmod(0o555)
    arguments = ("build", "--config-file", str(portal), "--today", TODAY, "--site-dir", str(site))
    result = subprocess.run(
        ["unshare", "--user", sys.executable, "-m", "milepost.cli", *arguments],
        capture_output=True,
        text=True,
        timeout=300,
    )
    text = result.stdout + result.stderr
    assert result.returncode == 1, text
    assert "Traceback" not in text
    assert "site: cannot be written (this user may not write there" in text


def test_a_full_disk_is_one_line_per_client(portal: Path) -> None:
    # 48 KB: the build starts, and the first of the theme's files fills the disk.
    code, text = build_on_own_file_system(portal, "size=48k", "--keep-going")
    assert code == 1
    for slug in ("alpha", "beta"):
        assert f"FAILED {slug}: {portal.parent / 'site' / slug}: cannot be written" in text
    assert "cannot be written (the disk is full; make room)" in text
    assert ".building-" not in text  # the build's temporary folder is named by what it becomes
    # The file that could not be written is named, not the theme's file it was copied from.
    assert "site-packages" not in text


# --- check finds what build refuses ------------------------------------------------------------


def test_an_unknown_branch_is_found_by_check_with_the_branches(portal: Path, capsys) -> None:
    (projects(portal) / "alpha" / "shop.yml").write_text(
        "name: Alpha shop\nrepositories:\n  - path: ../../repo\n    branch: mian\n", encoding="utf-8"
    )
    assert run(portal, "check") == 1
    text = output(capsys)
    assert "alpha/shop.yml:4: repositories[0].branch: repository" in text
    assert "branch 'mian' does not exist. Did you mean 'main'? Branches here: main." in text
    assert build(portal) == 1
    assert "branch 'mian' does not exist" in output(capsys)


def test_a_shallow_clone_is_found_by_check(portal: Path, tmp_path: Path, capsys) -> None:
    from factories import commit

    commit(tmp_path / "repo", {"message": "feat: second screen", "date": "2026-11-10T10:00:00+01:00"})
    shallow_clone(tmp_path / "repo", tmp_path / "shallow")
    (projects(portal) / "alpha" / "shop.yml").write_text(project("Alpha shop", path="../../shallow"), encoding="utf-8")
    assert run(portal, "check") == 1
    text = output(capsys)
    assert "alpha/shop.yml:4: repositories[0].path: repository" in text
    assert "shallow clone" in text and "fetch-depth: 0" in text


def test_an_include_outside_the_repository_is_plain_words(portal: Path, capsys) -> None:
    (projects(portal) / "alpha" / "shop.yml").write_text(
        "name: Alpha shop\nrepositories:\n  - path: ../../repo\n    include: [src/, ../other/]\n", encoding="utf-8"
    )
    assert run(portal, "check") == 1
    text = output(capsys)
    assert "alpha/shop.yml:4: repositories[0].include[1]: '../other/' is outside the repository" in text
    assert "fsck" not in text


def test_two_clients_in_one_site_folder_are_found_on_both_files(portal: Path, capsys) -> None:
    (projects(portal) / "beta" / "client.yml").write_text(
        "name: Beta Ltd\nlanguage: en\ntimezone: Europe/Warsaw\npath: alpha\n", encoding="utf-8"
    )
    assert run(portal, "check") == 1
    text = output(capsys)
    assert "projects/beta/client.yml:4: path: its site would be published in the folder 'alpha'" in text
    assert "projects/alpha/client.yml: its site would be published in the folder 'alpha' (its folder's name)" in text
    assert build(portal, "--keep-going") == 1
    text = output(capsys)
    assert "FAILED alpha" in text and "FAILED beta" in text


def test_a_commit_with_a_broken_date_is_skipped_with_a_warning(portal: Path, tmp_path: Path, capsys) -> None:
    repo = tmp_path / "repo"
    tree = git(repo, "write-tree")
    parent = git(repo, "rev-parse", "HEAD")
    raw = (
        f"tree {tree}\nparent {parent}\nauthor Dana <dana@agency.example> 1763460000 +2500\n"
        "committer Dana <dana@agency.example> 1763460000 +0100\n\nfeat: damaged date\n"
    )
    sha = git(repo, "hash-object", "-t", "commit", "-w", "--literally", "--stdin", input=raw.encode())
    git(repo, "update-ref", "HEAD", sha)
    assert build(portal) == 0
    text = output(capsys)
    assert f"Repository {repo.resolve()}: commit {sha[:12]} has a date that cannot be read" in text
    assert "First screen" in (portal.parent / "site" / "alpha" / "shop" / "index.html").read_text(encoding="utf-8")


# --- one client's problem is that client's -----------------------------------------------------


def broken_alpha(portal: Path) -> None:
    (projects(portal) / "alpha" / "shop.yml").write_text("name: Alpha shop\nmilestones: {oops\n", encoding="utf-8")


def test_build_client_looks_at_that_client_only(portal: Path, capsys) -> None:
    broken_alpha(portal)
    (projects(portal) / "stray.yml").write_text("name: x\n", encoding="utf-8")
    assert build(portal, "--client", "beta") == 0, output(capsys)
    assert (portal.parent / "site" / "beta" / "index.html").is_file()
    assert build(portal, "--client", "alpha") == 1
    text = output(capsys)
    assert "alpha/shop.yml:3: YAML syntax error" in text and "nothing was built" in text


def test_keep_going_builds_every_healthy_client_and_names_the_broken(portal: Path, capsys) -> None:
    assert build(portal) == 0
    before = (portal.parent / "site" / "alpha" / "shop" / "index.html").read_bytes()
    broken_alpha(portal)
    (projects(portal) / "beta" / "more.yml").write_text(project("Beta more"), encoding="utf-8")
    capsys.readouterr()

    assert build(portal, "--keep-going") == 1
    text = output(capsys)
    assert "built beta:" in text
    assert "FAILED alpha: 1 problem(s) in its files" in text and "alpha/shop.yml:3: YAML syntax error" in text
    assert "not built: alpha" in text
    assert (portal.parent / "site" / "beta" / "more" / "index.html").is_file()
    assert (portal.parent / "site" / "alpha" / "shop" / "index.html").read_bytes() == before

    # check still reports every problem of every client; a plain build still refuses them all
    assert run(portal, "check") == 1
    assert "alpha/shop.yml:3" in output(capsys)
    assert build(portal) == 1
    assert "nothing was built" in output(capsys)


def test_clients_lists_broken_clients_too_for_one_job_each(portal: Path, capsys) -> None:
    broken_alpha(portal)
    assert run(portal, "clients", "--json") == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == '["alpha", "beta"]'
    assert "alpha: 1 problem(s); its build will fail" in captured.err
    assert run(portal, "clients", "--folder", "alpha") == 0
    assert capsys.readouterr().out.strip() == "alpha"

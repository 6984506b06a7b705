"""No credential is ever printed: a repository URL with a user and password, a token in its
user part or its query, or git's short form with a password, in `milepost check` and
`milepost build` (verbose) that fail, and a build that succeeds with a token from the
environment against a real git server over HTTP. The whole output of each is searched."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import make_demo_repos_once
from helpers import DEMO_TODAY, ROOT, demo_portal_copy, serve_folder
from milepost.shown_url import mask_urls, masked_url

SECRETS = ("Hunter2Secret", "glpatQuerySecret", "ghpUserSecret", "ShortFormSecret", "EnvTokenSecret")
BAD_URLS = (
    "https://deploy:Hunter2Secret@git.agency.example/acme/webshop.git",
    "https://git.agency.example/acme/webshop.git?private_token=glpatQuerySecret",
    "https://ghpUserSecret@git.agency.example/acme/webshop.git",
    "deploy:ShortFormSecret@git.agency.example:acme/webshop.git",
)


def test_masked_url_keeps_the_place_and_drops_every_credential() -> None:
    assert masked_url(BAD_URLS[0]) == "https://git.agency.example/acme/webshop.git"
    assert masked_url(BAD_URLS[1]) == "https://git.agency.example/acme/webshop.git?private_token=***"
    assert masked_url(BAD_URLS[2]) == "https://git.agency.example/acme/webshop.git"
    assert masked_url(BAD_URLS[3]) == "git.agency.example:acme/webshop.git"
    assert masked_url("git@github.com:acme/shop.git") == "github.com:acme/shop.git"
    assert masked_url("smtp://mail:pw@smtp.example:587") == "smtp://smtp.example:587"
    assert masked_url("../../.demo-repos/acme-webshop") == "../../.demo-repos/acme-webshop"
    said = f"fatal: unable to access '{BAD_URLS[0]}': 401 (also {BAD_URLS[3]}, [{BAD_URLS[1]}])"
    masked = mask_urls(said)
    assert not any(secret in masked for secret in SECRETS), masked
    assert "'https://git.agency.example/acme/webshop.git': 401" in masked and "[https://" in masked


def milepost(config: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("MILEPOST_") or k == "MILEPOST_ANSWER_SECRET"}
    command = [sys.executable, "-m", "milepost.cli", *args, "-f", str(config), "--today", DEMO_TODAY.isoformat()]
    return subprocess.run(command, env={**base, **(env or {})}, cwd=config.parent, capture_output=True, text=True,
                          timeout=600)


def with_repository(config: Path, repository: dict[str, str]) -> None:
    path = config.parent / "projects" / "acme-retail" / "webshop.yml"
    project = yaml.safe_load(path.read_text(encoding="utf-8"))
    project["repositories"] = [repository]
    path.write_text(yaml.safe_dump(project, allow_unicode=True), encoding="utf-8")


def no_secret(result: subprocess.CompletedProcess[str]) -> None:
    output = result.stdout + result.stderr
    assert not [secret for secret in SECRETS if secret in output], output


@pytest.fixture
def portal(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    make_demo_repos_once(tmp_path_factory)
    return demo_portal_copy(tmp_path)


@pytest.mark.parametrize("url", BAD_URLS)
def test_failing_checks_and_builds_never_print_the_credential(portal: Path, url: str) -> None:
    with_repository(portal, {"url": url})
    checked = milepost(portal, "check")
    assert checked.returncode == 1
    no_secret(checked)
    built = milepost(portal, "build", "-v", "--client", "acme-retail", "--site-dir", str(portal.parent / "site"))
    assert built.returncode == 1
    no_secret(built)


def test_a_build_that_reaches_the_server_never_prints_the_token(portal: Path, tmp_path: Path) -> None:
    """A real git server (git's dumb HTTP protocol over a local web server): once with the
    token in the query (git fails), once from the environment (the build succeeds)."""
    served = tmp_path / "served"
    bare = served / "acme" / "webshop.git"
    subprocess.run(["git", "clone", "--quiet", "--bare", str(ROOT / ".demo-repos" / "acme-webshop"), str(bare)],
                   check=True, capture_output=True)
    subprocess.run(["git", "update-server-info"], cwd=bare, check=True)
    server, url = serve_folder(served)
    try:
        with_repository(portal, {"url": f"{url}/acme/webshop.git?private_token=glpatQuerySecret"})
        failed = milepost(portal, "build", "-v", "--client", "acme-retail", "--site-dir", str(tmp_path / "site"))
        assert failed.returncode == 1
        no_secret(failed)
        shutil.rmtree(portal.parent / ".cache", ignore_errors=True)
        with_repository(portal, {"url": f"{url}/acme/webshop.git"})
        token = {"MILEPOST_TOKEN_127_0_0_1_ACME_WEBSHOP": "EnvTokenSecret"}
        checked = milepost(portal, "check", env=token)
        no_secret(checked)
        built = milepost(portal, "build", "-v", "--client", "acme-retail", "--site-dir", str(tmp_path / "site"),
                         env=token)
        assert built.returncode == 0, built.stderr
        no_secret(built)
        assert "built acme-retail" in built.stdout
        site_text = "".join(p.read_text(encoding="utf-8", errors="replace") for p in (tmp_path / "site").rglob("*.*"))
        assert not [secret for secret in SECRETS if secret in site_text]
    finally:
        server.shutdown()

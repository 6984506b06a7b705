"""`milepost letters --send` over TLS, against real aiosmtpd servers on 127.0.0.1: STARTTLS
and `smtps://` with a login, a certificate the machine does not trust, a wrong password, and a
server without TLS, which never gets the password."""

from __future__ import annotations

import json
import os
import ssl
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import make_demo_repos_once
from helpers import DEMO_LETTERS, DEMO_TODAY, SmtpCapture, demo_portal_copy, self_signed_certificate

USER, PASSWORD = "status@agency.example", "s3cret-Pass-42"
URL_USER = "status%40agency.example"
# On an smtps:// server the login is over TLS, but aiosmtpd does not see it as such (see
# helpers.SmtpCapture) and warns.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (its own authority), and its key."""
    return self_signed_certificate(tmp_path_factory.mktemp("tls"))


def server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    # Purpose.CLIENT_AUTH: a context for the server's side (aiosmtpd also uses it to check
    # that its own server answers when it starts).
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


@pytest.fixture
def portal(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    make_demo_repos_once(tmp_path_factory)
    return demo_portal_copy(tmp_path)


def send(config: Path, url: str, trusted: Path | None) -> subprocess.CompletedProcess:
    keep = "MILEPOST_ANSWER_SECRET"  # the demo's (tests/conftest.py): its letters carry answer links
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MILEPOST_", "SSL_CERT")) or k == keep}
    env["MILEPOST_SMTP_URL"] = url
    if trusted is not None:
        env["SSL_CERT_FILE"] = str(trusted)  # OpenSSL's trusted authorities: only the test's own
    command = [
        sys.executable, "-m", "milepost.cli", "letters", "-f", str(config), "--today", DEMO_TODAY.isoformat(), "--send"
    ]
    return subprocess.run(command, env=env, cwd=config.parent, capture_output=True, text=True, timeout=300)


def recorded(config: Path) -> list[dict]:
    path = config.parent / "letters" / "sent.json"
    return json.loads(path.read_text(encoding="utf-8"))["letters"] if path.exists() else []


def one_line_error(result: subprocess.CompletedProcess, *words: str) -> str:
    assert result.returncode != 0, result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert PASSWORD not in result.stderr + result.stdout and URL_USER not in result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


@pytest.mark.parametrize("implicit", [False, True], ids=["starttls", "smtps"])
def test_letters_go_over_tls_with_a_login(portal: Path, certificate: tuple[Path, Path], implicit: bool) -> None:
    with SmtpCapture(tls=server_context(certificate), implicit_tls=implicit, login=(USER, PASSWORD)) as server:
        url = server.url.replace("://", f"://{URL_USER}:{PASSWORD}@")
        result = send(portal, url, trusted=certificate[0])
    assert result.returncode == 0, result.stderr
    assert len(server.messages) == DEMO_LETTERS
    assert server.logins == [USER]
    assert len(recorded(portal)) == DEMO_LETTERS
    assert PASSWORD not in result.stdout + result.stderr


@pytest.mark.parametrize("implicit", [False, True], ids=["starttls", "smtps"])
def test_a_certificate_the_machine_does_not_trust_stops_before_the_login(
    portal: Path, certificate: tuple[Path, Path], implicit: bool, tmp_path: Path
) -> None:
    other = tmp_path / "empty.pem"
    other.write_text("")  # no authority is trusted, so the server's certificate cannot be
    with SmtpCapture(tls=server_context(certificate), implicit_tls=implicit, login=(USER, PASSWORD)) as server:
        url = server.url.replace("://", f"://{URL_USER}:{PASSWORD}@")
        line = one_line_error(send(portal, url, trusted=other), f"127.0.0.1:{server.port}", "TLS failed")
    assert "CERTIFICATE_VERIFY_FAILED" in line
    assert server.logins == [] and server.messages == [] and recorded(portal) == []


def test_a_wrong_password_is_one_line(portal: Path, certificate: tuple[Path, Path]) -> None:
    with SmtpCapture(tls=server_context(certificate), login=(USER, PASSWORD)) as server:
        url = server.url.replace("://", f"://{URL_USER}:not-the-password@")
        line = one_line_error(send(portal, url, trusted=certificate[0]), "refused the user name or password")
    assert "not-the-password" not in line
    assert server.messages == [] and recorded(portal) == []


def test_a_server_without_tls_never_gets_the_password(portal: Path) -> None:
    with SmtpCapture() as server:
        url = server.url.replace("://", f"://{URL_USER}:{PASSWORD}@")
        one_line_error(send(portal, url, trusted=None), f"127.0.0.1:{server.port}", "offers no TLS", "smtps://")
    assert server.messages == [] and recorded(portal) == []


def test_without_a_login_a_server_without_tls_still_takes_the_letters(portal: Path) -> None:
    """A local relay (no user, no password) needs no TLS: nothing secret goes over the wire."""
    with SmtpCapture() as server:
        result = send(portal, server.url, trusted=None)
    assert result.returncode == 0, result.stderr
    assert len(server.messages) == DEMO_LETTERS

"""Helpers that tests import: paths of this repository, the demo's day, a local web server for
a built site, Debian's Chromium, screenshots, the scripts as modules, golden files (the one
update switch) and an output computed again in another process. (conftest.py holds the
fixtures; it is not meant to be imported.)"""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import importlib.util
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
GOLDEN = TESTS / "golden"
DEMO_TODAY = dt.date(2026, 11, 24)
# The letters the demo sends on its day, by client: a weekly letter to each client with
# recipients (one in each of the five languages; Northwind names none) and a meeting's summary
# where its project file has a meeting that day.
DEMO_LETTERS_OF = {
    "acme-retail": ("meeting", "weekly"),
    "kavyarnia-zerno": ("weekly",),
    "piekarnia-zloty-klos": ("meeting", "weekly"),
    "shkola-poliglot": ("weekly",),
    "tischlerei-becker": ("weekly",),
}
DEMO_LETTERS = sum(len(kinds) for kinds in DEMO_LETTERS_OF.values())
# The demo's answer secret (the Makefile's DEMO_ANSWER_SECRET): every test builds with it, so the
# pages' answer links are the demo's, the same in every run.
DEMO_ANSWER_SECRET = "demo-answer-secret-for-the-demo-portal-only"
SCREENSHOTS = ROOT / "test-results"

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        pass


def serve_folder(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def chromium_path() -> str:
    # MILEPOST_CHROMIUM names another Chromium-based browser (e.g. Google Chrome on CI runners).
    found = os.environ.get("MILEPOST_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.fail("Debian's chromium is needed for browser tests: run `make test` (it installs it) "
                    "or `sudo apt-get install chromium`.")
    return found


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def load_script(name: str) -> ModuleType:
    """One of scripts/*.py as a module (scripts/ is no package): its functions under test."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module



# --- a real SMTP server for the letters' tests ------------------------------------------------


class SmtpCapture:
    """An aiosmtpd server on 127.0.0.1 (a free port) that keeps every message it accepted.

    `hold_after`: accept this many messages, then hold the next one without answering until
    `release` is set (and refuse it then), so that a test can kill the sender mid-run.
    `hold_at` says where the held message stops: "DATA" (the whole message received, not
    taken: the default), "ACCEPTED" (taken and kept, the answer 250 held back), "RCPT" (in the
    middle of the conversation, before the message) or "EHLO" (before any message).
    `refuse`: recipients' addresses answered 550 at RCPT.
    `tls`: a server-side SSL context: offered as STARTTLS (required before anything is sent),
    or from the first byte with `implicit_tls` (an `smtps://` server). `login`: the only
    (user, password) accepted; the server then refuses mail without it, and any login
    without TLS.
    """

    def __init__(
        self,
        hold_after: int | None = None,
        *,
        tls: Any = None,
        implicit_tls: bool = False,
        login: tuple[str, str] | None = None,
        hold_at: str = "DATA",
        refuse: frozenset[str] = frozenset(),
    ) -> None:
        import socket

        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult

        self.messages: list[bytes] = []
        self.logins: list[str] = []
        self.hold_after = hold_after
        self.hold_at = hold_at
        self.refuse = refuse
        self.recipients: list[list[str]] = []  # the envelope's recipients of each message taken
        self.holding = threading.Event()
        self.release = threading.Event()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]

        def authenticator(server, session, envelope, mechanism, auth_data) -> AuthResult:
            user, password = auth_data.login.decode(), auth_data.password.decode()
            self.logins.append(user)
            # handled=False: aiosmtpd answers a refused login itself (535).
            return AuthResult(success=(user, password) == login, handled=False)

        options: dict[str, Any] = {}
        if tls is not None and implicit_tls:
            options["ssl_context"] = tls
        elif tls is not None:
            options.update(tls_context=tls, require_starttls=True)
        if login is not None:
            # aiosmtpd does not count TLS from the first byte as TLS for AUTH: it would offer
            # no login on an smtps:// server; the connection is encrypted all the same.
            options.update(authenticator=authenticator, auth_required=True, auth_require_tls=not implicit_tls)
        self.scheme = "smtps" if implicit_tls else "smtp"
        self.controller = Controller(self, hostname="127.0.0.1", port=port, **options)
        self.port = port

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def _holds(self, step: str) -> bool:
        return self.hold_at == step and self.hold_after is not None and len(self.messages) >= self.hold_after

    async def _hold(self) -> None:
        import asyncio

        self.holding.set()
        while not self.release.is_set():
            await asyncio.sleep(0.05)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802 - aiosmtpd's name
        if self._holds("EHLO"):
            await self._hold()
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:  # noqa: N802
        if self._holds("RCPT"):
            await self._hold()
        if address in self.refuse:
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's name
        if self._holds("DATA"):
            await self._hold()
            return "451 not now"
        self.messages.append(envelope.original_content or envelope.content)
        self.recipients.append(list(envelope.rcpt_tos))
        if self._holds("ACCEPTED") and len(self.messages) > (self.hold_after or 0):
            await self._hold()
        return "250 OK"

    def message_ids(self) -> list[str]:
        import email
        from email import policy

        return [str(email.message_from_bytes(m, policy=policy.default)["Message-ID"]) for m in self.messages]

    def __enter__(self) -> SmtpCapture:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.controller.stop()


def demo_portal_copy(target: Path) -> Path:
    """The demo portal's settings and projects/ copied into `target` (its repositories, hooks
    and docs linked), so that a test can write letters/sent.json there; returns mkdocs.yml."""
    shutil.copy2(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    shutil.copytree(ROOT / "projects", target / "projects")
    for name in (".demo-repos", "hooks", "docs"):
        (target / name).symlink_to(ROOT / name)
    return target / "mkdocs.yml"


def actionlint(*files: Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """actionlint (with ShellCheck for the `run:` scripts) over workflow files, run in `cwd`
    (the repository whose `./.github/workflows/...` the files call). The test extras install
    both into the virtual environment's bin folder."""
    tools = Path(sys.executable).parent
    executable = tools / "actionlint"
    if not executable.is_file():
        pytest.fail("actionlint is missing: run `make test` (it installs the test extras of pyproject.toml)")
    assert shutil.which("shellcheck", path=str(tools)), "shellcheck is missing from the test extras"
    env = dict(os.environ, PATH=f"{tools}{os.pathsep}{os.environ.get('PATH', '')}")
    return subprocess.run(
        [str(executable), "-no-color", *map(str, files)], capture_output=True, text=True, env=env, cwd=cwd, timeout=120
    )


# --- golden files ---------------------------------------------------------------------------------

UPDATE_GOLDEN_VARIABLE = "MILEPOST_UPDATE_GOLDEN"


def updating_golden(environ: Mapping[str, str] | None = None) -> bool:
    """Whether the golden tests rewrite their files (`MILEPOST_UPDATE_GOLDEN=1`) instead of
    comparing with them. Refused under `CI=true`: a variable leaked into CI would turn every
    golden test into one that rewrites what it should check, and passes."""
    env = os.environ if environ is None else environ
    if env.get(UPDATE_GOLDEN_VARIABLE) != "1":
        return False
    if env.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        pytest.fail(
            f"{UPDATE_GOLDEN_VARIABLE}=1 with CI={env['CI']}: golden files are rewritten on a developer's "
            f"machine only, never in CI; unset {UPDATE_GOLDEN_VARIABLE} there.",
            pytrace=False,
        )
    return True


def matches_golden(golden: Path, got: str) -> bool:
    """Whether `got` is what the golden file holds. In update mode (`updating_golden()`) the
    file is written first, so it matches: review the diff and commit it."""
    if updating_golden():
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(got, encoding="utf-8")
        return True
    return golden.is_file() and golden.read_text(encoding="utf-8") == got


# --- the same output in another process -----------------------------------------------------------

# Two processes that differ in what must not change an output: the hash seed (the order of a
# set or of a dict built from one) and the local time zone (a date taken from the machine's
# clock instead of the client's).
OTHER_PROCESSES = ({"PYTHONHASHSEED": "1", "TZ": "Pacific/Kiritimati"}, {"PYTHONHASHSEED": "2", "TZ": "America/Adak"})


def output_in_new_process(module: Path, expression: str, environ: Mapping[str, str]) -> bytes:
    """`expression` (giving bytes) evaluated in test module `module`'s names, in a new Python
    process with `environ` added to this one's environment."""
    code = (
        "import importlib, sys\n"
        f"sys.path[:0] = [{str(TESTS)!r}, {str(module.parent)!r}]\n"
        f"names = vars(importlib.import_module({module.stem!r}))\n"
        f"sys.stdout.buffer.write(eval({expression!r}, names))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, env={**os.environ, **environ}, cwd=ROOT, timeout=120
    )
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    return result.stdout


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Dovecot:
    """A real IMAP server (Debian's dovecot-imapd) on 127.0.0.1, with its own configuration,
    a passwd-file user and Maildir storage in a temporary folder; STARTTLS on `port`, TLS from
    the start on `tls_port`, with the test's own certificate. Dovecot runs its login process as
    `dovenull` and the mail as `dovecot` (users Debian's package makes), so its folder is a
    fresh one under the system's temporary folder that they can reach (pytest's are private to
    root), and the mail folder is theirs. Removed when the server stops."""

    def __init__(self, certificate: tuple[Path, Path], user: str, password: str, *, tls: bool = True) -> None:
        """`tls` False: a server that offers no TLS at all (no STARTTLS, no TLS port)."""
        import grp
        import pwd
        import tempfile

        folder = Path(tempfile.mkdtemp(prefix="milepost-dovecot-"))
        self.folder, self.user, self.password = folder, user, password
        self.port, self.tls_port = free_port(), free_port()
        folder.chmod(0o755)
        mail = folder / "mail"
        mail.mkdir()
        if os.geteuid() == 0:  # Dovecot's own users, as Debian's package makes them
            login_user, mail_user = "dovenull", pwd.getpwnam("dovecot")
            os.chown(mail, mail_user.pw_uid, grp.getgrnam("dovecot").gr_gid)
        else:  # not root (a CI runner): everything runs as this user
            mail_user = pwd.getpwuid(os.geteuid())
            login_user = mail_user.pw_name
        mail_group = grp.getgrgid(mail_user.pw_gid).gr_name
        shutil.copy(certificate[0], folder / "server.pem")
        shutil.copy(certificate[1], folder / "server.key")
        (folder / "passwd").write_text(f"{user}:{{PLAIN}}{password}::::::\n")
        (folder / "passwd").chmod(0o644)
        self.config = folder / "dovecot.conf"
        self.config.write_text(
            f"""
base_dir = {folder}/run
state_dir = {folder}/state
log_path = {folder}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = {"yes" if tls else "no"}
ssl_cert = <{folder}/server.pem
ssl_key = <{folder}/server.key
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = yes
auth_mechanisms = plain
default_login_user = {login_user}
default_internal_user = {mail_user.pw_name}
default_internal_group = {mail_group}
first_valid_uid = {mail_user.pw_uid}
mail_location = maildir:{mail}/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {folder}/passwd
}}
userdb {{
  driver = static
  args = uid={mail_user.pw_name} gid={mail_group} home={mail}/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {self.tls_port if tls else 0}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
"""
        )
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Dovecot:
        import socket
        import time

        self.process = subprocess.Popen(["/usr/sbin/dovecot", "-F", "-c", str(self.config)])
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    log = self.folder / "dovecot.log"
                    raise RuntimeError(f"dovecot did not start: {log.read_text() if log.exists() else ''}") from None
                time.sleep(0.1)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
        shutil.rmtree(self.folder, ignore_errors=True)

    def append(self, raw: bytes, folder: str = "INBOX", context: Any = None) -> None:
        """Put a real message into the mailbox with IMAP APPEND (over TLS)."""
        import imaplib

        with imaplib.IMAP4_SSL("127.0.0.1", self.tls_port, ssl_context=context) as imap:
            imap.login(self.user, self.password)
            if folder != "INBOX":
                imap.create(folder)
            status, said = imap.append(folder, None, None, raw)
            assert status == "OK", said


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (its own authority) and its key, in `folder`."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Milepost test mail server")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "server.pem", folder / "server.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_file, key_file


def milepost_on_own_file_system(folder: Path, mount_options: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    """`milepost ARGUMENTS` in a new process that sees `folder` as a fresh, empty file system of
    its own (a tmpfs mounted with `mount_options`, such as `ro` or `size=64k`): a real
    read-only or full disk, not an imitation of one. The process runs in its own user and mount
    namespaces (`unshare`, util-linux), so it needs no root, and the mount ends with it."""
    script = 'mount -t tmpfs -o "$1" milepost-test "$2" && shift 2 && exec "$@"'
    command = [sys.executable, "-m", "milepost.cli", *arguments]
    namespaces = ["unshare", "--user", "--map-root-user", "--mount"]
    return subprocess.run(
        [*namespaces, "sh", "-c", script, "sh", mount_options, str(folder), *command],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )

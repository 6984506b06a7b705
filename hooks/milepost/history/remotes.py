"""Repositories given by URL: a cache of bare, partial clones, brought up to date on each build.

The first build clones with `git clone --bare --filter=blob:none`: every commit and tree, no file
contents, which is all a history needs and a fraction of a full clone. Later builds `git fetch`
only what is new; branches are fetched with `+` refspecs, so a force-pushed branch simply
replaces the old one. History is then read from the local bare repository like any other.

Credentials come from the environment, never from the project files:
- HTTPS: a token in `MILEPOST_TOKEN_<HOST>_<PATH>` (this repository) or `MILEPOST_TOKEN_<HOST>`
  (every repository on that host), e.g. `MILEPOST_TOKEN_GITHUB_COM_ACME_WEBSHOP`. It reaches
  git as an `http.<url>.extraHeader` set through GIT_CONFIG_* variables of the one git process:
  not on a command line (visible to other users in `ps`), not in the cache's config file, not
  in a URL.
- SSH: whatever ssh finds (an ssh-agent, `GIT_SSH_COMMAND='ssh -i key'`), never prompting.
Every message that quotes git is passed through `mask_secrets` first.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import SplitResult, urlsplit

from milepost.errors import RemoteError
from milepost.file_lock import held
from milepost.history.git_runner import (
    DUBIOUS_OWNERSHIP,
    NOT_STARTED,
    SAFE_DIRECTORY_ADVICE,
    TIMEOUT,
    GitError,
    git_environment,
    kind_of,
)
from milepost.history.state import GitHistory
from milepost.shown_url import credential_parameter, mask_urls, masked_url

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

TOKEN_PREFIX = "MILEPOST_TOKEN_"
TOKEN_USER = "x-access-token"  # what GitHub expects; `user:token` in the variable sets another
MIRRORS = "remotes"  # folder under the cache folder
# A repository fetched this recently in the same build is not fetched again (a build reads the
# same repository for several projects).
FRESH_SECONDS = 300.0
GIT_TIMEOUT_SECONDS = 1800

_SCP_LIKE = re.compile(r"^(?:(?P<user>[^@/:]+)@)?(?P<host>[^@/:]+):(?P<path>(?!/)[^:].*)$")
_SCHEMES = ("https", "http", "ssh", "git", "file")
_AUTH_FAILURE = re.compile(
    r"authentication failed|could not read (username|password)|terminal prompts disabled|"
    r"error: 40[13]\b|http 40[13]\b|permission denied \(publickey|repository not found|"
    r"access denied|invalid username or password",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Remote:
    """A repository URL taken apart: what to show, what to name things after, how to log in."""

    url: str  # as written (checked to hold no password)
    display: str  # for messages: the URL without any user name
    scheme: str  # https | http | ssh | git | file
    host: str  # "" for file://
    port: int | None
    path: str  # the repository's path on the host, without a leading "/"

    @property
    def uses_token(self) -> bool:
        return self.scheme in ("https", "http")

    @property
    def auth_scope(self) -> str:
        """The URL prefix git's `http.<url>.*` settings are limited to: this repository."""
        port = f":{self.port}" if self.port else ""
        return f"{self.scheme}://{self.host}{port}/{self.path}"


_LOOPBACK = ("localhost", "127.0.0.1", "::1")


# --- public entry points ------------------------------------------------------------------------


def parse_remote(url: str) -> Remote:
    """Check a repository URL and take it apart. Raises `RemoteError` for a URL git cannot use
    or that carries a password (which belongs in an environment variable, not in YAML)."""
    text = url.strip()
    if "://" not in text and re.match(r"[^@/]*:[^@/]*@", text):
        raise RemoteError(
            _shown(text),
            "the address holds a password or token before its `@`. Remove it from the project file "
            "(and change that password: it is in the git history now); ssh logs in with a key "
            "(an ssh-agent or GIT_SSH_COMMAND), never a password in the address.",
        )
    scp = _SCP_LIKE.match(text) if "://" not in text else None
    if scp:
        return Remote(
            url=text,
            display=_shown(text),
            scheme="ssh",
            host=scp["host"].lower(),
            port=None,
            path=scp["path"].strip("/"),
        )
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise RemoteError(_shown(text), "this is not a URL git can clone; fix `url:` in the project file.") from None
    scheme = parts.scheme.lower()
    if scheme not in _SCHEMES:
        hint = (
            "for a repository on this machine use `path:` instead of `url:`"
            if not scheme or len(scheme) == 1  # "C:" on Windows, or no scheme at all
            else f"use one of: {', '.join(s + '://' for s in _SCHEMES)}"
        )
        raise RemoteError(_shown(text), f"'{scheme or text}' is not a supported kind of URL; {hint}.")
    if parts.password is not None:
        raise RemoteError(
            _shown(text),
            "the URL holds a password or token. Remove it from the project file (and change that "
            f"password: it is in the git history now) and set {token_variables(_without_userinfo(parts))[0]} "
            "in the build's environment instead.",
        )
    if scheme in ("http", "https") and parts.username is not None:
        # A token is often pasted where the user name goes: it would reach git's messages and
        # the cached clone's config.
        raise RemoteError(
            _shown(text),
            "the URL holds a user name (or a token written in its place). Remove it from the "
            "project file (if it was a token, revoke it: it is in the git history now) and set "
            f"{token_variables(_without_userinfo(parts))[0]} in the build's environment instead "
            "(`user:token` there sets another user name).",
        )
    secret = credential_parameter(parts.query)
    if secret is not None:
        raise RemoteError(
            _shown(text),
            f"the URL carries a token in its query (`{secret}=…`). Remove it from the project file "
            "(and revoke it: it is in the git history now) and set "
            f"{token_variables(_without_userinfo(parts._replace(query='')))[0]} in the build's environment instead.",
        )
    if scheme != "file" and not parts.hostname:
        raise RemoteError(_shown(text), "the URL names no host; fix `url:` in the project file.")
    path = parts.path.strip("/")
    if not path:
        raise RemoteError(_shown(text), "the URL names no repository; fix `url:` in the project file.")
    return Remote(
        url=text,
        display=_shown(text),
        scheme=scheme,
        host=(parts.hostname or "").lower(),
        port=port,
        path=path,
    )


def token_variables(remote: Remote | SplitResult) -> tuple[str, ...]:
    """The environment variables that may hold a token for this repository, most specific first:
    `MILEPOST_TOKEN_<HOST>_<PATH>`, then `MILEPOST_TOKEN_<HOST>`. None for non-HTTP URLs."""
    if isinstance(remote, SplitResult):
        host, port, path = (remote.hostname or ""), remote.port, remote.path.strip("/")
    else:
        if not remote.uses_token:
            return ()
        host, port, path = remote.host, remote.port, remote.path
    host_part = _variable_part(f"{host}_{port}" if port else host)
    repo_part = _variable_part(re.sub(r"\.git$", "", path))
    names = [f"{TOKEN_PREFIX}{host_part}_{repo_part}"] if repo_part else []
    names.append(f"{TOKEN_PREFIX}{host_part}")
    return tuple(names)


def mirror_path(cache_dir: Path, remote: Remote) -> Path:
    """Where the bare clone of `remote` lives: readable name plus a hash of the whole URL."""
    digest = hashlib.sha256(remote.url.encode("utf-8")).hexdigest()[:12]
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", remote.path.rsplit("/", 1)[-1]).strip(".-") or "repository"
    return Path(cache_dir) / MIRRORS / f"{name.removesuffix('.git')}-{digest}.git"


def local_mirror(
    url: str,
    cache_dir: Path | None,
    *,
    environ: Mapping[str, str] | None = None,
    fresh_seconds: float = FRESH_SECONDS,
    git_history: GitHistory | None = None,
) -> Path:
    """The path of an up-to-date bare, blobless clone of `url`, cloning or fetching as needed.

    `git_history`: the build's state (a fresh one by default): a mirror it fetched less than
    `fresh_seconds` ago is not fetched again. `cache_dir` None keeps the clones in a temporary
    folder for that state only. `environ`: the environment to take tokens from and run git in
    (the runner's by default). Raises `RemoteError` with a message for the agency (naming the
    repository, never a secret).
    """
    git_history = git_history if git_history is not None else GitHistory()
    state = git_history.remotes
    remote = parse_remote(url)
    if environ is None:
        environ = git_history.git.environ
    env = dict(os.environ if environ is None else environ)
    if cache_dir is None:
        cache_dir = state.scratch_dir()
    target = mirror_path(cache_dir, remote)
    last = state.fetched.get(target)
    if last is not None and time.monotonic() - last < fresh_seconds and target.is_dir():
        return target
    secrets = _secrets(remote, env)
    git = _Git(git_history, remote, env, secrets)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with _locked(target.with_name(target.name + ".lock"), remote.display):
            if git.is_mirror(target):
                git.fetch(target)
            else:
                if target.exists():
                    log.info("The cached clone of %s is damaged; cloning it again.", remote.display)
                    shutil.rmtree(target)
                git.clone(target)
    except OSError as err:
        raise RemoteError(
            remote.display,
            f"the cache folder {target.parent} cannot be written ({mask_secrets(str(err), secrets)}). "
            "Check its permissions and free disk space, or delete it (it is only a cache).",
        ) from None
    state.fetched[target] = time.monotonic()
    return target


def mask_secrets(text: str, secrets: Sequence[str]) -> str:
    """`text` without any of `secrets` and without passwords in URLs."""
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(secret, "***")
    # Every URL git quotes: no user part (a token may be written in its place), no query value.
    return mask_urls(text)


# --- cloning and fetching -----------------------------------------------------------------------


@dataclass
class _Git:
    """git for one remote, through the build's runner: its own environment (token header,
    no prompts) and messages with every form of the token masked."""

    git_history: GitHistory
    remote: Remote
    env: dict[str, str]
    secrets: Sequence[str]

    def clone(self, target: Path) -> None:
        # Clone next to the final place and rename: an interrupted clone never looks like a cache.
        remote = self.remote
        work = Path(tempfile.mkdtemp(prefix=f".{target.name}.cloning-", dir=target.parent))
        try:
            log.info("Cloning %s (commits only, no file contents) into the cache.", remote.display)
            self.network(
                ["clone", "--bare", "--filter=blob:none", "--no-tags", "--quiet", "--", remote.url, str(work / "repo")],
                "could not be cloned",
            )
            repo = work / "repo"
            # A bare clone fetches nothing on `git fetch` until told which refs to keep up to
            # date; `+` lets a force-pushed branch replace the cached one.
            self.local(repo, ["config", "remote.origin.fetch", "+refs/heads/*:refs/heads/*"], "could not be set up")
            repo.rename(target)
            self.git_history.remotes.stats.clones += 1
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def fetch(self, target: Path) -> None:
        log.info("Fetching new commits of %s.", self.remote.display)
        self.network(["-C", str(target), "fetch", "--prune", "--no-tags", "--quiet", "origin"], "could not be fetched")
        self.git_history.remotes.stats.fetches += 1

    def is_mirror(self, target: Path) -> bool:
        """Whether `target` is a usable mirror; False means damaged (it is cloned again). A
        mirror git refuses to open because another user owns it is not damaged: it is kept,
        and the error says how to allow it."""
        if not (target / "HEAD").is_file():
            return False
        result = self.git_history.git.run(
            ["rev-parse", "--is-bare-repository"], cwd=target, env=_base_env(self.env), settings=(), check=False
        )
        if not result.ok and kind_of(result.stderr) == DUBIOUS_OWNERSHIP:
            raise RemoteError(
                self.remote.display,
                f"git refuses to open its cached clone {target}: {SAFE_DIRECTORY_ADVICE}",
            )
        return result.ok and result.text == "true"

    def local(self, repo: Path, args: list[str], what: str) -> None:
        try:
            self.git_history.git.run(
                args, cwd=repo, env=_base_env(self.env), settings=(), mask=self.mask, repository=self.remote.display
            )
        except GitError as err:
            raise RemoteError(self.remote.display, f"{what} ({err.said.strip() or 'no message'}).") from None

    def network(self, args: list[str], what: str) -> None:
        remote = self.remote
        try:
            self.git_history.git.run(
                args,
                env=_command_env(remote, self.env),
                settings=(),
                timeout=GIT_TIMEOUT_SECONDS,
                mask=self.mask,
                repository=remote.display,
                what=what,
            )
        except GitError as err:
            if err.kind == NOT_STARTED:
                raise RemoteError(remote.display, "git could not be started. Install git and put it on PATH.") from None
            if err.kind == TIMEOUT:
                raise RemoteError(
                    remote.display,
                    f"{what}: git was still busy after {GIT_TIMEOUT_SECONDS // 60} minutes. Check the "
                    "network and that the server answers; the next build starts again.",
                ) from None
            raise RemoteError(remote.display, _failure(remote, self.env, what, err.said)) from None

    def mask(self, text: str) -> str:
        return mask_secrets(text, self.secrets)


def _failure(remote: Remote, env: Mapping[str, str], what: str, said: str) -> str:
    lines = [line.strip() for line in said.strip().splitlines() if line.strip()]
    quoted = f" (git said: {' '.join(lines[-2:])})" if lines else ""
    if "host key verification failed" in said.lower():
        return (
            f"{what}: ssh does not know the server's host key{quoted}. Add it to the build's "
            f"known_hosts once, e.g. `ssh-keyscan {remote.host} >> ~/.ssh/known_hosts`, after "
            "checking its fingerprint."
        )
    if _AUTH_FAILURE.search(said):
        if remote.scheme == "ssh":
            return (
                f"{what}: the server refused the SSH login{quoted}. Give the build a key that may "
                "read this repository (a read-only deploy key): load it into ssh-agent, or set "
                "GIT_SSH_COMMAND='ssh -i /path/to/key -o IdentitiesOnly=yes'."
            )
        names = token_variables(remote)
        used = _token_variable(remote, env)
        if used:
            return (
                f"{what}: the server refused the token in {used}{quoted}. Check that it is "
                "spelled right, has not expired, and may read this repository."
            )
        if names:
            return (
                f"{what}: the server asks for a login and no token is set{quoted}. Set "
                f"{names[0]} (this repository) or {names[-1]} (every repository on {remote.host}) "
                "to a read-only access token; in CI, pass it from a secret."
            )
    return (
        f"{what}{quoted}. Check that the URL in the project file is right, that the server "
        "can be reached from this machine, and that the repository still exists."
    )


# --- credentials and environment ------------------------------------------------------------


def _token_variable(remote: Remote, env: Mapping[str, str]) -> str:
    """The name of the first token variable that is set, or ""."""
    for name in token_variables(remote):
        if env.get(name, "").strip():
            return name
    return ""


def _secrets(remote: Remote, env: Mapping[str, str]) -> list[str]:
    """Every form in which this repository's credentials could show up in git's output."""
    name = _token_variable(remote, env)
    if not name:
        return []
    value = env[name].strip()
    return [value, _basic(value), *value.split(":", 1)[1:]]


def _basic(value: str) -> str:
    user, separator, token = value.partition(":")
    credentials = f"{user}:{token}" if separator else f"{TOKEN_USER}:{value}"
    return base64.b64encode(credentials.encode("utf-8")).decode("ascii")


def _base_env(env: Mapping[str, str]) -> dict[str, str]:
    # Never pointed at another repository; never waiting for someone to type a password.
    clean = git_environment(env)
    clean["GCM_INTERACTIVE"] = "never"
    clean.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes -o ConnectTimeout=30")
    for name in [n for n in clean if n.startswith(TOKEN_PREFIX)]:
        del clean[name]  # git never needs them; one less place for a token to travel
    return clean


def _command_env(remote: Remote, env: Mapping[str, str]) -> dict[str, str]:
    command_env = _base_env(env)
    settings = [
        # Give up on a stalled connection instead of hanging the build for hours.
        ("http.lowSpeedLimit", "1000"),
        ("http.lowSpeedTime", "60"),
    ]
    name = _token_variable(remote, env)
    if name and remote.uses_token and remote.scheme == "http" and remote.host not in _LOOPBACK:
        raise RemoteError(
            remote.display,
            f"{name} is set, but the URL is plain http://: the token would cross the network "
            "readable by anyone on the way. Use the https:// address of the repository.",
        )
    if name and remote.uses_token:
        header = f"Authorization: Basic {_basic(env[name].strip())}"
        settings.append((f"http.{remote.auth_scope}.extraHeader", header))
    # GIT_CONFIG_COUNT/KEY/VALUE pass settings to this git process only; keep any the
    # environment already has.
    try:
        count = int(command_env.get("GIT_CONFIG_COUNT", "0"))
    except ValueError:
        count = 0
    for key, value in settings:
        command_env[f"GIT_CONFIG_KEY_{count}"] = key
        command_env[f"GIT_CONFIG_VALUE_{count}"] = value
        count += 1
    command_env["GIT_CONFIG_COUNT"] = str(count)
    return command_env


# --- small helpers ----------------------------------------------------------------------------


def _variable_part(text: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "_", text.upper()).strip("_")


def _without_userinfo(parts: SplitResult) -> SplitResult:
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return parts._replace(netloc=host)


def _shown(url: str) -> str:
    """A URL fit for messages and logs (`masked_url`: no user name, password or query value)."""
    return masked_url(url)


@contextlib.contextmanager
def _locked(lock_file: Path, shown: str) -> Iterator[None]:
    """One process at a time clones or fetches a repository (a build next to `milepost serve`)."""
    with held(
        lock_file,
        holder=f"another clone or fetch of {shown}",
        remedy="wait for it to end (or stop it), then build again; a stuck git may need its process stopped",
    ):
        yield

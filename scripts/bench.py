#!/usr/bin/env python3
"""Measure Milepost against the tools it stands on: plain `git log` and a plain MkDocs build.

    python scripts/bench.py [--commits N] [--projects P] [--runs R] [--today YYYY-MM-DD]
                            [--keep DIR] [--profile]

It makes synthetic data in a temporary folder (P git repositories of N commits each, written
with `git fast-import`, and a portal of one client with P projects), then prints:

- History: reading each repository with `read_history` (no disk cache, in-process memo
  cleared, so git log really runs and its output is parsed) against `git log` itself with the
  same arguments, writing to /dev/null. Target: at most 1.5 times as long.
- Build: a warm `milepost build` with nothing changed (history and pages in the disk cache,
  in-process memo cleared) against a plain `mkdocs build` of the very pages and files that
  build generates, with the same theme, theme overrides, plugins and Markdown extensions but
  no hooks. Target: at most 1.3 times. A third row, with no target, is a warm build that must
  render its pages again (page cache emptied, as after an edit to a project file that changes
  no rule or milestone id): the classified commits come from the shown-work cache.

Both builds run in this process (MkDocs' `build()`), so interpreter start-up and imports are
paid by neither. Each run of a build writes into the same site folder, replacing the previous
output, as re-running the command would. The two sides of each comparison run alternately
(a, b, a, b, ...) so that load from other work on the machine falls on both alike. Medians are
quoted; min and max show the noise.

Rows without a target are there to show where time goes: git log into a pipe read by Python,
reading histories from the disk cache, and the parts of rendering the pages timed on their own.
`--profile` adds cProfile listings of a cold read, a warm build and the plain build.

The script measures and does not judge: it exits 0 whether or not a target is met, and
non-zero only when something fails (git missing, a build error).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import logging
import os
import platform
import pstats
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# mkdocs-material prints an end-of-life notice on every build unless this is set.
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

import yaml  # noqa: E402
from milepost.classify.rules import load_rules  # noqa: E402
from milepost.classify.shown_work import project_work  # noqa: E402
from milepost.history.commits import LOG_FORMAT, HistoryError, read_history  # noqa: E402
from milepost.history.state import GitHistory  # noqa: E402
from milepost.mkdocs.build import build_clients  # noqa: E402
from milepost.mkdocs.extra_config import settings_from_extra  # noqa: E402
from milepost.mkdocs.site import ASSETS, CSS_PATH, PAGE_TEMPLATE, THEME_OVERRIDES, prepare  # noqa: E402
from milepost.model import RepositorySpec  # noqa: E402
from milepost.portal import load_configured  # noqa: E402
from milepost.render.html import esc  # noqa: E402
from mkdocs import __version__ as mkdocs_version  # noqa: E402
from mkdocs.commands.build import build as mkdocs_build  # noqa: E402
from mkdocs.config import load_config  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CLIENT_SLUG = "bench-client"
HISTORY_TARGET = 1.5
BUILD_TARGET = 1.3

log = logging.getLogger("mkdocs.plugins.milepost.bench")


class BenchError(Exception):
    """Something the benchmark needs did not work; the message says what."""


# --- synthetic git history -----------------------------------------------------------------------

PEOPLE = (
    ("Anna Nowak", "anna@agency.example"),
    ("Piotr Zieliński", "piotr@agency.example"),
    ("Ewa Kowalska", "ewa@agency.example"),
    ("Marek Wiśniewski", "marek@agency.example"),
    ("Olivia Brown", "olivia@agency.example"),
    ("James Carter", "james@agency.example"),
)
BOTS = (
    ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com"),
    ("renovate[bot]", "29139614+renovate[bot]@users.noreply.github.com"),
)
SCOPES = ("cart", "checkout", "search", "auth", "api", "catalogue", "payments", "emails", "admin", "ui")
THINGS = (
    "basket total", "product list", "order confirmation e-mail", "password reset", "search results",
    "delivery options", "invoice download", "stock levels", "discount codes", "login form",
    "address book", "order history", "image gallery", "price filter", "newsletter sign-up",
)
VERBS_NEW = ("add", "show", "let customers change", "support", "allow sorting of", "introduce")
VERBS_FIX = ("correct", "repair", "stop duplicating", "handle empty", "fix rounding in", "keep")
CHORES = (
    "update lock file", "tidy imports", "rename helpers", "bump tooling", "clean up logging",
    "move settings", "drop unused code", "format with the new style",
)
PACKAGES = ("django", "requests", "pytest", "webpack", "eslint", "react", "celery", "pillow")
FILES = tuple(
    [f"src/{scope}/{name}.py" for scope in SCOPES for name in ("views", "models")]
    + [f"tests/test_{scope}.py" for scope in SCOPES]
    + ["README.md", "docs/setup.md", "package.json", ".github/workflows/ci.yml"]
)
BODY_LINES = (
    "The old code assumed every order had at least one item.",
    "This keeps the behaviour the same for existing customers.",
    "Numbers are now rounded once, at the end, instead of per line.",
    "See the discussion at https://tracker.agency.example/browse/SHOP-204 for details.",
    "Reported by maria.k@customer.example on the support line.",
    "Zażółć gęślą jaźń: Polish text in messages must survive intact.",
    "The query used to run once per product; it now runs once per page.",
    "No visible change for users; this prepares the next step.",
    "Tested by hand on Firefox, Chrome and Safari on a phone.",
)


@dataclass
class HistoryShape:
    """How the synthetic messages are spread; fixed so every run makes the same repositories."""

    milestone_ids: tuple[str, ...]
    seed: int


def commit_message(rng: random.Random, shape: HistoryShape, is_bot: bool) -> str:
    """One realistic message: a subject, often a body, sometimes trailers."""
    if is_bot:
        package = rng.choice(PACKAGES)
        old = f"{rng.randint(1, 5)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}"
        new = f"{old.split('.')[0]}.{rng.randint(21, 30)}.0"
        return (
            f"chore(deps): bump {package} from {old} to {new}\n\n"
            f"Bumps {package} from {old} to {new}.\n\nSigned-off-by: dependabot[bot] <support@github.com>\n"
        )
    roll = rng.random()
    scope = rng.choice(SCOPES)
    thing = rng.choice(THINGS)
    ticket = f"SHOP-{rng.randint(100, 999)}"
    if roll < 0.28:
        subject = f"feat({scope}): {rng.choice(VERBS_NEW)} {thing}"
    elif roll < 0.48:
        subject = f"fix({scope}): {ticket} {rng.choice(VERBS_FIX)} {thing}"
    elif roll < 0.62:
        subject = f"chore: {rng.choice(CHORES)}"
    elif roll < 0.70:
        subject = f"refactor({scope}): split {thing} code"
    elif roll < 0.76:
        subject = f"test({scope}): cover {thing}"
    elif roll < 0.80:
        subject = f"docs: explain {thing}"
    elif roll < 0.83:
        subject = f"perf({scope}): faster {thing}"
    elif roll < 0.85:
        subject = "ci: cache dependencies between jobs"
    elif roll < 0.87:
        subject = f"[internal] try another way to build {thing}"
    elif roll < 0.88:
        subject = f'Revert "feat({scope}): {rng.choice(VERBS_NEW)} {thing}"'
    else:
        subject = f"{rng.choice(VERBS_FIX).capitalize()} {thing} ({ticket})"
    parts = [subject]
    if rng.random() < 0.45:
        parts.append("\n".join(rng.sample(BODY_LINES, rng.randint(1, 4))))
    trailers = []
    if rng.random() < 0.20:
        trailers.append(f"Refs: {ticket}")
    if rng.random() < 0.15:
        trailers.append(f"Milestone: {rng.choice(shape.milestone_ids)}")
    if rng.random() < 0.08:
        trailers.append(f"Client: The {thing} now works the way you asked.")
    if rng.random() < 0.03:
        trailers.append("Internal: yes")
    if rng.random() < 0.05:
        name, email = rng.choice(PEOPLE)
        trailers.append(f"Co-authored-by: {name} <{email}>")
    if rng.random() < 0.10:
        name, email = rng.choice(PEOPLE)
        trailers.append(f"Signed-off-by: {name} <{email}>")
    if trailers:
        parts.append("\n".join(trailers))
    return "\n\n".join(parts) + "\n"


def fast_import_stream(commits: int, shape: HistoryShape, last: dt.datetime) -> bytes:
    """A `git fast-import` stream of a linear history on `main` ending at `last`."""
    rng = random.Random(shape.seed)
    # Step backwards from the last commit, 20 minutes to 3 hours apart, then write oldest first.
    stamps = []
    moment = last
    for _ in range(commits):
        stamps.append(moment)
        moment -= dt.timedelta(minutes=rng.randint(20, 180))
    stamps.reverse()
    out = io.BytesIO()
    for number, stamp in enumerate(stamps, start=1):
        is_bot = rng.random() < 0.05
        name, email = rng.choice(BOTS) if is_bot else rng.choice(PEOPLE)
        message = commit_message(rng, shape, is_bot).encode("utf-8")
        path = rng.choice(FILES)
        content = f"# {path}\nrevision = {number}\n".encode("utf-8")
        when = f"{int(stamp.timestamp())} {stamp.strftime('%z')}"
        out.write(b"commit refs/heads/main\n")
        out.write(f"mark :{number}\n".encode())
        out.write(f"author {name} <{email}> {when}\n".encode())
        out.write(f"committer {name} <{email}> {when}\n".encode())
        out.write(f"data {len(message)}\n".encode() + message + b"\n")
        out.write(f"M 100644 inline {path}\n".encode())
        out.write(f"data {len(content)}\n".encode() + content + b"\n")
    out.write(b"done\n")
    return out.getvalue()


def git_env() -> dict[str, str]:
    """The caller's environment without GIT_* variables and without this machine's git config."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("GIT_")}
    env.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1", GIT_TERMINAL_PROMPT="0")
    return env


def run_git(*args: str, stdin: bytes | None = None) -> str:
    try:
        done = subprocess.run(["git", *args], input=stdin, capture_output=True, env=git_env())
    except OSError as err:
        raise BenchError(f"git could not be started ({err}); install git and put it on PATH") from None
    if done.returncode != 0:
        raise BenchError(f"git {' '.join(args[:3])} failed: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout.decode("utf-8", errors="replace").strip()


def make_repository(path: Path, commits: int, shape: HistoryShape, last: dt.datetime) -> None:
    run_git("init", "-q", "--initial-branch=main", str(path))
    run_git("-C", str(path), "fast-import", "--quiet", "--done", stdin=fast_import_stream(commits, shape, last))


# --- synthetic portal ------------------------------------------------------------------------------


def client_yaml() -> str:
    return yaml.safe_dump(
        {
            "name": "Benchmark Retail",
            "language": "en",
            "timezone": "Europe/Warsaw",
            "contacts": [
                {"name": "Anna Nowak", "role": "Project manager", "email": "anna@agency.example"},
                {"name": "Piotr Zieliński", "role": "Lead developer", "email": "piotr@agency.example"},
            ],
            "response_time": "within one business hour",
            "allowed_hosts": ["tracker.agency.example"],
        },
        allow_unicode=True,
        sort_keys=False,
    )


def project_yaml(number: int, repository: str, today: dt.date) -> str:
    def day(offset: int) -> dt.date:
        return today + dt.timedelta(days=offset)

    data: dict[str, Any] = {
        "name": f"Project {number}",
        "summary": "A plain-language paragraph about what we are building and why.",
        "repositories": [{"path": repository}],
        "milestones": [
            {
                "id": "discovery", "title": "Discovery workshops", "start": day(-400), "due": day(-300),
                "done": day(-302),
                "tasks": [{"title": f"Workshop {n}", "done": day(-330 + n)} for n in range(1, 4)],
            },
            {
                "id": "build", "title": "First working version", "start": day(-300), "due": day(-20),
                "tasks": [{"title": "Catalogue", "done": day(-60)}, {"title": "Basket", "done": day(-10)},
                          {"title": "Payments"}, {"title": "E-mails"}],
                "delay": {"reason": "The payment provider changed its interface.",
                          "plan": "Card payments go first; the rest follows a week later.", "due": day(25)},
            },
            {
                "id": "launch", "title": "Launch", "start": day(30), "due": day(90),
                "tasks": [{"title": "Load testing"}, {"title": "Go live"}],
            },
        ],
        "waiting_on_client": [
            {"title": "Logo files in SVG", "asked": day(-14), "needed_by": day(7), "milestone": "launch"},
        ],
        "decisions": [{"date": day(-30), "title": "Weekly call", "agreed": ["Launch stays as planned"]}],
        "budget": {"hours": 2000, "used": 1450, "as_of": day(-3)},
        "next_update": day(5),
    }
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def make_portal(base: Path, repositories: Sequence[Path], today: dt.date) -> Path:
    """The portal: this repository's mkdocs.yml (hook by absolute path) and one client."""
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    config["hooks"] = [str(ROOT / "hooks" / "milepost_hooks.py")]
    config["watch"] = []
    config["extra"]["milepost"]["projects_dir"] = "projects"
    config["extra"]["milepost"]["cache_dir"] = str(base / ".cache")
    # The promise ledger is read from the portal's own history, as in a real portal.
    config["extra"]["milepost"].pop("ledger_repo", None)
    (base / "docs").mkdir(parents=True)
    (base / "docs" / "index.md").write_text("# Team notes\n\nInternal only.\n", encoding="utf-8")
    folder = base / "projects" / CLIENT_SLUG
    folder.mkdir(parents=True)
    (folder / "client.yml").write_text(client_yaml(), encoding="utf-8")
    for number, repository in enumerate(repositories, start=1):
        relative = os.path.relpath(repository, folder)
        (folder / f"project-{number}.yml").write_text(project_yaml(number, relative, today), encoding="utf-8")
    config_file = base / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    run_git("init", "--quiet", str(base))
    run_git("-C", str(base), "add", "mkdocs.yml", "docs", "projects")
    identity = ("-c", "user.name=Bench", "-c", "user.email=bench@example.invalid")
    run_git("-C", str(base), *identity, "commit", "--quiet", "-m", "Plan the bench client's projects")
    return config_file


def make_plain_site(base: Path, config_file: Path, today: dt.date) -> Path:
    """A hook-free MkDocs project holding exactly the pages and files the hook generates.

    The pages come from the hook's own `prepare` for the client, so they are the ones a build
    renders; the theme, theme overrides, extra CSS, navigation, plugins and Markdown
    extensions are the same as in the client's build.
    """
    config = load_config(str(config_file), site_dir=str(base / "unused"))
    options = dict(config.extra.get("milepost") or {})
    options.update(client=CLIENT_SLUG, today=today.isoformat())
    config.extra["milepost"] = options
    # The address the client's own build has (its folder under site_url), as the pages use it
    # (the calendar's webcal:// link).
    if config.site_url:
        config.site_url = config.site_url.rstrip("/") + f"/{CLIENT_SLUG}/"
    state = prepare(config)
    docs = base / "docs"
    for page in state.sites[0].pages:
        target = docs / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        # The hook draws every page with milepost.html; here the page says so itself, in the
        # page's own front matter when it has one (its feeds).
        text = page.markdown
        if text.startswith("---\n"):
            text = f"---\ntemplate: {PAGE_TEMPLATE}\n{text[4:]}"
        else:
            text = f"---\ntemplate: {PAGE_TEMPLATE}\n---\n{text}"
        target.write_text(text, encoding="utf-8")
    for path, content in state.sites[0].files:
        target = docs / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    (docs / CSS_PATH).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ASSETS / "milepost.css", docs / CSS_PATH)

    plain = yaml.load(config_file.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    for key in ("hooks", "watch"):
        plain.pop(key, None)
    # What the hook set for the client (the theme's words for the 404 page, no generator
    # line, the translated description), without Milepost's own settings.
    plain["extra"] = {key: value for key, value in config.extra.items() if key != "milepost"}
    plain["site_name"] = str(config.site_name)
    plain["site_description"] = str(config.site_description)
    plain["site_url"] = plain["site_url"].rstrip("/") + f"/{CLIENT_SLUG}/"
    plain["docs_dir"] = "docs"
    plain["theme"]["language"] = config.theme["language"]
    plain["theme"]["custom_dir"] = str(THEME_OVERRIDES)
    plain["extra_css"] = [CSS_PATH]
    # The hook escapes each page's title once, as the page is rendered; here it is done ahead.
    plain["nav"] = [{esc(title): path} for item in config.nav for title, path in item.items()]
    plain_file = base / "mkdocs.yml"
    plain_file.write_text(yaml.safe_dump(plain, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return plain_file


# --- timing ------------------------------------------------------------------------------------------


@dataclass
class Series:
    label: str
    times: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def alternate(runs: int, *sides: tuple[Series, Callable[[], object]]) -> None:
    """Run each side once per round, in turn, `runs` rounds."""
    for _ in range(runs):
        for series, action in sides:
            series.times.append(action())


def git_log_args(location: Path, head: str) -> list[str]:
    """The command `read_history` runs (kept in step with commits._run_git_log)."""
    return [
        "git", "-C", str(location), "-c", "log.showSignature=false", "-c", "log.follow=false",
        "log", "--no-mailmap", "--no-color", "--encoding=UTF-8", "-z", f"--format={LOG_FORMAT}", head, "--",
    ]


def raw_git_log(location: Path, head: str) -> float:
    started = time.perf_counter()
    done = subprocess.run(git_log_args(location, head), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise BenchError(f"git log failed in {location}")
    return elapsed


def piped_git_log(location: Path, head: str) -> float:
    """git log into a pipe that Python reads and drops (for comparison: the cost of the pipe).

    It can come out slower than `read_history`, which parses while git writes: a reader that
    only waits on the pipe is woken for every small write.
    """
    started = time.perf_counter()
    with subprocess.Popen(git_log_args(location, head), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as proc:
        assert proc.stdout is not None
        while proc.stdout.read(64 * 1024):
            pass
    if proc.returncode != 0:
        raise BenchError(f"git log failed in {location}")
    return time.perf_counter() - started


def cold_read(spec: RepositorySpec) -> float:
    # A new GitHistory each time: nothing remembered from the last read, as in a new build.
    return timed(lambda: read_history(spec, cache_dir=None, history=GitHistory()))


def cached_read(spec: RepositorySpec, cache_dir: Path) -> float:
    return timed(lambda: read_history(spec, cache_dir=cache_dir, history=GitHistory()))


# The git state of every build timed since the cold one, to see that none ran git log.
WARM_BUILDS: list[GitHistory] = []


def milepost_build(config_file: Path, site_dir: Path, today: dt.date, history: GitHistory | None = None) -> None:
    outcome = build_clients(config_file, site_dir=site_dir, today=today, history=history)
    if not outcome.ok or CLIENT_SLUG not in outcome.built:
        raise BenchError(f"milepost build failed: {outcome.failed}")


def warm_build(config_file: Path, site_dir: Path, today: dt.date) -> float:
    history = GitHistory()
    WARM_BUILDS.append(history)
    return timed(lambda: milepost_build(config_file, site_dir, today, history))


def rerendering_build(config_file: Path, site_dir: Path, today: dt.date, cache_dir: Path) -> float:
    """A warm build whose pages are rendered again (as after an edit to a project file): the
    page cache is emptied, the history cache stays."""
    shutil.rmtree(cache_dir / "sites", ignore_errors=True)
    return warm_build(config_file, site_dir, today)


def plain_build(plain_file: Path, site_dir: Path) -> float:
    return timed(lambda: mkdocs_build(load_config(str(plain_file), site_dir=str(site_dir))))


@dataclass
class Stages:
    """Parts of a warm build, timed on their own, to show where its time goes."""

    load: Series = field(default_factory=lambda: Series("  load and check projects/, ledger (load_portal)"))
    history: Series = field(default_factory=lambda: Series("  histories from the disk cache"))
    classify: Series = field(default_factory=lambda: Series("  classify + redact all commits (no shown-work cache)"))
    work: Series = field(default_factory=lambda: Series("  the same from the shown-work cache (heads unchanged)"))


def time_stages(stages: Stages, config_file: Path, today: dt.date) -> None:
    """One round of each stage, the way `prepare` runs them for the client."""
    config = load_config(str(config_file))
    settings = settings_from_extra(str(config_file), config.extra)
    cache_dir = settings.cache_dir
    started = time.perf_counter()
    loaded = load_configured(settings, today=today)
    stages.load.times.append(time.perf_counter() - started)
    if loaded.portal is None:
        raise BenchError(f"the generated portal has problems: {loaded.problems}")
    client = loaded.portal.client(CLIENT_SLUG)
    projects = loaded.portal.projects_of(CLIENT_SLUG)
    rules = load_rules(getattr(client, "commit_rules", None) or None)
    history = GitHistory()
    stages.history.times.append(
        timed(
            lambda: [
                read_history(spec, cache_dir=cache_dir, history=history) for p in projects for spec in p.repositories
            ]
        )
    )
    # The histories are in this build's memory now: no cache folder means classifying each
    # commit again, as a build must when the rules or milestones change.
    stages.classify.times.append(
        timed(lambda: [project_work(client, p, rules=rules, cache_dir=None, history=history) for p in projects])
    )
    stages.work.times.append(
        timed(
            lambda: [project_work(client, p, rules=rules, cache_dir=cache_dir, history=history) for p in projects]
        )
    )


# Milepost's pages link to the theme's files shared by every client (publish/shared_assets.py):
# `../assets/<version>/` one level up, where a plain build has its own `assets/`.
SHARED_ASSETS = re.compile(rb"\.\./assets/[0-9a-f]{16}/")
SHARED_ABSOLUTE = re.compile(rb"(?<=[\"'(])/assets/[0-9a-f]{16}/")


def own_assets(page: bytes, folder: str) -> bytes:
    """A Milepost page as it links its assets before they move to the shared folder."""
    return SHARED_ABSOLUTE.sub(f"/{folder}/assets/".encode(), SHARED_ASSETS.sub(b"assets/", page))


def compare_outputs(milepost_site: Path, plain_site: Path) -> tuple[int, int, list[str]]:
    """(same HTML pages, HTML pages, files found in only one site): are they the same pages?"""
    ours = {p.relative_to(milepost_site).as_posix() for p in milepost_site.rglob("*") if p.is_file()}
    shared = milepost_site.parent / "assets"
    for version in (v for v in shared.iterdir() if v.is_dir()) if shared.is_dir() else ():
        ours |= {"assets/" + p.relative_to(version).as_posix() for p in version.rglob("*") if p.is_file()}
    theirs = {p.relative_to(plain_site).as_posix() for p in plain_site.rglob("*") if p.is_file()}
    html = sorted(p for p in ours & theirs if p.endswith(".html"))
    same = sum(
        own_assets((milepost_site / p).read_bytes(), milepost_site.name) == (plain_site / p).read_bytes() for p in html
    )
    return same, len(html), sorted(ours ^ theirs)


# --- report ----------------------------------------------------------------------------------------


def row(label: str, series: Series | None = None, note: str = "") -> str:
    if series is None:
        return f"  {label:<46} {'':>9} {'':>9} {'':>9}  {note}"
    return (
        f"  {label:<46} {series.median:9.3f} {min(series.times):9.3f} {max(series.times):9.3f}  {note}"
    ).rstrip()


def plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def header(title: str) -> str:
    return f"\n{title}\n  {'':<46} {'median':>9} {'min':>9} {'max':>9}  (seconds)"


def verdict(label: str, ratio: float, target: float) -> str:
    outcome = "PASS" if ratio <= target else "OVER"
    return f"  {label:<46} {ratio:6.2f}x   target <= {target:.1f}x   {outcome}"


def machine_info() -> list[str]:
    return [
        f"  cpus: {os.cpu_count()}   platform: {platform.platform()}",
        f"  python: {platform.python_version()}   {run_git('--version')}   mkdocs: {mkdocs_version}",
    ]


def profile(title: str, action: Callable[[], object], limit: int = 25) -> None:
    profiler = cProfile.Profile()
    profiler.runcall(action)
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("tottime").print_stats(limit)
    stats.sort_stats("cumulative").print_stats("milepost", limit)
    print(f"\n=== profile: {title} ===")
    print(text.getvalue())


# --- main ------------------------------------------------------------------------------------------


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a whole number of at least 1")
    return value


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commits", type=positive, default=20000, help="commits per repository (default 20000)")
    parser.add_argument("--projects", type=positive, default=5, help="projects, one repository each (default 5)")
    parser.add_argument("--runs", type=positive, default=5, help="timed runs per figure (default 5)")
    parser.add_argument(
        "--today", type=dt.date.fromisoformat, default=dt.date(2026, 11, 24), help="the build's day (YYYY-MM-DD)"
    )
    parser.add_argument("--keep", type=Path, help="make the data in this (new or empty) folder and keep it")
    parser.add_argument("--profile", action="store_true", help="also profile a cold read and a warm build")
    return parser.parse_args(argv)


def workspace(keep: Path | None) -> tuple[Path, Callable[[], None]]:
    if keep is None:
        folder = Path(tempfile.mkdtemp(prefix="milepost-bench-"))
        return folder, lambda: shutil.rmtree(folder, ignore_errors=True)
    if keep.exists() and (not keep.is_dir() or any(keep.iterdir())):
        raise BenchError(f"--keep {keep}: give a folder that does not exist yet or is empty")
    keep.mkdir(parents=True, exist_ok=True)
    return keep.resolve(), lambda: None


def run(args: argparse.Namespace) -> None:
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    base, cleanup = workspace(args.keep)
    try:
        bench(args, base)
    finally:
        cleanup()


def bench(args: argparse.Namespace, base: Path) -> None:
    today: dt.date = args.today
    runs: int = args.runs
    print(
        f"Milepost benchmark: {plural(args.projects, 'repository', 'repositories')} x "
        f"{plural(args.commits, 'commit', 'commits')}, {plural(runs, 'run', 'runs')}, today {today}"
    )
    print("machine:")
    print("\n".join(machine_info()))

    # --- data
    milestone_ids = ("discovery", "build", "launch")
    last = dt.datetime.combine(today - dt.timedelta(days=1), dt.time(17, 0), dt.timezone(dt.timedelta(hours=1)))
    repositories = []
    started = time.perf_counter()
    for number in range(1, args.projects + 1):
        path = base / "repos" / f"repo-{number}"
        make_repository(path, args.commits, HistoryShape(milestone_ids, seed=number), last)
        repositories.append(path)
    config_file = make_portal(base / "portal", repositories, today)
    print(f"  data made in {time.perf_counter() - started:.1f} s" + (f" in {base}" if args.keep else ""))

    # --- history
    specs = [RepositorySpec(path=str(path)) for path in repositories]
    heads = [run_git("-C", str(path), "rev-parse", "HEAD") for path in repositories]
    cache_dir = base / "history-cache"
    counts = []
    for spec in specs:  # fills the disk cache for the cached reads, and checks the reader works
        counts.append(len(read_history(spec, cache_dir=cache_dir)))
    if counts != [args.commits] * len(specs):
        raise BenchError(f"read_history found {counts} commits, expected {args.commits} in each repository")

    raw_total, piped_total = Series("git log > /dev/null"), Series("git log | Python reads and drops")
    cold_total, cached_total = Series("read_history, cold (runs git log, parses)"), Series("read_history, disk cache")
    per_repo: list[tuple[Series, Series, Series, Series]] = []
    for spec, path, head in zip(specs, repositories, heads):
        raw, piped, cold, cached = Series("raw"), Series("piped"), Series("cold"), Series("cached")
        alternate(
            runs,
            (raw, lambda: raw_git_log(path, head)),
            (piped, lambda: piped_git_log(path, head)),
            (cold, lambda: cold_read(spec)),
            (cached, lambda: cached_read(spec, cache_dir)),
        )
        per_repo.append((raw, piped, cold, cached))
    for index in range(runs):
        raw_total.times.append(sum(r[0].times[index] for r in per_repo))
        piped_total.times.append(sum(r[1].times[index] for r in per_repo))
        cold_total.times.append(sum(r[2].times[index] for r in per_repo))
        cached_total.times.append(sum(r[3].times[index] for r in per_repo))

    print(header(f"History: {plural(len(specs), 'repository', 'repositories')} together, sums per run"))
    for series in (raw_total, piped_total, cold_total, cached_total):
        print(row(series.label, series))
    print("  per repository (medians): git log / piped / cold read / cached read / cold÷git log")
    for path, (raw, piped, cold, cached) in zip(repositories, per_repo):
        print(
            f"    {path.name:<12} {raw.median:7.3f} {piped.median:7.3f} {cold.median:7.3f} "
            f"{cached.median:7.3f}   {cold.median / raw.median:5.2f}x"
        )
    history_ratio = cold_total.median / raw_total.median

    # --- builds
    site_dir = base / "site"
    cold_build = Series("milepost build, cold (empty cache, first build)")
    if (base / "portal" / ".cache").exists():
        raise BenchError("the portal's history cache should be empty before the cold build")
    cold_build.times.append(timed(lambda: milepost_build(config_file, site_dir, today)))
    WARM_BUILDS.clear()
    plain_file = make_plain_site(base / "plain", config_file, today)
    plain_site = base / "plain-site"
    warm, bare = Series("milepost build, warm (nothing changed)"), Series("mkdocs build, same pages, no hooks")
    rerender = Series("milepost build, pages rendered again (caches kept)")
    portal_cache = base / "portal" / ".cache"
    # Making the plain site ran the hook's `prepare` with its own settings, which replaced the
    # cold build's page cache entry: one untimed build puts the real one back.
    milepost_build(config_file, site_dir, today)
    alternate(
        runs,
        (warm, lambda: warm_build(config_file, site_dir, today)),
        (bare, lambda: plain_build(plain_file, plain_site)),
        (rerender, lambda: rerendering_build(config_file, site_dir, today, portal_cache)),
    )
    if not WARM_BUILDS or any(history.commits.stats.git_log_runs for history in WARM_BUILDS):
        raise BenchError("a warm build ran git log: the disk cache was not used")
    stages = Stages()
    for _ in range(runs):
        time_stages(stages, config_file, today)
    same, pages, only_one = compare_outputs(site_dir / CLIENT_SLUG, plain_site)

    print(header(f"Build: 1 client, {plural(len(specs), 'project', 'projects')}, builds in this process"))
    print(row(cold_build.label, cold_build, "(once)"))
    print(row(warm.label, warm))
    print(row(bare.label, bare))
    print(row(rerender.label, rerender, "(no target)"))
    print("  parts of rendering the pages again, timed apart:")
    for series in (stages.load, stages.history, stages.classify, stages.work):
        print(row(series.label, series))
    print(f"  HTML pages identical in both outputs: {same} of {pages}")
    if only_one:
        shown = ", ".join(only_one[:8]) + (" ..." if len(only_one) > 8 else "")
        print(f"  files in only one of the outputs: {shown}")
    build_ratio = warm.median / bare.median

    print("\nRatios (of medians):")
    print(verdict("history: read_history cold / git log", history_ratio, HISTORY_TARGET))
    print(verdict("build: milepost warm / plain mkdocs", build_ratio, BUILD_TARGET))

    if args.profile:
        profile("read_history, cold, first repository", lambda: cold_read(specs[0]))
        profile("milepost build, warm", lambda: warm_build(config_file, site_dir, today))
        profile("plain mkdocs build of the same pages", lambda: plain_build(plain_file, plain_site))


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        run(args)
    except (BenchError, HistoryError) as err:
        print(f"bench: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

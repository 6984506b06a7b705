"""The rendered pages of a client's site, kept on disk while nothing they come from changes.

Rendering a client means classifying and redacting every commit of every repository: seconds
for a large history. When a rebuild finds the same inputs (the project files as loaded, the
head of every repository, the history of promised dates, the day, the settings and Milepost's
own code and texts), the pages it would render are the ones it rendered last time, so they are
taken from here and MkDocs builds them as usual.

One entry per client and kind of build (its own site or the team preview), replaced when
anything changes, so the cache stays as large as the portal. Entries are JSON, never pickle:
the cache folder may be restored from a CI cache and must not be able to run code.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import json
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from milepost.classify.rules import RuleSet
from milepost.classify.shown_work import project_work
from milepost.errors import HistoryError, ProjectHistoryError
from milepost.history.commits import history_key
from milepost.history.disk_cache import CacheFormat, canonical_key, code_fingerprint, load_entry, write_entry
from milepost.history.project_files import ProjectFileVersions
from milepost.history.state import GitHistory
from milepost.model import Client, Project, SentLetter
from milepost.publish.site_content import ClientSite, SitePage, client_site
from milepost.render.answer_views import NO_ANSWERS, AnswerSetup
from milepost.status.forecast import NO_REFERENCE, ReferenceClass
from milepost.status.response_figures import ResponseFigures

MILEPOST_LOGGER = "mkdocs.plugins.milepost"
log = logging.getLogger(f"{MILEPOST_LOGGER}.site_cache")


@dataclass
class SiteCacheStats:
    """What the cache did in this process; tests use it to see when pages were rendered."""

    hits: int = 0
    renders: int = 0


stats = SiteCacheStats()

# Bump when the layout of an entry changes.
FORMAT_VERSION = 3
CACHE = CacheFormat("site", FORMAT_VERSION, "page cache")


def site_key(parts: Iterable[object]) -> str:
    """The key of a client's rendered site: a digest of everything rendering reads.

    `parts` are plain values and frozen dataclasses (the client, its projects, history keys,
    the day...), written canonically (`canonical_key`: sets sorted, never `repr`, so the key
    is the same in every process) after Milepost's code fingerprint and this module's format
    version.
    """
    return canonical_key("site", FORMAT_VERSION, code_fingerprint(), list(parts))


def entry_path(cache_dir: Path, slug: str, kind: str) -> Path:
    return Path(cache_dir) / "sites" / f"{slug}.{kind}.json"


def load_site(
    cache_dir: Path, slug: str, kind: str, key: str, client: Client
) -> tuple[ClientSite, list[tuple[str, int, str]]] | None:
    """The site stored under `key` and the warnings its rendering gave, or None (not stored,
    stored for other inputs, damaged)."""

    def decode(payload: bytes) -> tuple[ClientSite, list[tuple[str, int, str]]]:
        data = json.loads(payload)
        pages = tuple(SitePage(path=p, title=t, markdown=m, in_nav=bool(n)) for p, t, m, n in data["pages"])
        files = tuple((name, base64.b64decode(content, validate=True)) for name, content in data["files"])
        warnings = [(str(name), int(level), str(message)) for name, level, message in data["warnings"]]
        return ClientSite(client=client, pages=pages, files=files), warnings

    return load_entry(entry_path(cache_dir, slug, kind), CACHE, decode, fields=(key,))


def store_site(
    cache_dir: Path, kind: str, key: str, site: ClientSite, warnings: Sequence[tuple[str, int, str]] = ()
) -> None:
    """Keep `site` (and the warnings rendering it gave) under `key`, replacing what was kept
    for this client and kind."""
    path = entry_path(cache_dir, site.client.slug, kind)
    data = {
        "pages": [[page.path, page.title, page.markdown, page.in_nav] for page in site.pages],
        "files": [[name, base64.b64encode(content).decode("ascii")] for name, content in site.files],
        "warnings": [list(warning) for warning in warnings],
    }
    write_entry(path, CACHE, json.dumps(data, ensure_ascii=False).encode("utf-8"), fields=(key,))


def rendered_site(
    client: Client,
    projects: Sequence[Project],
    *,
    rules: RuleSet,
    file_versions: Mapping[str, ProjectFileVersions],
    today: dt.date,
    prefix: str,
    base_url: str,
    inactive_days: int,
    cache_dir: Path | None,
    git_history: GitHistory | None = None,
    letters: Sequence[SentLetter] = (),
    reference: ReferenceClass = NO_REFERENCE,
    responses: ResponseFigures | None = None,
    answers: AnswerSetup = NO_ANSWERS,
) -> ClientSite:
    """The client's site: from the cache when all it is made from is unchanged, else rendered
    (reading and classifying every repository's history) and kept for the next build.

    `letters`: the letters sent to the client (its archive), part of the key like the rest.
    `git_history`: the build's git state (a fresh one by default). Raises `ProjectHistoryError`
    when a repository cannot be read.
    """
    git_history = git_history if git_history is not None else GitHistory()

    heads: dict[str, list[str]] = {}

    def render() -> ClientSite:
        stats.renders += 1
        work = {}
        for project in projects:
            with _naming(project):
                work[project.slug] = project_work(
                    client, project, rules=rules, cache_dir=cache_dir, heads=heads.get(project.slug),
                    git_history=git_history,
                )
        return client_site(
            client,
            projects,
            work,
            today,
            prefix=prefix,
            base_url=base_url,
            file_versions=file_versions,
            inactive_days=inactive_days,
            letters=letters,
            reference=reference,
            responses=responses,
            cache_dir=cache_dir,
            answers=answers,
        )

    if cache_dir is None:
        return render()
    kind = "preview" if prefix else "site"
    for project in projects:
        with _naming(project):
            heads[project.slug] = [
                history_key(spec, cache_dir=cache_dir, git_history=git_history) for spec in project.repositories
            ]
    ledger = sorted(file_versions.items())
    key = site_key(
        (
            kind, client, tuple(projects), rules, sorted(heads.items()), ledger, today, prefix, base_url,
            inactive_days, tuple(letters), reference.slips, responses, answers.key(),
        )
    )
    cached = load_site(cache_dir, client.slug, kind, key, client)
    if cached is not None:
        site, warnings = cached
        stats.hits += 1
        log.debug("%s: nothing changed since the last build; pages taken from the cache.", client.slug)
        # Said again, as rendering said them: `mkdocs build --strict` must fail every time.
        for name, level, message in warnings:
            logging.getLogger(name).log(level, "%s", message)
        return site
    with _warnings_kept() as warnings:
        site = render()
    store_site(cache_dir, kind, key, site, warnings)
    return site


@contextlib.contextmanager
def _warnings_kept() -> Iterator[list[tuple[str, int, str]]]:
    """Collect (logger, level, message) of every warning Milepost logs inside the block."""
    kept: list[tuple[str, int, str]] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            kept.append((record.name, record.levelno, record.getMessage()))

    handler = Keep(logging.WARNING)
    logger = logging.getLogger(MILEPOST_LOGGER)
    logger.addHandler(handler)
    try:
        yield kept
    finally:
        logger.removeHandler(handler)


@contextlib.contextmanager
def _naming(project: Project) -> Iterator[None]:
    try:
        yield
    except HistoryError as err:
        raise ProjectHistoryError(f"{project.source}: {err}") from None

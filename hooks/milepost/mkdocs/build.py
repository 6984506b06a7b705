"""`milepost build`: one MkDocs build per client, in this process, swapped in only on success.

Each client's site is built into a temporary folder beside its final place and renamed into
`<site_dir>/<client>/` only when the build succeeded, so a failed build never leaves a
half-written site where a good one was. The site folder's lock, the swap and the recovery of
what a stopped build left are `publish/site_folder.py`'s (no MkDocs there); what a build may
write into at all (folders it made and marked, never the portal's own) is
`publish/site_ownership.py`'s. The theme's files
of each built site go, before its swap, to the one copy all sites share, `<site_dir>/assets/<version>/`
(`publish/shared_assets.py`). One client's build is `client_build.py`'s, run here or in
worker processes (`workers.py`).
"""

from __future__ import annotations

import datetime as dt
import logging
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

from milepost.answer_reference import link_secret
from milepost.errors import BuildFailed, LetterError, MilepostError, PrivacyError, SettingsError
from milepost.history.disk_cache import code_fingerprint
from milepost.history.state import GitHistory
from milepost.load.client_folders import client_folder, client_folders, derived_folder, path_secret
from milepost.load.problems import Problem, display_path
from milepost.load.settings import BuildSettings
from milepost.mkdocs.build_inputs import client_key, config_inputs
from milepost.mkdocs.client_build import ClientTask, build_here, failure_message, write_failure
from milepost.mkdocs.config_file import portal_folders, read_mkdocs_config
from milepost.mkdocs.extra_config import portal_settings
from milepost.mkdocs.workers import build_in_workers
from milepost.model import Client
from milepost.portal import LoadResult, load_configured
from milepost.publish.build_manifest import is_unchanged
from milepost.publish.letters import SENT_RECORD, SentRecord, read_record
from milepost.publish.privacy import site_root_files
from milepost.publish.protection import site_password
from milepost.publish.shared_assets import SHARED_FOLDER, recover_shared, used_version, version_intact
from milepost.publish.site_folder import exclusive, recover_leftovers
from milepost.publish.site_ownership import (
    Kind,
    claim_site_root,
    is_ours,
    refuse_foreign_root,
    refuse_portal_folders,
    write_root_files,
)
from milepost.render.answer_views import AnswerSetup

log = logging.getLogger(f"mkdocs.plugins.{__name__}")


@dataclass
class BuildOutcome:
    built: dict[str, Path] = field(default_factory=dict)  # client slug -> its site folder
    # Clients whose inputs did not change and whose published folder is intact: not built.
    unchanged: dict[str, Path] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)  # client slug -> message
    # Problems of no client (a stray file in projects/): nothing was refused for them, but
    # `milepost check` fails on them, and so does the command.
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.problems


def select_clients(available: Sequence[str], wanted: Sequence[str] | None) -> list[str]:
    if not wanted:
        return list(available)
    unknown = [slug for slug in wanted if slug not in available]
    if unknown:
        raise BuildFailed(
            f"unknown client(s): {', '.join(unknown)}; clients in projects/: {', '.join(available) or 'none'}"
        )
    return [slug for slug in available if slug in wanted]


def build_clients(
    config_file: Path,
    *,
    clients: Sequence[str] | None = None,
    site_dir: Path,
    today: dt.date | None = None,
    keep_going: bool = False,
    git_history: GitHistory | None = None,
    skip_unchanged: bool = False,
    jobs: int = 1,
    share_theme: bool = True,
) -> BuildOutcome:
    """Build `site_dir/<client>/` for each selected client (all when `clients` is empty).

    A client's problems stop that client only: with `clients`, only theirs (and the portal's
    own settings) are looked at; with `keep_going`, every healthy client is built and the
    broken ones are named in `failed`. A build of all clients without `keep_going` refuses
    to start while any file has a problem (as `milepost check` would fail).
    `git_history`: the build's git state, new by default (the benchmark passes its own to count);
    only with `jobs` 1, since worker processes each read git for themselves.

    A client whose inputs are those of its published site, and whose published folder is
    intact (publish/build_manifest.py), is not built (`unchanged`) with `skip_unchanged` (what
    `milepost build` does, unless `--force`). The others
    are built in `jobs` worker processes (mkdocs/workers.py), each building whole clients."""
    if git_history is not None and jobs > 1:
        # Worker processes read git themselves: a history given here would count nothing.
        raise ValueError("build_clients: a `git_history` is used by one process only; pass jobs=1 with it")
    config_file = config_file.resolve()
    base, settings = _portal_config(config_file)
    today = today or settings.today  # None: each client's own today, in its time zone
    # Never over the portal's own files (publish/site_ownership.py), before anything is written.
    refuse_portal_folders(site_dir, settings.root, portal_folders(base, settings.projects_dir, settings.root))
    refuse_foreign_root(site_dir)  # nor into a folder of other files (again under the lock)
    # Checked as the builds will check it (ledger included), so no client starts on a bad portal.
    loaded = load_configured(settings, today=today or dt.date.today(), full_history=True, git_history=git_history)
    slugs = _wanted_clients(loaded, clients, keep_going=keep_going)
    outcome = BuildOutcome()
    if clients:
        for problem in loaded.general_problems():
            log.warning("%s", problem)
    else:
        outcome.problems = loaded.general_problems()
    try:
        folders = client_folders(loaded.healthy.clients)
        known = known_folders(loaded)
    except PrivacyError as err:
        raise BuildFailed(str(err)) from None
    try:
        site_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise BuildFailed(f"{write_failure(err, site_dir)}; nothing was built.") from None
    # One build of a site folder at a time: the others wait (see publish/site_folder.py), so
    # every temporary folder found under the lock was left by a build that is gone.
    with exclusive(site_dir):
        _prepare_site_root(site_dir, known if not clients else None)
        try:
            sent = read_record(settings.root / SENT_RECORD)  # each client's site lists its letters
        except LetterError as err:
            raise BuildFailed(f"{err}; nothing was built.") from None
        keys = None
        if settings.cache_dir:
            keys = _ClientKeys.read(config_file, base, settings, loaded, site_dir, today, sent)
        tasks: list[ClientTask] = []
        checked: dict[str, bool] = {}  # shared assets' versions looked at, and whether intact
        for slug in slugs:
            task = _client_task(slug, folders, loaded, outcome, keys, skip_unchanged=skip_unchanged, checked=checked)
            if task is not None:
                tasks.append(task)
            elif slug in outcome.failed and not keep_going:
                break
        if tasks and (keep_going or not outcome.failed):
            results: Iterator[tuple[str, Path | str]]
            if jobs > 1 and len(tasks) > 1:  # each worker reads the portal once for itself
                results = build_in_workers(
                    tasks, jobs=jobs, keep_going=keep_going, config_file=config_file, site_dir=site_dir,
                    today=today, cache_dir=settings.cache_dir, share=share_theme,
                )
            else:
                results = build_here(
                    tasks, keep_going=keep_going, config_file=config_file, site_dir=site_dir,
                    today=today, cache_dir=settings.cache_dir, loaded=loaded, share=share_theme,
                )
            _record_results(results, outcome)
    outcome.built = {slug: outcome.built[slug] for slug in slugs if slug in outcome.built}
    outcome.failed = {slug: outcome.failed[slug] for slug in slugs if slug in outcome.failed}
    return outcome


def _record_results(results: Iterator[tuple[str, Path | str]], outcome: BuildOutcome) -> None:
    for slug, result in results:
        if isinstance(result, Path):
            outcome.built[slug] = result
        else:
            outcome.failed[slug] = result
            log.error("%s: not built: %s", slug, result)


def _portal_config(config_file: Path) -> tuple[MkDocsConfig, BuildSettings]:
    """The portal's mkdocs.yml and its Milepost settings, or the build refused in one line."""
    try:
        base = read_mkdocs_config(config_file)
        return base, portal_settings(config_file, base)
    except SettingsError as err:
        raise BuildFailed(str(err)) from None


def _wanted_clients(loaded: LoadResult, clients: Sequence[str] | None, *, keep_going: bool) -> list[str]:
    """The clients to build. Without `keep_going`, a problem refuses the build: the wanted
    clients' problems with `clients`, any problem without."""
    if not loaded.slugs:
        raise BuildFailed(problem_report(loaded.problems))
    slugs = select_clients(list(loaded.slugs), clients)
    if not keep_going:
        refused = sorted({p for slug in slugs for p in loaded.problems_of(slug)}) if clients else loaded.problems
        if refused:
            raise BuildFailed(problem_report(refused))
    return slugs


def _prepare_site_root(site_dir: Path, known: set[str] | None) -> None:
    """Under the lock: the site folder claimed, what a stopped build left cleared, the neutral
    root written; with `known` (a build of every client), folders of no client named."""
    try:
        claim_site_root(site_dir)  # only a folder Milepost made (or an empty one) is written
        recover_leftovers(site_dir)
        recover_shared(site_dir)
        write_site_root(site_dir)
        if known is not None:
            warn_about_strays(site_dir, known)
    except OSError as err:
        raise BuildFailed(f"{write_failure(err, site_dir)}; nothing was built.") from None


@dataclass(frozen=True)
class _ClientKeys:
    """What every client's input key is made of besides the client's own files (only when
    there is a cache folder to keep the keys in)."""

    cache_dir: Path
    site_dir: Path
    config: dict[str, object]
    loaded: LoadResult
    projects_dir: Path
    site_url: str
    today: dt.date | None
    sent: SentRecord
    answer_links: Sequence[object]  # the answer links' address and secret, as a key part

    @classmethod
    def read(
        cls,
        config_file: Path,
        base: MkDocsConfig,
        settings: BuildSettings,
        loaded: LoadResult,
        site_dir: Path,
        today: dt.date | None,
        sent: SentRecord,
    ) -> _ClientKeys:
        """What the keys are made of; `sent`, the sent record, is part of them (a client's
        archive of letters)."""
        assert settings.cache_dir is not None
        try:
            config = config_inputs(config_file, base)
        except OSError as err:
            raise BuildFailed(f"{write_failure(err, config_file)}; nothing was built.") from None
        # The answer links' address and secret, as a key part (render/answer_views.py).
        answer_links = AnswerSetup(settings.answers_address, link_secret(settings.answers_address)).key()[:2]
        return cls(
            settings.cache_dir,
            site_dir,
            config,
            loaded,
            settings.projects_dir,
            base.site_url or "",
            today,
            sent,
            answer_links,
        )

    def key(self, client: Client, folder: str) -> str:
        return client_key(
            client,
            loaded=self.loaded,
            projects_dir=self.projects_dir,
            cache_dir=self.cache_dir,
            config=self.config,
            code=code_fingerprint(),
            folder=folder,
            site_url=self.site_url,
            today=self.today,
            password=site_password(client),
            letters=[e.as_json() for e in self.sent.entries if e.client == client.slug],
            answer_links=self.answer_links,
        )


def _client_task(
    slug: str,
    folders: dict[str, str],
    loaded: LoadResult,
    outcome: BuildOutcome,
    keys: _ClientKeys | None,
    *,
    skip_unchanged: bool,
    checked: dict[str, bool],
) -> ClientTask | None:
    """Client `slug`'s build, or None: broken or failed (in `outcome.failed`), or unchanged
    (in `outcome.unchanged`)."""
    own = loaded.problems_of(slug)
    if own:
        outcome.failed[slug] = broken_client_message(own)
        log.error("%s: not built: %s", slug, outcome.failed[slug])
        return None  # only with keep_going: without it, the build refused before
    task = ClientTask(slug=slug, folder=folders[slug])
    if keys is None:
        return task
    try:
        task.key = keys.key(loaded.healthy.client(slug), task.folder)
        if (
            skip_unchanged
            and is_unchanged(keys.cache_dir, keys.site_dir, task.folder, task.key)
            and shared_assets_intact(keys.site_dir, task.folder, checked)
        ):
            outcome.unchanged[slug] = keys.site_dir / task.folder
            log.info("%s: unchanged, not rebuilt", slug)
            return None
    except (MilepostError, OSError, subprocess.SubprocessError) as err:
        outcome.failed[slug] = failure_message(err)
        log.error("%s: not built: %s", slug, outcome.failed[slug])
        return None
    return task


def known_folders(loaded: LoadResult) -> set[str]:
    """The site folders of every client in projects/, broken ones included (their published
    site stays, and is no stray): from client.yml, or as it would be without a `path:`."""
    secret = path_secret()
    folders = {client_folder(client, secret) for client in loaded.clients}
    loaded_slugs = {client.slug for client in loaded.clients}
    folders |= {derived_folder(s, secret) if secret else s for s in loaded.slugs if s not in loaded_slugs}
    return folders


def shared_assets_intact(site_dir: Path, folder: str, checked: dict[str, bool]) -> bool:
    """Whether the shared assets a published site links to are there and whole (each version
    is read once per build, in `checked`)."""
    version = used_version(site_dir / folder)
    if version is None:
        return False
    if version not in checked:
        checked[version] = version_intact(site_dir, version)
    return checked[version]


def broken_client_message(problems: Sequence[Problem]) -> str:
    lines = "\n".join(str(p) for p in problems)
    return f"{len(problems)} problem(s) in its files (its published site is left as it was):\n{lines}"


def warn_about_strays(site_dir: Path, folders: set[str]) -> None:
    """Say which folders of `site_dir` belong to no client now (a client removed, or its
    `path:` changed): publishing the folder as it is would keep them online."""
    known = folders | set(site_root_files()) | {SHARED_FOLDER}
    for entry in sorted(site_dir.iterdir()):
        if entry.name not in known and not entry.name.startswith(".") and is_ours(entry, Kind.CLIENT_SITE):
            log.warning(
                "%s is no client's site any more (a client removed, or its `path:` changed); "
                "delete it before publishing %s.",
                display_path(entry),
                display_path(site_dir),
            )


def write_site_root(site_dir: Path) -> None:
    """The root of the published site: a neutral page and robots.txt, no list of clients
    (not over files of those names that Milepost did not write)."""
    write_root_files(site_dir, site_root_files())


def problem_report(problems: Sequence[Problem]) -> str:
    lines = [str(p) for p in problems]
    lines.append(f"{len(problems)} problem(s) found; nothing was built. Fix them and run `milepost check`.")
    return "\n".join(lines)

"""`milepost build`: one MkDocs build per client, in this process, swapped in only on success.

Each client's site is built into a temporary folder beside its final place and renamed into
`<site_dir>/<client>/` only when the build succeeded, so a failed build never leaves a
half-written site where a good one was. The site folder's lock, the swap and the recovery of
what a stopped build left are `publish/site_folder.py`'s (no MkDocs there); what a build may
write into at all (folders it made and marked, never the portal's own) is
`publish/site_ownership.py`'s. The theme's files
of each built site go, before its swap, to the one copy all sites share, `<site_dir>/assets/<version>/`
(`publish/shared_assets.py`).
"""

from __future__ import annotations

import datetime as dt
import errno
import logging
import os
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, MkDocsException

from milepost.errors import BuildFailed, LetterError, MilepostError, PrivacyError, SettingsError
from milepost.history.disk_cache import code_fingerprint
from milepost.history.state import GitHistory
from milepost.load.problems import Problem, display_path
from milepost.mkdocs.build_inputs import client_key, config_inputs
from milepost.mkdocs.config_file import read_mkdocs_config
from milepost.mkdocs.extra_config import LOADED_PORTAL, settings_from_extra
from milepost.mkdocs.shared_theme import share_theme as use_shared_theme
from milepost.mkdocs.workers import build_in_workers
from milepost.model import Client
from milepost.portal import LoadResult, load_configured
from milepost.publish.privacy import client_folder, client_folders, derived_folder, path_secret, site_root_files
from milepost.publish.build_record import is_unchanged, write_record
from milepost.publish.letters import SENT_RECORD, read_record
from milepost.publish.protection import add_unlock_script, protect_site, site_password
from milepost.publish.shared_assets import (
    SHARED_FOLDER,
    assets_version,
    link_pages,
    publish_version,
    recover_shared,
    used_version,
    version_intact,
)
from milepost.publish.site_folder import (
    check_complete,
    exclusive,
    new_work_folder,
    recover_leftovers,
    swap_in,
)
from milepost.publish.site_ownership import (
    Kind,
    check_replaceable,
    claim_site_root,
    is_ours,
    refuse_foreign_root,
    refuse_portal_folders,
    remove_marked,
    write_root_files,
)

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
    history: GitHistory | None = None,
    skip_unchanged: bool = False,
    jobs: int = 1,
    share_theme: bool = True,
) -> BuildOutcome:
    """Build `site_dir/<client>/` for each selected client (all when `clients` is empty).

    A client's problems stop that client only: with `clients`, only theirs (and the portal's
    own settings) are looked at; with `keep_going`, every healthy client is built and the
    broken ones are named in `failed`. A build of all clients without `keep_going` refuses
    to start while any file has a problem (as `milepost check` would fail).
    `history`: the build's git state, new by default (the benchmark passes its own to count).

    A client whose inputs are those of its published site, and whose published folder is
    intact (publish/build_record.py), is not built (`unchanged`) with `skip_unchanged` (what
    `milepost build` does, unless `--force`). The others
    are built in `jobs` worker processes (mkdocs/workers.py), each building whole clients."""
    config_file = config_file.resolve()
    try:
        base = read_mkdocs_config(config_file)
        settings = settings_from_extra(str(config_file), base.extra)
        if today is None:
            today = settings.today
    except SettingsError as err:
        raise BuildFailed(str(err)) from None
    # Never over the portal's own files (publish/site_ownership.py), before anything is written.
    refuse_portal_folders(site_dir, settings.root, portal_folders(base, settings.projects_dir, settings.root))
    refuse_foreign_root(site_dir)  # nor into a folder of other files (again under the lock)
    # Checked as the builds will check it (ledger included), so no client starts on a bad portal.
    loaded = load_configured(settings, today=today or dt.date.today(), full_history=True, history=history)
    if not loaded.slugs:
        raise BuildFailed(problem_report(loaded.problems))
    slugs = select_clients(list(loaded.slugs), clients)
    wanted_problems = sorted({p for slug in slugs for p in loaded.problems_of(slug)})
    if not keep_going:
        refused = wanted_problems if clients else loaded.problems
        if refused:
            raise BuildFailed(problem_report(refused))
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
        try:
            claim_site_root(site_dir)  # only a folder Milepost made (or an empty one) is written
            recover_leftovers(site_dir)
            recover_shared(site_dir)
            write_site_root(site_dir)
            if not clients:
                warn_about_strays(site_dir, known)
        except OSError as err:
            raise BuildFailed(f"{write_failure(err, site_dir)}; nothing was built.") from None
        try:
            config_parts = config_inputs(config_file, base) if settings.cache_dir is not None else {}
        except OSError as err:
            raise BuildFailed(f"{write_failure(err, config_file)}; nothing was built.") from None
        try:
            sent = read_record(settings.root / SENT_RECORD)  # a client's archive is part of its inputs
        except LetterError as err:
            raise BuildFailed(f"{err}; nothing was built.") from None
        tasks: list[ClientTask] = []
        checked: dict[str, bool] = {}  # shared assets' versions looked at, and whether intact
        for slug in slugs:
            own = loaded.problems_of(slug)
            if own:
                outcome.failed[slug] = broken_client_message(own)
                log.error("%s: not built: %s", slug, outcome.failed[slug])
                continue  # only with keep_going: without it, the build refused above
            client = loaded.healthy.client(slug)
            task = ClientTask(slug=slug, folder=folders[slug])
            try:
                if settings.cache_dir is not None:
                    task.key = client_key(
                        client,
                        loaded=loaded,
                        projects_dir=settings.projects_dir,
                        cache_dir=settings.cache_dir,
                        config=config_parts,
                        code=code_fingerprint(),
                        folder=task.folder,
                        site_url=base.site_url or "",
                        today=today,
                        password=site_password(client),
                        letters=[e for e in sent.entries if e.get("client") == slug],
                    )
                    if skip_unchanged and is_unchanged(settings.cache_dir, site_dir, task.folder, task.key) and (
                        shared_assets_intact(site_dir, task.folder, checked)
                    ):
                        outcome.unchanged[slug] = site_dir / task.folder
                        log.info("%s: unchanged, not rebuilt", slug)
                        continue
            except (MilepostError, OSError, subprocess.SubprocessError) as err:
                outcome.failed[slug] = failure_message(err)
                log.error("%s: not built: %s", slug, outcome.failed[slug])
                if not keep_going:
                    break
                continue
            tasks.append(task)
        if tasks and (keep_going or not outcome.failed):
            run = build_in_workers if jobs > 1 and len(tasks) > 1 else build_here
            for slug, result in run(
                tasks,
                jobs=jobs,
                config_file=config_file,
                site_dir=site_dir,
                today=today,
                cache_dir=settings.cache_dir,
                keep_going=keep_going,
                loaded=loaded,
                share=share_theme,
            ):
                if isinstance(result, Path):
                    outcome.built[slug] = result
                else:
                    outcome.failed[slug] = result
                    log.error("%s: not built: %s", slug, result)
    outcome.built = {slug: outcome.built[slug] for slug in slugs if slug in outcome.built}
    outcome.failed = {slug: outcome.failed[slug] for slug in slugs if slug in outcome.failed}
    return outcome


@dataclass
class ClientTask:
    """One client to build: its slug, its site's folder and its input key ("" without a cache)."""

    slug: str
    folder: str
    key: str = ""


def build_task(
    task: ClientTask,
    *,
    config_file: Path,
    site_dir: Path,
    today: dt.date | None,
    cache_dir: Path | None,
    loaded: LoadResult,
    share: bool = True,
) -> Path | str:
    """Build one client and record what its published site was built from: its site folder,
    or the message of what went wrong (a failure of one client is that client's)."""
    try:
        final = build_one(
            config_file,
            task.slug,
            site_dir=site_dir,
            today=today,
            folder=task.folder,
            client=next((c for c in loaded.healthy.clients if c.slug == task.slug), None),
            loaded=loaded,
            share=share,
        )
        if cache_dir is not None and task.key:
            write_record(cache_dir, site_dir, task.folder, task.key)
        return final
    # Per client: with --keep-going one client's failure, of any of these kinds, must not
    # stop the others. (A Milepost error inside MkDocs' build arrives as its PluginError.)
    except (MilepostError, MkDocsException, OSError, subprocess.SubprocessError) as err:
        return failure_message(err)


def build_here(
    tasks: Sequence[ClientTask], *, jobs: int, keep_going: bool, **context: Any
) -> Iterator[tuple[str, Path | str]]:
    """Build the clients one after the other in this process; without `keep_going`, stop at
    the first that fails."""
    for task in tasks:
        result = build_task(task, **context)
        yield task.slug, result
        if isinstance(result, str) and not keep_going:
            return


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


def write_failure(err: OSError, where: Path) -> str:
    """One line for a file or folder that cannot be written: read-only, full, not allowed."""
    shown = display_path(Path(err.filename)) if err.filename else display_path(where)
    if err.errno == errno.ENOSPC:
        why = "the disk is full; make room"
    elif err.errno == errno.EDQUOT:
        why = "the disk quota is used up; make room"
    elif err.errno == errno.EROFS:
        why = "it is on a read-only file system; choose another folder with --site-dir"
    elif err.errno in (errno.EACCES, errno.EPERM):
        why = "this user may not write there; fix its permissions or choose another folder with --site-dir"
    else:
        why = err.strerror or str(err)
    return f"{shown}: cannot be written ({why})"


def build_one(
    config_file: Path,
    slug: str,
    *,
    site_dir: Path,
    today: dt.date | None,
    folder: str = "",
    client: Client | None = None,
    loaded: LoadResult | None = None,
    share: bool = True,
) -> Path:
    """Build one client into `site_dir/<folder>/` (the slug by default), encrypted when the
    client has a password; the previous site stays until the new one is complete.

    `loaded`: the portal as `build_clients` loaded and checked it for the same day, so the
    client's build does not read it again. `share`: use the theme's environment and file list
    shared by the builds of this process (mkdocs/shared_theme.py)."""
    folder = folder or slug
    final = site_dir / folder
    # Checked before building: a protected site is never published without its password.
    password = site_password(client) if client is not None else None
    # Called under the site folder's lock (build_clients), like swap_in below.
    check_replaceable(final)  # a folder Milepost did not make is never replaced
    work = new_work_folder(site_dir, folder)
    try:
        config = load_config(str(config_file), site_dir=str(work))
        options = dict(config.extra.get("milepost") or {})
        options["client"] = slug
        if today is not None:
            options["today"] = today.isoformat()
        if loaded is not None:
            options[LOADED_PORTAL] = loaded
        config.extra["milepost"] = options
        site_path = ""
        if config.site_url:
            site_path = urlsplit(config.site_url.rstrip("/") + "/").path
            config.site_url = config.site_url.rstrip("/") + f"/{folder}/"
        if share:
            use_shared_theme(config)
        mkdocs_build(config)
        # The theme's files go to the shared folder (publish/shared_assets.py), the pages link there.
        add_unlock_script(work)  # in every site's assets, so protected and open sites share them
        version = assets_version(work / SHARED_FOLDER)
        link_pages(work, version, site_path=site_path, folder=folder)
        if password is not None and client is not None:
            protect_site(work, password, language=client.language, client=slug, site_folder=folder)
            link_pages(work, version)  # the locked pages' unlock script
        check_complete(work, final)
        publish_version(work / SHARED_FOLDER, site_dir, version)
    except BaseException:
        remove_marked(work)  # its marker last: stopped part-way, it is still known as ours
        raise
    # mkdtemp made the folder private to this user; a web server must be able to read it.
    umask = os.umask(0)
    os.umask(umask)
    work.chmod(0o777 & ~umask)
    swap_in(work, final)
    return final


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


def failure_message(err: BaseException) -> str:
    """What went wrong, for the summary: MkDocs replaces a plugin's error by "Aborted with a
    BuildError!", keeping the real one (naming the file or repository) as the context."""
    if isinstance(err, Abort) and isinstance(err.__context__, MkDocsException):
        return str(err.__context__)
    if isinstance(err, OSError) and err.errno is not None:
        return write_failure(err, Path.cwd())
    return str(err)


def write_site_root(site_dir: Path) -> None:
    """The root of the published site: a neutral page and robots.txt, no list of clients
    (not over files of those names that Milepost did not write)."""
    write_root_files(site_dir, site_root_files())


def portal_folders(config: MkDocsConfig, projects_dir: Path, root: Path) -> dict[str, Path]:
    """The portal's own folders a site folder must stay out of (publish/site_ownership.py):
    what each is called in messages -> the folder."""
    folders = {
        "the portal's projects/": projects_dir,
        "the portal's docs/": Path(config.docs_dir),
        "the portal's letters/ (the record of letters sent)": root / SENT_RECORD.parent,
    }
    hooks = config.hooks or []
    # MkDocs types `hooks` as a list of modules; it holds them by their path in mkdocs.yml.
    for module in hooks.values() if isinstance(hooks, dict) else hooks:
        source = getattr(module, "__file__", None)
        if source:
            folders[f"the folder of the hook {Path(source).name}"] = Path(source).parent
    if config.theme.custom_dir:
        folders["the theme's custom_dir"] = Path(config.theme.custom_dir)
    return folders


def problem_report(problems: Sequence[Problem]) -> str:
    lines = [str(p) for p in problems]
    lines.append(f"{len(problems)} problem(s) found; nothing was built. Fix them and run `milepost check`.")
    return "\n".join(lines)

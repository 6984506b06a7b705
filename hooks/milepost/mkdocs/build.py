"""`milepost build`: one MkDocs build per client, in this process, swapped in only on success.

Each client's site is built into a temporary folder beside its final place and renamed into
`<site_dir>/<client>/` only when the build succeeded, so a failed build never leaves a
half-written site where a good one was.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, MkDocsException

from milepost.errors import BuildFailed, MilepostError, PrivacyError, SettingsError
from milepost.history.state import GitHistory
from milepost.load.problems import Problem, display_path
from milepost.mkdocs.config_file import read_mkdocs_config
from milepost.mkdocs.extra_config import LOADED_PORTAL, settings_from_extra
from milepost.model import Client
from milepost.portal import LoadResult, load_configured
from milepost.publish.privacy import client_folders, site_root_files
from milepost.publish.protection import protect_site, site_password

log = logging.getLogger(f"mkdocs.plugins.{__name__}")


@dataclass
class BuildOutcome:
    built: dict[str, Path] = field(default_factory=dict)  # client slug -> its site folder
    failed: dict[str, str] = field(default_factory=dict)  # client slug -> message

    @property
    def ok(self) -> bool:
        return not self.failed


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
) -> BuildOutcome:
    """Build `site_dir/<client>/` for each selected client (all when `clients` is empty).
    `history`: the build's git state, new by default (the benchmark passes its own to count)."""
    config_file = config_file.resolve()
    try:
        base = read_mkdocs_config(config_file)
        settings = settings_from_extra(str(config_file), base.extra)
    except SettingsError as err:
        raise BuildFailed(str(err)) from None
    # Checked as the builds will check it (ledger included), so no client starts on a bad portal.
    loaded = load_configured(settings, today=today or dt.date.today(), full_history=True, history=history)
    if loaded.problems or loaded.portal is None:
        raise BuildFailed(problem_report(loaded.problems))
    slugs = select_clients([c.slug for c in loaded.portal.clients], clients)
    try:
        folders = client_folders(loaded.portal.clients)
    except PrivacyError as err:
        raise BuildFailed(str(err)) from None

    site_dir.mkdir(parents=True, exist_ok=True)
    remove_leftovers(site_dir)
    write_site_root(site_dir)
    if not clients:
        warn_about_strays(site_dir, set(folders.values()))
    outcome = BuildOutcome()
    for slug in slugs:
        client = loaded.portal.client(slug)
        try:
            outcome.built[slug] = build_one(
                config_file,
                slug,
                site_dir=site_dir,
                today=today,
                folder=folders[slug],
                client=client,
                loaded=loaded,
            )
        # Per client: with --keep-going one client's failure, of any of these kinds, must not
        # stop the others. (A Milepost error inside MkDocs' build arrives as its PluginError.)
        except (MilepostError, MkDocsException, OSError, subprocess.SubprocessError) as err:
            outcome.failed[slug] = failure_message(err)
            log.error("%s: not built: %s", slug, outcome.failed[slug])
            if not keep_going:
                break
    return outcome


def build_one(
    config_file: Path,
    slug: str,
    *,
    site_dir: Path,
    today: dt.date | None,
    folder: str = "",
    client: Client | None = None,
    loaded: LoadResult | None = None,
) -> Path:
    """Build one client into `site_dir/<folder>/` (the slug by default), encrypted when the
    client has a password; the previous site stays until the new one is complete.

    `loaded`: the portal as `build_clients` loaded and checked it for the same day, so the
    client's build does not read it again."""
    folder = folder or slug
    final = site_dir / folder
    # Checked before building: a protected site is never published without its password.
    password = site_password(client) if client is not None else None
    work = Path(tempfile.mkdtemp(prefix=f".{folder}.building-", dir=site_dir))
    try:
        config = load_config(str(config_file), site_dir=str(work))
        options = dict(config.extra.get("milepost") or {})
        options["client"] = slug
        if today is not None:
            options["today"] = today.isoformat()
        if loaded is not None:
            options[LOADED_PORTAL] = loaded
        config.extra["milepost"] = options
        if config.site_url:
            config.site_url = config.site_url.rstrip("/") + f"/{folder}/"
        mkdocs_build(config)
        if password is not None and client is not None:
            protect_site(work, password, language=client.language)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    # mkdtemp made the folder private to this user; a web server must be able to read it.
    umask = os.umask(0)
    os.umask(umask)
    work.chmod(0o777 & ~umask)
    swap_in(work, final)
    return final


def swap_in(new: Path, final: Path) -> None:
    """Replace `final` by `new` with two renames, so a reader sees the old or the new site."""
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{new.name.rsplit('-', 1)[-1]}")
        final.rename(old)
    new.rename(final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def remove_leftovers(site_dir: Path) -> None:
    """Folders a killed build left behind (`.<folder>.building-*`, `.<folder>.old-*`): one may
    hold a protected client's pages before encryption, and a copy of `site/` takes them along."""
    for leftover in [*site_dir.glob(".*.building-*"), *site_dir.glob(".*.old-*")]:
        if leftover.is_dir():
            log.info("Removing %s, left by an interrupted build.", leftover.name)
            shutil.rmtree(leftover, ignore_errors=True)


def warn_about_strays(site_dir: Path, folders: set[str]) -> None:
    """Say which folders of `site_dir` belong to no client now (a client removed, or its
    `path:` changed): publishing the folder as it is would keep them online."""
    known = folders | set(site_root_files())
    for entry in sorted(site_dir.iterdir()):
        if entry.name not in known and not entry.name.startswith("."):
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
    return str(err)


def write_site_root(site_dir: Path) -> None:
    """The root of the published site: a neutral page and robots.txt, no list of clients."""
    for name, content in site_root_files().items():
        target = site_dir / name
        temporary = target.with_name(f".{name}.new")
        temporary.write_bytes(content)
        temporary.replace(target)


def problem_report(problems: Sequence[Problem]) -> str:
    lines = [str(p) for p in problems]
    lines.append(f"{len(problems)} problem(s) found; nothing was built. Fix them and run `milepost check`.")
    return "\n".join(lines)

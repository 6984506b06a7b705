"""One client's build: a MkDocs build into a temporary folder, swapped in only on success.

`build.py` decides which clients to build and runs these here (`build_here`) or in worker
processes (`workers.py`); both call `build_task`, so the workers need nothing of `build.py`.
The site folder's lock is held by the caller (see publish/site_folder.py).
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, MkDocsException

from milepost.errors import FileWriteError, MilepostError
from milepost.load.problems import display_path
from milepost.mkdocs.extra_config import LOADED_PORTAL
from milepost.mkdocs.shared_theme import share_theme as use_shared_theme
from milepost.model import Client
from milepost.portal import LoadResult
from milepost.publish.build_manifest import write_manifest
from milepost.publish.protection import add_unlock_script, protect_site, site_password
from milepost.publish.shared_assets import SHARED_FOLDER, assets_version, link_pages, publish_version
from milepost.publish.site_folder import check_complete, new_work_folder, swap_in
from milepost.publish.site_ownership import check_replaceable, remove_marked


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
            write_manifest(cache_dir, site_dir, task.folder, task.key)
        return final
    # Per client: with --keep-going one client's failure, of any of these kinds, must not
    # stop the others. (A Milepost error inside MkDocs' build arrives as its PluginError.)
    except (MilepostError, MkDocsException, OSError, subprocess.SubprocessError) as err:
        return failure_message(err)


def build_here(tasks: Sequence[ClientTask], *, keep_going: bool, **context: Any) -> Iterator[tuple[str, Path | str]]:
    """Build the clients one after the other in this process; without `keep_going`, stop at
    the first that fails."""
    for task in tasks:
        result = build_task(task, **context)
        yield task.slug, result
        if isinstance(result, str) and not keep_going:
            return


def write_failure(err: OSError, where: Path) -> str:
    """One line for a file or folder that cannot be written: read-only, full, not allowed."""
    if isinstance(err, FileWriteError) and isinstance(err.__cause__, OSError):
        err = err.__cause__  # said once, in the build's words (with what to do about --site-dir)
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


def failure_message(err: BaseException) -> str:
    """What went wrong, for the summary: MkDocs replaces a plugin's error by "Aborted with a
    BuildError!", keeping the real one (naming the file or repository) as the context."""
    if isinstance(err, Abort) and isinstance(err.__context__, MkDocsException):
        return str(err.__context__)
    if isinstance(err, OSError) and err.errno is not None:
        return write_failure(err, Path.cwd())
    return str(err)

"""Everything one client's site is built from, as plain data for its input key
(`publish/build_manifest.py`): when none of it changed, its published site is left as it is.

- the client's own files (client.yml and its project files: their bytes), which hold its
  commit rules;
- the head of each of its repositories (resolved, not read) and the history of its project
  files' promised dates (the ledger, as loaded);
- Milepost's code fingerprint (code, templates, catalogs, assets) and every installed
  package's version (MkDocs, the theme, its plugins and Markdown extensions);
- mkdocs.yml, the hook files it names and the theme's `custom_dir` (their bytes);
- the client's today in its time zone, its site's folder and address, and for a protected
  site the salt of its password (public in every page; a new password gives a new one);
- the client's entries of the record of sent letters (its site's archive lists them);
- the answer links' address and a keyed digest of their secret (the client's answers.yml is
  one of its files).
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Mapping, Sequence
from importlib import metadata
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

from milepost.errors import HistoryError, ProjectHistoryError
from milepost.history.commits import history_key
from milepost.load.settings import client_today
from milepost.model import Client
from milepost.portal import LoadResult, agency_reference
from milepost.publish.build_manifest import canonical, file_digest, input_key
from milepost.publish.protection import site_salt


@functools.lru_cache(maxsize=1)
def package_versions() -> tuple[str, ...]:
    """`name==version` of every installed distribution, sorted: a new theme, plugin or
    Markdown extension builds every client again."""
    found = {f"{(d.metadata['Name'] or '').lower()}=={d.version}" for d in metadata.distributions()}
    return tuple(sorted(found))


def folder_digests(folder: Path) -> list[tuple[str, str]]:
    """(path inside `folder`, sha256) of every file under it, sorted."""
    found = []
    for top, dirs, names in os.walk(folder):
        dirs.sort()
        for name in sorted(names):
            path = Path(top, name)
            if path.is_file():
                found.append((path.relative_to(folder).as_posix(), file_digest(path)))
    return sorted(found)


def config_inputs(config_file: Path, config: MkDocsConfig) -> dict[str, object]:
    """mkdocs.yml, its hook files and the theme's custom_dir, by content."""
    hooks = []
    for name, module in sorted((config.get("hooks") or {}).items()):
        source = getattr(module, "__file__", None)
        hooks.append((name, file_digest(Path(source)) if source else ""))
    custom = config.theme.custom_dir
    return {
        "mkdocs.yml": file_digest(config_file),
        "hooks": hooks,
        "custom_dir": folder_digests(Path(custom)) if custom else [],
    }


def client_key(
    client: Client,
    *,
    loaded: LoadResult,
    projects_dir: Path,
    cache_dir: Path | None,
    config: dict[str, object],
    code: str,
    folder: str,
    site_url: str,
    today: dt.date | None,
    password: str | None,
    letters: Sequence[Mapping[str, object]] = (),
    answer_links: Sequence[object] = (),
) -> str:
    """The input key of `client`'s site (see the module). Resolves each repository's head
    (fetching a `url:` mirror, as the build would); raises `ProjectHistoryError` naming the
    project file when one cannot be resolved."""
    heads = {}
    for project in loaded.healthy.projects_of(client.slug):
        try:
            heads[project.slug] = [
                history_key(spec, cache_dir=cache_dir, git_history=loaded.git_history) for spec in project.repositories
            ]
        except HistoryError as err:
            raise ProjectHistoryError(f"{project.source}: {err}") from None
    ledger = {
        project: canonical(versions)
        for (owner, project), versions in loaded.file_versions.items()
        if owner == client.slug
    }
    salt = site_salt(password, client=client.slug, site_folder=folder).hex() if password else ""
    parts = {
        "client_files": folder_digests(projects_dir / client.slug),
        "heads": heads,
        "ledger": ledger,
        "code": code,
        "packages": list(package_versions()),
        "config": config,
        "today": client_today(client.timezone, today),
        "folder": folder,
        "site_url": site_url,
        "salt": salt,
        "letters": [canonical(entry) for entry in letters],
        # The answer links' address and a keyed digest of the secret (never the secret itself):
        # a new secret or address gives every link a new reference.
        "answer_links": [str(part) for part in answer_links],
        # Forecasts of a young project stand on every client's finished milestones.
        "reference": list(agency_reference(loaded, client_today(client.timezone, today)).slips),
    }
    return input_key(parts)

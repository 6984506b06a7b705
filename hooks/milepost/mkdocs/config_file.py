"""mkdocs.yml as MkDocs reads it, with every problem MkDocs finds in it named in one error."""

from __future__ import annotations

import logging
from pathlib import Path
from types import ModuleType
from typing import Any, cast

from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, ConfigurationError

from milepost.errors import SettingsError
from milepost.publish.letters import SENT_RECORD


def read_mkdocs_config(config_file: Path, **overrides: Any) -> MkDocsConfig:
    """mkdocs.yml, loaded and checked by MkDocs. Raises `SettingsError` naming the file and
    every problem MkDocs found in it (which MkDocs itself only logs, before exiting)."""
    if not Path(config_file).is_file():
        raise SettingsError(
            f"{config_file}: not found; run milepost in the portal's folder or pass --config-file"
        )
    said: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            said.append(record)

    logger = logging.getLogger("mkdocs.config")
    handler = Keep(logging.WARNING)
    saved = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        try:
            config = load_config(str(config_file), **overrides)
        except (Abort, ConfigurationError) as err:
            errors = [r.getMessage().rstrip(".") for r in said if r.levelno >= logging.ERROR] or [str(err)]
            raise SettingsError(
                f"{config_file}: {'; '.join(errors)}. Fix mkdocs.yml (its paths count from its own folder)."
            ) from None
    finally:
        logger.removeHandler(handler)
        logger.propagate = saved
    for record in said:  # warnings about a config that loaded: said as MkDocs would say them
        logger.handle(record)
    return config


def portal_folders(config: MkDocsConfig, projects_dir: Path, root: Path) -> dict[str, Path]:
    """The portal's own folders a site folder must stay out of (publish/site_ownership.py):
    what each is called in messages -> the folder."""
    folders = {
        "the portal's projects/": projects_dir,
        "the portal's docs/": Path(config.docs_dir),
        "the portal's letters/ (the record of letters sent)": root / SENT_RECORD.parent,
    }
    # MkDocs types `hooks` as a list of modules; it holds them by their path in mkdocs.yml.
    hooks = cast("list[ModuleType] | dict[str, ModuleType]", config.hooks or [])
    for module in hooks.values() if isinstance(hooks, dict) else hooks:
        source = getattr(module, "__file__", None)
        if source:
            folders[f"the folder of the hook {Path(source).name}"] = Path(source).parent
    if config.theme.custom_dir:
        folders["the theme's custom_dir"] = Path(config.theme.custom_dir)
    return folders

"""The MkDocs hooks' handlers (on_config, on_files, on_page_content, on_post_build), thin: the work is in
`site.py`. A portal's hooks file only imports them:

    from milepost.mkdocs.hooks import *  # noqa: F403

This repository's `hooks/milepost_hooks.py` does so, and so does the one `milepost new`
writes into an agency's own portal, where Milepost is an installed package.
"""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from milepost.mkdocs.site import BuildState, add_files, add_search_forms, plugin_errors, prepare, prepare_page

__all__ = ["on_config", "on_files", "on_page_content", "on_post_build"]

# What on_config prepared for one build, kept on that build's config object: the hooks are
# imported once per process, and each build (one per client) has its own config.
_STATE = "_milepost_state"

# Each handler is wrapped in `plugin_errors`: the one place where a Milepost error becomes
# MkDocs' PluginError (a message, not a traceback).


@plugin_errors
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    setattr(config, _STATE, prepare(config))
    return config


@plugin_errors
def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    state: BuildState | None = getattr(config, _STATE, None)
    assert state is not None, "on_config runs before on_files"
    return add_files(files, config, state)


@plugin_errors
def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    prepare_page(page)
    return html


# Before the search plugin's own on_post_build (priority 0), which writes the index.
@event_priority(50)
@plugin_errors
def on_post_build(*, config: MkDocsConfig) -> None:
    add_search_forms(config)

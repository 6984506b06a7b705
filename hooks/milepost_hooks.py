"""MkDocs hooks: thin handlers only. The work is done by the `milepost` package beside this file.

MkDocs puts hooks/ on sys.path only while this file loads, so the package is imported here at
the top (it is also installed into the virtual environment by `make`).
"""

from __future__ import annotations

from milepost.mkdocs.site import BuildState, add_files, plugin_errors, prepare, prepare_page
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

_state: BuildState | None = None

# Each handler is wrapped in `plugin_errors`: the one place where a Milepost error becomes
# MkDocs' PluginError (a message, not a traceback).


@plugin_errors
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _state
    _state = prepare(config)
    return config


@plugin_errors
def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    assert _state is not None, "on_config runs before on_files"
    return add_files(files, config, _state)


@plugin_errors
def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    prepare_page(page)
    return html

"""The theme's work done once per process for every client's MkDocs build, not once per client.

MkDocs makes a new Jinja environment for each build (`Theme.get_env`), so each client's build
compiled mkdocs-material's templates again, and listed the theme's thousands of files again
(`Files.add_files_from_theme` walks every theme folder through `env.list_templates`). Both
depend only on the theme: its folders (the agency's `custom_dir`, Milepost's overrides,
Material's), its locale, its language and its static templates. So each client's theme is given
`shared_env`: one environment per such theme, kept for the process, and its list of the
theme's files computed once.

What a build renders does not live in the environment: the page, the navigation and the
configuration (the client's name, language, search settings) are each template's context,
and the environment only caches compiled templates, which are the same for every site. An
environment is not shared when a plugin or hook changes it (`on_env`): it could then carry
one client's changes into another's site. Tests build every demo client with and without it
and compare the sites byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.theme import Theme

_ENVIRONMENTS: dict[tuple[object, ...], jinja2.Environment] = {}
# The filter `Files.add_files_from_theme` lists the theme's files with (MkDocs 1.6).
_THEME_FILES_FILTER = "Files.add_files_from_theme.<locals>.filter"


def listing_once(env: jinja2.Environment) -> None:
    """Make `env` list the theme's static files once: later calls get the same list."""
    listed: list[str] = []
    original = env.list_templates

    def list_templates(extensions: object = None, filter_func: Callable[[str], bool] | None = None) -> list[str]:
        if extensions is None and filter_func is not None and filter_func.__qualname__ == _THEME_FILES_FILTER:
            if not listed:
                listed.extend(original(filter_func=filter_func))
            return list(listed)
        return original(extensions, filter_func)  # type: ignore[arg-type]

    env.list_templates = list_templates  # type: ignore[method-assign]


def theme_identity(theme: Theme) -> tuple[object, ...]:
    """What an environment is made from, and its language: Material's search plugin takes
    words from a template's module (`template.module`), which Jinja keeps for the environment's
    life, so sites in different languages never share one."""
    return (tuple(theme.dirs), str(theme.locale), str(theme.get("language")), tuple(sorted(theme.static_templates)))


def shared_env(theme: Theme) -> jinja2.Environment:
    """The environment of `theme`: made like `Theme.get_env` the first time, then the same."""
    key = theme_identity(theme)
    env = _ENVIRONMENTS.get(key)
    if env is None:
        env = _ENVIRONMENTS[key] = Theme.get_env(theme)
        listing_once(env)
    return env


def share_theme(config: MkDocsConfig) -> None:
    """Give this build's theme the shared environment (after on_config has chosen its folders
    and language: `shared_env` looks at them when MkDocs asks for the environment)."""
    if config.plugins.events.get("env"):
        return
    theme = config.theme
    theme.get_env = lambda: shared_env(theme)  # type: ignore[method-assign]

"""The only module that knows MkDocs: it turns plain `ClientSite` data into MkDocs files.

Two modes, chosen by `extra.milepost.client`:
- client mode (what `milepost build` does for each client): the site holds that client's
  pages and files and nothing else - not the team's how-tos in docs/, not other clients.
- team preview (plain `mkdocs serve` / `mkdocs build`): docs/ plus every client's pages under
  `clients/<slug>/`, for the agency only.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from milepost.load.settings import (
    LOADED_PORTAL,
    BuildSettings,
    SettingsError,
    client_today,
    settings_from_extra,
)
from milepost.classify.rules import RulesError, load_rules
from milepost.render.html import esc
from milepost.render.i18n import texts_for
from milepost.load.portal import LoadResult, load_configured
from milepost.render.search_language import search_settings
from milepost.publish.site_cache import ProjectHistoryError, rendered_site
from milepost.render.site_content import ClientSite

log = logging.getLogger("mkdocs.plugins.milepost")

ASSETS = Path(__file__).parent.parent / "assets"
THEME_OVERRIDES = Path(__file__).parent / "theme"
CSS_PATH = "assets/milepost.css"


@dataclass
class BuildState:
    settings: BuildSettings
    sites: list[ClientSite] = field(default_factory=list)


def prepare(config: MkDocsConfig) -> BuildState:
    """Load and check projects/, read histories, and render every page (on_config)."""
    try:
        settings = settings_from_extra(config.config_file_path, config.extra)
    except SettingsError as err:
        raise PluginError(str(err)) from None
    check_day = settings.today or dt.date.today()
    loaded = (config.extra.get("milepost") or {}).get(LOADED_PORTAL)
    if not isinstance(loaded, LoadResult):
        # A site is never published with a history cut short (a shallow clone): no ledger.
        loaded = load_configured(settings, today=check_day, full_history=True)
    if loaded.problems or loaded.portal is None:
        listing = "\n".join(str(p) for p in loaded.problems)
        raise PluginError(
            f"{len(loaded.problems)} problem(s) in {settings.projects_dir.name}/ - nothing was built:\n"
            f"{listing}\nFix them (run `milepost check` to list them again) and build again."
        )
    portal = loaded.portal
    if settings.client:
        try:
            clients = [portal.client(settings.client)]
        except KeyError:
            known = ", ".join(c.slug for c in portal.clients) or "none"
            raise PluginError(f"no client '{settings.client}' in projects/ (clients: {known})") from None
    else:
        clients = list(portal.clients)

    state = BuildState(settings=settings)
    for client in clients:
        try:
            rules = load_rules(getattr(client, "commit_rules", None) or None)
        except RulesError as err:
            raise PluginError(f"{client.source}: {err}") from None
        prefix = "" if settings.client else f"{settings.preview_dir}/{client.slug}/"
        base_url = config.site_url or ""
        histories = {
            slug: history for (owner, slug), history in loaded.histories.items() if owner == client.slug
        }
        try:
            site = rendered_site(
                client,
                portal.projects_of(client.slug),
                rules=rules,
                histories=histories,
                today=client_today(client.timezone, settings.today),
                prefix=prefix,
                base_url=base_url if settings.client else "",
                inactive_days=settings.inactive_days,
                cache_dir=settings.cache_dir,
                history=loaded.history,
            )
        except ProjectHistoryError as err:
            raise PluginError(str(err)) from None
        state.sites.append(site)

    if settings.client:
        site = state.sites[0]
        # Markup: escaped once here, and not again where a template escapes it itself (the
        # logo's title attribute), which would show "&#x27;" to the client.
        config.site_name = Markup(esc(site.client.name))
        config.theme["language"] = site.client.language
        # The rest of the theme's words in the client's language, not mkdocs.yml's English:
        # the page description (<meta name="description">) and the "page not found" page
        # (theme/404.html).
        words = texts_for(site.client.language, site.client.timezone)
        config.site_description = Markup(
            esc(words.gettext("Project status for {client}", client=site.client.name))
        )
        config.extra["milepost_not_found"] = {
            "title": words.gettext("Page not found"),
            "message": words.gettext(
                "There is nothing to see at this address. If you were sent a link to your project's "
                "status page, please open that link."
            ),
            "home": words.gettext("All projects"),
        }
        # The search plugin read its settings before this hook ran: give it the client's.
        search = search_settings(site.client.language)
        values = {"lang": list(search.lang), "separator": search.separator, "pipeline": list(search.pipeline)}
        for name, plugin in config.plugins.items():
            if name.split("/")[-1] == "search" and "lang" in plugin.config:
                plugin.config.update(values)
                index = getattr(plugin, "search_index", None)
                if index is not None and isinstance(getattr(index, "config", None), dict):
                    index.config.update(values)
        # Titles are plain text here; `escape_title` escapes each page's title once.
        config.nav = [{page.title: page.path} for page in site.pages]
    if str(THEME_OVERRIDES) not in config.theme.dirs:
        config.theme.dirs.insert(0, str(THEME_OVERRIDES))
    if CSS_PATH not in config.extra_css:
        config.extra_css.append(CSS_PATH)
    return state


def add_files(files: Files, config: MkDocsConfig, state: BuildState) -> Files:
    """Put the generated pages and files in (on_files); in client mode, nothing else of docs/."""
    if state.settings.client:
        docs_dir = Path(config.docs_dir).resolve()
        for file in list(files):
            source = Path(file.abs_src_path).resolve() if file.abs_src_path else None
            if source is not None and docs_dir in source.parents:
                files.remove(file)
    for site in state.sites:
        for page in site.pages:
            files.append(File.generated(config, page.path, content=page.markdown))
        for path, content in site.files:
            files.append(File.generated(config, path, content=content))
    files.append(File.generated(config, CSS_PATH, abs_src_path=str(ASSETS / "milepost.css")))
    return files


def escape_title(page: Page) -> None:
    """Escape a page's title for the theme (on_page_content, once per page).

    MkDocs' templates insert `page.title` into <title>, the navigation and the search index
    as it is, without escaping, and a title is plain text from the agency's YAML.
    """
    if page.title:
        page.title = esc(page.title)

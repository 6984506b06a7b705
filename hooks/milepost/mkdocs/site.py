"""The hooks' work: plain `ClientSite` data (pages and files) handed to MkDocs as its files.

Two modes, chosen by `extra.milepost.client`:
- client mode (what `milepost build` does for each client): the site holds that client's
  pages and files and nothing else - not the team's how-tos in docs/, not other clients.
- team preview (plain `mkdocs serve` / `mkdocs build`): docs/ plus every client's pages under
  `clients/<slug>/`, for the agency only.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from milepost.answer_reference import link_secret
from milepost.answers.applied import applied_answers
from milepost.answers.record import read_entries, record_path
from milepost.answers.responses import client_responses, read_responses
from milepost.classify.rules import load_rules
from milepost.errors import BuildFailed, MilepostError, RulesError, SettingsError
from milepost.i18n import texts_for
from milepost.load.settings import BuildSettings, build_settings, client_today
from milepost.mkdocs.config_file import portal_folders
from milepost.mkdocs.extra_config import LOADED_PORTAL, milepost_config
from milepost.model import Client, Portal
from milepost.portal import LoadResult, agency_reference, load_configured
from milepost.publish.letters import SENT_RECORD, SentRecord, read_record
from milepost.publish.site_cache import rendered_site
from milepost.publish.site_content import ClientSite
from milepost.publish.site_ownership import refuse_portal_folders
from milepost.render.answer_views import AnswerSetup
from milepost.render.html import esc
from milepost.render.search_language import search_settings
from milepost.render.search_words import SCRIPT_PATH, index_forms, search_script

log = logging.getLogger("mkdocs.plugins.milepost")

ASSETS = Path(__file__).parent.parent / "assets"
THEME_OVERRIDES = Path(__file__).parent / "theme"
CSS_PATH = "assets/milepost.css"
# Glossary tips that stay on screen and close with Escape (WCAG 1.4.13): assets/milepost.js.
JS_PATH = "assets/milepost.js"
# "New since your last visit" marks, remembered in the browser only: assets/milepost-visit.js.
VISIT_JS_PATH = "assets/milepost-visit.js"


P = ParamSpec("P")
R = TypeVar("R")


def plugin_errors(handler: Callable[P, R]) -> Callable[P, R]:
    """The one place where Milepost's errors become MkDocs' `PluginError`, around each hook:
    MkDocs then prints the message (naming the file or setting and the fix) and stops with
    "Aborted with a BuildError!", instead of a traceback."""

    @functools.wraps(handler)
    def handle(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return handler(*args, **kwargs)
        except MilepostError as err:
            raise PluginError(str(err)) from None

    return handle


@dataclass
class BuildState:
    settings: BuildSettings
    sites: list[ClientSite] = field(default_factory=list)


def prepare(config: MkDocsConfig) -> BuildState:
    """Load and check projects/, read the project files' versions, and render every page (on_config).
    Raises a `MilepostError` (`plugin_errors` makes it MkDocs' `PluginError`)."""
    options = milepost_config(config.extra)
    settings = build_settings(config.config_file_path, options)
    if not settings.client:
        # A plain `mkdocs build -d projects` would replace the portal's own files with the site
        # (`milepost build` refuses such a folder before it builds a client).
        folders = portal_folders(config, settings.projects_dir, settings.root)
        refuse_portal_folders(Path(config.site_dir), settings.root, folders)
    loaded = options[LOADED_PORTAL]
    if not isinstance(loaded, LoadResult):
        # A site is never published with a history cut short (a shallow clone): no ledger.
        loaded = load_configured(settings, today=settings.today or dt.date.today(), full_history=True)
    portal = _checked_portal(loaded, settings)
    state = BuildState(settings=settings)
    # The letters sent so far (the durable record, never letters merely written): each
    # client's site lists its own.
    record = read_record(settings.root / SENT_RECORD)
    # `milepost build` (client mode) said once already, for all its clients, if it is missing.
    secret = link_secret(settings.answers_address, warn=not settings.client)
    for client in _clients_to_build(portal, settings):
        state.sites.append(_client_site(client, portal, loaded, settings, record, config.site_url or "", secret))
    if settings.client:
        _in_client_language(config, state.sites[0])
    add_search_fields(config)
    add_theme_overrides(config)
    one_colour_scheme(config)
    if CSS_PATH not in config.extra_css:
        config.extra_css.append(CSS_PATH)
    for script in (JS_PATH, VISIT_JS_PATH):
        if script not in config.extra_javascript:
            config.extra_javascript.append(script)
    return state


def _checked_portal(loaded: LoadResult, settings: BuildSettings) -> Portal:
    """The portal this build shows, or the build refused with the problems listed. A client's
    site needs only that client's files: another client's problem stops that client alone.
    The team preview shows every client, so it needs every file right."""
    problems = loaded.problems_of(settings.client) if settings.client else loaded.problems
    if problems or (not settings.client and loaded.portal is None):
        listing = "\n".join(str(p) for p in problems)
        raise BuildFailed(
            f"{len(problems)} problem(s) in {settings.projects_dir.name}/ - nothing was built:\n"
            f"{listing}\nFix them (run `milepost check` to list them again) and build again."
        )
    portal = loaded.healthy if settings.client else loaded.portal
    assert portal is not None
    return portal


def _clients_to_build(portal: Portal, settings: BuildSettings) -> list[Client]:
    if not settings.client:
        return list(portal.clients)
    try:
        return [portal.client(settings.client)]
    except KeyError:
        known = ", ".join(c.slug for c in portal.clients) or "none"
        raise SettingsError(
            f"extra.milepost.client: no client '{settings.client}' in {settings.projects_dir.name}/ "
            f"(clients: {known})"
        ) from None


def _client_site(
    client: Client,
    portal: Portal,
    loaded: LoadResult,
    settings: BuildSettings,
    record: SentRecord,
    site_url: str,
    secret: bytes | None,
) -> ClientSite:
    """One client's rendered site (from the cache when nothing it comes from changed)."""
    try:
        rules = load_rules(getattr(client, "commit_rules", None) or None)
    except RulesError as err:
        raise RulesError(f"{client.source}: {err}") from None
    today = client_today(client.timezone, settings.today)
    file_versions = {slug: versions for (owner, slug), versions in loaded.file_versions.items() if owner == client.slug}
    return rendered_site(
        client,
        portal.projects_of(client.slug),
        rules=rules,
        file_versions=file_versions,
        today=today,
        prefix="" if settings.client else f"{settings.preview_dir}/{client.slug}/",
        base_url=site_url if settings.client else "",
        inactive_days=settings.inactive_days,
        cache_dir=settings.cache_dir,
        git_history=loaded.git_history,
        letters=record.sent_to(client.slug, until=today),
        reference=agency_reference(loaded, today),
        responses=client_responses(settings.projects_dir, client),
        answers=AnswerSetup(
            settings.answers_address,
            secret,
            applied_answers(read_entries(record_path(settings.projects_dir, client.slug))),
            client.timezone,
            read_responses(settings.projects_dir, client.slug),
        ),
    )


def _in_client_language(config: MkDocsConfig, site: ClientSite) -> None:
    """One client's build: the site's name, the theme's words, the search and the navigation
    in the client's language."""
    # Markup: escaped once here, and not again where a template escapes it itself (the
    # logo's title attribute), which would show "&#x27;" to the client.
    config.site_name = Markup(esc(site.client.name))
    config.theme["language"] = site.client.language
    # The rest of the theme's words in the client's language, not mkdocs.yml's English:
    # the page description (<meta name="description">) and the "page not found" page
    # (theme/404.html).
    words = texts_for(site.client.language, site.client.timezone)
    # Markup for the same reason as the site name: escaped once here (the client's name is
    # in it), never again by the theme.
    config.site_description = Markup(esc(words.gettext("Project status for {client}", client=site.client.name)))
    config.extra["milepost_not_found"] = {
        "title": words.gettext("Page not found"),
        "message": words.gettext(
            "There is nothing to see at this address. If you were sent a link to your project's "
            "status page, please open that link."
        ),
        "home": words.gettext("All projects"),
    }
    # The theme's result counts with a count other than 1 (theme/partials/language.html):
    # material has one form for every other count, so its Ukrainian "Знайдено # збігів" is
    # wrong for 2-4 and 22-24 results. Ours are worded so one form fits any count.
    config.extra["milepost_theme_words"] = {
        "search.result.other": words.gettext("Matching pages: #"),
        "search.result.more.other": words.gettext("More on this page: #"),
    }
    # The search plugin read its settings before this hook ran: give it the client's.
    search = search_settings(site.client.language)
    values = {"lang": list(search.lang), "separator": search.separator, "pipeline": list(search.pipeline)}
    for plugin in search_plugins(config):
        plugin.config.update(values)
        index = getattr(plugin, "search_index", None)
        if index is not None and isinstance(getattr(index, "config", None), dict):
            index.config.update(values)
    # Titles are plain text here; `prepare_page` escapes each page's title once.
    config.nav = [{page.title: page.path} for page in site.pages if page.in_nav]


def search_plugins(config: MkDocsConfig) -> list[BasePlugin[Any]]:
    """mkdocs-material's search plugin(s) of this build (none if the agency turned search off)."""
    return [
        plugin
        for name, plugin in config.plugins.items()
        if name.split("/")[-1] == "search" and "lang" in plugin.config and "fields" in plugin.config
    ]


# The index fields that hold the folded forms of each entry's words (render/search_words.py),
# weighted as the title and the text they come from. Material indexes every field of
# `config.fields` and shows only the title and the text.
FORM_FIELDS = {"title_forms": "title", "text_forms": "text"}


def add_search_fields(config: MkDocsConfig) -> None:
    """Declare the folded-forms fields to the search plugin (on_config). Its own on_config ran
    already and filled in the title's and text's boosts; `fields` is the one dict the plugin
    and its index share."""
    for plugin in search_plugins(config):
        fields = plugin.config["fields"]
        for name, source in FORM_FIELDS.items():
            fields.setdefault(name, dict(fields.get(source) or {"boost": 1.0}))


def add_search_forms(config: MkDocsConfig) -> None:
    """Give every entry of the search index its words' folded forms (on_post_build, before
    the search plugin writes search/search_index.json)."""
    for plugin in search_plugins(config):
        index = getattr(plugin, "search_index", None)
        for entry in getattr(index, "entries", None) or []:
            for name, source in FORM_FIELDS.items():
                forms = index_forms(str(entry.get(source) or ""))
                if forms:
                    entry[name] = forms
                else:
                    entry.pop(name, None)


def one_colour_scheme(config: MkDocsConfig) -> None:
    """A `theme.palette` list of one scheme is that scheme: mkdocs-material draws a list as a
    switch between schemes, and with one scheme to switch to, the switch is a radio button
    nobody can see that still takes a tab stop before the content."""
    palette = config.theme.get("palette")
    if isinstance(palette, list) and len(palette) == 1 and isinstance(palette[0], dict):
        config.theme["palette"] = palette[0]


def add_theme_overrides(config: MkDocsConfig) -> None:
    """Put Milepost's theme files (mkdocs/theme/) before mkdocs-material's, and after the
    agency's `theme.custom_dir`: an agency that overrides `main.html` or a partial wins over
    Milepost's own files, as MkDocs promises for a custom_dir. Milepost's blocks live in
    `milepost.html`, which extends whichever main.html wins (see `prepare_page`)."""
    ours = str(THEME_OVERRIDES)
    dirs = config.theme.dirs
    if ours in dirs:
        return
    custom = config.theme.custom_dir
    # MkDocs puts the custom_dir first; ours goes right after it (or first, without one).
    position = 1 if custom is not None and dirs and dirs[0] == custom else 0
    dirs.insert(position, ours)


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
            # A letter's page is reached from the archive: MkDocs must not list it in the
            # preview's navigation nor warn that the client's navigation leaves it out.
            inclusion = InclusionLevel.UNDEFINED if page.in_nav else InclusionLevel.NOT_IN_NAV
            files.append(File.generated(config, page.path, content=page.markdown, inclusion=inclusion))
        for path, content in site.files:
            files.append(File.generated(config, path, content=content))
    files.append(File.generated(config, CSS_PATH, abs_src_path=str(ASSETS / "milepost.css")))
    # Loaded by theme/milepost.html before material's bundle (it wraps the search worker).
    files.append(File.generated(config, SCRIPT_PATH, content=search_script()))
    files.append(File.generated(config, JS_PATH, abs_src_path=str(ASSETS / "milepost.js")))
    files.append(File.generated(config, VISIT_JS_PATH, abs_src_path=str(ASSETS / "milepost-visit.js")))
    return files


PAGE_TEMPLATE = "milepost.html"


def prepare_page(page: Page) -> None:
    """Ready a page for the theme (on_page_content, once per page).

    - Its title is escaped: MkDocs' templates insert `page.title` (and mkdocs-material the
      front matter's `page.meta.title`, a letter's subject) into <title>, the header, the
      navigation and the search index as it is, without escaping, and a title is plain text
      from the agency's YAML or the sent record.
    - It is drawn with `milepost.html` (mkdocs/theme/), which extends main.html: an agency's
      own main.html in `theme.custom_dir` cannot drop the escaped title or `noindex`.
    """
    if page.title:
        title = esc(page.title)  # read before the front matter's title is replaced: it is that title
        page.title = title
        if page.meta.get("title"):
            page.meta["title"] = title
    page.meta.setdefault("template", PAGE_TEMPLATE)

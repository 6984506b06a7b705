"""The demo's search indexes hold the folded forms of their words, and every page loads the
script that folds the query (render/search_words.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from milepost.publish.shared_assets import used_version
from milepost.render.search_words import fold


def _index(site: Path) -> dict:
    return json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))


def test_the_index_holds_folded_forms_in_fields_it_does_not_show(demo_site: Path) -> None:
    index = _index(demo_site / "piekarnia-zloty-klos")
    fields = index["config"]["fields"]
    assert fields["title_forms"] == fields["title"] and fields["text_forms"] == fields["text"]
    forms = {w for doc in index["docs"] for name in ("title_forms", "text_forms") for w in doc.get(name, "").split()}
    assert {"platnosci", "zamowienia", "wdrozenie"} <= forms
    for doc in index["docs"]:
        # Every folded form comes from a word of the same entry, and differs from it.
        for name, source in (("title_forms", "title"), ("text_forms", "text")):
            words = {fold(w) for w in re.findall(r"[\w'’]+", doc[source])}
            for form in doc.get(name, "").split():
                assert form in words, (doc["location"], form)
                assert form not in doc[source].lower().split()


def test_an_english_index_folds_only_its_few_marked_words(demo_site: Path) -> None:
    index = _index(demo_site / "acme-retail")
    forms = {f for doc in index["docs"] for name in ("title_forms", "text_forms") for f in doc.get(name, "").split()}
    # "ACME's", "provider's" and a contact's Polish surname (Zieliński) are all there is to fold.
    assert forms == {"acmes", "providers", "zielinski"}


def test_every_page_loads_the_search_script_before_the_theme(demo_site: Path) -> None:
    pages = sorted(demo_site.glob("*/**/*.html"))
    assert len(pages) > 10
    for page in pages:
        markup = page.read_text(encoding="utf-8")
        if "md-search__input" not in markup:
            continue  # a locked page of a protected site: its real page carries the scripts
        # The shared theme files (publish/shared_assets.py): assets/<version>/...
        ours = re.search(r"assets/[0-9a-f]{16}/milepost-search\.js", markup).start()
        theirs = re.search(r"assets/[0-9a-f]{16}/javascripts/bundle\.", markup).start()
        assert ours < theirs, page
    for site in demo_site.iterdir():
        if site.is_dir() and site.name != "assets":
            assert (demo_site / "assets" / str(used_version(site)) / "milepost-search.js").is_file(), site

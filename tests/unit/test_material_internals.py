"""What Milepost relies on inside mkdocs-material's JavaScript, read from the installed theme.

None of it is Material's documented interface, so a Material release could change it without
notice (docs/building.md, "MkDocs' future", lists it). These tests read the installed bundle,
its search worker and the TypeScript sources their source maps carry, and fail when any of it
changed, before a client's search or feed links quietly stop working:

- the search worker's messages: `assets/milepost-search.js` wraps the page's `Worker` and
  rewrites a message of type QUERY (its `data` the query string) and the RESULT that answers
  it, by number (2 and 3, Material's `SearchMessageType`); the bundle must make its worker
  with `new Worker(...)`, so that the wrapper is the one used;
- the sitemap: for every `<link rel="alternate">` on a page (Milepost's feed links are such
  links), the bundle fetches `sitemap.xml` beside the link's address. That is why the feed
  links are relative (publish/site_content.py) and a protected site has no feeds.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import material

from milepost.mkdocs.site import ASSETS

SCRIPTS = Path(material.__file__).parent / "templates" / "assets" / "javascripts"
SEARCH_JS = ASSETS / "milepost-search.js"


def only(pattern: str) -> Path:
    found = sorted(SCRIPTS.glob(pattern))
    assert len(found) == 1, f"{pattern}: {found}"
    return found[0]


def source(bundle: Path, name: str) -> str:
    """The TypeScript source `name` (a path ending) from `bundle`'s source map."""
    data = json.loads(bundle.with_name(bundle.name + ".map").read_text(encoding="utf-8"))
    found = [text for path, text in zip(data["sources"], data["sourcesContent"], strict=True) if path.endswith(name)]
    assert len(found) == 1, f"{bundle.name}.map: {name}: {len(found)} sources"
    return str(found[0])


def milepost_message_types() -> dict[str, int]:
    text = SEARCH_JS.read_text(encoding="utf-8")
    return {name: int(value) for name, value in re.findall(r"\bvar (QUERY|RESULT) = (\d+);", text)}


def test_milepost_search_names_the_two_message_types() -> None:
    assert milepost_message_types() == {"QUERY": 2, "RESULT": 3}


def test_the_search_message_types_are_the_ones_milepost_uses() -> None:
    enum = source(only("bundle.*.min.js"), "integrations/search/worker/message/index.ts")
    body = re.search(r"export const enum SearchMessageType \{(.*?)\}", enum, re.S)
    assert body is not None, "SearchMessageType is gone"
    members = re.findall(r"^\s*([A-Z_]+)\s*(?:=\s*(\d+))?,?", body.group(1), re.M)
    assert all(value == "" for _, value in members), members  # numbered by their order
    numbers = {name: index for index, (name, _) in enumerate(members)}
    assert numbers == {"SETUP": 0, "READY": 1, "QUERY": 2, "RESULT": 3}
    for name, number in milepost_message_types().items():
        assert numbers[name] == number, name


def test_the_worker_answers_a_query_string_with_a_result() -> None:
    """In the shipped worker: a message of type 2 has the query string as `data` and is
    answered with type 3 (what the wrapper rewrites on the way in and marks on the way out)."""
    worker = only("workers/search.*.min.js").read_text(encoding="utf-8")
    assert re.search(r"case 2:let (\w+)=\w+\.data;try\{return\{type:3,data:\w+\.search\(\1\)\}", worker)
    handler = source(only("workers/search.*.min.js"), "integrations/search/worker/main/index.ts")
    assert re.search(
        r"case SearchMessageType\.QUERY:\s*const query = message\.data\s*try \{\s*return \{\s*"
        r"type: SearchMessageType\.RESULT,\s*data: index\.search\(query\)",
        handler,
    )


def test_the_bundle_makes_its_search_worker_with_the_pages_worker() -> None:
    bundle = only("bundle.*.min.js").read_text(encoding="utf-8")
    assert "new Worker(" in bundle
    assert not re.search(r"new SharedWorker\(|navigator\.serviceWorker", bundle)


def test_a_sitemap_is_fetched_beside_every_alternate_link() -> None:
    bundle = only("bundle.*.min.js")
    alternate = source(bundle, "integrations/alternate/index.ts")
    assert 'getElements<HTMLLinkElement>("link[rel=alternate]")' in alternate
    assert "mergeMap(url => fetchSitemap(url)" in alternate
    sitemap = source(bundle, "integrations/sitemap/index.ts")
    assert 'requestXML(new URL("sitemap.xml", base))' in sitemap
    shipped = bundle.read_text(encoding="utf-8")
    assert '"link[rel=alternate]"' in shipped and 'new URL("sitemap.xml",' in shipped

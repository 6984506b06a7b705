"""Every page the client opens loads without a failed request or a console error.

mkdocs-material fetches a `sitemap.xml` beside every `<link rel="alternate">` (the feed link
of a project page and of the home page); without one there, each page logged a 404.
"""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "path",
    ["acme-retail/index.html", "acme-retail/webshop/index.html", "piekarnia-zloty-klos/index.html"],
)
def test_a_page_served_over_http_logs_no_failed_request_or_console_error(page, demo_url: str, path: str) -> None:
    failed: list[str] = []
    console: list[str] = []
    page.on("response", lambda response: response.status >= 400 and failed.append(f"{response.status} {response.url}"))
    page.on("requestfailed", lambda request: failed.append(f"{request.failure} {request.url}"))
    page.on("console", lambda message: message.type == "error" and console.append(message.text))
    page.goto(f"{demo_url}/{path}")
    page.wait_for_load_state("networkidle")
    assert page.locator('link[rel="alternate"]').count() >= 1  # the trigger is there
    assert failed == []
    assert console == []
    assert page.js_errors == []


def test_the_sitemap_beside_a_feed_is_a_sitemap_of_that_page_only(demo_site) -> None:
    import xml.etree.ElementTree as ET

    from milepost.publish.site_content import sitemap_beside_feed

    spaces = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ET.fromstring(sitemap_beside_feed("https://status.example/acme/?a=1&b=<2>"))
    assert [loc.text for loc in root.findall("s:url/s:loc", spaces)] == ["https://status.example/acme/?a=1&b=<2>"]
    assert ET.fromstring(sitemap_beside_feed("")).findall("s:url", spaces) == []
    # In the built demo: beside every project's feed, and nowhere else new.
    for feed in demo_site.glob("*/*/feed.xml"):
        assert (feed.parent / "sitemap.xml").is_file(), feed

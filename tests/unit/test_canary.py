"""scripts/canary.py's comparison, on two tiny site folders (no ProperDocs, no build)."""

from __future__ import annotations

import gzip
from pathlib import Path

from helpers import load_script

canary = load_script("canary")

PAGE = """<!doctype html>
<html><head><meta name="generator" content="{engine}"><title>Acme</title></head>
<body><article class="md-content__inner md-typeset"><h1>Acme</h1><p>{text}</p></article>
<footer>{footer}</footer></body></html>
"""


def page(text: str = "On track", *, engine: str = "mkdocs-1.6.1", footer: str = "Updated") -> str:
    return PAGE.format(text=text, engine=engine, footer=footer)


def write(site: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = site / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return site


def sitemap(day: str) -> str:
    return f"<urlset><url><loc>https://x.example/acme/</loc><lastmod>{day}</lastmod></url></urlset>\n"


def test_identical_sites(tmp_path: Path) -> None:
    files = {"acme/index.html": page(), "acme/search/index.json": '{"docs": []}', "robots.txt": "User-agent: *\n"}
    result = canary.compare_sites(write(tmp_path / "a", files), write(tmp_path / "b", files))
    assert (result.compared, len(result.identical), result.differ) == (3, 3, {})
    assert result.only_a == result.only_b == [] and result.normalized_only == {}
    assert result.pages == 1 and result.content_differ == []
    assert canary.report(result, label_a="a", label_b="b").splitlines()[-1] == "3 files compared, 3 identical, 0 differ"


def test_what_must_differ_is_ignored(tmp_path: Path) -> None:
    a = write(tmp_path / "a", {
        "acme/index.html": page(),
        "acme/sitemap.xml": sitemap("2026-11-24"),
        "acme/sitemap.xml.gz": gzip.compress(sitemap("2026-11-24").encode(), mtime=1),
    })
    b = write(tmp_path / "b", {
        "acme/index.html": page(engine="mkdocs-ProperDocs 1.6.7"),
        "acme/sitemap.xml": sitemap("2026-11-25"),
        "acme/sitemap.xml.gz": gzip.compress(sitemap("2026-11-25").encode(), mtime=2),
    })
    result = canary.compare_sites(a, b)
    assert result.differ == {} and len(result.identical) == 3
    assert result.normalized_only == {
        "acme/index.html": "generator meta tag",
        "acme/sitemap.xml": "sitemap dates",
        "acme/sitemap.xml.gz": "gzip header",
    }


def test_differences_and_files_in_one_build_only(tmp_path: Path) -> None:
    a = write(tmp_path / "a", {"acme/index.html": page(), "acme/404.html": page(footer="Old"), "acme/old.txt": "x"})
    b = write(tmp_path / "b", {
        "acme/index.html": page("At risk"),  # content area differs
        "acme/404.html": page(footer="New"),  # only outside the content area
        "acme/new.txt": "y",
        "acme/.acme.building-1/index.html": page(),  # a build's leftover: not part of the site
    })
    result = canary.compare_sites(a, b, label_a="mkdocs", label_b="properdocs")
    assert result.only_a == ["acme/old.txt"] and result.only_b == ["acme/new.txt"]
    assert sorted(result.differ) == ["acme/404.html", "acme/index.html"]
    assert result.content_differ == ["acme/index.html"] and result.pages == 2
    diff = result.differ["acme/index.html"]
    assert diff[:2] == ["--- mkdocs/acme/index.html", "+++ properdocs/acme/index.html"]
    assert [line.split() for line in diff if line[0] in "-+"][2:] == [["-", "On", "track"], ["+", "At", "risk"]]
    text = canary.report(result, label_a="mkdocs", label_b="properdocs")
    assert "Only in the mkdocs build (1):\n  acme/old.txt" in text
    assert "Only in the properdocs build (1):\n  acme/new.txt" in text
    assert "Content areas: 2 pages compared, 1 identical, 1 differ (acme/index.html)" in text
    assert text.splitlines()[-1] == "2 files compared, 0 identical, 2 differ"

"""`milepost check` refuses credentials in the links of finished parts (issue: stronger redaction)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from milepost.load.checks import project_problems
from milepost.load.yaml_source import load_yaml_text

PROJECT = """\
name: Shop
deliverables:
  - {{date: 2026-11-15, title: Preview, url: "{url}"}}
"""


def problems(url: str, tmp_path: Path) -> list[str]:
    document = load_yaml_text(PROJECT.format(url=url))
    found = project_problems(document, source="projects/acme/shop.yml", folder=tmp_path, today=dt.date(2026, 11, 24))
    return [str(p) for p in found]


@pytest.mark.parametrize(
    ("url", "secret"),
    [
        ("https://anna:hunter2@staging.example/product", "hunter2"),
        ("https://deploy@staging.example/product", "deploy"),
        ("https://staging.example/product?token=abc123def456", "abc123def456"),
        ("https://bucket.example/file.pdf?X-Amz-Signature=0f0e0d0c", "0f0e0d0c"),
        ("https://staging.example/?a=1&api_key=zzz999", "zzz999"),
    ],
)
def test_a_credential_in_a_deliverable_link_is_refused_without_repeating_it(
    url: str, secret: str, tmp_path: Path
) -> None:
    found = problems(url, tmp_path)
    assert len(found) == 1, found
    assert found[0].startswith("projects/acme/shop.yml:3: deliverables[0].url: ")
    assert secret not in found[0]


@pytest.mark.parametrize(
    "url", ["https://staging.example/product", "https://staging.example/search?q=keyboard&page=2"]
)
def test_ordinary_links_pass(url: str, tmp_path: Path) -> None:
    assert problems(url, tmp_path) == []

"""A URL as Milepost prints it (shown_url.py): never a credential, and a help text's pattern
of a URL left as written."""

from __future__ import annotations

import pytest

from milepost.shown_url import mask_urls, masked_url


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("https://bob:s3cret@git.example/acme/shop.git", "https://git.example/acme/shop.git"),
        ("smtp://bob:s3cret@mail.example:25", "smtp://mail.example:25"),
        ("https://user:pw@[::1]:8080/x?private_token=abc", "https://[::1]:8080/x?private_token=***"),
        ("bob:s3cret@git.example:acme/shop.git", "git.example:acme/shop.git"),
        ("../acme-webshop", "../acme-webshop"),
    ],
)
def test_a_url_is_shown_without_its_credentials(text: str, shown: str) -> None:
    assert masked_url(text) == shown


def test_a_help_texts_pattern_of_a_url_is_left_as_written() -> None:
    help_text = "write smtp://[user[:password]@]host[:port] or smtps://... for TLS from the start"
    assert mask_urls(help_text) == help_text


def test_urls_inside_a_sentence_are_masked_and_the_rest_kept() -> None:
    text = "cloning https://bob:s3cret@git.example/x.git failed; see smtp://a:b@mail.example"
    assert mask_urls(text) == "cloning https://git.example/x.git failed; see smtp://mail.example"

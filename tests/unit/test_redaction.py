"""Redaction: every pattern with realistic examples, allowed hosts, and text that must survive."""

from __future__ import annotations

import pytest
from milepost.classify.redaction import PATTERNS, PLACEHOLDER, host_allowed, redact

H = PLACEHOLDER

# For every pattern in the table: (text, expected after redaction). Keyed by pattern name so a
# pattern added to the table without an example here fails `test_every_pattern_has_examples`.
EXAMPLES: dict[str, list[tuple[str, str]]] = {
    "private key": [
        (
            "Oops -----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7bq1\nq2Xw==\n-----END RSA PRIVATE KEY----- removed",
            f"Oops {H} removed",
        ),
        ("-----BEGIN OPENSSH PRIVATE KEY----- b3BlbnNzaC1rZXktdjEAAAAA (cut off", H),
        ("-----BEGIN PGP PRIVATE KEY BLOCK----- lQOYBF -----END PGP PRIVATE KEY BLOCK-----", H),
    ],
    "link": [
        ("Preview: https://preview.other-agency.example/shop?id=3", f"Preview: {H}"),
        ("see http://10.0.0.12:8080/admin.", f"see {H}."),
        ("docs at www.internal-wiki.example/payments here", f"docs at {H} here"),
        ("hook https://hooks.slack.com/services/T000/B000/XXXX", f"hook {H}"),
    ],
    "ssh remote": [
        ("moved to git@gitlab.agency.example:acme/webshop-secret.git", f"moved to {H}"),
    ],
    "e-mail address": [
        ("Ask anna.nowak+shop@agency.example about it", f"Ask {H} about it"),
        ("Write to mailto:support@acme-retail.co.uk today", f"Write to {H} today"),
        ("(piotr@agency.example)", f"({H})"),
    ],
    "AWS access key id": [
        ("key AKIAIOSFODNN7EXAMPLE in config", f"key {H} in config"),
        ("temporary ASIAY34FZKBOKMUTVV7A", f"temporary {H}"),
    ],
    "GitHub token": [
        ("ghp_16C7e42F292c6912E7710c838347Ae178B4a was pushed", f"{H} was pushed"),
        ("oauth gho_16C7e42F292c6912E7710c838347Ae178B4a", f"oauth {H}"),
        ("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ ok", f"{H} ok"),
    ],
    "GitLab token": [("use glpat-xXxX1234567890abcdEFGH now", f"use {H} now")],
    "Slack token": [
        ("bot xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", f"bot {H}"),
        ("app xoxa-2-1234567890-abcdef", f"app {H}"),
        ("user xoxp-1234567890-1234567890-abcdefabcdef", f"user {H}"),
    ],
    "Stripe key": [("stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc done", f"stripe {H} done")],
    "Google API key": [("maps AIzaSyA-1234567890abcdefghijklmnopqrstu", f"maps {H}")],
    "npm token": [("publish npm_abcdefghijklmnopqrstuvwxyz0123456789 ok", f"publish {H} ok")],
    "JWT": [
        (
            "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
            "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U expired",
            f"Bearer {H} expired",
        ),
    ],
    "secret assignment": [
        ("set password=hunter2 for staging", f"set {H} for staging"),
        ("DB_PASSWORD = 'correct horse battery' in .env", f"{H} in .env"),
        ("client_secret: s3cr3t! rotated", f"{H} rotated"),
        ("api_key=abcdef, then restart", f"{H}, then restart"),
        ('token: "staging only"', H),
        ("SECRET_KEY_BASE=deadbeef", H),
    ],
    "long hex string": [
        ("hash 9e107d9d372bb6826bd81d3542a419d6 leaked", f"hash {H} leaked"),
        ("reverts 3f786850e387550fdab836ed7e6dc881de23001b", f"reverts {H}"),
    ],
    "random-looking string": [
        ("aws secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", f"aws secret {H}"),
        ("header X-Api: Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdo", f"header X-Api: {H}"),
    ],
    # More realistic cases, in several languages: tests/golden/redaction/corpus.yml.
    "OpenAI or Anthropic key": [("key sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8t done", f"key {H} done")],
    "SendGrid key": [("mail 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 ok", f"mail {H} ok")],
    "Twilio key": [("sms SK2a7f9c0b1d3e5f7a9b1c3d5e7f9a1b3c ok", f"sms {H} ok")],
    "Telegram bot token": [("bot 1234567890:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0 ok", f"bot {H} ok")],
    "other service token": [("deploy dckr_pat_2b3e36beeb386dfdaacb9b46004ccb7c ok", f"deploy {H} ok")],
    "bearer token": [("curl -H 'Authorization: Bearer abcdefghijklmnopqrstuvwxyz012345'", f"curl -H 'Authorization: Bearer {H}'")],
    "internal host": [
        ("see jira.agency.internal/browse/PAY-9 first", f"see {H} first"),
        ("runs on localhost:8000/admin", f"runs on {H}"),
        ("db at 192.168.1.20:5432", f"db at {H}"),
    ],
    "phone number": [
        ("call Marek on +48 601 234 567 today", f"call Marek on {H} today"),
        ("zadzwoń: 601-234-567", f"zadzwoń: {H}"),
        ("тел. 8 (800) 555-35-35", f"тел. {H}"),
        ("Handy: 0171 1234567", f"Handy: {H}"),
    ],
}


def pattern(name: str):
    return dict(PATTERNS)[name]


def test_every_pattern_has_examples() -> None:
    assert [name for name, _ in PATTERNS if name not in EXAMPLES] == []
    assert len({name for name, _ in PATTERNS}) == len(PATTERNS)


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [(name, text, expected) for name, cases in EXAMPLES.items() for text, expected in cases],
)
def test_pattern_example(name: str, text: str, expected: str) -> None:
    assert pattern(name).search(text), f"pattern {name!r} does not see {text!r}"
    assert redact(text) == expected


# --- allowed hosts -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Preview: https://acme.example/shop", "Preview: https://acme.example/shop"),
        ("Preview: https://staging.acme.example/shop?p=1#top.", "Preview: https://staging.acme.example/shop?p=1#top."),
        ("on HTTPS://Shop.ACME.example/", "on HTTPS://Shop.ACME.example/"),
        ("(see https://en.wikipedia.org/wiki/Foo_(bar))", "(see https://en.wikipedia.org/wiki/Foo_(bar))"),
        ("www.acme.example/help", "www.acme.example/help"),
        # look-alikes are not subdomains
        ("https://acme.example.evil.test/x", H),
        ("https://notacme.example/x", H),
        # credentials in a link: hidden whatever the host
        ("https://deploy:pa55@staging.acme.example/x", H),
        # a secret in an allowed link's query string is still hidden
        ("https://staging.acme.example/x?token=abc123", f"https://staging.acme.example/x?{H}"),
    ],
)
def test_allowed_hosts_and_subdomains(text: str, expected: str) -> None:
    assert redact(text, allowed_hosts=["acme.example", "wikipedia.org"]) == expected


def test_allowed_hosts_are_normalised() -> None:
    assert host_allowed("shop.acme.example", ["*.acme.example"])
    assert host_allowed("acme.example", ["https://ACME.example/"])
    assert host_allowed("acme.example.", ["acme.example"])
    assert not host_allowed("acme.example", [])
    assert not host_allowed("", ["acme.example"])
    assert not host_allowed("acme.example", [""])


def test_no_allowed_hosts_hides_every_link() -> None:
    assert redact("https://acme.example/shop and ftp://files.acme.example/a") == f"{H} and {H}"


# --- what must survive ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Customers can now pay with BLIK.",
        "Release 1.2.3 replaces 1.2.2-beta.4",
        "Launch moved to 2026-12-15 (was 15.12.2026)",
        "Fixed in abc1234 and 3f78685e38",  # short commit ids: harmless, kept
        "Order 123e4567-e89b-12d3-a456-426614174000 resent",  # UUIDs: ids, not secrets
        "password: require 8 characters",  # a sentence about passwords, no value
        "tokenizer: 2 passes",
        "Reset passwords by e-mail",
        "Thanks @anna for the review",
        "see src/app/components/CheckoutForm2/Step3Payment.tsx",
        "getElementByIdAndReturnNodeList works",
        "internationalization",
        "<script>alert(1)</script> & <b>bold</b>",
        "Zażółć gęślą jaźń — Привіт, світ",
        "Price: 1,299.00 zł; VAT 23%",
    ],
)
def test_ordinary_text_is_kept(text: str) -> None:
    assert redact(text) == text


def test_whitespace_and_repeated_placeholders_collapse() -> None:
    assert redact("  a \n\t b  ") == "a b"
    assert redact("keys AKIAIOSFODNN7EXAMPLE  AKIAIOSFODNN7EXAMPLF end") == f"keys {H} end"


def test_placeholder_can_be_translated() -> None:
    assert redact("mail anna@agency.example", placeholder="[ukryte]") == "mail [ukryte]"


def test_redaction_is_idempotent() -> None:
    once = redact("mail anna@agency.example https://x.example/a token=abc1", allowed_hosts=["acme.example"])
    assert redact(once, allowed_hosts=["acme.example"]) == once

"""Redaction: every rule with what it hides and what it must leave, allowed hosts, and text that
must survive."""

from __future__ import annotations

from typing import NamedTuple

import pytest

from milepost.classify.redaction import PLACEHOLDER, RULES, apply_rule, host_allowed, redact, rule_named

H = PLACEHOLDER


class Examples(NamedTuple):
    """A rule's examples: texts it hides (with what is left) and near-misses it must leave."""

    hidden: list[tuple[str, str]]
    kept: list[str]


# The one table of examples: for every rule of redaction_rules.yml, keyed by its name, what it
# hides and what it must leave as it is. A rule added without both fails
# `test_every_rule_has_hidden_and_kept_examples`. Realistic texts in every language of the sites
# are in tests/golden/redaction/corpus.yml.
EXAMPLES: dict[str, Examples] = {
    "private key": Examples(
        [
            (
                "Oops -----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7bq1\nq2Xw==\n"
                "-----END RSA PRIVATE KEY----- removed",
                f"Oops {H} removed",
            ),
            ("-----BEGIN OPENSSH PRIVATE KEY----- b3BlbnNzaC1rZXktdjEAAAAA (cut off", H),
            ("-----BEGIN PGP PRIVATE KEY BLOCK----- lQOYBF -----END PGP PRIVATE KEY BLOCK-----", H),
        ],
        ["-----BEGIN PUBLIC KEY----- is fine to share", "the private key is in the vault"],
    ),
    "link": Examples(
        [
            ("Preview: https://preview.other-agency.example/shop?id=3", f"Preview: {H}"),
            ("see http://10.0.0.12:8080/admin.", f"see {H}."),
            ("docs at www.internal-wiki.example/payments here", f"docs at {H} here"),
            ("hook https://hooks.slack.com/services/T000/B000/XXXX", f"hook {H}"),
        ],
        ["the www of old", "a protocol:// with no host"],
    ),
    "ssh remote": Examples(
        [("moved to git@gitlab.agency.example:acme/webshop-secret.git", f"moved to {H}")],
        ["Thanks @anna for the review", "ratio 16:9"],
    ),
    "e-mail address": Examples(
        [
            ("Ask anna.nowak+shop@agency.example about it", f"Ask {H} about it"),
            ("Write to mailto:support@acme-retail.co.uk today", f"Write to {H} today"),
            ("(piotr@agency.example)", f"({H})"),
            ("napisz do zoś@sklep.pl", f"napisz do {H}"),
        ],
        ["Thanks @anna for the review", "the @ sign in names", "user@localhost-less text"],
    ),
    "login at an address": Examples(
        [
            ("ssh deploy@10.0.0.5 then restart", f"ssh {H} then restart"),
            ("as root@203.0.113.9", f"as {H}"),
            ("via admin@[fe80::1]:22", f"via {H}"),
        ],
        ["version 1@2.3 of the theme", "meet @ 10.30"],
    ),
    "AWS access key id": Examples(
        [
            ("key AKIAIOSFODNN7EXAMPLE in config", f"key {H} in config"),
            ("temporary ASIAY34FZKBOKMUTVV7A", f"temporary {H}"),
        ],
        ["AKIA is a prefix", "ASIAN markets"],
    ),
    "GitHub token": Examples(
        [
            ("ghp_16C7e42F292c6912E7710c838347Ae178B4a was pushed", f"{H} was pushed"),
            ("oauth gho_16C7e42F292c6912E7710c838347Ae178B4a", f"oauth {H}"),
            ("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ ok", f"{H} ok"),
        ],
        ["ghp_ is a prefix", "github_pat_ tokens expire"],
    ),
    "GitLab token": Examples([("use glpat-xXxX1234567890abcdEFGH now", f"use {H} now")], ["glpat-short"]),
    "Slack token": Examples(
        [
            ("bot xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", f"bot {H}"),
            ("app xoxa-2-1234567890-abcdef", f"app {H}"),
            ("user xoxp-1234567890-1234567890-abcdefabcdef", f"user {H}"),
        ],
        ["xoxo from the team"],
    ),
    "Stripe key": Examples(
        [("stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc done", f"stripe {H} done")], ["sk_live_ keys are secret"]
    ),
    "Google API key": Examples(
        [("maps AIzaSyA-1234567890abcdefghijklmnopqrstu", f"maps {H}")], ["AIza keys go in the vault"]
    ),
    "npm token": Examples(
        [("publish npm_abcdefghijklmnopqrstuvwxyz0123456789 ok", f"publish {H} ok")], ["npm_config_cache set"]
    ),
    "OpenAI or Anthropic key": Examples(
        [("key sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8t done", f"key {H} done")], ["desk-top layout", "sk-SK locale"]
    ),
    "SendGrid key": Examples(
        [("mail 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 ok", f"mail {H} ok")],
        ["SG.com shop"],
    ),
    "Twilio key": Examples(
        [("sms SK2a7f9c0b1d3e5f7a9b1c3d5e7f9a1b3c ok", f"sms {H} ok")], ["SK and AC are country codes"]
    ),
    "Telegram bot token": Examples(
        [("bot 1234567890:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0 ok", f"bot {H} ok")], ["at 12:30 the bot replied"]
    ),
    "other service token": Examples(
        [("deploy dckr_pat_2b3e36beeb386dfdaacb9b46004ccb7c ok", f"deploy {H} ok")], ["hf_hub download", "pypi-server"]
    ),
    "bearer token": Examples(
        [("curl -H 'Authorization: Bearer abcdefghijklmnopqrstuvwxyz012345'", f"curl -H 'Authorization: Bearer {H}'")],
        ["Bearer tokens expire after an hour"],
    ),
    "authorization header": Examples(
        [
            ("curl -H 'Authorization: Basic dXNlcjpwYXNzd29yZA==' works", f"curl -H 'Authorization: Basic {H}' works"),
            ("Authorization: Token 9f8e7d6c5b4a", f"Authorization: Token {H}"),
            ("Proxy-Authorization: Digest abc123def", f"Proxy-Authorization: Digest {H}"),
            ("authorization=sEcr3tValue", f"authorization={H}"),
        ],
        ["Authorization: check the role first", "authorization is done by the shop"],
    ),
    "basic credentials": Examples(
        [("header Basic YW5uYTpodW50ZXIy was logged", f"header Basic {H} was logged")],
        ["Basic authentication for the admin page", "basic plan upgraded"],
    ),
    "JWT": Examples(
        [
            (
                "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
                "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U expired",
                f"Bearer {H} expired",
            ),
        ],
        ["eyJ is how a JWT starts"],
    ),
    "secret assignment": Examples(
        [
            ("set password=hunter2 for staging", f"set {H} for staging"),
            ("DB_PASSWORD = 'correct horse battery' in .env", f"{H} in .env"),
            ("client_secret: s3cr3t! rotated", f"{H} rotated"),
            ("api_key=abcdef, then restart", f"{H}, then restart"),
            ('token: "staging only"', H),
            ("SECRET_KEY_BASE=deadbeef", H),
            ("PGPASSWORD=s3cr3t psql -h db", f"{H} psql -h db"),
            ("export DBPASS=hunter2", f"export {H}"),
            ("pass: hunter2 for the staging box", f"{H} for the staging box"),
            ("MYSQL_PWD=x7 mysqldump", f"{H} mysqldump"),
            ("MYSQLPASS=hunter2 in cron", f"{H} in cron"),
            ("SMTPPASS=Wiosna2026 rotated", f"{H} rotated"),
            ("REDISPASSWORD=abc (staging)", f"{H} (staging)"),
            ("(password=x1)", f"({H})"),
        ],
        ["password: require 8 characters", "tokenizer: 2 passes", "tests pass: 12/12", "bypass=true for admins",
         "compass: 3 needles", "the passport: AB1234567 field", "secretary: Anna"],
    ),
    "password in a sentence": Examples(
        [
            ("the password is Kava#2026 now", f"the password is {H} now"),
            ("hasło to Zima2026! do panelu", f"hasło to {H} do panelu"),
            ("пароль — Kava2026 для входа", f"пароль — {H} для входа"),
            ("das Kennwort lautet Sommer26! ab heute", f"das Kennwort lautet {H} ab heute"),
            ("новий пароль: Kava#2026 у листі", f"новий {H} у листі"),  # `secret assignment` first
            ("Das Passwort ist jetzt Herbst#2026.", f"Das Passwort ist jetzt {H}."),
            # no word saying "is": letters and digits both
            ("password hunter2", f"password {H}"),
            ("Hasło do FTP Zima2026", f"Hasło do FTP {H}"),
            ("Пароль до адмінки hunter2", f"Пароль до адмінки {H}"),
            ("Пароль от админки qwerty123", f"Пароль от админки {H}"),
            ("Kennwort geändert auf Sommer2026", f"Kennwort geändert auf {H}"),
            # a login with its password: the login stays
            ("Login: admin / Zima2026!", f"Login: admin / {H}"),
            ("credentials admin:Zima2026", f"credentials admin:{H}"),
        ],
        ["the password is now required", "hasło: minimum 8 znaków", "das Passwort muss jetzt 8 Zeichen haben",
         "Password reset e-mails now arrive faster", "Nowe hasło można ustawić w profilu", "password for the v2 API",
         "Login page: 2 steps / 3 fields", "login/logout for v2/v3 users"],
    ),
    "PIN in a sentence": Examples(
        [
            ("PIN: 4821 for the door", f"PIN: {H} for the door"),
            ("PIN do terminala 7391, nie zmieniamy", f"PIN do terminala {H}, nie zmieniamy"),
            ("PIN-код 5823 для сейфа", f"PIN-код {H} для сейфа"),
            ("Die PIN ist 2719", f"Die PIN ist {H}"),
        ],
        ["PIN: required at checkout", "pin 12 items to the top", "PIN 123456789 is no PIN", "spin 2026 up"],
    ),
    "long hex string": Examples(
        [
            ("hash 9e107d9d372bb6826bd81d3542a419d6 leaked", f"hash {H} leaked"),
            ("reverts 3f786850e387550fdab836ed7e6dc881de23001b", f"reverts {H}"),
        ],
        ["Fixed in abc1234 and 3f78685e38", "colour #deadbeef"],
    ),
    "internal host": Examples(
        [
            ("see jira.agency.internal/browse/PAY-9 first", f"see {H} first"),
            ("runs on localhost:8000/admin", f"runs on {H}"),
            ("db at 192.168.1.20:5432", f"db at {H}"),
            ("db01.internal is down", f"{H} is down"),
            ("printer.local and nas.lan and git.acme.corp", f"{H} and {H} and {H}"),
            ("on db.internal:5432 and localhost:8080", f"on {H} and {H}"),
        ],
        ["a local shop", "the corp. account", "Windows 10.0.19041.1 and Chrome 127.0.6533.88"],
    ),
    "private IP address": Examples(
        [
            ("the printer is 10.0.0.5 now", f"the printer is {H} now"),
            ("db at 192.168.1.20.", f"db at {H}."),
            ("gateway 172.20.0.1, fallback 169.254.10.2", f"gateway {H}, fallback {H}"),
            ("loopback 127.0.0.1 only", f"loopback {H} only"),
        ],
        ["Release 1.2.3, then v2.10.4 and 1.2.3.4", "bump to version 10.0.0.1"],
    ),
    "host and port": Examples(
        [
            ("connect to db.example.net:5432 first", f"connect to {H} first"),
            ("opened 203.0.113.7:22 for them", f"opened {H} for them"),
            ("cache on redis:6379", f"cache on {H}"),
        ],
        ["crash in checkout.py:42 and views.ts:108", "ratio 16:9, score 3:1", "at 10:30:00"],
    ),
    "IPv6 address": Examples(
        [
            ("listens on [::1]:8080 locally", f"listens on {H} locally"),
            ("host fe80::1ff:fe23:4567:890a%eth0 ok", f"host {H} ok"),
            ("server 2001:db8:85a3:0:0:8a2e:370:7334 moved", f"server {H} moved"),
        ],
        ["use Data::Dumper and Foo::Bar", "MAC 00:1a:2b:3c:4d:5e", "Moved to 2026-11-24 at 10:30:00"],
    ),
    "home or network path": Examples(
        [
            ("log in /home/anna/projects/shop/error.log.", f"log in {H}."),
            ("copied to /Users/piotr/Desktop/dump.sql", f"copied to {H}"),
            (r"see C:\Users\anna\Documents\notes.txt", f"see {H}"),
            (r"share \\fileserver\clients\acme\contract.pdf", f"share {H}"),
        ],
        ["see src/home/page.tsx and app/Users/List.tsx", "the /home page"],
    ),
    "bank account number": Examples(
        [
            ("pay to PL61 1090 1014 0000 0712 1981 2874 today", f"pay to {H} today"),
            ("konto PL61109010140000071219812874.", f"konto {H}."),
            ("IBAN DE89 3704 0044 0532 0130 00 PLN", f"IBAN {H} PLN"),
            ("nr 61 1090 1014 0000 0712 1981 2874", f"nr {H}"),
            ("Konto 89 3704 0044 0532 0130 00 bitte", f"Konto {H} bitte"),  # DE89... without DE
        ],
        ["account 12 3456 7890 1234 5678 9012 3456", "IBAN-like GB00 0000 0000 0000 0000 00",
         "Invoice 2026-0042 and order 123456"],
    ),
    "card number": Examples(
        [
            ("card 4539 1488 0343 6467 was declined", f"card {H} was declined"),
            ("amex 3411-123456-78909 ok", f"amex {H} ok"),  # 4-6-5, Luhn-valid, not a test number
            ("paid with 5425233430109903", f"paid with {H}"),
        ],
        ["order 4539148803436468 failed Luhn", "tested with card 4242 4242 4242 4242 and 4111 1111 1111 1111",
         "EAN 5901234123457 on the label", "barcode 4006381333931"],
    ),
    "PESEL number": Examples(
        [("PESEL 44051401359 w formularzu", f"PESEL {H} w formularzu")],
        ["id 12345678901 is not a PESEL", "ref 44051401358 too"],
    ),
    "phone number": Examples(
        [
            ("call Marek on +48 601 234 567 today", f"call Marek on {H} today"),
            ("zadzwoń: 601-234-567", f"zadzwoń: {H}"),
            ("тел. 8 (800) 555-35-35", f"тел. {H}"),
            ("Handy: 0171 1234567", f"Handy: {H}"),
            ("дзвоніть 044 123 45 67", f"дзвоніть {H}"),
        ],
        ["NIP 526-104-08-28 na fakturze", "USt-IdNr. 123 456 78 90", "order 100-200-300 shipped",
         "years 2024 2025 2026", "Price: 1,299.00 zł; VAT 23%"],
    ),
    "random-looking string": Examples(
        [
            ("aws secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", f"aws secret {H}"),
            ("header X-Api: Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdo", f"header X-Api: {H}"),
            ("key 9f3kq82mz0x7vb1nw4pt6ry5ls8dj2hc set", f"key {H} set"),
            ("ID Q7ZK2M9XW4TR8VB3NP6YH1LC5DG0FJSA", f"ID {H}"),
        ],
        ["see src/app/components/CheckoutForm2/Step3Payment.tsx", "test_checkout_with_an_empty_cart_2",
         "getElementByIdAndReturnNodeList works", "internationalization_and_localization_2026"],
    ),
}


def test_every_rule_has_hidden_and_kept_examples() -> None:
    names = [rule.name for rule in RULES]
    assert len(set(names)) == len(names)
    assert sorted(names) == sorted(EXAMPLES), "every rule has examples, and every example a rule"
    for name, examples in EXAMPLES.items():
        assert examples.hidden and examples.kept, name


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [(name, text, expected) for name, examples in EXAMPLES.items() for text, expected in examples.hidden],
)
def test_the_rule_hides_its_example(name: str, text: str, expected: str) -> None:
    rule = rule_named(name)
    assert apply_rule(rule, text, ()) != text, f"rule {name!r} does not hide anything in {text!r}"
    assert rule.applies(text.lower()), f"the keywords of {name!r} skip {text!r}"
    assert redact(text) == expected


@pytest.mark.parametrize(
    ("name", "text"), [(name, text) for name, examples in EXAMPLES.items() for text in examples.kept]
)
def test_the_rule_keeps_its_near_miss(name: str, text: str) -> None:
    assert apply_rule(rule_named(name), text, ()) == text
    assert redact(text) == text


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


# Every example text, what it becomes, and texts where a rule meets a placeholder an earlier
# rule (or an earlier pass) put there: a placeholder's bracket is never read as part of a secret.
IDEMPOTENT_TEXTS = sorted(
    {text for examples in EXAMPLES.values() for pair in examples.hidden for text in pair}
    | {text for examples in EXAMPLES.values() for text in examples.kept}
    | {
        "admin password changed to Zima2026 (PROJ-12)",
        "Admin password changed to [hidden]",
        "password: https://x.example/a",
        "token=https://x.example/a",
        "PASSWORD=[hidden])",
        "Login: admin / https://x.example/a",
    }
)


@pytest.mark.parametrize("text", IDEMPOTENT_TEXTS)
def test_redacting_twice_changes_nothing(text: str) -> None:
    once = redact(text)
    assert redact(once) == once
    assert "]]" not in once or "]]" in text


def test_a_placeholder_is_never_cut() -> None:
    assert redact("password: [hidden]") == "password: [hidden]"
    assert redact("token=https://x.example/a") == "token=[hidden]"
    assert redact("Admin password changed to [hidden]") == "Admin password changed to [hidden]"

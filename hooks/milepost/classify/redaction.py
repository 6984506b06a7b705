"""Redaction: what must never reach a client's page, however it got into a commit message.

`redact()` replaces e-mail addresses, secret-looking tokens, links to hosts that are not on the
client's allow list, internal addresses, paths that name a person and numbers that identify
one (PESEL, bank accounts, payment cards) with a short neutral placeholder ("[hidden]"), then
collapses the whitespace. It returns plain text; escaping for HTML is the renderer's job, so
characters such as `<` and `&` pass through untouched.

The rules are data: `redaction_rules.yml` next to this file is an ordered table (name, regex,
keywords, confirm check, judged like a link or not), loaded into `RULES` and tried top to
bottom over the whole text. A rule is only tried when the text contains one of its keywords (a
substring test, much cheaper than a regex), so most texts skip most rules. Checks a regex
cannot express (entropy, checksums, a valid IPv6 address) are in `CONFIRM`, named by the table.
`rule_named()` looks a rule up by name (subjects.py takes the link pattern from it).

Every rule runs in time linear in its text: the patterns run on RE2 (linear_regex.py), and
what is checked around a match reads a bounded number of characters (tests/unit/
test_redaction_linear.py counts the steps on adversarial texts growing tenfold). On top of
that one text contributes at most `MAX_CHARS` characters: a longer one is cut at a word
boundary and ends with `TRUNCATED` (a note for a client is a few sentences; 2,000 characters is
a long page paragraph, and it bounds what one commit costs).

Decided on purpose, so that ordinary text survives:
- Version numbers (1.2.3, v2.10.4, also four-part 1.2.3.4), dates, short hex such as a 7–12
  character commit id, UUIDs and plain words are kept. A four-part number in a private range
  (10.0.0.5, 192.168.0.1) is taken for an address and hidden, except one in 10/8 or 127/8 that
  the words around it call a version ("10.0.0.1 (that is a version)").
- Hex strings of 32+ characters (MD5 length and up, which includes full 40-character commit
  ids) are hidden: that is also what most API keys and secrets look like.
- Other long strings are hidden only when they look random: 32+ characters of the base64
  alphabet with upper case, lower case and a digit, and a character entropy close to what
  random data gives. File paths and long identifiers usually fall well below it.
- `password: ...` style text with a colon is hidden only when the value looks like a secret
  (quoted, or containing a digit or symbol), so "password: require 8 characters" stays
  readable; with `=` any value is hidden. After the bare word `pass` the value must also have
  a letter, so "tests pass: 12/12" stays. A name with the word run into it counts
  (MYSQLPASS, REDISPASSWORD), an ordinary word that ends so does not (bypass, compass).
- A password or PIN in a sentence ("the password is ...", "hasło to ...", "PIN: 4821") is
  hidden when the value looks like one: a digit or a symbol (a PIN: 4 to 8 digits).
- Long digit runs are hidden only when a checksum says what they are: an 11-digit PESEL with a
  valid date, an IBAN, also without its country code (mod 97), a card number (Luhn). An
  invoice number or an id that fails its checksum stays, and so does a 13-digit product
  barcode (a valid EAN-13) and a number a tax word names (NIP, VAT, USt-IdNr.).
- `host:port` is hidden, except a file and a line (`checkout.py:42`).
- A placeholder is never cut: a rule whose match would hide from or up to a point inside one
  (a value that is a placeholder an earlier rule put there, "token=[hidden]") leaves it as it
  is, so redacting twice changes nothing and no stray bracket reaches a page.
"""

from __future__ import annotations

import base64
import binascii
import collections
import datetime as dt
import ipaddress
import math
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict
from urllib.parse import urlsplit

import yaml

from milepost.errors import PatternError
from milepost.linear_regex import Match, Pattern, compile_linear

PLACEHOLDER = "[hidden]"

# What one text may contribute: longer ones are cut at a word boundary before redaction (so no
# secret is cut in two and half shown) and end with TRUNCATED. Counted without placeholders, so
# redacting the result again leaves it as it is.
MAX_CHARS = 2000
TRUNCATED = " […]"

RULES_FILE = Path(__file__).with_name("redaction_rules.yml")

# A confirm check gets the match and says which part of it to hide, (start, end), or None to
# keep it all: most hide all of it or nothing; a card number may be part of a longer digit run.
Span = tuple[int, int] | None


# How many characters after a match `not_before` reads: a constant, so a check is O(1).
_AFTER = 4


class Found:
    """One match of a rule, without the character before it that the pattern's group `b`
    took (the look-behind RE2 has not): `group(0)`, `start()` and `end()` are the match
    proper; named groups are read as from the pattern."""

    __slots__ = ("_match", "_start", "_groups", "string")

    def __init__(self, match: Match, boundary: int | None, groups: dict[str, int]) -> None:
        self._match = match
        self._groups = groups  # name -> number: RE2's match would look each name up anew
        self.string: str = match.string
        self._start: int = match.end(boundary) if boundary is not None and match.start(boundary) >= 0 else match.start()

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return int(self._match.end())

    def group(self, name: int | str = 0) -> str | None:
        if name == 0:
            return self.string[self._start : self.end()]
        found: str | None = self._match.group(self._groups[name] if isinstance(name, str) else name)
        return found

    def text(self) -> str:
        """The match proper (`group(0)`, never None)."""
        return self.string[self._start : self.end()]


@dataclass(frozen=True)
class Rule:
    """One row of redaction_rules.yml."""

    name: str
    regex: Pattern
    keywords: tuple[str, ...] = ()  # lower case; empty: always tried
    confirm: Callable[[Found], Span] | None = None
    # What may not come right after a match (the table's `not_before`), matched at the start of
    # the next _AFTER characters; None: anything may.
    not_before: Pattern | None = None
    boundary: int | None = None  # the number of the pattern's group `b`, if it has one
    keeps: bool = False  # the pattern has a group `keep`
    # The pattern's named groups, by number.
    groups: dict[str, int] = field(default_factory=dict, hash=False, compare=False)
    link_like: bool = False
    gitleaks: tuple[str, ...] = ()
    # What every match needs (the table's `needs`): tried only on a text that has it.
    min_digits: int = 0
    one_of: str = ""  # characters, one of which the text must hold; "" for no such need
    long_run: bool = False

    def applies(self, lowered: str) -> bool:
        """The keyword pre-check: could this rule match `lowered` (the text in lower case)?"""
        return not self.keywords or any(word in lowered for word in self.keywords)

    def matches(self, text: str) -> list[Found]:
        """The rule's matches in `text`, those `not_before` drops left out (confirm checks not
        yet applied)."""
        found = []
        for match in self.regex.finditer(text):
            one = Found(match, self.boundary, self.groups)
            end = one.end()
            if self.not_before is not None and self.not_before.match(text[end : end + _AFTER]):
                continue
            found.append(one)
        return found


def _whole(check: Callable[[str], bool]) -> Callable[[Found], Span]:
    """A yes/no check on the matched text, as a confirm check that hides all of it or nothing."""
    return lambda match: (0, len(match.text())) if check(match.text()) else None


def _looks_random(candidate: str) -> bool:
    """True for base64-alphabet text with letters and at least two digits, about as varied as
    random text of that length and alphabet.

    Random strings reach roughly 0.85–0.9 of the largest entropy their length allows; paths
    and identifiers (`src/components/CheckoutForm2`, `test_checkout_with_an_empty_cart_2`)
    stay well below 0.8. Text in one case only (what many generators write: 32 characters of
    a-z0-9) has a smaller alphabet, so it is measured against that alphabet's largest entropy.
    """
    text = candidate.rstrip("=")
    lower, upper = any(c.islower() for c in text), any(c.isupper() for c in text)
    if sum(c.isdigit() for c in text) < (1 if lower and upper else 2) or not (lower or upper):
        return False
    counts = collections.Counter(text)
    n = len(text)
    entropy = -sum(c / n * math.log2(c / n) for c in counts.values())
    alphabet = 6.0 if lower and upper else math.log2(36)
    return entropy >= 0.82 * min(math.log2(n), alphabet)


def _phone_length(candidate: str) -> bool:
    """Between 7 and 15 digits: what a phone number has (E.164 allows at most 15)."""
    return 7 <= sum(ch.isdigit() for ch in candidate) <= 15


# Words that say a number is a company's tax number or an order's, not a phone number
# (NIP 526-104-08-28, USt-IdNr., ІПН, order 100-200-300), looked for just before it.
_NUMBER_NAMES = compile_linear(
    r"(?:^|[^\pL])(?:nip|vat|vat-id|vat id|ust-id|ust-idnr|ust\.-idnr|steuernummer|steuer-nr|regon|krs|tax id"
    r"|инн|іпн|єдрпоу|edrpou|order|zamówienie|zamówienia|zamówieniu|bestellung|bestellnummer"
    r"|заказ|заказа|замовлення|invoice|faktura|faktury|rechnung)"
    r"[^\pL]*$",
    ignore_case=True,
)
_NAME_CONTEXT = 24  # characters before a number where a word naming it is looked for


def _phone(match: Found) -> Span:
    """A phone number's length, unless a word just before it names it as a tax or order number."""
    candidate = match.text()
    if not _phone_length(candidate):
        return None
    before = match.string[max(match.start() - _NAME_CONTEXT, 0) : match.start()]
    if (match.group("keep") is None) and _NUMBER_NAMES.search(before):
        return None
    return 0, len(candidate)


# Ordinary words that end in a secret word: a name made of them is no secret's name.
_NOT_SECRET_NAMES = ("bypass", "compass", "surpass", "trespass", "overpass", "underpass", "encompass", "impass")
_SECRET_WORD: Pattern  # set once the table is read (its `secret_words`), below
# A value after `name:` must look like a secret: one of these characters, or quoted.
_SECRET_SIGNS = frozenset("0123456789!@#$%^&*+=/\\~_|<>?[]")


def _secret_name(name: str) -> bool:
    """True when `name` (DB_PASSWORD, client_secret, api_key, MYSQLPASS) names a secret: a
    secret word (plural allowed, digits after it) ends it or one of its parts between `_`,
    `.` and `-`; an ordinary word that ends so ("bypass") does not count, and one that runs on
    ("tokenizer", "secretary") never matches."""
    lowered = name.lower()
    for word in _NOT_SECRET_NAMES:
        lowered = lowered.replace(word, "_")
    return _SECRET_WORD.search(lowered) is not None


def _trim_brackets(value: str) -> int:
    """How much of `value` to hide: closing brackets at its end close the sentence's own."""
    kept = value.rstrip(")]")
    return len(kept) if kept else min(len(value), 1)


def _secret_value(match: Found) -> Span:
    """`name=value` / `name: value` when the name names a secret; with a colon the value
    must look like one; after the bare word `pass` and a colon it must have a letter ("tests
    pass: 12/12"). Closing brackets after the value stay."""
    key = match.group("key") or ""
    if not _secret_name(key):
        return None
    whole = match.text()
    colon, equals = match.group("colon"), match.group("eq")
    value = colon if colon is not None else equals
    if value is None:  # quoted: hidden whole
        return 0, len(whole)
    if colon is not None:
        if not any(ch in _SECRET_SIGNS for ch in colon[:200]):
            return None
        if key.lower() == "pass" and not any(c.isalpha() for c in colon):
            return None
    return 0, len(whole) - len(value) + _trim_brackets(value)


def _authorization_value(match: Found) -> Span:
    """Without a scheme (Basic, Bearer, ...) the value must have a digit."""
    whole = match.text()
    keep = match.group("keep") or ""
    if match.group("scheme") is None and not any(ch.isdigit() for ch in whole[len(keep) : len(keep) + 200]):
        return None
    return 0, len(whole)


def _sentence_secret(match: Found) -> Span:
    """A password's value must look like one: quoted, or 4 characters or more with a digit or
    a symbol; right after the words about it, with no word saying "is" ("password hunter2"),
    letters and digits both and 6 characters or more, so a product's name is not taken for
    one. The sentence's own punctuation after it stays."""
    whole = match.text()
    value = match.group("value") or ""
    if value[:1] in "\"'«„":
        return 0, len(whole)
    bare = value.rstrip(".,)]")
    if len(bare) < 4 or not any(ch in _SECRET_SIGNS for ch in bare):
        return None
    if match.group("direct") is not None and (
        len(bare) < 6 or not any(ch.isalpha() for ch in bare) or not any(ch.isdigit() for ch in bare)
    ):
        return None
    return 0, len(whole) - len(value) + len(bare)


def _basic_credentials(match: Found) -> Span:
    """`Basic <base64>` that decodes to `user:password`."""
    encoded = match.text()[len(match.group("keep") or "") :]
    try:
        decoded = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    if ":" in decoded and decoded.isprintable():
        return 0, len(match.text())
    return None


_PRIVATE_V4 = tuple(
    ipaddress.ip_network(net)
    for net in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "169.254.0.0/16")
)


# A four-part number in 10/8 or 127/8 may well be a version (Windows' 10.0.19041.1 is not an
# address, 10.0.0.1 may be either): it stays when the words around it call it a version.
_VERSION_WORDS = compile_linear(
    r"(?:^|[^\pL])(?:version|versions|release|wersja|wersji|wersję"
    r"|версия|версии|версію|версія|версії|релиз|реліз)(?:[^\pL]|$)",
    ignore_case=True,
)
_VERSION_CONTEXT = 40  # characters either side; a constant, so the look is O(1) per match


def _private_ipv4(match: Found) -> Span:
    candidate = match.text()
    try:
        address = ipaddress.IPv4Address(candidate.split(":", 1)[0])
    except ValueError:
        return None
    if not any(address in net for net in _PRIVATE_V4):
        return None
    if address.packed[0] in (10, 127) and ":" not in candidate:
        text = match.string
        around = (
            text[max(match.start() - _VERSION_CONTEXT, 0) : match.start()]
            + " "
            + text[match.end() : match.end() + _VERSION_CONTEXT]
        )
        if _VERSION_WORDS.search(around):
            return None
    return 0, len(candidate)


def _ipv6(candidate: str) -> bool:
    """A valid IPv6 address (brackets, port and zone aside) with at least one digit."""
    text = candidate
    if text.startswith("["):
        text = text[1:].split("]", 1)[0]
    text = text.split("%", 1)[0]
    if not any(c.isdigit() for c in text):
        return False
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return True


# The last part of `name.ext:line` when it is a file, not a host.
_FILE_EXTENSIONS = frozenset(
    "py pyi js mjs cjs ts tsx jsx vue svelte rb go rs java kt kts scala c h cc cpp hpp cs fs php html htm "
    "css scss sass less md rst txt yml yaml json toml ini cfg conf xml sql sh bash zsh ps1 swift m mm dart "
    "ex exs erl hs ml lua pl pm r jl tf lock log csv tsv env properties gradle twig erb haml j2 tpl".split()
)


def _not_a_file_line(candidate: str) -> bool:
    host = candidate.split(":", 1)[0]
    return host.rsplit(".", 1)[-1].lower() not in _FILE_EXTENSIONS if "." in host else True


def _path(match: Found) -> Span:
    """A path without the sentence punctuation after it ("in /home/anna/x.")."""
    path, _rest = _split_link(match.text())
    return (0, len(path)) if path else None


# Country -> IBAN length (ISO 13616 registry, the countries clients and their suppliers are in).
_IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
    "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29,
    "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28,
    "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20,
    "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19,
    "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29,
    "RO": 24, "RS": 22, "SA": 24, "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28,
    "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}


def _iban_checksum_ok(compact: str) -> bool:
    """ISO 7064 mod 97-10: the country and check digits moved to the end, letters as 10..35."""
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1


# Countries whose IBAN is all digits after the country code: written without the code (the
# Polish NRB is what banks print), the number is still the check digits and the account.
_DIGIT_IBAN_COUNTRIES = (
    "PL", "DE", "UA", "AT", "CH", "CZ", "SK", "ES", "PT", "BE", "DK", "FI", "NO", "SE", "HU", "SI", "EE", "LT",
    "HR", "RS",
)  # fmt: skip


def _iban(match: Found) -> Span:
    """An IBAN (its country's length, mod 97) at the start of the match, or one written without
    its country code (the digits of a country whose IBAN is all digits: the Polish NRB, a German
    or Ukrainian account). Spaced groups are hidden whole; a group after the number ("... 2874
    PLN") stays."""
    found = match.text()
    positions = [i for i, ch in enumerate(found) if ch != " "]  # where each compact character is
    compact = "".join(found[i] for i in positions)
    if compact[:2].isdigit():
        for country in _DIGIT_IBAN_COUNTRIES:
            if len(compact) + 2 == _IBAN_LENGTHS[country] and _iban_checksum_ok(country + compact):
                return 0, len(found)
        return None
    length = _IBAN_LENGTHS.get(compact[:2])
    lengths = [length] if length else range(min(len(compact), 34), 14, -1)
    for n in lengths:
        if n <= len(compact) and compact[n - 1 : n + 1].isalnum() and _iban_checksum_ok(compact[:n]):
            end = positions[n - 1] + 1
            if end == len(found) or found[end] == " ":  # ends where a group ends
                return 0, end
    return None


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


_CARD_GROUP = compile_linear(r"\d+")

# Test card numbers that payment providers publish (Stripe's 4242 4242 4242 4242, the
# processors' 4111 1111 1111 1111, ...): no one's card, and "tested with card 4242..." is a
# fair thing to tell a client. They stay.
_PUBLIC_TEST_CARDS = frozenset({
    "4242424242424242", "4000056655665556", "4111111111111111", "4012888888881881", "4000000000000002",
    "4000002500003155", "4000000000009995", "4000000000000077", "5555555555554444", "2223003122003222",
    "5200828282828210", "5105105105105100", "378282246310005", "371449635398431", "6011111111111117",
    "6011000990139424", "3056930009020004", "36227206271667", "6555900000604105", "3566002020360505",
    "6200000000000005",
})  # fmt: skip


def _ean13(digits: str) -> bool:
    """A valid EAN-13 (a product's barcode): weights 1 and 3, the last digit the check."""
    if len(digits) != 13:
        return False
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits[:12]))
    return (10 - total % 10) % 10 == int(digits[12])


def _card(match: Found) -> Span:
    """The longest run of digit groups in the match laid out as a card number is written (one
    group, 4-4-4-4..., 4-6-5 or 4-6-4) with 13–19 digits, a card network's first digit (2–6)
    and a valid Luhn check digit; the providers' public test numbers stay."""
    found = match.text()
    groups = [(g.start(), g.end()) for g in _CARD_GROUP.finditer(found)]
    best: Span = None
    for i in range(len(groups)):
        for j in range(i, len(groups)):
            sizes = [end - start for start, end in groups[i : j + 1]]
            digits = "".join(found[start:end] for start, end in groups[i : j + 1])
            if not 13 <= len(digits) <= 19 or digits[0] not in "23456":
                continue
            layout = (
                len(sizes) == 1
                or (all(size == 4 for size in sizes[:-1]) and 1 <= sizes[-1] <= 4)
                or sizes in ([4, 6, 5], [4, 6, 4])
            )
            span = (groups[i][0], groups[j][1])
            card = layout and _luhn_ok(digits) and digits not in _PUBLIC_TEST_CARDS and not _ean13(digits)
            if card and (best is None or span[1] - span[0] > best[1] - best[0]):
                best = span
    return best


_PESEL_WEIGHTS = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)


def _pesel(candidate: str) -> bool:
    """11 digits: a birth date (the month carries the century: +80 1800s, +20 2000s, ...) and
    the weighted check digit."""
    digits = [int(ch) for ch in candidate]
    if (10 - sum(w * d for w, d in zip(_PESEL_WEIGHTS, digits[:10], strict=True)) % 10) % 10 != digits[10]:
        return False
    year, month, day = digits[0] * 10 + digits[1], digits[2] * 10 + digits[3], digits[4] * 10 + digits[5]
    century = {0: 1900, 1: 1900, 2: 2000, 3: 2000, 4: 2100, 5: 2100, 6: 2200, 7: 2200, 8: 1800, 9: 1800}[month // 10]
    try:
        dt.date(century + year, month - (month // 20) * 20, day)
    except ValueError:
        return False
    return True


CONFIRM: dict[str, Callable[[Found], Span]] = {
    "random": _whole(_looks_random),
    "phone": _phone,
    "secret_value": _secret_value,
    "authorization_value": _authorization_value,
    "sentence_secret": _sentence_secret,
    "basic_credentials": _basic_credentials,
    "private_ipv4": _private_ipv4,
    "ipv6": _whole(_ipv6),
    "not_a_file_line": _whole(_not_a_file_line),
    "path": _path,
    "iban": _iban,
    "card": _card,
    "pesel": _whole(_pesel),
}

_FLAGS = ("ignore_case", "dotall")


class _Needs(TypedDict):
    min_digits: int
    one_of: str
    long_run: bool


def _needs(name: str, needs: object, path: Path) -> _Needs:
    if not isinstance(needs, dict) or set(needs) - {"min_digits", "one_of", "long_run"}:
        raise ValueError(f"{path.name}: rule {name!r}: needs: a mapping of min_digits, one_of, long_run")
    return {
        "min_digits": int(needs.get("min_digits", 0)),
        "one_of": "".join(str(ch) for ch in needs.get("one_of", [])),
        "long_run": bool(needs.get("long_run", False)),
    }


def load_rules(path: Path = RULES_FILE) -> tuple[Rule, ...]:
    """The table in `path`, compiled for RE2. A mistake in it (a pattern RE2 cannot run, an
    unknown confirm check or flag, a name used twice) raises ValueError naming the rule."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    words = data["secret_words"]
    rules: list[Rule] = []
    for row in data["rules"]:
        name = row["name"]
        source = row["regex"] if isinstance(row["regex"], str) else "".join(row["regex"])
        flags = row.get("flags", [])
        try:
            unknown = [flag for flag in flags if flag not in _FLAGS]
            if unknown:
                raise KeyError(f"unknown flag {unknown[0]!r}")
            regex = compile_linear(
                source.replace("<<secret_words>>", words), ignore_case="ignore_case" in flags, dotall="dotall" in flags
            )
            not_before = (
                compile_linear(row["not_before"], ignore_case="ignore_case" in flags) if "not_before" in row else None
            )
            confirm = CONFIRM[row["confirm"]] if "confirm" in row else None
        except (PatternError, KeyError) as err:
            raise ValueError(f"{path.name}: rule {name!r}: {err}") from err
        if any(rule.name == name for rule in rules):
            raise ValueError(f"{path.name}: rule {name!r} appears twice")
        rules.append(
            Rule(
                name=name,
                regex=regex,
                keywords=tuple(str(word).lower() for word in row.get("keywords", [])),
                confirm=confirm,
                not_before=not_before,
                boundary=regex.groupindex.get("b"),
                keeps="keep" in regex.groupindex,
                groups=dict(regex.groupindex),
                link_like=bool(row.get("link_like", False)),
                gitleaks=tuple(row.get("gitleaks", [])),
                **_needs(name, row.get("needs", {}), path),
            )
        )
    return tuple(rules)


def _secret_words(path: Path = RULES_FILE) -> Pattern:
    """The table's secret words, found at the end of a name's part (`mysqlpass`, `db_password`)."""
    words = yaml.safe_load(path.read_text(encoding="utf-8"))["secret_words"]
    return compile_linear(f"(?:{words})s?[0-9]*(?:[_.\\-]|$)", ignore_case=True)


_SECRET_WORD = _secret_words()
RULES: tuple[Rule, ...] = load_rules()


def rule_named(name: str) -> Rule:
    """The rule called `name` (KeyError when there is none)."""
    for rule in RULES:
        if rule.name == name:
            return rule
    raise KeyError(name)


_TRAILING_PUNCTUATION = ".,;:!?"


def _normalise_host(entry: str) -> str:
    entry = entry.strip().lower()
    if "://" in entry:
        entry = urlsplit(entry).hostname or ""
    return entry.removeprefix("*.").strip(".")


def host_allowed(host: str, allowed_hosts: Collection[str]) -> bool:
    """True when `host` is one of `allowed_hosts` or a subdomain of one (case-insensitive)."""
    host = host.lower().strip(".")
    if not host:
        return False
    for entry in allowed_hosts:
        allowed = _normalise_host(entry)
        if allowed and (host == allowed or host.endswith("." + allowed)):
            return True
    return False


def _split_link(found: str) -> tuple[str, str]:
    """The link itself and the sentence punctuation that followed it ("see https://x.example.")."""
    link = found
    while link:
        last = link[-1]
        if last in _TRAILING_PUNCTUATION:
            link = link[:-1]
        elif last == ")" and link.count("(") < link.count(")"):
            link = link[:-1]
        elif last == "]" and link.count("[") < link.count("]"):
            link = link[:-1]
        else:
            break
    return link, found[len(link):]


def _link_allowed(link: str, allowed_hosts: Collection[str]) -> bool:
    if not allowed_hosts:
        return False
    try:
        parts = urlsplit(link if "://" in link else "http://" + link)
        host = parts.hostname or ""
    except ValueError:  # e.g. a malformed [IPv6] host: not something to show
        return False
    if "@" in parts.netloc:  # user:password@host - credentials, whatever the host
        return False
    return host_allowed(host, allowed_hosts)


def _cuts_placeholder(text: str, at: int) -> bool:
    """True when position `at` of `text` falls inside a PLACEHOLDER (not at its edges): a
    match that would hide from or up to there reads the placeholder's bracket as part of a
    secret ("password: [hidden]" would become "[hidden]]"). Reads a constant number of
    characters around `at`."""
    size = len(PLACEHOLDER)
    window_start = max(at - size + 1, 0)
    found = text.find(PLACEHOLDER, window_start, at + size - 1)
    while found >= 0:
        if found < at < found + size:
            return True
        found = text.find(PLACEHOLDER, found + 1, at + size - 1)
    return False


def _replacer(rule: Rule, allowed_hosts: Collection[str]) -> Callable[[Found], str]:
    """The replacement for `rule`'s matches.

    A pattern may name a part to keep, `(?P<keep>...)`: the word that says what follows
    ("Bearer", "tel.") is no secret, and keeping it leaves the sentence readable.
    """

    def replace(match: Found) -> str:
        found = match.text()
        span = rule.confirm(match) if rule.confirm is not None else (0, len(found))
        if span is None:
            return found
        start, end = span
        start = max(start, len(match.group("keep") or "") if rule.keeps else 0)
        offset = match.start()
        if _cuts_placeholder(match.string, offset + start) or _cuts_placeholder(match.string, offset + end):
            return found  # what it would hide is (part of) a placeholder: hidden already
        hidden = found[start:end]
        if rule.link_like:
            link, rest = _split_link(hidden)
            if _link_allowed(link, allowed_hosts):
                return found
            return found[:start] + PLACEHOLDER + rest + found[end:]
        return found[:start] + PLACEHOLDER + found[end:]

    return replace


_REPEATED = compile_linear(r"(?:\[hidden\]\s*){2,}")


def apply_rule(rule: Rule, text: str, allowed_hosts: Collection[str] = ()) -> str:
    """`text` with what `rule` finds replaced (one pass over it)."""
    replace = _replacer(rule, allowed_hosts)
    pieces: list[str] = []
    done = 0
    for match in rule.matches(text):
        pieces.append(text[done : match.start()])
        pieces.append(replace(match))
        done = match.end()
    if not pieces:
        return text
    pieces.append(text[done:])
    return "".join(pieces)


# --- the pre-check: which rules could change a text ---------------------------------------------
#
# Trying each rule's keywords one by one cost more than the rules' regexes on a short subject,
# and most texts hold nothing to hide. `candidate_rules` finds the rules worth trying with far
# fewer tests: a keyword holding one of a few characters (":", "@", "_", ".", "-", "/", "\\") is
# looked for only when the text has that character, so an ordinary sentence costs a handful of
# substring tests; then each rule's `needs` (digits, a character, a long run of the base64
# alphabet; all counted with linear scans) must be met. A rule left out could not change the
# text: its keywords are not there, or its regex needs something that is not.
#
# Redacting a text only ever replaces a part of it with PLACEHOLDER, whose characters no
# keyword holds, which has no digit, no ":" or "=" and which no such run can cross: a rule
# left out at the start stays out of reach, so the pre-check runs once per text (after a change
# the remaining candidates are checked against the changed text with `Rule.applies`, as before).

def _digits(text: str) -> int:
    """How many ASCII digits `text` holds (what `\\d` matches in RE2)."""
    return sum(text.count(digit) for digit in "0123456789")


_LONG_RUN = compile_linear(r"[A-Za-z0-9+/_\-]{32}")
_ANCHORS = ":@_./\\-"
_ALWAYS = frozenset(i for i, rule in enumerate(RULES) if not rule.keywords)


def _keyword_groups() -> tuple[tuple[str, tuple[tuple[str, frozenset[int]], ...]], ...]:
    """(anchor character or "", ((keyword, rules it lets in), ...)), ...: keywords by the first
    anchor character they hold ("" for those with none, always looked for)."""
    words = sorted({word for rule in RULES for word in rule.keywords})
    groups: dict[str, list[tuple[str, frozenset[int]]]] = {}
    for word in words:
        anchor = next((ch for ch in _ANCHORS if ch in word), "")
        rules = frozenset(i for i, rule in enumerate(RULES) if word in rule.keywords)
        groups.setdefault(anchor, []).append((word, rules))
    return tuple((anchor, tuple(entries)) for anchor, entries in sorted(groups.items()))


_KEYWORD_GROUPS = _keyword_groups()
# A keyword found only after a change would overlap the inserted PLACEHOLDER: it would hold
# one of its brackets or lie inside it. The table must have no such keyword, and no need the
# placeholder could meet.
if (
    any(PLACEHOLDER[0] in w or PLACEHOLDER[-1] in w or w in PLACEHOLDER.lower() for r in RULES for w in r.keywords)
    or any(ch in PLACEHOLDER for rule in RULES for ch in rule.one_of)
    or _LONG_RUN.search(PLACEHOLDER)
    or _digits(PLACEHOLDER)
):
    raise ValueError(f"{RULES_FILE.name}: a keyword or need could be met by inserting {PLACEHOLDER!r}")


def candidate_rules(text: str) -> frozenset[int]:
    """The positions in RULES of the rules that could change `text`: those `Rule.applies`
    lets in (the text holds one of their keywords, or they have none) whose `needs` the text
    meets. A rule left out cannot change the text."""
    lowered = text.lower()
    found = set(_ALWAYS)
    for anchor, entries in _KEYWORD_GROUPS:
        if anchor and anchor not in lowered:
            continue
        for word, rules in entries:
            if word in lowered:
                found |= rules
    digits: int | None = None
    long_run: bool | None = None
    for index in list(found):
        rule = RULES[index]
        if rule.min_digits:
            if digits is None:
                digits = _digits(text)
            if digits < rule.min_digits:
                found.discard(index)
                continue
        if rule.one_of and not any(ch in text for ch in rule.one_of):
            found.discard(index)
            continue
        if rule.long_run:
            if long_run is None:
                long_run = len(text) >= 32 and _LONG_RUN.search(text) is not None
            if not long_run:
                found.discard(index)
    return frozenset(found)


def _visible_length(text: str, placeholder: str) -> int:
    """How long `text` is without its placeholders (what redaction cannot make longer)."""
    hidden = text.count(PLACEHOLDER) * len(PLACEHOLDER)
    if placeholder != PLACEHOLDER:
        hidden += text.count(placeholder) * len(placeholder)
    return len(text) - hidden


def shorten(text: str, max_chars: int = MAX_CHARS, placeholder: str = PLACEHOLDER) -> str:
    """`text` cut to about `max_chars` visible characters at a word boundary, ending with
    TRUNCATED; as it is when it is not longer. The word the cut falls in goes whole."""
    if _visible_length(text, placeholder) <= max_chars:
        return text
    cut = text[: max(max_chars - len(TRUNCATED), 0)]
    if not text[len(cut)].isspace():
        cut = cut[: max(cut.rfind(" "), cut.rfind("\n"), cut.rfind("\t"), 0)]
    return cut.rstrip() + TRUNCATED


def redact(
    text: str,
    *,
    allowed_hosts: Collection[str] = (),
    placeholder: str = PLACEHOLDER,
    max_chars: int | None = MAX_CHARS,
) -> str:
    """`text` with e-mails, secrets, non-allowed links and personal data replaced by `placeholder`.

    Links whose host is in `allowed_hosts`, or a subdomain of one, are kept. A text longer
    than `max_chars` is first shortened (see `shorten`; None: never). Whitespace is collapsed to
    single spaces and runs of placeholders to one.
    """
    if max_chars is not None:
        text = shorten(text, max_chars, placeholder)
    candidates = candidate_rules(text)
    lowered = None  # the changed text in lower case, once a rule changed it
    for index, rule in enumerate(RULES):
        if index not in candidates or (lowered is not None and not rule.applies(lowered)):
            continue
        changed = apply_rule(rule, text, allowed_hosts)
        if changed != text:
            text, lowered = changed, changed.lower()
    if text.count(PLACEHOLDER) > 1:  # only then can placeholders follow each other
        text = _REPEATED.sub(PLACEHOLDER + " ", text)
    text = " ".join(text.split())
    if placeholder != PLACEHOLDER:
        text = text.replace(PLACEHOLDER, placeholder)
    return text

"""Redaction: what must never reach a client's page, however it got into a commit message.

`redact()` replaces e-mail addresses, secret-looking tokens and links to hosts that are not on
the client's allow list with a short neutral placeholder ("[hidden]"), then collapses the
whitespace. It returns plain text; escaping for HTML is the renderer's job, so characters such
as `<` and `&` pass through untouched.

The patterns are data: `PATTERNS` is an ordered table of (name, compiled regex), tried top to
bottom over the whole text. Order matters where patterns overlap: a URL is looked at before an
e-mail address (so `https://anna@git.example/x` is judged as a link), and the specific token
formats come before the generic "long random string" ones. A few entries need a check a regex
cannot express; those live in `_CONFIRM`, keyed by the same name.

Decided on purpose, so that ordinary text survives:
- Version numbers (1.2.3), dates, short hex such as a 7–12 character commit id, UUIDs and plain
  words are kept: they are not secrets and clients see them in release notes anyway.
- Hex strings of 32+ characters (MD5 length and up, which includes full 40-character commit
  ids) are hidden: that is also what most API keys and secrets look like.
- Other long strings are hidden only when they look random: 32+ characters of the base64
  alphabet with upper case, lower case and a digit, and a character entropy close to what
  random data gives. File paths and long identifiers usually fall well below it.
- `password: ...` style text with a colon is hidden only when the value looks like a secret
  (quoted, or containing a digit or symbol), so "password: require 8 characters" stays
  readable; with `=` any value is hidden.
"""

from __future__ import annotations

import collections
import math
import re
from collections.abc import Callable, Collection
from urllib.parse import urlsplit

PLACEHOLDER = "[hidden]"

_I = re.IGNORECASE

# Words that make `<word>=value` / `<word>: value` a secret assignment. The word may carry a
# prefix or suffix joined by `_`, `.` or `-` (DB_PASSWORD, client_secret, SECRET_KEY_BASE) but
# must not run on into a longer word ("tokenizer", "secretary").
_SECRET_WORDS = (
    r"password|passwd|passphrase|pwd|secret|token|api[_-]?key|apikey|access[_-]?key"
    r"|private[_-]?key|credentials?|auth[_-]?key|account[_-]?key"
    # the same words in the agency's other languages (pl, ru/uk, de)
    r"|hasło|hasła|haslo|hasla|пароль|пароля|токен|passwort|kennwort"
)
_SECRET_KEY = rf"\b(?:[\w.-]*[_.-])?(?:{_SECRET_WORDS})s?(?![a-z])[\w.-]*"

# Characters of the base64 / base64url alphabets.
_B64 = r"A-Za-z0-9+/_\-"

PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # PEM / PGP private keys, up to their END line (or the end of the text when cut off).
    (
        "private key",
        re.compile(
            r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----.*?"
            r"(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|\Z)",
            re.DOTALL,
        ),
    ),
    # Links with a scheme (https://, ftp://, ...) or starting with www. Kept when the host is
    # allowed (see `redact`); trailing sentence punctuation is not part of the link.
    ("link", re.compile(r"\b[a-z][a-z0-9+.\-]{1,15}://[^\s<>\"'`]+|\bwww\.[^\s<>\"'`]+", _I)),
    # scp-style git remotes (git@host:group/repo.git): name the server and the repository.
    ("ssh remote", re.compile(r"\b[\w.\-]+@[\w\-]+(?:\.[\w\-]+)+:(?!//)[\w./~\-]+")),
    ("e-mail address", re.compile(r"(?:\bmailto:)?(?<![\w.+%\-])[\w.+%\-]+@[\w\-]+(?:\.[\w\-]+)*\.[^\W\d_]{2,}\b")),
    (
        "AWS access key id",
        re.compile(r"\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA|ASCA)[A-Z0-9]{16}\b"),
    ),
    ("GitHub token", re.compile(r"\b(?:gh[opsur]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})")),
    ("GitLab token", re.compile(r"\bglpat-[A-Za-z0-9_\-]{20,}")),
    ("Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9\-]{10,}")),
    ("Stripe key", re.compile(r"\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}")),
    ("Google API key", re.compile(r"\bAIza[A-Za-z0-9_\-]{35}")),
    ("npm token", re.compile(r"\bnpm_[A-Za-z0-9]{36}\b")),
    ("OpenAI or Anthropic key", re.compile(r"\bsk-(?:proj-|ant-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,}")),
    ("SendGrid key", re.compile(r"\bSG\.[A-Za-z0-9_\-]{16,}\.[A-Za-z0-9_\-]{16,}")),
    ("Twilio key", re.compile(r"\b(?:SK|AC)[0-9a-f]{32}\b")),
    ("Telegram bot token", re.compile(r"\b\d{8,10}:[A-Za-z0-9_\-]{35}(?![A-Za-z0-9_\-])")),
    (
        "other service token",
        re.compile(
            r"\b(?:shp(?:at|ca|pa|ss)_[A-Fa-f0-9]{32}|pypi-[A-Za-z0-9_\-]{50,}|dckr_pat_[A-Za-z0-9_\-]{20,}"
            r"|hf_[A-Za-z0-9]{30,}|do[opr]_v1_[a-f0-9]{64}|ATATT3[A-Za-z0-9_\-=]{50,})"
        ),
    ),
    ("bearer token", re.compile(r"(?P<keep>\bBearer\s+)[A-Za-z0-9\-._~+/]{20,}=*")),
    # JSON Web Tokens: three base64url parts, the first (the header) always starts `eyJ`.
    ("JWT", re.compile(r"\beyJ[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]*")),
    (
        "secret assignment",
        re.compile(
            rf"{_SECRET_KEY}"
            # A closing bracket right before a space or the end closes the sentence's own
            # bracket ("(password=x1)"): it stays; one inside the value ("pa)ss") goes with it.
            r"(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s,;]+?(?=[)\]]*(?:[\s,;]|$)))"
            r"|\s*:\s*(?:\"[^\"]*\"|'[^']*'|(?=[^\s,;]*[\d!@#$%^&*+=/\\~_|<>?\[\]])[^\s,;]+?(?=[)\]]*(?:[\s,;]|$))))",
            _I,
        ),
    ),
    ("long hex string", re.compile(r"\b[0-9a-f]{32,}\b", _I)),
    # Hosts of the team's own network, written without https:// (judged like links, so an
    # allowed host stays): localhost, private IP addresses with a port or a path, and names
    # under the usual internal top-level domains.
    (
        "internal host",
        re.compile(
            r"(?<![\w.@/-])(?:localhost(?::\d{2,5})?"
            r"|(?:10|127)(?:\.\d{1,3}){3}(?=[:/])|192\.168(?:\.\d{1,3}){2}(?=[:/])"
            r"|172\.(?:1[6-9]|2\d|3[01])(?:\.\d{1,3}){2}(?=[:/])"
            r"|(?:[a-z0-9-]+\.)+(?:internal|local|lan|corp|intranet|intra|home\.arpa)(?![\w-]))"
            r"(?::\d{2,5})?(?:/[^\s<>\"'`]*)?",
            _I,
        ),
    ),
    # Phone numbers: a commit text is no place for anyone's number (the contacts the client
    # may call are in client.yml and on the page). International (+48 600 100 200,
    # 0049 30 1234567), with the area code in brackets ((030) 123 45 67, 8 (800) 555-35-35),
    # grouped as Polish, Russian, Ukrainian and German numbers are written (600-100-200,
    # 044 123 45 67), or after a word that says so (tel. 22 123 45 67, Handy: 0171 1234567).
    # Dates, versions, times, amounts and card-style 4-digit groups do not match.
    (
        "phone number",
        re.compile(
            r"(?<![\w+])(?:\+|00)[1-9]\d{0,2}(?:[ .\-/]?\(?\d{1,5}\)?){2,6}(?![\w])"
            r"|(?<![\w(])(?:[78][ ]?)?\(\d{2,5}\)[ ]?\d{2,4}(?:[ \-]?\d{2,4}){1,3}(?!\w)"
            r"|(?<![\w.,+\-])\d{3}[ \-]\d{3}[ \-]\d{3}(?![\w.,\-]\d|\w)"
            r"|(?<![\w.,+\-])0?\d{2,3}[ \-]\d{3}[ \-]\d{2}[ \-]\d{2}(?![\w.,\-]\d|\w)"
            r"|(?<![\w.,+\-])\d{3}-\d{2}-\d{2}(?![\w.,\-]\d|\w)"
            # the word before the number stays: "tel. [hidden]"
            r"|(?P<keep>\b(?:tel|phone|mobile|telefon|tel\.|kom\.|komórka|тел\.|телефон|handy|mobil)\s*:?\s*)"
            r"\+?[\d(][\d ()./\-]{5,}\d",
            _I,
        ),
    ),
    (
        "random-looking string",
        re.compile(
            rf"(?<![{_B64}=])"
            rf"(?=[{_B64}]*\d)(?=[{_B64}]*[a-z])(?=[{_B64}]*[A-Z])"
            rf"[{_B64}]{{32,}}={{0,2}}(?![{_B64}=])"
        ),
    ),
)


def _looks_random(candidate: str) -> bool:
    """True when the characters are about as varied as random base64 of that length.

    Random strings reach roughly 0.85–0.9 of the largest entropy their length allows; paths
    and identifiers (`src/components/CheckoutForm2`) stay well below 0.8.
    """
    text = candidate.rstrip("=")
    counts = collections.Counter(text)
    n = len(text)
    entropy = -sum(c / n * math.log2(c / n) for c in counts.values())
    return entropy >= 0.82 * min(math.log2(n), 6.0)


def _phone_length(candidate: str) -> bool:
    """Between 7 and 15 digits: what a phone number has (E.164 allows at most 15)."""
    return 7 <= sum(ch.isdigit() for ch in candidate) <= 15


_CONFIRM: dict[str, Callable[[str], bool]] = {"random-looking string": _looks_random, "phone number": _phone_length}
# Patterns whose matches are judged like links: kept when the host is on the allow list.
_LINK_LIKE = ("link", "internal host")

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


def _hide(match: re.Match[str], confirm: Callable[[str], bool] | None) -> str:
    """The placeholder for a match (after its `_CONFIRM` check, if any).

    A pattern may name a part to keep, `(?P<keep>...)`: the word that says what follows
    ("Bearer", "tel.") is no secret, and keeping it leaves the sentence readable.
    """
    if confirm is not None and not confirm(match.group(0)):
        return match.group(0)
    return (match.groupdict().get("keep") or "") + PLACEHOLDER


_REPEATED = re.compile(r"(?:\[hidden\]\s*){2,}")


def redact(text: str, *, allowed_hosts: Collection[str] = (), placeholder: str = PLACEHOLDER) -> str:
    """`text` with e-mails, secrets and non-allowed links replaced by `placeholder`.

    Links whose host is in `allowed_hosts`, or a subdomain of one, are kept. Whitespace is
    collapsed to single spaces and runs of placeholders to one.
    """
    for name, pattern in PATTERNS:
        confirm = _CONFIRM.get(name)
        if name in _LINK_LIKE:

            def replace_link(match: re.Match[str]) -> str:
                link, rest = _split_link(match.group(0))
                return (link if _link_allowed(link, allowed_hosts) else PLACEHOLDER) + rest

            text = pattern.sub(replace_link, text)
        else:
            text = pattern.sub(lambda m, ok=confirm: _hide(m, ok), text)
    text = _REPEATED.sub(PLACEHOLDER + " ", text)
    text = " ".join(text.split())
    if placeholder != PLACEHOLDER:
        text = text.replace(PLACEHOLDER, placeholder)
    return text

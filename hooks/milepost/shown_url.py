"""A URL as Milepost prints it: never with a credential in it.

A repository's or a server's URL may carry a secret: a user name and password
(`https://user:pass@host/path`, `smtp://user:pass@host`), a token written where the user name
goes, a token in the query (`?private_token=...`), or the user part of git's short form
(`user:pass@host:path`). Build logs are read by many (a CI log by everyone with access to the
repository), so every message that names a URL shows it through `masked_url`, and every text
that may quote one (git's own messages, a whole log line) through `mask_urls`.

Masked means: no user part at all (as git's short form `host:path` and `scheme://host/path`
show it), every query value `***`, no fragment. The host and path stay, so the message still
says which repository is meant.

Top level, like `errors.py`: every stage that prints a URL uses it (load's checks, history's
mirrors and git runner, the command line).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

MASK = "***"

# `scheme://userinfo@rest`: the user part is everything up to the last "@" before the path.
# The user part holds no `[` or `]` (RFC 3986): "smtp://[user[:password]@]host" in a help
# text is a pattern to follow, not a URL with a user, and is shown as written.
_WITH_SCHEME = re.compile(r"(?i)^([a-z][a-z0-9+.-]*://)([^/?#\[\]]*@)?([^?#]*)(\?[^#]*)?(#.*)?$", re.S)
# git's short form `[user[:password]@]host:path` (no scheme).
_SHORT_FORM = re.compile(r"^(?:[^@/\s]*@)([^@/:\s]+:[^\s]*)$")
# A URL or a short form with a user part inside a longer text: up to the next space or quote.
# The short form is tried only where a word starts, so a long word is read once.
_IN_TEXT = re.compile(
    r"""(?i)\b[a-z][a-z0-9+.-]*://[^\s'"<>`]+"""
    r"""|(?<![^\s'"<>`(\[,])[^\s'"<>`@/:=(\[,]+(?::[^\s'"<>`@/]*)?@[^\s'"<>`@/:]+:[^\s'"<>`]+"""
)
_QUERY_VALUE = re.compile(r"=[^&;]*")
_USER_AND_PASSWORD = re.compile(r"[^@/\s]*:[^@/\s]*@")

# Query parameters that carry a credential in a link ("?token=...", "&X-Amz-Signature=...").
_CREDENTIAL_PARAMETER = re.compile(
    r"(?:^|[_.-])(?:token|access[_-]?token|api[_-]?key|key|secret|password|passwd|pwd|auth|sig|signature|"
    r"x-amz-signature|x-amz-credential|credential)$",
    re.IGNORECASE,
)


def credential_parameter(query: str) -> str | None:
    """The name of the first parameter of a URL's query that carries a credential, if any."""
    names = [name for name, _ in parse_qsl(query, keep_blank_values=True)]
    return next((name for name in names if _CREDENTIAL_PARAMETER.search(name)), None)


def masked_url(url: str) -> str:
    """`url` fit for a message or a log: no user name or password, no query value."""
    text = str(url).strip()
    match = _WITH_SCHEME.match(text)
    if match:
        scheme, _user, rest, query, _fragment = match.groups()
        shown = f"{scheme}{rest}"
        if query:
            shown += _QUERY_VALUE.sub("=" + MASK, query)
        return shown
    short = _SHORT_FORM.match(text)
    if short:
        return short[1]
    if _USER_AND_PASSWORD.match(text):
        # Not a URL git would read, but it starts with `user:password@`: keep what follows.
        return text.rsplit("@", 1)[-1] or MASK
    return text  # a path on this machine, or no URL at all


def mask_urls(text: str) -> str:
    """`text` with every URL in it masked (`masked_url`)."""
    return _IN_TEXT.sub(lambda found: masked_url(found[0]), str(text))

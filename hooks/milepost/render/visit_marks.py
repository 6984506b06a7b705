"""What a returning client sees marked: "New since your last visit".

Each fact a client may want to notice on coming back (a milestone's dates moved or it was
finished, the project's finish moved (its promise, or its forecast by a third of a month), a
part done, a new item waiting on them, a finished part to see, an agreement recorded, an
answer to a change request) carries a stable key in its markup, `data-milepost-change`: a
digest of what it says, so the key changes exactly when the fact does. The site's script
(`assets/milepost-visit.js`) compares a page's keys with those it stored on the last visit to
the same page, in the browser only (localStorage), marks the new ones and stores the current
set. Nothing is sent anywhere; nothing is marked on a first visit or without JavaScript.

The keys hold no text of the page: a digest of its own format (not a cache key's, whose new
format would mark every fact of every page as new once).
"""

from __future__ import annotations

import hashlib
import json
from enum import StrEnum

KEY_FORMAT = "milepost-visit-1"  # changed only when every page's marks should start again
_DIGEST_CHARS = 16  # 64 bits: enough to tell a page's facts apart
# The digest in letters a-p, not hex: a key never looks like a number or a date in the page.
_LETTERS = str.maketrans("0123456789abcdef", "abcdefghijklmnop")


class ChangeKind(StrEnum):
    """What a marked fact is (the key's prefix)."""

    MILESTONE = "milestone"  # its dates: promised, moved, finished
    DONE = "done"  # a part (task) of a milestone finished
    PROJECT = "project"  # a project's card: its state, parts done and next milestone's date
    # A project's finish (card and page top): its promise and, when later, the forecast's
    # thirds of a month. Added after the others: the script marks it only where a visit
    # stored one before (assets/milepost-visit.js), so that no page marks it once for nothing.
    FINISH = "finish"
    WAITING = "waiting"  # an item the team needs from the client
    DELIVERED = "delivered"  # a finished part the client can see
    DECISION = "decision"  # an agreement on the record
    CHANGE = "change"  # a change request and its status (the client's answer)
    ANSWER = "answer"  # an answer on the record (answers.yml), where a page lists it


def change_key(kind: str, *facts: object) -> str:
    """The key of a fact: its kind and a digest of what it says (`str` of each part). An
    unknown kind is a ValueError: a template's typo fails the build, not the marks."""
    text = json.dumps([KEY_FORMAT, ChangeKind(kind).value, *(str(fact) for fact in facts)], ensure_ascii=False)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:_DIGEST_CHARS]
    return f"{kind}:{digest.translate(_LETTERS)}"

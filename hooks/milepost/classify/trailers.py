"""What a commit's trailers (and scope) say: the client's own sentence and the milestone.

`Client:` / `Client-<language>:` hold a sentence written for the client; `Milestone: <id>`, or
a Conventional Commit scope equal to a milestone id, ties a commit to a milestone.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection

from milepost.classify.note_language import written_in
from milepost.classify.subjects import parse_subject
from milepost.history.trailer_block import commit_trailer
from milepost.model import Commit


def client_text(commit: Commit, language: str) -> str | None:
    """The sentence written for the client: `Client-<language>:` if present, else `Client:`."""
    for key in (f"Client-{language}", "Client"):
        text = _trailer_text(commit, key)
        if text is not None:
            return text
    return None


def text_written_for(commit: Commit, language: str) -> str | None:
    """The sentence written for a client in `language` only (`commit_notes:
    written_for_client`): `Client-<language>:`, or a `Client:` written in that language."""
    own = _trailer_text(commit, f"Client-{language}")
    if own is not None:
        return own
    common = _trailer_text(commit, "Client")
    return common if common is not None and written_in(common, language) else None


def _trailer_text(commit: Commit, key: str) -> str | None:
    value = commit_trailer(commit, key)
    return " ".join(value.split()) if value is not None and value.strip() else None


@functools.lru_cache(maxsize=64)
def _lowered(milestone_ids: frozenset[str]) -> frozenset[str]:
    return frozenset(str(m).lower() for m in milestone_ids)


_SCOPE_PARTS = re.compile(r"[,/\s]+")


def milestone_of(
    commit: Commit, milestone_ids: Collection[str], *, may_have_trailer: bool = True
) -> tuple[str, str | None]:
    """(milestone id the commit is tied to or "", id named in a `Milestone:` trailer that is unknown).

    A `Milestone: <id>` trailer naming a known milestone wins; otherwise a Conventional Commit
    scope equal to a known milestone id ties the commit ("feat(payments): ..."). The second
    value lets the caller warn about a trailer naming no milestone of the project.
    `may_have_trailer`: False when the caller knows the body has no `Milestone:`.
    """
    known = _lowered(milestone_ids) if isinstance(milestone_ids, frozenset) else {str(m).lower() for m in milestone_ids}
    unknown = None
    named = commit_trailer(commit, "Milestone") if may_have_trailer else None
    if named is not None and named.strip():
        wanted = named.strip().lower()
        if wanted in known:
            return wanted, None
        unknown = named.strip()
    scope = parse_subject(commit.subject).scope
    if scope:
        for part in _SCOPE_PARTS.split(scope.lower()):
            if part in known:
                return part, unknown
    return "", unknown

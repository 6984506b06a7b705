"""Deciding what a client sees of each commit: hidden, counted, or listed in plain words.

The first matching rule (rules.py) decides; listed text is the cleaned subject or the client's
note (subjects.py, trailers.py), always redacted. When cleaning leaves nothing worth reading,
the commit is counted instead.

Text of hidden and counted commits is never kept (`WorkNote.text == ""`): what is not
listed cannot leak.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
from collections.abc import Collection, Iterable
from typing import Any

from milepost.classify.redaction import PLACEHOLDER, redact
from milepost.classify.rules import CommitFacts, RuleAction, RuleSet
from milepost.classify.subjects import clean_description, parse_subject, strip_ids_from_note
from milepost.classify.trailers import client_text, milestone_of, text_written_for
from milepost.collector import paused
from milepost.i18n import texts_for
from milepost.model import Commit, CommitNotes, WorkKind, WorkNote
from milepost.time_zone import client_zone

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

# `WorkNote.rule` when no rule matched (possible only with a custom rules file that has no
# catch-all): such commits are counted, never listed unvetted.
NO_RULE = "(no rule matched)"


def _local_day(moment: dt.datetime, timezone: str) -> dt.date:
    if not timezone:
        return moment.date()
    return moment.astimezone(client_zone(timezone)).date()


def _meaningful(text: str, placeholder: str) -> bool:
    """At least one real word is left once hidden parts are taken out."""
    return re.search(r"[^\W\d_]{2,}", text.replace(placeholder, " ")) is not None


@functools.lru_cache(maxsize=16)
def placeholder_for(language: str) -> str:
    """What stands where something was hidden, in the client's language."""
    # Translated through the gettext catalogs like every other word the client reads.
    return texts_for(language).gettext("[hidden]")


# --- deciding ----------------------------------------------------------------------------------


def classify(
    commit: Commit,
    rules: RuleSet,
    *,
    milestone_ids: Collection[str] = (),
    language: str = "en",
    allowed_hosts: Collection[str] = (),
    timezone: str = "",
    notes: CommitNotes = CommitNotes.ALL,
    ticket_prefixes: Collection[str] = (),
) -> WorkNote:
    """What the client sees of `commit`: hidden, counted, or listed with redacted plain text.

    The change is dated the day it was authored in the client's `timezone` (in the author's
    own when none is given): work done at 23:30 in London is the next day in Warsaw. With
    `notes=CommitNotes.WRITTEN_FOR_CLIENT` a commit the rules list is listed only with a
    sentence written for the client in its language (trailers.text_written_for), else counted.
    `ticket_prefixes`: the team's ticket prefixes for the client (see subjects.py).
    """
    day = _local_day(commit.authored, timezone)
    facts = CommitFacts(commit, language)
    rule = rules.first_match(commit, language=language, facts=facts)
    if rule is not None and rule.action == RuleAction.HIDE:
        return WorkNote(WorkKind.HIDDEN, "", day, "", commit.sha, rule.name)
    milestone, _unknown = milestone_of(commit, milestone_ids, may_have_trailer=facts.may_have_trailer("milestone"))
    if rule is None or rule.action == RuleAction.COUNT:
        return WorkNote(WorkKind.COUNTED, "", day, milestone, commit.sha, rule.name if rule else NO_RULE)
    placeholder = placeholder_for(language)
    if notes is CommitNotes.WRITTEN_FOR_CLIENT:
        note = text_written_for(commit, language)
        if note is None:
            return WorkNote(WorkKind.COUNTED, "", day, milestone, commit.sha, rule.name)
    else:
        note = client_text(commit, language) if rule.heading == WorkKind.NOTE else None
    hosts, prefixes = tuple(allowed_hosts), tuple(ticket_prefixes)
    text = (
        _note_text(note, hosts, placeholder, prefixes)
        if note is not None
        else _subject_text(commit.subject, hosts, placeholder, prefixes)
    )
    if not _readable(text, placeholder):
        log.debug("commit %s: nothing readable left of %r; counted instead", commit.sha[:7], commit.subject)
        return WorkNote(WorkKind.COUNTED, "", day, milestone, commit.sha, rule.name)
    assert rule.heading is not None  # a SHOW rule always has one (rules.py)
    return WorkNote(rule.heading, text, day, milestone, commit.sha, rule.name)


# --- the listed text, worked out once per distinct message --------------------------------------
#
# Many commits share a subject or a note ("chore(deps): bump ...", the same fix on two branches),
# and what a client reads of one depends only on that text, the allowed hosts and the language:
# each distinct text is cleaned and redacted once, and kept in a bounded memo.

MEMO_SIZE = 8192


@functools.lru_cache(maxsize=MEMO_SIZE)
def _note_text(
    note: str, allowed_hosts: tuple[str, ...], placeholder: str, ticket_prefixes: tuple[str, ...] = ()
) -> str:
    # Written for the client, so shown as written - but ticket ids are the team's, not the
    # client's, in a note as anywhere else.
    redacted = redact(note, allowed_hosts=allowed_hosts)
    stripped = strip_ids_from_note(redacted, ticket_prefixes)
    if stripped == redacted:  # redaction is idempotent: a second pass would change nothing
        return _with_placeholder(redacted, placeholder)
    return redact(stripped, allowed_hosts=allowed_hosts, placeholder=placeholder)


@functools.lru_cache(maxsize=MEMO_SIZE)
def _subject_text(
    subject: str, allowed_hosts: tuple[str, ...], placeholder: str, ticket_prefixes: tuple[str, ...] = ()
) -> str:
    # Redact before cleaning so ids inside a hidden link go with it, and again after as the last
    # word on what reaches a page when cleaning changed the text (redaction is idempotent, so
    # text that cleaning left alone is not redacted twice).
    description = redact(parse_subject(subject).description, allowed_hosts=allowed_hosts)
    cleaned = clean_description(description, ticket_prefixes)
    if cleaned == description:
        return _with_placeholder(description, placeholder)
    return redact(cleaned, allowed_hosts=allowed_hosts, placeholder=placeholder)


def _with_placeholder(redacted: str, placeholder: str) -> str:
    """What `redact(redacted, placeholder=placeholder)` gives for text `redact` already gave."""
    return redacted if placeholder == PLACEHOLDER else redacted.replace(PLACEHOLDER, placeholder)


@functools.lru_cache(maxsize=MEMO_SIZE)
def _readable(text: str, placeholder: str) -> bool:
    return _meaningful(text, placeholder)


def clear_memo() -> None:
    """Forget the texts worked out so far (the benchmark starts each run from nothing)."""
    for memo in (_note_text, _subject_text, _readable, parse_subject):
        memo.cache_clear()


def classify_all(commits: Iterable[Commit], rules: RuleSet, **kw: Any) -> list[WorkNote]:
    """`classify` for each commit, in order; hidden ones included (filter on `kind`). As a
    build classifies a history (shown_work.py): with the cycle collector paused."""
    with paused():
        return [classify(commit, rules, **kw) for commit in commits]


"""The portal's spelling, checked: every text a client reads, in the client's language.

What `milepost check` adds to the problems it finds: likely misspellings, as warnings (see
load/spelling.py for the words and dictionaries). Two kinds of text are spelled:

- the texts of projects/ a client reads (`PROJECT_TEXTS`, `CLIENT_TEXTS`), each at its file,
  line and field;
- the `Client:` notes of the last weeks' commits (what "What changed" shows), each named by
  its project file and commit. They come from the classify stage, so this module sits above
  the stages, like portal.py.

Allowed everywhere in a client's texts: the names of its people (contacts, deputies,
letters' recipients), its own name, its glossary terms (client.yml's and every project's),
and the portal's word list, `projects/words.txt`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from milepost.classify.rules import load_rules
from milepost.classify.shown_work import project_work
from milepost.errors import MilepostError
from milepost.load.project_folders import CLIENT_FILE
from milepost.load.spelling import (
    CLIENT_TEXTS,
    PROJECT_TEXTS,
    WORD_LIST,
    Allowed,
    MissingDictionary,
    Misspelling,
    Speller,
    misspelt_words,
    open_speller,
    read_word_list,
    spell_document,
)
from milepost.load.yaml_source import YamlDocument
from milepost.portal import LoadResult

# As far back as a project page's "What changed" goes (render/project_page.py's RECENT_WEEKS).
RECENT_DAYS = 6 * 7


@dataclass
class SpellingReport:
    """What the spelling check found: likely misspellings (sorted) and languages it could not
    check."""

    misspellings: list[Misspelling] = field(default_factory=list)
    missing: list[MissingDictionary] = field(default_factory=list)


def spell_portal(
    loaded: LoadResult, projects_dir: Path, *, today: dt.date, cache_dir: Path | None = None
) -> SpellingReport:
    """Spell every client's texts: its files as read, and its recent `Client:` notes (of the
    projects that loaded without a problem: the others' history is not read)."""
    report = SpellingReport()
    word_list = read_word_list(Path(projects_dir) / WORD_LIST)
    by_client: dict[str, dict[str, YamlDocument]] = {}
    for source, document in loaded.documents.items():
        if document.parsed and isinstance(document.data, dict):
            by_client.setdefault(Path(source).parent.name, {})[source] = document
    spellers: dict[str, Speller | MissingDictionary] = {}
    clients = {client.slug: client for client in loaded.clients}
    healthy = {client.slug for client in loaded.healthy.clients}
    for slug, documents in sorted(by_client.items()):
        client_data: Any = next(
            (d.data for source, d in documents.items() if Path(source).name == CLIENT_FILE), {}
        )
        language = clients[slug].language if slug in clients else _text(client_data.get("language")) or "en"
        if language not in spellers:
            opened = open_speller(language)
            spellers[language] = opened
            if isinstance(opened, MissingDictionary):
                report.missing.append(opened)
        speller = spellers[language]
        if isinstance(speller, MissingDictionary):
            continue
        allowed = Allowed.of(word_list, _names(client_data), *(_terms(d.data) for d in documents.values()))
        for source, document in sorted(documents.items()):
            patterns = CLIENT_TEXTS if Path(source).name == CLIENT_FILE else PROJECT_TEXTS
            report.misspellings.extend(spell_document(document, source, patterns, speller, allowed))
        if slug in healthy:
            report.misspellings.extend(_spell_notes(loaded, slug, documents, speller, allowed, today, cache_dir))
    report.misspellings.sort()
    return report


def _spell_notes(
    loaded: LoadResult,
    slug: str,
    documents: Mapping[str, YamlDocument],
    speller: Speller,
    allowed: Allowed,
    today: dt.date,
    cache_dir: Path | None,
) -> list[Misspelling]:
    """The misspellings of the `Client:` notes a project page shows now."""
    client = loaded.healthy.client(slug)
    try:
        rules = load_rules(client.commit_rules or None)
    except MilepostError:
        return []  # check already reports the rules
    found = []
    oldest = today - dt.timedelta(days=RECENT_DAYS)
    for project in loaded.healthy.projects_of(slug):
        if not project.repositories:
            continue
        try:
            work = project_work(client, project, rules=rules, cache_dir=cache_dir, history=loaded.history)
        except MilepostError:
            continue  # a repository that cannot be read is check's problem already
        document = documents.get(project.source)
        line = document.line_of(("repositories",)) if document is not None else 0
        for note in work:
            if note.kind != "note" or not oldest <= note.date <= today:
                continue
            for word in misspelt_words(note.text, speller.knows, allowed):
                where = f"Client: note of commit {note.sha[:7]}"
                found.append(Misspelling(project.source, line, where, word, speller.suggest(word)))
    return found


def _names(client_data: Any) -> list[str]:
    """The client's own name and its people's: contacts, their deputies, letters' recipients."""
    if not isinstance(client_data, dict):
        return []
    names = [_text(client_data.get("name"))]
    for contact in _items(client_data.get("contacts")):
        names.append(_text(contact.get("name")))
        names.extend(_text(away.get("deputy")) for away in _items(contact.get("away")))
    letters = client_data.get("letters")
    if isinstance(letters, dict):
        names.extend(_text(person.get("name")) for person in _items(letters.get("to")))
    return [name for name in names if name]


def _terms(data: Any) -> list[str]:
    """The glossary terms of a file."""
    glossary = data.get("glossary") if isinstance(data, dict) else None
    return [str(term) for term in glossary] if isinstance(glossary, dict) else []


def _items(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""

"""The portal's spelling, checked: every text a client reads, in the client's language.

What `milepost check` adds to the problems it finds: likely misspellings, as warnings (see
load/spelling.py for the words and dictionaries). Two kinds of text are spelled:

- the texts of projects/ a client reads (`PROJECT_TEXTS`, `CLIENT_TEXTS`), each at its file,
  line and field;
- the `Client:` notes of the last weeks' commits (what "What changed" shows), each named by
  its project file and commit. They come from the classify stage, so this module sits above
  the stages, like portal.py.

The same notes are also read for their language (classify/note_language.py): a listed note
of the last weeks, a `Client:` sentence or a cleaned subject, that reads as another of the
sites' languages than the client's (English notes on a Ukrainian site) is a `ForeignNote`
warning, in the same `path:line: field: message` form.

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

from babel import Locale, UnknownLocaleError

from milepost.classify.note_language import language_of
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
from milepost.model import WorkKind
from milepost.portal import LoadResult

# As far back as a project page's "What changed" goes (render/project_page.py's RECENT_WEEKS).
RECENT_DAYS = 6 * 7


# Listed notes, as WorkNote.kind: the client's own sentences and the cleaned subjects.
LISTED = frozenset({WorkKind.NOTE, WorkKind.NEW, WorkKind.FIXED, WorkKind.FASTER})


@dataclass(frozen=True, order=True)
class ForeignNote:
    """A listed note of a recent commit written in another language than the client's."""

    path: str
    line: int
    sha: str
    kind: str  # WorkNote.kind
    text: str
    language: str  # what the note reads as
    client_language: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line > 0 else self.path
        what = "Client: note" if self.kind == "note" else "subject"
        return (
            f'{where}: {what} of commit {self.sha[:7]}: "{self.text}" reads as {_name(self.language)}, not '
            f"{_name(self.client_language)}; give the commit a Client-{self.client_language}: trailer in "
            f"{_name(self.client_language)}, or set commit_notes: written_for_client in client.yml"
        )


@dataclass
class SpellingReport:
    """What the spelling check found: likely misspellings (sorted), languages it could not
    check, and listed notes in another language than the client's (sorted)."""

    misspellings: list[Misspelling] = field(default_factory=list)
    missing: list[MissingDictionary] = field(default_factory=list)
    foreign_notes: list[ForeignNote] = field(default_factory=list)


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
        opened_speller = spellers[language]
        # Without the language's dictionary nothing is spelled, but the notes' language is read.
        speller = None if isinstance(opened_speller, MissingDictionary) else opened_speller
        allowed = Allowed.of(word_list, _names(client_data), *(_terms(d.data) for d in documents.values()))
        for source, document in sorted(documents.items()):
            patterns = CLIENT_TEXTS if Path(source).name == CLIENT_FILE else PROJECT_TEXTS
            if speller is not None:
                report.misspellings.extend(spell_document(document, source, patterns, speller, allowed))
        if slug in healthy:
            misspelt, foreign = _read_notes(loaded, slug, documents, speller, allowed, today, cache_dir)
            report.misspellings.extend(misspelt)
            report.foreign_notes.extend(foreign)
    report.misspellings.sort()
    report.foreign_notes.sort()
    return report


def _read_notes(
    loaded: LoadResult,
    slug: str,
    documents: Mapping[str, YamlDocument],
    speller: Speller | None,
    allowed: Allowed,
    today: dt.date,
    cache_dir: Path | None,
) -> tuple[list[Misspelling], list[ForeignNote]]:
    """The misspellings of the `Client:` notes a project page shows now, and the listed notes
    it shows in another language than the client's."""
    client = loaded.healthy.client(slug)
    try:
        rules = load_rules(client.commit_rules or None)
    except MilepostError:
        return [], []  # check already reports the rules
    found = []
    foreign = []
    oldest = today - dt.timedelta(days=RECENT_DAYS)
    for project in loaded.healthy.projects_of(slug):
        if not project.repositories:
            continue
        try:
            work = project_work(client, project, rules=rules, cache_dir=cache_dir, git_history=loaded.git_history)
        except MilepostError:
            continue  # a repository that cannot be read is check's problem already
        document = documents.get(project.source)
        line = document.line_of(("repositories",)) if document is not None else 0
        for note in work:
            if note.kind not in LISTED or not oldest <= note.date <= today:
                continue
            language = language_of(note.text)
            if language is not None and language != client.language:
                foreign.append(
                    ForeignNote(project.source, line, note.sha, note.kind, note.text, language, client.language)
                )
            if note.kind != WorkKind.NOTE or speller is None:
                continue
            for word in misspelt_words(note.text, speller.knows, allowed):
                where = f"Client: note of commit {note.sha[:7]}"
                found.append(Misspelling(project.source, line, where, word, speller.suggest(word)))
    return found, foreign


def _name(language: str) -> str:
    """A language's English name ("uk" -> "Ukrainian"), for the agency's messages."""
    try:
        return str(Locale.parse(language).english_name)
    except (ValueError, UnknownLocaleError):
        return language


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

"""The letters' archive on the client's site: a page listing the letters the client was sent
(newest first: date, subject, kind) and a page for each letter with its text.

The letters come from the sent record (publish/letters.py, `SentRecord.sent_to`), never from
letters merely written, and only the client's own. Their text is the plain-text part exactly
as it was sent: redacted when the letter was written, escaped here by the templates
(`templates/letter_archive.md.j2`, `templates/sent_letter.md.j2`) like every page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from milepost.i18n import Texts
from milepost.model import LetterKind, SentLetter
from milepost.render.environment import LETTER_WIDTH, render


@dataclass(frozen=True)
class ArchiveItem:
    subject: str
    day: str  # ISO date, for <time datetime>
    date: str  # in the client's words
    kind: str
    href: str  # the letter's page, relative to the archive; "" when its text was not kept


@dataclass(frozen=True)
class Line:
    text: str
    heading: bool = False  # a line underlined with "=" in the text (the underline is not shown)


@dataclass(frozen=True)
class LetterPage:
    subject: str
    day: str
    date: str
    kind: str
    blocks: tuple[tuple[Line, ...], ...]  # paragraphs: lines between blank lines


def kind_label(kind: LetterKind, texts: Texts) -> str:
    if kind == LetterKind.WEEKLY:
        return texts.gettext("Weekly letter")
    if kind == LetterKind.MEETING:
        return texts.gettext("Meeting summary")
    return texts.gettext("Change of plan")


def page_folder(letter: SentLetter) -> str:
    """The letter's page folder, inside the archive's folder (`OwnFolder.LETTERS`, load/slugs.py)."""
    return f"{letter.name}/"


def text_blocks(text: str) -> tuple[tuple[Line, ...], ...]:
    """The plain text as paragraphs of lines; a line of "=" under a heading marks that line as
    a heading instead of being shown.

    The text part is wrapped at `LETTER_WIDTH` columns for mail programs; on a page, a line the
    wrapping broke is joined to the one before it, so the browser wraps the sentence to the
    screen (a phone would otherwise show each 72-column line broken again). Line breaks that
    are the letter's own (a list item, a short line, a signature) stay. The words are the text
    as sent."""
    blocks: list[list[Line]] = []
    current: list[Line] = []
    row = ""  # the text's previous line, as sent
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.rstrip()
        if not line.strip():
            if current:
                blocks.append(current)
            current = []
        elif current and set(line) == {"="}:
            current[-1] = Line(current[-1].text, heading=True)
        elif current and not current[-1].heading and _wrapped_before(row, line):
            current[-1] = Line(f"{current[-1].text} {line.lstrip()}")
        else:
            current.append(Line(line))
        row = line
    if current:
        blocks.append(current)
    return tuple(tuple(block) for block in blocks)


def _wrapped_before(previous: str, line: str) -> bool:
    """Whether the wrapping (`wrap_filter`) broke the text before `line`: its first word did
    not fit on the previous line's last row, and it does not start a list item."""
    words = line.split()
    if not words or line.startswith("- ") or (len(words) == 1 and "://" in words[0]):
        return False  # a list item, or an address on a line of its own
    return len(previous) + 1 + len(words[0]) > LETTER_WIDTH


def archive_items(letters: Sequence[SentLetter], texts: Texts) -> tuple[ArchiveItem, ...]:
    return tuple(
        ArchiveItem(
            subject=letter.subject or kind_label(letter.kind, texts),
            day=letter.day.isoformat(),
            date=texts.date(letter.day),
            kind=kind_label(letter.kind, texts),
            href=f"{page_folder(letter)}index.html" if letter.text else "",
        )
        for letter in letters
    )


def render_archive(letters: Sequence[SentLetter], texts: Texts) -> str:
    """The archive page (Markdown with HTML blocks): every letter, newest first."""
    return render("letter_archive.md.j2", texts, items=archive_items(letters, texts))


def render_sent_letter(letter: SentLetter, texts: Texts) -> str:
    """One letter's page: its subject, when it was sent, and its text."""
    page = LetterPage(
        subject=letter.subject or kind_label(letter.kind, texts),
        day=letter.day.isoformat(),
        date=texts.date(letter.day),
        kind=kind_label(letter.kind, texts),
        blocks=text_blocks(letter.text),
    )
    return render("sent_letter.md.j2", texts, letter=page)

"""Which site language a commit note is written in (classify/note_language.py), with the
identifier's real model."""

from __future__ import annotations

import pytest

from milepost.classify.note_language import language_of, written_in

NOTES = {
    "en": "Customers can now pay with a card on the website.",
    "pl": "Klienci mogą teraz płacić kartą na stronie.",
    "ru": "Клиенты теперь могут платить картой на сайте.",
    "uk": "Клієнти тепер можуть платити карткою на сайті.",
    "de": "Kunden können jetzt auf der Website mit Karte zahlen.",
}


@pytest.mark.parametrize("language", sorted(NOTES))
def test_each_site_language_is_told_apart(language: str) -> None:
    note = NOTES[language]
    assert language_of(note) == language
    assert written_in(note, language)
    assert not any(written_in(note, other) for other in NOTES if other != language)


@pytest.mark.parametrize("note", ["Fix UI", "v2.1.0", "", "API 404"])
def test_a_note_too_short_to_tell_has_no_language_and_fits_any(note: str) -> None:
    assert language_of(note) is None
    assert all(written_in(note, language) for language in NOTES)

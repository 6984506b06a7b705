"""Folding and stemming for the site search (render/search_words.py), per language."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from milepost.render.search_words import RULES_FILE, fold, index_forms, query_term, rules, search_script, stem

FOLDED = [
    ("Płatności", "platnosci"),
    ("ZAMÓWIEŃ", "zamowien"),
    ("Wdrożenie", "wdrozenie"),
    ("źdźbło", "zdzblo"),
    ("Küchen", "kuchen"),
    ("Aufmaß", "aufmass"),
    ("Möbelstück", "mobelstuck"),
    ("ещё", "еще"),
    ("Личный", "личныи"),  # й is и with a breve
    ("Її", "іі"),
    ("ґанок", "ганок"),
    ("кав'ярня", "кавярня"),
    ("кав’ярня", "кавярня"),
    ("café", "cafe"),
    ("refunds", "refunds"),
    ("12.12.2026", "12.12.2026"),
]


@pytest.mark.parametrize(("word", "folded"), FOLDED)
def test_fold(word: str, folded: str) -> None:
    assert fold(word) == folded


# (language, what a reader types, a form the page has): both give the same query term, or the
# typed one's term is the start of the page's word folded - either way the page is found.
SAME_WORD = [
    ("pl", "platnosci", "płatność"),
    ("pl", "płatnościach", "płatności"),
    ("pl", "zamowienia", "zamówienie"),
    ("pl", "zamówień", "zamówienia"),
    ("pl", "wdrożeniem", "wdrożenie"),
    ("pl", "wdrozeniu", "wdrożenie"),
    ("pl", "sklepach", "sklepy"),
    ("pl", "terminem", "termin"),
    ("ru", "оплаты", "оплата"),
    ("ru", "оплатой", "оплата"),
    ("ru", "расписанием", "расписание"),
    ("ru", "расписании", "расписание"),
    ("ru", "занятиями", "занятий"),
    ("ru", "кабинете", "кабинет"),
    ("uk", "бронюванням", "бронювання"),
    ("uk", "кавярнях", "кав'ярня"),
    ("uk", "кав'ярні", "кав'ярня"),
    ("uk", "меню", "меню"),
    ("de", "Kuchen", "Küchen"),
    ("de", "Küche", "Küchen"),
    ("de", "Schätzungen", "Schätzung"),
    ("de", "Termins", "Termine"),
    ("en", "refunded", "refunds"),
    ("en", "payment", "payments"),
    ("en", "deliveries", "delivery"),
]


@pytest.mark.parametrize(("language", "typed", "written"), SAME_WORD)
def test_another_form_finds_the_word(language: str, typed: str, written: str) -> None:
    term = query_term(typed, language)
    assert fold(written).startswith(term) or term == query_term(written, language), (term, fold(written))


STEMS = [
    ("pl", "wdrozeniem", "wdrozen"),
    ("pl", "platnosciach", "platnosc"),
    ("pl", "zamowienia", "zamowien"),
    ("ru", "оплаты", "оплат"),
    ("uk", "бронюванням", "бронюванн"),
    ("de", "kuchen", "kuch"),
    ("en", "refunded", "refund"),
    # Too short to lose an ending: at least min_stem letters stay.
    ("pl", "ale", "ale"),
    ("ru", "да", "да"),
    # A language with no endings listed keeps its words whole; so does a regional code's base.
    ("cs", "objednavky", "objednavky"),
    ("de-AT", "kuchen", "kuch"),
]


@pytest.mark.parametrize(("language", "word", "expected"), STEMS)
def test_stem(language: str, word: str, expected: str) -> None:
    assert stem(word, language) == expected


@pytest.mark.parametrize(
    ("language", "typed", "other"),
    [
        ("pl", "wdrożyć", "wdrożenie"),  # another word of the family: not one of its forms
        ("de", "Kuechen", "Küchen"),  # "ue" for "ü" is not folded
        ("ru", "оплатить", "оплата"),
    ],
)
def test_what_it_does_not_match(language: str, typed: str, other: str) -> None:
    assert not fold(other).startswith(query_term(typed, language))


@pytest.mark.parametrize(
    ("language", "typed", "word"),
    [("pl", "wdroż", "wdrożenie"), ("pl", "wdr", "wdrożeniu"), ("de", "küch", "Küchen"),
     ("ru", "распис", "расписание"), ("uk", "брон", "бронювання"), ("en", "refu", "refunds")],
)
def test_the_start_of_a_word_still_finds_it(language: str, typed: str, word: str) -> None:
    assert fold(word).startswith(query_term(typed, language))


LANGUAGES = ["pl", "ru", "uk", "de", "en"]
LETTERS = "abcdeiouyząęłóśżźćńкаиояыеьюйїієnsr"


@given(st.text(alphabet=LETTERS, max_size=14), st.sampled_from(LANGUAGES))
def test_a_stem_is_always_the_start_of_its_word(word: str, language: str) -> None:
    """What lets the index hold folded words and no stems: a stem searched as the start of a
    word finds every word it was cut from."""
    folded = fold(word)
    stemmed = stem(folded, language)
    assert folded.startswith(stemmed)
    assert len(stemmed) >= min(len(folded), rules()["min_stem"])


def test_index_forms_are_the_folded_words_that_differ() -> None:
    text = "<p>Płatności BLIK i <code>kartą</code>; płatności, Płatności.</p> Wdrożenie &amp; test"
    assert index_forms(text) == "platnosci karta wdrozenie"
    assert index_forms("<p>plain words only</p>") == ""
    assert index_forms("") == ""


def test_the_rules_are_folded_and_longest_first() -> None:
    data = json.loads(RULES_FILE.read_text(encoding="utf-8"))
    assert set(rules()["suffixes"]) == set(data["suffixes"]) == {"pl", "ru", "uk", "de", "en"}
    for endings in rules()["suffixes"].values():
        assert endings == sorted(endings, key=lambda s: (-len(s), s))
        assert all(fold(e) == e for e in endings)
        assert len(set(endings)) == len(endings)


def test_the_script_carries_the_rules() -> None:
    script = search_script()
    assert script.startswith("/* Milepost's search")
    embedded = script[script.rindex("})(") + 3 : script.rindex(");")]
    assert json.loads(embedded) == rules()
    assert script.isascii()

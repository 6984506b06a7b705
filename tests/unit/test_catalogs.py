"""The message catalogs: every string translated in every language, plurals and placeholders right.

When a test here fails after a change to the code's words: run `make catalogs` (or
`python scripts/update_catalogs.py`), translate what it lists in
hooks/milepost/locale/<lang>/LC_MESSAGES/milepost.po, and run the tests again.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from helpers import ROOT, load_script
from milepost.i18n import available_languages, catalog_path, texts_for

LANGUAGES = ("de", "en", "pl", "ru", "uk")
_PLACEHOLDER = re.compile(r"\{(\w*)\}")


update_catalogs = load_script("update_catalogs")


def read_catalog(path: Path, language: str | None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def key(message: Message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def strings(message: Message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def problems_of(catalog: Catalog, template: Catalog) -> list[str]:
    """What is wrong with `catalog` against `template`, one line per problem ([] = all good)."""
    found = []
    translated = {key(m): m for m in catalog if m.id}
    for wanted in template:
        if not wanted.id:
            continue
        message = translated.get(key(wanted))
        if message is None:
            found.append(f"missing: {key(wanted)!r}")
            continue
        if message.fuzzy:
            found.append(f"marked fuzzy (check it, then remove the '#, fuzzy' line): {key(wanted)!r}")
        forms = strings(message)
        if isinstance(wanted.id, tuple):
            if len(forms) != catalog.num_plurals:
                found.append(f"{len(forms)} plural forms instead of {catalog.num_plurals}: {key(wanted)!r}")
            sources = [wanted.id[1]] * len(forms)
        else:
            sources = [wanted.id]
        for form, source in zip(forms, sources, strict=False):
            if not form:
                found.append(f"not translated: {key(wanted)!r}")
            elif set(_PLACEHOLDER.findall(form)) != set(_PLACEHOLDER.findall(source)):
                found.append(
                    f"placeholders {sorted(set(_PLACEHOLDER.findall(form)))} in {form!r} differ from "
                    f"{sorted(set(_PLACEHOLDER.findall(source)))} in {source!r}"
                )
    return found


@pytest.fixture(scope="module")
def template() -> Catalog:
    return update_catalogs.extract_template()


def test_the_five_languages_have_catalogs() -> None:
    assert available_languages() == LANGUAGES


def test_the_schema_offers_exactly_the_languages_with_a_catalog() -> None:
    schema = json.loads((ROOT / "hooks" / "milepost" / "schemas" / "client.schema.json").read_text(encoding="utf-8"))
    assert sorted(schema["properties"]["language"]["enum"]) == list(available_languages())


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_is_translated_in_every_catalog(language: str, template: Catalog) -> None:
    catalog = read_catalog(catalog_path(language), language)
    problems = problems_of(catalog, template)
    assert problems == [], (
        f"{catalog_path(language).relative_to(ROOT)}:\n  " + "\n  ".join(problems)
        + "\nRun `make catalogs`, translate these entries and run the tests again."
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_forms_follow_the_language(language: str) -> None:
    """The catalog's plural rule is the language's (CLDR), e.g. three forms for pl, ru, uk."""
    catalog = read_catalog(catalog_path(language), language)
    expected = Catalog(locale=language)
    assert (catalog.num_plurals, catalog.plural_expr) == (expected.num_plurals, expected.plural_expr)


def test_template_and_catalogs_are_up_to_date() -> None:
    stale = update_catalogs.update(check=True)
    assert stale == [], (
        "out of date: " + ", ".join(str(p.relative_to(ROOT)) for p in stale)
        + "; run `make catalogs` and translate what it lists"
    )


def test_the_check_finds_a_missing_a_fuzzy_and_a_wrong_plural_entry(template: Catalog) -> None:
    catalog = read_catalog(catalog_path("pl"), "pl")
    catalog.delete("Budget")
    catalog["Milestones"].flags.add("fuzzy")
    catalog["Overdue by {n} day."].string = ("{n} dzień po terminie.", "{n} dni po terminie.")
    catalog["Updated on {date}."].string = "Stan na dziś."
    problems = problems_of(catalog, template)
    assert "missing: 'Budget'" in problems
    assert any("fuzzy" in p and "Milestones" in p for p in problems)
    assert any("2 plural forms instead of 3" in p for p in problems)
    assert any("placeholders [] in 'Stan na dziś.'" in p for p in problems)


def test_extraction_sees_strings_inside_f_strings_and_refuses_variables() -> None:
    source = 'x = f"<p>{texts.gettext(\'No projects yet.\')}</p>"\ny = texts.ngettext("{n} day", "{n} days", 3)\n'
    assert [m for _, m in update_catalogs.messages_in(source, "sample.py")] == [
        "No projects yet.",
        ("{n} day", "{n} days"),
    ]
    with pytest.raises(update_catalogs.NotLiteral, match=r"sample\.py:1: gettext\(\) must be given"):
        list(update_catalogs.messages_in("texts.gettext(label)\n", "sample.py"))


@pytest.mark.parametrize(
    ("language", "counts"),
    [
        ("pl", {1: "1 drobne usprawnienie techniczne.", 2: "2 drobne usprawnienia techniczne.",
                5: "5 drobnych usprawnień technicznych.", 12: "12 drobnych usprawnień technicznych.",
                22: "22 drobne usprawnienia techniczne."}),
        ("ru", {1: "1 небольшое техническое улучшение.", 2: "2 небольших технических улучшения.",
                5: "5 небольших технических улучшений.", 11: "11 небольших технических улучшений.",
                21: "21 небольшое техническое улучшение."}),
        ("uk", {1: "1 невелике технічне покращення.", 3: "3 невеликі технічні покращення.",
                5: "5 невеликих технічних покращень.", 21: "21 невелике технічне покращення."}),
        ("de", {1: "1 kleinere technische Verbesserung.", 2: "2 kleinere technische Verbesserungen."}),
        ("en", {1: "1 smaller technical improvement.", 7: "7 smaller technical improvements."}),
    ],
)
def test_the_counted_sentence_in_every_language(language: str, counts: dict[int, str]) -> None:
    texts = texts_for(language)
    for n, expected in counts.items():
        assert texts.ngettext(
            "{n} smaller technical improvement.", "{n} smaller technical improvements.", n
        ) == expected


@pytest.mark.parametrize(
    ("language", "counts"),
    [
        ("pl", {1: "1 dzień po terminie.", 3: "3 dni po terminie.", 5: "5 dni po terminie."}),
        ("ru", {1: "Просрочено на 1 день.", 3: "Просрочено на 3 дня.", 5: "Просрочено на 5 дней."}),
        ("uk", {1: "Прострочено на 1 день.", 4: "Прострочено на 4 дні.", 11: "Прострочено на 11 днів."}),
        ("de", {1: "1 Tag überfällig.", 4: "4 Tage überfällig."}),
    ],
)
def test_overdue_days_in_every_language(language: str, counts: dict[int, str]) -> None:
    texts = texts_for(language)
    for n, expected in counts.items():
        assert texts.ngettext("Overdue by {n} day.", "Overdue by {n} days.", n) == expected


@pytest.mark.parametrize(
    ("language", "counts"),
    [
        ("ru", {1: "Ждём от вас ответа по 1 пункту.", 3: "Ждём от вас ответа по 3 пунктам.",
                5: "Ждём от вас ответа по 5 пунктам.", 21: "Ждём от вас ответа по 21 пункту."}),
        ("uk", {1: "Чекаємо від вас відповіді щодо 1 пункту.", 2: "Чекаємо від вас відповіді щодо 2 пунктів.",
                5: "Чекаємо від вас відповіді щодо 5 пунктів.", 21: "Чекаємо від вас відповіді щодо 21 пункту."}),
        ("pl", {1: "Czekamy od Państwa na 1 rzecz.", 2: "Czekamy od Państwa na 2 rzeczy."}),
        ("de", {1: "Wir brauchen noch 1 Sache von Ihnen.", 3: "Wir brauchen noch 3 Sachen von Ihnen."}),
    ],
)
def test_what_we_wait_for_is_counted_in_every_language(language: str, counts: dict[int, str]) -> None:
    texts = texts_for(language)
    for n, expected in counts.items():
        assert texts.ngettext(
            "We are waiting for {n} thing from you.", "We are waiting for {n} things from you.", n
        ) == expected


# Sentences a native reader checked, with their placeholders filled in as on a page.
WORDING = {
    "de": {
        ("At the pace of the work lately, this would be finished after the promised date.", ()):
            "Beim Tempo der letzten Wochen würde das erst nach dem zugesagten Termin fertig werden.",
        ("This is an estimate from the work done lately, not a promise.", ()):
            "Das ist eine Schätzung auf Grundlage der letzten Wochen, keine Zusage.",
        ("Next update by {date}.", (("date", "2. Dezember 2026"),)):
            "Nächste Aktualisierung bis zum 2. Dezember 2026.",
        ("Asked on {asked}; needed by {needed}", (("asked", "12. November 2026"), ("needed", "20. November 2026"))):
            "Angefragt am 12. November 2026; benötigt bis zum 20. November 2026",
    },
    "uk": {
        # "Термін" is a deadline on the same page: the glossary's heading must not say it.
        ("Words we use", ()): "Пояснення слів",
        ("This is an estimate from the work done lately, not a promise.", ()):
            "Це оцінка за темпом останніх тижнів, а не обіцянка.",
        ("Away from {start} to {end}; {deputy} will stand in.",
         (("start", "21 грудня 2026 р."), ("end", "31 грудня 2026 р."), ("deputy", "Олена"))):
            "Не на зв'язку з 21 грудня 2026 р. до 31 грудня 2026 р.; заміщає: Олена.",
        ("Late", ()): "Із запізненням",
        ("Promised for {date} on {day}; this date has not moved since.",
         (("date", "23 жовтня 2026 р."), ("day", "14 вересня 2026 р."))):
            "14 вересня 2026 р. ми пообіцяли термін 23 жовтня 2026 р.; відтоді він не змінювався.",
        ("Asked on {asked}; needed by {needed}", (("asked", "16 листопада 2026 р."), ("needed", "4 грудня 2026 р."))):
            "Попросили 16 листопада 2026 р.; потрібно до 4 грудня 2026 р.",
    },
    "ru": {
        ("This is an estimate from the work done lately, not a promise.", ()):
            "Это оценка по темпу последних недель, а не обещание.",
        ("Late", ()): "С опозданием",
        ("Promised for {date} on {day}.", (("date", "20 октября 2026 г."), ("day", "7 сентября 2026 г."))):
            "7 сентября 2026 г. мы обещали срок 20 октября 2026 г.",
        ("Asked on {asked}; needed by {needed}", (("asked", "17 ноября 2026 г."), ("needed", "23 ноября 2026 г."))):
            "Запросили 17 ноября 2026 г.; нужно до 23 ноября 2026 г.",
        ("Asked on {asked}", (("asked", "17 ноября 2026 г."),)): "Запросили 17 ноября 2026 г.",
    },
    "pl": {
        ("not done yet", ()): "jeszcze do zrobienia",
        ("Promised for {date} on {day}.", (("date", "20 października 2026"), ("day", "7 września 2026"))):
            "7 września 2026 obiecaliśmy termin 20 października 2026.",
        ("Asked on {asked}; needed by {needed}", (("asked", "12 listopada 2026"), ("needed", "20 listopada 2026"))):
            "Prośba z 12 listopada 2026; termin: 20 listopada 2026",
        ("Asked on {asked}", (("asked", "12 listopada 2026"),)): "Prośba z 12 listopada 2026",
    },
}


@pytest.mark.parametrize(
    ("language", "message", "values", "expected"),
    [(language, message, dict(values), expected)
     for language, table in WORDING.items() for (message, values), expected in table.items()],
)
def test_wording_reads_naturally(language: str, message: str, values: dict[str, str], expected: str) -> None:
    assert texts_for(language).gettext(message, **values) == expected


def test_extraction_reads_the_page_templates() -> None:
    source = (
        '{% import "macros.html.j2" as m with context %}\n'
        '<p>{{ _("Only in a template") }}</p>\n'
        '{{ m.heading(2, gettext("Waiting on you"), "waiting-on-you") }}\n'
        '<p>{{ ngettext("{n} thing", "{n} things", count) }} {{ _("Next: {milestone}.", milestone=m) }}</p>\n'
    )
    assert [m for _, m in update_catalogs.messages_in_template(source, "sample.md.j2")] == [
        "Only in a template",
        "Waiting on you",
        ("{n} thing", "{n} things"),
        "Next: {milestone}.",
    ]
    with pytest.raises(update_catalogs.NotLiteral, match=r"sample\.html\.j2:1: _\(\) must be given"):
        list(update_catalogs.messages_in_template("{{ _(label) }}", "sample.html.j2"))


def test_strings_said_only_by_templates_are_extracted(template: Catalog) -> None:
    # These words are written in the page templates and nowhere in the Python code.
    for msgid in ("History of the promised date:", "Follow this project", "Protected page"):
        assert msgid in template, msgid
        assert all(path.endswith(".j2") for path, _ in template[msgid].locations), template[msgid].locations


def test_a_new_template_string_fails_the_catalog_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A sentence added to a template only is caught like one added to the code."""
    (tmp_path / "extra.html.j2").write_text('<p>{{ _("A sentence only a template says") }}</p>\n', encoding="utf-8")
    monkeypatch.setattr(update_catalogs, "TEMPLATES", tmp_path)
    template = update_catalogs.extract_template()
    catalog = read_catalog(catalog_path("pl"), "pl")
    assert "missing: 'A sentence only a template says'" in problems_of(catalog, template)

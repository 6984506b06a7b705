"""Words, dates and numbers in the client's language and time zone."""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path

import pytest

from milepost import i18n
from milepost.classify.classifier import classify
from milepost.classify.rules import load_rules
from milepost.i18n import CatalogError, Texts, texts_for
from milepost.model import Commit
from milepost.render.search_language import search_settings

D = dt.date(2026, 11, 22)  # a Sunday
UTC = dt.UTC


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "22 November 2026"),
        ("pl", "22 listopada 2026"),
        # Babel puts a narrow no-break space before the abbreviation for "year".
        ("ru", "22 ноября 2026\u202fг."),
        ("uk", "22 листопада 2026\u202fр."),
        ("de", "22. November 2026"),
    ],
)
def test_dates_as_people_write_them(language: str, expected: str) -> None:
    assert texts_for(language).date(D) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "22 Nov"), ("pl", "22 lis"), ("ru", "22 нояб."), ("uk", "22 лист."), ("de", "22. Nov.")],
)
def test_short_dates_follow_the_locale(language: str, expected: str) -> None:
    assert texts_for(language).short_date(D) == expected


def test_a_moment_is_shown_as_the_date_in_the_clients_time_zone() -> None:
    late_evening_in_london = dt.datetime(2026, 11, 21, 23, 30, tzinfo=UTC)
    assert texts_for("pl", "Europe/Warsaw").date(late_evening_in_london) == "22 listopada 2026"
    assert texts_for("en", "Europe/London").date(late_evening_in_london) == "21 November 2026"
    assert texts_for("ru", "America/New_York").date(late_evening_in_london) == "21 ноября 2026\u202fг."


def test_a_commit_is_dated_in_the_clients_time_zone() -> None:
    commit = Commit(
        sha="a" * 40, author_name="Anna", author_email="anna@agency.example",
        authored=dt.datetime(2026, 11, 21, 23, 30, tzinfo=UTC), committed=dt.datetime(2026, 11, 21, 23, 30, tzinfo=UTC),
        parents=("b" * 40,), subject="feat: order history", body="",
    )
    rules = load_rules()
    assert classify(commit, rules, timezone="Europe/Warsaw").date == dt.date(2026, 11, 22)
    assert classify(commit, rules, timezone="America/New_York").date == dt.date(2026, 11, 21)
    assert classify(commit, rules).date == dt.date(2026, 11, 21)  # the author's own day


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Updated on 22 November 2026."),
        ("pl", "Stan na 22 listopada 2026."),
        # The date's own full stop ends the sentence: no "г.." / "р..".
        ("ru", "Обновлено 22 ноября 2026\u202fг."),
        ("uk", "Оновлено 22 листопада 2026\u202fр."),
        ("de", "Stand: 22. November 2026."),
    ],
)
def test_a_sentence_ending_in_a_date_has_one_full_stop(language: str, expected: str) -> None:
    texts = texts_for(language)
    assert texts.gettext("Updated on {date}.", date=texts.date(D)) == expected


@pytest.mark.parametrize("language", ["en", "pl", "ru", "uk", "de"])
def test_weeks_start_on_monday_in_these_languages(language: str) -> None:
    texts = texts_for(language)
    assert texts.first_week_day == 0
    assert texts.week_start(D) == dt.date(2026, 11, 16)
    assert texts.week_start(dt.date(2026, 11, 16)) == dt.date(2026, 11, 16)


def test_weeks_start_on_the_locales_first_day() -> None:
    # Brazilian Portuguese weeks start on Sunday (CLDR): no code knows that, Babel does.
    texts = Texts(language="pt_BR")
    assert texts.first_week_day == 6
    assert texts.week_start(dt.date(2026, 11, 25)) == dt.date(2026, 11, 22)


@pytest.mark.parametrize(
    ("language", "days", "expected"),
    [
        ("en", -3, "3 days ago"),
        ("pl", -3, "3 dni temu"),
        ("pl", -5, "5 dni temu"),
        ("ru", -3, "3 дня назад"),
        ("de", -3, "vor 3 Tagen"),
        ("pl", 2, "za 2 dni"),
        # Today, yesterday and tomorrow in words, not "0 days" or "1 day ago".
        ("en", 0, "today"),
        ("pl", 0, "dziś"),
        ("ru", 0, "сегодня"),
        ("uk", 0, "сьогодні"),
        ("de", 0, "heute"),
        ("en", -1, "yesterday"),
        ("pl", -1, "wczoraj"),
        ("ru", -1, "вчера"),
        ("uk", -1, "вчора"),
        ("de", -1, "gestern"),
        ("en", 1, "tomorrow"),
        ("pl", 1, "jutro"),
        ("ru", 1, "завтра"),
        ("uk", 1, "завтра"),
        ("de", 1, "morgen"),
        # Exact days up to 13, with each language's plural forms: six days is not "1 week".
        ("en", -6, "6 days ago"),
        ("pl", -6, "6 dni temu"),
        ("pl", -2, "2 dni temu"),
        ("ru", -6, "6 дней назад"),
        ("ru", -4, "4 дня назад"),
        ("uk", -6, "6 днів тому"),
        ("uk", -3, "3 дні тому"),
        ("de", -6, "vor 6 Tagen"),
        ("en", 13, "in 13 days"),
        ("pl", 13, "za 13 dni"),
        ("ru", 5, "через 5 дней"),
        ("ru", 2, "через 2 дня"),
        ("uk", 12, "через 12 днів"),
        ("uk", 4, "через 4 дні"),
        ("de", 13, "in 13 Tagen"),
        # Weeks beyond, to the nearest week.
        ("en", -14, "2 weeks ago"),
        ("en", -17, "2 weeks ago"),
        ("en", -18, "3 weeks ago"),
        ("pl", -14, "2 tygodnie temu"),
        ("pl", -35, "5 tygodni temu"),
        ("ru", -21, "3 недели назад"),
        ("ru", -35, "5 недель назад"),
        ("ru", 147, "через 21 неделю"),
        ("uk", -14, "2 тижні тому"),
        ("uk", 35, "через 5 тижнів"),
        ("de", -14, "vor 2 Wochen"),
        ("de", 28, "in 4 Wochen"),
    ],
)
def test_relative_phrases(language: str, days: int, expected: str) -> None:
    assert texts_for(language).relative(D + dt.timedelta(days=days), D) == expected


@pytest.mark.parametrize(
    ("language", "same_month", "two_months", "two_years"),
    [
        ("en", "23–29 November 2026", "30 November\u2009–\u20096 December 2026",
         "28 December 2026\u2009–\u20093 January 2027"),
        ("pl", "23–29 listopada 2026", "30 listopada\u2009–\u20096 grudnia 2026",
         "28 grudnia 2026\u2009–\u20093 stycznia 2027"),
        ("ru", "23–29 ноября 2026\u202fг.", "30 ноября – 6 декабря 2026\u202fг.",
         "28 декабря 2026\u202fг. – 3 января 2027\u202fг."),
        ("uk", "23–29 листопада 2026\u202fр.", "30 листопада – 6 грудня 2026\u202fр.",
         "28 грудня 2026 – 3 січня 2027\u202fрр."),
        ("de", "23.–29. November 2026", "30. November\u2009–\u20096. Dezember 2026",
         "28. Dezember 2026\u2009–\u20093. Januar 2027"),
    ],
)
def test_date_ranges_name_the_month_once_and_in_full(
    language: str, same_month: str, two_months: str, two_years: str
) -> None:
    texts = texts_for(language)
    assert texts.date_range(dt.date(2026, 11, 23), dt.date(2026, 11, 29)) == same_month
    assert texts.date_range(dt.date(2026, 11, 30), dt.date(2026, 12, 6)) == two_months
    assert texts.date_range(dt.date(2026, 12, 28), dt.date(2027, 1, 3)) == two_years


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Week of 23–29 November 2026"),
        ("pl", "Tydzień 23–29 listopada 2026"),
        ("ru", "Неделя 23–29 ноября 2026\u202fг."),
        ("uk", "Тиждень 23–29 листопада 2026\u202fр."),
        ("de", "Woche vom 23.–29. November 2026"),
    ],
)
def test_a_week_heading_reads_as_one_span(language: str, expected: str) -> None:
    texts = texts_for(language)
    dates = texts.date_range(dt.date(2026, 11, 23), dt.date(2026, 11, 29))
    assert texts.gettext("Week of {dates}", dates=dates) == expected


@pytest.mark.parametrize(
    ("language", "number", "percent"),
    [
        ("en", "1,234.5", "78%"),
        ("pl", "1\xa0234,5", "78%"),
        ("de", "1.234,5", "78\xa0%"),
        ("ru", "1\xa0234,5", "78\xa0%"),
    ],
)
def test_numbers_follow_the_locale(language: str, number: str, percent: str) -> None:
    texts = texts_for(language)
    assert texts.number(1234.5) == number
    assert texts.percent(0.78) == percent


def test_the_hidden_placeholder_is_in_the_sites_language() -> None:
    commit = Commit(
        sha="c" * 40, author_name="Kasia", author_email="kasia@agency.example",
        authored=dt.datetime(2026, 11, 20, 10, 0, tzinfo=UTC), committed=dt.datetime(2026, 11, 20, 10, 0, tzinfo=UTC),
        parents=("d" * 40,), subject="feat: kontakt",
        body="Client-pl: Pytania proszę kierować na biuro@agency.example.",
        trailers=(("Client-pl", "Pytania proszę kierować na biuro@agency.example."),),
    )
    change = classify(commit, load_rules(), language="pl")
    assert change.text == "Pytania proszę kierować na [ukryte]."


def test_a_language_without_a_catalog_gets_english_words_and_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.milepost.i18n"):
        texts = texts_for("fi")
    assert texts.gettext("Milestones") == "Milestones"
    assert texts.date(D) == "22. marraskuuta 2026"  # dates still in Finnish: Babel knows them
    assert "no message catalog for language 'fi'" in caplog.text


def _write_catalog(folder: Path, language: str, body: str) -> Path:
    path = folder / language / "LC_MESSAGES" / "milepost.po"
    path.parent.mkdir(parents=True)
    path.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n"Language: pl\\n"\n'
        '"Plural-Forms: nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\\n"\n\n'
        + body,
        encoding="utf-8",
    )
    return path


def test_catalogs_are_read_from_the_po_file_and_reread_when_it_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    path = _write_catalog(
        tmp_path, "pl", 'msgid "Budget"\nmsgstr "Budżet"\n\n#, fuzzy\nmsgid "Milestones"\nmsgstr "Kamienie"\n'
    )
    texts = texts_for("pl")
    assert texts.gettext("Budget") == "Budżet"
    assert texts.gettext("Milestones") == "Milestones"  # fuzzy entries are not used, as with msgfmt
    path.write_text(path.read_text(encoding="utf-8").replace("Budżet", "Pieniądze"), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert texts_for("pl").gettext("Budget") == "Pieniądze"


def test_a_broken_catalog_names_its_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    path = _write_catalog(tmp_path, "pl", 'msgid "Budget"\nmsgstr "Budżet"\nBudżet to pieniądze\n')
    with pytest.raises(CatalogError, match=rf"{path}: not a valid message catalog .*update_catalogs\.py"):
        texts_for("pl")


@pytest.mark.parametrize(
    ("language", "lang", "pipeline"),
    [
        ("en", ("en",), ("stopWordFilter",)),
        ("de", ("de",), ("stopWordFilter",)),
        ("ru", ("ru",), ("stopWordFilter",)),
        ("pl", ("en",), ()),
        ("uk", ("en",), ()),
        ("fi", ("en",), ()),
    ],
)
def test_search_settings_per_language(language: str, lang: tuple[str, ...], pipeline: tuple[str, ...]) -> None:
    settings = search_settings(language)
    assert (settings.lang, settings.pipeline) == (lang, pipeline)
    # lunr's trimmer would cut every letter outside A-Z: no language may use it.
    assert "trimmer" not in settings.pipeline


def test_every_lunr_language_named_is_shipped_with_the_theme() -> None:
    """Search loads lunr.<lang>.min.js from the site itself (no CDN): it must exist."""
    import material

    folder = Path(material.__file__).parent / "templates" / "assets" / "javascripts" / "lunr" / "min"
    for language in ("en", "pl", "ru", "uk", "de"):
        for lang in search_settings(language).lang:
            assert lang == "en" or (folder / f"lunr.{lang}.min.js").is_file(), lang

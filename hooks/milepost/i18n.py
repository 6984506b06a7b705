"""Words and dates in the client's language.

Every string a client reads goes through a `Texts` object built for the client's language:
`texts.gettext("...")` and `texts.ngettext("1 thing", "{n} things", n)` use standard gettext
catalogs, one per language: `locale/<lang>/LC_MESSAGES/milepost.po`. Adding a language is
adding a catalog (see docs/languages.md), not code. `scripts/update_catalogs.py` extracts the
strings with Babel (keywords `gettext` and `ngettext:1,2`) into `locale/milepost.pot` and
merges them into every catalog.

The `.po` files are the only form kept in the repository: they are compiled in memory (with
Babel) the first time a language is used, so a fresh clone, `pip install -e .` and an edited
catalog all work without a separate compile step, and no stale `.mo` file can ever win over
its source. Entries marked fuzzy are not used, exactly as `msgfmt` would do.

Placeholders are `{name}` and filled in after translation (`str.format`), so a translation
may move them around. Dates and numbers are formatted by Babel for the same locale; a moment
in time is shown as the date it is in the client's time zone.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext as gettext_module
import io
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import (
    format_date,
    format_interval,
    format_skeleton,
    match_skeleton,
    tokenize_pattern,
    untokenize_pattern,
)
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.numbers import format_decimal, format_percent

from milepost.errors import CatalogError
from milepost.time_zone import client_zone

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "milepost"
# The language the messages are written in (the msgids); its catalog only tunes wording.
SOURCE_LANGUAGE = "en"

# Babel locale used for dates and numbers. Plain "en" is US English in CLDR ("November 22,
# 2026", weeks from Sunday); the agency's English-speaking clients are European, and a day
# written before the month is unambiguous to them.
BABEL_LOCALE = {"en": "en_GB"}

# Two days as one span, with the month written out: "23–29 November 2026", "30 listopada –
# 6 grudnia 2026", "23.–29. November 2026".
DATE_RANGE_SKELETON = "yMMMMd"
# Up to this many days away, `Texts.relative` counts days; further away, weeks.
RELATIVE_DAYS = 13


def catalog_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def available_languages() -> tuple[str, ...]:
    """Languages that have a catalog, sorted: the languages a client's site can be written in."""
    if not LOCALE_DIR.is_dir():
        return ()
    return tuple(sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")))


def babel_locale(language: str) -> str:
    return BABEL_LOCALE.get(language, language)


@dataclass
class Texts:
    language: str
    _catalog: gettext_module.NullTranslations = field(repr=False, default_factory=gettext_module.NullTranslations)
    timezone: str = "UTC"  # where a moment in time (a datetime) is turned into a date

    @property
    def locale(self) -> str:
        return babel_locale(self.language)

    def gettext(self, message: str, **values: object) -> str:
        text = self._catalog.gettext(message)
        return _fill(text, values) if values else text

    def ngettext(self, singular: str, plural: str, n: int, **values: object) -> str:
        """Plural-aware text; `{n}` in the message is replaced by the number."""
        text = self._catalog.ngettext(singular, plural, n)
        return _fill(text, {"n": self.number(n), **values})

    # -- dates and numbers ------------------------------------------------------------------

    def _day(self, moment: dt.date) -> dt.date:
        """A date as it is; a datetime as the date it is in the client's time zone."""
        if isinstance(moment, dt.datetime):
            if moment.tzinfo is None:
                return moment.date()
            return moment.astimezone(client_zone(self.timezone)).date()
        return moment

    def date(self, day: dt.date) -> str:
        """A date as people write it: "22 November 2026" / "22 listopada 2026" / "22 ноября 2026 г."."""
        return format_date(self._day(day), format="long", locale=self.locale)

    def date_time(self, moment: dt.datetime, zone: str | None = None) -> str:
        """A moment as a date and the time of day in the time zone `zone` (default: the
        client's, `timezone`), on a 24-hour clock: "3 December 2026, 10:14" / "3 grudnia 2026, 10:14"."""
        where = client_zone(self.timezone if zone is None else zone)
        local = moment.astimezone(where) if moment.tzinfo is not None else moment
        time = format_skeleton("Hm", local, locale=self.locale)
        return self.gettext("{date}, {time}", date=self.date(local.date()), time=time)

    def short_date(self, day: dt.date) -> str:
        """A date without the year when context makes it obvious: "22 Nov", "22. Nov.", "22 нояб."."""
        return format_skeleton("dMMM", self._day(day), locale=self.locale)

    def month(self, day: dt.date) -> str:
        """The month of `day`, short, for a chart's time axis: "Nov", "lis", "нояб."."""
        return format_skeleton("MMM", self._day(day), locale=self.locale)

    def month_name(self, day: dt.date) -> str:
        """The month of `day` in full, as a date writes it: "February", "lutego", "февраля"
        (the genitive in Slavic languages: "early February" is "początkiem lutego")."""
        return format_date(self._day(day), format="MMMM", locale=self.locale)

    def year(self, day: dt.date) -> str:
        """The year of `day` as the language writes it alone: "2026", "2026 г."."""
        return format_skeleton("y", self._day(day), locale=self.locale)

    def date_range(self, start: dt.date, end: dt.date) -> str:
        """Two days as one span, the way the language writes it, months in full:
        "23–29 listopada 2026", "30 listopada – 6 grudnia 2026", "23.–29. November 2026"."""
        return format_interval(
            self._day(start), self._day(end), DATE_RANGE_SKELETON, locale=_interval_locale(self.locale)
        )

    def relative(self, day: dt.date, today: dt.date) -> str:
        """How far `day` is from `today` in words: "today", "yesterday", "3 days ago", "za 2 dni",
        "vor 2 Wochen".

        Exact days up to `RELATIVE_DAYS` (a week and six days is not "2 weeks"), whole weeks
        beyond, with the language's plural forms.
        """
        days = (self._day(day) - self._day(today)).days
        if days == 0:
            return self.gettext("today")
        if days == -1:
            return self.gettext("yesterday")
        if days == 1:
            return self.gettext("tomorrow")
        if abs(days) <= RELATIVE_DAYS:
            if days < 0:
                return self.ngettext("{n} day ago", "{n} days ago", -days)
            return self.ngettext("in {n} day", "in {n} days", days)
        weeks = (abs(days) + 3) // 7  # to the nearest week, half a week down
        if days < 0:
            return self.ngettext("{n} week ago", "{n} weeks ago", weeks)
        return self.ngettext("in {n} week", "in {n} weeks", weeks)

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self.locale)

    def percent(self, share: float) -> str:
        return format_percent(share, locale=self.locale)

    def list(self, items: Sequence[str]) -> str:
        """Items joined the way the language lists them: "a, b and c", "a, b i c"."""
        return format_list(list(items), locale=self.locale)

    @property
    def first_week_day(self) -> int:
        """The day a week starts on by the locale's custom: 0 = Monday ... 6 = Sunday."""
        return Locale.parse(self.locale).first_week_day

    def week_start(self, day: dt.date) -> dt.date:
        """The first day of `day`'s week, by the locale's custom (Monday in most of Europe)."""
        day = self._day(day)
        return day - dt.timedelta(days=(day.weekday() - self.first_week_day) % 7)


def _fill(template: str, values: dict[str, object]) -> str:
    """`template` with its `{placeholders}` filled in.

    A value that ends with an abbreviation's full stop also ends the sentence when the
    template puts one right after it: "Обновлено {date}." gives "Обновлено 24 ноября 2026 г.",
    not "... г..".
    """
    for key, value in values.items():
        if isinstance(value, str) and value.endswith("."):
            template = template.replace("{" + key + "}.", "{" + key + "}")
    return template.format(**values)


class _FullMonthLocale(Locale):
    """A Babel locale whose date spans can also be written with the month in full.

    CLDR gives many languages span patterns with short months only ("23–29 нояб. 2026 г.");
    a formatter is meant to widen the month to the width asked for (as ICU does), which Babel
    does not do. This adds `DATE_RANGE_SKELETON` made that way from the locale's closest one.
    """

    @property
    # Babel's own type is LocaleDataDict; the widened copy is a plain dict, read the same way.
    def interval_formats(self) -> Mapping[str | None, Any]:  # type: ignore[override]
        formats = super().interval_formats
        if DATE_RANGE_SKELETON in formats:
            return formats
        closest = match_skeleton(DATE_RANGE_SKELETON, formats)
        if closest is None:
            return formats
        widened = {
            field: [_full_months(pattern) for pattern in patterns] for field, patterns in formats[closest].items()
        }
        return {**formats, DATE_RANGE_SKELETON: widened}


def _full_months(pattern: str) -> str:
    """A date pattern with its month names in full ("d MMM y" -> "d MMMM y")."""
    tokens = [
        ("field", (value[0], 4)) if kind == "field" and value[0] in "ML" and value[1] == 3 else (kind, value)
        for kind, value in tokenize_pattern(pattern)
    ]
    return untokenize_pattern(tokens)


@functools.cache
def _interval_locale(name: str) -> Locale:
    return _FullMonthLocale.parse(name)


def texts_for(language: str, timezone: str = "UTC") -> Texts:
    """The words of `language` (English wording when there is no catalog for it)."""
    return Texts(language=language, _catalog=translations(language), timezone=timezone)


def translations(language: str) -> gettext_module.NullTranslations:
    """The compiled catalog of `language`; raises `CatalogError` when the file is broken."""
    path = catalog_path(language)
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        _warn_missing(language)
        return gettext_module.NullTranslations()
    # Keyed by the file's modification time, so `milepost serve` picks up an edited catalog.
    return _compiled(path, language, stamp)


@functools.cache
def _warn_missing(language: str) -> None:
    if language != SOURCE_LANGUAGE:
        log.warning(
            "no message catalog for language %r (%s); the site is shown with English words",
            language,
            catalog_path(language),
        )


@functools.lru_cache(maxsize=32)
def _compiled(path: Path, language: str, stamp: int) -> gettext_module.GNUTranslations:
    try:
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language, domain=DOMAIN, abort_invalid=True)
    except (PoFileError, ValueError, UnicodeDecodeError) as err:
        raise CatalogError(
            f"{path}: not a valid message catalog ({err}); fix the line named, or recreate the "
            "file with `python scripts/update_catalogs.py`"
        ) from None
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext_module.GNUTranslations(buffer)

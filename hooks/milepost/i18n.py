"""Words and dates in the client's language.

Every string a client reads goes through a `Texts` object built for the client's language:
`texts.gettext("...")` and `texts.ngettext("1 thing", "{n} things", n)` use standard gettext
catalogs (`locale/<lang>/LC_MESSAGES/milepost.mo`), so adding a language is adding a catalog,
not code. Extract strings with Babel (`pybabel extract -k gettext -k ngettext:1,2`). Dates
and numbers are formatted by Babel for the same locale.
"""

from __future__ import annotations

import datetime as dt
import gettext as gettext_module
from dataclasses import dataclass, field
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "milepost"

# Babel locale used for dates and numbers. Plain "en" is US English in CLDR ("November 22,
# 2026", weeks from Sunday); the agency's English-speaking clients are European, and a day
# written before the month is unambiguous to them.
BABEL_LOCALE = {"en": "en_GB"}


@dataclass
class Texts:
    language: str
    _catalog: gettext_module.NullTranslations = field(repr=False, default_factory=gettext_module.NullTranslations)

    @property
    def locale(self) -> str:
        return BABEL_LOCALE.get(self.language, self.language)

    def gettext(self, message: str, **values: object) -> str:
        text = self._catalog.gettext(message)
        return text.format(**values) if values else text

    def ngettext(self, singular: str, plural: str, n: int, **values: object) -> str:
        """Plural-aware text; `{n}` in the message is replaced by the number."""
        text = self._catalog.ngettext(singular, plural, n)
        return text.format(n=self.number(n), **values)

    # -- dates and numbers ------------------------------------------------------------------

    def date(self, day: dt.date) -> str:
        """A date as people write it: "22 November 2026" / "22 listopada 2026"."""
        return format_date(day, format="long", locale=self.locale)

    def short_date(self, day: dt.date) -> str:
        """A date without the year when context makes it obvious: "22 Nov"."""
        return format_date(day, format="d MMM", locale=self.locale)

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self.locale)

    def percent(self, share: float) -> str:
        return format_percent(share, locale=self.locale)

    def week_start(self, day: dt.date) -> dt.date:
        """The first day of `day`'s week, by the locale's custom (Monday in most of Europe)."""
        first = Locale.parse(self.locale).first_week_day  # 0 = Monday
        return day - dt.timedelta(days=(day.weekday() - first) % 7)


def texts_for(language: str) -> Texts:
    catalog = gettext_module.translation(
        DOMAIN, localedir=str(LOCALE_DIR), languages=[language], fallback=True
    )
    return Texts(language=language, _catalog=catalog)

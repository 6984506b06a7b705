"""The measured response time on the client's site (status/response_figures.py, worded by
render/contacts.py): the honest figure, good or bad, in every language."""

from __future__ import annotations

import datetime as dt

import pytest

from milepost.i18n import texts_for
from milepost.model import Client, Contact
from milepost.render.contacts import contacts_view, measured_sentences
from milepost.status.response_figures import response_figures

TODAY = dt.date(2026, 12, 7)


def test_the_figures_count_within_the_promise_the_slowest_and_the_waiting() -> None:
    figures = response_figures([0.5, 1.0, 5.0, None], promised=1, business=True)
    assert figures is not None
    assert (figures.answered, figures.within, figures.slowest, figures.waiting) == (3, 2, 5.0, 1)
    assert response_figures([], promised=1, business=True) is None


EXPECTED = {
    "en": "We answered 23 of your 24 messages within one business hour. The slowest answer took 5 business hours.",
    "pl": "Odpowiedzieliśmy na 23 z 24 Państwa wiadomości w ciągu jednej godziny roboczej. "
    "Na najdłuższą odpowiedź czekali Państwo 5 godzin roboczych.",
    "ru": "Мы ответили на 23 из 24 ваших сообщений в течение одного рабочего часа. "
    "Дольше всего вы ждали ответа 5 рабочих часов.",
    "uk": "Ми відповіли на 23 з 24 ваших повідомлень протягом однієї робочої години. "
    "Найдовше ви чекали на відповідь 5 робочих годин.",
    "de": "Wir haben 23 Ihrer 24 Nachrichten innerhalb einer Arbeitsstunde beantwortet. "
    "Die langsamste Antwort brauchte 5 Arbeitsstunden.",
}


@pytest.mark.parametrize("language", sorted(EXPECTED))
def test_the_sentence_in_every_language(language: str) -> None:
    figures = response_figures([0.25] * 22 + [1.0, 4.2], promised=1, business=True)
    assert " ".join(measured_sentences(figures, texts_for(language))) == EXPECTED[language]


def test_good_figures_say_no_more_than_they_are_and_bad_ones_say_what_waits() -> None:
    texts = texts_for("en")
    assert measured_sentences(response_figures([0.5, 0.75], 1, True), texts) == (
        "We answered 2 of your 2 messages within one business hour.",
    )
    assert measured_sentences(response_figures([3.0, None, None], 2, False), texts) == (
        "We answered 0 of your 1 message within 2 hours.",
        "The slowest answer took 3 hours.",
        "2 messages are still waiting for our answer.",
    )


def test_a_measurable_promise_is_worded_for_the_contacts() -> None:
    client = Client(slug="c", name="C", contacts=(Contact("Anna"),), response_hours=4, response_business=True)
    assert contacts_view(client, TODAY, texts_for("pl")).response_time == "w ciągu 4 godzin roboczych"
    worded = Client(slug="c", name="C", contacts=(Contact("Anna"),), response_time="within a day", response_hours=8)
    assert contacts_view(worded, TODAY, texts_for("en")).response_time == "within a day"

"""The spelling check with the real Hunspell dictionaries (installed by `make dictionaries`):
a misspelt word in a client's language is found at its file, line and field, a correct
inflected word is not, and names, glossary terms, the portal's word list, addresses, numbers
and acronyms are left alone. A missing dictionary is one line naming the package."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from factories import client_yml, contact, make_portal, make_repo, milestone, project_yml, task
from milepost.load import spelling
from milepost.load.spelling import Allowed, MissingDictionary, Misspelling, misspelt_words, open_speller
from milepost.portal import load_portal
from milepost.spelling_check import spell_portal

TODAY = dt.date(2026, 11, 24)


def spell(tmp_path: Path, files: dict[str, str], words: str | None = None) -> list[Misspelling]:
    make_portal(tmp_path, files)
    if words is not None:
        (tmp_path / "projects" / "words.txt").write_text(words, encoding="utf-8")
    loaded = load_portal(tmp_path / "projects", today=TODAY)
    report = spell_portal(loaded, tmp_path / "projects", today=TODAY)
    assert report.missing == []
    return report.misspellings


def found(misspellings: list[Misspelling]) -> list[tuple[int, str, str]]:
    return [(m.line, m.field, m.word) for m in misspellings]


# One sentence per language, with one misspelt word and inflected forms that are right.
SENTENCES = {
    "en": ("Deliveries were tested; the new checkout is redy for the customers' carts.", "redy"),
    "pl": ("Czekamy na dostęp do kąnta bankowego, żeby sprawdzić płatności internetowe zamówień.", "kąnta"),
    "de": ("Die Bestelungen aus den Werkstätten werden geprüft, bevor Fotos erscheinen.", "Bestelungen"),
    "ru": ("Преподаватели видят расписанея учеников в личном кабинете.", "расписанея"),
    "uk": ("Гості бачать бронюваня столиків у кав’ярнях і кав'ярні.", "бронюваня"),
}


@pytest.mark.parametrize("language", sorted(SENTENCES))
def test_a_misspelt_word_is_found_at_its_line_and_field_and_right_forms_are_not(
    tmp_path: Path, language: str
) -> None:
    sentence, wrong = SENTENCES[language]
    files = {
        # Every other text is the one word of the word list, so only the sentence is spelled.
        "client/client.yml": client_yml(language=language, contacts=[contact(role="Shop")], response_time="Shop"),
        "client/shop.yml": project_yml(
            repositories=None,
            milestones=[milestone(title="Shop", tasks=[task("Shop"), task("Shop")]), milestone(
                id="second", title="Shop", due="2026-12-22", tasks=[task("Shop")],
                delay={"reason": sentence, "plan": "Shop", "due": "2026-12-30"},
            )],
            name="Shop", summary="Shop",
        ),
    }
    result = spell(tmp_path, files, words="Shop\n")
    text = (tmp_path / "projects" / "client" / "shop.yml").read_text(encoding="utf-8").splitlines()
    line = next(number for number, row in enumerate(text, 1) if row.strip().startswith("delay:"))
    assert found(result) == [(line, "milestones[1].delay.reason", wrong)]
    assert result[0].path.endswith("projects/client/shop.yml")
    assert str(result[0]).startswith(
        f"{result[0].path}:{line}: milestones[1].delay.reason: \"{wrong}\" may be misspelt"
    )


def test_every_text_a_client_reads_is_spelled(tmp_path: Path) -> None:
    files = {
        "client/client.yml": client_yml(
            contacts=[contact(role="Projekt manajer")], response_time="within a dai",
            glossary={"Staging": "A privat copy of the shop."},
        ),
        "client/shop.yml": project_yml(
            repositories=None,
            name="Shopp", summary="A plain sumary.",
            milestones=[milestone(title="Frist part", description="Descriptoin", tasks=[task("Tsak")])],
            waiting_on_client=[{"title": "Logoo files", "asked": "2026-11-02"}],
            decisions=[{"date": "2026-11-03", "title": "Meetting", "agreed": ["Agreeed"], "summary": "Sumary"}],
            changes=[{"id": "CR-1", "title": "Gfit cards", "status": "proposed", "impact": "Impakt"}],
            deliverables=[{"date": "2026-11-04", "title": "Protoype", "description": "Descripton"}],
        ),
    }
    words = {m.word for m in spell(tmp_path, files)}
    assert words >= {
        "manajer", "dai", "privat", "Shopp", "sumary", "Frist", "Descriptoin", "Tsak", "Logoo", "Meetting",
        "Agreeed", "Sumary", "Gfit", "Impakt", "Protoype", "Descripton",
    }
    assert "Staging" not in words  # a glossary term


def test_names_glossary_terms_and_the_word_list_are_allowed(tmp_path: Path) -> None:
    files = {
        "client/client.yml": client_yml(
            name="Zyxwo Retail",
            contacts=[contact(name="Grzegorz Brzęczyszczykiewicz", away=[
                {"from": "2026-12-01", "to": "2026-12-05", "deputy": "Bożydar Qwertowski"}])],
            glossary={"Klarnix": "The payment provider's app."},
            letters={"weekly": "monday", "to": [{"name": "Hildegarda Wrzosowska", "email": "h@client.example"}]},
        ),
        "client/shop.yml": project_yml(
            repositories=None,
            summary=(
                "Brzęczyszczykiewicz and Qwertowski show Wrzosowska the Zyxwo shop with Klarnix and "
                "Frobnicator on https://tset.example/pagee or www.tset.example, mail ewa@tset.example, "
                "for 3 iOS and API users, version v2, in the ZXQV app."
            ),
        ),
    }
    assert spell(tmp_path, files, words="# our own words\nfrobnicator  # the team's tool\n") == []
    # The same text without the word list: only that word is reported.
    assert [m.word for m in spell(tmp_path / "again", files)] == ["Frobnicator"]


def test_a_word_is_reported_once_per_text_with_suggestions() -> None:
    speller = open_speller("en")
    assert not isinstance(speller, MissingDictionary)
    assert list(misspelt_words("recieve, recieve and recieve", speller.knows, Allowed())) == ["recieve"]
    assert "receive" in speller.suggest("recieve")
    # British and American spellings are both English.
    assert list(misspelt_words("The colour and the color.", speller.knows, Allowed())) == []


def test_recent_client_notes_are_spelled(tmp_path: Path) -> None:
    make_repo(tmp_path / "repo", [
        {"message": "feat: old\n\nClient: An ollld note from long ago.", "date": "2026-08-03T10:00:00+01:00"},
        {"message": "feat: pay\n\nClient: Customers can now pay at the chekout.", "date": "2026-11-20T10:00:00+01:00"},
    ])
    files = {"client/client.yml": client_yml(), "client/shop.yml": project_yml()}
    result = spell(tmp_path, files)
    assert [m.word for m in result] == ["chekout"]  # the old note is no longer on the page
    text = (tmp_path / "projects" / "client" / "shop.yml").read_text(encoding="utf-8").splitlines()
    assert result[0].line == text.index("repositories:") + 1
    assert result[0].field.startswith("Client: note of commit ")


def test_a_missing_dictionary_is_one_line_naming_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(spelling.DICTIONARIES, "pl", ("xx_XX",))
    make_portal(tmp_path, {"client/client.yml": client_yml(language="pl"), "client/shop.yml": project_yml(
        repositories=None, summary="Blędny tekts.")})
    loaded = load_portal(tmp_path / "projects", today=TODAY)
    report = spell_portal(loaded, tmp_path / "projects", today=TODAY)
    assert report.misspellings == []
    assert [str(m) for m in report.missing] == [
        "spelling not checked in 'pl': no xx_XX dictionary is installed; install it "
        "(Debian: apt-get install hunspell-pl, or run `make dictionaries`)"
    ]


def test_the_tokenizer_is_linear_on_long_awkward_text() -> None:
    speller = open_speller("en")
    assert not isinstance(speller, MissingDictionary)
    small = "a'" * 20_000 + "b" * 20_000
    big = "a'" * 320_000 + "b" * 320_000
    timings = []
    for text in (small, big):
        runs = []
        for _ in range(5):  # the fastest of five: other work on a shared machine only adds time
            start = time.perf_counter()
            list(misspelt_words(text, lambda word: True, Allowed()))
            runs.append(time.perf_counter() - start)
        timings.append(min(runs))
    # 16 times the text: linear is about 16 times the time, quadratic 256 times. The floor keeps
    # a timer's noise on the small text from deciding.
    assert timings[1] < max(timings[0], 5e-3) * 16 * 4


def test_a_suggestion_is_asked_of_hunspell_once_per_word() -> None:
    # Tens of milliseconds each: a portal repeats its misspellings in every client and note.
    speller = open_speller("en")
    assert not isinstance(speller, MissingDictionary)
    real = speller._dictionaries[0]
    asked: list[str] = []

    class Counting:
        def check(self, word: str) -> bool:
            return real.check(word)

        def suggest(self, word: str) -> list[str]:
            asked.append(word)
            return real.suggest(word)

    speller._dictionaries[0] = Counting()
    first = speller.suggest("recieve")
    assert "receive" in first
    assert speller.suggest("recieve") == first and speller.suggest("wrod") and speller.suggest("recieve") == first
    assert asked == ["recieve", "wrod"]

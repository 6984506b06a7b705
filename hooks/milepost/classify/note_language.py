"""The language a commit's note is written in, among the languages Milepost writes sites in.

A sentence for the client is only useful in the client's language: `milepost check` warns
about a listed note in another one (spelling_check.py), and a client with `commit_notes:
written_for_client` is shown a `Client:` note only when it is written in its language.

The language is identified by py3langid (a maintained fork of langid.py: character n-gram
naive Bayes, its model shipped inside the package and read from disk, nothing downloaded),
limited to the five site languages, which makes short texts far easier to tell apart. The
model is read once per process, when a first note is asked about (about a second and a half).
A note too short to say (fewer than `MIN_LETTERS` letters) or identified with less than
`CONFIDENCE` is "unknown": never warned about.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from milepost.i18n import available_languages

CONFIDENCE = 0.9  # the identifier's probability, among the five languages, to call a language
MIN_LETTERS = 8  # "Fix UI" says nothing about its language

_LETTER = re.compile(r"[^\W\d_]")


@functools.lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)
    known = set(identifier.nb_classes)
    identifier.set_languages([language for language in available_languages() if language in known])
    return identifier


@functools.lru_cache(maxsize=4096)
def guess(text: str) -> tuple[str, float]:
    """The likeliest of the site languages for `text`, and its probability (0..1)."""
    language, probability = _identifier().classify(text)
    return str(language), float(probability)


def language_of(text: str) -> str | None:
    """The language `text` is written in, when the identifier is sure; None when it is not
    (or the text is too short to tell)."""
    if len(_LETTER.findall(text)) < MIN_LETTERS:
        return None
    language, probability = guess(text)
    return language if probability >= CONFIDENCE else None


def written_in(text: str, language: str) -> bool:
    """`text` reads as `language`: the likeliest site language for it (a note too short to
    tell counts as written in any)."""
    if len(_LETTER.findall(text)) < MIN_LETTERS:
        return True
    return guess(text)[0] == language

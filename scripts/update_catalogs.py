#!/usr/bin/env python3
"""Extract Milepost's client-facing strings and merge them into every language's catalog.

    python scripts/update_catalogs.py            # refresh milepost.pot and every .po
    python scripts/update_catalogs.py --check    # exit 1 when a file is out of date (CI)
    python scripts/update_catalogs.py --add fr   # start a catalog for a new language

The standard gettext workflow, done with Babel's library (the same as `pybabel extract` with
`-k gettext -k ngettext:1,2` followed by `pybabel update`):

1. every `texts.gettext("...")` / `texts.ngettext("...", "...", n)` under hooks/milepost/,
   and every `_("...")` / `gettext("...")` / `ngettext("...", "...", n)` in the page templates
   (hooks/milepost/render/templates/*.j2, read with Jinja's own parser), is collected into
   `hooks/milepost/locale/milepost.pot`;
2. each `hooks/milepost/locale/<lang>/LC_MESSAGES/milepost.po` gets the new strings (empty,
   waiting for a translator, or marked fuzzy with a guess from a similar old string) and loses
   the ones no longer used. The English catalog is filled in with the source text.

Then translate the empty and fuzzy entries (any .po editor, e.g. Poedit, or a text editor:
remove the `#, fuzzy` line once the text is right) and run `make test`: tests/unit/test_catalogs.py
fails while any catalog misses a string, keeps a fuzzy one or gets a plural form count wrong.
Nothing needs compiling: Milepost reads the .po files directly.

Files are rewritten only when their messages change, so running this twice gives no diff.
Locations are written without line numbers for the same reason.
"""

from __future__ import annotations

import argparse
import ast
import copy
import io
import sys
from collections.abc import Iterator
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "hooks" / "milepost"
LOCALE_DIR = PACKAGE / "locale"
DOMAIN = "milepost"
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"
SOURCE_LANGUAGE = "en"
KEYWORDS = {"gettext": None, "ngettext": (1, 2)}
TEMPLATES = PACKAGE / "render" / "templates"
# The names the templates call the page's words by (render/environment.py, `words`).
TEMPLATE_KEYWORDS = {"_": 1, "gettext": 1, "ngettext": 2}
HEADER = (
    "# Milepost: the words a client reads on its status site.\n"
    "# Made by scripts/update_catalogs.py; translate the msgstr lines.\n"
    "#"
)


def catalog_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def languages() -> list[str]:
    return sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


class NotLiteral(ValueError):
    """A `gettext(...)` call whose message is not a plain string: it cannot be translated."""


# The module that implements `gettext` itself: its own calls pass variables along.
IMPLEMENTATION = "hooks/milepost/i18n.py"


def messages_in(source: str, filename: str) -> Iterator[tuple[int, str | tuple[str, str]]]:
    """(line, message) for every `gettext("...")` / `ngettext("...", "...", n)` call in `source`.

    Read through Python's syntax tree rather than Babel's token-based extractor: before
    Python 3.12 that one does not look inside f-strings, so
    `f"<p>{texts.gettext('No projects yet.')}</p>"` would be missed and never translated.
    """
    tree = ast.parse(source, filename=filename)
    calls = sorted(
        (n for n in ast.walk(tree) if isinstance(n, ast.Call)), key=lambda n: (n.lineno, n.col_offset)
    )
    for node in calls:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name not in KEYWORDS:
            continue
        count = 2 if name == "ngettext" else 1
        args = node.args[:count]
        texts = [a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        if len(texts) != count:
            if filename == IMPLEMENTATION:
                continue
            raise NotLiteral(
                f"{filename}:{node.lineno}: {name}() must be given its message as a plain string "
                "literal, or the message cannot be extracted and translated"
            )
        yield node.lineno, (texts[0], texts[1]) if count == 2 else texts[0]


def messages_in_template(source: str, filename: str) -> Iterator[tuple[int, str | tuple[str, str]]]:
    """(line, message) for every `_("...")` / `gettext("...")` / `ngettext("...", "...", n)`
    call in a Jinja template, parsed by Milepost's own environment (the same syntax and
    settings the pages are rendered with)."""
    from jinja2.ext import extract_from_ast

    from milepost.render.environment import ENVIRONMENT

    tree = ENVIRONMENT.parse(source, name=filename)
    for lineno, name, found in extract_from_ast(tree, tuple(TEMPLATE_KEYWORDS), babel_style=True):
        count = TEMPLATE_KEYWORDS[name]
        args = found if isinstance(found, tuple) else (found,)
        texts = [a for a in args[:count] if isinstance(a, str)]
        if len(texts) != count:
            raise NotLiteral(
                f"{filename}:{lineno}: {name}() must be given its message as a plain string "
                "literal, or the message cannot be extracted and translated"
            )
        yield lineno, (texts[0], texts[1]) if count == 2 else texts[0]


def extract_template() -> Catalog:
    """Every client-facing string in the package (code and page templates), as a template catalog."""
    template = Catalog(project="Milepost", domain=DOMAIN, header_comment=HEADER, fuzzy=False)
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        for lineno, message in messages_in(path.read_text(encoding="utf-8"), relative):
            template.add(message, None, [(relative, lineno)])
    for path in sorted(TEMPLATES.rglob("*.j2")):
        # (Outside the repository only in a test that adds a template of its own.)
        relative = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name
        for lineno, message in messages_in_template(path.read_text(encoding="utf-8"), relative):
            template.add(message, None, [(relative, lineno)])
    return template


def _render(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, ignore_obsolete=True, include_lineno=False, sort_output=True)
    return buffer.getvalue()


def _without_dates(text: bytes) -> bytes:
    """The file minus the header lines that change on every run."""
    return b"\n".join(
        line for line in text.splitlines() if not line.startswith((b'"POT-Creation-Date:', b'"PO-Revision-Date:'))
    )


def _write_if_changed(path: Path, content: bytes, *, check: bool) -> bool:
    """Write `content` unless only the dates differ; True when the file changed (or would)."""
    old = path.read_bytes() if path.is_file() else b""
    if _without_dates(old) == _without_dates(content):
        return False
    if not check:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return True


def _read(path: Path, language: str | None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def merged_catalog(template: Catalog, language: str, existing: Catalog | None) -> Catalog:
    """`existing` (or a new catalog) brought up to date with `template`."""
    if existing is None:
        existing = Catalog(
            locale=language, domain=DOMAIN, project="Milepost", header_comment=HEADER, fuzzy=False
        )
    existing.update(template, no_fuzzy_matching=False, update_creation_date=False)
    if language == SOURCE_LANGUAGE:
        # The source text is the English wording until someone tunes it here.
        for message in existing:
            if not message.id:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.fuzzy or not all(strings):
                message.string = message.id if isinstance(message.id, str) else tuple(message.id)
                message.flags.discard("fuzzy")
    return existing


def update(*, check: bool = False, add: str | None = None) -> list[Path]:
    """Bring the template and every catalog up to date; the files that changed (or would)."""
    template = extract_template()
    changed = []
    if _write_if_changed(TEMPLATE, _render(template), check=check):
        changed.append(TEMPLATE)
    wanted = languages()
    if add and add not in wanted:
        wanted.append(add)
    for language in sorted(wanted):
        path = catalog_path(language)
        existing = _read(path, language) if path.is_file() else None
        # Babel's update shares message objects with the template: give each language its own.
        catalog = merged_catalog(copy.deepcopy(template), language, existing)
        if _write_if_changed(path, _render(catalog), check=check):
            changed.append(path)
    return changed


def untranslated(language: str) -> list[str]:
    """The msgids of `language` that still need a translator (empty or fuzzy)."""
    catalog = _read(catalog_path(language), language)
    todo = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            todo.append(message.id if isinstance(message.id, str) else message.id[0])
    return todo


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file is out of date")
    parser.add_argument("--add", metavar="LANG", help="start a catalog for a new language, e.g. fr")
    args = parser.parse_args()
    if args.add:
        try:
            Locale.parse(args.add)
        except (UnknownLocaleError, ValueError):
            parser.error(f"'{args.add}' is not a language code Babel knows; use e.g. fr, cs, lt")
    try:
        changed = update(check=args.check, add=args.add)
    except NotLiteral as err:
        print(err, file=sys.stderr)
        return 2
    for path in changed:
        verb = "out of date" if args.check else "updated"
        print(f"{path.relative_to(ROOT)}: {verb}")
    todo = {language: untranslated(language) for language in languages()}
    for language, messages in todo.items():
        if messages:
            print(f"{language}: {len(messages)} string(s) to translate, e.g. {messages[0]!r}")
    if args.check and changed:
        print("Run `python scripts/update_catalogs.py`, translate the new strings and commit the catalogs.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

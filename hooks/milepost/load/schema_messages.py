"""The JSON Schemas of client.yml and <project>.yml, and their errors in plain words.

The schemas in `schemas/` are the ones editors use too. `schema_messages` validates data against
one and turns jsonschema's messages into plain ones: an unknown key gets a did-you-mean, a
missing key already named by one is not reported twice, a date that does not exist says why.
"""

from __future__ import annotations

import calendar
import difflib
import json
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from milepost.load.yaml_source import PathKey

SCHEMA_DIR = Path(__file__).parent.parent / "schemas"
CLIENT_SCHEMA = "client.schema.json"
PROJECT_SCHEMA = "project.schema.json"


@cache
def load_schema(name: str) -> dict[str, Any]:
    """A schema of `schemas/` by file name, read once."""
    with (SCHEMA_DIR / name).open(encoding="utf-8") as handle:
        schema: dict[str, Any] = json.load(handle)
    return schema


@cache
def _validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(load_schema(name), format_checker=Draft202012Validator.FORMAT_CHECKER)


def schema_messages(data: Any, schema: str) -> list[tuple[PathKey, str]]:
    """Validate `data` against a schema in `schemas/`: (path, plain message) for every error."""
    errors = list(_validator(schema).iter_errors(data))
    # A value of the wrong shape fails both `pattern` and `format`: say it once.
    shape_errors = {tuple(e.absolute_path) for e in errors if e.validator in ("type", "pattern")}
    messages: list[tuple[PathKey, str]] = []
    suggested: set[PathKey] = set()  # missing keys already named by a did-you-mean
    for error in errors:
        path: PathKey = tuple(error.absolute_path)
        if error.validator == "format" and path in shape_errors:
            continue
        if error.validator == "additionalProperties":
            for key, message, meant in _unknown_keys(error):
                messages.append((path + (key,), message))
                if meant:
                    suggested.add(path + (meant,))
            continue
        if error.validator == "required":
            for key in _missing_keys(error):
                messages.append((path + (key,), f"required field '{key}' is missing"))
            continue
        messages.append((path, _plain_message(error)))
    # `titel:` instead of `title:` is one mistake: the did-you-mean says what to do.
    return [
        (path, message)
        for path, message in messages
        if not (message.startswith("required field") and path in suggested)
    ]


def _unknown_keys(error: ValidationError) -> Iterator[tuple[str, str, str | None]]:
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    allowed = sorted(schema.get("properties", {}))
    instance = error.instance if isinstance(error.instance, dict) else {}
    for key in instance:
        if key in allowed:
            continue
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        if close and close[0] not in instance:
            yield key, f"unknown key '{key}'; did you mean '{close[0]}'?", close[0]
        elif close:
            yield key, f"unknown key '{key}'; did you mean '{close[0]}'? (that is set too: remove one)", None
        else:
            yield key, f"unknown key '{key}'; allowed keys here: {', '.join(allowed)}", None


def _missing_keys(error: ValidationError) -> list[str]:
    instance = error.instance if isinstance(error.instance, dict) else {}
    # `required` lists the keys (the schemas are JSON: a list).
    required = error.validator_value if isinstance(error.validator_value, list) else []
    return [key for key in required if key not in instance]


def _plain_message(error: ValidationError) -> str:
    schema = error.schema if isinstance(error.schema, dict) else {}
    value = error.instance
    kind = error.validator
    if kind == "type":
        return _type_message(schema, value)
    if kind == "pattern":
        wanted = schema.get("patternErrorMessage") or f"text matching {schema.get('pattern')}"
        if list(error.absolute_path)[-1:] == ["password_env"]:
            # Someone may have written the password itself here: never print it in a CI log.
            return f"expected {wanted} (the value is not shown: write the variable's name, never the password)"
        return f"expected {wanted}, got {describe(value)}"
    if kind == "format" and schema.get("format") == "date":
        return _not_a_real_date(str(value))
    overridden = list(error.absolute_path)[-2:] == ["health_override", "state"]
    if kind == "enum" and overridden and value in _DATED_STATES:
        return f"'{value}' cannot be set by hand: {_DATED_STATES[value]}; here use planned, on_track or at_risk"
    if kind == "enum":
        # `false` and `null` in an enum are how an unquoted `off` or an empty value is accepted;
        # the words are what to write.
        options = error.validator_value if isinstance(error.validator_value, list) else []
        allowed = [option for option in options if isinstance(option, str)]
        message = f"must be one of: {', '.join(allowed)}; got {describe(value)}"
        if isinstance(value, bool):
            return message + "; write one of the words above"
        close = difflib.get_close_matches(str(value), allowed, n=1, cutoff=0.5)
        return message + (f" - did you mean '{close[0]}'?" if close else "")
    if kind == "minLength":
        return "must not be empty"
    if kind == "minimum":
        return f"must be {error.validator_value} or more, got {value}"
    if kind == "exclusiveMinimum":
        return f"must be more than {error.validator_value}, got {value}"
    if kind == "oneOf" and isinstance(value, dict) and {"path", "url"} & set(schema.get("properties", {})):
        if "path" in value and "url" in value:
            return "give either `path` or `url`, not both"
        return "needs `path: ../folder` (a local repository) or `url: https://...` (cloned)"
    return error.message


# States that follow from the dates, never from `health_override` (see docs/health.md).
_DATED_STATES = {
    "late": "a late milestone needs `delay: {reason, plan, due}`",
    "done": "set the milestone's `done:` date",
}

_TYPE_WORDS = {
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "yes or no",
    "array": "a list (`- item` lines or [a, b])",
    "object": "`key: value` entries",
}


def _type_message(schema: dict[str, Any], value: Any) -> str:
    expected = schema.get("type")
    types = [expected] if isinstance(expected, str) else [t for t in expected or () if t != "null"]
    if schema.get("format") == "date":
        return f"expected a date like 2026-12-15 (YYYY-MM-DD), got {describe(value)}"
    words = " or ".join(_TYPE_WORDS.get(t, t) for t in types)
    message = f"expected {words}, got {describe(value)}"
    if "string" in types and isinstance(value, (bool, int, float)):
        message += "; put it in quotes to keep it as text"
    return message


def describe(value: Any) -> str:
    """A value as a message names it: `'text'`, `the number 3`, `a list`, ..."""
    if value is None:
        return "nothing (the value is empty)"
    if isinstance(value, bool):
        return f"{'yes' if value else 'no'} (YAML reads yes/no/true/false/on/off as a truth value)"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        # An invisible character (a pasted zero-width space, a control character) is written
        # as its escape, so that the text does not look right while it is not.
        shown = value if value.isprintable() else value.encode("unicode_escape").decode("ascii")
        return f"'{shown}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "`key: value` entries"
    return repr(value)


def _not_a_real_date(text: str) -> str:
    year, month, day = (int(part) for part in text.split("-"))
    if not 1 <= month <= 12:
        why = f"there is no month {month}"
    elif day < 1 or day > calendar.monthrange(year, month)[1]:
        why = f"{calendar.month_name[month]} {year} has no day {day}"
    else:  # year 0: Python's dates start at year 1
        why = f"there is no year {year}"
    return f"'{text}' is not a real date ({why}); use YYYY-MM-DD"


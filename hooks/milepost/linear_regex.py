"""Regular expressions that run in time linear in their text, whatever the text: RE2.

Python's `re` backtracks, so a pattern that looks harmless can take minutes on a crafted
commit message (a run of separators, a long line of digits and spaces). RE2 (google-re2) never
backtracks: its time is proportional to the text for every pattern it accepts. It accepts no
backreferences and no look-around (`(?=`, `(?!`, `(?<=`, `(?<!`), nor possessive or atomic
groups; where a pattern needed them, the code around it checks the characters next to a match.

Every pattern Milepost runs over commit text, the project files' text or a client's own rules
is compiled here. `\\w`, `\\d`, `\\s` and `\\b` are ASCII in RE2: a pattern that must see letters of
every language writes `\\pL` (any letter) and `\\pN` (any digit).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import re2  # typed by google-re2-stubs (a test dependency: mypy runs only there)

from milepost.errors import PatternError

# A compiled pattern: search, match, fullmatch, finditer, findall, sub, split as in `re`
# (pos and endpos included); named groups are read with `group(name)` / `groupdict()`.
# The stubs make the classes generic; google-re2's own classes are not subscriptable at run time.
if TYPE_CHECKING:
    Pattern = re2._Regexp[str]
    Match = re2._Match[str]
else:
    Pattern = re2._Regexp
    Match = re2._Match


def compile_linear(pattern: str, *, ignore_case: bool = False, dotall: bool = False) -> Pattern:
    """`pattern` compiled for RE2, or PatternError naming what it cannot run."""
    options = re2.Options()
    options.log_errors = False  # the error is raised, not written to stderr as well
    options.case_sensitive = not ignore_case
    options.dot_nl = dotall
    try:
        return re2.compile(pattern, options)
    except re2.error as err:
        raise PatternError(_reason(err)) from None


def _reason(err: Exception) -> str:
    """What is wrong with a pattern and how to fix it, in one phrase."""
    detail = err.args[0] if err.args else ""
    text = detail.decode("utf-8", "replace") if isinstance(detail, bytes) else str(detail)
    if any(f"invalid perl operator: {op}" in text for op in ("(?<", "(?=", "(?!")):
        return ("look-ahead and look-behind (`(?=`, `(?!`, `(?<=`, `(?<!`) are not supported, so that every "
                "pattern runs in time linear in the text; match the characters themselves instead")
    if "invalid escape sequence: \\" in text and text[-1:].isdigit():
        return ("backreferences (`\\1`) are not supported, so that every pattern runs in time linear in the "
                "text; write the repeated text out instead")
    if "bad repetition operator: " in text and text.rstrip()[-1:] == "+":
        return "possessive repetitions (`++`, `*+`) are not supported; use a plain `+` or `*`"
    return f"not a valid regular expression ({text}); check brackets and escape special characters with \\"

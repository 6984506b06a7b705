"""A commit's trailers ("Client: ...", "Milestone: ..."), found in its body as git finds them.

Asking `git log` for `%(trailers)` makes git itself about a third slower, and most commits have
no trailer at all, so the body is read here instead, only when it could hold one (it has a
colon). The rules are git's own (trailer.c, as `%(trailers:only,unfold)` applies them):

- the trailer block is the last paragraph of the message, never its title, once trailing
  comment lines, blank lines, an old "Conflicts:" list and a scissors line are set aside;
- that paragraph is a trailer block when all its lines are trailers (or continuations of
  one: lines that start with whitespace), or when at least a quarter are and one is git's
  own (`Signed-off-by: `, `(cherry picked from commit `);
- a trailer line is a token of ASCII letters, digits and `-`, optional blanks, then `:`;
  its key and value are trimmed, and a value folded over several lines is unfolded.

tests/unit/test_trailer_block.py compares the result with git's own on many messages.
"""

from __future__ import annotations

from milepost.linear_regex import compile_linear
from milepost.model import Commit

COMMENT = "#"
_GIT_PREFIXES = ("Signed-off-by: ", "(cherry picked from commit ")
# The same without their last blank, which `tail` below may have lost: a body that may hold
# one goes the whole way.
_GIT_PREFIX_WORDS = tuple(prefix.rstrip() for prefix in _GIT_PREFIXES)
_SCISSORS = "# ------------------------ >8 ------------------------\n"
_C_SPACE = " \t\n\v\f\r"  # C's isspace()
_LINE_BLANKS = tuple(" \t\r\v\f")  # a line that starts with one is no trailer line
# The patterns run on RE2 (linear in the text, see linear_regex.py).
# A token of ASCII letters, digits and "-", blanks only after it, then the colon.
_SEPARATOR = compile_linear(r"(?:[A-Za-z0-9-]+[ \t]*)?:")
# A paragraph of trailer lines only.
_ALL_TRAILERS = compile_linear(r"[A-Za-z0-9-]+[ \t]*:[^\n]*(?:\n[A-Za-z0-9-]+[ \t]*:[^\n]*)*")
# A newline and the blanks after it (a fold).
_FOLD = compile_linear(r"\n[ \t\n\v\f\r]*")


def commit_trailers(commit: Commit) -> tuple[tuple[str, str], ...]:
    """The trailers of `commit`, (key, value) in order, as git finds them in its message: read
    on first use and kept in `commit.trailers` (pure text rules, no git runs here)."""
    found = commit.trailers
    if found is None:
        # The message exactly as git printed it: a trailing blank can decide a trailer.
        found = trailers_of(commit.body + commit.body_end)
        commit.trailers = found  # a cache of what the body says
    return found


def commit_trailer(commit: Commit, key: str) -> str | None:
    """The last value of trailer `key` (case-insensitive) of `commit`, or None."""
    wanted = key.lower()
    found = None
    for name, value in commit_trailers(commit):
        if name.lower() == wanted:
            found = value
    return found


def trailers_of(body: str) -> tuple[tuple[str, str], ...]:
    """(key, value) of each trailer in `body` (a message without its title, as `%b` prints
    it), in order; () when its last paragraph is no trailer block."""
    if ":" not in body:  # every trailer git lists has its colon
        return ()
    if "#" not in body and "Conflicts:\n" not in body:
        # No comments, no conflicts list: the last paragraph is what follows the last empty
        # line. Without a colon it lists none; when none of its lines is indented (so none is
        # blank or a continuation) and none is git's own, it is a trailer block exactly when
        # every line is a trailer line.
        tail = body.rstrip(_C_SPACE)
        empty_line = tail.rfind("\n\n")
        last = tail[empty_line + 2 :] if empty_line >= 0 else tail
        if ":" not in last and "(cherry picked from commit " not in last:
            return ()
        if not _indented(last) and not any(prefix in last for prefix in _GIT_PREFIX_WORDS):
            if not _ALL_TRAILERS.fullmatch(last):
                return ()
            return tuple(_pair(line) for line in last.split("\n"))
    lines = _lines(body[: _end_of_message(body)])
    start = _block_start(lines)
    if start is None:
        return ()
    # Each item is the list of its lines, joined once at the end: adding a continuation line to
    # a growing string would copy it each time (a value folded over n lines, n² characters).
    items: list[list[str]] = []
    last_is_trailer = False
    for line in lines[start:]:
        if last_is_trailer and line[:1] and line[0] in _C_SPACE:
            items[-1].append(line)
            continue
        items.append([line])
        last_is_trailer = _separator(line) >= 1
    pairs = []
    for parts in items:
        item = "".join(parts)
        at = _separator(item)
        if at >= 1:
            key, value = item[:at].strip(_C_SPACE), _unfold(item[at + 1 :].strip(_C_SPACE))
            pairs.append((key, value))
    return tuple(pairs)


def _indented(text: str) -> bool:
    """True when a line of `text` starts with a blank (a continuation, or a blank line)."""
    return text[:1] in _LINE_BLANKS or any(f"\n{blank}" in text for blank in _LINE_BLANKS)


def _pair(line: str) -> tuple[str, str]:
    key, _colon, value = line.partition(":")
    return key.strip(_C_SPACE), value.strip(_C_SPACE)


def _lines(text: str) -> list[str]:
    """The lines of `text` split at "\\n" as git splits them, each with its newline (the last
    may have none)."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _blank(line: str) -> bool:
    return not line.strip(_C_SPACE)


def _separator(line: str) -> int:
    """Where the `:` of a trailer line is (git's find_separator), or -1."""
    found = _SEPARATOR.match(line)
    return found.end() - 1 if found else -1


def _end_of_message(text: str) -> int:
    """Where the message proper ends: before a scissors line, trailing comments, blank lines
    and an old "Conflicts:" list (git's ignore_non_trailer)."""
    if "#" not in text and "Conflicts:\n" not in text:  # only empty lines at the end to drop
        kept = text.rstrip("\n")
        return len(kept) + 1 if kept and len(kept) < len(text) else len(kept)
    cutoff = len(text)
    if text.startswith(_SCISSORS):
        cutoff = 0
    else:
        found = text.find("\n" + _SCISSORS)
        if found >= 0:
            cutoff = found + 1
    start_of_comments = None
    in_conflicts = False
    position = 0
    while position < cutoff:
        newline = text.find("\n", position)
        following = len(text) if newline < 0 else newline + 1
        first = text[position]
        if first in (COMMENT, "\n"):
            if start_of_comments is None:
                start_of_comments = position
        elif text.startswith("Conflicts:\n", position):
            in_conflicts = True
            if start_of_comments is None:
                start_of_comments = position
        elif in_conflicts and first == "\t":
            pass
        elif start_of_comments is not None:
            start_of_comments = None
            in_conflicts = False
        position = following
    return start_of_comments if start_of_comments is not None else cutoff


def _block_start(lines: list[str]) -> int | None:
    """The index of the first line of the trailer block (git's find_trailer_start), or None.

    `lines` follow the title, so a blank line above the block is always there to find: the
    one that ended the title."""
    only_spaces = True
    git_prefix = False
    trailer_lines = non_trailer_lines = continuation_lines = 0
    for index in range(len(lines) - 1, -2, -1):
        line = lines[index] if index >= 0 else "\n"  # index -1: the blank line after the title
        if line.startswith(COMMENT):
            non_trailer_lines += continuation_lines
            continuation_lines = 0
            continue
        if _blank(line):
            if only_spaces:
                continue
            non_trailer_lines += continuation_lines
            if (git_prefix and trailer_lines * 3 >= non_trailer_lines) or (trailer_lines and not non_trailer_lines):
                return index + 1
            return None
        only_spaces = False
        if line.startswith(_GIT_PREFIXES):
            trailer_lines += 1
            continuation_lines = 0
            git_prefix = True
            continue
        if _separator(line) >= 1 and line[0] not in _C_SPACE:
            trailer_lines += 1
            continuation_lines = 0
        elif line[0] in _C_SPACE:
            continuation_lines += 1
        else:
            non_trailer_lines += 1 + continuation_lines
            continuation_lines = 0
    return None


def _unfold(value: str) -> str:
    """A value folded over lines, on one line: each newline and the blanks after it become
    one space (git's unfold_value)."""
    if "\n" not in value:
        return value
    return _FOLD.sub(" ", value).strip(_C_SPACE)

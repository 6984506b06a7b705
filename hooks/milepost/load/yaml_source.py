"""Safe YAML reading that remembers where every key and value was written.

PyYAML's own loader loses line numbers and turns unquoted dates into `datetime.date` (and
crashes on `2026-13-01`). Milepost needs both: every problem it reports names a line, and a bad
date must be a problem on that line, not a traceback. So the text is only *composed* into nodes
by PyYAML's SafeLoader, and plain Python values are built here:

- mappings become dicts with string keys, sequences lists, scalars str/int/float/bool/None;
- timestamps stay strings (callers parse `YYYY-MM-DD` themselves);
- `lines` maps a path such as `("milestones", 0, "due")` to the 1-based line of that entry
  (for a mapping entry, the line of its key; for a list item, the line where the item starts);
- duplicate keys, unsupported tags and syntax errors are returned as `issues`, never raised.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

PathKey = tuple[str | int, ...]

_TAG = "tag:yaml.org,2002:"
_MERGE_TAG = _TAG + "merge"
# Scalar tags the SafeLoader resolves by itself; timestamps are deliberately left as text.
_PLAIN_SCALAR_TAGS = {_TAG + name for name in ("str", "int", "float", "bool", "null")}
_TIMESTAMP_TAG = _TAG + "timestamp"

# PyYAML's messages (matched by their start), with a hint an agency member can act on.
_SYNTAX_HINTS = (
    ("mapping values are not allowed here", "check the indentation, and put text containing ': ' in quotes"),
    ("found character '\\t'", "indent with spaces, not tabs"),
    ("expected <block end>", "check the indentation: entries at the same level must line up"),
    ("expected ',' or ']'", "a '[' is not closed"),
    ("expected ',' or '}'", "a '{' is not closed"),
    ("found unexpected end of stream", "a quote is not closed"),
    ("found undefined alias", "there is no anchor (&name) with this name above it"),
    ("could not find expected ':'", "each entry needs `key: value`; check the line above too"),
    ("but found another document", "keep one document per file: remove the extra `---`"),
)
# libyaml composes about ten times faster than PyYAML's Python parser (the same nodes, with
# the same line marks); PyYAML built without libyaml falls back to the Python parser.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Aliases can repeat a subtree many times ("billion laughs"); a portal file is far smaller.
MAX_VALUES = 200_000
# Lists in lists in lists...: a portal file needs a handful of levels; hundreds would exhaust
# Python's stack while the values are built (and again in the schema check).
MAX_DEPTH = 50


@dataclass(frozen=True)
class SourceIssue:
    """Something wrong in the YAML text itself, at a 1-based line."""

    line: int
    path: PathKey
    message: str


@dataclass
class YamlDocument:
    data: Any  # None for an empty document, or when the text could not be parsed
    lines: dict[PathKey, int] = field(default_factory=dict)
    issues: list[SourceIssue] = field(default_factory=list)
    parsed: bool = True  # False after a syntax error: `data` is then meaningless
    # `{title: Product list, with filters: fast}`: YAML reads `with filters` as a key of its own.
    # For such a key (right after a plain text value, inside `{...}`): the path of the text it
    # broke off and where the whole text stands in `source`, so that an "unknown key" can say
    # what to quote (only offsets: most such keys are known ones, `done:` after a `title:`).
    broken_texts: dict[PathKey, tuple[PathKey, int, int]] = field(default_factory=dict)
    source: str = ""  # the text parsed

    def broken_text(self, path: PathKey) -> tuple[PathKey, str] | None:
        """For a key that may have broken a text off (see `broken_texts`): the text's path and
        the whole text as written, on one line; None otherwise."""
        found = self.broken_texts.get(path)
        if found is None:
            return None
        text_path, start, end = found
        return text_path, " ".join(self.source[start:end].split())

    def line_of(self, path: PathKey) -> int:
        """The line of `path`, or of its nearest ancestor that has one (1 at worst)."""
        probe = tuple(path)
        while probe:
            if probe in self.lines:
                return self.lines[probe]
            probe = probe[:-1]
        return self.lines.get((), 1)


def load_yaml_text(text: str) -> YamlDocument:
    """Parse `text` (one YAML document) into plain values with a line for every path."""
    try:
        try:
            root = yaml.compose(text, Loader=_FAST_LOADER)
        except yaml.YAMLError:
            # libyaml words its errors differently; the pure-Python parser gives the messages
            # (and positions) the hints below are written for.
            root = yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError:  # the pure-Python parser on lists nested hundreds deep
        return YamlDocument(data=None, issues=[SourceIssue(1, (), _TOO_DEEP)], parsed=False)
    except yaml.MarkedYAMLError as err:
        issue = _unquoted_colon_issue(text, err) or _unquoted_bracket_issue(text, err) or _syntax_issue(err)
        return YamlDocument(data=None, issues=[issue], parsed=False)
    except yaml.YAMLError as err:  # errors without a position (rare: reader errors)
        return YamlDocument(data=None, issues=[SourceIssue(1, (), f"not valid YAML: {err}")], parsed=False)
    document = YamlDocument(data=None, source=text)
    if root is None:
        return document
    builder = _Builder(document, text)
    document.data = builder.value(root, (), root.start_mark.line + 1)
    return document


_TOO_DEEP = (
    f"lists or mappings are nested more than {MAX_DEPTH} levels deep; "
    "a project file needs only a few levels: check the brackets"
)


def load_yaml_file(path: Path) -> YamlDocument:
    """Read and parse a UTF-8 YAML file; unreadable files become an issue on line 1."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        line = _line_at(path.read_bytes(), err.start)
        issue = SourceIssue(line, (), "the file is not UTF-8 text; save it as UTF-8")
        return YamlDocument(data=None, issues=[issue], parsed=False)
    except OSError as err:
        return YamlDocument(
            data=None, issues=[SourceIssue(1, (), f"cannot read the file ({err.strerror})")], parsed=False
        )
    return load_yaml_text(text)


def _line_at(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def _syntax_issue(err: yaml.MarkedYAMLError) -> SourceIssue:
    mark = err.problem_mark or err.context_mark
    line = mark.line + 1 if mark is not None else 1
    problem = (err.problem or err.context or "syntax error").strip()
    message = f"YAML syntax error: {problem}"
    for start, hint in _SYNTAX_HINTS:
        if problem.startswith(start):
            message += f" ({hint})"
            break
    return SourceIssue(line, (), message)


# An unquoted ': ' inside a value: PyYAML stops at its colon with one of these.
_COLON_PROBLEMS = ("mapping values are not allowed here", "expected ',' or '}', but got ':'")


def _quote_hint(key: str, value: str) -> str:
    """`put the text in quotes: title: "Card payments, Visa"` (a JSON string is valid YAML)."""
    return f"put the text in quotes: {key}: {json.dumps(value, ensure_ascii=False)}"


def comma_in_text_message(key: str, written: str) -> str:
    """What to do about `{title: Card payments, Visa, ...}`: quote the whole text."""
    return "the text has a comma inside `{...}`, which YAML reads as the start of another key; " + _quote_hint(
        key, written
    )


def _text_stopped_at(
    text: str, err: yaml.MarkedYAMLError, problems: tuple[str, ...], characters: str
) -> tuple[yaml.Mark, PathKey, int] | None:
    """Where a plain text value was cut short by one of `characters` (PyYAML stopping there
    with one of `problems`): the mark, the value's path and where the value starts. None for
    any other error, or when the character is on a later line than the value (an indentation
    problem, not one value)."""
    mark = err.problem_mark
    problem = (err.problem or "").strip()
    if mark is None or not problem.startswith(problems):
        return None
    stopped_at = text[mark.index : mark.index + 1]
    if not stopped_at or stopped_at not in characters:
        return None
    value = _value_before(text, mark.index)
    if value is None:
        return None
    path, start = value
    if "\n" in text[start : mark.index]:
        return None
    return mark, path, start


def _unquoted_colon_issue(text: str, err: yaml.MarkedYAMLError) -> SourceIssue | None:
    """The issue for `title: Note: important` (in a block or inside `{...}`), naming the field
    and the quoted text to write; None for any other syntax error."""
    problem = (err.problem or "").strip()
    found = _text_stopped_at(text, err, _COLON_PROBLEMS, ":")
    if found is None:
        return None
    mark, path, start = found
    in_flow = problem.startswith("expected ','")
    end = mark.index
    while end < len(text) and text[end] != "\n" and not (in_flow and text[end] in ",}"):
        end += 1
    written = text[start:end].strip()
    key = path[-1]
    if not isinstance(key, str) or not written or written[0] in "'\"":
        return None
    message = f"the text has ': ' inside, which YAML reads as a new key; {_quote_hint(key, written)}"
    return SourceIssue(mark.line + 1, path, message)


def _unquoted_bracket_issue(text: str, err: yaml.MarkedYAMLError) -> SourceIssue | None:
    """The issue for `{title: Lista {nowa}}` (a '{' or '[' inside a text in `{...}` or `[...]`),
    naming the field and the quoted text to write; None for any other syntax error."""
    found = _text_stopped_at(text, err, ("expected ','",), "{[")
    if found is None:
        return None
    mark, path, start = found
    depth, end = 0, mark.index
    while end < len(text) and text[end] != "\n":
        char = text[end]
        if char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
            if depth < 0:
                break
        elif char == "," and depth == 0:
            break
        end += 1
    written = text[start:end].strip()
    key = path[-1]
    if not isinstance(key, str) or not written:
        return None
    bracket = text[mark.index]
    message = f"the text has '{bracket}' inside, which YAML reads as a list or mapping; {_quote_hint(key, written)}"
    return SourceIssue(mark.line + 1, path, message)


def _start(event: yaml.Event) -> int:
    """Where an event starts in the text (the parser always marks it)."""
    mark = event.start_mark
    return mark.index if mark is not None else 0


def _value_before(text: str, limit: int) -> tuple[PathKey, int] | None:
    """The path and start of the plain scalar value the parser read last before `limit`."""
    path: list[str | int] = []
    frames: list[list[Any]] = []  # [kind, key or index, expecting a key]
    last: tuple[PathKey, int] | None = None
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if _start(event) >= limit:
                break
            if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                frames.pop()
                if path:
                    path.pop()
                if frames and frames[-1][0] == "map":
                    frames[-1][2] = True
                continue
            starts = (yaml.ScalarEvent, yaml.AliasEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)
            if not isinstance(event, starts):
                continue
            top = frames[-1] if frames else None
            if top is not None and top[0] == "map" and top[2]:
                top[1], top[2] = getattr(event, "value", None), False
                continue  # a key (a collection as key is not followed further)
            if top is not None and top[0] == "seq":
                top[1] += 1
            element: Any = top[1] if top is not None else None
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                if top is not None:
                    path.append(element)
                frames.append(["map", None, True] if isinstance(event, yaml.MappingStartEvent) else ["seq", -1, False])
                continue
            last = None
            if top is not None and top[0] == "map" and isinstance(event, yaml.ScalarEvent) and not event.style:
                last = (tuple(path) + (element,), _start(event))
            if top is not None and top[0] == "map":
                top[2] = True
    except yaml.YAMLError:
        pass
    return last


def _bare_key(key_node: ScalarNode, value_node: Node) -> bool:
    """A flow mapping entry written with no colon (`{a: 1, b}`): its empty value starts where
    the key ends."""
    return (
        isinstance(value_node, ScalarNode)
        and value_node.tag == _TAG + "null"
        and value_node.value == ""
        and value_node.start_mark.index == key_node.end_mark.index
    )


class _Builder:
    """Turns composed nodes into plain values, filling the document's line map and issues."""

    def __init__(self, document: YamlDocument, text: str) -> None:
        self.document = document
        self.text = text
        self.scalars = SafeConstructor()
        self.building: set[int] = set()  # ids of collection nodes being built: catches `&a [*a]`
        self.count = 0
        self.too_big = False
        self.too_deep = False

    def value(self, node: Node, path: PathKey, line: int) -> Any:
        self.document.lines.setdefault(path, line)
        self.count += 1
        if self.count > MAX_VALUES:
            if not self.too_big:
                self.too_big = True
                self._issue(node, path, "the file expands to too many values (aliases repeated too often)")
            return None
        if isinstance(node, ScalarNode):
            return self._scalar(node, path)
        if len(path) >= MAX_DEPTH:
            if not self.too_deep:
                self.too_deep = True
                self._issue(node, path[:1], _TOO_DEEP)
            return None
        if id(node) in self.building:
            self._issue(node, path, "an alias refers to the list or mapping it is part of")
            return None
        self.building.add(id(node))
        try:
            if isinstance(node, MappingNode):
                return self._mapping(node, path)
            return [
                self.value(item, path + (index,), item.start_mark.line + 1)
                for index, item in enumerate(node.value)
            ]
        finally:
            self.building.discard(id(node))

    def _scalar(self, node: Node, path: PathKey) -> Any:
        assert isinstance(node, ScalarNode)
        if node.tag == _TIMESTAMP_TAG:
            return node.value
        if node.tag in _PLAIN_SCALAR_TAGS:
            try:
                return self.scalars.construct_object(node)
            except (ConstructorError, ValueError):
                return node.value
        self._issue(node, path, f"YAML tag '{node.tag}' is not supported here; remove it")
        return node.value

    def _mapping(self, node: MappingNode, path: PathKey) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        joined: dict[str, tuple[int, int]] = {}  # text value -> (start, end) with bare keys after it
        text_value: tuple[str, int] | None = None  # the last plain text value: key, start
        for key_node, value_node in self._entries(node, path):
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, ScalarNode):
                self._issue(key_node, path, "a key must be plain text, not a list or mapping")
                continue
            if node.flow_style and _bare_key(key_node, value_node):
                # `{title: Card payments, Visa, done: ...}`: YAML reads `Visa` as a key of its
                # own; the agency meant one text with a comma in it.
                if text_value is not None:
                    joined[text_value[0]] = (text_value[1], key_node.end_mark.index)
                    continue
                name = key_node.value
                self._issue(key_node, path + (name,), f"'{name}' has no value: write `{name}: ...`")
                continue
            if text_value is not None and isinstance(value_node, ScalarNode) and not key_node.style:
                # Kept only in case the schema does not know this key (glossary terms may be any text).
                span = (path + (text_value[0],), text_value[1], value_node.end_mark.index)
                self.document.broken_texts[path + (key_node.value,)] = span
            text_value = None
            if node.flow_style and isinstance(value_node, ScalarNode) and not value_node.style:
                text_value = (key_node.value, value_node.start_mark.index)
            # Keys are kept as written: `yes:` or `2026-01-01:` are text keys, not bool/date.
            key = key_node.value
            if key in first_line:
                self._issue(
                    key_node,
                    path + (key,),
                    f"duplicate key '{key}' (first on line {first_line[key]}); keep only one",
                )
                # Later entries win, as in YAML itself; their lines must follow.
                self._forget(path + (key,))
            first_line.setdefault(key, key_line)
            result[key] = self.value(value_node, path + (key,), key_line)
        for key, (start, end) in joined.items():
            written = " ".join(self.text[start:end].split())  # one line, even if the braces span several
            issue = SourceIssue(first_line[key], path + (key,), comma_in_text_message(key, written))
            self.document.issues.append(issue)
        return result

    def _entries(self, node: MappingNode, path: PathKey) -> list[tuple[Node, Node]]:
        """The mapping's key/value pairs with `<<: *anchor` merges expanded (explicit keys win)."""
        explicit: list[tuple[Node, Node]] = []
        merged: list[tuple[Node, Node]] = []
        for key_node, value_node in node.value:
            if key_node.tag != _MERGE_TAG:
                explicit.append((key_node, value_node))
                continue
            sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
            for source in sources:
                if isinstance(source, MappingNode):
                    merged.extend(self._entries(source, path))
                else:
                    self._issue(value_node, path, "`<<:` needs a mapping (or a list of mappings) to merge")
        names = {k.value for k, _ in explicit if isinstance(k, ScalarNode)}
        kept: list[tuple[Node, Node]] = []
        seen_merged: set[str] = set()
        for key_node, value_node in merged:
            name = key_node.value if isinstance(key_node, ScalarNode) else None
            if name in names or name in seen_merged:
                continue
            if name is not None:
                seen_merged.add(name)
            kept.append((key_node, value_node))
        return kept + explicit

    def _forget(self, prefix: PathKey) -> None:
        lines = self.document.lines
        for path in [p for p in lines if p[: len(prefix)] == prefix]:
            del lines[path]

    def _issue(self, node: Node, path: PathKey, message: str) -> None:
        self.document.issues.append(SourceIssue(node.start_mark.line + 1, path, message))

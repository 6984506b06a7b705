"""Problems found in the portal's files, and how files and fields are named in them.

A `Problem` is one thing to fix, printed as `path:line: field: message`; `display_path` and
`field_name` give the `path` and `field` parts.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from milepost.load.yaml_source import PathKey

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True, order=True)
class Problem:
    """One thing to fix, printed as `path:line: field: message`.

    `line` is 1-based; 0 means the problem is about a file or folder as a whole (then the line
    part is left out). `field` is a dotted path like `milestones[1].due`, or "" for the file.
    """

    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line > 0 else self.path
        if self.field:
            return f"{where}: {self.field}: {self.message}"
        return f"{where}: {self.message}"


def display_path(path: Path) -> str:
    """How a path appears in messages: relative to the working directory when inside it."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(absolute)


def field_name(path: PathKey) -> str:
    """`("milestones", 1, "due")` -> `milestones[1].due`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _IDENTIFIER.match(part):
            text += f".{part}" if text else part
        else:
            text += f"[{json.dumps(part, ensure_ascii=False)}]"
    return text

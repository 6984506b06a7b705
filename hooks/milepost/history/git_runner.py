"""The environment Milepost runs git in: never pointed at another repository, never prompting.

A build started from a git hook inherits variables such as GIT_DIR that would make every git
command read the portal's repository instead of the one asked for; and a build has nobody at
the keyboard to type a password.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

# Variables that point git at another repository or object store.
REPOSITORY_VARIABLES = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_COMMON_DIR",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_NAMESPACE",
    "GIT_SHALLOW_FILE",
    "GIT_GRAFT_FILE",
    "GIT_REPLACE_REF_BASE",
    "GIT_PREFIX",
)


def git_environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """`environ` (the process's by default) without the repository variables, no prompts."""
    source = os.environ if environ is None else environ
    env = {name: value for name, value in source.items() if name not in REPOSITORY_VARIABLES}
    env["GIT_TERMINAL_PROMPT"] = "0"
    return env

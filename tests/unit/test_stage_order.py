"""The folders spell the pipeline: a stage imports only from the stages before it.

    load -> history -> classify -> status -> render -> publish -> mkdocs

Top-level modules (model, errors, i18n, linear_regex, portal, cli) sit outside the order: model,
errors, i18n and linear_regex are used by every stage, portal and cli run several of them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import milepost

PACKAGE = Path(milepost.__file__).parent
ORDER = ("load", "history", "classify", "status", "render", "publish", "mkdocs")
# The only imports against the order, each deliberate: `milepost check` refuses what a build
# would refuse, with the parsers the build uses (imported where used, not at module level).
ALLOWED = {
    ("load.checks", "classify.rules"),  # a client's own commit rules are parsed as a build does
    ("load.checks", "history.remotes"),  # a `url:` is parsed as the mirror will parse it
}


def backward_imports() -> set[tuple[str, str]]:
    found = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if len(parts) < 2 or parts[0] not in ORDER:
            continue
        module = ".".join(parts)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("milepost."):
                target = node.module.removeprefix("milepost.")
                stage = target.split(".")[0]
                if stage in ORDER and ORDER.index(stage) > ORDER.index(parts[0]):
                    found.add((module, target))
    return found


def test_every_stage_imports_only_from_the_stages_before_it() -> None:
    assert backward_imports() - ALLOWED == set()


def test_the_allowed_exceptions_are_still_needed() -> None:
    assert ALLOWED - backward_imports() == set(), "remove what is no longer imported from ALLOWED"


def test_every_stage_folder_says_what_it_holds() -> None:
    for stage in ORDER:
        doc = ast.get_docstring(ast.parse((PACKAGE / stage / "__init__.py").read_text(encoding="utf-8")))
        assert doc, f"{stage}/__init__.py needs a docstring saying what the stage holds"

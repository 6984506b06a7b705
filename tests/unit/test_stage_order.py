"""The folders spell the pipeline: a module imports only from the layers before it, and no
two modules import each other, however indirectly.

    base -> load -> history -> classify -> status -> portal -> answers -> render -> publish -> mkdocs -> command

`base` is the plain data and helpers every stage uses (model, errors, i18n, collector, shown_url,
linear_regex, atomic_write, file_lock, time_zone, answer_reference);
`portal` (portal.py, spelling_check.py) loads and checks the whole portal with the stages
before it; `answers` (`milepost inbox`) reads the portal and the mailbox; `command` (cli.py,
portal_skeleton.py) runs everything.

Every import counts, wherever it is written: `import a.b`, `from a import b`, relative
imports (`from . import x`, `from ..load import y`), imports inside functions, and imports
under `if TYPE_CHECKING:`. Type-only imports count too: they never run, so they cannot make a
cycle at run time, but a module that names a later stage's type depends on that stage's
design all the same, and a cycle through types is the same knot for a reader.
"""

from __future__ import annotations

import ast
from pathlib import Path

import milepost

PACKAGE = Path(milepost.__file__).parent
ROOT = PACKAGE.name  # "milepost"
STAGES = ("load", "history", "classify", "status", "render", "publish", "mkdocs")
# Each layer: the stage folders and top-level modules in it, earliest first.
LAYERS: tuple[tuple[str, ...], ...] = (
    (
        "model", "errors", "i18n", "collector", "shown_url", "linear_regex", "atomic_write", "file_lock", "time_zone",
        "answer_reference",
    ),
    ("load",),
    ("history",),
    ("classify",),
    ("status",),
    ("portal", "spelling_check"),
    ("answers",),
    ("render",),
    ("publish",),
    ("mkdocs",),
    ("cli", "portal_skeleton"),
)
RANK = {name: rank for rank, layer in enumerate(LAYERS) for name in layer}
# The only imports against the order, each deliberate: `milepost check` refuses what a build
# would refuse, with the parsers the build uses (imported where used, not at module level).
ALLOWED = {
    ("load.checks", "classify.rules"),  # a client's own commit rules are parsed as a build does
    ("load.checks", "history.remotes"),  # a `url:` is parsed as the mirror will parse it
}


def module_names() -> dict[str, Path]:
    """Every module of the package by dotted name without the package's ("history.commits");
    a folder's __init__.py is the folder's name, the package's own is ""."""
    modules = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if not (path.parent / "__init__.py").exists():  # new_portal/: files a new portal gets
            continue
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def imports_of(source: str, module: str, *, is_package: bool, known: set[str]) -> set[str]:
    """The package's modules that `source` (module `module`) imports, in every form, as names
    of `known`. `from a import b` is module `a.b` when there is one, else `a`."""

    def known_part(name: str) -> str | None:
        while name not in known:
            if "." not in name:
                return None
            name = name.rpartition(".")[0]
        return name

    def inside(name: str) -> str | None:  # "milepost.load.x" -> "load.x"; None: not ours
        if name == ROOT:
            return ""
        return name.removeprefix(ROOT + ".") if name.startswith(ROOT + ".") else None

    found: set[str] = set()
    here = module.split(".") if module else []
    package = here if is_package else here[:-1]
    for node in ast.walk(ast.parse(source)):
        bases: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
            bases = [n for n in (inside(name) for name in names) if n is not None]
            found.update(part for part in (known_part(b) for b in bases) if part is not None)
            continue
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level:
            up = package[: len(package) - (node.level - 1)]
            base: str | None = ".".join([*up, *([node.module] if node.module else [])])
        else:
            base = inside(node.module or "")
        if base is None:
            continue
        for alias in node.names:
            full = f"{base}.{alias.name}" if base else alias.name
            target = full if full in known else known_part(base)
            if target is not None:
                found.add(target)
    found.discard(module)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = module_names()
    known = set(modules)
    return {
        module: imports_of(
            path.read_text(encoding="utf-8"), module, is_package=path.name == "__init__.py", known=known
        )
        for module, path in modules.items()
    }


def layer_of(module: str) -> int | None:
    return RANK.get(module.split(".")[0]) if module else None


def backward_imports() -> set[tuple[str, str]]:
    found = set()
    for module, targets in import_graph().items():
        rank = layer_of(module)
        for target in targets:
            other = layer_of(target)
            if rank is not None and other is not None and other > rank:
                found.add((module, target))
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(groups)


def test_every_module_has_a_place_in_the_order() -> None:
    unplaced = {m.split(".")[0] for m in module_names() if m} - set(RANK)
    assert unplaced == set(), "give each new top-level module or folder a layer in LAYERS"


def test_every_stage_imports_only_from_the_stages_before_it() -> None:
    assert backward_imports() - ALLOWED == set()


def test_the_allowed_exceptions_are_still_needed() -> None:
    assert ALLOWED - backward_imports() == set(), "remove what is no longer imported from ALLOWED"


def test_no_module_imports_itself_through_others() -> None:
    assert cycles(import_graph()) == []


def test_every_form_of_import_is_seen() -> None:
    source = """
from __future__ import annotations
import os
import milepost.history.commits
import milepost.load.text as text
from milepost import errors
from milepost.model import Commit
from . import subjects
from .rules import Rule
from ..status import health
from typing import TYPE_CHECKING
if TYPE_CHECKING:
    from milepost.render.labels import Label
def later():
    from milepost.publish.feeds import atom
    import milepost.mkdocs
"""
    known = {
        "", "errors", "model", "history", "history.commits", "load", "load.text", "classify",
        "classify.subjects", "classify.rules", "classify.trailers", "status", "status.health",
        "render", "render.labels", "publish", "publish.feeds", "mkdocs",
    }
    found = imports_of(source, "classify.trailers", is_package=False, known=known)
    assert found == {
        "history.commits", "load.text", "errors", "model", "classify.subjects", "classify.rules",
        "status.health", "render.labels", "publish.feeds", "mkdocs",
    }


def test_a_cycle_through_a_function_body_is_found() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_every_stage_folder_says_what_it_holds() -> None:
    for stage in STAGES:
        doc = ast.get_docstring(ast.parse((PACKAGE / stage / "__init__.py").read_text(encoding="utf-8")))
        assert doc, f"{stage}/__init__.py needs a docstring saying what the stage holds"

"""The shape of Milepost's errors and of its one door to MkDocs.

- every exception class in the `milepost` package derives from `MilepostError`;
- only `milepost.mkdocs` imports MkDocs, and only one place there raises MkDocs' PluginError.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

import milepost
from milepost import errors
from milepost.errors import MilepostError

PACKAGE = Path(milepost.__file__).parent
MKDOCS_GLUE = PACKAGE / "mkdocs"


def modules() -> list[str]:
    names = ["milepost"]
    names += [info.name for info in pkgutil.walk_packages([str(PACKAGE)], prefix="milepost.")]
    return sorted(names)


def sources() -> list[Path]:
    return sorted(path for path in PACKAGE.rglob("*.py") if "__pycache__" not in path.parts)


def exception_classes() -> list[type[BaseException]]:
    found = []
    for name in modules():
        module = importlib.import_module(name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if value.__module__ == name and issubclass(value, BaseException):
                found.append(value)
    return found


def test_the_package_has_exception_classes_to_check() -> None:
    names = {cls.__name__ for cls in exception_classes()}
    assert {"SettingsError", "HistoryError", "BuildFailed", "_Refused"} <= names


@pytest.mark.parametrize("cls", exception_classes(), ids=lambda cls: f"{cls.__module__}.{cls.__qualname__}")
def test_every_exception_is_a_milepost_error(cls: type[BaseException]) -> None:
    assert issubclass(cls, MilepostError), f"{cls.__qualname__} should derive from milepost.errors.MilepostError"


def test_public_exceptions_live_in_errors_py_with_a_docstring() -> None:
    for cls in exception_classes():
        if cls.__name__.startswith("_"):
            continue  # a module's own control flow, never seen outside it
        assert cls.__module__ == "milepost.errors", f"{cls.__module__}.{cls.__qualname__}: move it into errors.py"
        assert cls.__doc__ and cls.__doc__.strip(), f"{cls.__qualname__} needs a docstring"


def test_settings_and_privacy_errors_are_still_value_errors() -> None:
    # Callers that caught ValueError before the tree existed keep working.
    assert issubclass(errors.SettingsError, ValueError) and issubclass(errors.PrivacyError, ValueError)


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


def test_only_the_mkdocs_subpackage_imports_mkdocs() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE.parent)}: imports {name}"
        for path in sources()
        if MKDOCS_GLUE not in path.parents
        for name in sorted(imported_modules(path))
        if name == "mkdocs" or name.startswith("mkdocs.")
    ]
    assert not offenders, "\n".join(offenders)


def test_plugin_error_is_raised_at_one_place() -> None:
    raising = []
    for path in sources():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Raise) and node.exc is not None:
                call = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
                if isinstance(call, ast.Name) and call.id == "PluginError":
                    raising.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    assert len(raising) == 1 and raising[0].startswith("milepost/mkdocs/site.py:"), raising

"""The layering, as executable rules: what each part may import, and the error table.

- core/ imports only the standard library (and itself): business rules run without AWS.
- Nothing that ships to Lambda imports local/ (the local stack) or the operator CLI.
- Every domain error has an HTTP status, so none falls through to a default.
- No function in functions/ is longer than a reader holds in mind (40 lines).
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from functions.api.errors import STATUS
from functions.api.http import HttpError
from functions.core import errors

FUNCTIONS = Path(__file__).resolve().parents[2] / "functions"
ROOT = FUNCTIONS.parent
MAX_FUNCTION_LINES = 40


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> Iterator[str]:
    """Absolute names of the modules a file imports (relative imports resolved)."""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            target = ".".join([*base, node.module] if node.module else base)
            yield target
            yield from (f"{target}.{alias.name}" for alias in node.names)


def python_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py"))


def test_the_core_imports_only_the_standard_library() -> None:
    offenders = []
    for path in python_files(FUNCTIONS / "core"):
        for name in imports_of(path):
            top = name.split(".")[0]
            inside_core = name.startswith("functions.core")
            if not inside_core and top not in sys.stdlib_module_names and top != "__future__":
                offenders.append(f"{path.relative_to(ROOT)}: {name}")
    assert not offenders, offenders


def lambda_modules() -> set[str]:
    """Every functions/ module reachable by import from app.py: what runs in Lambda."""
    known = {module_name(path): path for path in python_files(FUNCTIONS)}
    seen: set[str] = set()
    todo = [name for name in imports_of(ROOT / "app.py") if name in known]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        # Importing a.b.c runs a/__init__.py and a/b/__init__.py too.
        parents = [".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)]
        todo += [n for n in (*parents, *imports_of(known[name])) if n in known]
    return seen


def test_nothing_that_ships_to_lambda_imports_the_local_stack_or_the_cli() -> None:
    shipped = lambda_modules()
    assert {"functions.api.application", "functions.stream.handler"} <= shipped
    assert not {name for name in shipped
                if name.startswith(("functions.local", "functions.cli"))}


def test_every_domain_error_has_an_http_status() -> None:
    def subclasses(cls: type) -> Iterator[type]:
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    domain = {cls for cls in subclasses(errors.DomainError)
              if cls.__module__ == errors.__name__ and cls is not HttpError}
    assert domain, "no domain errors found"
    assert domain - set(STATUS) == set()


def functions_in(path: Path) -> Iterator[tuple[str, int]]:
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            assert node.end_lineno is not None
            yield node.name, node.end_lineno - node.lineno + 1


@pytest.mark.parametrize("path", python_files(FUNCTIONS), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_function_is_longer_than_a_reader_holds_in_mind(path: Path) -> None:
    long = [(name, lines) for name, lines in functions_in(path) if lines > MAX_FUNCTION_LINES]
    assert not long, long

"""The tree shows the flow: the import direction is a contract (pyproject.toml [tool.importlinter]),
checked here with import-linter, and each sub-package says in its docstring what it holds."""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SUBPACKAGES = ("catalogue", "safety", "validate", "engines", "accept", "package", "site", "portal", "api", "cli")


def test_import_contract_is_kept():
    from importlinter.cli import lint_imports

    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        assert lint_imports(config_filename=str(ROOT / "pyproject.toml")) == 0
    finally:
        os.chdir(cwd)


@pytest.mark.parametrize("name", SUBPACKAGES)
def test_each_subpackage_says_what_it_holds_and_may_import(name):
    module = importlib.import_module(f"stoke_opendata.{name}")
    doc = module.__doc__ or ""
    assert len(doc.splitlines()) >= 3, f"stoke_opendata/{name}/__init__.py needs a docstring"
    assert "import" in doc, f"stoke_opendata/{name}/__init__.py should say what it may import"


def test_every_module_is_one_a_person_can_hold():
    """About 400 lines at most (a little slack for a docstring): past that, a module holds two concepts."""
    sizes = {str(p.relative_to(ROOT)): len(p.read_text(encoding="utf-8").splitlines())
             for p in (ROOT / "stoke_opendata").rglob("*.py")}
    assert sizes and {p: n for p, n in sizes.items() if n > 420} == {}


def _private_uses_across(tree, here: str) -> list[tuple[int, str]]:
    """(line, name) for each private name (leading underscore) this module takes from another sub-package:
    `from stoke_opendata.x.y import _z`, a private module in the path, or `mod._z` on a module imported from
    another sub-package (`from stoke_opendata.x import y` ... `y._z`)."""
    import ast

    found, foreign = [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("stoke_opendata."):
            parts = node.module.split(".")
            if parts[1] == here:
                continue
            if any(p.startswith("_") for p in parts[2:]):
                found.append((node.lineno, node.module))
            for alias in node.names:
                if alias.name.startswith("_"):
                    found.append((node.lineno, f"{node.module}.{alias.name}"))
                else:  # it may be a module: its private attributes count too
                    foreign.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "stoke_opendata" and len(parts) > 1 and parts[1] != here:
                    if any(p.startswith("_") for p in parts[2:]):
                        found.append((node.lineno, alias.name))
                    if alias.asname:
                        foreign.add(alias.asname)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            if isinstance(node.value, ast.Name) and node.value.id in foreign:
                found.append((node.lineno, f"{node.value.id}.{node.attr}"))
    return found


def test_no_private_name_is_imported_across_subpackages():
    """Sub-packages meet at public names (the seams): a private name taken from another sub-package is a
    seam nobody declared, and breaks when its owner renames it."""
    import ast

    uses = []
    for path in sorted((ROOT / "stoke_opendata").rglob("*.py")):
        rel = path.relative_to(ROOT / "stoke_opendata").parts
        here = rel[0] if len(rel) > 1 else ""  # a top-level module (errors.py) belongs to no sub-package
        tree = ast.parse(path.read_text(encoding="utf-8"))
        uses += [f"stoke_opendata/{'/'.join(rel)}:{line}: {name}" for line, name in _private_uses_across(tree, here)]
    assert uses == []


def test_the_private_name_finder_finds_one():
    """The finder above is not blind: each form it looks for is found in a module written to hold it."""
    import ast

    source = ("from stoke_opendata.validate.validator import _check_one\n"
              "from stoke_opendata.validate import validator as v\n"
              "v._history(set())\n"
              "import stoke_opendata.validate._hidden\n"
              "from stoke_opendata.engines import _own\n")
    assert [line for line, _ in _private_uses_across(ast.parse(source), "engines")] == [1, 4, 3]

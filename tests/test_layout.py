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

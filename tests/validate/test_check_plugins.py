"""A check in another installed package is picked up: a small package with an entry point in the group
`stoke_opendata.checks`, installed with pip into a temporary venv that sees this checkout's environment,
adds its finding to `stoke-opendata validate --format json`. A plugin that cannot be imported, or that
declares a code a check already declares, stops validate with one line naming the plugin, exit 2.

The venv is made without pip and reads the project's .venv through a .pth line (site.addsitedir, so the
editable install of stoke_opendata is found too): a few seconds, not a full install of the dependencies
(tests/test_wheel.py does that once, for the wheel)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import textwrap
import venv
from pathlib import Path

import pytest

from validation_fixtures import CATALOGUE, GOOD, row, write_csv

# the plugin's one module: the check tests/validate/test_custom_checks.py passes to validate_data
CHECK = (Path(__file__).resolve().parents[1] / "national_checks.py").read_text()


def _package(folder: Path, name: str, module_text: str, entry: tuple[str, str]) -> Path:
    """A one-module package whose pyproject declares one entry point in the group stoke_opendata.checks."""
    folder.mkdir()
    (folder / f"{name}.py").write_text(module_text)
    (folder / "pyproject.toml").write_text(textwrap.dedent(f'''
        [build-system]
        requires = ["setuptools"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "{name.replace("_", "-")}"
        version = "1.0"

        [tool.setuptools]
        py-modules = ["{name}"]

        [project.entry-points."stoke_opendata.checks"]
        "{entry[0]}" = "{entry[1]}"
    '''))
    return folder


@pytest.fixture(scope="module")
def plugin_venv(tmp_path_factory):
    work = tmp_path_factory.mktemp("plugins")
    venv.EnvBuilder(with_pip=False).create(work / "venv")
    python = work / "venv" / "bin" / "python"
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], capture_output=True, text=True, check=True).stdout.strip()
    (Path(site) / "project_env.pth").write_text(f"import site; site.addsitedir({sysconfig.get_path('purelib')!r})\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STOKE_OPENDATA_", "PYTHON", "VIRTUAL_ENV", "PIP_"))}
    return work, python, env


def _pip(plugin_venv, *args):
    work, python, env = plugin_venv
    result = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "-q", "--disable-pip-version-check", *map(str, args)],
                            capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr


def _validate(plugin_venv, path):
    work, python, env = plugin_venv
    return subprocess.run([python, "-m", "stoke_opendata", "validate", "--format", "json", "--no-history", "--catalogue", CATALOGUE, path],
                          capture_output=True, text=True, env=env, cwd=work, timeout=600)


def test_an_installed_plugin_adds_its_finding_and_a_broken_one_is_named(plugin_venv, tmp_path):
    work, python, env = plugin_venv
    data = write_csv(tmp_path, [GOOD[0], row(1, value="75.71234")])
    before = _validate(plugin_venv, data)
    assert before.returncode == 0, before.stderr
    assert "too-precise" not in before.stdout

    _pip(plugin_venv, "install", "--no-build-isolation", "--no-deps", _package(work / "good", "national_checks", CHECK, ("too-precise", "national_checks:TooPrecise")))
    found = _validate(plugin_venv, data)
    assert found.returncode == 0, found.stderr  # a warning does not fail the file
    report = json.loads(found.stdout)
    assert [(p["code"], p["row"], p["column"], p["value"], p["severity"]) for p in report["problems"]] == [("too-precise", 3, "value", "75.71234", "warning")]

    broken = _package(work / "broken", "broken_checks", "import no_such_module_here\n", ("broken", "broken_checks:Nothing"))
    _pip(plugin_venv, "install", "--no-build-isolation", "--no-deps", broken)
    failed = _validate(plugin_venv, data)
    assert failed.returncode == 2 and failed.stdout == ""
    assert failed.stderr.splitlines() == [
        "error: check plugin broken (broken_checks:Nothing): cannot be imported: ModuleNotFoundError: No module named 'no_such_module_here'"]
    _pip(plugin_venv, "uninstall", "-y", "broken-checks")

    clash = CHECK.replace('"too-precise": ("warning"', '"out-of-bounds": ("error"').replace("TooPrecise", "Bounds")
    _pip(plugin_venv, "install", "--no-build-isolation", "--no-deps", _package(work / "clash", "clash_checks", clash, ("bounds", "clash_checks:Bounds")))
    failed = _validate(plugin_venv, data)
    assert failed.returncode == 2 and failed.stdout == ""
    assert failed.stderr.splitlines() == [
        "error: check plugin bounds (clash_checks:Bounds): the code 'out-of-bounds' is already declared by stoke_opendata.validate.checks.bounds.Bounds"]

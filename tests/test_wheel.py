"""A wheel that works anywhere: built from this checkout, installed into a fresh venv outside it, and run from
an unrelated working directory, with the definitions, datasets and manifests coming from the wheel itself
(stoke_opendata/_home, put there by setup.py), or from STOKE_OPENDATA_HOME when that is set.

Slow (pip installs the runtime dependencies into the new venv, from pip's cache when it is warm): it is the
only test that sees the package as a user who ran `pip install stoke-opendata` does."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "steward-update-2025-EXAMPLE.xlsx"

pytestmark = pytest.mark.slow


def run(cmd, cwd, env, timeout=900):
    proc = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    return proc.returncode, proc.stdout, proc.stderr


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    work = tmp_path_factory.mktemp("wheel")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STOKE_OPENDATA_", "PYTHON", "VIRTUAL_ENV"))}
    code, out, err = run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", work / "dist", ROOT],
                         cwd=work, env=env)
    assert code == 0, err
    [wheel] = (work / "dist").glob("stoke_opendata-*.whl")
    shutil.rmtree(ROOT / "build", ignore_errors=True)  # the build's scratch folder, not ours to keep
    venv.EnvBuilder(with_pip=True, upgrade_deps=True).create(work / "venv")  # current pip and setuptools
    python = work / "venv" / "bin" / "python"
    code, out, err = run([python, "-m", "pip", "install", "-q", wheel], cwd=work, env=env)
    assert code == 0, err
    elsewhere = work / "elsewhere"
    elsewhere.mkdir()
    env["STOKE_OPENDATA_CACHE"] = str(work / "cache")
    return work, python, elsewhere, env


def test_the_installed_package_is_the_wheel_not_this_checkout(installed):
    work, python, elsewhere, env = installed
    code, out, err = run([python, "-c", "import stoke_opendata.catalogue.paths as p; print(p.__file__); print(p.home())"],
                         cwd=elsewhere, env=env)
    assert code == 0, err
    module, home = out.split()
    assert module.startswith(str(work / "venv")) and home.startswith(str(work / "venv"))
    assert not home.startswith(str(ROOT))


def test_indicators_validate_and_package_from_an_unrelated_folder(installed):
    work, python, elsewhere, env = installed
    cli = python.parent / "stoke-opendata"
    code, out, err = run([cli, "indicators", "--format", "json"], cwd=elsewhere, env=env)
    assert code == 0, err
    assert len(json.loads(out)) == len((ROOT / "schemas" / "indicators.csv").read_text().splitlines()) - 1
    code, out, err = run([cli, "validate", EXAMPLE, "--format", "json"], cwd=elsewhere, env=env)
    assert code == 0, err
    assert json.loads(out)["valid"] is True
    code, out, err = run([cli, "package", "corporate-strategy-2024-28", "--out", "built"], cwd=elsewhere, env=env)
    assert code == 0, err
    [descriptor] = (elsewhere / "built").glob("*/datapackage.json")
    resources = {r["name"] for r in json.loads(descriptor.read_text())["resources"]}
    assert {"observations", "targets", "progress"} <= resources


def test_stoke_opendata_home_overrides_the_bundled_copy(installed, tmp_path):
    work, python, elsewhere, env = installed
    home = tmp_path / "home"
    for part in ("schemas", "datasets", "publish"):
        shutil.copytree(ROOT / part, home / part)
    indicators = home / "schemas" / "indicators.csv"
    with indicators.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    with indicators.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows[:11])  # the header and the first ten indicators
    cli = python.parent / "stoke-opendata"
    code, out, err = run([cli, "indicators", "--format", "json"], cwd=elsewhere, env=dict(env, STOKE_OPENDATA_HOME=str(home)))
    assert code == 0, err
    assert sorted(i["id"] for i in json.loads(out)) == sorted(row[0] for row in rows[1:11])

"""`stoke-opendata package`: CliRunner tests on a small project home, and the refusal of invalid data."""

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from packaging_fixtures import make_home
from stoke_opendata.cli import cli


@pytest.fixture
def home(tmp_path, monkeypatch):
    home = make_home(tmp_path / "home")
    monkeypatch.setenv("STOKE_OPENDATA_HOME", str(home))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    return home


def invoke(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_without_names_every_package_is_built(home, tmp_path):
    out = tmp_path / "out"
    result = invoke("package", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "validated 2 dataset(s): no errors"
    assert sorted(p.name for p in out.iterdir()) == ["stoke-all-priorities", "stoke-greener", "stoke-healthier"]
    assert "built " in result.output and "2 chart(s), 2 progress row(s)" in result.output


def test_a_dataset_name_builds_every_package_holding_it_with_zips(home, tmp_path):
    out = tmp_path / "out"
    result = invoke("package", "greener", "--out", str(out), "--zip", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert [p["name"] for p in report["packages"]] == ["stoke-all-priorities", "stoke-greener"]
    greener = report["packages"][1]
    assert greener["charts"] == 1 and greener["progress"] == {"not_assessable": 1, "on_track": 1}
    assert sorted(p.name for p in out.iterdir()) == ["stoke-all-priorities", "stoke-all-priorities.zip", "stoke-greener", "stoke-greener.zip"]


def test_a_package_name_builds_just_that_package(home, tmp_path):
    result = invoke("package", "stoke-healthier", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["stoke-healthier"]


def test_an_invalid_dataset_is_refused_with_the_report_and_exit_1(home, tmp_path):
    with (home / "datasets" / "greener" / "observations.csv").open("a") as fh:
        fh.write("no-such-indicator,E06000021,Stoke-on-Trent,2024,lots,,,,,final,x,\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["package", "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert "refused" in result.output and "greener" in result.output
    assert "no-such-indicator" in result.output or "lots" in result.output
    assert not out.exists() or list(out.iterdir()) == []  # nothing packaged, not even the valid datasets


def test_refusal_in_json(home, tmp_path):
    with (home / "datasets" / "healthier" / "targets.csv").open("a") as fh:
        fh.write("smoking-prevalence,E06000021,,,not-a-type,5,,2030,,s,src,\n")
    result = CliRunner().invoke(cli, ["package", "--out", str(tmp_path / "out"), "--format", "json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["valid"] is False
    assert {d["name"]: d["valid"] for d in report["datasets"]} == {"greener": True, "healthier": False}


def test_errors_end_in_one_line_and_exit_2(home, tmp_path):
    run = subprocess.run([sys.executable, "-m", "stoke_opendata", "package", "nothing-like-this", "--out", str(tmp_path / "o")],
                         capture_output=True, text=True)
    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == [
        "error: 'nothing-like-this' is neither a package nor a dataset named in any manifest in publish/"]
    (home / "publish" / "bad.yaml").write_text("name: bad\nlicence: CC0\n")
    run = subprocess.run([sys.executable, "-m", "stoke_opendata", "package", "--out", str(tmp_path / "o")],
                         capture_output=True, text=True)
    assert run.returncode == 2
    assert run.stderr.startswith(f"error: {home / 'publish' / 'bad.yaml'}: ")
    assert "Traceback" not in run.stderr


def test_out_is_required(home):
    result = CliRunner().invoke(cli, ["package"])
    assert result.exit_code == 2
    assert "--out" in result.output

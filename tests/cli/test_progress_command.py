"""`stoke-opendata progress`: the progress table as text and JSON (CliRunner, small project home)."""

import json

import pytest
from click.testing import CliRunner

from packaging_fixtures import make_home
from stoke_opendata.cli import cli
from stoke_opendata.package.progress import FIELD_NAMES


@pytest.fixture
def home(tmp_path, monkeypatch):
    home = make_home(tmp_path / "home")
    monkeypatch.setenv("STOKE_OPENDATA_HOME", str(home))
    return home


def invoke(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_text_table_and_summary(home):
    result = invoke("progress")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "greener"  # one table per dataset, each assessed on its own observations
    assert lines[1].split()[:3] == ["indicator", "baseline", "latest"]
    assert "healthier" in lines
    bus = next(line for line in lines if line.startswith("bus-journeys"))
    assert bus.split()[1:] == ["7.5", "(2023)", "8.1", "(2024)", "10", "by", "2030", "+0.6", "+1.9", "on", "track", "-"]
    hle = next(line for line in lines if line.startswith("healthy-life-expectancy-female"))
    assert "off track" in hle and "-7.5 vs E92000001 (2020-22, worse)" in hle
    assert "2 target(s): 0 achieved, 1 on track, 0 off track, 0 no new data, 1 not assessable." in lines
    assert "2 target(s): 0 achieved, 0 on track, 2 off track, 0 no new data, 0 not assessable." in lines


def test_json_rows_follow_the_published_schema(home):
    result = invoke("progress", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [tuple(r) for r in rows] == [("dataset", *FIELD_NAMES)] * len(rows)
    assert {r["indicator_id"]: r["dataset"] for r in rows}["tree-cover"] == "greener"
    assert {r["indicator_id"]: r["status"] for r in rows} == {
        "bus-journeys": "on_track", "healthy-life-expectancy-female": "off_track",
        "smoking-prevalence": "off_track", "tree-cover": "not_assessable"}


def test_named_dataset_only(home):
    rows = json.loads(invoke("progress", "greener", "--format", "json").output)
    assert [r["indicator_id"] for r in rows] == ["bus-journeys", "tree-cover"]


def test_unknown_dataset_and_bad_number_are_one_line_errors(home):
    from stoke_opendata.errors import InputError, UsageError

    with pytest.raises(UsageError, match="unknown dataset 'nope'"):
        invoke("progress", "nope")
    with (home / "datasets" / "greener" / "observations.csv").open("a") as fh:
        fh.write("bus-journeys,E06000021,Stoke-on-Trent,2025,many,,,,,final,x,\n")
    with pytest.raises(InputError) as exc:
        invoke("progress", "greener")
    assert exc.value.one_line().endswith("observations.csv: row 4: column 'value': 'many' is not a number")


def test_bad_format_is_a_usage_error(home):
    result = CliRunner().invoke(cli, ["progress", "--format", "xml"])
    assert result.exit_code == 2

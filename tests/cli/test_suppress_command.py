"""`stoke-opendata suppress IN OUT`: CliRunner tests with a small catalogue."""

import csv
import json
import os

import pytest
from click.testing import CliRunner

from stoke_opendata.cli import cli
from safety_catalogue import CITY, LSOAS, WARDS, observation, write_observations, write_schemas


@pytest.fixture
def home(tmp_path, monkeypatch):
    write_schemas(tmp_path / "home")
    monkeypatch.setenv("STOKE_OPENDATA_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("STOKE_OPENDATA_DISCLOSURE_THRESHOLD", raising=False)
    return tmp_path


def _rows(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _invoke(*args, **kw):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, **kw)


def test_suppress_lists_every_changed_cell_and_writes_out(home):
    src = write_observations(home / "in.csv", [
        observation("children-in-care", CITY, 150),
        observation("children-in-care", WARDS[0], 3, numerator=3),
        observation("children-in-care", WARDS[1], 40),
        observation("children-in-care", WARDS[2], 25),
        observation("children-in-care", WARDS[3], 82),
        observation("employment-rate", WARDS[0], 2.0, numerator=2, denominator=100),
    ])
    out = home / "out.csv"
    result = _invoke("suppress", str(src), str(out))
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert "row 3, value: 3 -> (blank)  [primary]" in lines[0]
    assert any(line.startswith("row 3, numerator: 3 -> (blank)") for line in lines)
    assert any(line.startswith("row 3, status: final -> suppressed") for line in lines)
    assert any(line.startswith("row 5, value: 25 -> (blank)  [secondary]") for line in lines)
    assert lines[-1].startswith("5 cell(s) changed in 2 of 6 row(s) (1 primary, 1 secondary)")
    rows = _rows(out)
    assert [r["value"] for r in rows] == ["150", "", "40", "", "82", "2.0"]
    assert [r["status"] for r in rows][:4] == ["final", "suppressed", "final", "suppressed"]
    assert list(rows[0]) == list(_rows(src)[0]), "same columns, same order"
    # the result validates clean under the disclosure rule: running again changes nothing
    again = _invoke("suppress", str(out), str(home / "again.csv"))
    assert again.output.startswith("0 cell(s) changed")
    assert (home / "again.csv").read_bytes() == out.read_bytes()


def test_json_format_and_threshold_option(home):
    src = write_observations(home / "in.csv", [observation("children-in-care", WARDS[0], 12)])
    result = _invoke("suppress", str(src), str(home / "o.csv"), "--format", "json")
    assert json.loads(result.output)["counts"]["cells_changed"] == 0
    result = _invoke("suppress", str(src), str(home / "o.csv"), "--format", "json", "--threshold", "15")
    data = json.loads(result.output)
    assert data["threshold_override"] == 15
    assert [(c["row"], c["column"], c["reason"]) for c in data["changes"]] == [(2, "value", "primary"), (2, "status", "primary")]


def test_threshold_from_environment(home, monkeypatch):
    src = write_observations(home / "in.csv", [observation("children-in-care", WARDS[0], 12)])
    monkeypatch.setenv("STOKE_OPENDATA_DISCLOSURE_THRESHOLD", "13")
    result = _invoke("suppress", str(src), str(home / "o.csv"))
    assert result.output.startswith("row 2, value: 12 -> (blank)")
    monkeypatch.setenv("STOKE_OPENDATA_DISCLOSURE_THRESHOLD", "many")
    result = CliRunner().invoke(cli, ["suppress", str(src), str(home / "o2.csv")])
    assert result.exit_code != 0 and "STOKE_OPENDATA_DISCLOSURE_THRESHOLD" in str(result.exception)
    assert not (home / "o2.csv").exists()


def test_in_place_keeps_line_endings_blank_rows_and_row_numbers(home):
    src = home / "in.csv"
    write_observations(src, [observation("children-in-care", WARDS[0], 50), [""] * 12,
                             observation("rough-sleepers", LSOAS[1], 4)], line_ending="\r\n")
    result = _invoke("suppress", str(src), str(src))
    assert "row 4, value: 4 -> (blank)" in result.output
    data = src.read_bytes()
    assert data.count(b"\r\n") == 4 and b"\n" not in data.replace(b"\r\n", b"")
    assert _rows(src)[2]["status"] == "suppressed"


def test_rough_sleepers_own_threshold(home):
    src = write_observations(home / "in.csv", [observation("rough-sleepers", WARDS[1], 6)])
    assert _invoke("suppress", str(src), str(home / "o.csv")).output.startswith("0 cell(s)")


def _main(args, capfd):
    from stoke_opendata.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(args)
    out, err = capfd.readouterr()
    return exit_.value.code, out, err


@pytest.mark.parametrize(
    "content, cause",
    [
        ("", "the file is empty"),
        ("a,b\n1,2\n", "not an observations table: no column indicator_id"),
        ("indicator_id,area_code,period,value,status\nx,y,2023,1\n", "row 2 has 4 cells but the header has 5"),
        ("indicator_id,area_code,period,value,status,status\n", "two columns have the same header"),
        ('indicator_id,area_code,period,value,status\n"unclosed,1,2,3,4\n', "row"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(home, capfd, content, cause):
    src = home / "bad.csv"
    src.write_text(content)
    out = home / "out.csv"
    code, stdout, stderr = _main(["suppress", str(src), str(out)], capfd)
    assert code == 2
    assert cause in stderr and str(src) in stderr
    assert stderr.count("\n") == 1 and "Traceback" not in stderr
    assert not out.exists()
    assert [p.name for p in home.iterdir() if p.name.startswith(".out")] == []


def test_usage_errors(home, capfd):
    src = write_observations(home / "in.csv", [observation("children-in-care", WARDS[0], 50)])
    code, _, err = _main(["suppress", str(src), str(home / "no-such-dir" / "o.csv")], capfd)
    assert code == 2 and "does not exist" in err
    code, _, err = _main(["suppress", str(home / "missing.csv"), str(home / "o.csv")], capfd)
    assert code == 2 and "file not found" in err
    code, _, err = _main(["suppress", str(src), str(home / "o.csv"), "--threshold", "0"], capfd)
    assert code == 2 and "threshold" in err
    code, _, err = _main(["suppress", str(src), str(home)], capfd)
    assert code == 2


def test_oversized_input_is_refused(home, capfd, monkeypatch):
    src = write_observations(home / "in.csv", [observation("children-in-care", WARDS[0], 50, notes="x" * 500)])
    monkeypatch.setenv("STOKE_OPENDATA_MAX_CELL_CHARS", "100")
    code, _, err = _main(["suppress", str(src), str(home / "o.csv")], capfd)
    assert code == 2 and "row 2, column notes" in err

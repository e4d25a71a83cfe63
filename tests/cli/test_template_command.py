"""`stoke-opendata template` and `stoke-opendata datasets`: what a new steward starts from (issue 21 item 1)."""

import csv
import json

import openpyxl
import pytest
from click.testing import CliRunner

from stoke_opendata.cli import cli, main
from stoke_opendata.catalogue.template_rows import next_period
from stoke_opendata.validate.validator import validate_paths


def _invoke(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _history(indicator, area):
    """The bundled figures of one series (the value a filled template row is given, so it is plausible)."""
    from stoke_opendata.validate.pipeline import bundled_history as bundled

    import polars as pl

    frame = bundled(set())
    values = frame.filter((pl.col("indicator_id") == indicator) & (pl.col("area_code") == area))["value"].drop_nulls()
    return values[0] if values.len() else 1.0


def _fill(ws, header):
    at = {name: i + 1 for i, name in enumerate(header)}
    for r in range(2, ws.max_row + 1):
        indicator, area = ws.cell(r, at["indicator_id"]).value, ws.cell(r, at["area_code"]).value
        if not ws.cell(r, at["period"]).value:
            ws.cell(r, at["period"]).value = "2026"
        ws.cell(r, at["value"]).value = _history(indicator, area)
        ws.cell(r, at["status"]).value = "provisional"
        ws.cell(r, at["source"]).value = "test: the template filled in"


def test_the_workbook_template_has_lists_messages_and_an_explanation(tmp_path):
    out = tmp_path / "t.xlsx"
    result = _invoke("template", "growth-prospectus-2025", "--out", str(out))
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["submission", "columns", "lists"] and book["lists"].sheet_state == "hidden"
    ws = book["submission"]
    header = [c.value for c in ws[1]]
    assert header[:5] == ["indicator_id", "area_code", "area_name", "period", "value"]
    rows = ws.max_row - 1
    assert result.output.startswith(f"wrote {out}: {rows} row(s)") and rows > 10
    validations = ws.data_validations.dataValidation
    lists = [v for v in validations if v.type == "list"]
    assert {v.formula1.split("!")[1][:2] for v in lists} == {"$A", "$B", "$C"}  # indicator, area, status
    prompts = [v.prompt for v in validations if v.showInputMessage]
    assert any("periods, written like" in p for p in prompts) and any("percentage, 0 to 100" in p for p in prompts)
    explained = {r[0].value: r[2].value for r in book["columns"].iter_rows(min_row=2)}
    assert set(explained) == set(header) and "not the place name" in explained["area_code"]
    # the steward fills in value, status and source: it validates
    _fill(ws, header)
    book.save(tmp_path / "filled.xlsx")
    report = validate_paths([tmp_path / "filled.xlsx"])
    assert report.valid, [(p.code, p.row, p.column, p.message) for p in report.errors]


def test_the_csv_template_for_indicators_gives_the_next_period_in_the_source_form(tmp_path):
    out = tmp_path / "t.csv"
    assert _invoke("template", "--indicator", "recorded-crime-rate", "--indicator", "school-readiness", "--out", str(out)).exit_code == 0
    rows = list(csv.DictReader(out.open()))
    assert [(r["indicator_id"], r["area_code"], r["period"]) for r in rows] == [
        ("recorded-crime-rate", "E06000021", "2024/25"), ("recorded-crime-rate", "E92000001", "2024/25"),
        ("school-readiness", "E06000021", "2024/25"), ("school-readiness", "E92000001", "2024/25")]


def test_template_mistakes_are_one_line_errors(capsys, tmp_path):
    with pytest.raises(SystemExit) as caught:
        main(["template", "--indicator", "no-such-indicator", "--out", str(tmp_path / "t.csv")])
    assert caught.value.code == 2 and "unknown indicator id 'no-such-indicator'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as caught:
        main(["template", "growth-prospectus-2025", "--out", str(tmp_path / "t.json")])
    assert caught.value.code == 2 and not (tmp_path / "t.json").exists()
    with pytest.raises(SystemExit) as caught:
        main(["template", "--out", str(tmp_path / "t.csv")])
    assert caught.value.code == 2 and "stoke-opendata datasets" in capsys.readouterr().err


@pytest.mark.parametrize("latest, form, expected", [("2024", "annual", "2025"), ("2024", "financial_year", "2024/25"), ("2023/24", "academic_year", "2024/25"),
                                                     ("2018-20", "rolling_3_year", "2019-21"), ("2023-Q4", "quarterly", "2024-Q1"), ("2023-12", "monthly", "2024-01"),
                                                     ("2016-2022", "one_off", ""), (None, "annual", "")])
def test_next_period(latest, form, expected):
    assert next_period(latest, form) == expected


def test_datasets_lists_name_title_indicators_and_latest_period():
    result = _invoke("datasets")
    assert result.exit_code == 0
    assert "corporate-strategy-2024-28: Corporate Strategy 2024-28" in result.output
    assert "indicator-definitions" not in result.output  # nothing a steward submits to
    entries = json.loads(_invoke("datasets", "--format", "json").output)
    growth = next(e for e in entries if e["name"] == "growth-prospectus-2025")
    assert growth["indicators"] == 25 and growth["observations"] == 36 and growth["latest_period"] == "2025"

"""Spreadsheet formula injection: detection in text fields only, neutralising with an apostrophe."""

import csv

import pytest

from stoke_opendata.safety import injection

SCHEMA = {
    "fields": [
        {"name": "indicator_id", "type": "string"},
        {"name": "value", "type": "number"},
        {"name": "count", "type": "integer"},
        {"name": "notes"},  # no type: a Table Schema string
        {"name": "meta", "type": "any"},
    ]
}


@pytest.mark.parametrize("text", ["=1+2", "+44 1782", "-2+3", "@SUM(A1)", "\tcmd", "\r=x", "=HYPERLINK(\"http://x\")"])
def test_trigger_characters(text):
    assert injection.is_formula(text)
    assert injection.neutralise(text) == "'" + text
    assert not injection.is_formula(injection.neutralise(text)), "neutralising is idempotent"


@pytest.mark.parametrize("value", ["", "plain", " =leading space", "'=already", "5", "a=b", None, -5, -5.0, 3])
def test_ordinary_values_are_left_alone(value):
    assert not injection.is_formula(value)
    assert injection.neutralise(value) == value


def test_text_fields_follow_the_schema():
    assert injection.text_fields(SCHEMA) == ["indicator_id", "notes", "meta"]
    assert injection.text_fields(None, ["a", "b"]) == ["a", "b"]


def test_numbers_are_never_flagged_or_changed():
    rows = [
        {"indicator_id": "x", "value": "-5", "count": "-3", "notes": "=cmd|' /C calc'!A0", "meta": ""},
        {"indicator_id": "@x", "value": -2.5, "count": 1, "notes": "- see note", "meta": "+1"},
    ]
    fields = injection.text_fields(SCHEMA)
    found = injection.find_formula_cells(rows, fields)
    assert [(c.index, c.field) for c in found] == [(0, "notes"), (1, "indicator_id"), (1, "notes"), (1, "meta")]
    assert found[0].row == 2
    assert "formula" in found[0].message and "apostrophe" in found[0].hint
    out, changed = injection.neutralise_rows(rows, fields)
    assert out[0]["value"] == "-5" and out[0]["count"] == "-3" and out[1]["value"] == -2.5
    assert out[0]["notes"] == "'=cmd|' /C calc'!A0" and out[1]["meta"] == "'+1"
    assert changed == found
    assert rows[0]["notes"].startswith("="), "input rows untouched"


def test_message_names_invisible_characters():
    cell = injection.FormulaCell(0, "notes", "\tx")
    assert "TAB" in cell.message
    assert "carriage return" in injection.FormulaCell(0, "notes", "\rx").message


def test_neutralise_csv_streams_and_changes_text_cells_only(tmp_path):
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    with source.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["indicator_id", "value", "count", "notes", "meta"])
        w.writerow(["a", "-5", "-1", "=2+2", ""])
        w.writerow(["b", "7", "2", "fine, with comma", "@x"])
        w.writerow(["c", "", "", "\tTAB", "line\nbreak"])
    changed = injection.neutralise_csv(source, target, SCHEMA)
    assert [(c.row, c.field) for c in changed] == [(2, "notes"), (3, "meta"), (4, "notes")]
    with target.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["value"] == "-5" and rows[0]["count"] == "-1" and rows[0]["notes"] == "'=2+2"
    assert rows[1]["notes"] == "fine, with comma" and rows[1]["meta"] == "'@x"
    assert rows[2]["notes"] == "'\tTAB" and rows[2]["meta"] == "line\nbreak"
    # a second pass finds nothing: what packaging writes validates clean
    assert injection.neutralise_csv(target, tmp_path / "again.csv", SCHEMA) == []


def test_neutralise_csv_empty_file(tmp_path):
    (tmp_path / "e.csv").write_text("")
    assert injection.neutralise_csv(tmp_path / "e.csv", tmp_path / "o.csv", SCHEMA) == []


def test_neutralise_file_in_place_only_when_needed(tmp_path):
    clean = tmp_path / "clean.csv"
    clean.write_bytes(b"indicator_id,value,count,notes,meta\r\na,-5,-1,fine,\r\n")
    before = clean.read_bytes()
    assert injection.neutralise_file(clean, SCHEMA) == []
    assert clean.read_bytes() == before, "a table with no formula-like text keeps its bytes"
    dirty = tmp_path / "dirty.csv"
    dirty.write_text("indicator_id,value,count,notes,meta\na,-5,-1,=1+1,\n", encoding="utf-8")
    changed = injection.neutralise_file(dirty, SCHEMA)
    assert [(c.row, c.field) for c in changed] == [(2, "notes")]
    assert dirty.read_text(encoding="utf-8") == "indicator_id,value,count,notes,meta\na,-5,-1,'=1+1,\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []

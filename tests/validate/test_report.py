"""report: text a steward can read, JSON that follows schemas/validation-report.schema.json, one HTML page."""

import json

import jsonschema
import pytest

from stoke_opendata.validate import report as render
from stoke_opendata.catalogue.paths import schemas_dir
from stoke_opendata.validate.problems import FileInfo, Problem, Report

SCHEMA = json.loads((schemas_dir() / "validation-report.schema.json").read_text())


@pytest.fixture
def sample():
    report = Report(files=[FileInfo(path="a.csv", rows=3, encoding="cp1252", delimiter="semicolon", schema="observations"), FileInfo(path="b.xlsx", format="xlsx", rows=1, sheet="data")])
    report.extend(
        [
            Problem("a.csv", "type-error", "'61.3 %' in value is not a valid number", "write 61.3, not 61.3 %", row=2, column="value", value="61.3 %"),
            Problem("a.csv", "type-error", "'<b>' in value is not a valid number", "write a number", row=3, column="value", value="<script>alert(1)</script>"),
            Problem("a.csv", "constraint-error", "'Final' is not an allowed status", "write final", row=4, column="status", value="Final", constraint="enum"),
            Problem("a.csv", "guessed-delimiter", "semicolon-separated", "save as CSV UTF-8", value="semicolon"),
            Problem("b.xlsx", "outlier", "far from the usual", "check it", row=2, column="value", value="6.7"),
        ]
    )
    return report


def test_json_follows_the_published_schema(sample):
    data = render.to_dict(sample)
    jsonschema.validate(data, SCHEMA)
    assert data["valid"] is False and data["exit_code"] == 1
    assert data["summary"] == {"files": 2, "rows": 4, "errors": 3, "warnings": 2, "counts": {"type-error": 2, "constraint-error": 1, "guessed-delimiter": 1, "outlier": 1}}
    assert [f["valid"] for f in data["files"]] == [False, True]
    first = data["problems"][0]
    assert first["row"] is None and first["code"] == "guessed-delimiter" and first["severity"] == "warning" and first["layer"] == "reading"
    assert json.loads(render.to_json(sample)) == data


def test_schema_rejects_a_wrong_report(sample):
    data = render.to_dict(sample)
    data["problems"][0]["severity"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, SCHEMA)


def test_valid_report_with_warnings_only():
    report = Report(files=[FileInfo(path="x.csv", rows=1)], problems=[Problem("x.csv", "outlier", "m", "h", row=2, column="value")])
    data = render.to_dict(report)
    jsonschema.validate(data, SCHEMA)
    assert data["valid"] is True and data["exit_code"] == 0
    assert render.to_text(report).startswith("VALID: 1 file, 1 row, 0 errors, 1 warning")


def test_text_groups_and_counts(sample):
    text = render.to_text(sample)
    assert text.startswith("INVALID: 2 files, 4 rows, 3 errors, 2 warnings")
    assert "ERROR type-error x2" in text
    assert "row 2, value: '61.3 %' in value is not a valid number" in text
    assert "fix: write 61.3, not 61.3 %" in text
    assert text.index("ERROR type-error") < text.index("WARNING guessed-delimiter")  # errors first
    assert "b.xlsx (XLSX, sheet 'data'" in text


def test_text_caps_long_groups():
    report = Report(files=[FileInfo(path="x.csv", rows=50)])
    report.extend(Problem("x.csv", "type-error", f"bad {i}", "fix", row=i + 2, column="value", value="x") for i in range(50))
    text = render.to_text(report, max_per_code=5)
    assert "ERROR type-error x50" in text and "... and 45 more type-error" in text
    assert text.count("bad ") == 5
    assert render.to_text(report, max_per_code=0).count("bad ") == 50


def test_html_is_one_self_contained_escaped_page(sample):
    page = render.to_html(sample)
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page  # a cell's text cannot inject markup
    assert "&lt;script&gt;" in page
    for external in ("http://", "https://", "<link", "src="):
        assert external not in page
    assert "type-error" in page and "write 61.3, not 61.3 %" in page and "Invalid" in page

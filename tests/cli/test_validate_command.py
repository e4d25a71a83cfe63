"""`stoke-opendata validate`: exit codes 0/1/2, text, JSON (against the published schema), HTML, --fix."""

import json

import jsonschema
import pytest
from click.testing import CliRunner

from stoke_opendata.cli import cli, main
from stoke_opendata.catalogue.paths import schemas_dir
from validation_fixtures import CATALOGUE, FIELDS, GOOD, row, write_csv, write_xlsx

REPORT_SCHEMA = json.loads((schemas_dir() / "validation-report.schema.json").read_text())


def invoke(*args):
    """Through main(), as the installed command runs: StokeError -> one line and exit 2."""
    runner = CliRunner()
    return runner.invoke(main_wrapper, ["validate", "--no-history", "--catalogue", str(CATALOGUE), *map(str, args)])


import click  # noqa: E402


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.pass_context
def main_wrapper(ctx):
    main(ctx.args)


def test_valid_exit_0(tmp_path):
    result = invoke(write_csv(tmp_path, GOOD))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("VALID: 1 file, 6 rows, 0 errors, 0 warnings")


def test_warnings_only_exit_0(tmp_path):
    result = invoke(write_csv(tmp_path, [r.replace(",", ";") for r in GOOD], header=";".join(FIELDS)))
    assert result.exit_code == 0
    assert "WARNING guessed-delimiter" in result.output


def test_invalid_exit_1_text(tmp_path):
    result = invoke(write_csv(tmp_path, [row(0, value="68.1 %")]))
    assert result.exit_code == 1
    assert "ERROR type-error x1" in result.output and "fix: write 68.1, not 68.1 %" in result.output


@pytest.mark.parametrize("writer", [write_csv, write_xlsx])
def test_json_matches_schema(tmp_path, writer):
    result = invoke("--format", "json", writer(tmp_path, [row(0, value="68.1 %"), row(3, value="1045.5")]))
    assert result.exit_code == 1
    data = json.loads(result.output)
    jsonschema.validate(data, REPORT_SCHEMA)
    assert {(p["code"], p["row"], p["column"]) for p in data["problems"]} == {("type-error", 2, "value"), ("not-integer", 3, "value")}


def test_exit_2_unreadable_and_usage(tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"")
    result = invoke(tmp_path / "empty.csv")
    assert result.exit_code == 2
    assert "empty.csv" in result.output and "empty" in result.output and "Traceback" not in result.output
    result = invoke(tmp_path / "missing.csv")
    assert result.exit_code == 2 and "no such file" in result.output
    result = invoke("--format", "yaml", write_csv(tmp_path, GOOD))
    assert result.exit_code == 2
    result = invoke("--schema", "nonsense", write_csv(tmp_path, GOOD))
    assert result.exit_code == 2 and "Table Schema" in result.output
    result = invoke("--sheet", "x", write_csv(tmp_path, GOOD))
    assert result.exit_code == 2
    result = invoke("--suppressed-marker", "-", write_csv(tmp_path, GOOD))
    assert result.exit_code == 2 and "--fix" in result.output


def test_html_written_and_self_contained(tmp_path):
    page = tmp_path / "report.html"
    result = invoke("--html", page, write_csv(tmp_path, [row(0, status="Final")]))
    assert result.exit_code == 1
    html = page.read_text()
    assert html.startswith("<!DOCTYPE html>") and "constraint-error" in html and "write final exactly" in html
    assert "http" not in html.replace("http-equiv", "")
    assert f"wrote {page}" in result.output


def test_html_missing_folder_is_usage_error(tmp_path):
    result = invoke("--html", tmp_path / "no" / "r.html", write_csv(tmp_path, GOOD))
    assert result.exit_code == 2 and "does not exist" in result.output


def test_fix_lists_changes_and_validates_the_copy(tmp_path):
    source = write_csv(tmp_path, [row(0, value="68.1 %"), row(3, value="-", status="final"), row(4, value="£552.00")])
    out = tmp_path / "fixed.csv"
    result = invoke("--fix", out, "--suppressed-marker", "-", source)
    assert result.exit_code == 0, result.output
    assert "fix: 4 change(s):" in result.output
    assert "row 2, value: '68.1 %' -> '68.1'" in result.output
    assert "row 3, status: 'final' -> 'suppressed'" in result.output
    assert f"{out.name} (CSV" in result.output and "VALID" in result.output
    result = invoke("--fix", tmp_path / "again.csv", "--format", "json", source)
    data = json.loads(result.output)
    jsonschema.validate(data, REPORT_SCHEMA)
    assert data["fix"]["output"].endswith("again.csv") and len(data["fix"]["changes"]) == 2
    assert result.exit_code == 1  # "-" was not named a suppression marker this time


def test_fix_refuses_several_inputs_and_overwriting(tmp_path):
    source = write_csv(tmp_path, GOOD)
    assert invoke("--fix", tmp_path / "o.csv", source, source).exit_code == 2
    result = invoke("--fix", source, source)
    assert result.exit_code == 2 and "new file" in result.output


def test_help_lists_formats():
    result = CliRunner().invoke(cli, ["validate", "--help"])
    assert result.exit_code == 0
    for option in ("--format", "--html", "--fix", "--sheet", "--schema", "--suppressed-marker"):
        assert option in result.output

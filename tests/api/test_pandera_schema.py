"""The pandera schema built from the published definitions: typed columns, one named check per rule (and
indicator), failure cases mapped to the CLI's codes, and the same rows as the fast engine on the corpus."""

import json
from pathlib import Path

import pandera.errors
import polars as pl
import pytest

import stoke_opendata as so
from stoke_opendata.validate.checks.base import REGISTRY, RowCheck
from stoke_opendata.validate.tables.table import ROW
from stoke_opendata.validate.tables.files import read_table
from stoke_opendata.validate.tableschema.check import check_structure
from stoke_opendata.validate.pipeline import Catalogue, load_schema
from validation_fixtures import CATALOGUE, FIELDS, GOOD, row

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
MANIFEST = json.loads((CORPUS / "expected.json").read_text())["files"]
TABLES = sorted(n for n, e in MANIFEST.items() if e["exit_code"] != 2 and not e["args"] and n.endswith((".csv", ".xlsx")))
ROW_CODES = {code for c in REGISTRY if isinstance(c, RowCheck) for code in c.codes}


@pytest.fixture(scope="module")
def polars_schema():
    return so.pandera_schema(catalogue=CATALOGUE)


def frame(rows):
    return pl.DataFrame([dict(zip(FIELDS, r.split(","))) for r in rows]).with_columns(pl.all().replace("", None))


def failures(schema, df):
    try:
        schema.validate(df, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        return so.problems_from_pandera(exc)
    return []


def test_schema_has_typed_columns_and_named_checks(polars_schema):
    assert polars_schema.columns["value"].dtype.type == pl.Float64
    assert polars_schema.columns["indicator_id"].nullable is False and polars_schema.columns["notes"].nullable is True
    assert polars_schema.unique == ["indicator_id", "area_code", "period"]
    names = {c.name for c in polars_schema.checks}
    assert {"ci-order:lower_ci", "value-missing:value", "out-of-bounds:value:employment-rate",
            "not-integer:value:children-in-care", "rate-inconsistent:value:smoking-attributable-admissions",
            "period-format:period:healthy-life-expectancy-male"} <= names
    # a rule that cannot fail for an indicator (no multiplier: not a rate) gets no check for it
    assert "rate-inconsistent:value:children-in-care" not in names


def test_clean_frame_passes(polars_schema):
    assert polars_schema.validate(frame(GOOD), lazy=True).height == len(GOOD)


@pytest.mark.parametrize("backend", ["polars", "pandas"])
def test_failures_map_back_to_the_cli_codes(backend, polars_schema):
    bad = frame([row(0, value="100.1", lower_ci="", upper_ci=""), row(3, value="1045.5"), row(2, period="2023"),
                 row(1, lower_ci="80"), row(0, status="Final"), row(0, value="n/a", lower_ci="", upper_ci="")])
    schema = polars_schema if backend == "polars" else so.pandera_schema(catalogue=CATALOGUE, backend="pandas")
    found = {(p.code, p.row, p.column) for p in failures(schema, bad if backend == "polars" else bad.to_pandas())}
    assert {("out-of-bounds", 2, "value"), ("not-integer", 3, "value"), ("period-format", 4, "period"), ("ci-order", 5, "lower_ci"),
            ("constraint-error", 6, "status")} <= found
    # text in a number column: a type error at its row (pandera.polars coerces the frame at once, so it names no column)
    assert ("type-error", 7) in {(code, r) for code, r, _c in found}
    # the primary key (rows 2 and 6 repeat employment-rate, E06000021, 2023) and the catalogue's ids as foreign keys
    assert {r for code, r, _c in found if code == "primary-key"} >= {2, 6}
    unknown = frame([row(0, indicator_id="no-such-indicator")])
    unknown = unknown if backend == "polars" else unknown.to_pandas()
    assert ("foreign-key", 2, "indicator_id") in {(p.code, p.row, p.column) for p in failures(schema, unknown)}
    # one message names the rule and the indicator
    messages = [p.message for p in failures(schema, bad if backend == "polars" else bad.to_pandas()) if p.code == "out-of-bounds"]
    assert any("employment-rate" in m for m in messages)


def test_missing_columns_and_wrong_types_are_failures_not_exceptions(polars_schema):
    df = frame(GOOD).drop("numerator").with_columns(pl.lit("abc").alias("value"))
    codes = {p.code for p in failures(polars_schema, df)}
    assert {"missing-label", "type-error"} <= codes


def _pandera_rows(schema, path, catalogue, to_backend=lambda df: df):
    """The meaning failures pandera finds on the table as read (text), minus cells the structure layer reported."""
    table_schema, label = load_schema(None)
    checked = check_structure(read_table(path), table_schema, catalogue.reference, schema_label=label)
    skip = {(p.row, p.column) for p in checked.problems if p.severity == "error"}
    short = set(checked.short_rows)
    rows = checked.raw[ROW].to_list()
    df = checked.raw.drop(ROW).select([c for c in checked.raw.columns if c in checked.present])
    found = set()
    ids = checked.raw["indicator_id"].to_list() if "indicator_id" in checked.raw.columns else []
    for p in failures(schema, to_backend(df)):
        if p.code in ROW_CODES and p.row is not None:
            spreadsheet_row = rows[p.row - 2]
            named = p.message.split(" ", 1)[0].split(":")[2:]  # code:column[:indicator]
            assert named in ([], [ids[p.row - 2]]), (p.message, ids[p.row - 2])  # the check names the row's indicator
            if (spreadsheet_row, p.column) not in skip and spreadsheet_row not in short:
                found.add((p.code, spreadsheet_row, p.column))
    return found


@pytest.mark.parametrize("backend", ["polars", "pandas"])
def test_same_rows_as_the_fast_engine_on_the_corpus(backend, polars_schema):
    schema = polars_schema if backend == "polars" else so.pandera_schema(catalogue=CATALOGUE, backend="pandas")
    to_backend = (lambda df: df) if backend == "polars" else (lambda df: df.to_pandas())
    catalogue = Catalogue(CATALOGUE)
    compared = 0
    for name in TABLES:
        path = CORPUS / "files" / name
        report = so.validate_data(path, catalogue=CATALOGUE, history=False)
        fast = {(p.code, p.row, p.column) for p in report.problems if p.code in ROW_CODES}
        assert _pandera_rows(schema, path, catalogue, to_backend) == fast, name
        compared += len(fast)
    assert compared >= 10  # the corpus does exercise the meaning rules

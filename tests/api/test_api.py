"""The Python API: a DataFrame gives the same Report as the same data written to a CSV, bad frames give the
CLI's problems (never a library's exception), and `import stoke_opendata` stays light."""

import json
import subprocess
import sys

import pandas as pd
import polars as pl
import pytest

import stoke_opendata as so
from stoke_opendata.errors import InputError
from validation_fixtures import CATALOGUE, FIELDS, GOOD, row, write_csv


def as_cells(problems):
    return sorted((p.code, p.row, p.column, p.value) for p in problems)


def text_frame(rows):
    return pl.DataFrame([dict(zip(FIELDS, r.split(","))) for r in rows]).with_columns(pl.all().replace("", None))


BAD = [row(0, value="100.1", lower_ci="", upper_ci=""), row(3, value="1045.5"), row(2, period="2023"), row(1, lower_ci="80"),
       row(0, status="Final", area_code="E9200001"), row(4, value="", status="final")]


def typed(frame):
    numbers = ["value", "lower_ci", "upper_ci", "numerator", "denominator"]
    return frame.with_columns(pl.col(numbers).cast(pl.Float64))


@pytest.mark.parametrize("kind", ["polars", "pandas", "lazy"])
def test_a_frame_gives_the_report_of_the_same_csv(tmp_path, kind):
    from_file = so.validate_data(write_csv(tmp_path, BAD), catalogue=CATALOGUE, history=False)
    frame = typed(text_frame(BAD))
    frame = {"polars": frame, "pandas": frame.to_pandas(), "lazy": frame.lazy()}[kind]
    from_frame = so.validate_data(frame, catalogue=CATALOGUE, history=False)
    assert not from_frame.valid and from_frame.exit_code == 1
    assert as_cells(from_frame.problems) == as_cells(from_file.problems)
    assert len({p.code for p in from_frame.problems}) >= 6
    assert {p.file for p in from_frame.problems} == {"DataFrame"}


def test_clean_frame_is_valid():
    report = so.validate_data(typed(text_frame(GOOD)).to_pandas(), catalogue=CATALOGUE, history=False)
    assert report.valid and report.problems == [] and report.files[0].rows == len(GOOD)


def test_missing_columns_are_missing_label():
    report = so.validate_data(typed(text_frame(GOOD)).drop("status", "notes").to_pandas(), catalogue=CATALOGUE, history=False)
    assert {(p.code, p.column) for p in report.problems} >= {("missing-label", "status"), ("missing-label", "notes")}


def test_strings_in_value_are_type_errors_at_their_rows():
    df = typed(text_frame(GOOD)).to_pandas()
    df["value"] = df["value"].astype(object)
    df.loc[1, "value"] = "n/a"
    df.loc[2, "value"] = "55.9%"
    report = so.validate_data(df, catalogue=CATALOGUE, history=False)
    assert [(p.code, p.row, p.column, p.value) for p in report.problems] == [("type-error", 3, "value", "n/a"), ("type-error", 4, "value", "55.9%")]


def test_an_index_that_is_not_a_range_index():
    df = typed(text_frame(BAD)).to_pandas()
    from_range = as_cells(so.validate_data(df, catalogue=CATALOGUE, history=False).problems)
    # set_index on schema fields: they are columns again, rows counted by position
    keyed = df.set_index(["indicator_id", "area_code"])
    assert as_cells(so.validate_data(keyed, catalogue=CATALOGUE, history=False).problems) == from_range
    # an index of labels (a filtered or sorted frame): ignored, rows counted by position
    shuffled = df.set_axis([f"r{i}" for i in range(len(df))])
    assert as_cells(so.validate_data(shuffled, catalogue=CATALOGUE, history=False).problems) == from_range


def test_empty_frames():
    empty = typed(text_frame(GOOD)).head(0)
    report = so.validate_data(empty.to_pandas(), catalogue=CATALOGUE, history=False)
    assert report.valid and report.files[0].rows == 0
    with pytest.raises(InputError, match="no columns"):
        so.validate_data(pd.DataFrame(), catalogue=CATALOGUE)


def test_files_and_packages_go_the_cli_way(tmp_path):
    path = write_csv(tmp_path, BAD)
    cli = subprocess.run([sys.executable, "-m", "stoke_opendata", "validate", "--no-history", "--catalogue", str(CATALOGUE), "--format", "json", str(path)],
                         capture_output=True, text=True)
    from_cli = sorted((p["code"], p["row"], p["column"], p["value"]) for p in json.loads(cli.stdout)["problems"])
    assert as_cells(so.validate_data(str(path), catalogue=CATALOGUE, history=False).problems) == from_cli


def test_import_is_light_and_names_are_lazy():
    code = ("import sys, stoke_opendata as so;"
            "heavy=[m for m in ('polars','pandas','pandera','matplotlib','ckanapi','frictionless','openpyxl') if m in sys.modules];"
            "print(heavy); f = so.validate_data; print(callable(f), 'polars' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[0] == "[]"
    assert out[1] == "True False"  # the names resolve without importing polars either
    with pytest.raises(AttributeError):
        so.no_such_name


def test_what_is_not_a_frame_or_a_path_is_a_usage_error():
    from stoke_opendata.errors import UsageError

    for wrong in (None, {"value": [1]}, pl.Series([1, 2]), 42):
        with pytest.raises(UsageError, match="DataFrame, a path or a list of paths"):
            so.validate_data(wrong)

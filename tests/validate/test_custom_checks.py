"""Checks a council or a national body adds without editing this package: validate_data(..., checks=[...])
runs them with the registered ones, in every engine and in the pandera schema; a code already taken, or
something that is not a check, is a UsageError."""

from __future__ import annotations

import polars as pl
import pytest

from stoke_opendata.api import pandera_schema, validate_data
from stoke_opendata.errors import UsageError
from national_checks import TooPrecise
from validation_fixtures import CATALOGUE, GOOD, row, write_csv


class Clashing(TooPrecise):
    codes = {"out-of-bounds": ("error", "a second meaning for a code that has one")}


ROWS = [GOOD[0], row(1, value="75.71234"), GOOD[2]]


@pytest.mark.parametrize("engine", ["memory", "batched"])
def test_a_callers_check_runs_on_files(tmp_path, engine):
    path = write_csv(tmp_path, ROWS)
    plain = validate_data(path, catalogue=CATALOGUE, history=False, engine=engine)
    assert "too-precise" not in plain.counts()
    report = validate_data(path, catalogue=CATALOGUE, history=False, engine=engine, checks=[TooPrecise])
    [found] = [p for p in report.problems if p.code == "too-precise"]
    assert (found.row, found.column, found.value, found.severity) == (3, "value", "75.71234", "warning")
    assert report.valid  # a warning


def test_a_callers_check_runs_on_a_dataframe_and_in_the_pandera_schema(tmp_path):
    import pandera.errors

    frame = pl.read_csv(write_csv(tmp_path, ROWS), infer_schema=False)
    report = validate_data(frame, catalogue=CATALOGUE, history=False, checks=[TooPrecise()])
    assert [(p.code, p.row) for p in report.problems] == [("too-precise", 3)]
    schema = pandera_schema(catalogue=CATALOGUE, history=False, checks=[TooPrecise])
    with pytest.raises(pandera.errors.SchemaErrors) as caught:
        schema.validate(frame, lazy=True)
    assert "too-precise:value" in str(caught.value.failure_cases["check"].to_list())


def test_a_code_another_check_declares_is_refused(tmp_path):
    with pytest.raises(UsageError, match="out-of-bounds.*already declared by stoke_opendata.validate.checks.bounds.Bounds"):
        validate_data(write_csv(tmp_path, ROWS), catalogue=CATALOGUE, history=False, checks=[Clashing])


def test_only_checks_are_taken(tmp_path):
    with pytest.raises(UsageError, match="takes Check classes or instances"):
        validate_data(write_csv(tmp_path, ROWS), catalogue=CATALOGUE, history=False, checks=[lambda ctx: []])

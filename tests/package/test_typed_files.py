"""Data other tools read as published: a Parquet file beside each CSV, typed from its Table Schema (the same
column has the same type in every package, and polars concatenates every package's observations with its
default settings); an Excel workbook beside each CSV that shows "£" and "–" as written; a period basis on
every figure, refused at packaging when blank."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest


TYPES = {"string": "String", "number": "Float64", "integer": "Int64", "boolean": "Boolean", "date": "Date",
         "datetime": "Datetime(time_unit='us', time_zone='UTC')"}


def test_polars_concatenates_every_packages_observations_with_default_settings(bundled_packages):
    import polars as pl

    files = [p / "data" / "observations.parquet" for p in bundled_packages if (p / "data" / "observations.csv").is_file()]
    assert len(files) == 3
    frame = pl.concat([pl.read_parquet(f) for f in files])
    assert frame.height == sum(1 for f in files for _ in csv.DictReader(f.with_suffix(".csv").open(encoding="utf-8")))
    assert frame.schema["value"] == pl.Float64 and frame.schema["period"] == pl.String
    # the CSVs alone do not concatenate: that is what the Parquet twin is for
    with pytest.raises(pl.exceptions.PolarsError):
        pl.concat([pl.read_csv(f.with_suffix(".csv")) for f in files])


def test_each_parquet_is_typed_from_its_table_schema_and_one_column_has_one_type_everywhere(bundled_packages):
    import pandas as pd
    import polars as pl

    seen: dict[str, set[str]] = {}
    for package in bundled_packages:
        descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
        for resource in descriptor["resources"]:
            if not resource["path"].endswith(".csv"):
                continue
            parquet = package / resource["path"].replace(".csv", ".parquet")
            schema = pl.read_parquet_schema(parquet)
            for f in resource["schema"]["fields"]:
                assert str(schema[f["name"]]) == TYPES[f["type"]], (package.name, resource["name"], f["name"])
                seen.setdefault(f["name"], set()).add(str(schema[f["name"]]))
            text = pd.read_csv(package / resource["path"], dtype=str, keep_default_na=False)
            typed = pd.read_parquet(parquet)
            assert list(typed.columns) == list(text.columns) and len(typed) == len(text)
    assert {name: kinds for name, kinds in seen.items() if len(kinds) > 1} == {}
    assert seen["baseline_period"] == {"String"} and seen["higher_is_better"] == {"Boolean"}


def test_excel_reads_pound_and_dash_from_the_workbook_beside_each_csv(bundled_packages):
    from openpyxl import load_workbook

    checked = 0
    for package in bundled_packages:
        for path in sorted((package / "data").glob("*.csv")):
            raw = path.read_bytes()
            if not any(ch in raw.decode("utf-8") for ch in "£–"):
                continue
            # Excel opens a CSV without a byte-order mark as Windows-1252: the CSV alone is garbled
            assert "£" not in raw.decode("cp1252", errors="replace") or "Â£" in raw.decode("cp1252", errors="replace")
            rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
            sheet = load_workbook(path.with_suffix(".xlsx"), read_only=True).active
            cells = [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
            assert len(cells) == len(rows)
            for written, shown in zip(rows, cells):
                for a, b in zip(written, shown):
                    if isinstance(b, bool):
                        assert a == ("true" if b else "false")
                    elif isinstance(b, str):
                        assert a == b
                    else:
                        assert float(a) == b
            checked += 1
    assert checked >= 3


def test_a_figure_with_no_period_basis_is_refused_naming_the_row(tmp_path):
    from stoke_opendata.catalogue.dataset_tables import Table
    from stoke_opendata.errors import InputError
    from stoke_opendata.package import period_basis

    rows = [{"indicator_id": "a", "area_code": "E06000021", "period": "2024", "period_basis": "stated", "notes": ""},
            {"indicator_id": "b", "area_code": "E06000021", "period": "2025", "period_basis": "", "notes": ""}]
    table = Table("observations", tmp_path / "observations.csv", {}, header=list(rows[0]), rows=rows)
    with pytest.raises(InputError) as caught:
        period_basis.filled(table, "observations.csv")
    assert "row 3 (b, E06000021, 2025) has no period basis" in str(caught.value)
    # without the column, the note says it: the 103 figures of the bundled documents
    old = Table("observations", tmp_path / "o.csv", {}, header=["indicator_id", "period", "notes"],
                rows=[{"indicator_id": "a", "period": "2024", "notes": "period not stated; document year used"}])
    assert period_basis.filled(old, "o.csv").rows[0]["period_basis"] == "document_year"


DUCKDB_TYPES = {"string": "VARCHAR", "number": "DOUBLE", "integer": "BIGINT", "boolean": "BOOLEAN", "date": "DATE",
                "datetime": "TIMESTAMP WITH TIME ZONE"}


def test_duckdb_reads_every_parquet_with_the_table_schemas_types(bundled_packages):
    """DuckDB (an analyst's SQL over the downloads) sees the published types and every row, and can union every
    package's observations by name."""
    import duckdb

    con = duckdb.connect()
    observations = []
    for package in bundled_packages:
        descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
        for resource in descriptor["resources"]:
            if not resource["path"].endswith(".csv"):
                continue
            parquet = str(package / resource["path"].replace(".csv", ".parquet"))
            described = con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [parquet]).fetchall()
            types = {name: kind for name, kind, *_ in described}
            for f in resource["schema"]["fields"]:
                assert types[f["name"]] == DUCKDB_TYPES[f["type"]], (package.name, resource["name"], f["name"], types[f["name"]])
            with open(package / resource["path"], encoding="utf-8", newline="") as fh:
                rows = sum(1 for _ in csv.reader(fh)) - 1
            assert con.execute("SELECT count(*) FROM read_parquet(?)", [parquet]).fetchone()[0] == rows
            if resource["name"] == "observations":
                observations.append(parquet)
    assert len(observations) >= 3
    total = con.execute("SELECT count(*) FROM read_parquet(?, union_by_name = true)", [observations]).fetchone()[0]
    assert total == sum(con.execute("SELECT count(*) FROM read_parquet(?)", [p]).fetchone()[0] for p in observations)

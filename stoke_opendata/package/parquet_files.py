"""A Parquet file beside each CSV of a package, typed from the CSV's Table Schema.

A CSV carries no types: pandas, polars and DuckDB each guess, and guess differently (a value column of
whole numbers is Int64 in one package and Float64 in another, so `pl.concat` of the observations fails;
a column blank in every row is float to pandas and text to polars). The Parquet twin is written from the
published CSV with each column cast to its Table Schema type (string, number -> Float64, integer -> Int64,
boolean -> Boolean, date -> Date, year -> Int64, datetime -> Datetime in UTC), so every reader gets exactly the published types, and a
column has one type in every package. The Table Schema travels in the file's metadata
(`table_schema`). The files sit beside the CSVs (data/observations.parquet); they are not resources of
the descriptor, whose tables stay CSV, so publishing and frictionless validation are unchanged.
"""

from __future__ import annotations

import json
from pathlib import Path

from stoke_opendata.catalogue.casting import field_type, true_values
from stoke_opendata.errors import InputError



def _column(pl, frame, field: dict):
    name, kind = field["name"], field.get("type", "string")
    text = pl.col(name).str.strip_chars()
    blank = text.is_null() | (text == "")
    if kind == "boolean":
        trues = true_values(field)
        return pl.when(blank).then(None).otherwise(text.is_in(trues)).alias(name)
    if kind == "datetime":  # Table Schema's default format: ISO 8601 in UTC, 2026-11-28T10:00:00Z
        cleaned = pl.when(blank).then(None).otherwise(text.str.replace(r"Z$", "+00:00"))
        return cleaned.str.to_datetime("%Y-%m-%dT%H:%M:%S%:z", time_zone="UTC", strict=True).alias(name)
    if field_type(field).polars:  # number, integer, date, year: the one type table's dtype
        cleaned = pl.when(blank).then(None).otherwise(text)
        if kind == "number":
            cleaned = cleaned.str.replace_all(",", "") if field.get("groupChar") == "," else cleaned
        return cleaned.cast(getattr(pl, field_type(field).polars), strict=True).alias(name)
    return pl.when(blank).then(None).otherwise(pl.col(name)).alias(name)  # blank is missing (Table Schema)


def write_parquet(csv_path: Path, schema: dict) -> Path:
    """data/<table>.parquet beside data/<table>.csv, its columns typed from `schema`."""
    import polars as pl

    fields = list(schema.get("fields") or [])
    frame = pl.read_csv(csv_path, infer_schema=False)
    try:
        typed = frame.select([_column(pl, frame, f) for f in fields if f.get("name") in frame.columns])
    except pl.exceptions.PolarsError as exc:
        raise InputError(f"cannot type {csv_path.name} from its Table Schema ({str(exc).splitlines()[0]})",
                         where=str(csv_path)) from None
    target = csv_path.with_suffix(".parquet")
    typed.write_parquet(target, compression="zstd", statistics=False,
                        metadata={"table_schema": json.dumps(schema, sort_keys=True, ensure_ascii=False)})
    return target

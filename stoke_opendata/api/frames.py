"""A pandas or polars DataFrame as the all-text Table the CLI's reader produces, so one pipeline checks both.

Why text: the structure layer finds type errors by casting text (a string in `value` must become a
`type-error` at its row, as it is for a CSV), so a frame is first written out the way a CSV export would
write it: numbers without float noise (12.0 -> "12"), booleans true/false, dates ISO 8601, NaN/None/"" blank.
Row numbers are the ones the frame would have as a CSV (header = row 1, first record = row 2), whatever the
pandas index holds; an index whose names are schema fields (after `set_index`) is turned back into columns.
"""

from __future__ import annotations

from stoke_opendata.errors import InputError
from stoke_opendata.validate.problems import FileInfo
from stoke_opendata.validate.tables.table import ROW, Table, column_name

NAME = "DataFrame"


def is_dataframe(obj) -> bool:
    """A pandas or polars (Lazy)DataFrame, recognised by its module without importing either library."""
    module = type(obj).__module__.split(".")[0]
    return module in ("pandas", "polars") and type(obj).__name__ in ("DataFrame", "LazyFrame")


def frame_to_table(frame, field_names: set[str], name: str = NAME) -> Table:
    """The frame as a Table: columns "0".."n-1" of text, ROW, one field count per record (always the width)."""
    import polars as pl

    labels, columns = _text_columns(frame, field_names, name)
    if not labels:
        raise InputError("the DataFrame has no columns; give it the columns of the Table Schema", where=name)
    height = columns[0].len() if columns else 0
    data = pl.DataFrame([c.alias(column_name(i)) for i, c in enumerate(columns)])
    data = data.with_columns(pl.int_range(2, height + 2, dtype=pl.Int64).alias(ROW))
    counts = pl.Series("field_count", [len(labels)] * height, dtype=pl.Int32)
    info = FileInfo(path=name, format="dataframe", rows=height)
    return Table(info=info, labels=labels, frame=data, field_counts=counts)


def _text_columns(frame, field_names: set[str], name: str):
    module = type(frame).__module__.split(".")[0]
    if module == "polars":
        if type(frame).__name__ == "LazyFrame":
            frame = frame.collect()
        return list(frame.columns), [_polars_text(s) for s in frame.get_columns()]
    return _pandas_text(frame, field_names)


def _pandas_text(frame, field_names: set[str]):
    import pandas as pd

    index = frame.index
    if not isinstance(index, pd.RangeIndex) and any(n in field_names for n in index.names if n is not None):
        # set_index("indicator_id") moved schema fields into the index: give them back as columns
        frame = frame.reset_index(level=[n for n in index.names if n in field_names])
    labels = [" ".join(map(str, c)) if isinstance(c, tuple) else ("" if c is None else str(c)) for c in frame.columns]
    columns = [_pandas_column_text(frame.iloc[:, i]) for i in range(frame.shape[1])]
    return labels, columns


def _pandas_column_text(series):
    """One pandas column as polars text: through Arrow when its values share a type, else value by value."""
    import polars as pl

    try:
        converted = pl.from_pandas(series.reset_index(drop=True), nan_to_null=True)
    except Exception:  # mixed objects (numbers and text in one column): what each cell would print as
        return pl.Series([_cell_text(v) for v in series.tolist()], dtype=pl.String)
    if converted.dtype == pl.Object:
        return pl.Series([_cell_text(v) for v in series.tolist()], dtype=pl.String)
    return _polars_text(converted)


def _cell_text(value) -> str | None:
    import math

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    text = str(value)
    return text if text != "" and text.lower() not in ("nan", "nat", "<na>") else None


def _polars_text(series):
    """A typed polars column as the text a CSV export would hold."""
    import polars as pl

    dtype = series.dtype
    name = series.name
    if dtype == pl.String:
        return series.replace("", None)
    if dtype.is_float():
        whole = series.is_finite() & (series.round(0) == series) & (series.abs() < 1e15)
        frame = pl.DataFrame({"v": series})
        return frame.select(
            pl.when(pl.col("v").is_nan()).then(None)
            .when(whole).then(pl.col("v").cast(pl.Int64, strict=False).cast(pl.String))
            .otherwise(pl.col("v").cast(pl.String))
        ).to_series().alias(name)
    if dtype == pl.Boolean:
        return series.cast(pl.String).str.to_lowercase()
    if dtype == pl.Datetime:
        return series.dt.strftime("%Y-%m-%dT%H:%M:%S").str.strip_suffix("T00:00:00")
    try:
        return series.cast(pl.String)
    except Exception:  # lists, structs, objects: what each would print as
        return pl.Series(name, [_cell_text(v) for v in series.to_list()], dtype=pl.String)

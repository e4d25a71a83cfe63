"""Parquet input, the format data platforms hold: read as the same all-text Table a CSV becomes.

Every cell becomes its text (numbers as polars writes them, dates as ISO), so the structure and meaning
layers run unchanged. Row numbers are those of the same table exported to CSV: header = 1, the first
record = 2. Columns are part of the file's own schema, so a Parquet file whose columns are not the Table
Schema's is refused (exit 2) rather than reported cell by cell.
"""

from __future__ import annotations

from pathlib import Path

from stoke_opendata.errors import InputError
from stoke_opendata.validate.problems import FileInfo

MAGIC = b"PAR1"


def is_parquet(path: str | Path) -> bool:
    path = Path(path)
    if path.suffix.lower() in (".parquet", ".pq"):
        return True
    try:
        with open(path, "rb") as fh:
            return fh.read(4) == MAGIC
    except OSError:
        return False


def columns_of(path: Path, shown: str) -> list[str]:
    import pyarrow.parquet as pq

    try:
        return list(pq.read_schema(path).names)
    except FileNotFoundError:
        raise InputError("no such file", where=shown) from None
    except Exception as exc:  # ArrowInvalid: not a Parquet file, damaged footer
        raise InputError(f"not a readable Parquet file ({' '.join(str(exc).split())[:160]})", where=shown) from None


def check_columns(columns: list[str], schema: dict, shown: str) -> None:
    """Refuse a Parquet file whose columns are not the Table Schema's (one line, exit 2)."""
    names = [f.get("name") for f in schema.get("fields", []) if isinstance(f, dict)]
    missing = [n for n in names if n not in columns]
    extra = [c for c in columns if c not in names]
    if missing or extra:
        parts = []
        if missing:
            parts.append("missing " + ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else ""))
        if extra:
            parts.append("not in the Table Schema: " + ", ".join(extra[:5]) + (" ..." if len(extra) > 5 else ""))
        raise InputError(f"the Parquet file's columns do not match the Table Schema ({'; '.join(parts)})", where=shown)


def as_text(frame, columns: list[str]):
    """The columns as text (null stays null; blank text becomes null, as a blank CSV cell does)."""
    return frame.select(text_exprs(frame.schema, columns))


def text_exprs(schema, columns: list[str], names: list[str] | None = None) -> list:
    """as_text's expressions, for a frame or a lazy scan with this schema (`names`: what to call them)."""
    import polars as pl

    return [
        (pl.col(c) if schema[c] == pl.String else pl.col(c).cast(pl.String)).str.replace(r"^\s*$", "").replace("", None).alias(n)
        for c, n in zip(columns, names or columns)
    ]


def table_from_text(frame, rows, shown: str, labels: list[str]):
    """A reading.Table from text columns named by `labels` and their spreadsheet row numbers."""
    import polars as pl

    from stoke_opendata.validate.tables.table import ROW, Table, column_name

    data = frame.select([pl.col(name).alias(column_name(i)) for i, name in enumerate(labels)]).with_columns(
        pl.Series(ROW, rows, dtype=pl.Int64)
    )
    counts = pl.Series("counts", [len(labels)] * data.height, dtype=pl.Int32)
    info = FileInfo(path=shown, format="parquet", rows=data.height)
    return Table(info=info, labels=list(labels), frame=data, field_counts=counts)


def read_parquet_table(path: str | Path, schema: dict, shown: str | None = None):
    """The whole Parquet file as a Table (the in-memory engine)."""
    import polars as pl

    from stoke_opendata.safety.guards import check_file_size

    path = Path(path)
    shown = shown or str(path)
    check_file_size(path)
    columns = columns_of(path, shown)
    check_columns(columns, schema, shown)
    frame = as_text(pl.read_parquet(path), columns)
    return table_from_text(frame, range(2, frame.height + 2), shown, columns)

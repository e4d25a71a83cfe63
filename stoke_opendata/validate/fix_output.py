"""`validate --fix OUT.xlsx`: the fixed copy as a workbook, so a steward keeps working in Excel.

A number column's cells are written as numbers (Excel shows no "number stored as text" flags); every other
cell as text, so a period such as 2024/25 or 2025 is never turned into a date or a number. Written to a
temporary file and moved into place: never half a workbook.
"""

from __future__ import annotations

from pathlib import Path


def write_workbook(frame, out_path: str | Path, schema: dict, sheet: str | None = None) -> None:
    from openpyxl import Workbook

    from stoke_opendata.safety.atomic import atomic_write

    numeric = {f["name"] for f in schema.get("fields", []) if isinstance(f, dict) and f.get("type") in ("number", "integer")}
    book = Workbook(write_only=True)
    ws = book.create_sheet(title=(sheet or "data")[:31])
    columns = frame.columns
    ws.append(columns)
    for row in frame.iter_rows():
        ws.append([_cell(value, name in numeric) for name, value in zip(columns, row)])
    with atomic_write(out_path, "wb") as fh:
        book.save(fh)


def _cell(value, numeric: bool):
    if value is None or value == "":
        return None
    if numeric:
        try:
            number = float(value)
        except ValueError:
            return value  # not a number: left as written, for validation to report
        return int(number) if number.is_integer() and "." not in value and "e" not in value.lower() else number
    return value

"""Read one sheet of an Excel workbook as text, as the steward sees it (a percentage cell reads 68.1%)."""

from __future__ import annotations

from pathlib import Path

from stoke_opendata.errors import InputError, UsageError
from stoke_opendata.validate.problems import FileInfo
from stoke_opendata.validate.tables.header import header_index, header_problem, normal_label
from stoke_opendata.validate.tables.sniff import _read_head, _sniff_kind
from stoke_opendata.validate.tables.table import PAD, ROW, Table, column_name


def _cell_text(cell) -> str:
    import datetime as dt

    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    fmt = getattr(cell, "number_format", None) or ""
    if isinstance(value, (int, float)):
        if "%" in fmt:
            # a cell formatted as a percentage stores 0.613 and shows 61.3%: give the validator what the steward sees
            shown = round(float(value) * 100, 10)
            return f"{_number_text(shown)}%"
        return _number_text(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _number_text(value) -> str:
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value)


def read_xlsx(path: str | Path, sheet: str | None = None, schema_names: set[str] | None = None, shown: str | None = None) -> Table:
    """Read one sheet of a workbook: `sheet` if given, else the first whose first row holds schema field names."""
    import zipfile

    import openpyxl
    import polars as pl

    path = Path(path)
    shown = shown or str(path)
    head = _read_head(path, shown)
    if not head.startswith(b"PK\x03\x04"):
        _sniff_kind(path, head)  # raises a precise cause
        raise InputError("the file is named .xlsx but is not an Excel workbook", where=shown)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputError(f"the workbook cannot be opened ({type(exc).__name__}: {exc}); save it again from Excel", where=shown) from None
    except Exception as exc:  # openpyxl raises its own exception types for damaged files
        raise InputError(f"the workbook cannot be opened ({type(exc).__name__}); save it again from Excel", where=shown) from None
    try:
        names = book.sheetnames
        if sheet is not None:
            if sheet not in names:
                raise UsageError(f"no sheet named {sheet!r}; the workbook has {', '.join(map(repr, names))}", where=shown)
            chosen = sheet
            rows = _sheet_rows(book[chosen])
        else:
            chosen, rows = None, None
            first_nonempty = None
            for name in names:
                candidate = _sheet_rows(book[name])
                if not candidate:
                    continue
                if first_nonempty is None:
                    first_nonempty = (name, candidate)
                header = {normal_label(v) for v in candidate[header_index(candidate, schema_names)]}
                if schema_names is None or header & {normal_label(n) for n in schema_names}:
                    chosen, rows = name, candidate
                    break
            if chosen is None:
                if first_nonempty is None:
                    raise InputError("the workbook has no data in any sheet", where=shown)
                chosen, rows = first_nonempty
    except (InputError, UsageError):
        raise
    except Exception as exc:  # a damaged sheet inside a readable zip
        raise InputError(f"the workbook cannot be read ({type(exc).__name__}); save it again from Excel", where=shown) from None
    finally:
        book.close()
    if not rows:
        raise InputError(f"sheet {chosen!r} is empty", where=shown)
    top = header_index(rows, schema_names)  # a title row above the header: one problem, not one per column
    header = rows[top]
    while header and not header[-1].strip():
        header = header[:-1]
    width = max(len(header), 1)
    data_rows = rows[top + 1:]
    counts = []
    padded = []
    extras: dict[int, str | None] = {}
    for position, values in enumerate(data_rows):
        last = len(values)
        while last and not values[last - 1].strip():
            last -= 1
        counts.append(max(last, width))  # a spreadsheet has every cell: only extra cells can happen
        if last > width:
            extras[position] = values[width] or None
        values = (values + [""] * (width + PAD))[: width + PAD]
        padded.append([v if v != "" else None for v in values])  # blank is null, as in the CSV reader
    columns = {column_name(i): [r[i] for r in padded] for i in range(width + PAD)}
    frame = pl.DataFrame(columns, schema={k: pl.String for k in columns})
    frame = frame.with_columns(pl.int_range(top + 2, frame.height + top + 2, dtype=pl.Int64).alias(ROW))
    info = FileInfo(path=shown, format="xlsx", rows=frame.height, sheet=chosen)
    return Table(
        problems=[header_problem(shown, rows, top)] if top else [],
        header_row=top + 1,
        info=info,
        labels=[("" if v is None else v) for v in header] + [""] * (width - len(header)),
        frame=frame,
        field_counts=pl.Series("field_count", counts, dtype=pl.Int32),
        extra_values=extras,
    )


def _sheet_rows(ws) -> list[list[str]]:
    """All rows as text; trailing rows that are entirely empty (Excel formatting leftovers) are dropped."""
    rows = [[_cell_text(c) for c in row] for row in ws.iter_rows()]
    while rows and not any(v.strip() for v in rows[-1]):
        rows.pop()
    return rows

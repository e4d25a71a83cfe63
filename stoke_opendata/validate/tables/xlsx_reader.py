"""Read one sheet of an Excel workbook as text, as the steward sees it (a percentage cell reads 68.1%)."""

from __future__ import annotations

from pathlib import Path

from stoke_opendata.errors import InputError, UsageError
from stoke_opendata.safety.guards import cell_too_long
from stoke_opendata.validate.problems import FileInfo
from stoke_opendata.validate.tables.header import header_index, header_problem, normal_label
from stoke_opendata.validate.tables.sniff import read_head, sniff_kind
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

    from stoke_opendata.safety.guards import Limits

    path = Path(path)
    shown = shown or str(path)
    limits = Limits.from_env()
    head = read_head(path, shown)
    if not head.startswith(b"PK\x03\x04"):
        sniff_kind(path, head)  # raises a precise cause
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
            rows = _sheet_rows(book[chosen], limits, shown)
        else:
            chosen, rows = None, None
            first_nonempty = None
            for name in names:
                candidate = _sheet_rows(book[name], limits, shown)
                if not candidate:
                    continue
                if first_nonempty is None:
                    first_nonempty = (name, candidate)
                texts = [cells for _number, cells in candidate]
                header = {normal_label(v) for v in texts[header_index(texts, schema_names)]}
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
    texts = [cells for _number, cells in rows]
    top = header_index(texts, schema_names)  # a title row above the header: one problem, not one per column
    header = rows[top][1]
    while header and not header[-1].strip():
        header = header[:-1]
    width = max(len(header), 1)
    data_rows = rows[top + 1:]
    counts = []
    columns: list[list[str | None]] = [[] for _ in range(width + PAD)]
    extras: dict[int, str | None] = {}
    for position, (_number, values) in enumerate(data_rows):
        last = len(values)
        while last and not values[last - 1].strip():
            last -= 1
        counts.append(max(last, width))  # a spreadsheet has every cell: only extra cells can happen
        if last > width:
            extras[position] = values[width] or None
        for i, column in enumerate(columns):
            value = values[i] if i < len(values) else ""
            column.append(value if value != "" else None)  # blank is null, as in the CSV reader
    frame = pl.DataFrame({column_name(i): c for i, c in enumerate(columns)}, schema={column_name(i): pl.String for i in range(width + PAD)})
    # the sheet's own row numbers (a far row keeps its number; see _sheet_rows)
    frame = frame.with_columns(pl.Series(ROW, [n for n, _ in data_rows], dtype=pl.Int64))
    info = FileInfo(path=shown, format="xlsx", rows=frame.height, sheet=chosen)
    return Table(
        problems=[header_problem(shown, texts, top)] if top else [],
        header_row=rows[top][0],
        info=info,
        labels=[("" if v is None else v) for v in header] + [""] * (width - len(header)),
        frame=frame,
        field_counts=pl.Series("field_count", counts, dtype=pl.Int32),
        extra_values=extras,
    )


def _sheet_rows(ws, limits, shown: str) -> list[tuple[int, list[str]]]:
    """(row number, cells as text) for every row the sheet's XML holds, streamed by openpyxl's own row
    parser; trailing rows that are entirely empty (Excel formatting leftovers) are dropped.

    The sheet's declared <dimension> is not used: openpyxl's read-only rows stop at the row it names (a
    stale A1:L11 hid row 12, so a bad row was reported VALID) and fill every row up to it (A1:XFD1048576
    with one far row took 7.6 GB). Here a row the XML skips is one blank row at the start of the gap (a
    run of blank rows is reported once, at its first row; a far row keeps its own number), so the work
    and memory follow the XML, not what it claims. A cell longer than the CSV cell limit is refused as it
    is read (safety.guards.cell_too_long), before the rest of the sheet is parsed."""
    from openpyxl.cell.read_only import ReadOnlyCell
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet._reader import WorkSheetParser

    book = ws.parent
    rows: list[tuple[int, list[str]]] = []
    previous = 0
    src = ws._get_source()
    try:
        parser = WorkSheetParser(src, ws._shared_strings, data_only=True, epoch=book.epoch,
                                 date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
        for number, cells in parser.parse():
            number = max(number, previous + 1)  # a row numbered out of order keeps its place in the XML
            if number > previous + 1 and rows:
                rows.append((previous + 1, []))  # the rows the XML skips: blank, reported once
            previous = number
            values: dict[int, str] = {}
            for cell in cells:
                text = _cell_text(ReadOnlyCell(ws, **cell))
                if len(text) > limits.max_cell_chars:
                    raise cell_too_long(number, get_column_letter(min(max(cell["column"], 1), 18278)), len(text), limits, shown)
                if text:
                    values[cell["column"]] = text
            width = max(values, default=0)
            rows.append((number, [values.get(c, "") for c in range(1, width + 1)] if width <= 16384 else []))
    finally:
        src.close()
    while rows and not any(v.strip() for v in rows[-1][1]):
        rows.pop()
    return rows

"""Read what a steward sends (CSV, XLSX, or a data package) into an all-text table with spreadsheet row numbers.

Everything is read as text on purpose: a cell that is not a number must still reach the validator so it
can say which cell, what it holds and how to fix it (a typed reader stops at the first bad cell). Files
that cannot be tables at all (empty, binary, HTML saved as .csv, an extension that lies) raise InputError:
one line naming the file and the cause, exit 2. Guessed delimiters and encodings become warnings.
polars and openpyxl are imported inside the functions (the CLI must start fast).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from stoke_opendata.errors import InputError, UsageError
from stoke_opendata.validate.problems import FileInfo, Problem
from stoke_opendata.safety.guards import resolve_resource_path

# extra columns read beyond the header when a caller keeps extra cells (`--fix`); extra cells are counted
# either way, and the first one's text is kept in Table.extra_values
PAD = 1
ROW = "__row__"  # spreadsheet row number of each record (header = 1)
HEAD_BYTES = 65536
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
EXCEL_EXTENSIONS = {".xlsx", ".xlsm"}
# every byte but the control characters that do not belong in a CSV (all below 32 except \t \n \x0c \r)
_NOT_CONTROL = bytes(b for b in range(256) if b >= 32 or b in (9, 10, 12, 13))


@dataclass
class Table:
    """One table, all cells as text (a blank cell is null). Frame columns are positions "0".."n" (labels may be blank or repeated);
    `field_counts[i]` is how many cells record i really had, so extra and missing cells can be told apart."""

    info: FileInfo
    labels: list[str]
    frame: object  # polars.DataFrame: columns "0".."K-1" (String; "K".."K+PAD-1" too when read padded) and ROW (Int64)
    field_counts: object  # polars.Series (Int32), aligned with frame
    problems: list[Problem] = field(default_factory=list)
    # record position -> the text of its first cell beyond the header's width (None if blank), for the
    # records that have more cells than the header (what an extra-cell problem shows)
    extra_values: dict = field(default_factory=dict)

    @property
    def path(self) -> str:
        return self.info.path


def column_name(position: int) -> str:
    return str(position)


# ---------------------------------------------------------------------------------------------- sniffing


def _sniff_kind(path: Path, head: bytes) -> str:
    """'csv' or 'xlsx' from the content; raises InputError for anything that is not a table."""
    shown = str(path)
    ext = path.suffix.lower()
    if not head:
        raise InputError("the file is empty (0 bytes); export the table again", where=shown)
    if head.startswith(b"PK\x03\x04"):
        if ext in EXCEL_EXTENSIONS:
            return "xlsx"
        raise InputError(
            f"the file is an Excel workbook (or another zip archive) but is named {ext or 'without an extension'}; "
            "rename it to .xlsx, or save it from Excel as 'CSV UTF-8'",
            where=shown,
        )
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError("the file is an old Excel 97-2003 workbook (.xls); save it as .xlsx or 'CSV UTF-8'", where=shown)
    if head.startswith(b"%PDF"):
        raise InputError("the file is a PDF, not a table; send the figures as CSV or XLSX", where=shown)
    if ext in EXCEL_EXTENSIONS:
        raise InputError(
            f"the file is named {ext} but is not an Excel workbook (it looks like text); rename it to .csv if it is CSV",
            where=shown,
        )
    if ext == ".xls":
        raise InputError("old Excel 97-2003 workbooks (.xls) are not read; save it as .xlsx or 'CSV UTF-8'", where=shown)
    if ext in (".json",):
        raise InputError("a .json file that is not a data package descriptor (datapackage.json) cannot be validated", where=shown)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "csv"  # UTF-16 text (Excel's "Unicode Text"); decoded later
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html", b"<?xml", b"<table", b"<head", b"<body")) or b"<html" in head[:2048].lower():
        raise InputError(
            "the file is a web page (HTML/XML), not CSV; it was probably saved from a browser. Download or export the CSV itself",
            where=shown,
        )
    if b"\x00" in head:
        raise InputError("the file is binary (it contains NUL bytes), not a CSV text file", where=shown)
    # control characters other than tab, line breaks and form feed: counted in C (a byte loop in Python
    # cost ~10 ms per file)
    controls = len(head.translate(None, _NOT_CONTROL))
    if controls > max(2, len(head) // 100):
        raise InputError("the file is binary junk, not a CSV text file", where=shown)
    return "csv"


def _decode_head(head: bytes) -> tuple[str, str, bool]:
    """(text, encoding, guessed) for the first bytes of a text file."""
    if head.startswith(b"\xef\xbb\xbf"):
        return head[3:].decode("utf-8", errors="replace"), "utf-8-sig", False
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="replace"), "utf-16", True
    try:
        return codecs.getincrementaldecoder("utf-8")().decode(head, final=False), "utf-8", False
    except UnicodeDecodeError:
        pass
    try:
        return head.decode("cp1252"), "cp1252", True
    except UnicodeDecodeError:
        return head.decode("latin-1"), "latin-1", True


def _sniff_delimiter(first_line: str) -> str:
    counts = {}
    in_quotes = False
    for ch in first_line:
        if ch == '"':
            in_quotes = not in_quotes
        elif not in_quotes and ch in DELIMITERS:
            counts[ch] = counts.get(ch, 0) + 1
    if not counts:
        return ","
    best = max(counts.values())
    return "," if counts.get(",", 0) == best else max(counts, key=counts.get)


def _first_record(text: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader(io.StringIO(text), delimiter=delimiter))
    except (StopIteration, csv.Error):
        return []


# ---------------------------------------------------------------------------------------------- CSV


def read_csv(path: str | Path, shown: str | None = None, pad: int = 0) -> Table:
    """Read a CSV as text, detecting BOM, encoding (UTF-8, else cp1252/latin-1; UTF-16), delimiter, line endings."""
    import polars as pl

    path = Path(path)
    shown = shown or str(path)
    head = _read_head(path, shown)
    kind = _sniff_kind(path, head)
    if kind == "xlsx":
        return read_xlsx(path, shown=shown)
    text, encoding, guessed = _decode_head(head)
    if not text.strip("\ufeff \t\r\n"):
        raise InputError("the file has no content but blank lines; export the table again", where=shown)
    eol = "\n"
    if "\r" in text and "\n" not in text:
        eol = "\r"  # old Mac line endings
    first_line = text.lstrip("\ufeff").split(eol, 1)[0].rstrip("\r")
    delimiter = _sniff_delimiter(first_line)
    header = _first_record(text.lstrip("\ufeff").replace("\r\n", "\n") if eol == "\n" else text.replace("\r", "\n"), delimiter)
    width = max(len(header), 1)
    problems: list[Problem] = []

    source: object = str(path)
    if encoding not in ("utf-8", "utf-8-sig"):
        source = _transcode(path, encoding, shown)
    try:
        frame, lines = _polars_read(pl, source, delimiter, eol, width, pad)
    except pl.exceptions.ComputeError as exc:
        if "utf-8" in str(exc).lower() or "utf8" in str(exc).lower():
            encoding, guessed = "cp1252", True
            source = _transcode(path, encoding, shown)
            frame, lines = _polars_read(pl, source, delimiter, eol, width, pad)
        else:
            raise InputError(_unparsable(source, str(exc)), where=shown) from None
    except pl.exceptions.NoDataError:
        raise InputError("the file has no content; export the table again", where=shown) from None

    if frame.height == 0:
        raise InputError("the file has no header row", where=shown)
    labels = [("" if v is None else v) for v in frame.select(column_name(i) for i in range(width)).row(0)]
    if labels:
        labels[0] = labels[0].lstrip("\ufeff")
    data = frame.slice(1)
    del frame
    counts, extras = _field_counts(pl, lines, data, width, delimiter, source, shown, eol)
    if guessed:
        problems.append(
            Problem(
                file=shown,
                code="guessed-encoding",
                message=f"the file is not UTF-8; it was read as {encoding}",
                hint="save it as 'CSV UTF-8 (Comma delimited)' so that £, accents and dashes survive",
                value=encoding,
            )
        )
    if delimiter != ",":
        problems.append(
            Problem(
                file=shown,
                code="guessed-delimiter",
                message=f"the file is {DELIMITERS[delimiter]}-separated, not comma-separated; it was read as such",
                hint="save it as 'CSV UTF-8 (Comma delimited)'",
                value=DELIMITERS[delimiter],
            )
        )
    info = FileInfo(path=shown, format="csv", rows=data.height, encoding=encoding, delimiter=DELIMITERS[delimiter])
    return Table(info=info, labels=labels, frame=data, field_counts=counts, problems=problems, extra_values=extras)


def _unparsable(source, detail: str) -> str:
    """Why polars could not parse the file, in a steward's words where we can tell: usually a quote that is
    opened and never closed (every line after it would be one cell)."""
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    open_line = None
    for number, line in enumerate(data.splitlines(), start=1):
        if line.count(b'"') % 2:
            if open_line is None:
                open_line = number
            else:
                open_line = None  # closed on a later line: a quoted cell with a line break, which is fine
    if open_line is not None:
        return f'a quote (") opened on line {open_line} is never closed; remove it, or close it after the cell\'s text'
    return f"the file could not be read as CSV ({' '.join(detail.split())[:200]})"


def _read_head(path: Path, shown: str) -> bytes:
    try:
        if path.is_dir():
            raise InputError("is a directory, not a file", where=shown)
        with path.open("rb") as fh:
            return fh.read(HEAD_BYTES)
    except FileNotFoundError:
        raise InputError("no such file", where=shown) from None
    except PermissionError:
        raise InputError("permission denied", where=shown) from None
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror or exc})", where=shown) from None


def _transcode(path: Path, encoding: str, shown: str) -> bytes:
    raw = path.read_bytes()
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    return text.lstrip("\ufeff").encode("utf-8")


def _polars_read(pl, source, delimiter: str, eol: str, width: int, pad: int = 0):
    """The records (header included) as text, `width` columns (+ `pad` for cells beyond the header), and
    per physical line its length in bytes and whether it holds a quote (streamed: the lines' text is never
    held in memory). Validation reads no padding: a column of the first extra cells cost ~15 MB and ~5% of
    the read on 1M rows, and the few rows that have extra cells are read again for their exact count anyway."""
    common = dict(has_header=False, eol_char=eol, truncate_ragged_lines=True, raise_if_empty=True)
    schema = {column_name(i): pl.String for i in range(width + pad)}
    # the lines first: the streaming pass's buffers (~60 MB on 1M lines) are then free again for the
    # records, instead of adding to the peak on top of them
    lines = _line_lengths(pl, source, eol)
    # blank cells are null (so no copy is needed to mark them missing); missing cells are told apart by
    # the field counts taken from the physical lines
    # the row numbers come from the reader itself (header = 1), chunked like the cells: a column added
    # afterwards would make every later select copy the whole table to line the chunks up
    frame = pl.read_csv(
        source, separator=delimiter, quote_char='"', schema=schema, missing_columns="insert", extra_columns="ignore",
        row_index_name=ROW, row_index_offset=1, **common,
    ).with_columns(pl.col(ROW).cast(pl.Int64))
    return frame, lines


def _scan_lines(pl, source, eol: str):
    """(lazy frame, BOM kept): each physical line as one text cell, line endings (LF or CRLF) removed.
    polars' own line scanner where it applies (LF endings: ~15-25% less work than a CSV scan with a
    separator and a quote that never split a line), else that CSV scan. The line scanner keeps a leading
    BOM in the first line, the CSV scan drops it."""
    scan_lines = getattr(pl, "scan_lines", None)  # marked unstable by polars: the CSV scan stands in
    if eol == "\n" and scan_lines is not None:
        try:
            return scan_lines(io.BytesIO(source) if isinstance(source, bytes) else source, name="line"), True
        except (TypeError, pl.exceptions.PolarsError):
            pass
    scan = pl.scan_csv(
        io.BytesIO(source) if isinstance(source, bytes) else source, has_header=False, separator="\x1f", quote_char=None,
        schema={"line": pl.String}, eol_char=eol, truncate_ragged_lines=True, missing_columns="insert", extra_columns="ignore",
        empty_string_is_null=False, raise_if_empty=True,
    )
    return scan, False


def _line_lengths(pl, source, eol: str):
    """Per physical line: its length in bytes without its line ending (and without a leading BOM) and
    whether it holds a quote. Streamed: the lines' text is never held in memory."""
    scan, bom_kept = _scan_lines(pl, source, eol)
    lines = scan.select(
        pl.col("line").str.len_bytes().alias("bytes"), pl.col("line").str.contains('"', literal=True).alias("quoted")
    ).collect(engine="streaming")
    if bom_kept and lines.height and _first_bytes(source, 3) == b"\xef\xbb\xbf":
        lengths = lines["bytes"].clone()
        lengths[0] = lengths[0] - 3
        lines = lines.with_columns(lengths)
    return lines


def _first_bytes(source, n: int) -> bytes:
    if isinstance(source, bytes):
        return source[:n]
    with open(source, "rb") as fh:
        return fh.read(n)


def _lines_at(pl, source, line_bytes, wanted, eol: str, most: int = 20_000):
    """The text of a few physical lines, read at their byte offsets (the summed line lengths), so no
    second pass over the whole file is needed; None when there are too many, or when the offsets do not
    fit (mixed line endings), and the caller scans for them instead."""
    if len(wanted) > most:
        return None
    with io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb") as fh:
        head = fh.read(HEAD_BYTES)
        start = 3 if head.startswith(b"\xef\xbb\xbf") else 0
        eol_bytes = 2 if eol == "\n" and b"\r\n" in head else 1
        # line i starts after the lines before it and their line endings. For a few lines, the lengths
        # between one wanted line and the next are summed slice by slice (a running sum over a million
        # chunked lengths costs ~12 ms; a few hundred slice sums ~1 ms)
        positions = wanted.to_list()
        if len(positions) <= 500 and positions == sorted(positions):
            offsets, total, previous = [], 0, 0
            for i in positions:
                total += line_bytes.slice(previous, i - previous).sum() or 0
                previous = i
                offsets.append(start + total + i * eol_bytes)
        else:
            before = line_bytes.cast(pl.Int64).cum_sum().gather((wanted - 1).clip(lower_bound=0)).to_list()
            offsets = [start + (b + i * eol_bytes if i else 0) for b, i in zip(before, positions)]
        lengths = line_bytes.gather(wanted).to_list()
        found = []
        for offset, length in zip(offsets, lengths):
            fh.seek(offset)
            text = fh.read(length)
            after = fh.read(eol_bytes)
            if len(text) != length or (after and after not in (b"\n", b"\r\n", b"\r")) or b"\n" in text:
                return None
            found.append(text.decode("utf-8", errors="replace"))
    return pl.Series("line", found, dtype=pl.String)


def _field_counts(pl, lines, data, width: int, delimiter: str, source, shown: str, eol: str = "\n"):
    """(cells per data record, {record position: first extra cell's text}), vectorised. A record with
    exactly `width` unquoted cells has a line exactly as long as its cells plus width-1 delimiters (string
    lengths are free in Arrow); only the other lines (ragged, quoted, blank) are read again and have their
    delimiters counted. If a quoted cell spans lines, the lines do not match the records and the exact
    count comes from the csv module instead."""
    n_records = data.height
    extras: dict[int, str | None] = {}
    if lines.height - 1 == n_records:
        cells = [c for c in data.columns if c != ROW][:width]
        cell_bytes = data.select(pl.sum_horizontal([pl.col(c).str.len_bytes().fill_null(0) for c in cells])).to_series()
        line_bytes, quoted = lines["bytes"].slice(1), lines["quoted"].slice(1)
        odd = (line_bytes != cell_bytes + (width - 1)).fill_null(True)
        any_quoted = quoted.any()
        if any_quoted:
            odd = odd | quoted
        counts = pl.repeat(width, n_records, dtype=pl.Int32, eager=True).rename("field_count")
        if odd.any():
            where = odd.arg_true()
            subset = _lines_at(pl, source, lines["bytes"], where + 1, eol)
            if subset is None:  # many odd lines, or offsets that do not add up: scan for them instead
                subset = (
                    _scan_lines(pl, source, eol)[0]
                    .with_row_index("i")
                    .filter(pl.col("i").is_in((where + 1).implode()))
                    .collect(engine="streaming")["line"]
                )
            text = subset
            if any_quoted:
                subset = subset.str.replace_all(r'"[^"]*"', "")  # delimiters inside quotes do not separate cells
            exact = subset.str.count_matches(delimiter, literal=True).cast(pl.Int32) + 1
            counts = counts.scatter(where, exact)
            longer = (exact > width).arg_true()
            for position, line in zip(where.gather(longer).to_list(), text.gather(longer).to_list()):
                record = _first_record(line, delimiter)
                extras[position] = (record[width] if len(record) > width else "") or None
        return counts, extras
    if isinstance(source, bytes):
        handle = io.StringIO(source.decode("utf-8", errors="replace"), newline="")
    else:
        handle = open(source, newline="", encoding="utf-8-sig", errors="replace")
    counts = []
    with handle:
        try:
            for index, record in enumerate(csv.reader(handle, delimiter=delimiter)):
                counts.append(len(record))
                if index and len(record) > width:
                    extras[index - 1] = record[width] or None
        except csv.Error:  # beyond repair (stray carriage returns inside cells): no cell counts to give
            counts, extras = [width] * (n_records + 1), {}
    counts = counts[1 : n_records + 1]
    counts += [0] * (n_records - len(counts))
    return pl.Series("field_count", counts, dtype=pl.Int32), {k: v for k, v in extras.items() if k < n_records}


# ---------------------------------------------------------------------------------------------- XLSX


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
                header = {v.strip() for v in candidate[0]}
                if schema_names is None or header & schema_names:
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
    header = rows[0]
    while header and not header[-1].strip():
        header = header[:-1]
    width = max(len(header), 1)
    data_rows = rows[1:]
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
    frame = frame.with_columns(pl.int_range(2, frame.height + 2, dtype=pl.Int64).alias(ROW))
    info = FileInfo(path=shown, format="xlsx", rows=frame.height, sheet=chosen)
    return Table(
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


# ---------------------------------------------------------------------------------------------- dispatch


def _check_limits(path: Path) -> None:
    """safety.check_table_file's limits, with the line-length check done on the memory-mapped file, a chunk
    at a time in C (_has_long_line) rather than a line at a time in Python: 0.8 s -> ~1 ms on a million
    lines. Only when a line is too long does safety's own pass run, to raise its exact error (with the
    line number)."""
    from stoke_opendata.safety import guards as safety

    limits = safety.Limits.from_env()
    if path.suffix.lower() not in (".csv", ".tsv", ".txt", ""):
        safety.check_table_file(path, limits)
        return
    safety.check_file_size(path, limits)
    if _has_long_line(path, limits.max_line_bytes):
        safety.check_line_lengths(path, limits)  # raises, naming the line


def _has_long_line(path: Path, limit: int) -> bool:
    """True if a line is longer than `limit` bytes. A line that lies inside one chunk is shorter than the
    chunk, so with chunks no larger than the limit only the runs across chunk boundaries need adding up:
    each chunk's first and last line break, found in the memory-mapped file without copying it (reading
    the chunks into Python cost ~12 ms on 88 MB; this costs well under 1 ms)."""
    import mmap

    chunk_size = max(1, min(1 << 20, limit))
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if size == 0:
            return False
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
            run = 0  # bytes since the last newline
            for start in range(0, size, chunk_size):
                end = min(start + chunk_size, size)
                first = data.find(b"\n", start, end)
                if first < 0:
                    run += end - start
                    if run > limit:
                        return True
                    continue
                if run + first - start > limit:
                    return True
                run = end - data.rfind(b"\n", start, end) - 1
    return run > limit


def read_table(
    path: str | Path, sheet: str | None = None, schema_names: set[str] | None = None, shown: str | None = None, pad: int = 0
) -> Table:
    """Read a CSV or XLSX file by its content (the extension must not lie). `pad`: also read that many
    cells beyond the header's width into the frame (`--fix` keeps them); a workbook is always padded."""
    path = Path(path)
    if path.is_file():  # size limits first, from os.stat and a streaming pass (safety.py, docs/safety.md)
        _check_limits(path)
    if path.suffix.lower() in EXCEL_EXTENSIONS:
        return read_xlsx(path, sheet=sheet, schema_names=schema_names, shown=shown)
    if sheet is not None:
        raise UsageError("--sheet applies to Excel workbooks only", where=shown or str(path))
    return read_csv(path, shown=shown, pad=pad)


# ---------------------------------------------------------------------------------------------- data packages


@dataclass
class ResourceSpec:
    """One tabular resource of a data package: its name, data file and Table Schema."""

    name: str
    path: Path
    shown: str
    schema: dict
    schema_ref: str | None = None


def is_descriptor(path: str | Path) -> bool:
    """A .json/.yaml file is taken as a data package descriptor (read_descriptor says so if it is not one)."""
    return Path(path).suffix.lower() in (".json", ".yaml", ".yml")


def read_descriptor(path: str | Path) -> list[ResourceSpec]:
    """The tabular resources of a data package descriptor, schemas resolved (inline or by relative path)."""
    path = Path(path)
    shown = str(path)
    descriptor = _load_json_or_yaml(path, shown)
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise InputError("not a data package descriptor (no 'resources' list)", where=shown)
    base = path.parent
    specs = []
    for index, resource in enumerate(descriptor["resources"]):
        where = f"{shown}: resources[{index}]"
        if not isinstance(resource, dict):
            raise InputError("a resource must be an object", where=where)
        name = str(resource.get("name") or f"resource{index + 1}")
        data_path = resource.get("path")
        if isinstance(data_path, list):
            raise InputError("multipart resources are not supported", where=where)
        if not isinstance(data_path, str) or not data_path:
            raise InputError("the resource has no 'path' (inline data is not validated)", where=where)
        resolved = _data_path(base, data_path, where)
        schema = resource.get("schema")
        schema_ref = None
        if isinstance(schema, str):
            schema_ref = schema
            schema = _load_json_or_yaml(_schema_path(base, schema, where), f"{where}: schema {schema}")
        if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
            raise InputError("the resource has no Table Schema with 'fields'", where=where)
        specs.append(ResourceSpec(name=name, path=resolved, shown=os.path.normpath(str(base / data_path)), schema=schema, schema_ref=schema_ref))
    if not specs:
        raise InputError("the data package has no resources", where=shown)
    return specs


def _data_path(base: Path, relative: str, where: str) -> Path:
    """A resource's data: inside the package folder (safety.resolve_resource_path), or one of the project's
    published tables (bundled datasets share ../../schemas/indicators.csv); nothing else is read."""
    from stoke_opendata.catalogue.paths import schemas_dir

    try:
        return resolve_resource_path(base, relative, where=where)
    except InputError:
        if "://" not in relative and not os.path.isabs(relative):
            target = (base / relative).resolve()
            if schemas_dir().resolve() in target.parents:
                return target
        raise


def _schema_path(base: Path, relative: str, where: str) -> Path:
    """A schema referenced by path: inside the package's folder, or one of the project's published schemas
    (bundled datasets say ../../schemas/observations.schema.json); nothing else is read."""
    from stoke_opendata.catalogue.paths import schemas_dir

    if "://" in relative or os.path.isabs(relative):
        raise InputError(f"schema {relative} must be a relative path", where=where)
    target = (base / relative).resolve()
    for allowed in (base.resolve(), schemas_dir().resolve()):
        if target == allowed or allowed in target.parents:
            return target
    raise InputError(f"schema {relative} is outside the package folder and the project's schemas/", where=where)


def _load_json_or_yaml(path: Path, shown: str):
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("no such file", where=shown) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot be read ({exc})", where=shown) from None
    try:
        if path.suffix.lower() in (".yaml", ".yml"):
            import yaml

            return yaml.safe_load(text)
        return json.loads(text)
    except ValueError as exc:
        raise InputError(f"is not valid JSON/YAML ({' '.join(str(exc).split())[:160]})", where=shown) from None
    except Exception as exc:  # yaml.YAMLError
        raise InputError(f"is not valid YAML ({type(exc).__name__})", where=shown) from None

"""Read a CSV as text with polars, and count each record's cells so that extra and missing cells can be told apart."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from stoke_opendata.errors import InputError
from stoke_opendata.validate.problems import FileInfo, Problem
from stoke_opendata.validate.tables.sniff import DELIMITERS, HEAD_BYTES, decode_head, first_record, read_head, sniff_delimiter, sniff_kind
from stoke_opendata.validate.tables.header import SEARCH_ROWS, header_index, header_problem, normal_label
from stoke_opendata.validate.tables.table import ROW, Table, column_name
from stoke_opendata.validate.tables.xlsx_reader import read_xlsx


def read_csv(path: str | Path, shown: str | None = None, pad: int = 0, schema_names: set[str] | None = None) -> Table:
    """Read a CSV as text, detecting BOM, encoding (UTF-8, else cp1252/latin-1; UTF-16), delimiter, line endings."""
    import polars as pl

    path = Path(path)
    shown = shown or str(path)
    head = read_head(path, shown)
    kind = sniff_kind(path, head)
    if kind == "xlsx":
        return read_xlsx(path, shown=shown)
    text, encoding, guessed = decode_head(head)
    if not text.strip("\ufeff \t\r\n"):
        raise InputError("the file has no content but blank lines; export the table again", where=shown)
    eol = "\n"
    if "\r" in text and "\n" not in text:
        eol = "\r"  # old Mac line endings
    skip = title_lines(text, eol, schema_names) if schema_names else 0
    if skip:  # title lines above the header: read from the header on, and say where it is (one problem)
        source_bytes = _transcode(path, encoding, shown) if encoding not in ("utf-8", "utf-8-sig") else path.read_bytes().lstrip(b"\xef\xbb\xbf")
        title_rows = _head_records(text, eol)[:skip]
        kept = source_bytes.split(eol.encode(), skip)[-1]
        text = kept[:HEAD_BYTES].decode("utf-8", errors="replace")
    first_line = text.lstrip("\ufeff").split(eol, 1)[0].rstrip("\r")
    delimiter = sniff_delimiter(first_line)
    header = first_record(text.lstrip("\ufeff").replace("\r\n", "\n") if eol == "\n" else text.replace("\r", "\n"), delimiter)
    width = max(len(header), 1)
    problems: list[Problem] = []

    source: object = str(path)
    if skip:
        source = kept
    elif encoding not in ("utf-8", "utf-8-sig"):
        source = _transcode(path, encoding, shown)
    try:
        frame, lines = _polars_read(pl, source, delimiter, eol, width, pad)
    except pl.exceptions.ComputeError as exc:
        if "utf-8" not in str(exc).lower() and "utf8" not in str(exc).lower():
            raise InputError(_unparsable(source, str(exc)), where=shown) from None
        encoding, guessed = "cp1252", True
        source = _transcode(path, encoding, shown)
        frame, lines = _read_or_refuse(pl, source, delimiter, eol, width, pad, shown)
    except pl.exceptions.NoDataError:
        raise InputError("the file has no content; export the table again", where=shown) from None
    except pl.exceptions.PolarsError as exc:
        raise InputError(_unparsable(source, str(exc)), where=shown) from None

    if frame.height == 0:
        raise InputError("the file has no header row", where=shown)
    labels = [("" if v is None else v) for v in frame.select(column_name(i) for i in range(width)).row(0)]
    if labels:
        labels[0] = labels[0].lstrip("\ufeff")
    data = frame.slice(1)
    del frame
    check_cell_lengths(pl, data, labels, width, shown)
    counts, extras = _field_counts(pl, lines, data, width, delimiter, source, shown, eol)
    if skip:
        data = data.with_columns(pl.col(ROW) + skip)  # the row numbers a spreadsheet shows for the whole file
        problems.append(header_problem(shown, title_rows, skip))
    problems.extend(reader_notes(shown, encoding, guessed, delimiter))
    info = FileInfo(path=shown, format="csv", rows=data.height, encoding=encoding, delimiter=DELIMITERS[delimiter])
    return Table(info=info, labels=labels, frame=data, field_counts=counts, problems=problems, extra_values=extras, header_row=skip + 1)


def reader_notes(shown: str, encoding: str, guessed: bool, delimiter: str) -> list[Problem]:
    """The file-level findings of reading a CSV: an encoding that had to be guessed, a delimiter other than
    the comma (every reader of a CSV says them the same way)."""
    problems = []
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
    return problems


def _head_records(text: str, eol: str, count: int = SEARCH_ROWS) -> list[list[str]]:
    """The first lines of the file as records (for finding the header), whatever their delimiter; a line the
    csv module cannot split (a stray carriage return) is split on its delimiter as it is."""
    lines = text.lstrip("\ufeff").split(eol)[:count + 1]
    lines = lines[:-1] if len(lines) > count else lines
    out = []
    for line in lines:
        line = line.rstrip("\r")
        delimiter = sniff_delimiter(line) if line else ","
        try:
            out.append(next(csv.reader([line], delimiter=delimiter), []))
        except csv.Error:
            out.append(line.split(delimiter))
    return out


def title_lines(text: str, eol: str, schema_names: set[str]) -> int:
    """How many lines above the header (0 when the first line is the header: only it is looked at then)."""
    first = _head_records(text, eol, 1)
    names = {normal_label(n) for n in schema_names}
    if first and len({normal_label(v) for v in first[0]} & names) >= min(2, len(names)):
        return 0  # the usual case: only the first line is read
    return header_index(_head_records(text, eol), schema_names)


def check_cell_lengths(pl, data, labels: list[str], width: int, shown: str) -> None:
    """Refuse a cell over the cell limit (safety.guards, the same limit an XLSX cell obeys), naming its row
    and column. Byte lengths are free in Arrow, so a clean file costs one max per column; characters are
    counted only in a column whose longest cell has more bytes than the limit allows characters."""
    from stoke_opendata.safety.guards import Limits, cell_too_long

    limits = Limits.from_env()
    for i, label in enumerate(labels):
        if len(label) > limits.max_cell_chars:
            raise cell_too_long(1, f"column {i + 1}", len(label), limits, shown)
    cells = [column_name(i) for i in range(width)]
    longest = data.select(pl.col(c).str.len_bytes().max() for c in cells).row(0) if data.height else ()
    for i, most in enumerate(longest):
        if most is None or most <= limits.max_cell_chars:
            continue
        chars = data[cells[i]].str.len_chars()
        over = (chars > limits.max_cell_chars).fill_null(False)
        if over.any():
            at = over.arg_true()[0]
            label = labels[i] if i < len(labels) and labels[i] else f"column {i + 1}"
            raise cell_too_long(int(data[ROW][at]), label, int(chars[at]), limits, shown)


def _read_or_refuse(pl, source, delimiter: str, eol: str, width: int, pad: int, shown: str):
    """_polars_read on the transcoded text (the second try, after UTF-8 failed): whatever polars cannot
    parse there is the file's fault, said in one line (a fuzzed BOM, stray byte and open quote reached
    polars' ComputeError here as an internal error)."""
    try:
        return _polars_read(pl, source, delimiter, eol, width, pad)
    except pl.exceptions.NoDataError:
        raise InputError("the file has no content; export the table again", where=shown) from None
    except pl.exceptions.PolarsError as exc:
        raise InputError(_unparsable(source, str(exc)), where=shown) from None


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
    lines = line_lengths(pl, source, eol)
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


def line_lengths(pl, source, eol: str):
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


def odd_line_counts(pl, source, line_bytes, wanted, width: int, delimiter: str, any_quoted: bool, eol: str = "\n"):
    """(cells of each wanted physical line, {index into wanted: its first cell beyond the header's width})
    for the few lines whose length says they are not `width` plain cells: read again at their byte offsets
    (or found by a scan when there are many), their delimiters counted outside quotes. The memory reader
    and the query engine (engines/plan.py) both count ragged records this way."""
    subset = _lines_at(pl, source, line_bytes, wanted, eol)
    if subset is None:  # many odd lines, or offsets that do not add up: scan for them instead
        subset = (
            _scan_lines(pl, source, eol)[0]
            .with_row_index("i")
            .filter(pl.col("i").is_in(wanted.implode()))
            .collect(engine="streaming")["line"]
        )
    text = subset
    if any_quoted:
        subset = subset.str.replace_all(r'"[^"]*"', "")  # delimiters inside quotes do not separate cells
    exact = subset.str.count_matches(delimiter, literal=True).cast(pl.Int32) + 1
    extras = {}
    longer = (exact > width).arg_true()
    for position, line in zip(longer.to_list(), text.gather(longer).to_list()):
        record = first_record(line, delimiter)
        extras[position] = (record[width] if len(record) > width else "") or None
    return exact, extras


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
            exact, found = odd_line_counts(pl, source, lines["bytes"], where + 1, width, delimiter, any_quoted, eol)
            counts = counts.scatter(where, exact)
            extras.update({int(where[i]): text for i, text in found.items()})
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

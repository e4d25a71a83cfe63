"""Which reader a file needs, after the size limits (stoke_opendata.safety.guards) have been checked without reading it whole."""

from __future__ import annotations

import os
from pathlib import Path

from stoke_opendata.errors import UsageError
from stoke_opendata.validate.tables.sniff import EXCEL_EXTENSIONS
from stoke_opendata.validate.tables.csv_reader import read_csv
from stoke_opendata.validate.tables.table import Table
from stoke_opendata.validate.tables.xlsx_reader import read_xlsx


def _check_limits(path: Path) -> None:
    """safety.check_table_file's limits, with the line-length check done on the memory-mapped file, a chunk
    at a time in C (has_long_line) rather than a line at a time in Python: 0.8 s -> ~1 ms on a million
    lines. Only when a line is too long does safety's own pass run, to raise its exact error (with the
    line number)."""
    from stoke_opendata.safety import guards as safety

    limits = safety.Limits.from_env()
    if path.suffix.lower() not in (".csv", ".tsv", ".txt", ""):
        safety.check_table_file(path, limits)
        return
    safety.check_file_size(path, limits)
    if has_long_line(path, limits.max_line_bytes):
        safety.check_line_lengths(path, limits)  # raises, naming the line


def has_long_line(path: Path, limit: int) -> bool:
    """True if a line is longer than `limit` bytes. A line that lies inside one chunk is shorter than the
    chunk, so with chunks no larger than the limit only the runs across chunk boundaries need adding up:
    each chunk's first and last line break, found by reading a few KB at each end of it (positioned
    reads, ~0.1 s for 5 GB). Not a memory map: the kernel maps a cached file's pages into the process in
    large folios, so touching two places a MB made a 5.3 GB file count as 4.6 GB of the process's
    resident memory."""
    chunk_size = max(1, min(1 << 20, limit))
    with open(path, "rb") as fh:
        fd = fh.fileno()
        size = os.fstat(fd).st_size
        if size == 0:
            return False
        run = 0  # bytes since the last newline
        for start in range(0, size, chunk_size):
            end = min(start + chunk_size, size)
            first = _first_newline(fd, start, end)
            if first < 0:
                run += end - start
                if run > limit:
                    return True
                continue
            if run + first - start > limit:
                return True
            run = end - _last_newline(fd, start, end) - 1
    return run > limit


_WINDOW = 16 << 10  # bytes read at a time looking for a chunk's first or last line break


def _first_newline(fd: int, start: int, end: int) -> int:
    """The position of the first b"\n" in [start, end) of the file, or -1."""
    at = start
    while at < end:
        block = os.pread(fd, min(_WINDOW, end - at), at)
        if not block:
            return -1
        found = block.find(b"\n")
        if found >= 0:
            return at + found
        at += len(block)
    return -1


def _last_newline(fd: int, start: int, end: int) -> int:
    """The position of the last b"\n" in [start, end) of the file, or -1."""
    at = end
    while at > start:
        lo = max(start, at - _WINDOW)
        block = os.pread(fd, at - lo, lo)
        found = block.rfind(b"\n")
        if found >= 0:
            return lo + found
        at = lo
    return -1


def read_table(
    path: str | Path, sheet: str | None = None, schema_names: set[str] | None = None, shown: str | None = None, pad: int = 0,
    find_header: bool = False,
) -> Table:
    """Read a CSV or XLSX file by its content (the extension must not lie). `pad`: also read that many
    cells beyond the header's width into the frame (`--fix` keeps them); a workbook is always padded.
    `find_header`: a steward's CSV may have title lines above its header (validate/tables/header.py)."""
    path = Path(path)
    if path.is_file():  # size limits first, from os.stat and a streaming pass (safety.py, docs/safety.md)
        _check_limits(path)
    if path.suffix.lower() in EXCEL_EXTENSIONS:
        return read_xlsx(path, sheet=sheet, schema_names=schema_names, shown=shown)
    if sheet is not None:
        raise UsageError("--sheet applies to Excel workbooks only", where=shown or str(path))
    return read_csv(path, shown=shown, pad=pad, schema_names=schema_names if find_header else None)

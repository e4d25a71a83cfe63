"""Safe reading of untrusted input: size limits, and the descriptor checks built on the package model.

A data package descriptor is a file a stranger may hand us. Its paths must not read files outside its folder
(`../../etc/passwd`, `/etc/passwd`, a symlink pointing out) or make us fetch a URL; that guard is the
package model's (catalogue/package_model.resolve_path), the one every reader of a package goes through, and
the functions here (`resolve_resource_path`, `check_descriptor`, `load_descriptor`) apply it to a folder
that shares nothing. Oversized input is refused from os.stat and a streaming read, never by reading the
whole file first.

Limits are configurable (environment variables, docs/safety.md):
STOKE_OPENDATA_MAX_FILE_MB (default 200), STOKE_OPENDATA_MAX_LINE_BYTES (default 1 MiB),
STOKE_OPENDATA_MAX_CELL_CHARS (default 32767, the most characters an Excel cell holds).
Pure standard library; errors are errors.InputError naming the file and the cause.
"""

from __future__ import annotations

import csv
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Mapping

from stoke_opendata.catalogue.package_model import (
    DESCRIPTOR,
    MAX_DESCRIPTOR_BYTES,
    as_package,
    read_datapackage,
    resolve_path,
)
from stoke_opendata.errors import InputError
from stoke_opendata.settings import env_number

MAX_FILE_MB_ENV = "STOKE_OPENDATA_MAX_FILE_MB"
MAX_LINE_BYTES_ENV = "STOKE_OPENDATA_MAX_LINE_BYTES"
MAX_CELL_CHARS_ENV = "STOKE_OPENDATA_MAX_CELL_CHARS"

DEFAULT_MAX_FILE_MB = 200
DEFAULT_MAX_LINE_BYTES = 1024 * 1024
DEFAULT_MAX_CELL_CHARS = 32_767
# An XLSX (a zip) may expand to at most this many times the file limit when unpacked.
MAX_UNZIPPED_FACTOR = 5

_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Limits:
    """How big an input may be before it is refused."""

    max_file_bytes: int = DEFAULT_MAX_FILE_MB * 1024 * 1024
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES
    max_cell_chars: int = DEFAULT_MAX_CELL_CHARS

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Limits":
        env = os.environ if environ is None else environ
        mb = env_number(MAX_FILE_MB_ENV, DEFAULT_MAX_FILE_MB, kind=float, exclusive=True, environ=env)
        return cls(
            max_file_bytes=int(mb * 1024 * 1024),
            max_line_bytes=int(env_number(MAX_LINE_BYTES_ENV, DEFAULT_MAX_LINE_BYTES, kind=int, exclusive=True, environ=env)),
            max_cell_chars=int(env_number(MAX_CELL_CHARS_ENV, DEFAULT_MAX_CELL_CHARS, kind=int, exclusive=True, environ=env)),
        )


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n:,} bytes"


# --------------------------------------------------------------------------- paths and URLs


def resolve_resource_path(base_dir, path, *, allow_remote: bool = False, where: str | None = None):
    """Where a descriptor's resource `path` points from `base_dir`, which shares no folder: the package
    model's guard (catalogue/package_model.resolve_path), the one every reader of a package goes through."""
    return resolve_path(base_dir, path, allow_remote=allow_remote, where=where)


def check_descriptor(descriptor: Mapping, base_dir, *, allow_remote: bool = False, where: str | None = None) -> list:
    """Check every path a descriptor names (data, schema and dialect references) from `base_dir`; returns
    what they resolve to, in order. Raises InputError at the first unsafe one."""
    package = as_package(descriptor, Path(base_dir) / DESCRIPTOR, self_contained=True, label=where or str(base_dir))
    return package.check_paths(allow_remote=allow_remote)


def load_descriptor(path, *, allow_remote: bool = False, limits: Limits | None = None) -> dict:
    """Read a datapackage.json (or .yaml) descriptor through the package model, size-checked against the
    configured limits too, with every path it names checked."""
    check_file_size(path, limits, cap=MAX_DESCRIPTOR_BYTES)
    package = read_datapackage(path, self_contained=True)
    package.check_paths(allow_remote=allow_remote)
    return package.descriptor


# --------------------------------------------------------------------------- size limits


def check_file_size(path, limits: Limits | None = None, *, cap: int | None = None) -> int:
    """The file's size in bytes, after refusing a file over the limit (os.stat: nothing is read)."""
    limits = limits or Limits.from_env()
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError("file not found", where=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", where=str(path)) from None
    if not path.is_file():
        raise InputError("not a regular file", where=str(path))
    limit = min(limits.max_file_bytes, cap) if cap else limits.max_file_bytes
    if info.st_size > limit and cap and cap < limits.max_file_bytes:
        raise InputError(f"file is {_mb(info.st_size)}, over the {_mb(limit)} limit for this kind of file", where=str(path))
    if info.st_size > limit:
        raise InputError(
            f"file is {_mb(info.st_size)}, over the {_mb(limit)} limit (a guard against hostile input); if it is a "
            f"legitimate file, raise the limit, e.g. {MAX_FILE_MB_ENV}={_suggest(info.st_size)} (files over 200 MB are "
            "validated in batches in bounded memory, docs/scale.md), or split it",
            where=str(path),
        )
    return info.st_size


def _suggest(size: int) -> int:
    """A round limit in MB just above `size` (what the error message suggests)."""
    mb = size / (1024 * 1024)
    step = 100 if mb < 1000 else 1000
    return int((mb // step + 1) * step)


def check_line_lengths(path, limits: Limits | None = None) -> int:
    """Stream the file in 64 KiB chunks and refuse it at the first line longer than the limit (so a
    one-line 1 GB file is refused after reading just over the limit). Returns the number of lines."""
    limits = limits or Limits.from_env()
    limit = limits.max_line_bytes
    line, run = 1, 0
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            start = 0
            while True:
                newline = chunk.find(b"\n", start)
                if newline < 0:
                    run += len(chunk) - start
                    if run > limit:
                        _too_long(path, line, limit)
                    break
                run += newline - start
                if run > limit:
                    _too_long(path, line, limit)
                line += 1
                run = 0
                start = newline + 1
    return line if run else line - 1


def _too_long(path, line: int, limit: int):
    raise InputError(
        f"line {line} is longer than {limit:,} bytes; this is not a table a steward would submit "
        f"(raise {MAX_LINE_BYTES_ENV} if it is)",
        where=str(path),
    )


def check_cell_lengths(path, limits: Limits | None = None, *, encoding: str = "utf-8-sig", delimiter: str = ",") -> None:
    """Stream the CSV and refuse it at the first cell longer than the limit (row and column named)."""
    limits = limits or Limits.from_env()
    for _ in iter_csv_rows(path, limits, encoding=encoding, delimiter=delimiter):
        pass


def iter_csv_rows(
    path, limits: Limits | None = None, *, encoding: str = "utf-8-sig", delimiter: str = ","
) -> Iterator[list[str]]:
    """The CSV's rows as lists of text, streamed, with every limit enforced as it goes: file size first
    (os.stat), then line length, cell length and quoted cells that never close."""
    limits = limits or Limits.from_env()
    check_file_size(path, limits)
    old_limit = csv.field_size_limit()
    # the csv module's own guard, set just above ours so that ours names the row and column
    csv.field_size_limit(min(sys.maxsize, max(limits.max_cell_chars + 1, limits.max_line_bytes + 1)))
    try:
        with open(path, newline="", encoding=encoding, errors="strict") as fh:
            reader = csv.reader(_limited_lines(fh, path, limits), delimiter=delimiter)
            header: list[str] | None = None
            row_number = 0
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    raise InputError(f"row {row_number + 1}: {exc}", where=str(path)) from None
                row_number += 1
                if header is None:
                    header = cells
                for i, cell in enumerate(cells):
                    if len(cell) > limits.max_cell_chars:
                        label = header[i] if header is not None and i < len(header) and header[i] else f"column {i + 1}"
                        raise cell_too_long(row_number, label, len(cell), limits, str(path))
                yield cells
    except UnicodeDecodeError as exc:
        raise InputError(f"the file is not {encoding} text (byte {exc.start} of a chunk)", where=str(path)) from None
    finally:
        csv.field_size_limit(old_limit)


def cell_too_long(row: int, column: str, length: int, limits: Limits, where: str) -> InputError:
    """The one refusal for a cell over the cell limit, whichever reader met it (CSV or XLSX, streamed)."""
    return InputError(
        f"row {row}, column {column}: a cell of {length:,} characters, over the {limits.max_cell_chars:,} limit "
        f"(raise {MAX_CELL_CHARS_ENV} if it is meant)",
        where=where,
    )


def _limited_lines(fh, path, limits: Limits) -> Iterator[str]:
    """Lines of a text file, refusing one longer than the limit without holding more than the limit.
    Quoted cells may span lines; a run of continuation lines longer than the cell limit is refused too."""
    number = 0
    while True:
        line = fh.readline(limits.max_line_bytes + 1)
        if not line:
            return
        number += 1
        if len(line) > limits.max_line_bytes and not line.endswith("\n"):
            _too_long(path, number, limits.max_line_bytes)
        yield line


def check_xlsx_expansion(path, limits: Limits | None = None) -> int:
    """Refuse an XLSX whose parts would unpack to more than MAX_UNZIPPED_FACTOR x the file limit (a zip
    bomb), reading only the zip's directory. Returns the unpacked size in bytes."""
    import zipfile

    limits = limits or Limits.from_env()
    check_file_size(path, limits)
    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise InputError("not a valid XLSX file (it is not a zip archive)", where=str(path)) from None
    except (NotImplementedError, ValueError, OSError, EOFError, RuntimeError) as exc:
        # a damaged or exotic zip directory (an unknown zip version, a bad offset): refused, not a crash
        raise InputError(f"the workbook's zip directory cannot be read ({type(exc).__name__}); save it again from Excel", where=str(path)) from None
    limit = limits.max_file_bytes * MAX_UNZIPPED_FACTOR
    if total > limit:
        raise InputError(
            f"the workbook unpacks to {_mb(total)}, over the {_mb(limit)} limit (a compressed bomb, or a very "
            f"large sheet: raise {MAX_FILE_MB_ENV} if it is meant)",
            where=str(path),
        )
    return total


def check_table_file(path, limits: Limits | None = None) -> None:
    """All size checks for one table file before anything parses it: size; for CSV-like text line
    lengths; for XLSX its unpacked size."""
    limits = limits or Limits.from_env()
    check_file_size(path, limits)
    suffix = Path(path).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        import zipfile

        if zipfile.is_zipfile(path):  # anything else is refused by the reader, with its own words
            check_xlsx_expansion(path, limits)
    elif suffix in (".csv", ".tsv", ".txt", ""):
        check_line_lengths(path, limits)


# --------------------------------------------------------------------------- writing

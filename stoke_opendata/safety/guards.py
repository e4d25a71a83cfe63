"""Safe reading of untrusted input: descriptor paths that stay in their folder, and size limits.

A data package descriptor is a file a stranger may hand us. Its resource paths must not read files
outside its folder (`../../etc/passwd`, `/etc/passwd`, a symlink pointing out), and must not make us
fetch a URL (server-side request forgery, or simply a surprise download) unless remote data is
explicitly allowed by the caller (`allow_remote=True`; no command does so today: `validate` reports a
remote resource as skipped); the check is made on the text, so no request is ever made to a refused URL.
Oversized input is refused from os.stat and a streaming read, never by reading the whole file first.

Limits are configurable (environment variables, docs/safety.md):
STOKE_OPENDATA_MAX_FILE_MB (default 200), STOKE_OPENDATA_MAX_LINE_BYTES (default 1 MiB),
STOKE_OPENDATA_MAX_CELL_CHARS (default 32767, the most characters an Excel cell holds).
Pure standard library; errors are errors.InputError naming the file and the cause.
"""

from __future__ import annotations

import csv
import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterator, Mapping

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
# A descriptor is small JSON/YAML: anything bigger is not one.
MAX_DESCRIPTOR_BYTES = 10 * 1024 * 1024

_CHUNK = 64 * 1024
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_REMOTE_SCHEMES = ("http", "https")
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


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


def is_remote(path: str) -> bool:
    """True for a path that names a URL (any scheme), rather than a file beside the descriptor."""
    if not isinstance(path, str):
        return False
    if _WINDOWS_DRIVE.match(path):
        return False
    return bool(_SCHEME.match(path.strip()))


def resolve_resource_path(base_dir, path, *, allow_remote: bool = False, where: str | None = None):
    """Where a descriptor's resource `path` points, checked: a Path inside `base_dir` (after following
    symlinks), or the URL itself when it is http(s) and remote data is allowed. Raises InputError for a
    path that escapes the folder, an absolute path, a symlink out, a remote URL without permission, or
    another scheme (file:, ftp:, data:...). Makes no request and reads no file."""
    where = where or str(base_dir)
    if not isinstance(path, str) or not path.strip():
        raise InputError(f"resource path must be a non-empty string, not {path!r}", where=where)
    if "\x00" in path:
        raise InputError("resource path contains a NUL character", where=where)
    text = path.strip()
    match = _SCHEME.match(text) if not _WINDOWS_DRIVE.match(text) else None
    if match:
        scheme = match.group(1).lower()
        if scheme in _REMOTE_SCHEMES:
            if allow_remote:
                return text
            raise InputError(
                f"resource path {_short(text)} is a remote URL; remote data is not read (no request was made). "
                f"Download it and point the descriptor at the local file",
                where=where,
            )
        raise InputError(f"resource path {_short(text)} uses the {scheme}: scheme; only relative file paths are allowed", where=where)
    if "\\" in text:
        raise InputError(f"resource path {_short(text)} contains a backslash; use / between folders", where=where)
    if text.startswith("/") or _WINDOWS_DRIVE.match(text) or text.startswith("~"):
        raise InputError(f"resource path {_short(text)} is absolute; it must be relative to the descriptor's folder", where=where)
    if ".." in PurePosixPath(text).parts:
        raise InputError(f"resource path {_short(text)} climbs out of the descriptor's folder with '..'", where=where)
    base = Path(base_dir).resolve()
    target = (base / text).resolve()
    if target != base and base not in target.parents:
        raise InputError(
            f"resource path {_short(text)} leads outside the descriptor's folder (through a symbolic link) to {target}",
            where=where,
        )
    return target


def _short(text: str, width: int = 80) -> str:
    return repr(text if len(text) <= width else text[: width - 1] + "…")


def resource_paths(descriptor: Mapping) -> list[tuple[str, object]]:
    """(resource name, path) of every path in a package descriptor (a resource's path may be a list)."""
    out = []
    for number, resource in enumerate(descriptor.get("resources") or [], start=1):
        if not isinstance(resource, Mapping):
            continue
        name = str(resource.get("name") or f"resource {number}")
        path = resource.get("path")
        for item in path if isinstance(path, list) else ([path] if path is not None else []):
            out.append((name, item))
        schema = resource.get("schema")
        if isinstance(schema, str):
            out.append((f"{name} (schema)", schema))
        dialect = resource.get("dialect")
        if isinstance(dialect, str):
            out.append((f"{name} (dialect)", dialect))
    return out


def check_descriptor(descriptor: Mapping, base_dir, *, allow_remote: bool = False, where: str | None = None) -> list:
    """Check every path a descriptor names (data, schema and dialect references); returns what they
    resolve to, in order. Raises InputError at the first unsafe one."""
    where = where or str(base_dir)
    out = []
    for name, path in resource_paths(descriptor):
        out.append(resolve_resource_path(base_dir, path, allow_remote=allow_remote, where=f"{where}: resource {name}"))
    return out


def load_descriptor(path, *, allow_remote: bool = False, limits: Limits | None = None) -> dict:
    """Read a datapackage.json (or .yaml) descriptor safely: size-checked, parsed, every path checked."""
    path = Path(path)
    check_file_size(path, limits, cap=MAX_DESCRIPTOR_BYTES)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"the descriptor is not UTF-8 text (byte {exc.start})", where=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read the descriptor: {exc.strerror or exc}", where=str(path)) from None
    if path.suffix.lower() in (".yaml", ".yml"):
        import yaml

        try:
            descriptor = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            at = f" (line {mark.line + 1})" if mark is not None else ""
            raise InputError(f"the descriptor is not valid YAML{at}", where=str(path)) from None
    else:
        try:
            descriptor = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"the descriptor is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})", where=str(path)) from None
        except RecursionError:
            raise InputError("the descriptor is nested too deeply to be a data package", where=str(path)) from None
    if not isinstance(descriptor, dict):
        raise InputError("the descriptor must be a JSON object with a 'resources' list", where=str(path))
    if not isinstance(descriptor.get("resources", []), list):
        raise InputError("'resources' must be a list", where=str(path))
    check_descriptor(descriptor, path.parent, allow_remote=allow_remote, where=str(path))
    return descriptor


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

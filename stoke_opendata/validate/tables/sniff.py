"""What a file is, from its first bytes: CSV or XLSX (or refused with the reason), its encoding, its delimiter."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

from stoke_opendata.errors import InputError


HEAD_BYTES = 65536
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
EXCEL_EXTENSIONS = {".xlsx", ".xlsm"}
# every byte but the control characters that do not belong in a CSV (all below 32 except \t \n \x0c \r)
_NOT_CONTROL = bytes(b for b in range(256) if b >= 32 or b in (9, 10, 12, 13))


def sniff_kind(path: Path, head: bytes) -> str:
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


def decode_head(head: bytes) -> tuple[str, str, bool]:
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


def sniff_delimiter(first_line: str) -> str:
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


def first_record(text: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader(io.StringIO(text), delimiter=delimiter))
    except (StopIteration, csv.Error):
        return []


def read_head(path: Path, shown: str) -> bytes:
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

"""Hypothesis strategies for what a steward or the web can send: CSV and XLSX files that start as valid
rows of the published schemas (the bundled datasets' own rows) and are then mutated: cells replaced by
odd text, quotes opened and never closed, cells added or dropped, huge cells and rows, encodings, BOMs,
line endings, delimiters, byte flips and truncation; for XLSX also the sheet XML (a <dimension> that
lies, far rows, inline and shared strings, cell types, broken XML) and the zip around it.

A strategy draws bytes and a file suffix; the harness (fuzz_harness.py) writes them to a file and runs every
entry point on it. Workbooks are written here directly (a minimal SpreadsheetML package with the zip
module), not with openpyxl, so that the XML itself can be mutated and so that one costs ~1 ms.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from functools import lru_cache
from pathlib import Path

from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ("observations", "targets")


@lru_cache(maxsize=None)
def schema_fields(schema: str) -> tuple[str, ...]:
    data = json.loads((ROOT / "schemas" / f"{schema}.schema.json").read_text(encoding="utf-8"))
    return tuple(f["name"] for f in data["fields"])


@lru_cache(maxsize=None)
def valid_rows(schema: str) -> tuple[tuple[str, ...], ...]:
    """The bundled datasets' rows of this table (valid by construction: `make run` publishes them)."""
    rows = []
    for path in sorted((ROOT / "datasets").glob(f"*/{schema}.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader)
            order = [header.index(f) if f in header else None for f in schema_fields(schema)]
            for record in reader:
                rows.append(tuple(record[i] if i is not None and i < len(record) else "" for i in order))
    return tuple(rows[:400])


# --------------------------------------------------------------------------- cells

ODD_TEXT = [
    "", " ", '"', '""', '"a', 'a"b', "\n", "\r", "\r\n", "\t", ",", ";", "|", "\x00", "\x1f", "\ufeff", "\u2028",
    "=1+1", "+44", "-5", "@SUM(A1)", "NaN", "inf", "-inf", "1e308", "1e-400", "0x10", "1,234", "1 234", "12,5",
    "£3", "50%", "5e", "--1", "N/A", "-", "..", "~", "NOT A VALID ID", "E06000021 ", " e06000021", "2023/24",
    "2023-Q5", "99999", "0000", "true", "None", "null", "é", "ﬁ", "𝟙", "\u202e", "a" * 300, "<xml/>", "]]>",
]


def cell_text(big: bool = True):
    parts = [st.sampled_from(ODD_TEXT), st.text(max_size=20), st.text(alphabet=st.characters(codec="utf-8"), max_size=8)]
    if big:
        # long cells: the cost of a cell must stay linear in its length (the 32 KB cell took 5.6 s)
        parts.append(st.builds(lambda ch, n: ch * n, st.sampled_from(["a", "9", "E0", '"', ",", "é", " ", "-1"]), st.integers(1_000, 70_000)))
    return st.one_of(*parts)


@st.composite
def table_rows(draw, schema: str):
    """(header, rows) of text: valid rows, then a few mutated cells, rows and header labels."""
    fields = list(schema_fields(schema))
    pool = valid_rows(schema)
    rows = [list(r) for r in draw(st.lists(st.sampled_from(pool), min_size=0, max_size=12))]
    header = list(fields)
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["cell", "cell", "cell", "drop", "extra", "header", "swap", "dup", "blank"]))
        if kind == "cell" and rows:
            r = draw(st.integers(0, len(rows) - 1))
            if rows[r]:
                rows[r][draw(st.integers(0, len(rows[r]) - 1))] = draw(cell_text())
        elif kind == "drop" and rows:
            r = draw(st.integers(0, len(rows) - 1))
            rows[r] = rows[r][: draw(st.integers(0, len(fields)))]
        elif kind == "extra" and rows:
            r = draw(st.integers(0, len(rows) - 1))
            rows[r] = rows[r] + draw(st.lists(cell_text(big=False), min_size=1, max_size=3))
        elif kind == "header":
            header[draw(st.integers(0, len(header) - 1))] = draw(cell_text(big=False))
        elif kind == "swap" and len(header) > 1:
            i, j = draw(st.integers(0, len(header) - 1)), draw(st.integers(0, len(header) - 1))
            header[i], header[j] = header[j], header[i]
        elif kind == "dup" and rows:
            rows.append(list(rows[draw(st.integers(0, len(rows) - 1))]))
        elif kind == "blank":
            rows.insert(draw(st.integers(0, len(rows))), [""] * draw(st.integers(0, len(fields))))
    return header, rows


# --------------------------------------------------------------------------- CSV

ENCODINGS = ["utf-8", "utf-8", "utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"]
EOLS = ["\n", "\n", "\r\n", "\r", "\r\r\n", "mixed"]


def _csv_text(header, rows, delimiter: str, quoting: int, eol: str, pick) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, quoting=quoting, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    text = out.getvalue()
    if eol == "mixed":
        lines = text.split("\n")
        return "".join(line + ["\n", "\r\n", "\r"][pick(i)] for i, line in enumerate(lines[:-1])) + lines[-1]
    return text.replace("\n", eol)


def _encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


@st.composite
def byte_mutations(draw, data: bytes) -> bytes:
    """Byte-level damage: flips, inserted quotes or bytes, deletions, truncation."""
    data = bytearray(data)
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "quote"]))
        at = draw(st.integers(0, max(0, len(data))))
        if kind == "flip" and data:
            data[min(at, len(data) - 1)] = draw(st.integers(0, 255))
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=4))
        elif kind == "delete" and data:
            data[at : at + draw(st.integers(1, 8))] = b""
        elif kind == "truncate":
            data = data[:at]
        elif kind == "quote":
            data[at:at] = b'"'
    return bytes(data)


@st.composite
def csv_files(draw):
    """(bytes, '.csv', schema)."""
    schema = draw(st.sampled_from(SCHEMAS))
    header, rows = draw(table_rows(schema))
    delimiter = draw(st.sampled_from([",", ",", ",", ";", "\t", "|"]))
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]))
    eol = draw(st.sampled_from(EOLS))
    text = _csv_text(header, rows, delimiter, quoting, eol, lambda i: draw(st.integers(0, 2)))
    if draw(st.booleans()):
        text += draw(st.sampled_from(["", "\n", "\n\n", '"', ",,,\n", "\r"]))
    data = _encode(text, draw(st.sampled_from(ENCODINGS)))
    if draw(st.integers(0, 3)) == 0:
        data = draw(byte_mutations(data))
    return data, ".csv", schema


# --------------------------------------------------------------------------- XLSX

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _escape(text: str) -> str:
    text = "".join(ch for ch in text if ch in "\t\n\r" or (" " <= ch <= "\ud7ff") or ("\ue000" <= ch <= "\ufffd") or ch > "\uffff")
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def sheet_xml(rows: list[list[str]], dimension: str | None, shared: list[str], far_row: int | None = None, style: str = "inline") -> str:
    """SpreadsheetML for `rows` (numbers as numeric cells, text inline or shared), with `dimension` as
    declared (it may lie) and optionally one far row."""
    out = ['<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">']
    if dimension:
        out.append(f'<dimension ref="{dimension}"/>')
    out.append("<sheetData>")
    numbered = list(enumerate(rows, start=1))
    if far_row:
        numbered.append((far_row, ["far", "-5"]))
    for number, row in numbered:
        out.append(f'<row r="{number}">')
        for c, value in enumerate(row):
            ref = f"{_column_letters(c)}{number}"
            try:
                float(value)
                numeric = value.strip() == value and value not in ("", "nan", "inf", "-inf", "NaN")
            except ValueError:
                numeric = False
            if value == "":
                continue
            if numeric:
                out.append(f'<c r="{ref}"><v>{_escape(value)}</v></c>')
            elif style == "shared":
                shared.append(value)
                out.append(f'<c r="{ref}" t="s"><v>{len(shared) - 1}</v></c>')
            else:
                out.append(f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{_escape(value)}</t></is></c>')
        out.append("</row>")
    out.append("</sheetData></worksheet>")
    return "".join(out)


def workbook_bytes(sheet: str, shared: list[str]) -> bytes:
    strings = "".join(f'<si><t xml:space="preserve">{_escape(s)}</t></si>' for s in shared)
    sst = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(shared)}" uniqueCount="{len(shared)}">{strings}</sst>'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        z.writestr("xl/sharedStrings.xml", sst)
    return out.getvalue()


@st.composite
def xlsx_files(draw):
    """(bytes, '.xlsx', schema): a workbook of valid-then-mutated rows, with its XML and zip mutated."""
    schema = draw(st.sampled_from(SCHEMAS))
    header, rows = draw(table_rows(schema))
    table = [header] + rows
    height = len(table)
    width = max(len(r) for r in table)
    dimension = draw(st.sampled_from([
        None, "honest", "A1", "A1:L11", "A1:L2", "A1:L1048576", "A1:XFD1048576", "A1:A1", "ZZ9:A1", "bogus", "A0:L0",
    ]))
    if dimension == "honest":
        dimension = f"A1:{_column_letters(max(width, 1) - 1)}{height}"
    far = draw(st.sampled_from([None, None, None, height + 1, height + 5, 1000, 1048576, 2_000_000]))
    shared: list[str] = []
    xml = sheet_xml(table, dimension, shared, far_row=far, style=draw(st.sampled_from(["inline", "shared"])))
    if draw(st.integers(0, 3)) == 0:  # the XML itself: cut, bad references, odd cell types
        kind = draw(st.sampled_from(["cut", "type", "ref", "entity", "nested", "sst-index"]))
        if kind == "cut":
            xml = xml[: draw(st.integers(0, len(xml)))]
        elif kind == "type":
            xml = xml.replace('t="inlineStr"', f't="{draw(st.sampled_from(["b", "e", "n", "d", "str", "zz"]))}"', 1)
        elif kind == "ref":
            xml = xml.replace('r="B2"', f'r="{draw(st.sampled_from(["A1", "XFD1048576", "B0", "", "1B", "ZZZZ2"]))}"', 1)
        elif kind == "entity":
            xml = xml.replace("<sheetData>", "<sheetData>&bogus;", 1)
        elif kind == "nested":
            xml = xml.replace("</row>", "<row r=\"3\"></row></row>", 1)
        else:
            shared.append("x")
            xml = xml.replace("<v>0</v>", "<v>999999</v>", 1)
    data = workbook_bytes(xml, shared)
    if draw(st.integers(0, 5)) == 0:
        data = draw(byte_mutations(data))
    return data, ".xlsx", schema


def inputs():
    """Any input: CSV or XLSX (CSV twice as often: the engines differ only there)."""
    return st.one_of(csv_files(), csv_files(), xlsx_files())

"""An Excel workbook beside each CSV of a package, for residents who open downloads in Excel.

Excel opens a CSV without a byte-order mark as Windows-1252, so the published UTF-8 "£4,888" and "2024–28"
show as "Â£4,888" and "2024â€“28". A BOM would fix Excel and break other readers (a header "\\ufeffindicator_id"
in naive parsers, the DataStore load, the published hashes), so the CSV stays plain UTF-8 and a workbook
(data/observations.xlsx) is written beside it, cells typed from the Table Schema (numbers as numbers),
text exactly as published. Reproducible: the workbook's dates are the package's `created`, and its zip
entries carry fixed timestamps, so the same inputs give the same bytes.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

NUMERIC = ("number", "integer", "year")


def _cell(text: str, kind: str):
    if text == "":
        return None
    if kind in NUMERIC:
        try:
            number = float(text)
        except ValueError:
            return text
        return int(number) if kind != "number" or number.is_integer() and "." not in text else number
    if kind == "boolean":
        return text in ("true", "True", "TRUE", "1")
    return text


def write_xlsx(csv_path: Path, schema: dict, created: datetime) -> Path:
    """data/<table>.xlsx beside data/<table>.csv: one sheet named after the table, the header row bold."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    kinds = {f.get("name"): f.get("type", "string") for f in schema.get("fields") or []}
    book = Workbook()
    sheet = book.active
    sheet.title = csv_path.stem[:31]
    with csv_path.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader, [])
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in reader:
            sheet.append([_cell(v, kinds.get(h, "string")) for h, v in zip(header, row)])
    stamp = created.replace(tzinfo=None)
    book.properties.created = book.properties.modified = stamp
    raw = io.BytesIO()
    book.save(raw)
    target = csv_path.with_suffix(".xlsx")
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    fixed = (max(stamp.year, 1980), stamp.month, stamp.day, 0, 0, 0)
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as source, \
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=fixed)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps `modified` with the clock on save
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", lambda m: m.group(1) + iso, data)
            out.writestr(entry, data)
    return target

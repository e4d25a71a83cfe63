"""`stoke-opendata template`: a workbook (or CSV) a steward fills in, which validates once the figures are in.

The workbook's first sheet is the submission: the observations header, one row per indicator and area
expected next (catalogue/template_rows.py), drop-down lists for indicator, area and status, and on each
period and value cell an input message with the period form (and an example) and the unit. A second sheet
explains every column in plain words; a hidden third sheet holds the lists the drop-downs offer. The CSV
form has the same header and rows.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from stoke_opendata.catalogue.vocabulary import OBSERVATION_STATUSES
from stoke_opendata.errors import UsageError

# what to write in each column, beyond the schema's description
ADVICE = {
    "indicator_id": "Pick from the list. `stoke-opendata indicators show ID` gives the definition.",
    "area_code": "Pick from the list (the ONS code, not the place name): E06000021 is Stoke-on-Trent.",
    "period": "The period the figure is for, in the form the indicator's source publishes (the cell's message gives it). Not a date.",
    "value": "A plain number in the indicator's unit (the cell's message gives it): 62.9 for 62.9 %, 116000 for 116,000.",
    "status": "Pick from the list. Leave the value blank only when status is suppressed.",
    "source": "The statistical release or document and section the figure comes from.",
}


def template_sheets(rows, schema: dict):
    """(header, data rows as lists, explanation rows) for `rows` (TemplateRow) and the observations schema."""
    fields = [f for f in schema.get("fields", []) if isinstance(f, dict) and "name" in f]
    header = [f["name"] for f in fields]
    data = []
    for r in rows:
        cells = {"indicator_id": r.indicator_id, "area_code": r.area_code, "area_name": r.area_name, "period": r.period}
        data.append([cells.get(name, "") for name in header])
    explain = [["column", "required", "what to write"]]
    for f in fields:
        required = "yes" if (f.get("constraints") or {}).get("required") else "no (may be left blank or left out)"
        explain.append([f["name"], required, " ".join(x for x in (f.get("description", ""), ADVICE.get(f["name"], "")) if x)])
    return header, data, explain


def write_template(rows, schema: dict, out: str | Path, indicator_ids: list[str], area_codes: list[str]) -> None:
    """Write the template as the name says (.xlsx or .csv), atomically."""
    from stoke_opendata.safety.atomic import atomic_write

    out = Path(out)
    header, data, explain = template_sheets(rows, schema)
    suffix = out.suffix.lower()
    if suffix == ".csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(data)
        with atomic_write(out) as fh:
            fh.write(buffer.getvalue())
        return
    if suffix != ".xlsx":
        raise UsageError("the template is written as .xlsx or .csv: name the output so", where=str(out))
    book = _workbook(rows, header, data, explain, indicator_ids, area_codes)
    with atomic_write(out, "wb") as fh:
        book.save(fh)


def _workbook(rows, header, data, explain, indicator_ids, area_codes):
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    ws = book.active
    ws.title = "submission"
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for values in data:
        ws.append([v or None for v in values])
    ws.freeze_panes = "A2"
    lists = book.create_sheet("lists")
    for column, values in enumerate((indicator_ids, area_codes, list(OBSERVATION_STATUSES)), start=1):
        for i, value in enumerate(values, start=1):
            lists.cell(i, column, value)
    lists.sheet_state = "hidden"
    last = max(len(data) + 1, 200)  # room for rows the steward adds
    col = {name: get_column_letter(i + 1) for i, name in enumerate(header)}
    for name, letter, values in (("indicator_id", "A", indicator_ids), ("area_code", "B", area_codes), ("status", "C", OBSERVATION_STATUSES)):
        if name not in col:
            continue
        dv = DataValidation(type="list", formula1=f"=lists!${letter}$1:${letter}${max(len(values), 1)}", allow_blank=True,
                            showErrorMessage=True, errorTitle=name, error=f"Pick a {name} from the list (the sheet 'columns' explains it).")
        dv.add(f"{col[name]}2:{col[name]}{last}")
        ws.add_data_validation(dv)
    # one input message per distinct wording, on the period and value cells of the rows it applies to
    messages: dict[tuple[str, str], list[str]] = {}
    for i, r in enumerate(rows, start=2):
        if "period" in col:
            messages.setdefault(("period", f"{r.indicator_id}: {r.period_words}."), []).append(f"{col['period']}{i}")
        if "value" in col:
            messages.setdefault(("value", f"{r.indicator_id}: {r.unit_words}."), []).append(f"{col['value']}{i}")
    for (name, text), cells in messages.items():
        dv = DataValidation(type="custom", formula1="TRUE", allow_blank=True, showInputMessage=True, promptTitle=name, prompt=text[:255])
        for cell in cells:
            dv.add(cell)
        ws.add_data_validation(dv)
    sheet = book.create_sheet("columns", 1)
    for values in explain:
        sheet.append(values)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in (("A", 16), ("B", 34), ("C", 110)):
        sheet.column_dimensions[letter].width = width
    for letter in col.values():
        ws.column_dimensions[letter].width = 18
    return book

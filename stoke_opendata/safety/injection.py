"""Spreadsheet formula injection: text cells a spreadsheet would run as a formula.

Published CSVs are opened in Excel and LibreOffice by the public. A text cell that starts with
= + - @ TAB or CR can be taken as a formula (`=HYPERLINK(...)`, `@SUM(...)`, DDE payloads), so a
submission's free text must not start that way. Validation reports such cells; packaging neutralises
any a steward chose to keep by prefixing an apostrophe, as OWASP recommends ("CSV Injection").

Only text fields are looked at: a number field holding -5 is a negative number, not a formula, and
changing it would corrupt the data. Pure standard library.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISER = "'"
CODE = "formula-injection"

# Table Schema types whose cells are text a spreadsheet might read as a formula.
TEXT_TYPES = ("string", "any")


@dataclass(frozen=True)
class FormulaCell:
    """A text cell that starts like a formula. `index` is the 0-based data row."""

    index: int
    field: str
    value: str

    @property
    def row(self) -> int:
        """The row number a spreadsheet shows (header = 1)."""
        return self.index + 2

    @property
    def message(self) -> str:
        first = {"\t": "a TAB", "\r": "a carriage return"}.get(self.value[:1], repr(self.value[:1]))
        return f"text starts with {first}, so a spreadsheet may run it as a formula: {_preview(self.value)}"

    hint = (
        "remove the leading character, or reword the text; if the text must stay, packaging publishes it "
        "with a leading apostrophe (') so spreadsheets show it as text"
    )


def _preview(value: str, width: int = 60) -> str:
    text = value.replace("\t", "\\t").replace("\r", "\\r").replace("\n", "\\n")
    return repr(text if len(text) <= width else text[: width - 1] + "…")


def is_formula(value) -> bool:
    """True for a text value a spreadsheet could take as a formula."""
    return isinstance(value, str) and value[:1] in TRIGGERS


def neutralise(value):
    """The value with a leading apostrophe if it would be taken as a formula; anything else unchanged."""
    return NEUTRALISER + value if is_formula(value) else value


def text_fields(schema: Mapping | None, columns: Iterable[str] = ()) -> list[str]:
    """The columns that hold text: fields typed string (the Table Schema default) or any. Without a
    schema every column is text, as a spreadsheet sees it."""
    if not schema or not schema.get("fields"):
        return list(columns)
    return [f["name"] for f in schema["fields"] if f.get("type", "string") in TEXT_TYPES]


def find_formula_cells(rows: Sequence[Mapping], fields: Iterable[str]) -> list[FormulaCell]:
    """Every cell of the text `fields` in `rows` that starts like a formula, in row then column order."""
    names = list(fields)
    found = []
    for index, row in enumerate(rows):
        for name in names:
            value = row.get(name)
            if is_formula(value):
                found.append(FormulaCell(index, name, value))
    return found


def neutralise_rows(rows: Iterable[Mapping], fields: Iterable[str]) -> tuple[list[dict], list[FormulaCell]]:
    """New rows with every formula-like text cell of `fields` neutralised, and the cells changed."""
    names = list(fields)
    out, changed = [], []
    for index, row in enumerate(rows):
        new = dict(row)
        for name in names:
            value = new.get(name)
            if is_formula(value):
                new[name] = neutralise(value)
                changed.append(FormulaCell(index, name, value))
        out.append(new)
    return out, changed


def neutralise_csv(source, target, schema: Mapping | None = None, *, encoding: str = "utf-8") -> list[FormulaCell]:
    """Copy the CSV at `source` to `target` (paths), neutralising formula-like text cells; streams row by
    row, so memory does not grow with the file. Returns the cells changed. The header row is copied as is
    (its labels are the schema's field names)."""
    import csv

    changed: list[FormulaCell] = []
    with open(source, newline="", encoding=encoding) as fin, open(target, "w", newline="", encoding="utf-8") as fout:
        reader = csv.reader(fin)
        writer = csv.writer(fout, lineterminator="\n")
        header = next(reader, None)
        if header is None:
            return changed
        writer.writerow(header)
        wanted = set(text_fields(schema, header))
        positions = [i for i, name in enumerate(header) if name in wanted]
        for index, cells in enumerate(reader):
            for i in positions:
                if i < len(cells) and is_formula(cells[i]):
                    changed.append(FormulaCell(index, header[i], cells[i]))
                    cells[i] = neutralise(cells[i])
            writer.writerow(cells)
    return changed


def neutralise_file(path, schema: Mapping | None = None) -> list[FormulaCell]:
    """Neutralise formula-like text cells of the CSV at `path` in place (packaging calls this on every
    table it writes). A file with none is left byte for byte as it was; otherwise it is rewritten
    through a temporary file and renamed, so it is never half-written. Returns the cells changed."""
    import csv

    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None:
            return []
        wanted = set(text_fields(schema, header))
        positions = [i for i, name in enumerate(header) if name in wanted]
        if not any(i < len(cells) and is_formula(cells[i]) for cells in reader for i in positions):
            return []
    from stoke_opendata.safety.atomic import staged_file

    with staged_file(path) as tmp:
        changed = neutralise_csv(path, tmp, schema)
    return changed

"""What a figure's period rests on: a period the source states, or only the year of the document it is in.

103 of the bundled figures come from documents that print no period; the rows carry the document's year
so they sort in time, and say so. A reader must not take "2024" for "measured in 2024", so every packaged
observation carries `period_basis` (`stated` or `document_year`), the site writes the second as "document
of 2024 (period not stated)", and packaging refuses a row whose basis is blank (naming the row). A
dataset without the column (older submissions) has each row's basis read from the catalogue's standard
note, "period not stated". Pure.
"""

from __future__ import annotations

from stoke_opendata.errors import InputError

COLUMN = "period_basis"
STATED = "stated"
DOCUMENT_YEAR = "document_year"
BASES = (STATED, DOCUMENT_YEAR)
_NOTE = "period not stated"


def basis(row: dict[str, str], *, has_column: bool | None = None) -> str:
    """The row's basis: its `period_basis` cell when the table has the column, else read from its note."""
    if has_column if has_column is not None else COLUMN in row:
        return (row.get(COLUMN) or "").strip()
    return DOCUMENT_YEAR if _NOTE in (row.get("notes") or "").lower() else STATED


def filled(table, where: str):
    """A copy of an observations Table whose every row has `period_basis` (read from the note when the
    source has no such column); a row with a blank or unknown basis is refused, naming the file and row."""
    from dataclasses import replace

    has_column = COLUMN in (table.header or [])
    rows = []
    for line, row in enumerate(table.rows, start=2):
        value = basis(row, has_column=has_column)
        if value not in BASES:
            cause = "has no period basis" if not value else f"has the period basis {value!r}"
            raise InputError(f"row {line} ({row.get('indicator_id')}, {row.get('area_code')}, {row.get('period')}) "
                             f"{cause}; write {STATED!r} or {DOCUMENT_YEAR!r} in column {COLUMN}", where=where)
        rows.append({**row, COLUMN: value})
    return replace(table, rows=rows)


def observations_schema(schema: dict) -> dict:
    """The observations schema with the `period_basis` field after `period` (unchanged when it has one)."""
    fields = list(schema.get("fields") or [])
    if any(f.get("name") == COLUMN for f in fields):
        return schema
    at = next((i + 1 for i, f in enumerate(fields) if f.get("name") == "period"), len(fields))
    return {**schema, "fields": fields[:at] + [schema_field()] + fields[at:]}


def schema_field() -> dict:
    """The Table Schema field a packaged observations table gains when its source has no such column."""
    return {"name": COLUMN, "type": "string",
            "description": "stated: the source gives the period; document_year: the source gives no period, so the "
                           "year of the document it is printed in is used (shown as 'document of 2024 (period not stated)').",
            "constraints": {"required": True, "enum": list(BASES)}}


def period_words(period: str, basis_value: str) -> str:
    """'2024' or 'document of 2024 (period not stated)'."""
    return f"document of {period} (period not stated)" if basis_value == DOCUMENT_YEAR else period

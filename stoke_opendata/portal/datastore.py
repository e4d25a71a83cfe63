"""The DataStore copy of a tabular resource: CKAN field types from the Table Schema, the CSV read as typed
records, sent in chunks.
"""

from __future__ import annotations

import csv
from typing import Any, Iterable, Iterator

from stoke_opendata.catalogue.casting import CastError, MISSING_VALUES, caster, field_type
from stoke_opendata.errors import InvalidDataError
from stoke_opendata.portal.local_package import LocalFile

DATASTORE_CHUNK = 5000  # rows per datastore_create / datastore_upsert call


# What a DataStore copy records it was loaded from: the file's sha256 and the layout of the load (bump the
# layout when what a load writes changes, e.g. the data dictionary, so existing copies are reloaded once)
DATASTORE_LAYOUT = "dictionary-1"


_CHECKED = ("integer", "boolean", "number", "year", "date")  # cells read by the caster before they are sent


def datastore_mark(sha256: str) -> str:
    return f"{sha256}/{DATASTORE_LAYOUT}"


def datastore_fields(schema: dict) -> list[dict]:
    """DataStore columns from a Table Schema (the one type table, catalogue/casting.py: integer->int,
    number->numeric, boolean->bool, date->date, datetime->timestamp, anything else text); each field's title
    and description as its data-dictionary label and notes."""
    fields = []
    for f in schema.get("fields") or []:
        column = {"id": f["name"], "type": field_type(f).datastore}
        # the DataStore's data dictionary (shown on the resource page and by datastore_info)
        info = {"label": str(f.get("title") or f["name"].replace("_", " ").capitalize())}
        if f.get("description"):
            info["notes"] = str(f["description"])
        column["info"] = info
        fields.append(column)
    return fields


def read_records(local: LocalFile) -> Iterator[dict]:
    """The CSV's rows as DataStore records, each cell read by the one caster (catalogue/casting.py): missing
    values -> null, integers and booleans converted (the field's trueValues and falseValues), numbers and
    dates checked and passed as text for PostgreSQL to parse exactly; a cell not of its type is an error."""
    schema = local.schema or {}
    missing = schema.get("missingValues", MISSING_VALUES)
    plain = caster({}, missing)  # text, missing values null: a column the schema does not name, or of a type
    # PostgreSQL reads from text (datetime, and the types the DataStore holds as text) without our check
    fields = schema.get("fields") or []
    casters = {f["name"]: caster(f, missing) if f.get("type") in _CHECKED else plain for f in fields}
    kept = {f["name"] for f in fields if f.get("type", "string") not in ("integer", "boolean")}
    with open(local.file, newline="", encoding=local.encoding) as fh:
        reader = csv.DictReader(fh)
        for n, row in enumerate(reader, start=2):
            record = {}
            for name, value in row.items():
                if name is None:
                    raise InvalidDataError("more cells than columns", where=f"{local.path}: row {n}")
                try:
                    cast = casters.get(name, plain)(value)
                except CastError as exc:
                    raise InvalidDataError(str(exc), where=f"{local.path}: row {n}: {name}") from None
                record[name] = value if cast is not None and name in kept else cast
            yield record


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


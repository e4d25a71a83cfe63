"""The DataStore copy of a tabular resource: CKAN field types from the Table Schema, the CSV read as typed
records, sent in chunks.
"""

from __future__ import annotations

import csv
from typing import Any, Iterable, Iterator

from stoke_opendata.errors import InvalidDataError
from stoke_opendata.portal.local_package import LocalFile

DATASTORE_CHUNK = 5000  # rows per datastore_create / datastore_upsert call


DATASTORE_TYPES = {
    "integer": "int",
    "number": "numeric",
    "boolean": "bool",
    "date": "date",
    "datetime": "timestamp",
}


def datastore_fields(schema: dict) -> list[dict]:
    """DataStore columns from a Table Schema: integer->int, number->numeric, boolean->bool, date->date,
    datetime->timestamp, anything else text."""
    return [{"id": f["name"], "type": DATASTORE_TYPES.get(f.get("type", "string"), "text")}
            for f in schema.get("fields") or []]


def read_records(local: LocalFile) -> Iterator[dict]:
    """The CSV's rows as DataStore records: missing values -> null, integers and booleans converted,
    numbers and dates passed as text for PostgreSQL to parse exactly."""
    schema = local.schema or {}
    missing = set(schema.get("missingValues", [""]))
    specs = {f["name"]: f for f in schema.get("fields") or []}
    with open(local.file, newline="", encoding=local.encoding) as fh:
        reader = csv.DictReader(fh)
        for n, row in enumerate(reader, start=2):
            record = {}
            for name, value in row.items():
                if name is None:
                    raise InvalidDataError("more cells than columns", where=f"{local.path}: row {n}")
                spec = specs.get(name, {})
                if value is None or value in missing:
                    record[name] = None
                    continue
                kind = spec.get("type", "string")
                if kind == "integer":
                    try:
                        record[name] = int(value)
                    except ValueError:
                        raise InvalidDataError(f"{value!r} is not an integer",
                                               where=f"{local.path}: row {n}: {name}") from None
                elif kind == "boolean":
                    true = set(spec.get("trueValues", ["true", "True", "TRUE", "1"]))
                    record[name] = value in true
                else:
                    record[name] = value
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


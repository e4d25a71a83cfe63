"""CSV on the Web (W3C CSVW) metadata for each table of a package, generated from the same Table Schema the
package's datapackage.json carries, so W3C-standard tools (the ONS publishes its statistics with CSVW) read the
same columns and types as frictionless does. Written beside the CSV as `<table>.csv-metadata.json`, the
name CSVW processors look for first. Pure apart from the write."""

from __future__ import annotations

from pathlib import Path

from stoke_opendata.catalogue.casting import false_values, field_type, true_values
from stoke_opendata.hashing import sha256_file
from stoke_opendata.package.files import write_json

CONTEXT = "http://www.w3.org/ns/csvw"
MEDIATYPE = "application/csvm+json"


def _datatype(field: dict) -> str | dict:
    kind = field.get("type") or "string"
    base = field_type(field).xsd  # CSVW (XML Schema) datatype base, from the one type table
    constraints = field.get("constraints") or {}
    datatype: dict = {"base": base}
    if kind == "boolean":
        true, false = (true_values(field) or ["true"])[0], (false_values(field) or ["false"])[0]
        datatype["format"] = f"{true}|{false}"
    if kind in ("integer", "number"):
        for key in ("minimum", "maximum"):
            if key in constraints:
                datatype[key] = constraints[key]
    if kind == "string" and constraints.get("pattern"):
        datatype["format"] = constraints["pattern"]
    return datatype if len(datatype) > 1 else base


def csvw_document(csv_name: str, schema: dict, title: str, description: str) -> dict:
    """The CSVW metadata document of one CSV file (`csv_name`, relative to the document)."""
    missing = schema.get("missingValues", [""])
    columns = []
    for field in schema.get("fields") or []:
        column = {"name": field["name"], "titles": field["name"], "datatype": _datatype(field), "null": missing}
        if field.get("description"):
            column["dc:description"] = field["description"]
        if (field.get("constraints") or {}).get("required"):
            column["required"] = True
        columns.append(column)
    table_schema: dict = {"columns": columns}
    key = schema.get("primaryKey")
    if key:
        table_schema["primaryKey"] = key
    return {"@context": CONTEXT, "url": csv_name, "dc:title": title, "dc:description": description,
            "dialect": {"header": True, "encoding": "utf-8", "delimiter": ","}, "tableSchema": table_schema}


def write_csvw(csv_path: Path, rel: str, schema: dict, title: str, description: str) -> dict:
    """Write the metadata beside `csv_path`; returns its datapackage.json resource entry."""
    target = csv_path.with_name(csv_path.name + "-metadata.json")
    write_json(target, csvw_document(csv_path.name, schema, title, description))
    name = csv_path.stem
    return {"name": f"{name}-csvw", "title": f"{title}: CSV on the Web metadata",
            "description": f"W3C CSVW metadata for {csv_path.name}, generated from its Table Schema",
            "path": f"{rel}-metadata.json", "format": "json", "mediatype": MEDIATYPE,
            "bytes": target.stat().st_size, "hash": f"sha256:{sha256_file(target)}"}

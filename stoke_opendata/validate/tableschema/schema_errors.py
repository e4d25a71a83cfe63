"""Is the Table Schema itself valid? schema-error (its shape, keys) and field-error (one field), as frictionless says.

A user hands us schemas we did not write. One that breaks the spec (no `fields` list, an unknown type, a
primary key naming an absent field, a minimum that is not of its field's type, a pattern that is not a regular
expression) is reported as a problem of the resource, with what to change, and its data is not checked
against it: checking data against a broken contract would report nonsense, or crash.
"""

from __future__ import annotations

import re

from stoke_opendata.validate.problems import Problem
from stoke_opendata.catalogue.casting import TYPES, CastError
from stoke_opendata.validate.tableschema.field_types import constraint_value

BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
# the formats frictionless 5 accepts where the type restricts them (dates and times take any strptime pattern)
FORMATS = {"string": ("default", "email", "uri", "binary", "uuid", "wkt"), "geopoint": ("default", "array", "object"), "geojson": ("default", "topojson")}
LENGTHS = ("minLength", "maxLength")


def _names(value) -> list | None:
    """A key's fields as a list (a string is one field), or None when it is neither."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return None


def schema_problems(schema, path: str) -> list[Problem]:
    """Every way `schema` breaks the Table Schema spec, as problems of the file `path` (empty if valid)."""
    out: list[Problem] = []

    def schema_error(message: str, hint: str) -> None:
        out.append(Problem(path, "schema-error", f"the Table Schema is invalid: {message}", hint))

    def field_error(name, message: str, hint: str) -> None:
        out.append(Problem(path, "field-error", f"the Table Schema's field {name!r} is invalid: {message}", hint, column=str(name)))

    if not isinstance(schema, dict):
        schema_error(f"it is a {type(schema).__name__}, not an object", 'write the schema as a JSON object: {"fields": [...]}')
        return out
    fields = schema.get("fields")
    if not isinstance(fields, list):
        schema_error("it has no 'fields' list", 'give the schema a "fields" list, one object per column')
        return out
    names: list[str] = []
    specs: dict[str, dict] = {}
    for index, spec in enumerate(fields):
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str) or not spec.get("name"):
            schema_error(f"fields[{index}] is not an object with a 'name'", 'write each field as {"name": "...", "type": "..."}')
            continue
        name = spec["name"]
        if name in specs:
            schema_error(f"two fields are named {name!r}", "give every field its own name")
        names.append(name)
        specs[name] = spec
        _field_problems(name, spec, field_error)
    missing = schema.get("missingValues", [""])
    if not isinstance(missing, list) or not all(isinstance(v, str) for v in missing):
        schema_error("'missingValues' must be a list of strings", 'write e.g. "missingValues": ["", "NA"]')
    if "primaryKey" in schema:
        key = _names(schema["primaryKey"])
        if key is None:
            schema_error("'primaryKey' must be a field name or a list of field names", 'write e.g. "primaryKey": ["id"]')
        else:
            for name in key:
                if name not in specs:
                    schema_error(f"the primary key names {name!r}, which is not a field", f"use field names: {', '.join(names)}")
    if "foreignKeys" in schema:
        _foreign_key_problems(schema["foreignKeys"], specs, schema_error)
    return out


def _field_problems(name: str, spec: dict, field_error) -> None:
    ftype = spec.get("type", "string")
    if ftype not in TYPES:
        field_error(name, f"the type {ftype!r} is not a Table Schema type", f"use one of: {', '.join(TYPES)}")
        return
    fmt = spec.get("format")
    if fmt is not None and not isinstance(fmt, str):
        field_error(name, f"'format' must be a string, not {fmt!r}", 'write e.g. "format": "default"')
    elif ftype in FORMATS and fmt not in (None, *FORMATS[ftype]):
        field_error(name, f"the format {fmt!r} is not a {ftype} format", f"use one of: {', '.join(FORMATS[ftype])}")
    for key in ("groupChar", "decimalChar"):
        if key in spec and (not isinstance(spec[key], str) or (key == "decimalChar" and not spec[key])):
            field_error(name, f"'{key}' must be a character, not {spec[key]!r}", f'write e.g. "{key}": ","')
    if "bareNumber" in spec and not isinstance(spec["bareNumber"], bool):
        field_error(name, "'bareNumber' must be true or false", 'write "bareNumber": false')
    for key in ("trueValues", "falseValues"):
        if key in spec and (not isinstance(spec[key], list) or not all(isinstance(v, str) for v in spec[key])):
            field_error(name, f"'{key}' must be a list of strings", f'write e.g. "{key}": ["yes"]')
    constraints = spec.get("constraints", {})
    if not isinstance(constraints, dict):
        field_error(name, "'constraints' must be an object", 'write e.g. "constraints": {"required": true}')
        return
    for key in ("required", "unique"):
        if key in constraints and not isinstance(constraints[key], bool):
            field_error(name, f"the {key} constraint must be true or false", f'write "{key}": true')
    if "pattern" in constraints:
        try:
            re.compile(constraints["pattern"])
        except (re.error, TypeError):
            field_error(name, f"the pattern {constraints['pattern']!r} is not a regular expression", "correct the pattern")
    if "enum" in constraints:
        if not isinstance(constraints["enum"], list) or not constraints["enum"]:
            field_error(name, "the enum constraint must be a non-empty list", 'write e.g. "enum": ["a", "b"]')
        else:
            for option in constraints["enum"]:
                try:
                    constraint_value(spec, option)
                except CastError:
                    field_error(name, f"the enum value {option!r} is not a {ftype}", f"write every enum value as a {ftype}")
    for key in BOUNDS:
        if key in constraints:
            try:
                constraint_value(spec, constraints[key])
            except CastError:
                field_error(name, f"the {key} {constraints[key]!r} is not a {ftype}", f"write the {key} as a {ftype}")
    for key in LENGTHS:
        if key in constraints and (not isinstance(constraints[key], int) or isinstance(constraints[key], bool) or constraints[key] < 0):
            field_error(name, f"the {key} constraint must be a whole number", f'write e.g. "{key}": 3')


def _foreign_key_problems(foreign_keys, specs: dict, schema_error) -> None:
    if not isinstance(foreign_keys, list):
        schema_error("'foreignKeys' must be a list", 'write e.g. "foreignKeys": [{"fields": "x", "reference": {"resource": "r", "fields": "id"}}]')
        return
    for index, fk in enumerate(foreign_keys):
        where = f"foreignKeys[{index}]"
        if not isinstance(fk, dict):
            schema_error(f"{where} is not an object", "write each foreign key as an object with fields and reference")
            continue
        fields = _names(fk.get("fields"))
        reference = fk.get("reference")
        if fields is None:
            schema_error(f"{where} has no 'fields'", "name the fields that refer to another table")
            continue
        if not isinstance(reference, dict):
            schema_error(f"{where} has no 'reference' object", 'add "reference": {"resource": "...", "fields": [...]}')
            continue
        ref_fields = _names(reference.get("fields"))
        if ref_fields is None or not isinstance(reference.get("resource", ""), str):
            schema_error(f"{where}'s reference needs 'resource' and 'fields'", 'write "reference": {"resource": "...", "fields": [...]}')
            continue
        if isinstance(fk.get("fields"), str) != isinstance(reference.get("fields"), str) or len(fields) != len(ref_fields):
            schema_error(f"{where} has {len(fields)} field(s) but its reference has {len(ref_fields)}", "name as many reference fields as fields, both as lists or both as strings")
            continue
        for name in fields:
            if name not in specs:
                schema_error(f"{where} names {name!r}, which is not a field", f"use field names: {', '.join(specs)}")
        if reference.get("resource", "") == "":
            for name in ref_fields:
                if name not in specs:
                    schema_error(f"{where} refers to {name!r} in the same table, which is not a field", f"use field names: {', '.join(specs)}")

"""One caster from a Table Schema field to a value: what each type is, which texts are true and false, which are
missing, and how a cell becomes a Python value, with frictionless's semantics.

Every place that turns a CSV cell into a value reads it here: the validator's slow path and its constraint
values (validate/tableschema), the DataStore records (portal/datastore.py), the progress inputs
(package/progress_rows.py), the indicator definitions (catalogue/definitions.py) and the site's JSON twin
(site/data_json.py). The validator's polars hot path keeps its vectorised casts, but takes its dtypes and
its true/false lists from FIELD_TYPES, TRUE_VALUES and FALSE_VALUES below, as do the pandera schema and the
Parquet twins. The simple types are a few lines of the standard library (their rules copied from
frictionless 5's fields/*.py; tests/validate/test_field_types.py checks they agree with frictionless's own
readers); the rest (datetime, time, duration, geopoint, geojson, object, array, list, string formats) are
frictionless's, imported only when such a field is read.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Iterable


@dataclass(frozen=True)
class FieldType:
    """How one Table Schema type is held elsewhere: its polars dtype (None: text), its pandas dtype, its CKAN
    DataStore column type and its CSVW (XML Schema) datatype."""

    polars: str | None = None
    pandas: str = "str"
    datastore: str = "text"
    xsd: str = "string"


FIELD_TYPES: dict[str, FieldType] = {
    "string": FieldType(),
    "number": FieldType("Float64", "float64", "numeric", "double"),
    "integer": FieldType("Int64", "Int64", "int", "integer"),
    "boolean": FieldType("Boolean", "boolean", "bool", "boolean"),
    "object": FieldType(),
    "array": FieldType(),
    "list": FieldType(),
    "date": FieldType("Date", "datetime64[ns]", "date", "date"),
    "time": FieldType(xsd="time"),
    "datetime": FieldType("Datetime", "datetime64[ns]", "timestamp", "datetime"),
    "year": FieldType("Int64", "Int64", "text", "gYear"),
    "yearmonth": FieldType(xsd="gYearMonth"),
    "duration": FieldType(),
    "geopoint": FieldType(),
    "geojson": FieldType(),
    "any": FieldType(),
}
TYPES = tuple(FIELD_TYPES)
TRUE_VALUES = ["true", "True", "TRUE", "1"]  # Table Schema's defaults, when a field names none of its own
FALSE_VALUES = ["false", "False", "FALSE", "0"]
MISSING_VALUES = [""]

_BARE = re.compile(r"((^[^-\d]*)|(\D*$))")  # frictionless's bareNumber: false pattern
_ARTICLE = {"integer": "an", "object": "an", "array": "an", "any": "an"}


class CastError(ValueError):
    """A text (or a constraint's value) that is not a value of its field's type."""


def field_type(spec: dict) -> FieldType:
    return FIELD_TYPES.get(spec.get("type", "string"), FieldType())


def field_format(spec: dict) -> str:
    fmt = spec.get("format") or "default"
    return fmt[4:] if isinstance(fmt, str) and fmt.startswith("fmt:") else fmt


def true_values(spec: dict) -> list[str]:
    return [str(v) for v in spec.get("trueValues", TRUE_VALUES)]


def false_values(spec: dict) -> list[str]:
    return [str(v) for v in spec.get("falseValues", FALSE_VALUES)]


def reader(spec: dict) -> Callable[[str], object]:
    """frictionless's value reader for the field: the value (number Decimal, integer and year int, boolean
    bool, date date, yearmonth (year, month), string str...), or None when the text is not of the type."""
    ftype = spec.get("type", "string")
    fmt = field_format(spec)
    if ftype == "integer":
        bare = spec.get("bareNumber", True) is not False

        def read_integer(cell):
            cell = cell.strip()
            if not bare:
                cell = _BARE.sub("", cell)
            try:
                return int(cell)
            except ValueError:
                return None

        return read_integer
    if ftype == "number":
        bare = spec.get("bareNumber", True) is not False
        group = spec.get("groupChar", "")
        decimal = spec.get("decimalChar", ".")
        processed = any(k in spec for k in ("groupChar", "decimalChar", "bareNumber"))

        def read_number(cell):
            cell = cell.strip()
            if processed:
                if not bare:
                    cell = _BARE.sub("", cell)
                cell = cell.replace(group, "")
                if decimal != "." and "." in cell:
                    return None
                cell = cell.replace(decimal, ".")
            try:
                return Decimal(cell)
            except ArithmeticError:
                return None

        return read_number
    if ftype == "year":

        def read_year(cell):
            if len(cell) != 4:
                return None
            try:
                value = int(cell)
            except ValueError:
                return None
            return value if 0 <= value <= 9999 else None

        return read_year
    if ftype == "boolean":
        mapping = {v: True for v in true_values(spec)}
        mapping.update({v: False for v in false_values(spec)})
        return mapping.get
    if ftype == "yearmonth":

        def read_yearmonth(cell):
            try:
                year, month = cell.split("-")
                year, month = int(year), int(month)
            except ValueError:
                return None
            return (year, month) if 1 <= month <= 12 else None

        return read_yearmonth
    if ftype == "date" and fmt != "any":
        pattern = "%Y-%m-%d" if fmt == "default" else fmt

        def read_date(cell):
            try:
                return dt.datetime.strptime(cell, pattern).date()
            except ValueError:
                return None

        return read_date
    if ftype in ("string", "any") and fmt == "default":
        return lambda cell: cell
    return _frictionless_reader(spec)


def _frictionless_reader(spec: dict):
    import frictionless

    descriptor = {k: v for k, v in spec.items() if k not in ("constraints",)}
    descriptor.setdefault("name", "field")
    try:
        read_value = frictionless.Field.from_descriptor(descriptor).create_value_reader()
    except frictionless.FrictionlessException:
        # a field frictionless cannot read here: an invalid descriptor (the validator reports it) or a
        # format needing an optional package (wkt needs frictionless[wkt]): its cells are taken as they are
        return lambda cell: cell

    def read(cell):
        try:
            return read_value(cell)
        except Exception:  # a reader that raises on odd input: not a value of the type
            return None

    return read


def not_a(spec: dict, text) -> CastError:
    """The one error for a text that is not of its field's type: "'61.3 %' is not a number"."""
    ftype = spec.get("type", "string")
    return CastError(f"{text!r} is not {_ARTICLE.get(ftype, 'a')} {ftype}")


def caster(spec: dict, missing_values: Iterable[str] = MISSING_VALUES) -> Callable[[str | None], object]:
    """A function from a cell's text to its value: None for a missing value (the schema's `missingValues`),
    a number as float, integer and year int, boolean bool, date date, string str (other types as
    frictionless reads them); CastError for a text not of the type."""
    missing = set(missing_values)
    read = reader(spec)
    as_float = spec.get("type", "string") == "number"

    def cast_cell(text: str | None):
        if text is None or text in missing:
            return None
        value = read(text)
        if value is None:
            raise not_a(spec, text)
        return float(value) if as_float else value

    return cast_cell


def cast(spec: dict, text: str | None, missing_values: Iterable[str] = MISSING_VALUES):
    """One cell's value (see caster); build a caster once for a column."""
    return caster(spec, missing_values)(text)

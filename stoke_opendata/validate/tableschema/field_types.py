"""Reading a text cell as its field's type, with frictionless's semantics, a whole column at a time.

Two paths, one meaning. The fast path is a polars cast for the plain forms of the common types (a number
`61.3`, an integer, a `YYYY-MM-DD` date, a `YYYY-MM-DDTHH:MM:SS` datetime...), which covers every cell of a
well-made file. Every distinct value the fast path could not read goes through the slow path: frictionless's
own rules, in Python (`catalogue.casting.reader`, the one caster). So a cell is a type-error exactly when frictionless would say so
(`2020-01-01T15:00:00+01:00`, ` 42` with its padding, `2020-1` as a yearmonth, an integer past 2^63 are
values, `61.3 %` is not), while a million plain cells never leave polars. Only the few failing distinct
values cost Python time (frictionless itself is imported only for the types whose rules we take from it:
datetime, time, duration, geopoint, geojson, object, array, list, and string formats).

Typed values: number Float64, integer and year Int64 (an integer beyond Int64 is valid but has no typed value),
boolean Boolean, date Date, datetime Datetime (UTC, for values with an offset), yearmonth Int64 (year*12 +
month - 1, so 2020-1 and 2020-01 are equal), every other type the canonical text of its value (so typed
equality, for keys, is frictionless's equality).
"""

from __future__ import annotations

import datetime as dt
import json

from stoke_opendata.catalogue.casting import CastError, false_values, field_format, field_type, not_a, reader, true_values
from stoke_opendata.validate.tables.table import ROW

# the types whose typed column has a polars dtype of its own (others hold canonical text)
NATIVE = ("number", "integer", "year", "boolean", "date", "datetime", "yearmonth")


def needs_reading(spec: dict) -> bool:
    """False for fields whose every text is a value (string and any without a format)."""
    return spec.get("type", "string") not in ("string", "any") or field_format(spec) != "default"


def dtype(pl, spec: dict):
    """The typed column's dtype: casting.FIELD_TYPES's, and a yearmonth as its month number (for keys)."""
    if spec.get("type") == "yearmonth":
        return pl.Int64
    name = field_type(spec).polars
    return pl.Datetime("us") if name == "Datetime" else getattr(pl, name) if name else pl.String


def fast_cast(pl, column: str, spec: dict):
    """A polars expression reading the plain forms of the field's type (null where it cannot), or None when
    the type has no fast path (every distinct value then goes through casting.reader)."""
    ftype = spec.get("type", "string")
    fmt = field_format(spec)
    col = pl.col(column)
    if ftype == "number":
        if any(k in spec for k in ("groupChar", "decimalChar", "bareNumber")):
            return None
        return col.cast(pl.Float64, strict=False)
    if ftype == "integer":
        if "bareNumber" in spec:
            return None
        return col.cast(pl.Int64, strict=False)
    if ftype == "year":
        return pl.when(col.str.contains(r"^\d{4}$")).then(col.cast(pl.Int64, strict=False)).otherwise(None)
    if ftype == "boolean":
        trues, falses = true_values(spec), false_values(spec)
        return pl.when(col.is_in(trues)).then(True).when(col.is_in(falses)).then(False).otherwise(None)
    # dates and datetimes: polars's parser is more lenient than Python's strptime/isoparse (it takes a
    # leading space), so the fast path reads only the plain form and leaves the rest to the slow path;
    # a custom `format` is strptime's own language, read by Python
    if ftype == "date" and fmt == "default":
        plain = col.str.contains(r"^\d{4}-(1[0-2]|0[1-9]|[1-9])-(3[01]|[12]\d|0[1-9]|[1-9])$")
        return pl.when(plain).then(col.str.strptime(pl.Date, "%Y-%m-%d", strict=False)).otherwise(None)
    if ftype == "datetime" and fmt == "default":
        plain = col.str.contains(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$")
        return pl.when(plain).then(col.str.strptime(pl.Datetime("us"), "%Y-%m-%dT%H:%M:%S", strict=False)).otherwise(None)
    if ftype == "yearmonth":
        plain = col.str.contains(r"^\d{4}-(0[1-9]|1[0-2])$")
        return pl.when(plain).then(col.str.slice(0, 4).cast(pl.Int64) * 12 + col.str.slice(5, 2).cast(pl.Int64) - 1).otherwise(None)
    return None


# ---------------------------------------------------------------------------------------------- slow path


def typed_value(spec: dict, value):
    """A casting.reader value as the typed column holds it."""
    ftype = spec.get("type", "string")
    if value is None:
        return None
    if ftype == "number":
        return float(value)
    if ftype in ("integer", "year"):
        return value if -(2**63) <= value < 2**63 else None
    if ftype == "yearmonth":
        year, month = value
        return year * 12 + month - 1
    if ftype == "datetime" and isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value
    if ftype == "date" and isinstance(value, dt.datetime):
        return value.date()
    if ftype in NATIVE:
        return value
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, default=str)
    return str(value)


def read_columns(pl, raw, specs: dict, present: set[str]):
    """(typed frame, {field: the distinct texts that are not of its type}, {field: the distinct texts that
    are values with no typed form: integers beyond Int64}). `raw` holds the text of every field (missing
    values already null); only fields in `present` are read."""
    exprs = []
    slow: list[str] = []
    for name, spec in specs.items():
        fast = fast_cast(pl, name, spec) if name in present and needs_reading(spec) else None
        if name in present and needs_reading(spec):
            slow.append(name)
        if fast is None:
            exprs.append(pl.col(name).cast(dtype(pl, spec)) if not needs_reading(spec) else pl.lit(None, dtype=dtype(pl, spec)).alias(name))
        else:
            exprs.append(fast.alias(name))
    typed = raw.select(pl.col(ROW), *exprs)
    invalid: dict[str, list[str]] = {}
    untyped: dict[str, list[str]] = {}
    if not slow:
        return typed, invalid, untyped
    # the distinct texts the fast path did not read, for all slow fields in one pass
    unread = raw.select(
        *[pl.col(name).filter(pl.col(name).is_not_null() & typed[name].is_null()).unique().implode() for name in slow]
    )
    replaced = []
    for name in slow:
        values = unread[name][0]
        if values is None or values.len() == 0:
            continue
        spec = specs[name]
        read = reader(spec)
        keys, typed_values, bad = [], [], []
        for text in values.to_list():
            value = read(text)
            if value is None:
                bad.append(text)
            else:
                keys.append(text)
                typed_values.append(typed_value(spec, value))
                if typed_values[-1] is None:
                    untyped.setdefault(name, []).append(text)
        if bad:
            invalid[name] = bad
        if keys:
            mapped = pl.col(f"{name}__raw").replace_strict(keys, pl.Series(typed_values, dtype=dtype(pl, spec)), default=None, return_dtype=dtype(pl, spec))
            replaced.append(pl.when(pl.col(name).is_null()).then(mapped).otherwise(pl.col(name)).alias(name))
    if replaced:
        names = [e.meta.output_name() for e in replaced]
        typed = typed.with_columns([raw[n].alias(f"{n}__raw") for n in names]).with_columns(replaced).drop([f"{n}__raw" for n in names])
    return typed, invalid, untyped


# ---------------------------------------------------------------------------------------------- constraints


def constraint_value(spec: dict, value):
    """A minimum/maximum/enum value in the field's typed form: the spec says constraint values are written in
    the field's type, and a string is cast as a cell would be ("minimum": "-99.99" on a number field)."""
    ftype = spec.get("type", "string")
    if ftype in ("string", "any") and field_format(spec) == "default":
        return value if isinstance(value, str) else str(value)
    if isinstance(value, bool) and ftype != "boolean":
        raise not_a(spec, value)
    if isinstance(value, (int, float)) and ftype in ("number", "integer", "year"):
        if ftype in ("integer", "year") and isinstance(value, float) and not value.is_integer():
            raise CastError(f"{value!r} is not a whole number")
        return float(value) if ftype == "number" else int(value)
    if isinstance(value, bool) and ftype == "boolean":
        return value
    text = value if isinstance(value, str) else json.dumps(value) if isinstance(value, (dict, list)) else str(value)
    read = reader(spec)(text)
    if read is None:
        raise not_a(spec, value)
    return typed_value(spec, read)

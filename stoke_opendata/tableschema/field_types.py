"""Reading a text cell as its field's type."""

from __future__ import annotations

import re


def _cast(pl, column, spec: dict):
    """A polars expression casting the text column to the field's type (null where it cannot be cast)."""
    ftype = spec.get("type", "string")
    col = pl.col(column)
    if ftype == "number":
        if spec.get("bareNumber") is False:
            col = col.str.replace_all(r"^[^\d\-+.]+|[^\d.]+$", "")
        if spec.get("groupChar"):
            col = col.str.replace_all(re.escape(spec["groupChar"]), "")
        if spec.get("decimalChar") and spec["decimalChar"] != ".":
            col = col.str.replace_all(re.escape(spec["decimalChar"]), ".", literal=True)
        return col.cast(pl.Float64, strict=False)
    if ftype == "integer":
        if spec.get("bareNumber") is False:
            col = col.str.replace_all(r"^[^\d\-+]+|[^\d]+$", "")
        return col.cast(pl.Int64, strict=False)
    if ftype == "year":
        return pl.when(col.str.contains(r"^-?\d{4}$")).then(col.cast(pl.Int64, strict=False)).otherwise(None)
    if ftype == "boolean":
        trues = [str(v) for v in spec.get("trueValues", ["true", "True", "TRUE", "1"])]
        falses = [str(v) for v in spec.get("falseValues", ["false", "False", "FALSE", "0"])]
        return pl.when(col.is_in(trues)).then(True).when(col.is_in(falses)).then(False).otherwise(None)
    if ftype == "date":
        fmt = spec.get("format", "default")
        fmt = "%Y-%m-%d" if fmt in ("default", "any", None) else fmt
        return col.str.strptime(pl.Date, fmt, strict=False)
    if ftype == "datetime":
        fmt = spec.get("format", "default")
        fmt = "%Y-%m-%dT%H:%M:%S" if fmt in ("default", "any", None) else fmt
        return col.str.strip_suffix("Z").str.strptime(pl.Datetime, fmt, strict=False)
    if ftype == "yearmonth":
        return pl.when(col.str.contains(r"^\d{4}-(0[1-9]|1[0-2])$")).then(col).otherwise(None)
    return col  # string, any and the rest: text as is


def _constraint_value(spec: dict, value):
    """A constraint's bound in the field's type (minimum '2020-01-01' for a date field)."""
    import datetime as dt

    ftype = spec.get("type", "string")
    if ftype == "date" and isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value

"""The structure layer: the names other modules import, kept here while the rules live in stoke_opendata.validate.tableschema.

(stoke_opendata.validate.tableschema holds one module per concept: schema_errors, field_types, constraints,
keys, hints, check.)
"""

from __future__ import annotations

from stoke_opendata.validate.tableschema.check import Checked, References, check_structure  # noqa: F401
from stoke_opendata.validate.tableschema.hints import NUMERIC_TYPES, SUPPRESSION_MARKERS, enum_hint, label_hint, pattern_hint, type_hint  # noqa: F401


def _cast(pl, column, spec: dict):
    """The earlier name of the fast cast (kept for callers outside this package, e.g. other engines): a polars
    expression reading the plain forms of the field's type, null elsewhere. tableschema.field_types.read_columns
    adds frictionless's exact reading of the values this misses."""
    from stoke_opendata.validate.tableschema.field_types import dtype, fast_cast, needs_reading

    expr = fast_cast(pl, column, spec)
    if expr is not None:
        return expr
    return pl.col(column) if not needs_reading(spec) else pl.col(column).cast(dtype(pl, spec), strict=False)


def _constraint_value(spec: dict, value):
    """The earlier name of tableschema.field_types.constraint_value."""
    from stoke_opendata.validate.tableschema.field_types import constraint_value

    return constraint_value(spec, value)

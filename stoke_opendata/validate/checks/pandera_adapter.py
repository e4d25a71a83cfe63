"""The meaning checks as a pandera DataFrameSchema (pandera.polars), built from the same polars expressions.

`validate` does not run pandera itself: importing pandera.polars costs about a second here, which alone
breaks the 1-second budget for a 100-row file (docs/validation.md has the measurements). The checks are
therefore evaluated directly with polars, and this adapter hands the identical expressions to pandera for
anyone who wants pandera's API or reports (tests/validate/test_checks.py proves both find the same rows).
"""

from __future__ import annotations

from stoke_opendata.validate.checks.base import REGISTRY, Context, RowCheck
from stoke_opendata.validate.reading import ROW


def to_pandera(ctx: Context, checks=None):
    """A pandera.polars DataFrameSchema with one dataframe-level Check per rule of every applicable row check."""
    import pandera.polars as pa

    pa_checks = []
    for check in checks if checks is not None else REGISTRY:
        if not isinstance(check, RowCheck) or not check.applies(ctx):
            continue
        for rule in check.rules(ctx):
            passes = ~rule.expr.fill_null(False)
            pa_checks.append(
                pa.Check(lambda data, passes=passes: data.lazyframe.select(passes.alias("passes")), name=f"{rule.code}:{rule.column}")
            )
    return pa.DataFrameSchema(checks=pa_checks)


def pandera_failures(ctx: Context, checks=None) -> dict[str, set[int]]:
    """Run the checks through pandera: "code:column" -> spreadsheet rows that fail."""
    import pandera.errors

    schema = to_pandera(ctx, checks)
    try:
        schema.validate(ctx.frame, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        rows = ctx.frame[ROW]
        found: dict[str, set[int]] = {}
        for check_name, index in cases.select("check", "index").iter_rows():
            if index is not None:
                found.setdefault(check_name, set()).add(int(rows[int(index)]))
        return found
    return {}

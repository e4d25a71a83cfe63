"""out-of-bounds: a figure outside what the indicator's unit (or its own definition) allows."""

from __future__ import annotations

from stoke_opendata.validate.checks.base import Rule, RowCheck, fmt, register
from stoke_opendata.catalogue.units import description


@register
class Bounds(RowCheck):
    codes = {"out-of-bounds": ("error", "a figure outside what the indicator's unit allows")}
    guide = {"out-of-bounds": ("outside what the unit allows (percent 0-100, years 0-120, counts and rates not negative, the indicator's own minimum/maximum)",
                               "write percentages as 0-100: 61.3, not 0.613")}
    examples = {
        "out-of-bounds": ("employment-rate,E06000021,Stoke-on-Trent,2023,104.2,,,,,final,APS Jan-Dec 2023,",),
    }
    columns = ("indicator_id",)

    def rules(self, ctx):
        import polars as pl

        rules = []
        for column in ("value", "lower_ci", "upper_ci"):
            if column in ctx.present:
                col = pl.col(column)
                rules.append(Rule("out-of-bounds", column, (col < pl.col("_minimum")) | (col > pl.col("_maximum"))))
        for column in ("numerator", "denominator"):
            if column in ctx.present:
                rules.append(Rule("out-of-bounds", column, pl.col(column) < 0))
        return rules

    def describe(self, rule, record):
        value = record[rule.column]
        if rule.column in ("numerator", "denominator"):
            return f"{rule.column} {fmt(value)} is negative", f"a {rule.column} counts people or things: it cannot be below 0"
        unit = record.get("_unit") or "?"
        low, high = record.get("_minimum"), record.get("_maximum")
        if low is not None and value < low:
            where = f"below {fmt(low)}, the smallest"
        else:
            where = f"above {fmt(high)}, the largest"
        message = f"{rule.column} {fmt(value)} is {where} a {unit} figure can be (indicator {record['indicator_id']})"
        hint = description(unit, f"check the figure and its unit ({unit})")
        if unit == "percent" and value is not None and 0 < value <= 1 and rule.column == "value":
            hint = f"write percentages as 0-100: {fmt(round(value * 100, 6))}, not {fmt(value)}"
        return message, f"expected {hint}"

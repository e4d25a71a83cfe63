"""value-missing and not-integer: a figure must be present unless suppressed, and whole where it counts things."""

from __future__ import annotations

from stoke_opendata.validate.checks.base import Rule, RowCheck, fmt, register


@register
class ValuePresent(RowCheck):
    codes = {"value-missing": ("error", "no value, but the status is not 'suppressed'")}
    guide = {"value-missing": ("value blank but status is not `suppressed`", "give the figure, or set status to 'suppressed'")}
    examples = {
        "value-missing": ("employment-rate,E06000021,Stoke-on-Trent,2023,,,,,,final,APS Jan-Dec 2023,",),
    }
    columns = ("value", "status")
    show = ("status",)

    def rules(self, ctx):
        import polars as pl

        # a value that is present but not a number is a type-error already; only a blank cell counts here
        return [Rule("value-missing", "value", pl.col("_value_blank") & (pl.col("status").fill_null("") != "suppressed"))]

    def describe(self, rule, record):
        status = record.get("status")
        return (
            f"value is blank but status is {status!r}" if status else "value is blank and status is blank",
            "give the figure, or set status to 'suppressed' if it is withheld",
        )


@register
class WholeNumbers(RowCheck):
    codes = {"not-integer": ("error", "a count or rank that is not a whole number")}
    guide = {"not-integer": ("a count or rank that is not whole", "write 1045, not 1045.5")}
    examples = {
        "not-integer": ("children-in-care,E06000021,Stoke-on-Trent,2023/24,1045.5,,,,,provisional,DfE CLA,",),
    }
    columns = ("indicator_id", "value")

    def rules(self, ctx):
        import polars as pl

        value = pl.col("value")
        return [Rule("not-integer", "value", pl.col("_integer").fill_null(False) & value.is_finite() & (value.round(0) != value))]

    def describe(self, rule, record):
        value = record["value"]
        return (
            f"value {fmt(value)} is not a whole number, but {record['indicator_id']} is a {record['_unit']}",
            f"write a whole number (for example {round(value)}); counts are not fractional",
        )

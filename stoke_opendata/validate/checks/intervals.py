"""ci-order: confidence limits must surround the value (lower_ci <= value <= upper_ci)."""

from __future__ import annotations

from stoke_opendata.validate.checks.base import Rule, RowCheck, fmt, register


@register
class ConfidenceInterval(RowCheck):
    codes = {"ci-order": ("error", "confidence limits not around the value (lower_ci <= value <= upper_ci)")}
    guide = {"ci-order": ("confidence limits not around the value", "the limits look swapped: smaller in lower_ci")}
    examples = {
        "ci-order": ("employment-rate,E06000021,Stoke-on-Trent,2023,68.1,70.0,66.2,,,final,APS Jan-Dec 2023,",),
    }
    columns = ("value", "lower_ci", "upper_ci")

    def rules(self, ctx):
        import polars as pl

        value, low, high = pl.col("value"), pl.col("lower_ci"), pl.col("upper_ci")
        return [
            Rule("ci-order", "lower_ci", (low > value) | (value.is_null() & (low > high))),
            Rule("ci-order", "upper_ci", (high < value) & ~(low > value)),
        ]

    def describe(self, rule, record):
        value, low, high = record["value"], record["lower_ci"], record["upper_ci"]
        if value is None:
            message = f"lower_ci {fmt(low)} is above upper_ci {fmt(high)}"
        elif rule.column == "lower_ci":
            message = f"lower_ci {fmt(low)} is above the value {fmt(value)}"
        else:
            message = f"upper_ci {fmt(high)} is below the value {fmt(value)}"
        if low is not None and high is not None and value is not None and high <= value <= low:
            hint = "the two limits look swapped: put the smaller in lower_ci and the larger in upper_ci"
        else:
            hint = "check the figures: the interval must contain the value (lower_ci <= value <= upper_ci)"
        return message, hint

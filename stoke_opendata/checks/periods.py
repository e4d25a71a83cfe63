"""period-format: a period must be written the way its indicator's frequency says (2023, 2023/24, 2023-Q3...)."""

from __future__ import annotations

from stoke_opendata.checks.base import Rule, RowCheck, register
from stoke_opendata.vocabulary import PERIOD_FORMATS


@register
class PeriodFormat(RowCheck):
    codes = {"period-format": ("error", "period not written the way the indicator's frequency requires")}
    columns = ("indicator_id", "period")

    def rules(self, ctx):
        import polars as pl

        expr = pl.lit(False)
        frequency = pl.col("_frequency")
        for name, (pattern, _example) in PERIOD_FORMATS.items():
            expr = pl.when(frequency == name).then(~pl.col("period").str.contains(pattern)).otherwise(expr)
        return [Rule("period-format", "period", pl.col("period").is_not_null() & expr)]

    def describe(self, rule, record):
        frequency = record["_frequency"]
        example = PERIOD_FORMATS[frequency][1]
        shown = frequency.replace("_", " ")
        return (
            f"period {record['period']!r} does not fit the frequency of {record['indicator_id']} ({shown})",
            f"write {shown} periods like {example}",
        )

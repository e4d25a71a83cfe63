"""period-format: a period must be written the way its indicator's frequency says (2023, 2023/24, 2023-Q3...)."""

from __future__ import annotations

from stoke_opendata.validate.checks.base import Rule, RowCheck, register
from stoke_opendata.catalogue.vocabulary import PERIOD_FORMATS


@register
class PeriodFormat(RowCheck):
    codes = {"period-format": ("error", "period not written the way the indicator's frequency requires")}
    columns = ("indicator_id", "period")

    def rules(self, ctx):
        import polars as pl

        # the regexes run on the distinct (frequency, period) pairs, not on every row: a table holds few
        # of them, and one regex per frequency per row cost ~0.1 s on 1M rows; the rule is then a
        # comparison and a hash lookup per row, and nothing at all when every pair fits
        frequency, period = pl.col("_frequency"), pl.col("period")
        # (a lazy group-by on the period: ~15 ms and ~2 MB on 1M rows, against ~50 MB for a two-column unique)
        pairs = (
            ctx.frame.lazy().group_by(period).agg(frequency.unique()).explode("_frequency")
            .drop_nulls().with_columns(frequency.cast(pl.String)).collect()
        )
        expr = pl.lit(False)
        for name, (pattern, _example) in PERIOD_FORMATS.items():
            bad = pairs.filter((frequency == name) & ~period.str.contains(pattern))["period"]
            if bad.len():
                expr = expr | ((frequency == name) & period.is_in(bad.implode()))
        return [Rule("period-format", "period", period.is_not_null() & expr)]

    def describe(self, rule, record):
        frequency = record["_frequency"]
        example = PERIOD_FORMATS[frequency][1]
        shown = frequency.replace("_", " ")
        return (
            f"period {record['period']!r} does not fit the frequency of {record['indicator_id']} ({shown})",
            f"write {shown} periods like {example}",
        )

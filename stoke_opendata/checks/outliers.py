"""outlier (warning): a value far from the rest of its series (same indicator and area), history included.

The series is the bundled data plus the submission itself. Robust centre and spread (median, MAD), so one
bad figure cannot hide itself by dragging the mean; a floor of 10% of the median stops flat series from
flagging every small change. Needs at least MIN_POINTS figures in the series.
"""

from __future__ import annotations

from stoke_opendata.checks.base import Check, fmt, register
from stoke_opendata.problems import Problem
from stoke_opendata.reading import ROW

MIN_POINTS = 5
THRESHOLD = 5.0  # robust standard deviations
RELATIVE_FLOOR = 0.10


@register
class Outliers(Check):
    codes = {"outlier": ("warning", "a value far outside its series' history")}
    columns = ("indicator_id", "area_code", "value")

    def run(self, ctx):
        import polars as pl

        mine = ctx.frame.select(ROW, "indicator_id", "area_code", "value").filter(
            pl.col("value").is_not_null() & pl.col("value").is_finite() & pl.col("indicator_id").is_not_null() & pl.col("area_code").is_not_null()
        )
        if mine.height == 0:
            return []
        series = mine.select("indicator_id", "area_code", "value")
        if ctx.history is not None and ctx.history.height:
            series = pl.concat([series, ctx.history.select("indicator_id", "area_code", pl.col("value").cast(pl.Float64))], how="vertical")
        stats = (
            series.group_by("indicator_id", "area_code")
            .agg(pl.len().alias("_n"), pl.col("value").median().alias("_median"))
            .filter(pl.col("_n") >= MIN_POINTS)
        )
        if stats.height == 0:
            return []
        with_stats = series.join(stats, on=["indicator_id", "area_code"], how="inner")
        spread = with_stats.group_by("indicator_id", "area_code").agg(
            ((pl.col("value") - pl.col("_median")).abs().median() * 1.4826).alias("_mad")
        )
        stats = stats.join(spread, on=["indicator_id", "area_code"]).with_columns(
            pl.max_horizontal(pl.col("_mad"), pl.col("_median").abs() * RELATIVE_FLOOR, pl.lit(1e-9)).alias("_scale")
        )
        flagged = (
            mine.join(stats, on=["indicator_id", "area_code"], how="inner")
            .filter((pl.col("value") - pl.col("_median")).abs() > THRESHOLD * pl.col("_scale"))
            .sort(ROW)
        )
        raw = dict(ctx.raw.join(flagged.select(ROW), on=ROW, how="semi").select(ROW, "value").iter_rows())
        problems = []
        for record in flagged.iter_rows(named=True):
            problems.append(
                Problem(
                    ctx.path,
                    "outlier",
                    f"value {fmt(record['value'])} is far from the usual {fmt(round(record['_median'], 3))} for "
                    f"{record['indicator_id']} in {record['area_code']} ({record['_n']} figures in the series)",
                    "check the figure and its unit (a slipped decimal point, a count instead of a rate); if it is right, say why in notes",
                    row=record[ROW],
                    column="value",
                    value=raw.get(record[ROW]),
                )
            )
        return problems

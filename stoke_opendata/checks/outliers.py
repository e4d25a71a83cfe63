"""outlier (warning): a value far from the rest of its series (same indicator and area), history included.

The series is the bundled data plus the submission itself. Each value is compared with the mean and standard
deviation of the *other* figures in its series (leave-one-out, computed from per-series sums in one vectorised
pass), so a bad figure cannot hide itself by inflating the spread; a floor of 10% of the mean stops flat series
from flagging every small change. Needs at least MIN_POINTS figures in the series.
"""

from __future__ import annotations

from stoke_opendata.checks.base import Check, fmt, register
from stoke_opendata.problems import Problem
from stoke_opendata.reading import ROW

MIN_POINTS = 5
THRESHOLD = 5.0  # standard deviations of the rest of the series
RELATIVE_FLOOR = 0.10
SEED = 20240521


@register
class Outliers(Check):
    codes = {"outlier": ("warning", "a value far outside its series' history")}
    columns = ("indicator_id", "area_code", "value")

    def run(self, ctx):
        import polars as pl

        key = pl.col("indicator_id").hash(SEED) * 1_000_003 + pl.col("area_code").hash(SEED + 1)  # wrapping u64
        usable = pl.col("value").is_finite() & pl.col("indicator_id").is_not_null() & pl.col("area_code").is_not_null()
        # only the row number, a hashed series key and the value: no copy of the text columns
        mine = ctx.frame.lazy().filter(usable.fill_null(False)).select(ROW, key.alias("_k"), "value").collect()
        if mine.height == 0:
            return []
        series = mine.select("_k", "value")
        if ctx.history is not None and ctx.history.height:
            history = ctx.history.select(key.alias("_k"), pl.col("value").cast(pl.Float64)).drop_nulls()
            series = pl.concat([series, history], how="vertical")
        # one pass of sums per series (hashed key); each value is compared with the mean and spread of the
        # *other* values of its series (leave-one-out), so an outlier cannot mask itself
        stats = series.group_by("_k").agg(
            pl.len().alias("_n"), pl.col("value").sum().alias("_s"), (pl.col("value") ** 2).sum().alias("_ss")
        ).filter(pl.col("_n") >= MIN_POINTS)
        if stats.height == 0:
            return []
        n1 = pl.col("_n") - 1
        mean = (pl.col("_s") - pl.col("value")) / n1
        var = ((pl.col("_ss") - pl.col("value") ** 2) / n1 - mean**2).clip(lower_bound=0)
        scale = pl.max_horizontal(var.sqrt(), mean.abs() * RELATIVE_FLOOR, pl.lit(1e-9))
        # lazily, so polars filters while joining instead of holding the joined million rows
        flagged = (
            mine.lazy()
            .select(ROW, "_k", "value")
            .join(stats.lazy(), on="_k", how="inner")
            .filter((pl.col("value") - mean).abs() > THRESHOLD * scale)
            .select(ROW, "value", "_n", mean.alias("_median"))
            .sort(ROW)
            .collect()
        )
        if flagged.height:
            names = ctx.frame.join(flagged.select(ROW), on=ROW, how="semi").select(ROW, "indicator_id", "area_code")
            flagged = flagged.join(names, on=ROW, how="left")
        raw = dict(ctx.raw.join(flagged.select(ROW), on=ROW, how="semi").select(ROW, "value").iter_rows())
        problems = []
        for record in flagged.iter_rows(named=True):
            problems.append(
                Problem(
                    ctx.path,
                    "outlier",
                    f"value {fmt(record['value'])} is far from the average {fmt(round(record['_median'], 3))} of the other figures for "
                    f"{record['indicator_id']} in {record['area_code']} ({record['_n']} figures in the series)",
                    "check the figure and its unit (a slipped decimal point, a count instead of a rate); if it is right, say why in notes",
                    row=record[ROW],
                    column="value",
                    value=raw.get(record[ROW]),
                )
            )
        return problems

"""outlier (warning): a value far from the rest of its series (same indicator and area), history included.

The series is the bundled data plus the submission itself. Each value is compared with the mean and standard
deviation of the *other* figures in its series (leave-one-out, computed from per-series sums in one vectorised
pass), so a bad figure cannot hide itself by inflating the spread; a floor of 10% of the mean stops flat series
from flagging every small change. Needs at least MIN_POINTS figures in the series.
"""

from __future__ import annotations

from stoke_opendata.validate.checks.base import Check, fmt, register
from stoke_opendata.validate.problems import Problem
from stoke_opendata.validate.tables.table import ROW

MIN_POINTS = 5
THRESHOLD = 5.0  # standard deviations of the rest of the series
RELATIVE_FLOOR = 0.10
SEED = 20240521


@register
class Outliers(Check):
    codes = {"outlier": ("warning", "a value far outside its series' history")}
    guide = {"outlier": ("more than 5 standard deviations (floor: 10% of the mean) from the mean of the other figures of the same indicator and area (bundled data and the submission; at least 5 figures)",
                         "check the unit and decimal point; if right, say why in notes")}
    examples = {
        "outlier": (
            "employment-rate,E06000021,Stoke-on-Trent,2015,66.0,,,,,final,APS,",
            "employment-rate,E06000021,Stoke-on-Trent,2016,66.4,,,,,final,APS,",
            "employment-rate,E06000021,Stoke-on-Trent,2017,67.1,,,,,final,APS,",
            "employment-rate,E06000021,Stoke-on-Trent,2018,66.8,,,,,final,APS,",
            "employment-rate,E06000021,Stoke-on-Trent,2019,67.5,,,,,final,APS,",
            "employment-rate,E06000021,Stoke-on-Trent,2020,66.9,,,,,final,APS,",
            "employment-rate,E06000021,Stoke-on-Trent,2021,67.2,,,,,final,APS,",
            "employment-rate,E06000021,Stoke-on-Trent,2022,6.7,,,,,final,APS,",
        ),
    }
    columns = ("indicator_id", "area_code", "value")

    def run(self, ctx):
        import polars as pl

        key = pl.col("indicator_id").hash(SEED) * 1_000_003 + pl.col("area_code").hash(SEED + 1)  # wrapping u64
        usable = (pl.col("value").is_finite() & pl.col("indicator_id").is_not_null() & pl.col("area_code").is_not_null()).fill_null(False)
        # one lazy plan, no join: a value that cannot be used is blanked (not filtered out, which would copy
        # the table), and the per-series sums are window aggregations over a hashed series key (0.072 s ->
        # ~0.035 s on 1M rows); history rows have no row number and are dropped after the sums
        series = ctx.frame.lazy().select(ROW, "indicator_id", "area_code", key.alias("_k"), pl.when(usable).then(pl.col("value")).alias("value"))
        if ctx.history is not None and ctx.history.height:
            history = ctx.history.lazy().select(
                pl.lit(None, dtype=pl.Int64).alias(ROW), "indicator_id", "area_code", key.alias("_k"), pl.col("value").cast(pl.Float64)
            )
            series = pl.concat([series, history], how="vertical")
        value = pl.col("value")
        n = value.count().over("_k")
        n1 = n - 1
        mean = (value.sum().over("_k") - value) / n1
        var = (((value**2).sum().over("_k") - value**2) / n1 - mean**2).clip(lower_bound=0)
        scale = pl.max_horizontal(var.sqrt(), mean.abs() * RELATIVE_FLOOR, pl.lit(1e-9))
        # the sums first, over every row (history included); only then the filters: the test uses the
        # columns the sums made, so polars cannot push it below them, and the history rows are dropped
        # after collecting
        flagged = (
            series.with_columns(n.alias("_n"), mean.alias("_median"), scale.alias("_scale"))
            .filter((pl.col("_n") >= MIN_POINTS) & ((value - pl.col("_median")).abs() > THRESHOLD * pl.col("_scale")))
            .select(ROW, "value", "_n", "_median", "indicator_id", "area_code")
            .collect()
            .filter(pl.col(ROW).is_not_null())
            .sort(ROW)
        )
        if flagged.height == 0:
            return []
        raw = dict(ctx.raw.select(ROW, "value").filter(pl.col(ROW).is_in(flagged[ROW].implode())).iter_rows())
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

"""implausible-value (warning): a figure a power of ten away from its series' history, with the value probably meant.

The outlier check needs five figures in a series; a steward's first submission often meets a series of one or
two (a strategy's baseline). This check needs one: the median of the bundled figures for the same indicator
and area. A value more than FACTOR times above or below it is warned, and the message names the likely slip:
a percentage given as a fraction (0.629 for 62.9), a count given in thousands (116 for 116,000), a rate per
1,000 where the indicator is per 100,000 (or the reverse), or, for any other unit, the value a power of ten
away that lands near the history. Units whose figures cross zero (differences, changes, scores) are left out:
a figure near zero is no slip there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from stoke_opendata.validate.checks.base import Rule, RowCheck, fmt, register

FACTOR = 5.0
SIGNED_UNITS = ("percentage_points", "percent_change", "score")
_RATE_SCALES = {"rate_per_1000": 1_000, "rate_per_10000": 10_000, "rate_per_100000": 100_000}


@dataclass(frozen=True)
class HistoryRule(Rule):
    """A rule that carries the history it compared with: series key -> (median, figures), for the message."""

    typical: dict = field(default_factory=dict, compare=False, hash=False)


def series_medians(history) -> dict[str, tuple[float, int]]:
    """'indicator\\x1farea' -> (median of the bundled figures, how many), from a history frame."""
    import polars as pl

    if history is None or not getattr(history, "height", 0):
        return {}
    rows = (history.lazy().filter(pl.col("value").is_finite() & pl.col("indicator_id").is_not_null() & pl.col("area_code").is_not_null())
            .group_by("indicator_id", "area_code").agg(pl.col("value").median().alias("m"), pl.len().alias("n"))
            .filter(pl.col("m") != 0).collect())
    return {f"{i}\x1f{a}": (m, n) for i, a, m, n in rows.iter_rows()}


@register
class Plausibility(RowCheck):
    codes = {"implausible-value": ("warning", "a figure a power of ten away from its series' history (a fraction for a percentage, thousands, per 1,000 for per 100,000)")}
    guide = {"implausible-value": ("a value more than 5 times above or below the median of the bundled figures of its series (same indicator and area; one figure is enough), unless the unit can cross zero (percentage points, percent change, score) or the value is already out of bounds; the message names the slip and the value probably meant: a percentage given as a fraction (0.629 for 62.9), a count in thousands (117 for 117000), a rate per 1,000 where per 100,000 is defined (or the reverse), or any other power of ten that lands within a factor of 3 of the history",
                                   "if 62.9 was meant, write 62.9; if 0.629 is right, say why in notes")}
    columns = ("indicator_id", "area_code", "value")

    def rules(self, ctx):
        import polars as pl

        typical = series_medians(ctx.history)
        if not typical:
            return []
        median = _median_lookup(pl, typical)
        value = pl.col("value")
        ratio = (value / median).abs()
        signed = pl.col("_unit").cast(pl.String).is_in(SIGNED_UNITS).fill_null(False)
        # a value outside what the unit allows is out-of-bounds (an error, said once): not also implausible
        outside = ((value < pl.col("_minimum")) | (value > pl.col("_maximum"))).fill_null(False)
        far = value.is_finite() & ((ratio > FACTOR) | (ratio < 1 / FACTOR)) & ~signed & ~outside
        return [HistoryRule("implausible-value", "value", far, typical=typical)]

    def describe(self, rule, record):
        value, unit = record["value"], record.get("_unit")
        median, count = rule.typical[f"{record['indicator_id']}\x1f{record['area_code']}"]
        meant, slip = probably_meant(value, median, unit)
        history = f"the series stands at {fmt(round(median, 3))} ({count} figure{'s' if count != 1 else ''} for {record['indicator_id']} in {record['area_code']})"
        message = f"value {fmt(value)} is {'far above' if abs(value) > abs(median) else 'far below'} its history: {history}"
        if meant is not None:
            message += f"; it looks like {slip}"
            hint = f"if {fmt(meant)} was meant, write {fmt(meant)}; if {fmt(value)} is right, say why in notes"
        else:
            hint = "check the figure and its unit; if it is right, say why in notes"
        return message, hint


def _median_lookup(pl, typical: dict):
    """Each row's series median, by position in a dense (indicator x area) table: the ids and codes become
    small integers through an Enum cast, and the median is gathered. A string key per row looked up in a
    mapping cost 1.0-2.9 s on 1M rows on the loaded test machine; this 0.25-1.0 s in the same run."""
    ids = sorted({k.split("\x1f")[0] for k in typical})
    areas = sorted({k.split("\x1f")[1] for k in typical})
    where = {(i, a): n for n, (i, a) in enumerate((i, a) for i in ids for a in areas)}
    dense = [None] * len(where)
    for key, (median, _count) in typical.items():
        indicator, area = key.split("\x1f")
        dense[where[(indicator, area)]] = median
    row_indicator = pl.col("indicator_id").cast(pl.String).cast(pl.Enum(ids), strict=False).to_physical().cast(pl.Int64)
    row_area = pl.col("area_code").cast(pl.String).cast(pl.Enum(areas), strict=False).to_physical().cast(pl.Int64)
    return pl.lit(pl.Series("_typical", dense, dtype=pl.Float64)).gather(row_indicator * len(areas) + row_area)


def probably_meant(value: float, median: float, unit: str | None) -> tuple[float | None, str]:
    """(the value probably meant, the slip in words), or (None, '') when no power of ten explains the gap."""
    if value == 0 or median == 0:
        return None, ""
    power = round(math.log10(abs(median / value)))
    if power == 0:
        return None, ""
    meant = _clean(value * 10 ** power)
    if not 1 / 3 <= abs(meant / median) <= 3:
        return None, ""
    if unit == "percent" and power == 2 and abs(value) <= 1:
        return meant, f"a percentage given as a fraction ({fmt(value)} for {fmt(meant)})"
    if unit == "count" and power == 3:
        return meant, f"a count given in thousands ({fmt(value)} for {fmt(meant)})"
    if unit in _RATE_SCALES:
        given = _RATE_SCALES[unit] / 10 ** power
        if given in (1_000.0, 10_000.0, 100_000.0) and given != _RATE_SCALES[unit]:
            return meant, f"a rate per {int(given):,} where the indicator is per {_RATE_SCALES[unit]:,} ({fmt(value)} for {fmt(meant)})"
    return meant, f"a slipped decimal point or a unit {10 ** abs(power):,} times too {'small' if power > 0 else 'large'} ({fmt(value)} for {fmt(meant)})"


def _clean(x: float) -> float:
    return float(f"{x:.10g}")

"""Which rows must be validated together: the series key both out-of-core engines partition by.

Every check that looks across rows looks within one group of this key, so a partition that keeps each
group whole gives the in-memory findings:
- primary key (indicator_id, area_code, period) and outliers (indicator_id, area_code): the key is
  (indicator_id, area_code);
- gap-inconsistent compares a gap indicator with its base indicator for the same area: a gap indicator's
  rows take their base indicator's id in the key, so both land together; the comparator area's base figures
  (England, the UK...) are handed to every other partition as context (history rows, never reported);
- disclosure families (a total and its parts: same indicator and period, areas under one parent): a
  disclosive indicator's rows are keyed by the indicator alone.
Engines: batched.py hashes this key into buckets on disk; spark.py repartitions by it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

KEY_COLUMNS = ("indicator_id", "area_code")
CONTEXT_COLUMNS = ("indicator_id", "area_code", "period", "value")


@dataclass
class SeriesKey:
    """How an (indicator_id, area_code) pair maps to its partition key, from the indicator definitions."""

    gap_base: dict[str, str] = field(default_factory=dict)  # gap indicator -> base indicator
    disclosive: set[str] = field(default_factory=set)
    bases: set[str] = field(default_factory=set)  # base indicators of gap indicators
    comparators: set[str] = field(default_factory=set)  # their comparator areas

    @classmethod
    def from_definitions(cls, definitions: dict[str, dict]) -> "SeriesKey":
        from stoke_opendata.validate.checks.gaps import gap_bases

        gaps = gap_bases(definitions)
        return cls(
            gap_base={g: b for g, (b, _c) in gaps.items()},
            disclosive={i for i, d in definitions.items() if d.get("disclosive")},
            bases={b for b, _c in gaps.values()},
            comparators={c for _b, c in gaps.values()},
        )

    def expressions(self, indicator, area):
        """(key indicator, key area) as polars expressions over the two text columns."""
        import polars as pl

        ind = indicator.fill_null("")  # blank and null are the same key (the reader makes blank cells null)
        key_ind = ind.replace(self.gap_base) if self.gap_base else ind
        key_area = area.fill_null("")
        if self.disclosive:
            key_area = pl.when(ind.is_in(sorted(self.disclosive))).then(pl.lit("")).otherwise(key_area)
        return key_ind, key_area

    def is_context(self, indicator, area):
        """True for a comparator area's base-indicator figure (needed by the gap check everywhere)."""
        import polars as pl

        if not self.bases:
            return pl.lit(False)
        return (indicator.is_in(sorted(self.bases)) & area.is_in(sorted(self.comparators))).fill_null(False)


def history_for(bundled, context, bucket: int):
    """The history one partition sees: the bundled datasets plus the context rows of *other* partitions
    (a partition's own rows are already in its table)."""
    import polars as pl

    frames = []
    if bundled is not None and bundled.height:
        frames.append(bundled.select(CONTEXT_COLUMNS).with_columns(pl.col("value").cast(pl.Float64)))
    if context is not None and context.height:
        others = context.filter(pl.col("_bucket") != bucket).select(CONTEXT_COLUMNS)
        if others.height:
            frames.append(others.with_columns(pl.col("value").cast(pl.Float64, strict=False)))
    if not frames:
        return None
    return pl.concat(frames, how="vertical") if len(frames) > 1 else frames[0]

"""gap-inconsistent (warning): a "gap" indicator must agree with the local and comparator figures it is the gap between.

An indicator is a gap indicator when its id is <base>-gap, <base>-gap-to-<uk|england|national>, gap-<base>,
or <stem>-gap-<qualifier> for base <stem>-<qualifier> (healthy-life-expectancy-gap-male), and the base is defined. Its figure for area A and period P should be |base(A, P) - base(comparator, P)|; the sign
conventions ("6.9 years shorter") vary, so magnitudes are compared. The comparator is the gap indicator's
comparator_area_code, else the base indicator's, else England.
"""

from __future__ import annotations

import re

from stoke_opendata.validate.checks.base import Check, fmt, register
from stoke_opendata.validate.problems import Problem
from stoke_opendata.validate.tables.table import ROW
from stoke_opendata.catalogue.vocabulary import ENGLAND, UK

NAMED_COMPARATORS = {"uk": UK, "england": ENGLAND}
TOLERANCE = 0.051  # one rounding step at one decimal place, either way


def _base_candidates(indicator_id: str) -> list[tuple[str, str | None]]:
    """(base id, comparator named in the id) for the ways a gap id is written."""
    found = []
    match = re.match(r"^(?P<base>.+)-gap-to-(?P<to>uk|england|national)$", indicator_id)
    if match:
        found.append((match.group("base"), match.group("to")))
    if indicator_id.endswith("-gap"):
        found.append((indicator_id[: -len("-gap")], None))
    if indicator_id.startswith("gap-"):
        found.append((indicator_id[len("gap-") :], None))
    if "-gap-" in indicator_id:
        found.append((indicator_id.replace("-gap-", "-", 1), None))
    return found


def gap_bases(definitions: dict[str, dict]) -> dict[str, tuple[str, str]]:
    """gap indicator id -> (base indicator id, comparator area code)."""
    found = {}
    for indicator_id, definition in definitions.items():
        for base, named in _base_candidates(indicator_id):
            if base not in definitions:
                continue
            comparator = (
                definition.get("comparator_area_code")
                or NAMED_COMPARATORS.get(named or "")
                or definitions[base].get("comparator_area_code")
                or ENGLAND
            )
            found[indicator_id] = (base, comparator)
            break
    return found


@register
class GapConsistency(Check):
    codes = {"gap-inconsistent": ("warning", "a 'gap' figure that disagrees with the local and comparator figures")}
    guide = {"gap-inconsistent": ("a gap indicator (`x-gap`, `x-gap-to-uk`, `gap-x`, `stem-gap-qualifier`) whose value is not |local - comparator| of its base indicator for the same period",
                                  "the gap should be 7.2, or correct the local or comparator figure")}
    examples = {
        "gap-inconsistent": (
            "healthy-life-expectancy-male,E06000021,Stoke-on-Trent,2018-20,55.9,54.1,57.7,,,final,OHID Fingertips,",
            "healthy-life-expectancy-male,E92000001,England,2018-20,63.1,,,,,final,OHID,",
            "healthy-life-expectancy-male-gap,E06000021,Stoke-on-Trent,2018-20,9.9,,,,,final,OHID,",
        ),
    }
    columns = ("indicator_id", "area_code", "period", "value")

    def run(self, ctx):
        import polars as pl

        gaps = gap_bases(ctx.definitions)
        if not gaps:
            return []
        cols = ["indicator_id", "area_code", "period", "value"]
        mine = ctx.frame.select(ROW, *cols)
        gap_rows = mine.filter(pl.col("indicator_id").is_in(list(gaps)) & pl.col("value").is_not_null())
        if gap_rows.height == 0:
            return []
        figures = mine.select(cols)
        if ctx.history is not None and ctx.history.height:
            history = ctx.history.select(cols).with_columns(pl.col("value").cast(pl.Float64))
            figures = pl.concat([figures, history], how="vertical").unique(subset=cols[:3], keep="first")
        bases = sorted({b for b, _ in gaps.values()})
        figures = figures.filter(pl.col("value").is_not_null() & pl.col("indicator_id").is_in(bases))
        lookup = {(i, a, p): v for i, a, p, v in figures.iter_rows()}
        problems = []
        for row, indicator_id, area, period, gap in gap_rows.iter_rows():
            base, comparator = gaps[indicator_id]
            local, national = lookup.get((base, area, period)), lookup.get((base, comparator, period))
            if local is None or national is None:
                continue
            expected = abs(local - national)
            if abs(abs(gap) - expected) > TOLERANCE + 0.005 * expected:
                problems.append(
                    Problem(
                        ctx.path,
                        "gap-inconsistent",
                        f"gap {fmt(gap)} for {area} {period} disagrees with {base}: {fmt(local)} locally and "
                        f"{fmt(national)} in {comparator} differ by {fmt(round(expected, 6))}",
                        f"check the three figures: the gap should be {fmt(round(expected, 6))} (or correct the local or comparator figure)",
                        row=row,
                        column="value",
                        value=fmt(gap),
                    )
                )
        return problems

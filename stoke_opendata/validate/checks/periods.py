"""period-format: a period must be written the way its indicator's frequency says (2023, 2023/24, 2023-Q3...)."""

from __future__ import annotations

from stoke_opendata.validate.checks.base import Rule, RowCheck, register
from stoke_opendata.catalogue.periods import FORMS, convert


@register
class PeriodFormat(RowCheck):
    codes = {"period-format": ("error", "period not written the way the indicator's frequency requires")}
    guide = {"period-format": ("period not written as the indicator's frequency requires", "write financial-year periods like 2023/24")}
    examples = {
        "period-format": ("children-in-care,E06000021,Stoke-on-Trent,2023-24,1045,,,,,provisional,DfE CLA,",),
    }
    columns = ("indicator_id", "period")
    looks_at = ("indicator_id", "period")  # rules() reads the table only through these columns' distinct pairs

    def rules(self, ctx):
        import polars as pl

        # the regexes run on the distinct (frequency, period) pairs, not on every row: a table holds few
        # of them, and one regex per frequency per row cost ~0.1 s on 1M rows; the rule is then a
        # comparison and a hash lookup per row, and nothing at all when every pair fits
        frequency, period, form = pl.col("_frequency"), pl.col("period"), pl.col("_period_form")
        # (a lazy group-by on the period: ~15 ms and ~2 MB on 1M rows, against ~50 MB for a two-column unique)
        pairs = (
            ctx.frame.lazy().group_by(period).agg(pl.struct(frequency, form).unique().alias("_pair")).explode("_pair")
            .unnest("_pair").filter(frequency.is_not_null())
            .with_columns(frequency.cast(pl.String), form.cast(pl.String)).collect()
        )
        bad_pairs = pairs.filter(_misfit(pl))
        expr = pl.lit(False)
        for f, p in bad_pairs.select("_frequency", "_period_form").unique().iter_rows():
            periods = bad_pairs.filter((frequency == f) & (form.eq_missing(p)))["period"]
            expr = expr | ((frequency == f) & form.cast(pl.String).eq_missing(p) & period.is_in(periods.implode()))
        return [Rule("period-format", "period", period.is_not_null() & expr)]

    def row_rules(self, ctx):
        """The same rule row by row, for a plan that does not look at the data first (the query engine's
        streaming mode): a regex per row for each form the catalogue's indicators use, no more."""
        import polars as pl

        used = {d.get(k) for d in ctx.definitions.values() for k in ("frequency", "period_form")} & set(FORMS)
        return [Rule("period-format", "period", pl.col("period").is_not_null() & _misfit(pl, used))]

    def describe(self, rule, record):
        frequency = record["_frequency"]
        form = record.get("_period_form")
        forms = [frequency] + ([form] if form and form != frequency else [])
        shown = " or ".join(f.replace("_", " ") for f in forms)
        examples = " or ".join(FORMS[f].example for f in forms)
        fixed = next((c for c in (convert(record["period"], f) for f in reversed(forms)) if c), None)
        hint = f"write {fixed!r} (`validate --fix` rewrites it)" if fixed else f"write {shown} periods like {examples}"
        return (f"period {record['period']!r} does not fit the period form of {record['indicator_id']} ({shown})", hint)


def _misfit(pl, used=None):
    """True where the period fits neither the form of the row's frequency nor its source's period form.
    `used`: the forms that can occur (a row whose frequency is another has no form to fit)."""
    frequency, period, form = pl.col("_frequency"), pl.col("period"), pl.col("_period_form")
    fits = {name: period.str.contains(f.pattern) for name, f in FORMS.items() if used is None or name in used}
    if not fits:
        return pl.lit(False)
    return (pl.any_horizontal([(frequency == name) & ~ok for name, ok in fits.items()])
            & ~pl.any_horizontal([(form == name) & ok for name, ok in fits.items()]).fill_null(False))

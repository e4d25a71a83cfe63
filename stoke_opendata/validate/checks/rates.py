"""numerator-exceeds-denominator and rate-inconsistent: a rate's value must follow from its parts."""

from __future__ import annotations

from stoke_opendata.validate.checks.base import Rule, RowCheck, fmt, register

# rounding allowance: figures are usually published to 1 decimal place, parts may be rounded too
ABSOLUTE_TOLERANCE = 0.051
RELATIVE_TOLERANCE = 0.005


@register
class RateParts(RowCheck):
    codes = {
        "numerator-exceeds-denominator": ("error", "numerator larger than denominator"),
        "rate-inconsistent": ("error", "value does not equal numerator / denominator x the unit's multiplier"),
    }
    guide = {
        "numerator-exceeds-denominator": ("numerator larger than denominator (rates and percentages)", "check numerator and denominator are not swapped"),
        "rate-inconsistent": ("value differs from numerator / denominator x 100 (percent) or x 1,000 / 10,000 / 100,000 (rates), beyond rounding (0.051 + 0.5%)",
                              "write 61.3, or correct the parts (age-standardised: leave them blank)"),
    }
    examples = {
        "numerator-exceeds-denominator": ("smoking-attributable-admissions,E06000021,Stoke-on-Trent,2022/23,1200.0,,,100000,1200,final,OHID,",),
        "rate-inconsistent": ("smoking-attributable-admissions,E06000021,Stoke-on-Trent,2022/23,1500,,,1200,100000,final,OHID,",),
    }
    columns = ("indicator_id", "numerator", "denominator")
    show = ("value", "numerator", "denominator", "_integer")

    def rules(self, ctx):
        import polars as pl

        num, den, mult = pl.col("numerator"), pl.col("denominator"), pl.col("_multiplier")
        rules = [Rule("numerator-exceeds-denominator", "numerator", mult.is_not_null() & (num > den))]
        if "value" in ctx.present:
            expected = num / den * mult
            off = (pl.col("value") - expected).abs() > (ABSOLUTE_TOLERANCE + RELATIVE_TOLERANCE * expected.abs())
            rules.append(Rule("rate-inconsistent", "value", mult.is_not_null() & (den > 0) & (num <= den) & off))
        return rules

    def describe(self, rule, record):
        num, den = record["numerator"], record["denominator"]
        if rule.code == "numerator-exceeds-denominator":
            return (
                f"numerator {fmt(num)} is larger than denominator {fmt(den)}",
                "the numerator counts the part, the denominator the whole: check they are not swapped",
            )
        multiplier = record["_multiplier"]
        expected = num / den * multiplier
        per = "%" if record["_unit"] == "percent" else f" per {int(multiplier):,}"
        return (
            f"value {fmt(record['value'])} does not match numerator/denominator: {fmt(num)}/{fmt(den)} = {expected:.2f}{per}",
            f"write {expected:.1f}, or correct the numerator or denominator (if the figure is age-standardised, leave them blank and say so in notes)",
        )

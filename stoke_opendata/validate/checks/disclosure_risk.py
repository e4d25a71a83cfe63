"""disclosure-risk: small counts of people published for small areas, and suppressed cells a total reveals.

The rule lives in stoke_opendata.safety.disclosure (docs/safety.md); this check runs it on an observations
table and words each risk as a Problem. Both codes are errors, so `package` and `publish` (which refuse
anything validation reports as an error) refuse unsuppressed disclosive counts.
"""

from __future__ import annotations

from types import SimpleNamespace

from stoke_opendata.validate.checks.base import Check, register
from stoke_opendata.validate.problems import Problem
from stoke_opendata.validate.tables.table import ROW

# the codes as stoke_opendata.safety.disclosure names them (SMALL_COUNT, DERIVABLE; tests/validate/test_validation.py sees them
# end to end): that module (~8 ms to import) is loaded only when a table holds disclosive indicators
SMALL_COUNT = "small-count-unsuppressed"
DERIVABLE = "suppressed-cell-derivable"
_FIELDS = ("indicator_id", "area_code", "period", "value", "numerator", "denominator", "lower_ci", "upper_ci", "status")


def _areas() -> dict:
    """The catalogue's areas (types and parents); empty if it cannot be read (GSS prefixes still work)."""
    from stoke_opendata.catalogue.definitions import load_catalogue
    from stoke_opendata.errors import StokeError

    try:
        return load_catalogue().areas
    except (StokeError, KeyError):
        return {}


@register
class DisclosureRisk(Check):
    codes = {
        SMALL_COUNT: ("error", "a count or numerator of people below the disclosure threshold, in an area smaller than the city"),
        DERIVABLE: ("error", "a suppressed figure that a published total minus its other parts reveals"),
    }
    guide = {
        SMALL_COUNT: ("a count or numerator of people below the disclosure threshold, in an area smaller than the city (docs/safety.md)",
                      "suppress it: leave value blank and set status to 'suppressed' (`stoke-opendata suppress` does it)"),
        DERIVABLE: ("a suppressed figure that a published total minus its other parts reveals (docs/safety.md)", "suppress one more part as well"),
    }
    order = 1  # after the meaning checks, as the safety layer
    columns = ("indicator_id", "area_code", "period", "value")
    reads = _FIELDS  # for the rows of disclosive indicators (only_indicators)

    def only_indicators(self, definitions: dict) -> set[str]:
        """The indicators whose rows this check reads beyond `columns`: the disclosive ones."""
        return {i for i, d in definitions.items() if d.get("disclosive")}

    def run(self, ctx) -> list[Problem]:
        import polars as pl

        indicators = {
            indicator_id: SimpleNamespace(
                unit=d.get("unit"), disclosive=True, disclosure_threshold=d.get("disclosure_threshold")
            )
            for indicator_id, d in ctx.definitions.items()
            if d.get("disclosive")
        }
        if not indicators:
            return []
        present = [c for c in _FIELDS if c in ctx.raw.columns]
        subset = ctx.raw.select(ROW, *present).filter(pl.col("indicator_id").is_in(list(indicators)))
        if subset.height == 0:
            return []
        from stoke_opendata.safety import disclosure

        rows = subset.to_dicts()
        catalogue = SimpleNamespace(indicators=indicators, areas=_areas())
        risks = disclosure.find_risks(rows, catalogue, threshold=disclosure.threshold_override())
        return [
            Problem(ctx.path, r.code, r.message, r.hint, row=rows[r.index][ROW], column=r.field, value=r.value or None)
            for r in risks
        ]

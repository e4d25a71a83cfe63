"""The meaning layer: checks derived from each indicator's definition, run on observations-like tables.

Each check is one small class in this package that declares the codes it can emit and is registered with
@register (checks/base.py). To add a check: write the class in a new module here and import that module
below; its codes appear in problems.CODES, the report and the docs table automatically.
"""

from __future__ import annotations

from stoke_opendata.validate.checks.base import REGISTRY, Check, Context, RowCheck, Rule, register, run_row_checks  # noqa: F401
from stoke_opendata.validate.problems import Problem
from stoke_opendata.catalogue.units import RATE_MULTIPLIERS, UNITS, Unit

# importing a module registers its checks
from stoke_opendata.validate.checks import bounds, gaps, intervals, outliers, periods, plausibility, rates, values  # noqa: E402,F401
from stoke_opendata.validate.checks import disclosure_risk, formula_injection  # noqa: E402,F401  (safety: docs/safety.md)

OBSERVATION_FIELDS = {"indicator_id", "value"}
FREE_TEXT = {"area_name", "source", "notes"}  # not needed by any meaning check (ctx.raw still has them)


def _attribute_types():
    import polars as pl

    return (("unit", pl.String), ("minimum", pl.Float64), ("maximum", pl.Float64), ("integer", pl.Boolean), ("multiplier", pl.Float64), ("frequency", pl.String), ("period_form", pl.String), ("comparator_area_code", pl.String))


def definition_of(indicator) -> dict:
    """The attributes the checks need from one indicator definition (an Indicator or a dict-like row)."""
    get = (lambda k: indicator.get(k)) if isinstance(indicator, dict) else (lambda k: getattr(indicator, k, None))
    unit = get("unit")
    known = UNITS.get(unit, Unit(None, None, False, "", ""))
    unit_min, unit_max, integer = known.minimum, known.maximum, known.integer
    minimum = get("minimum")
    maximum = get("maximum")
    return {
        "unit": unit,
        "minimum": float(minimum) if minimum is not None else (float(unit_min) if unit_min is not None else None),
        "maximum": float(maximum) if maximum is not None else (float(unit_max) if unit_max is not None else None),
        "integer": bool(integer),
        "multiplier": float(RATE_MULTIPLIERS[unit]) if unit in RATE_MULTIPLIERS else None,
        "frequency": get("frequency"),
        # the form the official source publishes (financial_year, academic_year...), also accepted
        "period_form": get("period_form") or None,
        "comparator_area_code": get("comparator_area_code"),
        "disclosive": get("disclosive") in (True, "true", "True", "TRUE", "yes", "1"),
        "disclosure_threshold": _threshold(get("disclosure_threshold")),
    }


def _threshold(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def applies_to(present: set[str]) -> bool:
    """The meaning layer runs on tables that hold indicator values (observations and the like)."""
    return OBSERVATION_FIELDS <= present


def build_context(checked, definitions: dict[str, dict], history=None) -> Context:
    """Join each row's indicator definition onto the typed table (by mapping, order kept, vectorised)."""
    import polars as pl

    frame = checked.typed
    known = list(definitions)
    # one hash lookup per row (indicator id -> position; an Enum cast, unknown ids become null), then every
    # attribute is gathered from a tiny table of the definitions
    wanted = [c for c in frame.columns if c not in FREE_TEXT]
    frame = frame.select(wanted)
    attributes = []
    if known:
        lookups = []
        for key, dtype in _attribute_types():
            raw_values = [definitions[k][key] for k in known]
            if dtype == pl.String:  # an Enum: gathering small integers, not copying a million strings
                dtype = pl.Enum(sorted({v for v in raw_values if v is not None}))
            lookups.append(pl.Series(_attribute_name(key), raw_values, dtype=dtype))
        table = pl.DataFrame(lookups)
        index = frame.select(pl.col("indicator_id").cast(pl.Enum(known), strict=False).to_physical()).to_series()
        # gathered chunk by chunk, so the attributes are cut exactly like the typed columns (the reader's
        # chunks): the frame then takes them side by side as they are. Gathering all at once gave one chunk,
        # and lining the typed columns up with it copied them (~0.03 s and ~110 MB on 1M rows); the row
        # rules are faster on the aligned chunks too (~0.012 -> ~0.006 s)
        attributes = pl.concat([table[chunk] for chunk in index.get_chunks()], rechunk=False).get_columns()
    else:
        attributes = [pl.lit(None, dtype=dtype).alias(_attribute_name(key)) for key, dtype in _attribute_types()]
    # (an expression over the frame keeps its chunks; Series.is_null() would return one chunk)
    if "value" in checked.raw.columns:
        value_blank = checked.raw.select(pl.col("value").is_null().alias("_value_blank")).to_series()
    else:
        value_blank = pl.lit(True).alias("_value_blank")
    frame = frame.with_columns(*attributes, value_blank)
    reported = {(p.row, p.column) for p in checked.problems if p.severity == "error" and p.row is not None}
    return Context(
        path=checked.path,
        frame=frame,
        raw=checked.raw,
        present=checked.present,
        definitions=definitions,
        history=history,
        reported=reported,
        short_rows=set(checked.short_rows),
    )


def _attribute_name(key: str) -> str:
    return "_comparator" if key == "comparator_area_code" else f"_{key}"


def run_checks(ctx: Context, checks: list[Check] | None = None) -> list[Problem]:
    """Every registered check that applies to the table; each sees every row (no stop at the first)."""
    chosen = [c for c in (checks if checks is not None else REGISTRY) if c.applies(ctx)]
    problems: list[Problem] = run_row_checks(ctx, [c for c in chosen if isinstance(c, RowCheck)])
    for check in chosen:
        if not isinstance(check, RowCheck):
            problems.extend(check.run(ctx))
    # one message per mistake: a value a power of ten off its history is said once, with the value probably
    # meant (implausible-value), not again as a plain outlier
    implausible = {p.row for p in problems if p.code == "implausible-value"}
    if implausible:
        problems = [p for p in problems if not (p.code == "outlier" and p.row in implausible)]
    return problems


def table_problems(checked) -> list[Problem]:
    """Checks that apply to every table, whatever it holds (formula-like text in any published text field)."""
    return formula_injection.formula_problems(checked)

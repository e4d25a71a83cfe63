"""The meaning layer: checks derived from each indicator's definition, run on observations-like tables.

Each check is one small class in its own module of this package that declares the codes it can emit (and
their line in the docs' code table) and is registered with @register (checks/base.py). To add a check,
write that one module: it is found here, its codes appear in problems.CODES, the report, the JSON, the
pandera schema and docs/validation.md's code table (`make docs`).

A check in another installed package is found through the entry-point group `stoke_opendata.checks` (each
entry point names a Check class, or a module whose classes use @register); a caller's own checks are given
per run (`validate_data(..., checks=[...])`). A plugin that cannot be imported, or that declares a code
another check declares, is a UsageError naming it (the CLI's exit 2).
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

from stoke_opendata.validate.checks.base import ATTRIBUTES, REGISTRY, Check, Context, RowCheck, Rule, declare, fmt, register, run_row_checks  # noqa: F401
from stoke_opendata.validate.problems import Problem
from stoke_opendata.catalogue.units import RATE_MULTIPLIERS, UNITS, Unit

ENTRY_POINTS = "stoke_opendata.checks"
NOT_CHECKS = {"base", "pandera_adapter"}  # the machinery, not checks


def _import_builtin() -> None:
    """Import every check module of this package (importing one registers its checks), then order the registry."""
    for module in sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name not in NOT_CHECKS):
        importlib.import_module(f"{__name__}.{module}")
    REGISTRY.sort(key=lambda check: check.order)  # stable: the same order within each level


PLUGINS: dict[str, str] = {}  # entry point name -> what it loaded


def load_plugins() -> dict[str, str]:
    """Register the checks of other installed packages (entry-point group `stoke_opendata.checks`), once.
    Raises UsageError (exit 2) naming the plugin that cannot be imported, is not a check, or declares a code
    that is already taken."""
    from importlib.metadata import entry_points

    from stoke_opendata.errors import UsageError

    for point in sorted(entry_points(group=ENTRY_POINTS), key=lambda ep: ep.name):
        if point.name in PLUGINS:
            continue
        where = f"check plugin {point.name} ({point.value})"
        try:
            loaded = point.load()
        except Exception as exc:
            raise UsageError(f"cannot be imported: {type(exc).__name__}: {' '.join(str(exc).split())[:200]}", where=where) from None
        try:
            if isinstance(loaded, type) and issubclass(loaded, Check):
                if not any(type(c) is loaded for c in REGISTRY):
                    declare(loaded, f"{loaded.__module__}.{loaded.__qualname__}")
                    REGISTRY.append(loaded())
            elif not isinstance(loaded, ModuleType):  # a module registers its checks as it is imported
                raise ValueError(f"it names a {type(loaded).__name__}, not a Check class or a module of checks")
        except ValueError as exc:
            raise UsageError(str(exc), where=where) from None
        PLUGINS[point.name] = point.value
    return PLUGINS


def chosen(extra=()) -> list[Check]:
    """The registered checks, then `extra` (given for one run: see `declared`)."""
    return REGISTRY + list(declared(extra)) if extra else REGISTRY


def declared(extra) -> tuple[Check, ...]:
    """Check classes or instances given for one run, as instances, their codes declared as a registered
    check's are (so every process that reports them knows their severity); a clash is a UsageError."""
    from stoke_opendata.errors import UsageError

    made = []
    for given in extra or ():
        check = given() if isinstance(given, type) and issubclass(given, Check) else given
        if not isinstance(check, Check):
            raise UsageError(f"checks= takes Check classes or instances (stoke_opendata.validate.checks.Check), not {type(given).__name__}")
        try:
            declare(type(check), f"{type(check).__module__}.{type(check).__qualname__}")
        except ValueError as exc:
            raise UsageError(f"the check {type(check).__qualname__}: {exc}") from None
        made.append(check)
    return tuple(made)


_import_builtin()
load_plugins()

OBSERVATION_FIELDS = {"indicator_id", "value"}
FREE_TEXT = {"area_name", "source", "notes"}  # not needed by any meaning check (ctx.raw still has them)


def _attribute_types():
    import polars as pl

    return tuple((key, getattr(pl, dtype)) for key, (_column, dtype) in ATTRIBUTES.items())


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
    return ATTRIBUTES[key][0]


def run_checks(ctx: Context, checks: list[Check] | None = None) -> list[Problem]:
    """Every registered check that applies to the table; each sees every row (no stop at the first)."""
    applying = [c for c in (checks if checks is not None else REGISTRY) if not c.every_table and c.applies(ctx)]
    problems: list[Problem] = run_row_checks(ctx, [c for c in applying if isinstance(c, RowCheck)])
    for check in applying:
        if not isinstance(check, RowCheck):
            problems.extend(check.run(ctx))
    # one message per mistake: a value a power of ten off its history is said once, with the value probably
    # meant (implausible-value), not again as a plain outlier
    implausible = {p.row for p in problems if p.code == "implausible-value"}
    if implausible:
        problems = [p for p in problems if not (p.code == "outlier" and p.row in implausible)]
    return problems


def table_problems(checked, checks: list[Check] | None = None) -> list[Problem]:
    """The checks that apply to every table, whatever it holds (formula-like text in any published text field)."""
    problems: list[Problem] = []
    for check in checks if checks is not None else REGISTRY:
        if check.every_table:
            problems.extend(check.run_table(checked))
    return problems

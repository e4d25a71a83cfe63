"""What a meaning check is: a small unit that declares the codes it can emit and finds its rows with polars.

A check never loops over rows in Python to find problems: it returns a boolean polars expression (True =
problem) evaluated over the whole column at once; Python only formats the rows that failed. The same
expressions can be handed to pandera (see pandera_adapter.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from stoke_opendata.validate.problems import GUIDE, Problem, register_code
from stoke_opendata.validate.tables.table import ROW

REGISTRY: list["Check"] = []
# the columns a check's `examples` rows are written in
OBSERVATIONS_HEADER = "indicator_id,area_code,area_name,period,value,lower_ci,upper_ci,numerator,denominator,status,source,notes"

# The indicator attributes a check can read on each row of ctx.frame: definition key -> (column, polars type
# name). The fast engine (checks.build_context) and the pandera schema (pandera_adapter) both join them on.
ATTRIBUTES = {"unit": ("_unit", "String"), "minimum": ("_minimum", "Float64"), "maximum": ("_maximum", "Float64"),
              "integer": ("_integer", "Boolean"), "multiplier": ("_multiplier", "Float64"), "frequency": ("_frequency", "String"),
              "period_form": ("_period_form", "String"), "comparator_area_code": ("_comparator", "String")}


def register(cls):
    """Class decorator: add one instance of the check to the registry and its codes to problems.CODES.
    A code another check (or the structure layer) already declares is refused: a code means one thing."""
    declare(cls, f"{cls.__module__}.{cls.__qualname__}")
    REGISTRY.append(cls())
    return cls


def declare(cls, owner: str) -> None:
    """Put a check class's codes (and its guide: the docs table's meaning and example fix) in problems.CODES.
    ValueError names the clash: a code declared by another owner, or a severity that is neither error nor warning."""
    for code, (severity, meaning) in cls.codes.items():
        register_code(code, severity, cls.layer, meaning, owner=owner)
    for code, (detail, fix) in cls.guide.items():
        GUIDE.setdefault(code, (detail, fix))


@dataclass
class Context:
    """An observations-like table after the structure layer, with each row's indicator definition joined.

    `frame` holds the typed fields plus, per row: _unit, _minimum, _maximum, _integer, _multiplier,
    _frequency, _comparator (null where the indicator is unknown: the foreign-key error covers that).
    `raw` holds the text as written (for messages). `history` is bundled observations (may be empty)."""

    path: str
    frame: object
    raw: object
    present: set[str]
    definitions: dict[str, dict] = field(default_factory=dict)
    history: object = None
    # (row, column) cells the structure layer already reported as errors, and rows with missing cells:
    # a meaning check does not report the same cell twice ("Jan-23" is a pattern error, not also a period-format one)
    reported: set = field(default_factory=set)
    short_rows: set = field(default_factory=set)
    schema: dict = field(default_factory=dict)  # the Table Schema (the query engine's plan reads its text fields)
    distinct: dict = field(default_factory=dict)  # field -> its distinct values, for the coded fields (the plan's)


@dataclass(frozen=True)
class Rule:
    """One failing condition of a row check: the code, the column it is reported against, the expression."""

    code: str
    column: str
    expr: object  # polars expression, True where the row has the problem


class Check:
    """Base: override `codes` (code -> (severity, meaning)), `columns` (fields it needs) and `run`.

    `guide` (code -> (what it means in full, an example fix)) is what docs/validation.md's code table says;
    `layer` is the report's layer for the codes; `order`: the checks run by order, then as registered (the
    safety checks, 1, after the meaning checks); `every_table`: the check runs on every table through
    `run_table(checked)` (the structure layer's result), not only on observations-like ones through `run(ctx)`."""

    codes: dict[str, tuple[str, str]] = {}
    guide: dict[str, tuple[str, str]] = {}
    # code -> data rows of an observations CSV (the published columns in order, see OBSERVATIONS_HEADER)
    # that make the check emit the code: the test suite validates each, so a check added to this package
    # is tested for every code it declares without editing a test
    examples: dict[str, tuple[str, ...]] = {}
    columns: tuple[str, ...] = ()
    layer = "meaning"
    order = 0
    every_table = False

    def applies(self, ctx: Context) -> bool:
        return all(c in ctx.present for c in self.columns)

    def run(self, ctx: Context) -> list[Problem]:  # pragma: no cover - abstract
        raise NotImplementedError

    def run_table(self, checked) -> list[Problem]:  # pragma: no cover - abstract (every_table checks)
        raise NotImplementedError

    def row_suspects(self, ctx: Context, raw) -> list | None:
        """For the query engine's plan: polars expressions, True on every row this check might report
        (more is allowed, never fewer), built without looking at the data; `raw(name)` names the column
        holding a field's text (plain names hold the typed values). None: this check cannot say, and
        every row is given to it. A row check's are its rules; a check that compares rows is run over
        every row's key columns instead and is not asked."""
        return None


class RowCheck(Check):
    """A check made of per-row rules: `rules(ctx)` gives polars expressions, `describe` words each failure."""

    show: tuple[str, ...] = ()  # extra fields the message needs
    # the columns `rules` reads the table through, when it looks at the data to make its rules cheaper (the
    # period check runs its regexes on the distinct (indicator, period) pairs): their distinct rows are
    # enough. The query engine's plan then gives `rules` a ctx.frame of those distinct rows (with the
    # indicator attributes), not the table; a check that does not look at the data gets ctx.frame None.
    looks_at: tuple[str, ...] = ()

    def rules(self, ctx: Context) -> list[Rule]:  # pragma: no cover - abstract
        raise NotImplementedError

    def row_rules(self, ctx: Context) -> list[Rule]:
        """The rules for a ctx without a frame to look at (the query engine's streaming plan): a check that
        `looks_at` the data gives its rules row by row here; the others' rules never look."""
        return self.rules(ctx)

    def row_suspects(self, ctx: Context, raw) -> list:
        rules = self.rules(ctx) if ctx.frame is not None or not self.looks_at else self.row_rules(ctx)
        return [rule.expr for rule in rules]

    def describe(self, rule: Rule, record: dict) -> tuple[str, str]:  # pragma: no cover - abstract
        raise NotImplementedError

    def run(self, ctx: Context) -> list[Problem]:
        return run_row_checks(ctx, [self])

    def report(self, ctx: Context, rules: list[Rule], masks: list[str], failing: dict[str, list], raw_text: dict) -> list[Problem]:
        """Word the failing rows: `failing` maps each column of the checks' table, and one boolean column per
        rule (named in `masks`), to its values in the rows where any rule of any check failed;
        `raw_text` maps row -> the cells as written."""
        problems = []
        columns = list(failing)
        for rule, mask in zip(rules, masks):
            for i, flagged in enumerate(failing[mask]):
                if not flagged:
                    continue
                record = {c: failing[c][i] for c in columns}
                if (record[ROW], rule.column) in ctx.reported or record[ROW] in ctx.short_rows:
                    continue
                record["__raw__"] = raw_text.get(record[ROW], {})
                message, hint = self.describe(rule, record)
                value = record["__raw__"].get(rule.column)
                problems.append(Problem(ctx.path, rule.code, message, hint, row=record[ROW], column=rule.column, value=value))
        return problems


def run_row_checks(ctx: Context, row_checks: list[RowCheck]) -> list[Problem]:
    """Every rule of every row check in one polars pass (the expressions run in parallel, and a clean
    table costs one select); only the rows where something failed are then worded, check by check."""
    import polars as pl

    plans, exprs = [], []
    for check in row_checks:
        rules = check.rules(ctx)
        names = []
        for rule in rules:
            names.append(f"__rule{len(exprs)}")
            exprs.append(rule.expr.fill_null(False).alias(names[-1]))
        plans.append((check, rules, names))
    if not exprs:
        return []
    masks = ctx.frame.select(*exprs)
    hit = masks.select(pl.any_horizontal(pl.all())).to_series()
    if not hit.any():
        return []
    # the failing rows as Python lists, column by column, once (a frame gather per rule cost ~0.3 ms each)
    frame = pl.concat([ctx.frame.filter(hit), masks.filter(hit)], how="horizontal")
    failing = {name: frame[name].to_list() for name in frame.columns}
    raw = ctx.raw.filter(hit)
    raw_text = {rec[ROW]: rec for rec in raw.iter_rows(named=True)}
    problems: list[Problem] = []
    for check, rules, names in plans:
        problems.extend(check.report(ctx, rules, names, failing, raw_text))
    return problems


def fmt(value) -> str:
    """A number as a steward wrote it, without float noise."""
    if value is None:
        return "blank"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return f"{value:.10g}"
    return str(value)

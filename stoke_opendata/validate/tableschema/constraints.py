"""Cell rules: type-error, constraint-error (required, pattern, enum, minimum, maximum, lengths) and unique-error."""

from __future__ import annotations

import re

from stoke_opendata.validate.problems import Problem
from stoke_opendata.validate.tables.table import ROW
from stoke_opendata.catalogue.casting import CastError, reader
from stoke_opendata.validate.tableschema.field_types import NATIVE, constraint_value, dtype, needs_reading
from stoke_opendata.validate.tableschema.hints import enum_hint, pattern_hint, type_hint


def _cell_checks(pl, path, raw, typed, specs, present, position_of=None, short=None, distinct=None, invalid=None) -> list[Problem]:
    """type-error, constraint-error (required, pattern, enum, minimum, maximum, lengths) and unique-error.
    `invalid`: field -> the distinct texts that are not of its type (field_types.read_columns)."""
    exprs = {}
    patterns: dict[str, str] = {}
    enums: dict[str, list[str]] = {}
    python_bounds: list[tuple[str, str, object]] = []  # (field, constraint, bound) checked in Python
    invalid = invalid or {}
    for name, spec in specs.items():
        if name not in present:
            continue
        ftype = spec.get("type", "string")
        constraints = spec.get("constraints") or {}
        if not isinstance(constraints, dict):
            continue
        raw_col, typed_col = pl.col(name), pl.col(f"{name}__typed")
        if invalid.get(name):
            exprs[f"{name}|type-error|"] = raw_col.is_in(invalid[name])
        ok = typed_col.is_not_null()
        native = ftype in NATIVE or not needs_reading(spec)
        if constraints.get("required") is True:
            exprs[f"{name}|constraint-error|required"] = raw_col.is_null()
        if isinstance(constraints.get("pattern"), str) and _compiles(constraints["pattern"]):
            pattern = constraints["pattern"]
            patterns[name] = f"^(?:{pattern})$"
            exprs[f"{name}|constraint-error|pattern"] = None  # filled in below, from the distinct values
        options = enum_options(spec, constraints)
        if options is not None and not needs_reading(spec):
            enums[name] = options
            exprs[f"{name}|constraint-error|enum"] = None  # filled in below, from the distinct values
        elif options is not None:
            exprs[f"{name}|constraint-error|enum"] = ok & ~typed_col.is_in(pl.Series(options, dtype=dtype(pl, spec)).implode())
        for constraint, compare, bound in bounds(spec, constraints):
            if native and needs_reading(spec):
                exprs[f"{name}|constraint-error|{constraint}"] = ok & getattr(typed_col, compare)(pl.lit(bound, dtype=dtype(pl, spec)))
            else:
                python_bounds.append((name, constraint, constraints[constraint]))
                exprs[f"{name}|constraint-error|{constraint}"] = None  # filled in below, from the distinct values
        for constraint, compare, length in lengths(constraints):
            exprs[f"{name}|constraint-error|{constraint}"] = raw_col.is_not_null() & getattr(raw_col.str.len_chars(), compare)(length)
        if constraints.get("unique") is True:
            exprs[f"{name}|unique-error|"] = ok & ~typed_col.is_first_distinct()
    if not exprs:
        return []
    values = _distinct(pl, raw, set(patterns) | set(enums))
    if distinct is not None:
        distinct.update(values)
    for name, regex in patterns.items():
        bad = bad_pattern_values(pl, values[name], regex)
        exprs[f"{name}|constraint-error|pattern"] = pl.col(name).is_in(bad.implode()) if bad.len() else pl.lit(False)
    for name, options in enums.items():
        bad = values[name].filter(~values[name].is_in(options))
        exprs[f"{name}|constraint-error|enum"] = pl.col(name).is_in(bad.implode()) if bad.len() else pl.lit(False)
    for name, constraint, bound in python_bounds:
        bad = _python_bound_failures(pl, raw[name], specs[name], constraint, bound, invalid.get(name) or [])
        exprs[f"{name}|constraint-error|{constraint}"] = pl.col(name).is_in(bad) if bad else pl.lit(False)
    both = raw.with_columns([typed[name].alias(f"{name}__typed") for name in specs if name in present])
    problems: list[Problem] = []
    try:
        masks = both.select(*[e.fill_null(False).alias(k) for k, e in exprs.items()])
    except pl.exceptions.PolarsError:
        # a rule polars cannot evaluate (a bound it cannot compare with the column): the others still run,
        # and that rule is reported as a field-error of the schema rather than ending in a crash
        kept = {}
        for key, expr in exprs.items():
            try:
                both.head(1).select(expr.fill_null(False).alias(key))
                kept[key] = expr
            except pl.exceptions.PolarsError as exc:
                name, _code, constraint = key.split("|")
                detail = " ".join(str(exc).split())[:120]
                problems.append(Problem(path, "field-error", f"the {constraint or 'type'} rule of {name!r} cannot be evaluated ({detail})", f"write the {constraint} as a value of the field's type", column=name))
        exprs = kept
        if not exprs:
            return problems
        masks = both.select(*[e.fill_null(False).alias(k) for k, e in exprs.items()])
    any_fail = masks.select(pl.any_horizontal(pl.all())).to_series()
    failing = pl.concat([raw.filter(any_fail), masks.filter(any_fail)], how="horizontal")
    hints: dict = {}
    # each rule's rows by position (a Series lookup, ~0.1 ms) rather than a filter of the failing rows'
    # frame per rule (~1 ms each: ~20 rules)
    rows_failing = failing[ROW].to_list()
    texts: dict[str, list] = {}
    for key in exprs:
        name, code, constraint = key.split("|")
        spec = specs[name]
        positions = failing[key].arg_true().to_list()
        if not positions:
            continue
        if name not in texts:
            texts[name] = failing[name].to_list()
        for row, value in ((rows_failing[i], texts[name][i]) for i in positions):
            if constraint == "required" and short and row in short and short[row] <= position_of[name]:
                continue  # the cell is beyond the end of a short row (missing-cell) or in a blank row (blank-row)
            problems.append(_cell_problem(path, code, constraint or None, name, spec, row, value, hints))
    return problems


def bad_pattern_values(pl, values, regex: str):
    """The distinct values (a String Series) that do not match a field's anchored pattern."""
    try:
        return values.filter(~values.str.contains(regex))
    except pl.exceptions.ComputeError:
        # a pattern polars's regex engine does not take (look-arounds, back-references): Python's re,
        # which frictionless uses, on the distinct values
        compiled = re.compile(regex)
        return pl.Series([v for v in values.to_list() if not compiled.match(v)], dtype=pl.String)


def coded_fields(specs: dict, present: set[str]) -> list[str]:
    """The fields whose distinct values the rules are judged on (a text field with a pattern or an enum):
    ids, codes, periods and statuses hold few values, so a regex per distinct value replaces one per cell."""
    out = []
    for name, spec in specs.items():
        constraints = spec.get("constraints") or {}
        if name in present and isinstance(constraints, dict):
            pattern = isinstance(constraints.get("pattern"), str) and _compiles(constraints["pattern"])
            if pattern or (isinstance(constraints.get("enum"), list) and not needs_reading(spec)):
                out.append(name)
    return out


def enum_options(spec: dict, constraints: dict):
    """A field's enum options in its typed form, or None (no enum, or one that is not of the field's type: a
    field-error reported by schema_errors)."""
    if not isinstance(constraints.get("enum"), list):
        return None
    try:
        return [constraint_value(spec, o) for o in constraints["enum"]]
    except CastError:
        return None


def bounds(spec: dict, constraints: dict):
    """(constraint, comparison that fails, bound in the field's typed form) for each of minimum, maximum and
    the exclusive ones; a bound not of the field's type is a field-error reported by schema_errors, skipped."""
    for constraint, compare in (("minimum", "lt"), ("maximum", "gt"), ("exclusiveMinimum", "le"), ("exclusiveMaximum", "ge")):
        if constraint in constraints:
            try:
                yield constraint, compare, constraint_value(spec, constraints[constraint])
            except CastError:
                continue


def lengths(constraints: dict):
    """(constraint, comparison that fails, length) for minLength and maxLength when they are whole numbers."""
    for constraint, compare in (("minLength", "lt"), ("maxLength", "gt")):
        if isinstance(constraints.get(constraint), int) and not isinstance(constraints[constraint], bool):
            yield constraint, compare, constraints[constraint]


def _compiles(pattern: str) -> bool:
    """A pattern that is not a regular expression is a field-error (schema_errors), not checked here."""
    try:
        re.compile(pattern)
        return True
    except re.error:
        return False


def _python_bound_failures(pl, column, spec, constraint, bound, invalid) -> list[str]:
    """The distinct texts of a column whose values break a bound, compared in Python with frictionless's
    values (for types with no polars dtype: time, duration...). A bound that cannot be compared with the
    values is a field-error reported by schema_errors, not a crash."""
    read = reader(spec)
    limit = read(bound if isinstance(bound, str) else str(bound))
    if limit is None:
        return []
    bad = []
    skip = set(invalid)
    for text in column.drop_nulls().unique().to_list():
        if text in skip:
            continue
        value = read(text)
        try:
            broken = {"minimum": value < limit, "maximum": value > limit, "exclusiveMinimum": value <= limit, "exclusiveMaximum": value >= limit}[constraint]
        except TypeError:
            return []
        if broken:
            bad.append(text)
    return bad


def _distinct(pl, raw, names: set[str]) -> dict:
    """column -> its distinct values (nulls left out), for the pattern and enum checks. Coded columns (ids,
    area codes, periods, statuses) hold few distinct values, and hashing a cell is several times cheaper
    than running a regex on it (0.13 s -> ~0.04 s for three columns of 1M rows): the regexes and option
    lists are applied to the distinct values, and the rows of the bad ones found by a hash lookup."""
    if not names:
        return {}
    ordered = [n for n in raw.columns if n in names]
    frame = raw.select(pl.col(name).unique().drop_nulls().implode() for name in ordered)
    return {name: frame[name][0] for name in ordered}


def _cell_problem(path, code, constraint, name, spec, row, value, hints) -> Problem:
    cache_key = (code, constraint, name, value)
    if cache_key not in hints:
        hints[cache_key] = _describe(code, constraint, name, spec, value)
    message, hint = hints[cache_key]
    return Problem(path, code, message.replace("{row}", str(row)), hint, row=row, column=name, value=value, constraint=constraint)


def _describe(code, constraint, name, spec, value) -> tuple[str, str]:
    ftype = spec.get("type", "string")
    constraints = spec.get("constraints") or {}
    shown = "" if value is None else value
    if code == "type-error":
        return f"{shown!r} in {name} is not a valid {ftype}", type_hint(shown, ftype)
    if code == "unique-error":
        return f"{shown!r} in {name} appears more than once; each value must be unique", "remove or correct the repeated row"
    if constraint == "required":
        return f"{name} is required but the cell is blank", f"fill in {name}" + (f" ({spec['description']})" if spec.get("description") else "")
    if constraint == "pattern":
        return f"{shown!r} in {name} is not in the required format", pattern_hint(constraints["pattern"], shown, spec.get("description"))
    if constraint == "enum":
        return f"{shown!r} is not an allowed {name}", enum_hint(shown, constraints["enum"])
    if constraint == "minimum":
        return f"{shown} in {name} is below the minimum {constraints['minimum']}", f"{name} must be at least {constraints['minimum']}"
    if constraint == "maximum":
        return f"{shown} in {name} is above the maximum {constraints['maximum']}", f"{name} must be at most {constraints['maximum']}"
    if constraint == "exclusiveMinimum":
        return f"{shown} in {name} is not above {constraints['exclusiveMinimum']}", f"{name} must be more than {constraints['exclusiveMinimum']}"
    if constraint == "exclusiveMaximum":
        return f"{shown} in {name} is not below {constraints['exclusiveMaximum']}", f"{name} must be less than {constraints['exclusiveMaximum']}"
    if constraint == "minLength":
        return f"{shown!r} in {name} is too short", f"{name} must have at least {constraints['minLength']} characters"
    if constraint == "maxLength":
        return f"{shown!r} in {name} is too long", f"{name} must have at most {constraints['maxLength']} characters"
    return f"{shown!r} in {name} breaks the {constraint} constraint", ""


def cell_suspects(pl, specs: dict, present: set[str], raw, typed, distinct: dict | None = None) -> list:
    """For the query engine's plan: per field, a polars expression True on every row `_cell_checks` might
    report for that field (more is allowed, never fewer), built from the same constraints without looking
    at the data. `raw(name)` and `typed(name)` are the expressions of a field's text (missing values null)
    and of its fast cast (field_types.fast_cast). What is decided in Python here (a pattern polars's regex
    engine does not take, a bound on a type with no polars dtype, a value only the slow path reads) flags
    every filled cell of the field, and the rows are then judged by `_cell_checks` itself. `distinct`: field
    -> its distinct values (coded_fields), whose bad ones are found once, as `_cell_checks` finds them."""
    exprs = []
    for name, spec in specs.items():
        if name not in present:
            continue
        text, value = raw(name), typed(name)
        filled = text.is_not_null()
        if needs_reading(spec):
            exprs.append(filled & value.is_null())  # not of its type by the fast path: the slow path decides
        constraints = spec.get("constraints") or {}
        if not isinstance(constraints, dict):
            continue
        native = spec.get("type", "string") in NATIVE or not needs_reading(spec)
        if constraints.get("required") is True:
            exprs.append(text.is_null())
        values = (distinct or {}).get(name)
        if isinstance(constraints.get("pattern"), str) and _compiles(constraints["pattern"]):
            regex = f"^(?:{constraints['pattern']})$"
            if values is not None:
                exprs.append(text.is_in(bad_pattern_values(pl, values, regex).implode()))
            else:
                exprs.append(filled & ~text.str.contains(regex) if _polars_regex(pl, regex) else filled)
        options = enum_options(spec, constraints)
        if options is not None and not needs_reading(spec):
            exprs.append(text.is_in(values.filter(~values.is_in(options)).implode()) if values is not None else filled & ~text.is_in(options))
        elif options is not None:
            exprs.append(value.is_not_null() & ~value.is_in(pl.Series(options, dtype=dtype(pl, spec)).implode()))
        for _constraint, compare, bound in bounds(spec, constraints):
            if native and needs_reading(spec):
                exprs.append(value.is_not_null() & getattr(value, compare)(pl.lit(bound, dtype=dtype(pl, spec))))
            else:
                exprs.append(filled)
        for _constraint, compare, length in lengths(constraints):
            exprs.append(filled & getattr(text.str.len_chars(), compare)(length))
    return exprs


def _polars_regex(pl, regex: str) -> bool:
    """Whether polars's regex engine takes the pattern (look-arounds and back-references it does not)."""
    try:
        pl.select(pl.lit("").str.contains(regex))
        return True
    except pl.exceptions.PolarsError:
        return False

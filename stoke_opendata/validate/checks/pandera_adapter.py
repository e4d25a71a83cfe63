"""The published definitions as a real pandera DataFrameSchema (pandas or polars), built from the same rules.

Columns come from the Table Schema (types, required, enum, pattern, minimum/maximum, unique, the primary key,
the catalogue's ids and area codes as foreign keys). Meaning checks come from the registered row checks
(checks/*.py): each check's polars rule expressions are probed once over the catalogue, and a rule whose
expression reads an indicator's attributes (bounds, integer, multiplier, frequency) becomes one pandera Check
per indicator it applies to, named `code:column:indicator`; the others become one Check `code:column`. A Check
rebuilds the rule from its check class at validation time and evaluates it with polars (for pandas too: the
frame is handed to polars), so there is one rule set: nothing here restates a rule.

`validate` does not go through pandera (importing pandera.polars costs about a second, docs/validation.md);
tests/test_pandera_schema.py proves both engines flag the same rows of the validation corpus.
Warnings that need the whole table (outlier, gap-inconsistent, disclosure risk) are not included; the plausibility
warning is a row rule over the series' history, included when a history is given.
"""

from __future__ import annotations

import json

from stoke_opendata.catalogue.casting import FIELD_TYPES
from stoke_opendata.validate.checks.base import ATTRIBUTES, REGISTRY, Context, RowCheck
from stoke_opendata.validate.problems import CODES, Problem

# attribute columns the rules read (checks/__init__.py joins the same ones on in the fast engine)
_ATTRIBUTES = {key: column for key, (column, _dtype) in ATTRIBUTES.items()}
# pandera's own check names -> the CLI's codes
BUILTIN_CODES = {"column_in_dataframe": "missing-label", "column_in_schema": "extra-label", "not_nullable": "constraint-error",
                 "field_uniqueness": "unique-error", "multiple_fields_uniqueness": "primary-key", "dataframe_not_empty": "missing-label"}


def _polars_type(pl, ftype: str):
    """The column's polars dtype, from the one type table (catalogue/casting.py)."""
    name = FIELD_TYPES.get(ftype, FIELD_TYPES["string"]).polars
    return getattr(pl, name) if name else pl.String


def _pandas_type(ftype: str):
    name = FIELD_TYPES.get(ftype, FIELD_TYPES["string"]).pandas
    return str if name == "str" else name


def build_schema(table_schema: dict, definitions: dict[str, dict], references=None, backend: str = "polars", name: str = "observations", history=None, checks=()):
    """A pandera DataFrameSchema for `table_schema` whose meaning checks use `definitions` (id -> checks.definition_of).
    `references(resource, fields)` gives the key table of a foreign key (None: not checked); `checks`: the
    caller's own, with the registered ones (checks.chosen)."""
    if backend not in ("polars", "pandas"):
        raise ValueError("backend must be 'polars' or 'pandas'")
    import polars as pl

    if backend == "polars":
        import pandera.polars as pa
    else:
        import pandera.pandas as pa
    fields = [f for f in table_schema.get("fields", []) if isinstance(f, dict) and "name" in f]
    types = {f["name"]: f.get("type", "string") for f in fields}
    keys = _foreign_keys(table_schema, references)
    columns = {}
    for spec in fields:
        c = spec.get("constraints") or {}
        col_checks = []
        if "enum" in c:
            col_checks.append(pa.Check.isin(c["enum"], name="constraint-error:enum", error=f"constraint-error:enum (one of {', '.join(map(str, c['enum']))})"))
        if "pattern" in c:
            col_checks.append(pa.Check.str_matches(f"^(?:{c['pattern']})$", name="constraint-error:pattern", error=f"constraint-error:pattern (matches {c['pattern']})"))
        if "minimum" in c:
            col_checks.append(pa.Check.ge(c["minimum"], name="constraint-error:minimum", error=f"constraint-error:minimum (>= {c['minimum']})"))
        if "maximum" in c:
            col_checks.append(pa.Check.le(c["maximum"], name="constraint-error:maximum", error=f"constraint-error:maximum (<= {c['maximum']})"))
        if spec["name"] in keys:
            col_checks.append(pa.Check.isin(keys[spec["name"]], name="foreign-key", error=f"foreign-key (a {spec['name']} the catalogue lists)"))
        dtype = _polars_type(pl, types[spec["name"]]) if backend == "polars" else _pandas_type(types[spec["name"]])
        columns[spec["name"]] = pa.Column(dtype, checks=col_checks, nullable=not c.get("required", False), unique=bool(c.get("unique")),
                                          coerce=True, description=spec.get("description"))
    primary = table_schema.get("primaryKey")
    primary = [primary] if isinstance(primary, str) else primary
    from stoke_opendata.validate.checks import chosen

    made = meaning_checks(pa, types, definitions, backend, chosen(checks), history=history)
    return _schema_class(pa.DataFrameSchema, backend)(columns, checks=made, strict=True, unique=primary or None, name=name,
                                                      report_duplicates="all")


_CLASSES: dict = {}


def _schema_class(base, backend: str):
    """DataFrameSchema, plus: the rules' shared masks are dropped when validate ends (a frame changed in place
    is never judged by a stale result); and for polars, a frame that lacks a column is validated without
    coercion (pandera.polars 0.35 raises polars' ColumnNotFoundError coercing it), so the missing columns
    are failure cases like the rest."""
    if backend in _CLASSES:
        return _CLASSES[backend]

    class StokeSchema(base):
        def validate(self, check_obj, *args, **kwargs):
            try:
                if backend == "polars" and any(c not in set(check_obj.collect_schema().names()) for c in self.columns):
                    plain = base(self.columns, checks=self.checks, strict=self.strict, unique=self.unique, name=self.name,
                                 report_duplicates=self.report_duplicates)
                    return plain.update_columns({c: {"coerce": False} for c in self.columns}).validate(check_obj, *args, **kwargs)
                return super().validate(check_obj, *args, **kwargs)
            finally:
                _reset(self.checks)

    if backend == "polars":
        import polars as pl

        frame_types = (pl.DataFrame, pl.LazyFrame)
    else:
        import pandas as pd

        frame_types = (pd.DataFrame,)
    for frame_type in frame_types:  # pandera finds backends by the schema's exact class
        base.register_default_backends(frame_type)
    for (cls, frame_type), found in list(base.BACKEND_REGISTRY.items()):
        if cls is base:
            StokeSchema.BACKEND_REGISTRY[(StokeSchema, frame_type)] = found
    _CLASSES[backend] = StokeSchema
    return StokeSchema


def _reset(checks) -> None:
    for check in checks:
        rules = getattr(check, "_stoke_rules", None)
        if rules is not None:
            rules.reset()


def _foreign_keys(table_schema: dict, references) -> dict[str, list]:
    found = {}
    for fk in table_schema.get("foreignKeys", []) if references else []:
        fields, ref = fk.get("fields"), fk.get("reference") or {}
        fields = [fields] if isinstance(fields, str) else fields
        wanted = [ref.get("fields")] if isinstance(ref.get("fields"), str) else ref.get("fields")
        # one-column keys only (a composite key is checked by validate_data); "" is the table itself
        if isinstance(fields, list) and len(fields) == 1 and isinstance(wanted, list) and len(wanted) == 1 and ref.get("resource"):
            keys = references(ref["resource"], wanted)
            if keys is not None:
                found[fields[0]] = keys.to_series().to_list()
    return found


def meaning_checks(pa, types: dict[str, str], definitions: dict[str, dict], backend: str, checks=None, history=None) -> list:
    """One pandera Check per rule (per rule and indicator where the rule reads the indicator's definition)."""
    probe = _probe_context(types, definitions, history)
    chosen = list(REGISTRY if checks is None else checks)
    rules = RuleMasks(types, definitions, chosen, backend, history)
    made = []
    for check in chosen:
        if not isinstance(check, RowCheck) or not check.applies(probe):
            continue
        for rule in check.rules(probe):
            meaning = CODES.get(rule.code, ("", "", rule.code))[2]
            reads = {n for n in rule.expr.meta.root_names() if n in _ATTRIBUTES.values()}
            if not reads:
                made.append(_check(pa, rules, rule, None, meaning))
                continue
            for indicator, definition in definitions.items():
                attributes = {k: definition.get(k) for k, a in _ATTRIBUTES.items() if a in reads}
                if all(v is None or v is False for v in attributes.values()):
                    continue  # every attribute the rule reads is unset for this indicator: it cannot fail
                shown = ", ".join(f"{k} {v}" for k, v in attributes.items() if v is not None)
                error = f"{meaning}, for indicator {indicator} ({shown})"
                made.append(_check(pa, rules, rule, indicator, error))
    return made


def _check(pa, rules: "RuleMasks", rule, indicator, error):
    name = f"{rule.code}:{rule.column}" + (f":{indicator}" if indicator else "")
    key = (rule.code, rule.column)

    if rules.backend == "polars":
        import polars as pl

        def run(data):
            return pl.LazyFrame({"passes": ~rules.failing(data.lazyframe, key, indicator)})
    else:
        import pandas as pd

        def run(frame):
            return pd.Series(~rules.failing(frame, key, indicator).to_numpy(), index=frame.index)

    # pandera shows the error as the failure case's `check`: it starts with the name, then says what failed
    made = pa.Check(run, name=name, error=f"{name} ({error})")
    made._stoke_rules = rules
    return made


class RuleMasks:
    """Every rule's failing rows over one frame, computed once (one polars select, the definitions joined per
    row as the fast engine joins them) and shared by the schema's checks; a check adds its indicator filter.
    The schema forgets the frame when its validate call ends."""

    def __init__(self, types: dict[str, str], definitions: dict[str, dict], checks, backend: str, history=None):
        self.types, self.definitions, self.checks, self.backend, self.history = types, definitions, checks, backend, history
        self.reset()

    def reset(self):
        self._source, self._masks = None, {}

    def failing(self, source, key, indicator=None):
        """Boolean polars Series: True where rule `key` fails on `source` (for `indicator`'s rows only, if given)."""
        import polars as pl

        if self._source is not source:
            self._source, self._masks = source, self._compute(source)
        mask = self._masks.get(key)
        if mask is None:  # the rule does not apply (a column it needs is missing: pandera reports that itself)
            return pl.Series("failing", [False] * self._masks["__height__"], dtype=pl.Boolean)
        if indicator is not None:
            mask = mask & (self._masks["__indicator__"] == indicator).fill_null(False)
        return mask

    def _compute(self, source) -> dict:
        import polars as pl

        frame = _from_pandas(source, self.types) if self.backend == "pandas" else source.collect()
        present = {c for c in frame.columns if c in self.types}
        typed = frame.select([_cast(pl, c, self.types[c]) for c in present])
        ids = list(self.definitions)
        if ids and "indicator_id" in present:
            table = pl.DataFrame({"indicator_id": ids, **{a: [self.definitions[i].get(k) for i in ids] for k, a in _ATTRIBUTES.items()}},
                                 strict=False)
            typed = typed.join(table, on="indicator_id", how="left", maintain_order="left")
        else:
            typed = typed.with_columns(pl.lit(None).alias(a) for a in _ATTRIBUTES.values())
        # a blank cell, not text that is no number (that is a type error, as the CLI says)
        blank = frame["value"].is_null() if "value" in present else pl.lit(True)
        typed = typed.with_columns(blank.alias("_value_blank"))
        ctx = Context(path="DataFrame", frame=typed, raw=None, present=present, definitions=self.definitions, history=self.history)
        exprs, keys = [], []
        for check in self.checks:
            if isinstance(check, RowCheck) and check.applies(ctx):
                for rule in check.rules(ctx):
                    keys.append((rule.code, rule.column))
                    exprs.append(rule.expr.fill_null(False).alias(f"__rule{len(exprs)}"))
        masks = dict(zip(keys, typed.select(exprs).get_columns())) if exprs else {}
        masks["__height__"] = frame.height
        masks["__indicator__"] = typed["indicator_id"].cast(pl.String) if "indicator_id" in present else pl.Series([None] * frame.height, dtype=pl.String)
        return masks


def _cast(pl, name: str, ftype: str):
    target = _polars_type(pl, ftype)
    col = pl.col(name)
    if target in (pl.Float64, pl.Int64):  # text that is a number becomes one (as it would in a CSV)
        col = col.cast(pl.String, strict=False).str.strip_chars().cast(pl.Float64, strict=False)
    return col.cast(target, strict=False).alias(name)


def _probe_context(types: dict[str, str], definitions: dict[str, dict], history=None) -> Context:
    """A frame with one row per indicator (text fields "?", numbers blank) and its definition joined: the rules
    built over it show, through the columns their expressions read, which depend on the definitions."""
    import polars as pl

    ids = list(definitions) or ["?"]
    columns = {n: pl.Series(n, ["?"] * len(ids), dtype=pl.String) if t == "string" else pl.Series(n, [None] * len(ids), dtype=_polars_type(pl, t)) for n, t in types.items()}
    if "indicator_id" in columns:
        columns["indicator_id"] = pl.Series("indicator_id", ids)
    frame = pl.DataFrame(list(columns.values()) or [pl.Series("indicator_id", ids)])
    attributes = {a: [definitions.get(i, {}).get(k) for i in ids] for k, a in _ATTRIBUTES.items()}
    attributes["_value_blank"] = [True] * len(ids)
    frame = frame.with_columns(pl.DataFrame(attributes, strict=False).get_columns())
    return Context(path="probe", frame=frame, raw=None, present=set(types), definitions=definitions, history=history)


def _from_pandas(frame, types: dict[str, str]):
    """The schema's columns of a pandas frame as polars (values that do not fit the field's type become null)."""
    import polars as pl

    series = []
    for i, label in enumerate(frame.columns):
        if label not in types or label in {s.name for s in series}:
            continue
        column = frame.iloc[:, i].reset_index(drop=True)
        try:
            converted = pl.from_pandas(column, nan_to_null=True)
        except Exception:  # mixed objects: as text (the cast in failing_rows makes what is not a number null)
            converted = pl.Series(str(label), [None if v is None or v != v else str(v) for v in column.tolist()], dtype=pl.String)
        series.append(converted.alias(str(label)))
    return pl.DataFrame(series) if series else pl.DataFrame({"__empty__": [None] * len(frame)}).select([])


def pandera_failures(ctx: Context, checks=None) -> dict[str, set[int]]:
    """The rules of `checks` (default: all) run through pandera.polars on a Context's table as read (text, so
    a blank cell and text that is no number stay apart, as in the direct run): "code:column" -> rows."""
    import pandera.errors
    import pandera.polars as pa
    import polars as pl

    from stoke_opendata.validate.tables.table import ROW

    kinds = {pl.Float64: "number", pl.Int64: "integer", pl.Boolean: "boolean", pl.Date: "date", pl.Datetime: "datetime"}
    types = {n: kinds.get(ctx.frame.schema[n], "string") for n in ctx.present if n in ctx.frame.columns}
    frame = ctx.raw.select(sorted(types)) if ctx.raw is not None else ctx.frame.select(sorted(types))
    schema = pa.DataFrameSchema(checks=meaning_checks(pa, types, ctx.definitions, "polars", checks, history=ctx.history))
    rows = ctx.frame[ROW]
    found: dict[str, set[int]] = {}
    try:
        schema.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        for check, index in exc.failure_cases.select("check", "index").iter_rows():
            if index is not None:
                found.setdefault(":".join(check.split(" ", 1)[0].split(":")[:2]), set()).add(int(rows[int(index)]))
    return found


def problems_from_failures(error, file: str = "DataFrame", fields=()) -> list[Problem]:
    """pandera's failure cases (a SchemaErrors, or its failure_cases frame) as Problems with the CLI's codes.
    `row` is the row the record has in a CSV of the frame (index + 2) when the index is a position;
    `fields`: the schema's field names (default: the observations schema's)."""
    if not fields:
        fields = _observation_fields()
    cases = getattr(error, "failure_cases", error)
    if type(cases).__module__.split(".")[0] == "pandas":
        import polars as pl

        cases = pl.from_pandas(cases.astype({"failure_case": str, "index": object}).astype(str).replace({"None": None, "nan": None, "<NA>": None}))
    problems, seen = [], {}
    for record in cases.iter_rows(named=True):
        check = str(record.get("check") or "")
        code, column, value = _code_of(check), record.get("column"), record.get("failure_case")
        parts = check.split(" ", 1)[0].split(":")
        if parts[0] in CODES and record.get("schema_context") not in ("Column", "Index") and len(parts) > 1:
            if column in fields:
                # pandas: one case per non-null cell of the failing record: one problem per record, with the
                # rule's cell as its value (absent when that cell is blank, as for value-missing)
                key = (check, record.get("index"))
                if key in seen:
                    if column == parts[1]:
                        seen[key].value = None if value is None else str(value)
                    continue
                value, column = (value if column == parts[1] else None), parts[1]
            else:  # polars: one case per record, the record as JSON
                column = parts[1]
                try:
                    loaded = json.loads(value) if isinstance(value, str) else None
                except ValueError:
                    loaded = None
                value = loaded.get(column) if isinstance(loaded, dict) else value
        index = record.get("index")
        try:
            row = int(float(index)) + 2 if index is not None else None
        except (TypeError, ValueError):
            row = None
        column = None if column in (None, "None", "nan") or column not in fields else column
        problem = Problem(file, code, f"{check} failed" + (f" at row {row}" if row else ""), CODES.get(code, ("", "", ""))[2],
                          row=row, column=column, value=None if value is None else str(value))
        if parts[0] in CODES and len(parts) > 1:
            seen[(check, record.get("index"))] = problem
        problems.append(problem)
    return problems


def _observation_fields() -> set[str]:
    from stoke_opendata.validate.validator import load_schema

    return {f.get("name") for f in load_schema(None)[0]["fields"] if isinstance(f, dict)}


def _code_of(check: str) -> str:
    head = check.split(" ", 1)[0].split(":")[0]
    if head in CODES:
        return head
    if check.startswith(("dtype(", "coerce_dtype(")):
        return "type-error"
    base = check.split("(")[0]
    return BUILTIN_CODES.get(base, "constraint-error")

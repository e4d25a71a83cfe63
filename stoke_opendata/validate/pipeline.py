"""The validation pipeline: the steps every engine (memory, batched, spark) and the API run, by public names.

One table goes through `check_table` (structure, table-wide checks, meaning checks, into one Report) with
its catalogue (`Catalogue`: key tables and indicator definitions, loaded only when a check needs them) and
the bundled series (`bundled_history`, for the outlier, gap and plausibility checks); a steward's file then
gets `apply_submission_rules`. validator.py runs files and data packages through these steps in memory;
engines/ runs the same steps bucket by bucket or on Spark, so every engine finds the same problems.
"""

from __future__ import annotations

import json
from pathlib import Path

from stoke_opendata.catalogue import paths as project_paths
from stoke_opendata.errors import InputError, UsageError
from stoke_opendata.validate.problems import Report

TABLES = ("observations", "indicators", "areas", "targets", "progress")


def load_schema(schema: str | Path | dict | None) -> tuple[object, str]:
    """(Table Schema, label): a table name (observations, targets...), a path to a JSON or YAML schema, or a
    dict. A file that is not JSON/YAML is a usage error (exit 2); a schema that parses but breaks the spec is
    returned as it is, for schema_problems to report (schema-error, exit 1), as frictionless does."""
    if isinstance(schema, dict):
        return schema, schema.get("title") or "given"
    name = str(schema or "observations")
    path = project_paths.schema_path(name) if name in TABLES else Path(name)
    try:
        text = path.read_text(encoding="utf-8-sig")
        if path.suffix.lower() in (".yaml", ".yml"):
            import yaml

            data = yaml.safe_load(text)
        else:
            data = json.loads(text)
    except FileNotFoundError:
        raise UsageError(f"no such Table Schema (use one of {', '.join(TABLES[:4])} or a path to a schema JSON)", where=str(path)) from None
    except IsADirectoryError:
        raise UsageError("is a folder, not a Table Schema file", where=str(path)) from None
    except Exception as exc:  # ValueError, OSError, yaml.YAMLError
        raise UsageError(f"the Table Schema cannot be read ({' '.join(str(exc).split())[:160]})", where=str(path)) from None
    label = data.get("title") if isinstance(data, dict) and isinstance(data.get("title"), str) else None
    return data, label or path.stem.replace(".schema", "")


def field_names(schema) -> set[str]:
    """The names of a schema's fields (empty for a schema without a fields list)."""
    fields = schema.get("fields") if isinstance(schema, dict) else None
    return {f.get("name") for f in fields if isinstance(f, dict)} if isinstance(fields, list) else set()


class Catalogue:
    """The bundled catalogue, loaded only when a check needs it, as key tables and check definitions."""

    def __init__(self, catalogue_dir: str | Path | None):
        self.catalogue_dir = Path(catalogue_dir) if catalogue_dir else None
        self._catalogue = None

    def get(self):
        if self._catalogue is None:
            from stoke_opendata.catalogue.definitions import load_catalogue

            try:
                self._catalogue = load_catalogue(self.catalogue_dir)
            except KeyError as exc:
                raise InputError(f"the indicator catalogue lacks the column {exc}", where=str(self.catalogue_dir or project_paths.schemas_dir())) from None
        return self._catalogue

    def reference(self, resource: str, fields: list[str]):
        import polars as pl

        if (resource, fields) not in (("indicators", ["id"]), ("areas", ["area_code"])):
            return None
        # only the key column is needed: read it with polars (a large areas table loads in milliseconds)
        base = self.catalogue_dir or project_paths.schemas_dir()
        try:
            keys = pl.read_csv(base / f"{resource}.csv", columns=fields, infer_schema=False)
        except Exception:
            self.get()  # raises the catalogue's own clear error (missing file, bad columns)
            raise InputError(f"the catalogue's {resource}.csv has no {fields[0]} column", where=str(base)) from None
        return keys.drop_nulls().with_columns(pl.col(fields[0]).str.strip_chars())

    def definitions(self) -> dict[str, dict]:
        """What the checks need from each indicator, read straight from indicators.csv (the full catalogue,
        with every area as an object, is only loaded if that read fails, to give its error)."""
        import polars as pl

        from stoke_opendata.catalogue.definitions import source_rows
        from stoke_opendata.validate.checks import definition_of

        base = self.catalogue_dir or project_paths.schemas_dir()
        try:
            rows = pl.read_csv(base / "indicators.csv", infer_schema=False).with_columns(pl.all().str.strip_chars().replace("", None)).to_dicts()
            forms = {r["indicator_id"]: (r.get("period_form") or None) for r in source_rows(base)}
            return {row["id"]: definition_of({**row, "period_form": forms.get(row["id"])}) for row in rows if row.get("id") and row.get("unit")}
        except Exception:
            return {i: definition_of(ind) for i, ind in self.get().indicators.items()}


def bundled_history(exclude: set[Path]):
    """Observations already bundled in datasets/*/ (for the outlier and gap checks): indicator_id, area_code, period, value."""
    import polars as pl

    frames = []
    base = project_paths.datasets_dir()
    if not base.is_dir():
        return None
    from stoke_opendata.validate.tables.descriptor import read_descriptor

    for descriptor in sorted(base.glob("*/datapackage.json")):
        try:
            specs = read_descriptor(descriptor)
        except InputError:
            continue
        for spec in specs:
            names = field_names(spec.schema)
            if not {"indicator_id", "area_code", "period", "value"} <= names or not spec.path.is_file():
                continue
            if spec.path.resolve() in exclude:
                continue
            try:
                frame = pl.read_csv(spec.path, infer_schema=False, columns=["indicator_id", "area_code", "period", "value"])
            except Exception:  # a broken bundled file is reported when it is validated itself, not here
                continue
            frames.append(frame.with_columns(pl.col("value").cast(pl.Float64, strict=False)))
    if not frames:
        return None
    return pl.concat(frames, how="vertical")


def check_table(report: Report, table, schema: dict, schema_label: str, references, definitions, history_source, extra_checks=(), part: str = "whole") -> object:
    """One table through every layer, into `report`: its FileInfo, the structure problems, the checks of every
    table (formula-like text), then the meaning checks where the table holds indicator values. `references`,
    `definitions` and `history_source` are callables, so what a table does not need is never loaded;
    `extra_checks`: checks given for this run only (validate_data(checks=[...])), run after the registered
    ones. `part="rows"`: only the rules that look at one row at a time (no primary key, no check that
    compares rows), for the query engine, which gives this the rows its query flagged and runs the rest
    over every row with `check_series`. Returns the structure layer's Checked (typed columns) for callers
    that word problems further."""
    from stoke_opendata.validate import checks
    from stoke_opendata.validate.tableschema.check import check_structure

    table.info.schema = schema_label
    report.files.append(table.info)
    whole = part == "whole"
    checked = check_structure(table, schema, references, schema_label=schema_label, keys=whole)
    report.extend(checked.problems)
    running = checks.chosen(extra_checks)
    if not whole:
        running = [c for c in running if not series_check(c)]
    report.extend(checks.table_problems(checked, running))
    if checks.applies_to(checked.present):
        ctx = checks.build_context(checked, definitions(), history_source())
        report.extend(checks.run_checks(ctx, running))
    return checked


def series_check(check) -> bool:
    """True for a check that compares rows with each other (outliers, gaps, disclosure families): neither a
    row check nor one of every table's (which look at one cell at a time)."""
    from stoke_opendata.validate.checks import RowCheck

    return not check.every_table and not isinstance(check, RowCheck)


def series_columns(schema: dict, extra_checks=()) -> tuple[str, ...]:
    """The fields the rules that compare rows read: the primary key and each series check's columns (and
    `reads`, the columns it looks at for some rows), in schema order."""
    from stoke_opendata.validate import checks

    key = schema.get("primaryKey") or []
    wanted = set([key] if isinstance(key, str) else [k for k in key if isinstance(k, str)])
    for check in checks.chosen(extra_checks):
        if series_check(check):
            wanted.update(check.columns)
            wanted.update(getattr(check, "reads", ()))
    return tuple(n for n in (f.get("name") for f in schema.get("fields", []) if isinstance(f, dict)) if n in wanted)


def check_series(path: str, raw, schema: dict, present: set[str], definitions: dict, history, short: dict | None = None, extra_checks=()) -> list:
    """The rules that compare rows, over every row's key columns (`raw`: ROW and the `series_columns` as text,
    missing values null): the primary key, then each series check, as check_table runs them on a whole
    table. `short`: row -> the cells it has, for the rows with missing cells or blank (0)."""
    import polars as pl

    from stoke_opendata.validate import checks
    from stoke_opendata.validate.tableschema.check import Checked
    from stoke_opendata.validate.tableschema.field_types import read_columns
    from stoke_opendata.validate.tableschema.keys import primary_key_problems

    fields = schema.get("fields") if isinstance(schema.get("fields"), list) else []
    specs = {f["name"]: f for f in fields if isinstance(f, dict) and f.get("name") in raw.columns}
    here = present & set(specs)
    typed, _invalid, untyped = read_columns(pl, raw, specs, here)
    problems = primary_key_problems(pl, path, raw, typed, schema, present, short or {}, untyped)
    running = [c for c in checks.chosen(extra_checks) if series_check(c)]
    if running and checks.applies_to(present):
        checked = Checked(path=path, raw=raw, typed=typed, present=present, schema=schema, short_rows={r for r in (short or {})})
        ctx = checks.build_context(checked, definitions, history)
        problems.extend(checks.run_checks(ctx, running))
    return problems


def apply_submission_rules(report: Report, start: int, info, schema: dict | None = None, catalogue_dir=None) -> None:
    """The rules for a steward's file (validate/submission.py) over the problems from `start` on: every
    engine applies them after its structure and meaning checks."""
    from stoke_opendata.validate.submission import submission_rules

    submission_rules(report.problems, start, info, schema, catalogue_dir)

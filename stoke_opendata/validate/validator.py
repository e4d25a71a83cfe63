"""Validate submissions and data packages: read, check structure, check meaning, collect one Report.

The public API other modules call:
- validate_paths(paths, sheet=None, schema=None, catalogue_dir=None, history=True) -> Report
- validate_package(descriptor_path, catalogue_dir=None, history=True) -> Report
- validate_table(table, schema=None, catalogue_dir=None, history=True) -> Report (a Table already in memory:
  a DataFrame made into one by api/frames.py)

A steward's file has no indicators or areas of its own: its foreign keys and its indicator definitions
come from the bundled catalogue (definitions.load_catalogue). A data package uses its own indicators and
areas resources where it has them, else the catalogue.
"""

from __future__ import annotations

import json
from pathlib import Path

from stoke_opendata.catalogue import paths as project_paths
from stoke_opendata.errors import InputError, UsageError
from stoke_opendata.validate.problems import Report

TABLES = ("observations", "indicators", "areas", "targets", "progress")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


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


class _Catalogue:
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

        from stoke_opendata.validate.checks import definition_of

        from stoke_opendata.catalogue.definitions import source_rows

        base = self.catalogue_dir or project_paths.schemas_dir()
        try:
            rows = pl.read_csv(base / "indicators.csv", infer_schema=False).with_columns(pl.all().str.strip_chars().replace("", None)).to_dicts()
            forms = {r["indicator_id"]: (r.get("period_form") or None) for r in source_rows(base)}
            return {row["id"]: definition_of({**row, "period_form": forms.get(row["id"])}) for row in rows if row.get("id") and row.get("unit")}
        except Exception:
            return {i: definition_of(ind) for i, ind in self.get().indicators.items()}


def _history(exclude: set[Path]):
    """Observations already bundled in datasets/*/ (for the outlier and gap checks): indicator_id, area_code, period, value."""
    import polars as pl

    frames = []
    base = project_paths.datasets_dir()
    if not base.is_dir():
        return None
    from stoke_opendata.validate.reading import read_descriptor

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


def _check_one(report: Report, table, schema: dict, schema_label: str, references, definitions, history_source) -> object:
    from stoke_opendata.validate import checks
    from stoke_opendata.validate.structure import check_structure

    table.info.schema = schema_label
    report.files.append(table.info)
    checked = check_structure(table, schema, references, schema_label=schema_label)
    report.extend(checked.problems)
    report.extend(checks.table_problems(checked))
    if checks.applies_to(checked.present):
        ctx = checks.build_context(checked, definitions(), history_source())
        report.extend(checks.run_checks(ctx))
    return checked


def validate_paths(
    paths,
    sheet: str | None = None,
    schema: str | Path | dict | None = None,
    catalogue_dir: str | Path | None = None,
    history: bool = True,
    keep_tables: list | None = None,
) -> Report:
    """Validate files (CSV, XLSX) against a Table Schema (default: observations) and descriptors (every resource).
    `keep_tables`: a list that receives each file's table as read (accept uses it rather than reading again)."""
    from stoke_opendata.validate.reading import is_descriptor, read_table

    from stoke_opendata.validate.problems import FileInfo
    from stoke_opendata.validate.tableschema.schema_errors import schema_problems
    from stoke_opendata.validate.submission import plain_words, relabel

    report = Report()
    catalogue = _Catalogue(catalogue_dir)
    table_schema, label = load_schema(schema)
    names = field_names(table_schema)
    if not paths:
        raise UsageError("give at least one file to validate")
    for path in paths:
        path = Path(path)
        if is_descriptor(path):
            sub = validate_package(path, catalogue_dir=catalogue_dir, history=history)
            report.files.extend(sub.files)
            report.extend(sub.problems)
            continue
        broken = schema_problems(table_schema, str(path))
        if broken:  # the contract itself is broken: say so, and check nothing against it
            report.files.append(FileInfo(path=str(path), schema=label))
            report.extend(broken)
            continue
        steward = schema is None or str(schema) in TABLES  # a steward's file against our own schema (not a user's)
        table = read_table(path, sheet=sheet, schema_names=names, find_header=steward)
        if keep_tables is not None:
            keep_tables.append(table)
        resolved = {path.resolve()}
        start = len(report.problems)
        if steward:
            relabel(table, table_schema)  # 'Area Code' is area_code, with one message
        checked = _check_one(
            report,
            table,
            table_schema,
            label,
            catalogue.reference,
            catalogue.definitions,
            (lambda: _history(resolved)) if history else (lambda: None),
        )
        _submission_rules(report, start, table.info, table_schema if steward else None, catalogue_dir)
        if steward:
            plain_words(report.problems, start, checked, _safe_definitions(catalogue))
    return report


def _safe_definitions(catalogue) -> dict:
    try:
        return catalogue.definitions()
    except InputError:
        return {}


def validate_table(table, schema: str | Path | dict | None = None, catalogue_dir: str | Path | None = None, history: bool = True) -> Report:
    """Validate one Table already in memory (reading.Table) exactly as validate_paths validates a file."""
    from stoke_opendata.validate.submission import area_codes_once, plain_words

    report = Report()
    catalogue = _Catalogue(catalogue_dir)
    table_schema, label = load_schema(schema)
    checked = _check_one(report, table, table_schema, label, catalogue.reference, catalogue.definitions, (lambda: _history(set())) if history else (lambda: None))
    if schema is None or str(schema) in TABLES:  # the same words as for a steward's file (a frame keeps every column)
        area_codes_once(report.problems, 0, catalogue_dir)
        plain_words(report.problems, 0, checked, _safe_definitions(catalogue))
    return report


def _submission_rules(report: Report, start: int, info, schema: dict | None = None, catalogue_dir=None) -> None:
    """The rules for a steward's file (validate/submission.py); the engines call this name too."""
    from stoke_opendata.validate.submission import submission_rules

    submission_rules(report.problems, start, info, schema, catalogue_dir)


def validate_package(descriptor_path: str | Path, catalogue_dir: str | Path | None = None, history: bool = True) -> Report:
    """Validate every resource of a data package we can read; each one we cannot (inline data, no schema,
    JSON, compressed, remote) is a resource-skipped warning with the reason. Foreign keys resolve against
    the package's own resources only: one to a resource or field it lacks is an error."""
    import polars as pl

    from stoke_opendata.validate.checks import definition_of
    from stoke_opendata.validate.problems import FileInfo, Problem
    from stoke_opendata.validate.reading import read_table
    from stoke_opendata.validate.tables.descriptor import read_resources
    from stoke_opendata.validate.tables.integrity import declared_encoding_fits, integrity_problems
    from stoke_opendata.validate.tableschema.schema_errors import schema_problems

    report = Report()
    catalogue = _Catalogue(catalogue_dir)
    package = read_resources(descriptor_path)
    specs = {spec.name: spec for spec in package.specs}
    skipped = {s.name: s for s in package.skipped}
    for s in package.skipped:
        report.files.append(FileInfo(path=s.shown, format="skipped", resource=s.name))
        report.extend([Problem(s.shown, "resource-skipped", f"the resource {s.name!r} was not validated: {s.reason}", "validate it with frictionless, or provide it as a CSV with a Table Schema")])
    checked: dict[str, object] = {}
    in_progress: set[str] = set()
    own_paths = {spec.path.resolve() for spec in specs.values()}

    def references(resource: str, fields: list[str]):
        if resource in skipped:
            return None  # not checked: the resource was skipped (its own warning says why)
        if resource not in specs:
            raise LookupError(f"the data package has no resource {resource!r}")
        absent = [f for f in fields if f not in field_names(specs[resource].schema)]
        if absent:
            raise LookupError(f"the resource {resource!r} has no field {absent[0]!r}")
        if resource in in_progress:
            return None
        done = run(resource)
        if done is None or not all(f in done.present for f in fields):
            return None  # unreadable, or its columns are missing: reported on that resource
        return done.typed.select(fields).drop_nulls()  # typed: keys compare as values where both sides are typed

    def definitions() -> dict[str, dict]:
        if "indicators" in specs and "indicators" not in in_progress:
            done = run("indicators")
            if done is not None and {"id", "unit", "frequency"} <= done.present:
                rows = done.typed.filter(pl.col("id").is_not_null()).to_dicts()
                own = {row["id"]: definition_of(row) for row in rows}
                try:  # the period form a source publishes is a fact of the catalogue, whatever the package holds
                    shared = catalogue.definitions()
                except InputError:
                    shared = {}
                for indicator_id, d in own.items():
                    if not d.get("period_form") and indicator_id in shared and shared[indicator_id]["frequency"] == d["frequency"]:
                        d["period_form"] = shared[indicator_id].get("period_form")
                return own
        return catalogue.definitions()

    history_cache: dict[str, object] = {}

    def history_source():
        if not history:
            return None
        if "h" not in history_cache:
            history_cache["h"] = _history(own_paths)
        return history_cache["h"]

    def run(name: str):
        if name in checked:
            return checked[name]
        spec = specs[name]
        checked[name] = None
        label = (spec.schema.get("title") if isinstance(spec.schema, dict) else None) or name
        broken = schema_problems(spec.schema, spec.shown)
        if broken:
            report.files.append(FileInfo(path=spec.shown, resource=name, schema=label))
            report.extend(broken)
            return None
        in_progress.add(name)
        try:
            try:
                table = read_table(spec.path, schema_names=field_names(spec.schema), shown=spec.shown)
            except InputError as exc:
                report.files.append(FileInfo(path=spec.shown, resource=name, schema=label))
                report.extend([Problem(spec.shown, "resource-error", f"the resource {name!r} cannot be read: {exc.message}", "correct the resource's path, or the file")])
                return None
            table.info.resource = name
            csv_encoding = table.info.encoding if table.info.format == "csv" else None
            if declared_encoding_fits(spec.declared, csv_encoding):
                table.problems = [p for p in table.problems if p.code != "guessed-encoding"]
            if spec.declared.get("delimiter") and table.info.delimiter == DELIMITER_NAMES.get(spec.declared["delimiter"]):
                table.problems = [p for p in table.problems if p.code != "guessed-delimiter"]
            declared = integrity_problems(spec.path, spec.shown, spec.declared, csv_encoding)
            if any(p.code == "encoding-error" for p in declared):  # says it already, against the declaration
                table.problems = [p for p in table.problems if p.code != "guessed-encoding"]
            table.problems.extend(declared)
            checked[name] = _check_one(report, table, spec.schema, label, references, definitions, history_source)
        finally:
            in_progress.discard(name)
        return checked[name]

    for name in specs:
        run(name)
    order = list(specs) + list(skipped)
    report.files.sort(key=lambda info: order.index(info.resource) if info.resource in order else len(order))
    return report


def fix_path(path, out, sheet=None, schema=None, catalogue_dir=None, markers=()):
    """Write a mechanically normalised copy of one CSV/XLSX to `out`; returns the changes made."""
    from stoke_opendata.validate.fixing import fix_table, write_fixed
    from stoke_opendata.validate.reading import read_table

    from stoke_opendata.validate.reading import PAD

    from stoke_opendata.validate.tableschema.schema_errors import schema_problems

    table_schema, _label = load_schema(schema)
    broken = schema_problems(table_schema, str(schema))
    if broken:
        raise UsageError(broken[0].message, where=str(schema))
    names = field_names(table_schema)
    # extra cells are kept, not lost; title lines above a steward's header are left out (and said so)
    table = read_table(Path(path), sheet=sheet, schema_names=names, pad=PAD, find_header=schema is None or str(schema) in TABLES)
    if Path(out).resolve() == Path(path).resolve():
        raise UsageError("--fix must write to a new file, not over the input", where=str(out))
    try:
        definitions = _Catalogue(catalogue_dir).definitions()
    except InputError:
        definitions = {}
    frame, changes = fix_table(table, table_schema, definitions, markers, catalogue_dir)
    write_fixed(frame, out, schema=table_schema, sheet=table.info.sheet)
    return changes

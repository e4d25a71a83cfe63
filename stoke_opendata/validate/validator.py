"""Validate submissions and data packages: read, check structure, check meaning, collect one Report.

The public API other modules call (each takes `checks=(...)`: checks of the caller's, run with the registered ones):
- validate_paths(paths, sheet=None, schema=None, catalogue_dir=None, history=True) -> Report
- validate_package(descriptor_path, catalogue_dir=None, history=True) -> Report
- validate_table(table, schema=None, catalogue_dir=None, history=True) -> Report (a Table already in memory:
  a DataFrame made into one by api/frames.py)
The steps each table goes through (and the engines call too) are in pipeline.py.

A steward's file has no indicators or areas of its own: its foreign keys and its indicator definitions
come from the bundled catalogue (definitions.load_catalogue). A data package uses its own indicators and
areas resources where it has them, else the catalogue.
"""

from __future__ import annotations

from pathlib import Path

from stoke_opendata.errors import InputError, UsageError
from stoke_opendata.validate.pipeline import TABLES, Catalogue, apply_submission_rules, bundled_history, check_table, field_names, load_schema
from stoke_opendata.validate.problems import Report

__all__ = ["TABLES", "load_schema", "field_names", "validate_paths", "validate_package", "validate_table", "fix_path"]
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}

def validate_paths(
    paths,
    sheet: str | None = None,
    schema: str | Path | dict | None = None,
    catalogue_dir: str | Path | None = None,
    history: bool = True,
    keep_tables: list | None = None,
    checks=(),
) -> Report:
    """Validate files (CSV, XLSX) against a Table Schema (default: observations) and descriptors (every resource).
    `keep_tables`: a list that receives each file's table as read (accept uses it rather than reading again);
    `checks`: checks of the caller's, run after the registered ones (pipeline.check_table)."""
    from stoke_opendata.validate.tables.descriptor import is_descriptor
    from stoke_opendata.validate.tables.files import read_table

    from stoke_opendata.validate.problems import FileInfo
    from stoke_opendata.validate.tableschema.schema_errors import schema_problems
    from stoke_opendata.validate.submission import plain_words, relabel

    report = Report()
    catalogue = Catalogue(catalogue_dir)
    table_schema, label = load_schema(schema)
    names = field_names(table_schema)
    if not paths:
        raise UsageError("give at least one file to validate")
    for path in paths:
        path = Path(path)
        if is_descriptor(path):
            sub = validate_package(path, catalogue_dir=catalogue_dir, history=history, checks=checks)
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
        checked = check_table(
            report,
            table,
            table_schema,
            label,
            catalogue.reference,
            catalogue.definitions,
            (lambda: bundled_history(resolved)) if history else (lambda: None),
            checks,
        )
        apply_submission_rules(report, start, table.info, table_schema if steward else None, catalogue_dir)
        if steward:
            plain_words(report.problems, start, checked, _safe_definitions(catalogue))
    return report


def _safe_definitions(catalogue) -> dict:
    try:
        return catalogue.definitions()
    except InputError:
        return {}


def validate_table(table, schema: str | Path | dict | None = None, catalogue_dir: str | Path | None = None, history: bool = True, checks=()) -> Report:
    """Validate one Table already in memory (reading.Table) exactly as validate_paths validates a file."""
    from stoke_opendata.validate.submission import area_codes_once, plain_words

    report = Report()
    catalogue = Catalogue(catalogue_dir)
    table_schema, label = load_schema(schema)
    checked = check_table(report, table, table_schema, label, catalogue.reference, catalogue.definitions, (lambda: bundled_history(set())) if history else (lambda: None), checks)
    if schema is None or str(schema) in TABLES:  # the same words as for a steward's file (a frame keeps every column)
        area_codes_once(report.problems, 0, catalogue_dir)
        plain_words(report.problems, 0, checked, _safe_definitions(catalogue))
    return report


def validate_package(descriptor_path: str | Path, catalogue_dir: str | Path | None = None, history: bool = True, checks=()) -> Report:
    """Validate every resource of a data package we can read; each one we cannot (inline data, no schema,
    JSON, compressed, remote) is a resource-skipped warning with the reason. Foreign keys resolve against
    the package's own resources only: one to a resource or field it lacks is an error."""
    import polars as pl

    from stoke_opendata.validate.checks import definition_of
    from stoke_opendata.validate.problems import FileInfo, Problem
    from stoke_opendata.validate.tables.files import read_table
    from stoke_opendata.validate.tables.descriptor import read_resources
    from stoke_opendata.validate.tables.integrity import declared_encoding_fits, integrity_problems
    from stoke_opendata.validate.tableschema.schema_errors import schema_problems

    report = Report()
    catalogue = Catalogue(catalogue_dir)
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
            history_cache["h"] = bundled_history(own_paths)
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
            checked[name] = check_table(report, table, spec.schema, label, references, definitions, history_source, checks)
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
    from stoke_opendata.validate.tables.files import read_table
    from stoke_opendata.validate.tables.table import PAD

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
        definitions = Catalogue(catalogue_dir).definitions()
    except InputError:
        definitions = {}
    frame, changes = fix_table(table, table_schema, definitions, markers, catalogue_dir)
    write_fixed(frame, out, schema=table_schema, sheet=table.info.sheet)
    return changes

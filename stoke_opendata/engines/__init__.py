"""Validation engines: one rule set (pipeline.check_table), run where the data fits.

- memory: the whole table in memory (fastest for files up to a few hundred MB; ~360 bytes a row);
- batched: partitioned by series key to disk, then bucket by bucket in bounded memory (batched.py);
- spark: partitioned by the same key on Apache Spark, the same code applied per partition (spark.py);
- auto: batched for a CSV or Parquet file over STOKE_OPENDATA_BATCH_OVER_MB (default 200) or over the
  in-memory size cap (STOKE_OPENDATA_MAX_FILE_MB), a folder of files, else memory.
The size cap guards only what must be held whole (the memory engine, XLSX): a legitimate large CSV or
Parquet file is never refused for its size by batched or spark (check_input); the line limit still applies.
All engines accept CSV and Parquet; XLSX and data package descriptors go to the memory engine.

May import validate, safety, catalogue, settings and errors (pyproject.toml [tool.importlinter]); the cli
imports it. pyspark is imported only by spark.py, only when that engine is chosen.
"""

from __future__ import annotations

from pathlib import Path

from stoke_opendata.errors import InputError, UsageError
from stoke_opendata.validate.problems import Report

ENGINES = ("auto", "memory", "query", "batched", "spark")
BATCH_OVER_ENV = "STOKE_OPENDATA_BATCH_OVER_MB"
DEFAULT_BATCH_OVER_MB = 200
STREAM_OVER_ENV = "STOKE_OPENDATA_STREAM_OVER_MB"


def batch_over_bytes() -> int:
    from stoke_opendata.settings import env_number

    return int(env_number(BATCH_OVER_ENV, DEFAULT_BATCH_OVER_MB, kind=float, exclusive=True) * 1024 * 1024)


def stream_over_bytes() -> int:
    """The size above which the query engine collects its plan with polars's streaming engine."""
    from stoke_opendata.settings import env_number

    return int(env_number(STREAM_OVER_ENV, DEFAULT_BATCH_OVER_MB, kind=float, exclusive=False) * 1024 * 1024)


def check_input(path: Path, csv: bool = True) -> int:
    """What an out-of-core engine refuses before it starts, as the memory engine would (exit 2 for a line
    over the line limit, naming the line; a missing file), but not the file's size: bounded memory is the
    point of these engines. Returns the size in bytes."""
    import dataclasses

    from stoke_opendata.safety import guards
    from stoke_opendata.validate.tables.files import has_long_line

    limits = guards.Limits.from_env()
    size = guards.check_file_size(path, dataclasses.replace(limits, max_file_bytes=1 << 62), cap=None)
    if csv and has_long_line(Path(path), limits.max_line_bytes):
        guards.check_line_lengths(path, limits)  # raises, naming the line (the memory engine's own error)
    return size


def memory_cap() -> int:
    from stoke_opendata.safety.guards import Limits

    return Limits.from_env().max_file_bytes


def folder_parts(path: Path) -> list[Path]:
    """The data files of a folder given as one table (its CSV or Parquet files, sorted by name)."""
    from stoke_opendata.engines.parquet import is_parquet

    parts = sorted(p for p in path.iterdir() if p.is_file() and (p.suffix.lower() == ".csv" or is_parquet(p)))
    if not parts:
        raise InputError("the folder holds no .csv or .parquet files", where=str(path))
    if len({is_parquet(p) for p in parts}) > 1:
        raise InputError("the folder mixes CSV and Parquet files; give one kind", where=str(path))
    return parts


def validate(paths, engine: str = "auto", sheet=None, schema=None, catalogue_dir=None, history: bool = True, spark_master: str | None = None, progress=None, checks=()) -> Report:
    """Validate each path (file, folder of parts, descriptor) with the chosen engine; one Report. `checks`: the
    caller's own checks, run with the registered ones by every engine."""
    from stoke_opendata.validate import pipeline, validator as validation
    from stoke_opendata.engines.parquet import is_parquet, read_parquet_table
    from stoke_opendata.validate.problems import FileInfo
    from stoke_opendata.validate.tableschema.schema_errors import schema_problems
    from stoke_opendata.validate.tables.descriptor import is_descriptor

    from stoke_opendata.validate.checks import declared

    if engine not in ENGINES:
        raise UsageError(f"unknown engine {engine!r} (use one of {', '.join(ENGINES)})")
    checks = declared(checks)  # here too: the buckets' workers report the codes, this process words them
    if not paths:
        raise UsageError("give at least one file to validate")
    table_schema, label = pipeline.load_schema(schema)
    catalogue = pipeline.Catalogue(catalogue_dir)
    report = Report()
    threshold = min(batch_over_bytes(), memory_cap())  # a file the memory engine would refuse is batched
    for raw in paths:
        path = Path(raw)
        is_dir = path.is_dir()
        if is_descriptor(path) or (not is_dir and path.suffix.lower() in (".xlsx", ".xlsm", ".xls")) or (not is_dir and not path.exists()):
            if engine in ("batched", "spark") and not is_descriptor(path) and path.exists():
                raise UsageError(f"the {engine} engine reads CSV and Parquet; use --engine memory for a workbook", where=str(path))
            _merge(report, validation.validate_paths([path], sheet=sheet, schema=schema, catalogue_dir=catalogue_dir, history=history, checks=checks))
            continue
        parts = folder_parts(path) if is_dir else [path]
        parquet = is_parquet(parts[0])
        chosen = engine
        if engine == "auto":
            big = is_dir or sum(p.stat().st_size for p in parts) > threshold
            chosen = "query" if big else "memory"
        if chosen == "query":
            _merge(report, _query(parts, table_schema, label, catalogue, catalogue_dir, schema, history, sheet, checks, progress, parquet, is_dir))
            continue
        if chosen == "memory" and is_dir:
            raise UsageError("a folder is validated as one table by the query, batched or spark engine, not in memory (use --engine query)", where=str(path))
        if chosen == "memory" and not parquet:
            _merge(report, validation.validate_paths([path], sheet=sheet, schema=schema, catalogue_dir=catalogue_dir, history=history, checks=checks))
            continue
        shown = [str(p) for p in parts]
        broken = schema_problems(table_schema, shown[0])
        if broken:  # the contract itself is broken: say so, and check nothing against it (as validate_paths does)
            report.files.append(FileInfo(path=shown[0], schema=label))
            report.extend(broken)
            continue
        start, files_before = len(report.problems), len(report.files)
        if chosen == "spark":
            from stoke_opendata.engines.spark import validate_spark

            _merge(report, validate_spark(parts, shown, table_schema, label, catalogue, history, master=spark_master, parquet=parquet, checks=checks))
        elif chosen == "batched":
            from stoke_opendata.engines import batched

            if parquet:
                for p, s in zip(parts, shown):
                    _merge(report, batched.validate_parquet(p, s, table_schema, label, catalogue, history, checks=checks))
            else:
                _merge(report, batched.validate_csv(parts, shown, table_schema, label, catalogue, history, progress=progress, checks=checks))
        else:  # Parquet in memory
            table = read_parquet_table(path, table_schema, shown=str(path))
            hist = (lambda: pipeline.bundled_history({path.resolve()})) if history else (lambda: None)
            pipeline.check_table(report, table, table_schema, label, catalogue.reference, catalogue.definitions, hist, checks)
        if len(report.files) > files_before:  # a steward's file: the same submission rules as the memory path
            steward = schema is None or str(schema) in pipeline.TABLES
            pipeline.apply_submission_rules(report, start, report.files[-1], table_schema if steward else None, catalogue_dir)
    return report


def _query(parts: list[Path], table_schema, label, catalogue, catalogue_dir, schema, history, sheet, checks, progress,
           parquet=False, is_dir=False) -> Report:
    """One CSV or Parquet file, or a folder's parts of one table, by the query engine (engines/query.py): in
    memory up to the stream threshold (and the size cap), streaming above; what its plan cannot read goes to
    the memory engine (one small file) or the batched engine (large, or parts), which read it as they always
    have."""
    from stoke_opendata.validate import pipeline, validator as validation
    from stoke_opendata.validate.problems import FileInfo
    from stoke_opendata.validate.tableschema.schema_errors import schema_problems
    from stoke_opendata.engines import query

    shown = [str(p) for p in parts]
    size = sum(check_input(p, csv=not parquet) for p in parts)
    broken = schema_problems(table_schema, shown[0])
    streaming = size > min(stream_over_bytes(), memory_cap())
    small_file = not streaming and not is_dir
    if sheet is not None and (streaming or is_dir):
        raise UsageError("--sheet applies to Excel workbooks only", where=shown[0])
    if broken:  # the contract itself is broken: say so, and check nothing against it (as validate_paths does)
        if small_file:
            return validation.validate_paths(parts, sheet=sheet, schema=schema, catalogue_dir=catalogue_dir, history=history, checks=checks)
        report = Report()
        report.files.append(FileInfo(path=shown[0], schema=label))
        report.extend(broken)
        return report
    if sheet is not None:
        return validation.validate_paths(parts, sheet=sheet, schema=schema, catalogue_dir=catalogue_dir, history=history, checks=checks)
    steward = schema is None or str(schema) in pipeline.TABLES
    try:
        return query.validate_parts(parts, shown, table_schema, label, catalogue, history, steward, catalogue_dir=catalogue_dir,
                                    streaming=streaming, checks=checks, parquet=parquet)
    except query.Unplannable as exc:
        if parquet:
            raise UsageError(f"the query engine cannot validate this table: {exc}; use --engine memory", where=shown[0]) from None
    if small_file:
        return validation.validate_paths(parts, sheet=sheet, schema=schema, catalogue_dir=catalogue_dir, history=history, checks=checks)
    from stoke_opendata.engines import batched

    report = batched.validate_csv(parts, shown, table_schema, label, catalogue, history, progress=progress, checks=checks)
    if report.files:
        pipeline.apply_submission_rules(report, 0, report.files[-1], table_schema if steward else None, catalogue_dir)
    return report


def _merge(report: Report, other: Report) -> None:
    report.files.extend(other.files)
    report.extend(other.problems)

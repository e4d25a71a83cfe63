"""The Spark engine: the same partition-by-series plan as batched.py, run on Apache Spark.

Spark reads the file in splits (CSV as text lines, Parquet as rows), numbers every record as the other
engines do (from each split's start offset and the record's position in it: one small aggregation), keys
each record by series (series.py, in Spark SQL: from_csv + xxhash64) and shuffles the records so that
each bucket's records meet on one executor. There `applyInArrow` hands the bucket to the *same* Python
code the other engines run (pipeline.check_table, via batched.translate), with the catalogue and the
history broadcast. Nothing of the rule set is written again for Spark.

A cluster is `--spark-master spark://host:7077` (or yarn, k8s://...): the input path must be readable by
every executor under the same name, and the executors need this package installed.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import socket
import tempfile
from pathlib import Path
from urllib.parse import urlparse

from stoke_opendata.errors import UsageError
from stoke_opendata.validate.problems import FileInfo, Problem, Report

ROW_SHIFT = 40  # as partition.FILE_SHIFT
RESULT_FIELDS = ("file_index", "row", "column", "code", "value", "message", "hint", "constraint")
MULTILINE = "__multiline__"
_SESSIONS: dict[str, object] = {}
_REFUSAL = re.compile(r"stoke_opendata\.errors\.(?:InputError|UsageError): ([^\n]*)")
_BUCKET_ROW = re.compile(r"^row \d+, ")


def check_java() -> None:
    java_home = os.environ.get("JAVA_HOME")
    if shutil.which("java") or (java_home and Path(java_home, "bin", "java").exists()):
        return
    raise UsageError("Java is not installed, and Spark needs it; install a JRE (apt-get install openjdk-17-jre-headless; `make install` does) or set JAVA_HOME", where="spark")


def check_master(master: str, timeout: float = 5.0) -> None:
    """A spark:// master must answer on its port before Spark is started (Spark itself retries for minutes)."""
    if not master.startswith("spark://"):
        return
    for address in master[len("spark://") :].split(","):
        parsed = urlparse(f"spark://{address}")
        try:
            with socket.create_connection((parsed.hostname, parsed.port or 7077), timeout=timeout):
                return
        except (OSError, ValueError):
            continue
    raise UsageError(f"the Spark master {master} does not answer (nothing listening there within {timeout:.0f} s)", where="spark")


def session(master: str | None = None):
    """One SparkSession per master for the whole process (start-up costs 10-20 s)."""
    master = master or os.environ.get("STOKE_OPENDATA_SPARK_MASTER") or "local[*]"
    if master in _SESSIONS:
        return _SESSIONS[master]
    check_java()
    check_master(master)
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise UsageError("pyspark is not installed; install the spark extra (pip install 'stoke-opendata[spark]')", where="spark") from None
    os.environ.setdefault("PYSPARK_PYTHON", os.environ.get("PYSPARK_PYTHON") or __import__("sys").executable)
    try:
        spark = (
            SparkSession.builder.master(master)
            .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={_quiet_log_config()}")
            .appName("stoke-opendata validate")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .config("spark.sql.adaptive.enabled", "false")
            .config("spark.network.timeout", "60s")
            .getOrCreate()
        )
        spark.sparkContext.setLogLevel("ERROR")
    except Exception as exc:  # Py4J / JVM start-up failure
        raise UsageError(f"Spark could not start ({' '.join(str(exc).split())[:160]})", where="spark") from None
    _SESSIONS[master] = spark
    return spark


LOG4J2 = """status = error
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = spark: %p %c{1}: %m%n
rootLogger.level = error
rootLogger.appenderRef.stdout.ref = console
"""


def _quiet_log_config() -> str:
    """A log4j2 file that lets only Spark's errors through (its start-up chatter is not the report's)."""
    path = Path(tempfile.gettempdir()) / "stoke-opendata-spark-log4j2.properties"
    if not path.exists() or path.read_text() != LOG4J2:
        path.write_text(LOG4J2)
    return str(path)


def validate_spark(paths, shown, schema, label, catalogue, history, master=None, parquet=False, checks=()) -> Report:
    """Validate CSV or Parquet parts of one table on Spark; the Report the other engines give."""
    from pyspark.sql import functions as F

    from stoke_opendata.validate import pipeline
    from stoke_opendata.engines.batched import supports
    from stoke_opendata.engines.series import SeriesKey

    why = supports(schema)
    if why:
        raise UsageError(f"the spark engine cannot validate this table: {why}; use --engine memory", where=shown[0])
    if parquet:  # refused before Spark starts (its start-up costs 10-20 s)
        from stoke_opendata.engines.parquet import check_columns, columns_of

        for path, name in zip(paths, shown):
            check_columns(columns_of(Path(path), name), schema, name)
    from stoke_opendata.engines import check_input

    for path in paths:
        check_input(path, csv=not parquet)  # the line limit, not the size cap (a cluster is for large files)
    spark = session(master)
    names = [f.get("name") for f in schema.get("fields", []) if isinstance(f, dict)]
    definitions = catalogue.definitions()
    key = SeriesKey.from_definitions(definitions)
    uris = [Path(p).resolve().as_uri() for p in paths]
    if parquet:
        from stoke_opendata.engines.parquet import check_columns

        frame = spark.read.parquet(*uris)
        check_columns(frame.columns, schema, shown[0])
        columns, header, first_row = frame.columns, None, 2
        frame = frame.select([F.col(c).cast("string").alias(c) for c in columns])
    else:
        header, delimiter, columns = _header(paths[0], shown[0], names)
        frame = spark.read.text(uris, wholetext=False)
        first_row = 1
    frame = frame.withColumn("_file", F.input_file_name()).withColumn("_block", F.expr("input_file_block_start()")).withColumn("_mono", F.monotonically_increasing_id())
    frame, counts = _numbered(spark, frame, uris, first_row)
    if not parquet:
        frame = frame.filter(F.col("_row") > 1)
        parsed = F.from_csv(F.col("value"), ", ".join(f"`c{i}` STRING" for i in range(len(columns))), {"sep": delimiter, "mode": "PERMISSIVE"})
        frame = frame.withColumn("_cells", parsed)
        cell = {name: F.col("_cells").getField(f"c{i}") for i, name in enumerate(columns)}
    else:
        cell = {name: F.col(name) for name in columns}
    for needed in ("indicator_id", "area_code", "period", "value"):
        cell.setdefault(needed, F.lit(None).cast("string"))
    ind, area = F.nullif(F.trim(cell["indicator_id"]), F.lit("")), F.nullif(F.trim(cell["area_code"]), F.lit(""))
    key_ind = F.coalesce(ind, F.lit(""))
    if key.gap_base:
        mapping = F.create_map(*[F.lit(x) for pair in sorted(key.gap_base.items()) for x in pair])
        key_ind = F.coalesce(mapping[key_ind], key_ind)
    key_area = F.coalesce(area, F.lit(""))
    if key.disclosive:
        key_area = F.when(key_ind.isin(sorted(key.disclosive)), F.lit("")).otherwise(key_area)
    size = sum(os.path.getsize(p) for p in paths) * (4 if parquet else 1)
    buckets = max(spark.sparkContext.defaultParallelism * 2, -(-size // (40 << 20)))
    spark.conf.set("spark.sql.shuffle.partitions", str(buckets))
    frame = frame.withColumn("_bucket", F.pmod(F.xxhash64(key_ind, key_area), F.lit(buckets)).cast("int"))
    context_rows = None
    if key.bases:
        is_context = ind.isin(sorted(key.bases)) & area.isin(sorted(key.comparators))
        context_rows = frame.filter(is_context).select(
            ind.alias("indicator_id"), area.alias("area_code"), cell["period"].alias("period"), cell["value"].alias("value"), F.col("_bucket")
        ).toPandas()
    payload = _broadcast(spark, catalogue, pipeline.bundled_history({Path(p).resolve() for p in paths}) if history else None, context_rows)
    data_cols = ["value"] if not parquet else columns
    grouped = frame.select("_bucket", "_fid", "_row", *data_cols).groupBy("_bucket")
    result_schema = ", ".join(f"{n} {'long' if n in ('file_index', 'row') else 'string'}" for n in RESULT_FIELDS)
    runner = _BucketRunner(payload, schema, label, header, columns, shown[0], parquet, tuple(checks))
    try:
        rows = grouped.applyInArrow(lambda table: runner(table), result_schema).collect()
    except Exception as exc:  # a reader's refusal inside a worker comes back as Spark's own exception
        found = _REFUSAL.search(str(exc))
        if found is None:
            raise
        # the row a worker names is its bucket's, not the file's: only the cause is kept
        raise UsageError(_BUCKET_ROW.sub("", found.group(1).strip()), where=shown[0]) from None
    from stoke_opendata.engines.batched import as_one_table

    report = _report(rows, shown, label, counts, parquet, delimiter if not parquet else None)
    as_one_table(report.problems, schema, list(shown))
    return report


def _header(path: Path, shown: str, names: list[str]):
    import csv

    from stoke_opendata.validate.tables.sniff import sniff_delimiter

    with open(path, "rb") as fh:
        raw = fh.readline()
    try:
        header = raw.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError:
        raise UsageError("the spark engine reads UTF-8 CSV; save it as 'CSV UTF-8' or use --engine memory", where=shown) from None
    delimiter = sniff_delimiter(header.lstrip("\ufeff"))
    if header.count('"') % 2:
        raise UsageError("a quoted cell spans lines (in the header), which the spark engine does not split; use --engine batched", where=shown)
    try:
        columns = [c.strip() for c in next(csv.reader(io.StringIO(header.lstrip("\ufeff"), newline=""), delimiter=delimiter), [])]
    except csv.Error:
        columns = None
    if columns is None or "\r" in header:
        raise UsageError("the spark engine reads UTF-8 CSV with LF or CRLF line endings (this header holds a carriage return); use --engine batched", where=shown)
    _check_endings(path, shown)
    return header, delimiter, columns


def _check_endings(path: Path, shown: str, chunk: int = 16 << 20) -> None:
    """Spark's text reader ends a line at LF, CRLF or a lone CR; the other engines only at LF (a lone CR
    is part of a cell). A file with a carriage return that is not part of a CRLF is declined, before
    Spark starts, rather than read as other lines (one pass, counted in C). So is a file that is not
    UTF-8 past its header (the workers failed on it: a polars panic, a UnicodeDecodeError)."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as fh:
        while True:
            data = fh.read(chunk)
            try:
                decoder.decode(data, final=not data)
            except UnicodeDecodeError:
                raise UsageError("the spark engine reads UTF-8 CSV; save it as 'CSV UTF-8' or use --engine memory", where=shown) from None
            if not data:
                return
            if data.endswith(b"\r"):
                data += fh.read(1)
            if data.count(b"\r") != data.count(b"\r\n"):
                raise UsageError("the spark engine reads UTF-8 CSV with LF or CRLF line endings (this file has a carriage "
                                 "return inside a line); use --engine batched", where=shown)


def _numbered(spark, frame, uris, first_row: int):
    """Spreadsheet row numbers: splits ordered by (file, start offset), each split's records counted (one
    small aggregation collected to the driver), then position in the split = _mono - the split's first id."""
    from pyspark.sql import functions as F

    blocks = frame.groupBy("_file", "_block").agg(F.min("_mono").alias("_first"), F.count(F.lit(1)).alias("_n")).collect()
    order = {uri: i for i, uri in enumerate(uris)}
    offsets, running = [], {}
    for b in sorted(blocks, key=lambda r: (order.get(r["_file"], len(order)), r["_block"])):
        fid = order.get(b["_file"], 0)
        start = running.get(fid, 0)
        offsets.append((b["_file"], b["_block"], fid, start - b["_first"] + first_row))
        running[fid] = start + b["_n"]
    table = spark.createDataFrame(offsets, "_file string, _block long, _fid long, _shift long")
    frame = frame.join(F.broadcast(table), ["_file", "_block"]).withColumn("_row", F.col("_mono") + F.col("_shift"))
    return frame, running  # records (+ the header line for CSV) per file index


def _broadcast(spark, catalogue, bundled, context_rows):
    """What every executor needs, sent once: the catalogue files, the bundled history, the context rows."""
    import polars as pl

    from stoke_opendata.catalogue import paths as project_paths

    base = catalogue.catalogue_dir or project_paths.schemas_dir()
    files = {name: (base / name).read_bytes() for name in ("indicators.csv", "areas.csv") if (base / name).is_file()}
    history_bytes = None
    if bundled is not None:
        sink = io.BytesIO()
        bundled.write_ipc(sink)
        history_bytes = sink.getvalue()
    context_bytes = None
    if context_rows is not None and len(context_rows):
        sink = io.BytesIO()
        pl.from_pandas(context_rows).with_columns(pl.col("_bucket").cast(pl.Int64)).write_ipc(sink)
        context_bytes = sink.getvalue()
    return spark.sparkContext.broadcast({"files": files, "history": history_bytes, "context": context_bytes})


class _BucketRunner:
    """Runs on the executors: one bucket in, its problems out (picklable: only data and a broadcast)."""

    def __init__(self, payload, schema, label, header, columns, shown, parquet, checks=()):
        self.payload, self.schema, self.label, self.header = payload, schema, label, header
        self.columns, self.shown, self.parquet, self.checks = columns, shown, parquet, checks

    def __call__(self, table):
        import numpy as np
        import polars as pl
        import pyarrow as pa

        from stoke_opendata.engines.batched import translate
        from stoke_opendata.engines.series import history_for
        from stoke_opendata.validate.pipeline import Catalogue, check_table

        frame = pl.from_arrow(table).sort("_fid", "_row")
        bucket = int(frame["_bucket"][0])
        data = self.payload.value
        work = Path(tempfile.mkdtemp(prefix="stoke-spark-"))
        try:
            for name, content in data["files"].items():
                (work / name).write_bytes(content)
            catalogue = Catalogue(work)
            bundled = pl.read_ipc(io.BytesIO(data["history"])) if data["history"] else None
            context = pl.read_ipc(io.BytesIO(data["context"])) if data["context"] else None
            hist = history_for(bundled, context, bucket)
            ids = (frame["_fid"].cast(pl.Int64) * (1 << ROW_SHIFT) + frame["_row"]).to_numpy().astype(np.int64)
            if self.parquet:
                from stoke_opendata.engines.parquet import table_from_text
                from stoke_opendata.validate.problems import Report

                parsed = table_from_text(frame.select(self.columns), range(2, frame.height + 2), self.shown, self.columns)
                sub = Report()
                check_table(sub, parsed, self.schema, self.label, catalogue.reference, catalogue.definitions, lambda: hist, self.checks)
                found = sub.problems
            else:
                if (frame["value"].str.count_matches('"', literal=True) % 2 == 1).any():
                    return pa.Table.from_pylist([dict.fromkeys(RESULT_FIELDS) | {"code": MULTILINE, "file_index": 0, "row": 0}], schema=_arrow_schema())
                from stoke_opendata.engines.batched import check_bucket

                path = work / "bucket.csv"
                path.write_text(self.header + "\n" + "\n".join(frame["value"].to_list()) + "\n", encoding="utf-8")
                found, _info = check_bucket(str(path), "", [self.shown], self.schema, self.label, catalogue, hist, self.checks)  # the batched engine's own
            problems = translate(found, ids, range(1 << 16), first=True)
            out = [
                {"file_index": int(p.file) if p.row is not None and p.row >= 2 else 0, "row": p.row, "column": p.column, "code": p.code,
                 "value": p.value, "message": p.message, "hint": p.hint, "constraint": p.constraint}
                for p in problems
            ]
            return pa.Table.from_pylist(out, schema=_arrow_schema())
        finally:
            shutil.rmtree(work, ignore_errors=True)


def _arrow_schema():
    import pyarrow as pa

    return pa.schema([(n, pa.int64() if n in ("file_index", "row") else pa.string()) for n in RESULT_FIELDS])


def _report(rows, shown, label, counts, parquet, delimiter) -> Report:
    report = Report()
    seen_file_level = set()
    for r in rows:
        if r["code"] == MULTILINE:
            raise UsageError("a quoted cell spans lines, which the spark engine does not split; use --engine batched", where=shown[0])
        row = r["row"] if r["row"] is not None and r["row"] >= 2 else r["row"]
        problem = Problem(shown[r["file_index"] or 0], r["code"], r["message"], r["hint"] or "", row=row, column=r["column"], value=r["value"], constraint=r["constraint"])
        if row is None or row < 2:
            marker = (problem.code, problem.column, problem.message, problem.row)
            if marker in seen_file_level:
                continue
            seen_file_level.add(marker)
        report.problems.append(problem)
    for index, name in enumerate(shown):
        records = counts.get(index, 0) - (0 if parquet else 1)
        report.files.append(FileInfo(path=name, format="parquet" if parquet else "csv", rows=max(records, 0),
                                     encoding=None if parquet else "utf-8", delimiter={",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}.get(delimiter) if delimiter else None, schema=label))
    return report

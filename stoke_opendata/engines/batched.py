"""Out-of-core validation on one machine: partition by series key to disk, validate each bucket in memory.

Each bucket is a small CSV (header + whole series, partition.py) validated by the same code as a whole
file (pipeline.check_table: structure, meaning, safety), so the findings are the in-memory ones; only
the row numbers are translated back to the original file's (and the "row N" in messages with them).
Header and file-level findings (missing columns, guessed delimiter) are taken from one bucket only.
Peak memory is one bucket's validation (~200 MB), not the file's (~360 bytes a row in memory).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import tempfile
from pathlib import Path

import numpy as np

from stoke_opendata.errors import UsageError
from stoke_opendata.validate.problems import FileInfo, Problem, Report

_ROW_IN_TEXT = re.compile(r"\brow (\d+)\b")


def supports(schema: dict) -> str | None:
    """Why this schema cannot be validated in partitions (None if it can): partitions keep each series
    whole, so every cross-row rule must live inside one series."""
    names = {f.get("name") for f in schema.get("fields", []) if isinstance(f, dict)}
    if not {"indicator_id", "area_code"} <= names:
        return "the table has no indicator_id and area_code columns to partition by"
    key = schema.get("primaryKey") or []
    key = [key] if isinstance(key, str) else key
    if key and not {"indicator_id", "area_code"} <= set(key):
        return "its primary key does not include indicator_id and area_code"
    if any(isinstance(f, dict) and (f.get("constraints") or {}).get("unique") for f in schema.get("fields", [])):
        return "a column must be unique across the whole table"
    for fk in schema.get("foreignKeys") or []:
        ref = fk.get("reference", {}) if isinstance(fk, dict) else {}
        if ref.get("resource") in ("", None):
            return "a foreign key refers to the table itself"
    return None


def validate_csv(paths: list[Path], shown: list[str], schema: dict, label: str, catalogue, history: bool, work_dir: Path | None = None, progress=None, checks=()) -> Report:
    """Validate CSV files (parts of one table) in buckets; `catalogue` is pipeline.Catalogue, `checks` the
    caller's own (pipeline.check_table), sent to each bucket's worker."""
    from stoke_opendata.validate import pipeline
    from stoke_opendata.engines.partition import bucket_count, partition_csv
    from stoke_opendata.engines.series import SeriesKey
    from stoke_opendata.validate.tables.sniff import decode_head, read_head, sniff_delimiter, sniff_kind
    from stoke_opendata.engines import check_input

    why = supports(schema)
    if why:
        raise UsageError(f"the batched engine cannot validate this table: {why}; use --engine memory", where=shown[0])
    total = 0
    delimiter = ","
    for index, (path, name) in enumerate(zip(paths, shown)):
        total += check_input(path)  # the line limit, not the size cap: bounded memory whatever the size
        head = read_head(path, name)
        if sniff_kind(path, head) != "csv":
            raise UsageError("the batched engine reads CSV and Parquet; use --engine memory for a workbook", where=name)
        text, encoding, _guessed = decode_head(head)
        if encoding not in ("utf-8", "utf-8-sig") or ("\r" in text and "\n" not in text):
            # the memory engine reads one file, not a folder's parts: offered only for one file
            other = "" if len(paths) > 1 else " or use --engine memory"
            raise UsageError(f"the batched engine reads UTF-8 CSV with LF or CRLF line endings; save it as 'CSV UTF-8'{other}", where=name)
        if index == 0:
            delimiter = sniff_delimiter(text.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r"))
    definitions = catalogue.definitions()
    key = SeriesKey.from_definitions(definitions)
    bundled = pipeline.bundled_history({p.resolve() for p in paths}) if history else None
    folder = Path(tempfile.mkdtemp(prefix="stoke-batched-", dir=work_dir))
    try:
        with _spill_errors(folder), _bar(total, "partitioning", "B") as bar:
            parts = partition_csv(paths, shown, folder, key, bucket_count(total), delimiter, progress=progress or bar.update)
        with _spill_errors(folder):
            return _validate_buckets(parts, schema, label, catalogue, bundled, checks)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _validate_buckets(parts, schema, label, catalogue, bundled, checks=()) -> Report:
    report = Report()
    nonempty = [b for b in parts.buckets if b.records] or parts.buckets[:1]
    with _bar(len(nonempty), "validating", "bucket") as bar:
        _each_bucket(report, parts, nonempty, schema, label, catalogue, bundled, bar, checks)
    for index, name in enumerate(parts.files):
        info = FileInfo(path=name, format="csv", rows=parts.records[index], encoding=report.files[0].encoding, delimiter=report.files[0].delimiter, schema=label)
        report.files.append(info)
    report.files = report.files[1:]
    as_one_table(report.problems, schema, parts.files)
    return report


@contextlib.contextmanager
def _spill_errors(folder: Path, engine: str = "batched"):
    """A disk that fills up (or a file-size limit) while the buckets are written: one line naming the
    cause and the folder, exit 2; the buckets are removed by the caller and no report is written."""
    import polars as pl

    try:
        yield
    except (OSError, pl.exceptions.ComputeError) as exc:
        # polars' own writes raise OSError (or, from a streaming sink, ComputeError) with "(os error N)"
        # in the text and no errno
        code = getattr(exc, "errno", None)
        if code is None and (found := re.search(r"os error (\d+)", str(exc))):
            code = int(found.group(1))
        if code not in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            raise
        raise UsageError(
            f"the {engine} engine could not write its temporary buckets ({os.strerror(code)}); it needs free disk about "
            "the size of the input there: free some space, or set TMPDIR to a folder on a larger disk", where=str(folder.parent)
        ) from None


def _bar(total: int, desc: str, unit: str):
    """A tqdm bar on stderr, shown only when stderr is a terminal (jobs and --format json pipes see nothing)."""
    import sys

    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=unit, unit_scale=unit == "B", unit_divisor=1024, file=sys.stderr, disable=None, leave=False)


def _each_bucket(report, parts, nonempty, schema, label, catalogue, bundled, bar, checks=()) -> None:
    """Check the buckets, in parallel on the machine's cores (one process per core, each holding one
    bucket at a time: the peak is cores x one bucket's validation), their problems merged in bucket order
    so the report is the same however many processes ran."""
    first = True
    # each job refers to the same history and context (one copy here; each bucket's own view is made
    # in its worker, so a large bundled history is not held once per bucket)
    jobs = [(str(b.path), str(b.rows_path), parts.files, schema, label, catalogue, (bundled, parts.context, b.index), tuple(checks)) for b in nonempty]
    for problems, info in _run_all(check_bucket, jobs, bar):
        report.extend(translate(problems, np.fromfile(info.pop("rows_path"), dtype="<i8"), parts.files, first=first))
        if first:
            report.files.append(info["info"])  # encoding and delimiter, as the reader found them
            first = False


def workers(jobs: int) -> int:
    """Processes for `jobs` buckets: STOKE_OPENDATA_WORKERS, else the cores this process may use."""
    from stoke_opendata.settings import env_number

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(jobs, int(env_number("STOKE_OPENDATA_WORKERS", cores, kind=int, exclusive=True))))


def _run_all(function, jobs: list, bar):
    """function(*job) for every job, results in job order: in this process for one job or one core, else
    in a pool of spawned processes (not forked: polars' thread pool does not survive a fork)."""
    import multiprocessing

    # a daemonic process (a job runner's worker) may not start children: its buckets run in it
    n = 1 if multiprocessing.current_process().daemon else workers(len(jobs))
    if n == 1:
        for job in jobs:
            yield function(*job)
            bar.update(1)
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("spawn")) as pool:
        for result in pool.map(function, *zip(*jobs)):
            yield result
            bar.update(1)


def check_bucket(path: str, rows_path: str, files: list[str], schema, label, catalogue, hist, checks=()):
    """One bucket's problems (bucket row numbers) and the reader's FileInfo; the bucket file is removed.
    The bucket is read with the CSV reader directly: the original file's limits were checked already,
    and the size cap is not for buckets. `hist`: the history the checks see, or (bundled, context, bucket
    index) to make it from (series.history_for)."""
    from stoke_opendata.engines.series import history_for
    from stoke_opendata.validate.tables.csv_reader import read_csv
    from stoke_opendata.validate.pipeline import check_table

    if isinstance(hist, tuple):  # (bundled, context, bucket index): this bucket's history, made here
        hist = history_for(*hist)
    table = read_csv(Path(path), shown=files[0])
    sub = Report()
    check_table(sub, table, schema, label, catalogue.reference, catalogue.definitions, lambda: hist, checks)
    Path(path).unlink()
    return sub.problems, {"info": sub.files[0], "rows_path": rows_path}


def as_one_table(problems: list[Problem], schema: dict, files: list[str]) -> list[Problem]:
    """The memory engine's foreign-key hint rule, over the whole table rather than per bucket: only the first
    20 distinct unknown values of a foreign key (in row order) get a "did you mean" search
    (tableschema/keys.py). A bucket sees fewer values, so it searched for values past the table's 20th;
    those get the generic hint back. (Each of the first 20 is among its own bucket's first 20, whose
    search gave the memory engine's answer: the search depends only on the value and the catalogue.)"""
    generic = {}
    for fk in schema.get("foreignKeys") or []:
        if not isinstance(fk, dict) or not isinstance(fk.get("reference"), dict):
            continue
        fields, ref = fk.get("fields"), fk["reference"]
        ref_fields, resource = ref.get("fields"), ref.get("resource", "")
        fields = [fields] if isinstance(fields, str) else list(fields or [])
        ref_fields = [ref_fields] if isinstance(ref_fields, str) else list(ref_fields or [])
        hint = f"use a {', '.join(ref_fields)} listed in the {resource or 'same'} table"
        generic[", ".join(fields)] = hint + (" (`stoke-opendata indicators` lists the ids)" if resource == "indicators" else "")
    order = {name: i for i, name in enumerate(files)}
    found = sorted((p for p in problems if p.code == "foreign-key" and p.row is not None and p.column in generic), key=lambda p: (order.get(p.file, 0), p.row))
    seen: dict[str, dict] = {}
    for p in found:
        values = seen.setdefault(p.column, {})
        values.setdefault(p.value, len(values))
        if values[p.value] >= 20:
            p.hint = generic[p.column]
    return problems


def translate(problems: list[Problem], rows: np.ndarray, files: list[str], first: bool) -> list[Problem]:
    """A bucket's problems with the original file and row numbers (`rows[i]` is the row id of the
    bucket's record at spreadsheet row i + 2). File and header findings only from the `first` bucket."""
    from stoke_opendata.engines.partition import FILE_SHIFT

    mask = (1 << FILE_SHIFT) - 1

    def where(row: int) -> tuple[int, int] | None:
        if not 2 <= row <= len(rows) + 1:
            return None
        rid = int(rows[row - 2])
        return rid >> FILE_SHIFT, rid & mask

    out = []
    for p in problems:
        if p.row is None or p.row < 2:
            if first:
                out.append(p)
            continue
        name_rows(p, where, files)
        out.append(p)
    return out


def name_rows(p: Problem, where, files: list[str]) -> None:
    """`p` named by its own part and row, and each "row N" in its message and hint likewise ("row 4", or
    "row 4 of a.csv" when that row is in another part). `where(n)`: (part, row) of the n the engine
    numbered, or None for a number that is no row of it. The batched and query engines share this."""
    part, p.row = where(p.row)
    p.file = files[part]

    def named(match):
        found = where(int(match.group(1)))
        if found is None:
            return match.group(0)
        other, number = found
        return f"row {number}" if other == part else f"row {number} of {Path(str(files[other])).name}"

    p.message = _ROW_IN_TEXT.sub(named, p.message)
    p.hint = _ROW_IN_TEXT.sub(named, p.hint) if p.hint else p.hint


def validate_parquet(path: Path, shown: str, schema: dict, label: str, catalogue, history: bool, work_dir: Path | None = None, checks=()) -> Report:
    """A Parquet file too large for memory: record batches partitioned by series key, then bucket by bucket."""
    import polars as pl

    from stoke_opendata.validate import pipeline
    from stoke_opendata.engines.parquet import check_columns, columns_of, table_from_text
    from stoke_opendata.engines.partition import bucket_count, partition_parquet
    from stoke_opendata.engines.series import SeriesKey, history_for
    from stoke_opendata.engines import check_input

    why = supports(schema)
    if why:
        raise UsageError(f"the batched engine cannot validate this table: {why}; use --engine memory", where=shown)
    size = check_input(path, csv=False)
    columns = columns_of(path, shown)
    check_columns(columns, schema, shown)
    definitions = catalogue.definitions()
    key = SeriesKey.from_definitions(definitions)
    bundled = pipeline.bundled_history({path.resolve()}) if history else None
    folder = Path(tempfile.mkdtemp(prefix="stoke-batched-", dir=work_dir))
    report = Report()
    try:
        # Parquet is ~3-4x smaller than its CSV: size the buckets by the CSV it stands for
        with _spill_errors(folder):
            buckets, context, records = partition_parquet(path, shown, columns, folder, key, bucket_count(size * 4))
        for index, file in buckets:
            frame = pl.read_ipc(file)
            table = table_from_text(frame.drop("__row__"), frame["__row__"], shown, columns)
            hist = history_for(bundled, context, index)
            sub = Report()
            pipeline.check_table(sub, table, schema, label, catalogue.reference, catalogue.definitions, lambda h=hist: h, checks)
            report.extend(p for p in sub.problems if p.row is not None and p.row >= 2 or index == buckets[0][0])
            file.unlink()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    report.files.append(FileInfo(path=shown, format="parquet", rows=records, schema=label))
    as_one_table(report.problems, schema, [shown])
    return report

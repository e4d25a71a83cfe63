"""The query engine's streaming mode: one streaming pass of the plan, the series rules bucket by bucket.

polars's streaming engine runs the plan (plan.py) once over the file, in bounded memory, with all cores:
the suspect rows and the comparator rows the gap check needs are collected (a few rows), and every row's
series columns are written by polars itself to Parquet files partitioned by a hash of the series key
(engines/series.py: a series, a gap indicator with its base, a disclosive indicator's family, each in one
bucket), about one bucket per 40 MB of input. The buckets are then checked in parallel, one process per
core (batched._run_all), each with pipeline.check_series: no Python line scanner, and no bucket holds more
than its series. A disk that fills while the buckets are written is one line (batched._spill_errors).
"""

from __future__ import annotations

from pathlib import Path

SEED = 0x5E21E5  # the bucket hash's seed (any fixed value: buckets only need to agree within one run)
BUCKET = "__bucket__"


def run(built, layout, definitions: dict, folder: Path, size: int):
    """(suspect rows, records, bucket folders, comparator context rows) from one streaming pass."""
    import polars as pl

    from stoke_opendata.engines.batched import _spill_errors
    from stoke_opendata.engines.partition import bucket_count
    from stoke_opendata.engines.query import Unplannable
    from stoke_opendata.engines.series import CONTEXT_COLUMNS, SeriesKey

    folder.mkdir(parents=True, exist_ok=True)
    names = set(built.series.collect_schema().names())
    if not {"indicator_id", "area_code"} <= names:
        raise Unplannable("the table has no indicator_id and area_code columns to partition by")
    key = SeriesKey.from_definitions(definitions)
    indicator, area = key.expressions(pl.col("indicator_id"), pl.col("area_code"))
    # a bucket per 40 MB of series columns (a quarter of the CSV's bytes: four of its twelve columns, and the
    # row number), not of CSV: a bucket's Python work is paid per bucket, so fewer, fuller ones are cheaper
    buckets = bucket_count(size // 4)
    bucketed = built.series.with_columns((pl.struct(indicator.alias("i"), area.alias("a")).hash(SEED) % buckets).alias(BUCKET))
    # Arrow IPC, not Parquet: written and read again once, so the cheaper encoding (5M rows: 1.8 s against 2.1 s)
    sink = bucketed.sink_ipc(pl.PartitionBy(folder, key=BUCKET, include_key=False), lazy=True)
    outputs = [built.suspects, built.count, sink]
    if key.bases and set(CONTEXT_COLUMNS) <= names:
        # copied out (concat_str): kept rows would otherwise hold their morsels' text buffers (plan.build)
        copied = [pl.concat_str([pl.col(c), pl.lit("")]).alias(c) for c in CONTEXT_COLUMNS]
        context = bucketed.filter(key.is_context(pl.col("indicator_id"), pl.col("area_code"))).select(*copied, pl.col(BUCKET).alias("_bucket"))
        outputs.append(context)
    with _spill_errors(folder.parent, "query"):  # folder: the table's temporary folder/part-N
        done = pl.collect_all(outputs, engine="streaming")
    suspects, count = done[0], done[1]
    context = done[3] if len(done) > 3 else None
    parts = sorted((int(p.name.split("=", 1)[1]), p) for p in folder.glob(f"{BUCKET}=*") if p.is_dir())
    return suspects.sort("__row__"), int(count["records"][0]), parts, context


def check_buckets(parts, context, shown: str, schema: dict, present: set[str], definitions: dict, bundled, short: dict, checks=()) -> list:
    """The series rules over every bucket, on all cores, problems in bucket order. `parts`: (bucket, its
    folders: one per part of the table, each written by run). Threads, not processes:
    the rules are polars queries, which run outside the GIL and on polars's own threads, so a thread per
    core keeps both busy without a process's start-up (~0.5 s each to import polars and the package) or
    pickling the history to it (measured on 5M rows: 1.4 s with spawned processes)."""
    from concurrent.futures import ThreadPoolExecutor

    from stoke_opendata.engines.batched import _bar, workers

    jobs = [([str(f) for folder in folders for f in sorted(f for f in folder.iterdir() if f.is_file())], index, shown, schema,
             present, definitions, bundled, context, short, tuple(checks))
            for index, folders in parts]
    problems = []
    with _bar(len(jobs), "checking series", "bucket") as bar, ThreadPoolExecutor(max_workers=workers(len(jobs))) as pool:
        for found in pool.map(lambda job: check_bucket(*job), jobs):
            problems.extend(found)
            bar.update(1)
    return problems


def check_bucket(files: list[str], index: int, shown: str, schema, present, definitions, bundled, context, short, checks=()) -> list:
    """One bucket's series problems (rows are the file's own: the bucket carries them)."""
    import polars as pl

    from stoke_opendata.engines.series import history_for
    from stoke_opendata.validate.pipeline import check_series

    frame = pl.concat([pl.read_ipc(f) for f in files]) if files else None
    if frame is None or frame.height == 0:
        return []
    history = history_for(bundled, context, index)
    return check_series(shown, frame, schema, present, definitions, history, {r: c for r, c in short.items()}, checks)

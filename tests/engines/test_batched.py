"""The batched (out-of-core) engine gives the in-memory engine's findings; Parquet input; the size cap guards
only the memory engine; buckets checked in parallel."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from engine_fixtures import bench_files, cross_row_files, problem_keys
from stoke_opendata import engines
from stoke_opendata.engines import partition
from stoke_opendata.errors import InputError

ROOT = Path(__file__).resolve().parents[2]
CLI = str(Path(sys.executable).parent / "stoke-opendata")


@pytest.fixture
def small_buckets(monkeypatch):
    """Buckets of a few KB and blocks of 64 KB, so that a small file spans many of both."""
    monkeypatch.setattr(partition, "BUCKET_BYTES", 64 << 10)
    monkeypatch.setattr(partition, "BLOCK_BYTES", 64 << 10)


@pytest.fixture(scope="module")
def bench_data(tmp_path_factory):
    return bench_files(tmp_path_factory.mktemp("bench"), 100_000)


def test_batched_equals_memory_on_every_injected_kind(bench_data, small_buckets):
    dirty, catalogue, injected = bench_data
    memory = engines.validate([dirty], engine="memory", catalogue_dir=catalogue, history=False)
    batched = engines.validate([dirty], engine="batched", catalogue_dir=catalogue, history=False)
    assert problem_keys(batched) == problem_keys(memory)
    assert [f.rows for f in batched.files] == [f.rows for f in memory.files] == [100_000]
    found = {}
    for p in batched.problems:
        found.setdefault(p.constraint if p.code == "constraint-error" else p.code, set()).add(p.row)
    assert len(injected) == 16
    for kind, rows in injected.items():
        assert rows and set(rows) <= found.get(kind, set()), kind


def test_batched_equals_memory_across_series_checks(tmp_path, small_buckets):
    path, catalogue = cross_row_files(tmp_path)
    memory = engines.validate([path], engine="memory", catalogue_dir=catalogue, history=True)
    batched = engines.validate([path], engine="batched", catalogue_dir=catalogue, history=True)
    codes = {p.code for p in memory.problems}
    # the file really exercises the cross-row checks, each across partitions
    # (suppressed-cell-derivable needs ward parents from the bundled areas, which have no wards: not reached)
    assert {"gap-inconsistent", "outlier", "primary-key", "small-count-unsuppressed"} <= codes
    assert problem_keys(batched) == problem_keys(memory)
    assert [f.rows for f in batched.files] == [f.rows for f in memory.files]


def test_folder_of_parts_is_one_table(bench_data, tmp_path, small_buckets):
    dirty, catalogue, _ = bench_data
    lines = dirty.read_text().splitlines()
    folder = tmp_path / "parts"
    folder.mkdir()
    (folder / "a.csv").write_text("\n".join(lines[:50_000]) + "\n")
    (folder / "b.csv").write_text("\n".join([lines[0]] + lines[50_000:] + [lines[3]]) + "\n")  # + a duplicate of a row of a.csv
    report = engines.validate([folder], engine="auto", catalogue_dir=catalogue, history=False)
    assert [f.path for f in report.files] == [str(folder / "a.csv"), str(folder / "b.csv")]
    dup = [p for p in report.problems if p.code == "primary-key" and p.file.endswith("b.csv") and p.row == len(lines) - 50_000 + 2]
    assert dup and dup[0].message.startswith(f"row {dup[0].row} repeats row 4 of a.csv:")


def _as_parquet(csv_path: Path, out: Path) -> Path:
    frame = pl.read_csv(csv_path, infer_schema=False, truncate_ragged_lines=True)
    frame.filter(~pl.all_horizontal(pl.all().is_null())).with_columns(pl.col("value").cast(pl.Float64, strict=False)).write_parquet(out)
    return out


def test_parquet_same_findings_in_memory_and_batched(bench_data, tmp_path, small_buckets):
    dirty, catalogue, _ = bench_data
    parquet = _as_parquet(dirty, tmp_path / "dirty.parquet")
    memory = engines.validate([parquet], engine="memory", catalogue_dir=catalogue, history=False)
    batched = engines.validate([parquet], engine="batched", catalogue_dir=catalogue, history=False)
    assert problem_keys(batched) == problem_keys(memory)
    assert {"primary-key", "foreign-key", "out-of-bounds", "ci-order"} <= {p.code for p in memory.problems}


def test_parquet_with_wrong_columns_is_one_line_exit_2(tmp_path):
    path = tmp_path / "wrong.parquet"
    pl.DataFrame({"indicator": ["a"], "area_code": ["E06000021"]}).write_parquet(path)
    for engine in ("memory", "batched"):
        result = subprocess.run([CLI, "validate", "--engine", engine, str(path)], capture_output=True, text=True)
        assert result.returncode == 2
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        assert result.stderr.startswith(f"error: {path}: the Parquet file's columns do not match the Table Schema (missing indicator_id")


def test_auto_engine_uses_the_query_engine_above_the_threshold(bench_data, monkeypatch):
    """Above STOKE_OPENDATA_BATCH_OVER_MB a CSV file goes to the query engine (issue 25: polars partitions
    it, not a Python line scanner), streaming above STOKE_OPENDATA_STREAM_OVER_MB; below, to the memory engine."""
    dirty, catalogue, _ = bench_data
    chosen = []
    from stoke_opendata.engines import query

    real = query.validate_parts
    monkeypatch.setattr(query, "validate_parts", lambda *a, **k: chosen.append(k["streaming"]) or real(*a, **k))
    monkeypatch.setenv(engines.BATCH_OVER_ENV, "1")
    monkeypatch.setenv(engines.STREAM_OVER_ENV, "1")
    engines.validate([dirty], engine="auto", catalogue_dir=catalogue, history=False)
    monkeypatch.setenv(engines.STREAM_OVER_ENV, "1000")
    engines.validate([dirty], engine="auto", catalogue_dir=catalogue, history=False)
    monkeypatch.setenv(engines.BATCH_OVER_ENV, "1000")
    engines.validate([dirty], engine="auto", catalogue_dir=catalogue, history=False)
    assert chosen == [True, False]


def test_size_cap_guards_only_the_memory_engine(bench_data, monkeypatch):
    """A legitimate large file is never refused for its size: the cap guards what is held whole (the
    memory engine); auto batches a file over it, with the findings the memory engine gives."""
    dirty, catalogue, _ = bench_data
    expected = engines.validate([dirty], engine="memory", catalogue_dir=catalogue, history=False)
    monkeypatch.setenv("STOKE_OPENDATA_MAX_FILE_MB", "1")
    with pytest.raises(InputError, match=r"over the 1\.0 MB limit .*STOKE_OPENDATA_MAX_FILE_MB=100 .*in batches"):
        engines.validate([dirty], engine="memory", catalogue_dir=catalogue, history=False)
    for engine in ("auto", "batched"):
        report = engines.validate([dirty], engine=engine, catalogue_dir=catalogue, history=False)
        assert problem_keys(report) == problem_keys(expected), engine


def test_batched_refuses_a_long_line_as_memory_does(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("indicator_id,area_code\nx," + "y" * 2000 + "\n")
    errors = []
    for engine in ("memory", "batched", "auto"):
        result = subprocess.run([CLI, "validate", "--engine", engine, str(path)], capture_output=True, text=True,
                                env={**__import__("os").environ, "STOKE_OPENDATA_MAX_LINE_BYTES": "1000"})
        assert result.returncode == 2 and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        errors.append(result.stderr)
    assert errors[0] == errors[1] == errors[2] == f"error: {path}: line 2 is longer than 1,000 bytes; this is not a table a steward would submit (raise STOKE_OPENDATA_MAX_LINE_BYTES if it is)\n"


def test_buckets_in_parallel_give_the_findings_of_one_process(bench_data, small_buckets, monkeypatch):
    dirty, catalogue, _ = bench_data
    monkeypatch.setenv("STOKE_OPENDATA_WORKERS", "1")
    one = engines.validate([dirty], engine="batched", catalogue_dir=catalogue, history=False)
    monkeypatch.setenv("STOKE_OPENDATA_WORKERS", "3")
    three = engines.validate([dirty], engine="batched", catalogue_dir=catalogue, history=False)
    assert [p.to_dict() for p in three.problems] == [p.to_dict() for p in one.problems]  # same order too
    assert [f.rows for f in three.files] == [100_000]


def test_batched_refuses_a_table_it_cannot_partition(tmp_path):
    path = tmp_path / "areas.csv"
    path.write_text("area_code,area_name,area_type,parent_code,notes\nE06000021,Stoke,la,,\n")
    result = subprocess.run([CLI, "validate", "--engine", "batched", "--schema", "areas", str(path)], capture_output=True, text=True)
    assert result.returncode == 2 and "use --engine memory" in result.stderr and result.stderr.count("\n") == 1


def test_a_spill_that_cannot_be_written_is_one_line_and_no_report(bench_data, tmp_path):
    """The disk fills up while the buckets are written (here: a file-size limit on the process, which fails
    the write as a full disk does): one line naming the cause, exit 2, nothing on stdout, no buckets left."""
    import resource
    import signal

    dirty, catalogue, _ = bench_data
    work = tmp_path / "tmp"
    work.mkdir()

    def small_files():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG instead of killing us
        resource.setrlimit(resource.RLIMIT_FSIZE, (2 << 20, 2 << 20))

    env = {**__import__("os").environ, "TMPDIR": str(work)}
    result = subprocess.run([CLI, "validate", "--engine", "batched", "--no-history", "--catalogue", str(catalogue), str(dirty)],
                            capture_output=True, text=True, env=env, preexec_fn=small_files)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == (f"error: {work}: the batched engine could not write its temporary buckets (File too large); it needs free "
                             "disk about the size of the input there: free some space, or set TMPDIR to a folder on a larger disk\n")
    assert list(work.iterdir()) == []

"""The Spark engine (local mode, Debian's OpenJDK) gives the single-machine engine's findings.

One SparkSession serves the whole module (start-up ~10-20 s); inputs stay small (<= 100k rows)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from engine_fixtures import bench_files, cross_row_files, problem_keys
from stoke_opendata import engines
from stoke_opendata.engines import spark as spark_engine

CLI = str(Path(sys.executable).parent / "stoke-opendata")
MASTER = "local[2]"


@pytest.fixture(scope="module")
def spark():
    return spark_engine.session(MASTER)


@pytest.fixture(scope="module")
def bench_data(tmp_path_factory):
    return bench_files(tmp_path_factory.mktemp("bench"), 100_000)


def test_spark_equals_single_machine_on_every_injected_kind(spark, bench_data):
    dirty, catalogue, injected = bench_data
    memory = engines.validate([dirty], engine="memory", catalogue_dir=catalogue, history=True)
    on_spark = engines.validate([dirty], engine="spark", catalogue_dir=catalogue, history=True, spark_master=MASTER)
    assert problem_keys(on_spark) == problem_keys(memory)
    assert [f.rows for f in on_spark.files] == [100_000]
    found = {}
    for p in on_spark.problems:
        found.setdefault(p.constraint if p.code == "constraint-error" else p.code, set()).add(p.row)
    assert len(injected) == 16
    for kind, rows in injected.items():
        assert rows and set(rows) <= found.get(kind, set()), kind


def test_spark_equals_single_machine_across_series_checks(spark, tmp_path):
    path, catalogue = cross_row_files(tmp_path)
    # the quoted line break is the batched engine's to split: without it the file goes to Spark as is
    text = path.read_bytes().replace(b'"checked\r\nby two analysts"', b"checked by two analysts")
    path.write_bytes(text)
    memory = engines.validate([path], engine="memory", catalogue_dir=catalogue, history=True)
    on_spark = engines.validate([path], engine="spark", catalogue_dir=catalogue, history=True, spark_master=MASTER)
    assert {"gap-inconsistent", "outlier", "primary-key", "small-count-unsuppressed"} <= {p.code for p in memory.problems}
    assert problem_keys(on_spark) == problem_keys(memory)


def test_spark_refuses_a_quoted_line_break(spark, tmp_path):
    path, catalogue = cross_row_files(tmp_path)
    with pytest.raises(Exception, match="use --engine batched"):
        engines.validate([path], engine="spark", catalogue_dir=catalogue, history=False, spark_master=MASTER)


def test_spark_reads_parquet_as_the_other_engines_do(spark, bench_data, tmp_path):
    dirty, catalogue, _ = bench_data
    frame = pl.read_csv(dirty, infer_schema=False, truncate_ragged_lines=True)
    path = tmp_path / "dirty.parquet"
    frame.filter(~pl.all_horizontal(pl.all().is_null())).write_parquet(path, row_group_size=7_000)
    memory = engines.validate([path], engine="memory", catalogue_dir=catalogue, history=False)
    on_spark = engines.validate([path], engine="spark", catalogue_dir=catalogue, history=False, spark_master=MASTER)
    assert problem_keys(on_spark) == problem_keys(memory)
    assert {"primary-key", "foreign-key", "out-of-bounds"} <= {p.code for p in memory.problems}


def _cli(*args, env=None):
    return subprocess.run([CLI, "validate", "--engine", "spark", *map(str, args)], capture_output=True, text=True, env=env, timeout=120)


def test_master_that_does_not_answer_is_one_line_exit_2(bench_data):
    dirty, catalogue, _ = bench_data
    result = _cli("--catalogue", catalogue, "--spark-master", "spark://127.0.0.1:9", dirty)
    assert result.returncode == 2
    assert result.stderr == "error: spark: the Spark master spark://127.0.0.1:9 does not answer (nothing listening there within 5 s)\n"


def test_missing_java_is_one_line_exit_2(bench_data, tmp_path):
    dirty, catalogue, _ = bench_data
    env = {k: v for k, v in os.environ.items() if k != "JAVA_HOME"}
    env["PATH"] = str(tmp_path)  # no java on it
    result = _cli("--catalogue", catalogue, dirty, env=env)
    assert result.returncode == 2
    assert result.stderr.startswith("error: spark: Java is not installed") and result.stderr.count("\n") == 1


def test_parquet_with_wrong_columns_is_one_line_exit_2(tmp_path):
    path = tmp_path / "wrong.parquet"
    pl.DataFrame({"indicator_id": ["a"], "area": ["E06000021"]}).write_parquet(path)
    result = _cli(path)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"error: {path}: the Parquet file's columns do not match the Table Schema (missing area_code")

"""The Spark engine on a Spark standalone cluster (a master and two workers, started by spark_cluster.sh as
Spark's docs describe), not only local mode: the way a region runs it on its own cluster. The input is on a
path every worker sees (this machine's disk); the run is the CLI's, as a user gives it (`--spark-master`),
in its own process (a process holds one SparkContext, and test_spark.py's is local[2])."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from engine_fixtures import bench_files, cross_row_files, problem_keys
from stoke_opendata import engines

HERE = Path(__file__).resolve().parent
CLI = str(Path(sys.executable).parent / "stoke-opendata")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    folder = tmp_path_factory.mktemp("spark-cluster")
    port = _free_port()
    script = [str(HERE / "spark_cluster.sh")]
    env = {**os.environ, "PYTHON": sys.executable}
    started = subprocess.run(script + ["start", str(folder), str(port)], capture_output=True, text=True, env=env, timeout=300)
    try:
        assert started.returncode == 0, started.stderr
        yield f"spark://127.0.0.1:{port}", folder
    finally:
        subprocess.run(script + ["stop", str(folder)], env=env, timeout=60)


def _on_cluster(master: str, path: Path, catalogue: Path, *extra: str):
    result = subprocess.run(
        [CLI, "validate", "--engine", "spark", "--spark-master", master, "--format", "json", "--catalogue", str(catalogue), *extra, str(path)],
        capture_output=True, text=True, timeout=900,
    )
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def _keys(problems):
    return sorted((p["file"], p.get("row") or 0, p.get("column") or "", p["code"], p.get("value") or "", p["message"], p.get("hint") or "", p.get("constraint") or "") for p in problems)


def test_cluster_gives_the_memory_engines_findings(cluster, tmp_path):
    master, folder = cluster
    dirty, catalogue, injected = bench_files(tmp_path, 20_000)
    memory = engines.validate([dirty], engine="memory", catalogue_dir=catalogue, history=False)
    data = _on_cluster(master, dirty, catalogue, "--no-history")
    assert _keys(data["problems"]) == problem_keys(memory)
    assert {p["code"] for p in data["problems"]} >= {"primary-key", "foreign-key", "out-of-bounds", "extra-cell", "missing-cell"}
    # executors really ran on both workers (each keeps a folder per application it served)
    assert all(list((folder / f"work{i}").glob("app-*")) for i in (1, 2))


def test_cluster_across_series_checks(cluster, tmp_path):
    master, _folder = cluster
    path, catalogue = cross_row_files(tmp_path)
    path.write_bytes(path.read_bytes().replace(b'"checked\r\nby two analysts"', b"checked by two analysts"))
    memory = engines.validate([path], engine="memory", catalogue_dir=catalogue, history=True)
    data = _on_cluster(master, path, catalogue)
    assert {"gap-inconsistent", "outlier", "primary-key", "small-count-unsuppressed"} <= {p["code"] for p in data["problems"]}
    assert _keys(data["problems"]) == problem_keys(memory)

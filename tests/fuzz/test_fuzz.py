"""Fuzzing in CI: every input that ever broke `validate` (tests/fuzz/seeds/, README there), then a fixed
budget of generated CSV and XLSX files (fuzz_inputs.py) through the Python API on the memory and batched
engines (which must agree), the console command on a share of them, and Spark on a sample.

Budget: STOKE_FUZZ_EXAMPLES generated inputs (default 400 CSV + 200 XLSX), derandomised so that CI is
repeatable; `make fuzz` is the long run (tests/fuzz/long_run.py, docs/fuzzing.md)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from fuzz_inputs import csv_files, xlsx_files
from fuzz_harness import BUDGET_SECONDS, check_input, disagreement, run_cli, run_engine

SEEDS = Path(__file__).resolve().parent / "seeds"
SEED_FILES = sorted(p for p in SEEDS.iterdir() if p.suffix in (".csv", ".xlsx"))
CLI = str(Path(sys.executable).parent / "stoke-opendata")
EXAMPLES = int(os.environ.get("STOKE_FUZZ_EXAMPLES", "600"))


def _fuzz(examples: int):
    return settings(max_examples=max(1, examples), deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck), print_blob=True)


def _schema(path: Path) -> str:
    return "targets" if "-targets" in path.stem else "observations"


def test_every_seed_has_a_line_in_the_readme():
    readme = (SEEDS / "README.md").read_text(encoding="utf-8")
    assert SEED_FILES and all(p.name in readme for p in SEED_FILES)


@pytest.mark.parametrize("seed", SEED_FILES, ids=lambda p: p.name)
def test_seed_survives_api_engines_and_cli(seed):
    failures = check_input(seed.read_bytes(), seed.suffix, _schema(seed), cli=True)
    assert failures == []


@pytest.mark.parametrize("seed", SEED_FILES, ids=lambda p: p.name)
def test_seed_through_the_console_command_is_one_line_and_exit_0_1_or_2(seed, tmp_path):
    """The installed console script (a process of its own, as a steward runs it); the other engines'
    command runs are in-process (run_cli), which is the same main() without the start-up cost."""
    done = subprocess.run([CLI, "validate", "--no-history", str(seed)], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode in (0, 1, 2), done.stderr
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr
    if done.returncode == 2:
        assert done.stderr.startswith("error: ") and len(done.stderr.strip().splitlines()) == 1, done.stderr
    for engine in ("memory", "batched"):
        assert run_cli(seed, _schema(seed), engine).kind != "internal"
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_stale_dimension_does_not_hide_row_12():
    outcome = run_engine(SEEDS / "stale_dimension_row_dropped.xlsx", "memory", "observations")
    assert outcome.kind == "report"
    assert ("foreign-key", 12, "indicator_id") in outcome.findings


def test_far_row_dimension_is_not_filled_in():
    outcome = run_engine(SEEDS / "slow_xlsx_far_row_dimension_L.xlsx", "memory", "observations")
    assert outcome.kind == "report" and outcome.seconds < BUDGET_SECONDS
    rows = {row for _code, row, _column in outcome.findings}
    assert 1048576 in rows  # the far row keeps its own number
    assert ("blank-row", 12, "") in outcome.findings  # the rows the XML skips: one blank row, at the gap's start


@_fuzz(EXAMPLES * 2 // 3)
@given(csv_files())
def test_generated_csv_no_internal_error_within_budget_and_engines_agree(drawn):
    data, suffix, schema = drawn
    assert check_input(data, suffix, schema, cli=len(data) % 20 == 0) == []


@_fuzz(EXAMPLES // 3)
@given(xlsx_files())
def test_generated_xlsx_no_internal_error_within_budget(drawn):
    data, suffix, schema = drawn
    assert check_input(data, suffix, schema, cli=len(data) % 20 == 0) == []


SPARK_SAMPLE = int(os.environ.get("STOKE_FUZZ_SPARK_EXAMPLES", "4"))


@pytest.fixture(scope="module")
def spark_session():
    from stoke_opendata.engines import spark as spark_engine

    return spark_engine.session()  # one session for the sample (start-up 10-20 s, more on a loaded machine)


@pytest.mark.parametrize("seed", [p for p in SEED_FILES if p.suffix == ".csv"], ids=lambda p: p.name)
def test_spark_agrees_with_memory_on_every_csv_seed(seed, spark_session):
    memory = run_engine(seed, "memory", _schema(seed))
    spark = run_engine(seed, "spark", _schema(seed))
    assert spark.kind != "internal", spark.detail
    assert disagreement(memory, spark) is None


@_fuzz(SPARK_SAMPLE)
@given(drawn=csv_files())
def test_spark_agrees_with_memory_on_a_generated_sample(spark_session, drawn, tmp_path_factory):
    data, suffix, schema = drawn
    path = tmp_path_factory.mktemp("spark") / f"input{suffix}"
    path.write_bytes(data)
    memory, spark = run_engine(path, "memory", schema), run_engine(path, "spark", schema)
    assert spark.kind != "internal", spark.detail
    assert disagreement(memory, spark) is None

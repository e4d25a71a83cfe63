"""Benchmark: `stoke-opendata accept` of a 1,000,000-row submission into a 1,000,000-row dataset, beside
`stoke-opendata validate` of the same submission and polars' own typed read of the same two files.

The submission overlaps the dataset on half its keys (a tenth of those with a new value: revisions) and adds
the other half; the dataset is restored before every accept. Each run is its own process (imports count);
wall time and peak memory (ru_maxrss of that child) are printed with the ratios. Target: accept <= ~3x validate.

    .venv/bin/python bench/accept_bench.py              # 1,000,000 + 1,000,000 rows, 3 rounds
    .venv/bin/python bench/accept_bench.py --rows 100000 --rounds 1
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from validate_bench import INDICATORS, PERIODS, run, write_catalogue  # noqa: E402

ROOT = HERE.parent
WORK = HERE / "_work" / "accept"
PYTHON = sys.executable
BIN = Path(PYTHON).parent
HEADER = ["indicator_id", "area_code", "area_name", "period", "value", "lower_ci", "upper_ci", "numerator",
          "denominator", "status", "source", "notes"]
LATER = {  # ten more periods of each form after the validate bench's twenty
    "annual": [str(y) for y in range(2025, 2035)],
    "financial_year": [f"{y}/{(y + 1) % 100:02d}" for y in range(2025, 2035)],
    "rolling_3_year": [f"{y}-{(y + 2) % 100:02d}" for y in range(2025, 2035)],
}


def frame(rows: int, periods_of, seed: int, revise_every: int = 0):
    import polars as pl

    per = len(INDICATORS) * 20
    n_areas = rows // per + 1
    parts = []
    for ind, unit, freq in INDICATORS:
        periods = periods_of(freq)
        grid = pl.DataFrame({"area_code": [f"E01{i:06d}" for i in range(n_areas)]}).join(
            pl.DataFrame({"period": periods}), how="cross").with_columns(pl.lit(ind).alias("indicator_id"))
        base = 60.0 if unit == "percent" else 55.0 if unit == "years" else 1000.0
        # the value depends on the key only (same in the dataset and the submission); a revision changes it
        key = pl.concat_str([pl.lit(ind), pl.col("area_code"), pl.col("period")]).hash(seed=1)
        value = base + (key % 97).cast(pl.Float64) / 10.0
        if revise_every:
            value = pl.when(key % revise_every == 0).then(value + 0.5).otherwise(value)
        if unit == "count":
            value = value.round(0)
        parts.append(grid.with_columns(value.round(1).cast(pl.String).alias("value")))
    df = pl.concat(parts).head(rows)
    return df.select(
        "indicator_id", "area_code", pl.lit("Area").alias("area_name"), "period", "value",
        *[pl.lit(None, pl.String).alias(c) for c in ("lower_ci", "upper_ci", "numerator", "denominator")],
        pl.lit("final").alias("status"), pl.lit("bench").alias("source"), pl.lit(None, pl.String).alias("notes"))


def prepare(rows: int) -> tuple[Path, Path, Path]:
    """home/ (catalogue, one dataset) and the submission, written once into bench/_work/accept/."""
    home = WORK / "home"
    sub = WORK / "submission.csv"
    pristine = WORK / "dataset-observations.csv"
    marker = WORK / f".rows-{rows}"
    if marker.exists():
        return home, sub, pristine
    shutil.rmtree(WORK, ignore_errors=True)
    schemas = home / "schemas"
    schemas.mkdir(parents=True)
    for name in ("observations", "targets", "indicators", "areas", "revisions", "progress"):
        shutil.copy(ROOT / "schemas" / f"{name}.schema.json", schemas)
    dataset = frame(rows, lambda f: PERIODS[f], 1)
    n_areas = dataset["area_code"].n_unique()
    write_catalogue(schemas, [f"E01{i:06d}" for i in range(n_areas + 1)])
    with (schemas / "areas.csv").open("a") as fh:  # the lsoas' parent
        fh.write("E06000021,Stoke-on-Trent,local_authority,,\nE92000001,England,country,,\n")
    folder = home / "datasets" / "bench"
    folder.mkdir(parents=True)
    (home / "publish").mkdir()
    dataset.write_csv(pristine)
    (folder / "datapackage.json").write_text(json.dumps({"name": "bench", "resources": [
        {"name": "observations", "path": "observations.csv", "schema": "../../schemas/observations.schema.json"},
        {"name": "indicators", "path": "../../schemas/indicators.csv", "schema": "../../schemas/indicators.schema.json"},
        {"name": "areas", "path": "../../schemas/areas.csv", "schema": "../../schemas/areas.schema.json"}]}, indent=2))
    # half the submission revisits the dataset's last ten periods (every tenth value revised), half is new
    overlap = frame(rows, lambda f: PERIODS[f][10:] + LATER[f], 2, revise_every=10)
    overlap.write_csv(sub)
    shutil.copy(folder / "datapackage.json", WORK / "datapackage.json")
    marker.touch()
    return home, sub, pristine


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    home, sub, pristine = prepare(args.rows)
    target = home / "datasets" / "bench" / "observations.csv"
    env_home = {"STOKE_OPENDATA_HOME": str(home), "STOKE_OPENDATA_STEWARD": "bench"}
    os.environ.update(env_home)
    read = ["import polars as pl, sys", "for p in sys.argv[1:]: pl.read_csv(p, schema_overrides={'period': pl.String, 'notes': pl.String, 'lower_ci': pl.Float64, 'value': pl.Float64, 'upper_ci': pl.Float64, 'numerator': pl.Float64, 'denominator': pl.Float64})"]
    commands = {
        "polars read (submission + dataset)": [PYTHON, "-c", "\n".join(read), str(sub), str(pristine)],
        "stoke-opendata validate (submission)": [str(BIN / "stoke-opendata"), "validate", str(sub)],
        "stoke-opendata accept (submission into dataset)": [str(BIN / "stoke-opendata"), "accept", str(sub), "--into", "bench", "--reason", "bench"],
    }
    times = {k: [] for k in commands}
    memory = {k: [] for k in commands}
    sub_rows = sum(1 for _ in sub.open()) - 1
    print(f"submission {sub_rows:,} rows ({sub.stat().st_size / 1e6:.0f} MB), dataset {args.rows:,} rows ({pristine.stat().st_size / 1e6:.0f} MB)")
    for _round in range(args.rounds):
        for label, cmd in commands.items():
            if "accept" in label:
                shutil.copy(pristine, target)  # the dataset as it was before the accept
                shutil.copy(WORK / "datapackage.json", target.parent / "datapackage.json")
                (target.parent / "revisions.csv").unlink(missing_ok=True)
            wall, peak, result = run(cmd)
            if result.returncode != 0:
                print(f"{label}: exit {result.returncode}\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
                return 1
            if "accept" in label and _round == 0:
                print("  " + [line for line in result.stdout.splitlines() if line.startswith("plan for")][0])
            times[label].append(wall)
            memory[label].append(peak)
    print(f"{'run':50} {'wall (median)':>14} {'peak memory':>12}")
    for label in commands:
        print(f"{label:50} {statistics.median(times[label]):>12.2f} s {max(memory[label]):>9.0f} MB")
    v, a, p = (
        statistics.median(times["stoke-opendata validate (submission)"]),
        statistics.median(times["stoke-opendata accept (submission into dataset)"]),
        statistics.median(times["polars read (submission + dataset)"]))
    print(f"accept / validate: x{a / v:.2f} (target <= ~3); accept / polars read of both files: x{a / p:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

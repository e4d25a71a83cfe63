"""The pandera schema of the definitions (stoke_opendata.pandera_schema) against validate_data on one file:
build time, number of checks, validate time (polars and pandas flavours), median of a few runs.

    .venv/bin/python bench/pandera_schema.py [--file datasets/corporate-strategy-2024-28/observations.csv] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--file", default=str(ROOT / "datasets/corporate-strategy-2024-28/observations.csv"))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    import pandera.errors
    import polars as pl

    import stoke_opendata as so

    frame = pl.read_csv(args.file, infer_schema=False)
    start = time.perf_counter()
    schemas = {"polars": so.pandera_schema(), "pandas": so.pandera_schema(backend="pandas")}
    built = time.perf_counter() - start

    def run(schema, data):
        try:
            schema.validate(data, lazy=True)
        except pandera.errors.SchemaErrors:
            pass

    print(f"{args.file}: {frame.height} rows; both schemas built in {built:.2f} s, {len(schemas['polars'].checks)} checks each")
    print(f"  validate_data (the CLI's engine)   : {median_time(lambda: so.validate_data(args.file, history=False), args.runs):.3f} s")
    print(f"  pandera schema, polars frame       : {median_time(lambda: run(schemas['polars'], frame), args.runs):.3f} s")
    pandas_frame = frame.to_pandas()
    print(f"  pandera schema, pandas frame       : {median_time(lambda: run(schemas['pandas'], pandas_frame), args.runs):.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

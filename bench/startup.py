"""Start-up cost: `stoke-opendata --help` and `stoke-opendata validate` on a 100-row file, whole process.

Median of several runs (default 7) of each, wall time including interpreter start-up and imports.
Target: validate on 100 rows under 1 s.

    .venv/bin/python bench/startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from validate_bench import WORK, byte_compile, generate  # noqa: E402

BIN = Path(sys.executable).parent / "stoke-opendata"


def timed(cmd: list[str], runs: int) -> tuple[float, int]:
    times, code = [], 0
    subprocess.run(cmd, capture_output=True)  # warm the file cache
    for _ in range(runs):
        start = time.perf_counter()
        code = subprocess.run(cmd, capture_output=True).returncode
        times.append(time.perf_counter() - start)
    return statistics.median(times), code


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    byte_compile()
    small, dirty, catalogue = WORK / "obs_100.csv", WORK / "obs_100_errors.csv", WORK / "catalogue_100"
    generate(100, small, dirty, catalogue)
    jobs = [
        ("python -c pass", [sys.executable, "-c", "pass"]),
        ("stoke-opendata --help", [str(BIN), "--help"]),
        ("validate 100 rows (clean, text)", [str(BIN), "validate", "--catalogue", str(catalogue), str(small)]),
        ("validate 100 rows (clean, json)", [str(BIN), "validate", "--format", "json", "--catalogue", str(catalogue), str(small)]),
        ("validate 100 rows (errors, text)", [str(BIN), "validate", "--catalogue", str(catalogue), str(dirty)]),
    ]
    print(f"{'command':36} {'median s':>9} {'exit':>5}   ({args.runs} runs each)")
    worst = 0.0
    for name, cmd in jobs:
        median, code = timed(cmd, args.runs)
        print(f"{name:36} {median:9.3f} {code:5}")
        if name.startswith("validate"):
            worst = max(worst, median)
    print(f"\nslowest validate on 100 rows: {worst:.3f} s (target < 1 s): {'OK' if worst < 1 else 'OVER'}")
    return 0 if worst < 1 else 1


if __name__ == "__main__":
    sys.exit(main())

"""Where the query engine's time goes on one file: each phase's wall time, in one in-process run.

Wraps the engine's phases (the line scan, the one pass of the plan, the wording of the flagged rows, the
series buckets, the submission rules) with a timer and validates the file once, streaming or in memory;
beside each phase, the process's peak resident memory when it ended (ru_maxrss: it only grows):

    .venv/bin/python bench/query_phases.py FILE.csv --catalogue DIR [--memory]

The figures are for reading the cost, not a benchmark of record: bench/scale_bench.py and
bench/validate_bench.py give the ratios against polars's own read.
"""

from __future__ import annotations

import argparse
import functools
import os
import resource
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path")
    parser.add_argument("--catalogue", required=True)
    parser.add_argument("--memory", action="store_true", help="collect the plan in memory (default: streaming)")
    args = parser.parse_args()
    os.environ["STOKE_OPENDATA_STREAM_OVER_MB"] = "1000000" if args.memory else "0"
    os.environ.setdefault("STOKE_OPENDATA_MAX_FILE_MB", "1000000")

    from stoke_opendata import engines
    from stoke_opendata.engines import plan, query, stream
    from stoke_opendata.validate import pipeline

    start = time.perf_counter()
    phases = []

    def timed(module, name: str, label: str) -> None:
        real = getattr(module, name)

        @functools.wraps(real)
        def wrapper(*a, **k):
            began = time.perf_counter()
            try:
                return real(*a, **k)
            finally:
                phases.append((label, time.perf_counter() - began, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))

        setattr(module, name, wrapper)

    timed(engines, "check_input", "input limits (line length)")
    timed(plan, "sniff_csv", "header")
    timed(query, "_run_plan", "the plan, run (its line scan included; streaming: the series buckets written)")
    timed(plan, "physical_lines", "  of which the line scan (line lengths)")
    timed(query, "_cell_counts", "cell counts of the flagged ragged rows")
    timed(pipeline, "check_table", "wording the flagged rows (check_table part='rows')")
    timed(stream, "check_buckets", "series rules over the buckets")
    timed(pipeline, "check_series", "series rules (per bucket, or the whole table in memory)")
    timed(pipeline, "apply_submission_rules", "submission rules")
    report = engines.validate([args.path], engine="query", catalogue_dir=args.catalogue, history=False)
    total = time.perf_counter() - start
    summed: dict[str, list] = {}
    for label, seconds, peak in phases:
        summed.setdefault(label, [0.0, 0, 0.0])
        summed[label][0] += seconds
        summed[label][1] += 1
        summed[label][2] = max(summed[label][2], peak)
    print("  wall s  peak MB so far  phase")
    for label, (seconds, calls, peak) in summed.items():
        print(f"{seconds:8.2f} {peak:15,.0f}  {label}" + (f" ({calls} calls, summed over threads)" if calls > 1 else ""))
    print(f"{total:8.2f} s  in all ({report.files[0].rows:,} rows, {len(report.problems):,} problems; load average {os.getloadavg()[0]:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

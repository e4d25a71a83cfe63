"""Benchmark: the same `validate` run by two checkouts of this project (e.g. main's and a branch's), to show a
change made a case no slower. Whole processes, alternating, so both meet the same moments of a shared machine;
the package is imported from each checkout (the venv's editable-install finder is bypassed).

    .venv/bin/python bench/compare_checkouts.py REF_CHECKOUT FILE --catalogue DIR [--runs 10]
    # e.g. git worktree add --detach /tmp/main-wt main; head -101 bench/_work/obs_1000000_errors.csv > /tmp/100.csv
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHIM = (
    "import sys; sys.meta_path=[f for f in sys.meta_path if 'editable' not in repr(f).lower()]; sys.path.insert(0, sys.argv.pop(1));"
    "sys.argv[0]='stoke-opendata'; from stoke_opendata.cli import entry; entry()"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("reference", help="the other checkout (its folder holds stoke_opendata/)")
    parser.add_argument("file")
    parser.add_argument("--catalogue", required=True)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    cmd = ["validate", "--format", "json", "--no-history", "--catalogue", args.catalogue, args.file]
    times: dict[str, list[float]] = {"reference": [], "this checkout": []}
    outputs = {}
    for _ in range(args.runs):
        for name, root in (("reference", args.reference), ("this checkout", str(ROOT))):
            start = time.perf_counter()
            result = subprocess.run([sys.executable, "-c", SHIM, root, *cmd], capture_output=True, text=True)
            times[name].append(time.perf_counter() - start)
            outputs[name] = (result.returncode, result.stdout)
    for name, values in times.items():
        print(f"{name}: median {statistics.median(values):.3f} s, fastest {min(values):.3f}, slowest {max(values):.3f} over {len(values)} runs")
    ratio = statistics.median(times["this checkout"]) / statistics.median(times["reference"])
    same = outputs["reference"] == outputs["this checkout"]
    print(f"this checkout / reference (medians): x{ratio:.2f}; same exit code and report: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())

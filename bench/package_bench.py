"""The package step on the bundled datasets: charts drawn one after another with no cache (the reference: how
`package` drew before the chart cache) against ours cold (empty cache, charts on all cores) and unchanged
(same data and style: every chart from the cache). Whole `stoke-opendata package --out DIR` processes, the
median of --runs each, with the peak memory (max RSS) of the process and its children. Target: unchanged < 1 s.

    nice -n 10 .venv/bin/python bench/package_bench.py [--runs 3]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent / "stoke-opendata"


def run_once(out: Path, cache: Path, workers: int) -> tuple[float, float]:
    env = dict(os.environ, STOKE_OPENDATA_CACHE=str(cache), STOKE_OPENDATA_CHART_WORKERS=str(workers))
    shutil.rmtree(out, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run([str(BIN), "package", "--out", str(out)], env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"package failed: {proc.stderr.strip()}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024


def tree_hash(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode() + p.read_bytes())
    return h.hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="stoke-package-bench-") as work:
        work = Path(work)
        rows = {}
        for label, workers, warm in (("reference: no cache, 1 process", 1, False),
                                     (f"ours cold: empty cache, {cores} processes", cores, False),
                                     ("ours unchanged: every chart cached", cores, True)):
            times, peaks = [], []
            for i in range(args.runs):
                cache = work / f"cache-{label[:4]}"
                if not warm or i == 0:
                    shutil.rmtree(cache, ignore_errors=True)
                if warm and i == 0:
                    run_once(work / "out", cache, workers)  # fill the cache
                seconds, peak = run_once(work / "out", cache, workers)
                times.append(seconds)
                peaks.append(peak)
            rows[label] = (statistics.median(times), min(times), max(times), max(peaks), tree_hash(work / "out"))
    ref = rows["reference: no cache, 1 process"][0]
    print(f"{'package, 4 bundled datasets':44} {'median s':>9} {'min':>6} {'max':>6} {'ratio':>6} {'peak MB':>8}")
    for label, (median, lo, hi, peak, _) in rows.items():
        print(f"{label:44} {median:9.2f} {lo:6.2f} {hi:6.2f} {ref / median:6.1f} {peak:8.0f}")
    same = len({r[4] for r in rows.values()}) == 1
    print(f"\nthe three builds are byte-identical: {same}")
    unchanged = rows["ours unchanged: every chart cached"][0]
    print(f"unchanged package: {unchanged:.2f} s (target < 1 s): {'OK' if unchanged < 1 else 'OVER'}")
    return 0 if same and unchanged < 1 else 1


if __name__ == "__main__":
    sys.exit(main())

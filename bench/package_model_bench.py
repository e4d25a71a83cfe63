"""The package model's hot path against frictionless's: read a descriptor, resolve every resource's file and
load its Table Schema, for the bundled source datasets and for built packages (`stoke-opendata package`).

Both run in this process, one after the other, on the same descriptors; each figure is the median of
`--runs` repetitions of reading every package once, in CPU seconds of this process (time.process_time: the
machine is shared, and wall time there measures the neighbours). Import cost is measured apart, each in a
fresh interpreter (median of 5, CPU seconds of the child), since every command pays it once. frictionless runs in a trusted context: without
it, it refuses the bundled datasets (their `../../schemas/` paths are "not safe"), and with it, it checks no
path at all, so our guard would still be needed on top.

    nice -n 10 .venv/bin/python bench/package_model_bench.py [--packages OUT_DIR] [--runs 50]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def ours(folders: list[Path], self_contained: bool) -> int:
    from stoke_opendata.catalogue.package_model import read_datapackage

    fields = 0
    for folder in folders:
        package = read_datapackage(folder, self_contained=self_contained)
        for resource in package.resources:
            if isinstance(resource.path, str):
                resource.file()
            schema = resource.schema()
            fields += len(schema.get("fields") or []) if isinstance(schema, dict) else 0
    return fields


def theirs(folders: list[Path], self_contained: bool) -> int:
    from frictionless import Package, system

    fields = 0
    with system.use_context(trusted=True):
        for folder in folders:
            package = Package(str(folder / "datapackage.json"))
            for resource in package.resources:
                resource.normpath  # noqa: B018 (the resolved path, as ours resolves it)
                fields += len(resource.schema.fields) if resource.schema else 0
    return fields


def timed(fn, folders, self_contained, runs) -> tuple[float, float, int]:
    """(median seconds per pass over all packages, peak MiB of one pass, fields seen)."""
    fields = fn(folders, self_contained)  # warm: imports and file cache
    times = []
    for _ in range(runs):
        start = time.process_time()
        fn(folders, self_contained)
        times.append(time.process_time() - start)
    tracemalloc.start()
    fn(folders, self_contained)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return statistics.median(times), peak, fields


def import_cost(module: str) -> float:
    times = []
    for _ in range(5):
        before = os.times()
        subprocess.run([sys.executable, "-c", f"import {module}"], check=True)
        after = os.times()
        times.append(after.children_user + after.children_system - before.children_user - before.children_system)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--packages", type=Path, help="a folder of built packages (default: build them now)")
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    sources = sorted(p.parent for p in (ROOT / "datasets").glob("*/datapackage.json"))
    with tempfile.TemporaryDirectory(prefix="package-model-bench-") as tmp:
        built_dir = args.packages
        if built_dir is None:
            from stoke_opendata.api import build_packages

            built_dir = Path(tmp)
            build_packages((), built_dir)
        built = sorted(p.parent for p in built_dir.glob("*/datapackage.json"))
        print(f"{len(sources)} source datasets, {len(built)} built packages; median of {args.runs} passes")
        print(f"{'packages':10} {'reader':12} {'ms/pass':>9} {'peak MiB':>9} {'fields':>7}")
        for label, folders, contained in (("source", sources, False), ("built", built, True)):
            ours_s, ours_mb, ours_f = timed(ours, folders, contained, args.runs)
            theirs_s, theirs_mb, theirs_f = timed(theirs, folders, contained, args.runs)
            print(f"{label:10} {'ours':12} {ours_s * 1000:9.2f} {ours_mb:9.2f} {ours_f:7}")
            print(f"{label:10} {'frictionless':12} {theirs_s * 1000:9.2f} {theirs_mb:9.2f} {theirs_f:7}")
            print(f"{label:10} frictionless / ours: {theirs_s / ours_s:.1f}x time, {theirs_mb / ours_mb:.1f}x peak memory")
    print("import, fresh interpreter (median of 5, CPU):")
    base = import_cost("sys")
    for module in ("stoke_opendata.catalogue.package_model", "frictionless"):
        print(f"  {module:40} {(import_cost(module) - base) * 1000:8.0f} ms over a bare interpreter")
    return 0


if __name__ == "__main__":
    sys.exit(main())

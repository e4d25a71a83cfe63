"""The residents' site: build time for the bundled data (target < 5 s) and page weight (target < 100 KB).

Packages the bundled datasets once (`stoke-opendata package`, printed as the reference: the step the
site is built from), then runs `stoke-opendata site PACKAGES --out DIR` several times (default 5) as a
whole process, interpreter start-up included, and prints the median and fastest wall time, the peak
memory (the child's own ru_maxrss), then one run with an empty chart cache (the first build on a new
machine draws every indicator's link-preview PNG; the runs before copy them from the cache), the number of
pages, the largest page and the site's total size.
No portal is asked (links then point at the site's own copies); the portal lookups are 4 package_show
calls, measured separately by bench/publish_bench.py's no-op republish.

    .venv/bin/python bench/site_bench.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent / "stoke-opendata"
BUDGET_S, PAGE_KB = 5.0, 100


def run_child(cmd: list[str], env: dict) -> tuple[float, float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    out, err = proc.stdout.read(), proc.stderr.read()
    return wall, usage.ru_maxrss / 1024, subprocess.CompletedProcess(cmd, os.waitstatus_to_exitcode(status), out, err)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k not in ("CKAN_URL", "CKAN_API_TOKEN")}
    env["STOKE_OPENDATA_CONFIG"] = "/nonexistent/stoke-opendata-bench.toml"  # no portal: nothing but the build
    with tempfile.TemporaryDirectory(prefix="site-bench-") as tmp:
        work = Path(tmp)
        wall, peak, result = run_child([str(BIN), "package", "--out", str(work / "packages")], env)
        if result.returncode:
            print(result.stderr.decode(), file=sys.stderr)
            return 2
        packages = sorted(str(p) for p in (work / "packages").iterdir() if p.is_dir())
        print(f"{'run':44} {'wall s':>8} {'peak MB':>8}")
        package_wall = wall
        print(f"{'reference: stoke-opendata package (4 packages)':44} {wall:8.2f} {peak:8.0f}")
        times, peaks = [], []
        for _ in range(args.runs):
            shutil.rmtree(work / "site", ignore_errors=True)
            wall, peak, result = run_child([str(BIN), "site", *packages, "--out", str(work / "site")], env)
            if result.returncode:
                print(result.stderr.decode(), file=sys.stderr)
                return 2
            times.append(wall)
            peaks.append(peak)
        median = statistics.median(times)
        print(f"{'stoke-opendata site (median of ' + str(args.runs) + ')':44} {median:8.2f} {max(peaks):8.0f}")
        print(f"{'stoke-opendata site (fastest)':44} {min(times):8.2f}")
        # the runs above copy the link-preview PNGs from the chart cache (the first run drew them); a first
        # build on a machine with an empty cache draws every one
        shutil.rmtree(work / "site", ignore_errors=True)
        cold = dict(env, STOKE_OPENDATA_CACHE=str(work / "empty-cache"))
        wall, peak, result = run_child([str(BIN), "site", *packages, "--out", str(work / "site")], cold)
        if result.returncode:
            print(result.stderr.decode(), file=sys.stderr)
            return 2
        print(f"{'stoke-opendata site (empty chart cache)':44} {wall:8.2f} {peak:8.0f}")
        site = work / "site"
        pages = sorted(site.rglob("*.html"), key=lambda p: p.stat().st_size)
        total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
        largest = pages[-1]
        print(f"\n{len(pages)} pages, {len(list(site.rglob('indicators/*.json')))} indicator JSON files, "
              f"site {total / 1024:.0f} KB in all (package copies included)")
        print(f"largest page: {largest.relative_to(site)} {largest.stat().st_size / 1024:.1f} KB; "
              f"median page {pages[len(pages) // 2].stat().st_size / 1024:.1f} KB")
        feeds = sorted(site.rglob("feeds/**/*.xml"), key=lambda p: p.stat().st_size)
        if feeds:
            print(f"{len(feeds)} Atom feeds, the largest {feeds[-1].relative_to(site)} {feeds[-1].stat().st_size / 1024:.1f} KB")
        print(f"site build / package build time: x{median / package_wall:.2f}")
        ok = median < BUDGET_S and largest.stat().st_size < PAGE_KB * 1024
        print(f"\nbuild {median:.2f} s (target < {BUDGET_S:.0f} s), largest page "
              f"{largest.stat().st_size / 1024:.1f} KB (target < {PAGE_KB} KB): {'OK' if ok else 'OVER'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

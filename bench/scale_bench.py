"""Benchmark: validating files larger than memory. Ours (auto/memory, batched, Spark local[2]) beside polars'
streaming read of the same rows, in one run: wall time, the ratio, and peak memory of the whole process
tree (sampled from /proc every 0.1 s, so Spark's JVM counts too).

The input is bench/validate_bench.py's 1M-row generator (every injected error kind), repeated with the
area codes renamed per copy (E01... -> E02..., E03...) so keys stay distinct and every area is in the
catalogue. Files go to bench/_work/ and are deleted at the end unless --keep.

    .venv/bin/python bench/scale_bench.py --rows 1000000              # auto (in memory) vs batched vs polars
    .venv/bin/python bench/scale_bench.py --rows 10000000 --spark     # + memory and Spark local[2]
    .venv/bin/python bench/scale_bench.py --rows 50000000 --engines batched
A run that is refused or fails is printed as such (exit code and the error line), never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / "_work"
PYTHON = sys.executable
BIN = Path(PYTHON).parent
BASE_ROWS = 1_000_000
COLUMNS = "indicator_id,area_code,area_name,period,value,lower_ci,upper_ci,numerator,denominator,status,source,notes".split(",")
POLARS_STREAMING = (
    "import sys, polars as pl; cols=sys.argv[2].split(',');"
    "t={c: pl.String for c in cols}; t.update({c: pl.Float64 for c in ('value','lower_ci','upper_ci','numerator','denominator')});"
    "df=pl.scan_csv(sys.argv[1], schema=t).select(pl.len().alias('rows'), *[pl.col(c).null_count() for c in cols]).collect(engine='streaming');"
    "print(df['rows'][0])"
)


def build(rows: int) -> tuple[Path, Path, Path]:
    """(clean file, dirty file, catalogue): copies of the 1M-row generator's files, areas renamed per copy."""
    import polars as pl

    sys.path.insert(0, str(HERE))
    import validate_bench

    base_rows = min(rows, BASE_ROWS)
    base_clean, base_dirty, base_cat = WORK / f"scale_base_{base_rows}.csv", WORK / f"scale_base_{base_rows}_errors.csv", WORK / f"scale_cat_base_{base_rows}"
    if not base_dirty.exists():
        validate_bench.generate(base_rows, base_clean, base_dirty, base_cat)
    copies = -(-rows // base_rows)
    if copies > 98:
        raise SystemExit(f"error: at most {98 * base_rows:,} rows (area code prefixes E01-E99)")
    clean, dirty, cat = WORK / f"scale_{rows}.csv", WORK / f"scale_{rows}_errors.csv", WORK / f"scale_cat_{rows}"
    areas = pl.read_csv(base_cat / "areas.csv", infer_schema=False)
    cat.mkdir(exist_ok=True)
    (cat / "indicators.csv").write_bytes((base_cat / "indicators.csv").read_bytes())
    def renamed(k):
        return [pl.col(c).str.replace_all("E01", f"E{k + 1:02d}", literal=True) for c in ("area_code", "area_name")]

    pl.concat([areas.with_columns(renamed(k)) for k in range(copies)]).write_csv(cat / "areas.csv")
    for source, target in ((base_clean, clean), (base_dirty, dirty)):
        lines = pl.scan_lines(str(source), name="line").collect()["line"]
        header, body = lines[0], lines.slice(1)
        with open(target, "wb") as out:
            out.write((header + "\n").encode())
            left = rows
            for k in range(copies):
                part = body.slice(0, min(left, body.len()))
                left -= part.len()
                text = part.str.replace_all("E01", f"E{k + 1:02d}", literal=True) if k else part
                out.write((text.str.join("\n").item() + "\n").encode())
    return clean, dirty, cat


def tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants (from /proc)."""
    total, stack, seen = 0, [pid], set()
    while stack:
        p = stack.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            with open(f"/proc/{p}/statm") as fh:
                total += int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    stack.extend(int(c) for c in fh.read().split())
        except (OSError, ValueError):
            continue
    return total


def run(cmd: list[str], env: dict | None = None) -> dict:
    """Wall time, peak RSS of the process tree, exit code, stdout, last stderr line."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    peak = [0]
    done = threading.Event()

    def sample():
        while not done.wait(0.1):
            peak[0] = max(peak[0], tree_rss(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    done.set()
    sampler.join()
    wall = time.perf_counter() - start
    lines = [line for line in err.strip().splitlines() if line.startswith("error:")] or err.strip().splitlines()[-1:] or [""]
    return {"wall": wall, "peak_mb": peak[0] / 2**20, "code": proc.returncode, "stdout": out, "error": lines[-1][:300]}


def summary(result: dict) -> str:
    if result["code"] not in (0, 1):
        return f"REFUSED/FAILED (exit {result['code']}): {result['error']}"
    try:
        data = json.loads(result["stdout"])
    except ValueError:
        return f"FAILED: output is not JSON ({result['stdout'][:120]!r})"
    counts = data.get("summary", {})
    return f"rows {counts.get('rows', '?'):,} errors {counts.get('errors', '?'):,} warnings {counts.get('warnings', '?'):,}"


def findings(result: dict):
    try:
        data = json.loads(result["stdout"])
    except ValueError:
        return None
    return sorted((p["file"], p["row"] or 0, p["column"] or "", p["code"], p["message"]) for p in data["problems"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=BASE_ROWS)
    parser.add_argument("--engines", default="auto,batched", help="comma-separated: auto, memory, batched, spark")
    parser.add_argument("--spark", action="store_true", help="also Spark local[2] (same as adding spark to --engines)")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    engines = [e for e in args.engines.split(",") if e] + (["spark"] if args.spark and "spark" not in args.engines else [])
    t0 = time.perf_counter()
    try:
        clean, dirty, cat = build(args.rows)
    except Exception as exc:  # a bench reports, it does not die
        print(f"error: generating {args.rows:,} rows failed: {exc}")
        return 2
    size = dirty.stat().st_size
    print(f"generated {args.rows:,} rows ({size / 2**30:.2f} GiB errors file) in {time.perf_counter() - t0:.0f} s")
    env = dict(os.environ)  # as a user runs it: no setting (the size cap guards only the memory engine)
    if "memory" in engines:  # except for the memory engine, which the cap guards
        env["STOKE_OPENDATA_MAX_FILE_MB"] = str(int(size / 2**20) + 100)
    results = {}
    results["polars streaming read (clean, typed)"] = run([PYTHON, "-c", POLARS_STREAMING, str(clean), ",".join(COLUMNS)])
    for engine in engines:
        cmd = [str(BIN / "stoke-opendata"), "validate", "--engine", engine, "--format", "json", "--no-history", "--catalogue", str(cat), str(dirty)]
        if engine == "spark":
            cmd[-1:-1] = ["--spark-master", "local[2]"]
        results[f"stoke-opendata --engine {engine} (errors)"] = run(cmd, env=env)
    polars = results["polars streaming read (clean, typed)"]
    print(f"\n{'run':44} {'wall s':>8} {'rows/s':>12} {'peak MB':>9} {'x polars':>9}   outcome")
    for name, r in results.items():
        ratio = r["wall"] / polars["wall"] if polars["code"] == 0 else float("nan")
        outcome = summary(r) if name.startswith("stoke") else (f"exit {r['code']}: {r['error']}" if r["code"] else "ok")
        print(f"{name:44} {r['wall']:8.1f} {args.rows / r['wall']:12,.0f} {r['peak_mb']:9,.0f} {ratio:9.2f}   {outcome}")
    base = None
    for name, r in results.items():
        if name.startswith("stoke") and r["code"] in (0, 1):
            found = findings(r)
            if base is None:
                base = (name, found)
            else:
                print(f"same findings as {base[0]}: {name}: {'yes' if found == base[1] else 'NO'} ({len(found or [])} problems)")
    print(f"\nmachine: {os.cpu_count()} cores, Python {platform.python_version()}, load average {os.getloadavg()[0]:.2f} at the end")
    if not args.keep:
        for path in (clean, dirty):
            path.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

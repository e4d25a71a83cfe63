"""Benchmark: validating files larger than memory. Ours (auto, memory, batched, query, Spark local[2]) beside
polars' streaming read of the same rows, in one run: wall time, the ratio, and peak memory of the whole
process tree (sampled from /proc every 0.1 s, so Spark's JVM and bucket workers count too).

The input is bench/validate_bench.py's 1M-row generator (every injected error kind), repeated with the
area codes renamed per copy (E01... -> E02..., E03...) so keys stay distinct and every area is in the
catalogue. Files go to bench/_work/ (or --work) and are deleted at the end unless --keep or --reuse.

Each round runs polars' streaming read, then each engine once, so a round's ratios compare runs that met
the same moments of a shared machine; with --repeat N the summary gives the median, the range and every
round's ratio (the spread), and at 50M rows and more issue 25's target (<= x2 the streaming read, <= 4 GB
peak). The engines' findings (JSON reports: file, row, column, code, message) are compared with each other.

    .venv/bin/python bench/scale_bench.py --rows 1000000              # auto vs batched vs polars
    .venv/bin/python bench/scale_bench.py --rows 10000000 --spark     # + Spark local[2]
    nice -n 10 .venv/bin/python bench/scale_bench.py --rows 50000000 --generate-only   # once: 8.3 GiB
    nice -n 10 .venv/bin/python bench/scale_bench.py --rows 50000000 --engines query,batched --repeat 3 --reuse
    # from another checkout, the files of this one (kept, reused): --work /work/wt/issue-25/bench/_work
The memory engine alone gets STOKE_OPENDATA_MAX_FILE_MB raised to the file's size; every other engine runs
with the caller's environment (e.g. STOKE_OPENDATA_STREAM_OVER_MB for query). A run that is refused or
fails is printed as such (exit code and the error line), never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
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
ENGINES = ("auto", "memory", "batched", "spark", "query")
POLARS = "polars streaming read (clean, typed)"
TARGET_RATIO, TARGET_PEAK_BYTES = 2.0, 4e9  # issue 25, for 50M rows
COLUMNS = "indicator_id,area_code,area_name,period,value,lower_ci,upper_ci,numerator,denominator,status,source,notes".split(",")
POLARS_STREAMING = (
    "import sys, polars as pl; cols=sys.argv[2].split(',');"
    "t={c: pl.String for c in cols}; t.update({c: pl.Float64 for c in ('value','lower_ci','upper_ci','numerator','denominator')});"
    "df=pl.scan_csv(sys.argv[1], schema=t).select(pl.len().alias('rows'), *[pl.col(c).null_count() for c in cols]).collect(engine='streaming');"
    "print(df['rows'][0])"
)


def build(rows: int, work: Path, reuse: bool = False) -> tuple[Path, Path, Path]:
    """(clean file, dirty file, catalogue): copies of the 1M-row generator's files, areas renamed per copy.
    Each file is written under a temporary name and renamed when whole, and a marker records the sizes, so
    --reuse never takes a file cut short by an interrupted run."""
    import polars as pl

    sys.path.insert(0, str(HERE))
    import validate_bench

    clean, dirty, cat = work / f"scale_{rows}.csv", work / f"scale_{rows}_errors.csv", work / f"scale_cat_{rows}"
    marker = work / f"scale_{rows}.done.json"
    if reuse and marker.exists() and clean.exists() and dirty.exists() and (cat / "areas.csv").exists():
        sizes = json.loads(marker.read_text())
        if sizes == {"clean": clean.stat().st_size, "dirty": dirty.stat().st_size}:
            return clean, dirty, cat
    marker.unlink(missing_ok=True)
    base_rows = min(rows, BASE_ROWS)
    base_clean, base_dirty, base_cat = work / f"scale_base_{base_rows}.csv", work / f"scale_base_{base_rows}_errors.csv", work / f"scale_cat_base_{base_rows}"
    base_marker = work / f"scale_base_{base_rows}.done"
    if not (base_marker.exists() and base_dirty.exists() and base_clean.exists()):
        validate_bench.generate(base_rows, base_clean, base_dirty, base_cat)
        base_marker.write_text("")
    copies = -(-rows // base_rows)
    if copies > 98:
        raise SystemExit(f"error: at most {98 * base_rows:,} rows (area code prefixes E01-E99)")
    areas = pl.read_csv(base_cat / "areas.csv", infer_schema=False)
    cat.mkdir(exist_ok=True)
    (cat / "indicators.csv").write_bytes((base_cat / "indicators.csv").read_bytes())

    def renamed(k):
        return [pl.col(c).str.replace_all("E01", f"E{k + 1:02d}", literal=True) for c in ("area_code", "area_name")]

    pl.concat([areas.with_columns(renamed(k)) for k in range(copies)]).write_csv(cat / "areas.csv")
    for source, target in ((base_clean, clean), (base_dirty, dirty)):
        lines = pl.scan_lines(str(source), name="line").collect()["line"]
        header, body = lines[0], lines.slice(1)
        partial = target.with_name(target.name + ".part")
        with open(partial, "wb") as out:
            out.write((header + "\n").encode())
            left = rows
            for k in range(copies):
                part = body.slice(0, min(left, body.len()))
                left -= part.len()
                text = part.str.replace_all("E01", f"E{k + 1:02d}", literal=True) if k else part
                out.write((text.str.join("\n").item() + "\n").encode())
        partial.replace(target)
    marker.write_text(json.dumps({"clean": clean.stat().st_size, "dirty": dirty.stat().st_size}))
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


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def verdict(rows: int, ratio: float, peak_mb: float) -> str:
    """Issue 25's target for 50M rows: <= x2 polars' streaming read, <= 4 GB peak (4e9 bytes, the stricter reading)."""
    if rows < 50_000_000:
        return ""
    ratio_ok, peak_ok = ratio <= TARGET_RATIO, peak_mb * 2**20 <= TARGET_PEAK_BYTES
    return (
        f"target <= x{TARGET_RATIO:g} the streaming read: {'met' if ratio_ok else 'NOT met'} (x{ratio:.2f}); "
        f"<= 4 GB peak: {'met' if peak_ok else 'NOT met'} ({peak_mb:,.0f} MiB = {peak_mb * 2**20 / 1e9:.2f} GB)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=BASE_ROWS)
    parser.add_argument("--engines", default="auto,batched", help=f"comma-separated: {', '.join(ENGINES)}")
    parser.add_argument("--spark", action="store_true", help="also Spark local[2] (same as adding spark to --engines)")
    parser.add_argument("--repeat", type=int, default=1, help="rounds (polars' streaming read, then each engine, per round); medians and per-round ratios")
    parser.add_argument("--reuse", action="store_true", help="keep the generated files and reuse them in later runs with the same --rows (implies --keep)")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument("--work", type=Path, help="folder of the generated files (default bench/_work), e.g. another worktree's; implies --reuse, so its files are never deleted")
    parser.add_argument("--generate-only", action="store_true", help="write the files (kept) and stop")
    args = parser.parse_args()
    if args.work is not None:
        args.reuse = True
    args.work = args.work or WORK
    engines = [e for e in args.engines.split(",") if e] + (["spark"] if args.spark and "spark" not in args.engines else [])
    unknown = [e for e in engines if e not in ENGINES]
    if unknown or args.repeat < 1:
        parser.error(f"unknown engine(s) {', '.join(unknown)} (choose from {', '.join(ENGINES)})" if unknown else "--repeat must be >= 1")
    args.work.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    reusing = (args.reuse or args.generate_only) and (args.work / f"scale_{args.rows}.done.json").exists()
    try:
        clean, dirty, cat = build(args.rows, args.work, reuse=args.reuse or args.generate_only)
    except Exception as exc:  # a bench reports, it does not die
        print(f"error: generating {args.rows:,} rows failed: {exc}")
        return 2
    size = dirty.stat().st_size
    print(f"{'reused (if whole)' if reusing else 'generated'} {args.rows:,} rows ({size / 2**30:.2f} GiB errors file {dirty}) in {time.perf_counter() - t0:.0f} s", flush=True)
    if args.generate_only:
        print(f"clean {clean} ({clean.stat().st_size / 2**30:.2f} GiB), catalogue {cat}")
        return 0
    # as a user runs it: no setting, except for the memory engine, which the in-memory size cap guards
    memory_env = dict(os.environ, STOKE_OPENDATA_MAX_FILE_MB=str(int(size / 2**20) + 100))
    polars_cmd = [PYTHON, "-c", POLARS_STREAMING, str(clean), ",".join(COLUMNS)]
    names = [POLARS] + [f"stoke-opendata --engine {e} (errors)" for e in engines]
    rounds: list[dict[str, dict]] = []
    first_findings: dict[str, list | None] = {}
    stable: dict[str, bool] = {}
    print(f"\n{'round':>5} {'run':44} {'wall s':>8} {'rows/s':>12} {'peak MB':>9} {'x polars':>9} {'load':>5}   outcome", flush=True)
    for k in range(args.repeat):
        results: dict[str, dict] = {}
        for name, engine in zip(names, [None] + engines):
            load = os.getloadavg()[0]
            if engine is None:
                r = run(polars_cmd)
            else:
                cmd = [str(BIN / "stoke-opendata"), "validate", "--engine", engine, "--format", "json", "--no-history", "--catalogue", str(cat), str(dirty)]
                if engine == "spark":
                    cmd[-1:-1] = ["--spark-master", "local[2]"]
                r = run(cmd, env=memory_env if engine == "memory" else None)
            r["load"] = load
            if engine is not None:
                r["outcome"] = summary(r)
                r["ok"] = r["code"] in (0, 1) and not r["outcome"].startswith("FAILED")
                if r["ok"]:
                    found = findings(r)
                    if name not in first_findings:
                        first_findings[name] = found
                    elif found != first_findings[name]:
                        stable[name] = False
            else:
                r["outcome"] = f"exit {r['code']}: {r['error']}" if r["code"] else "ok"
                r["ok"] = r["code"] == 0
            del r["stdout"]  # a 50M-row report is tens of MB: keep only its findings, once per engine
            results[name] = r
            polars = results[POLARS]
            ratio = r["wall"] / polars["wall"] if polars["ok"] else float("nan")
            print(f"{k + 1:5} {name:44} {r['wall']:8.1f} {args.rows / r['wall']:12,.0f} {r['peak_mb']:9,.0f} {ratio:9.2f} {load:5.1f}   {r['outcome']}", flush=True)
        rounds.append(results)

    print(f"\nover {args.repeat} round(s): median wall, fastest-slowest, largest peak, median of the per-round ratios to polars' streaming read")
    print(f"{'run':44} {'median s':>9} {'range s':>15} {'peak MB':>9} {'x polars':>9}   per-round ratios")
    ratios_of: dict[str, list[float]] = {}
    for name in names:
        ok_runs = [(rd[name], rd[POLARS]) for rd in rounds if rd[name]["ok"]]
        if not ok_runs:
            print(f"{name:44} no successful run: {rounds[-1][name]['outcome']}")
            continue
        walls = [r["wall"] for r, _p in ok_runs]
        ratios = [r["wall"] / p["wall"] for r, p in ok_runs if p["ok"]]
        ratios_of[name] = ratios
        peak = max(r["peak_mb"] for r, _p in ok_runs)
        failed = args.repeat - len(ok_runs)
        print(
            f"{name:44} {median(walls):9.1f} {min(walls):7.1f}-{max(walls):<7.1f} {peak:9,.0f} {median(ratios):9.2f}   "
            f"{', '.join(f'x{x:.2f}' for x in ratios)}{f' ({failed} run(s) failed)' if failed else ''}"
        )
        if name != POLARS:
            target = verdict(args.rows, median(ratios), peak)
            if target:
                print(f"{'':44} {target}")
    base = None
    for name in names[1:]:
        if name in first_findings:
            found = first_findings[name]
            if base is None:
                base = (name, found)
            else:
                print(f"same findings as {base[0]}: {name}: {'yes' if found == base[1] else 'NO'} ({len(found or [])} problems)")
            if stable.get(name) is False:
                print(f"NOT the same findings in every round: {name}")
    print(f"\nmachine: {os.cpu_count()} cores, Python {platform.python_version()}, load average {os.getloadavg()[0]:.2f} at the end")
    if not (args.keep or args.reuse):
        for path in (clean, dirty, args.work / f"scale_{args.rows}.done.json"):
            path.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

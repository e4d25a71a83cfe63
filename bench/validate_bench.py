"""Benchmark: `stoke-opendata validate` against `frictionless validate` (same Table Schema) and a plain polars read.

Generates a 1,000,000-row observations file and a copy with about 0.1% injected errors of every kind the
validator reports, into bench/_work/ (gitignored). Runs each tool as its own process (so imports count),
prints wall time, rows/s, peak memory (ru_maxrss of the child) and the ratios, and checks that both
validators found the injected errors the Table Schema can express, on the same rows.

    .venv/bin/python bench/validate_bench.py            # 1,000,000 rows
    .venv/bin/python bench/validate_bench.py --rows 100000 --skip-frictionless
    nice -n 10 .venv/bin/python bench/validate_bench.py --rows 5000000 --skip-frictionless --repeat 3 --reuse [--engine query]
The small-file case (100 rows, many rounds) is bench/small_file_bench.py.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "_work"
PYTHON = sys.executable
BIN = Path(PYTHON).parent

HEADER = "indicator_id,area_code,area_name,period,value,lower_ci,upper_ci,numerator,denominator,status,source,notes"
# (id, unit, frequency, period template)
INDICATORS = [
    ("employment-rate", "percent", "annual"),
    ("healthy-life-expectancy-male", "years", "rolling_3_year"),
    ("children-in-care", "count", "financial_year"),
    ("smoking-attributable-admissions", "rate_per_100000", "financial_year"),
    ("weekly-pay", "gbp", "annual"),
]
PERIODS = {
    "annual": [str(y) for y in range(2005, 2025)],
    "financial_year": [f"{y}/{(y + 1) % 100:02d}" for y in range(2005, 2025)],
    "rolling_3_year": [f"{y}-{(y + 2) % 100:02d}" for y in range(2005, 2025)],
}
# kinds of injected error -> does the Table Schema (so frictionless) express it?
KINDS = {
    "type-error": True,  # "61.3 %"
    "pattern": True,  # area code E6000021
    "enum": True,  # status Final
    "required": True,  # blank source
    "primary-key": True,  # duplicate of the row before
    "blank-row": True,
    "extra-cell": True,
    "missing-cell": True,
    "foreign-key": True,  # unknown indicator id
    "out-of-bounds": False,  # percent 104.2
    "ci-order": False,
    "numerator-exceeds-denominator": False,
    "rate-inconsistent": False,
    "period-format": False,
    "value-missing": False,
    "not-integer": False,
}


def write_catalogue(folder: Path, areas: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    cols = "id,title,theme,mission,objective,unit,minimum,maximum,higher_is_better,frequency,comparator_area_code,status,disclosive,disclosure_threshold,document,section,description"
    lines = [cols] + [f"{i},{i},healthier,,,{u},,,true,{f},E92000001,measured,false,,doc,sec," for i, u, f in INDICATORS]
    (folder / "indicators.csv").write_text("\n".join(lines) + "\n")
    lines = ["area_code,area_name,area_type,parent_code,notes"] + [f"{a},Area {a},lsoa,E06000021," for a in areas]
    (folder / "areas.csv").write_text("\n".join(lines) + "\n")


def generate(rows: int, clean: Path, dirty: Path, catalogue: Path, seed: int = 7) -> dict[str, list[int]]:
    """Write the clean file and the dirty copy; return kind -> spreadsheet rows of the dirty file."""
    rng = random.Random(seed)
    n_periods = 20
    n_areas = max(1, rows // (len(INDICATORS) * n_periods) + 1)
    areas = [f"E01{i:06d}" for i in range(n_areas)]
    write_catalogue(catalogue, areas)
    records = []
    for area in areas:
        for ind, unit, freq in INDICATORS:
            base = {"percent": 60.0, "years": 60.0, "count": 500, "rate_per_100000": 1500.0, "gbp": 550.0}[unit]
            for period in PERIODS[freq]:
                if len(records) >= rows:
                    break
                records.append((ind, unit, area, period, base))
    clean_lines = [HEADER]
    for ind, unit, area, period, base in records:
        clean_lines.append(_line(rng, ind, unit, area, period, base))
    clean.write_text("\n".join(clean_lines) + "\n")

    # the dirty copy: pick ~0.1% of rows per kind... spread so no row gets two kinds
    per_kind = max(1, rows // 1000 // len(KINDS))
    chosen = rng.sample(range(2, rows - 1), per_kind * len(KINDS))
    injected: dict[str, list[int]] = {k: [] for k in KINDS}
    plan = {}
    for i, line_index in enumerate(chosen):
        plan[line_index] = list(KINDS)[i % len(KINDS)]
    dirty_lines = list(clean_lines)
    for index, kind in plan.items():
        cells = dirty_lines[index].split(",")
        ind, unit = cells[0], next(u for i, u, _ in INDICATORS if i == cells[0])
        if kind == "type-error":
            cells[4] = f"{cells[4]} %"
        elif kind == "pattern":
            cells[1] = "E" + cells[1][2:]  # one digit short, still unique per area
        elif kind == "enum":
            cells[9] = "Final"
        elif kind == "required":
            cells[10] = ""
        elif kind == "primary-key":
            prev = dirty_lines[index - 1].split(",")
            if index - 1 in plan or prev[0] == "":
                continue
            cells[0], cells[1], cells[3] = prev[0], prev[1], prev[3]
        elif kind == "blank-row":
            cells = [""] * 12
        elif kind == "extra-cell":
            cells = cells + ["stray"]
        elif kind == "missing-cell":
            cells = cells[:10]
        elif kind == "foreign-key":
            cells[0] = "no-such-indicator"
        elif kind == "out-of-bounds":
            if unit not in ("percent", "years", "count", "rate_per_100000"):
                continue
            cells[4] = "-5" if unit != "percent" else "104.2"
            cells[5] = cells[6] = cells[7] = cells[8] = ""
        elif kind == "ci-order":
            if not cells[5]:
                continue
            cells[5], cells[6] = cells[6], cells[5]
        elif kind == "numerator-exceeds-denominator":
            if not cells[7]:
                continue
            cells[7], cells[8] = cells[8], cells[7]
        elif kind == "rate-inconsistent":
            if not cells[7]:
                continue
            cells[4] = str(round(float(cells[4]) * 1.1, 1))
            cells[5] = cells[6] = ""
        elif kind == "period-format":
            # fits the schema's general period pattern, not this indicator's frequency
            cells[3] = "2031/32" if next(f for i, _u, f in INDICATORS if i == cells[0]) == "annual" else "2031"
        elif kind == "value-missing":
            cells[4] = cells[5] = cells[6] = ""
        elif kind == "not-integer":
            if unit != "count":
                continue
            cells[4] = cells[4] + ".5"
        dirty_lines[index] = ",".join(cells)
        injected[kind].append(index + 1)
    dirty.write_text("\n".join(dirty_lines) + "\n")
    return injected


def _line(rng, ind, unit, area, period, base) -> str:
    value = base * (1 + rng.uniform(-0.05, 0.05))
    if unit == "count":
        v = str(int(value))
        return f"{ind},{area},Area {area},{period},{v},,,,,final,DfE,"
    if unit in ("percent", "rate_per_100000"):
        den = rng.randint(20000, 60000) if unit == "percent" else 100000
        num = int(round(value / (100 if unit == "percent" else 100000) * den))
        v = round(num / den * (100 if unit == "percent" else 100000), 1)
        low, high = round(v * 0.95, 1), round(v * 1.05, 1)
        return f"{ind},{area},Area {area},{period},{v},{low},{high},{num},{den},final,ONS,"
    v = round(value, 1)
    return f"{ind},{area},Area {area},{period},{v},{round(v - 1, 1)},{round(v + 1, 1)},,,provisional,ONS,note"


def run(cmd: list[str]) -> tuple[float, float, subprocess.CompletedProcess]:
    """(wall seconds, peak RSS MB of this child, result); os.wait4 gives this one child's own rusage."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=WORK)
    out, err = _drain(proc)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss / 1024, subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def _drain(proc) -> tuple[str, str]:
    """Read both pipes to the end without reaping the child (so wait4 can)."""
    import threading

    chunks = {"err": []}
    reader = threading.Thread(target=lambda: chunks["err"].append(proc.stderr.read()))
    reader.start()
    out = proc.stdout.read()
    reader.join()
    return out, "".join(chunks["err"])


def frictionless_cmd(path: Path, schema: Path) -> list[str]:
    # frictionless refuses absolute paths as unsafe: run it in bench/_work with relative names (see run())
    return [str(BIN / "frictionless"), "validate", "--schema", schema.name, "--json", "--limit-errors", "10000000", path.name]


def ours_cmd(path: Path, catalogue: Path, engine: str | None = None) -> list[str]:
    """`validate` as a user runs it (no --engine: auto), or with the engine given."""
    chosen = ["--engine", engine] if engine else []
    return [str(BIN / "stoke-opendata"), "validate", *chosen, "--format", "json", "--no-history", "--catalogue", str(catalogue), str(path)]


# issue 25's targets: ours (median) against polars' typed read of the same rows, in the same run
TARGETS = {1_000_000: 1.25, 5_000_000: 1.5}
POLARS_READ = (
    "import sys, polars as pl; cols='indicator_id,area_code,area_name,period,value,lower_ci,upper_ci,numerator,denominator,status,source,notes'.split(',');"
    "t={c: pl.String for c in cols}; t.update({c: pl.Float64 for c in ('value','lower_ci','upper_ci','numerator','denominator')});"
    "df=pl.read_csv(sys.argv[1], schema_overrides=t); print(df.height)"
)
POLARS_READ_TEXT = "import sys, polars as pl; df=pl.read_csv(sys.argv[1], infer_schema=False, truncate_ragged_lines=True); print(df.height)"


def refused(result: subprocess.CompletedProcess) -> str | None:
    """Why a run gave no report (exit code and its error line), or None if it gave one."""
    if result.returncode in (0, 1):
        try:
            json.loads(result.stdout)
            return None
        except ValueError:
            return f"exit {result.returncode} but the output is not JSON: {result.stdout.strip()[:160]!r}"
    lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
    return f"exit {result.returncode}: {(lines[-1] if lines else '(no message)')[:300]}"


def frictionless_rows(result: subprocess.CompletedProcess) -> dict[str, set[int]]:
    data = json.loads(result.stdout)
    found: dict[str, set[int]] = {}
    for task in data.get("tasks", []):
        for err in task.get("errors", []):
            key = err["type"]
            if key == "constraint-error":
                note = err.get("note", "")
                key = "required" if "required" in note else "pattern" if "pattern" in note else "enum" if "enum" in note else key
            found.setdefault(key, set()).add(err.get("rowNumber"))
    return found


def ours_rows(result: subprocess.CompletedProcess) -> dict[str, set[int]]:
    data = json.loads(result.stdout)
    found: dict[str, set[int]] = {}
    for p in data["problems"]:
        key = p["constraint"] if p["code"] == "constraint-error" else p["code"]
        found.setdefault(key, set()).add(p["row"])
    return found


def byte_compile() -> None:
    """Compile the package's modules as installing a wheel would (`make install` does the same): an
    editable install leaves them uncompiled, and with PYTHONDONTWRITEBYTECODE set every run would
    compile them again, which is not what a user's installed copy does."""
    import compileall

    compileall.compile_dir(ROOT / "stoke_opendata", quiet=1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--skip-frictionless", action="store_true", help="only ours and polars (frictionless takes ~1 min per file)")
    parser.add_argument("--repeat", type=int, default=5, help="rounds of polars and ours (one run of each per round), the median reported (frictionless runs once)")
    parser.add_argument("--work", type=Path, help="folder of the generated files (default bench/_work), e.g. another worktree's, with --reuse")
    parser.add_argument("--engine", help="--engine for ours (default: none given, i.e. auto, as a user runs it)")
    parser.add_argument("--generate-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--reuse", action="store_true", help="reuse the files of an earlier run with the same --rows (the generator is seeded: same bytes)")
    args = parser.parse_args()
    global WORK
    WORK = (args.work or WORK).resolve()
    WORK.mkdir(exist_ok=True)
    byte_compile()
    clean, dirty, catalogue = WORK / f"obs_{args.rows}.csv", WORK / f"obs_{args.rows}_errors.csv", WORK / f"catalogue_{args.rows}"
    schema = ROOT / "schemas" / "observations.schema.json"
    t0 = time.perf_counter()
    manifest = WORK / f"injected_{args.rows}.json"
    if args.generate_only:
        manifest.write_text(json.dumps(generate(args.rows, clean, dirty, catalogue)))
        return 0
    # generated in a child process: a forked child's peak RSS counts the parent's pages, so the parent
    # must stay small for the peak memory figures of the tools to be their own
    if not (args.reuse and clean.exists() and dirty.exists() and manifest.exists()):
        subprocess.run([PYTHON, __file__, "--generate-only", "--rows", str(args.rows), "--work", str(WORK)], check=True)
    injected = json.loads(manifest.read_text())
    print(f"generated {args.rows:,} rows (+ errors copy: {sum(map(len, injected.values())):,} injected rows) in {time.perf_counter() - t0:.1f}s")
    print(f"(this script's own peak RSS: {__import__('resource').getrusage(__import__('resource').RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")
    # frictionless resolves the foreign keys against the package; with a bare schema it cannot: drop them for it
    fl_schema = WORK / "observations.nofk.schema.json"
    data = json.loads(schema.read_text())
    data.pop("foreignKeys", None)
    fl_schema.write_text(json.dumps(data))

    results = {}
    # polars and ours run in rounds, one run of each per round, so that every tool meets the same
    # moments of a shared, noisy machine; each is reported by its median run (and its fastest, the run
    # least disturbed by other work). The reference is polars reading the clean file with a typed schema
    # (a typed read of the errors file stops at the first non-number, which is why validation must read
    # text and cast itself). frictionless takes ~40 s a run and runs once per file.
    fast = [("polars read typed (clean)", [PYTHON, "-c", POLARS_READ, str(clean)])]
    for label, path in (("clean", clean), ("errors", dirty)):
        fast.append((f"polars read as text ({label})", [PYTHON, "-c", POLARS_READ_TEXT, str(path)]))
        fast.append((f"stoke-opendata validate ({label})", ours_cmd(path, catalogue, args.engine)))
    samples: dict[str, list] = {name: [] for name, _ in fast}
    for _round in range(max(1, args.repeat)):
        for name, cmd in fast:
            samples[name].append(run(cmd))
    order = {name: list(runs) for name, runs in samples.items()}  # in round order, for per-round ratios
    for name, runs in samples.items():
        runs.sort(key=lambda r: r[0])
        median = runs[len(runs) // 2]
        # peak memory: the largest of the runs (threads make it vary a little from run to run)
        results[name] = (median[0], max(r[1] for r in runs), median[2], runs[0][0])
    if not args.skip_frictionless:
        for label, path in (("clean", clean), ("errors", dirty)):
            wall, peak, result = run(frictionless_cmd(path, fl_schema))
            results[f"frictionless validate ({label})"] = (wall, peak, result, wall)
    print(f"\n{'run':38} {'wall s':>8} {'fastest':>8} {'rows/s':>12} {'peak MB':>9}   (polars and ours: median of {args.repeat} rounds)")
    for name, (wall, peak, result, best) in results.items():
        if result.returncode not in (0, 1):
            print(f"{name}: exit {result.returncode}: {result.stderr.strip()[:300]}")
        print(f"{name:38} {wall:8.2f} {best:8.2f} {args.rows / wall:12,.0f} {peak:9.0f}")

    print()
    polars = results["polars read typed (clean)"]
    for label in ("clean", "errors"):
        ours = results[f"stoke-opendata validate ({label})"]
        if refused(ours[2]):
            print(f"{label}: ours gave no report ({refused(ours[2])}): no ratio")
            continue
        print(
            f"{label}: ours / polars typed read of the clean file: wall x{ours[0] / polars[0]:.2f} (fastest runs x{ours[3] / polars[3]:.2f}), "
            f"peak memory x{ours[1] / polars[1]:.2f}"
        )
        # the spread: each round's ratio (ours and polars ran back to back in that round)
        rounds = [o[0] / p[0] for o, p in zip(order[f"stoke-opendata validate ({label})"], order["polars read typed (clean)"])]
        target = TARGETS.get(args.rows)
        verdict = f"; target <= x{target}: {'met' if ours[0] / polars[0] <= target else 'NOT met'}" if target else ""
        print(f"{label}: per-round ratios {', '.join(f'x{r:.2f}' for r in rounds)}{verdict}")
        if not args.skip_frictionless:
            fl = results[f"frictionless validate ({label})"]
            print(
                f"{label}: throughput ours / frictionless: x{fl[0] / ours[0]:.1f} (fastest run of ours x{fl[0] / ours[3]:.1f}; "
                f"frictionless {fl[0]:.1f} s, ours {ours[0]:.2f} s)"
            )

    ok = True
    failed = {name: why for name, (_w, _p, result, _b) in results.items() if name.startswith(("stoke", "frictionless")) and (why := refused(result))}
    if failed:
        # a refused or failed run is reported as such (e.g. a 5M-row file over the 200 MB size cap), not a traceback
        for name, why in failed.items():
            print(f"REFUSED/FAILED: {name}: {why}")
        print("(a legitimate large file: STOKE_OPENDATA_MAX_FILE_MB=5000; see docs/scale.md and bench/scale_bench.py)")
        print("result: FAIL (no comparison of findings: a run gave no report)")
        return 1
    found = ours_rows(results["stoke-opendata validate (errors)"][2])
    clean_found = ours_rows(results["stoke-opendata validate (clean)"][2])
    if clean_found:
        ok = False
        print(f"FAIL: errors reported on the clean file: { {k: len(v) for k, v in clean_found.items()} }")
    fl_found = frictionless_rows(results["frictionless validate (errors)"][2]) if not args.skip_frictionless else None
    print(f"\n{'injected kind':32} {'rows':>6} {'ours':>6} {'frictionless':>13}")
    for kind, rows in injected.items():
        expected = set(rows)
        mine = found.get(kind, set()) & expected
        line = f"{kind:32} {len(expected):6} {len(mine):6}"
        if len(mine) != len(expected):
            ok = False
        if fl_found is not None:
            if KINDS[kind] and kind != "foreign-key":
                theirs = fl_found.get(kind, set()) & expected
                line += f" {len(theirs):13}"
                if theirs != mine:
                    ok = False
                    line += "  MISMATCH"
            else:
                line += f" {'n/a':>13}"
        print(line)
    extra = {k: len(v - set(injected.get(k, []))) for k, v in found.items() if v - set(injected.get(k, []))}
    if extra:
        print(f"reported beyond the injected rows (knock-on effects, e.g. a blank row's neighbours): {extra}")
    import platform

    print(f"\nmachine: {os.cpu_count()} cores, Python {platform.python_version()}, load average {os.getloadavg()[0]:.2f} at the end")
    print("result:", "OK, both found the same injected rows" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

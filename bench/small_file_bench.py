"""Benchmark: the small-file case of issue 25 (100 rows: "no slower than today"). A 100-row run is mostly
start-up (interpreter, imports, catalogue), so one run says little on a shared machine: this runs many
rounds (default 30), each one run of polars' typed read of the clean file and one of ours on the clean and
the errors file, and prints medians, quartiles and the per-round ratios to polars (the spread).

With --reference (a folder holding stoke_opendata/, or a git revision exported as bench/compare_checkouts.py
does), each round also runs the reference checkout and this one through the same start-up shim, so
"today vs the new engine" is printed in the same run as the ratio to polars.

The files are bench/validate_bench.py's generator at 100 rows (every injected kind it can place in 100 rows;
a few kinds need a row of a particular unit and may be skipped), in bench/_work/small_100/, kept.

    nice -n 10 .venv/bin/python bench/small_file_bench.py                       # ours vs polars, 30 rounds
    nice -n 10 .venv/bin/python bench/small_file_bench.py --reference 17fb538   # + today's code vs this checkout
    nice -n 10 .venv/bin/python bench/small_file_bench.py --engine query --reference 17fb538
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import compare_checkouts  # noqa: E402
import validate_bench  # noqa: E402

ROWS = 100


def files(rows: int) -> tuple[Path, Path, Path, Path]:
    folder = validate_bench.WORK / f"small_{rows}"
    clean, dirty, cat, manifest = folder / f"obs_{rows}.csv", folder / f"obs_{rows}_errors.csv", folder / f"catalogue_{rows}", folder / "injected.json"
    if not (clean.exists() and dirty.exists() and manifest.exists()):
        folder.mkdir(parents=True, exist_ok=True)
        manifest.write_text(json.dumps(validate_bench.generate(rows, clean, dirty, cat)))
    return clean, dirty, cat, manifest


def spread(values: list[float]) -> str:
    q1, q2, q3 = compare_checkouts.quartiles(values)
    return f"{q2:.3f} ({q1:.3f}-{q3:.3f}; {min(values):.3f}-{max(values):.3f})"


def ratio_spread(values: list[float]) -> str:
    q1, q2, q3 = compare_checkouts.quartiles(values)
    return f"x{q2:.2f} (quartiles x{q1:.2f}-x{q3:.2f}, range x{min(values):.2f}-x{max(values):.2f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--runs", type=int, default=30, help="rounds (one run of each command per round)")
    parser.add_argument("--engine", help="--engine for this checkout's runs (default: none given, i.e. auto, as a user runs it)")
    parser.add_argument("--reference", help="also run this checkout (a folder or a git revision) through the same shim, alternating")
    parser.add_argument("--ref-engine", help="--engine for the reference's runs (default: none given)")
    parser.add_argument("--generate-only", action="store_true", help="write the files and stop")
    args = parser.parse_args()
    if args.runs < 1 or args.rows < 20:
        parser.error("--runs must be >= 1 and --rows >= 20")
    clean, dirty, cat, manifest = files(args.rows)
    if args.generate_only:
        print(f"clean {clean}, errors {dirty}, catalogue {cat}")
        return 0
    validate_bench.byte_compile()
    engine = ["--engine", args.engine] if args.engine else []
    commands = {"polars read typed (clean)": [validate_bench.PYTHON, "-c", validate_bench.POLARS_READ, str(clean)]}
    for label, path in (("clean", clean), ("errors", dirty)):
        cmd = validate_bench.ours_cmd(path, cat)
        commands[f"ours, validate ({label})"] = cmd[:2] + engine + cmd[2:]
    with tempfile.TemporaryDirectory(prefix="small-file-bench-") as scratch:
        if args.reference:
            ref_root = compare_checkouts.checkout(args.reference, Path(scratch))
            import compileall

            compileall.compile_dir(ref_root / "stoke_opendata", quiet=1)
            commands["reference (errors, shim)"] = compare_checkouts.validate_cmd(str(ref_root), str(dirty), str(cat), args.ref_engine)
            commands["this checkout (errors, shim)"] = compare_checkouts.validate_cmd(str(validate_bench.ROOT), str(dirty), str(cat), args.engine)
            print(f"reference: {args.reference} ({ref_root}){f', --engine {args.ref_engine}' if args.ref_engine else ''}")
        for cmd in commands.values():  # warm-up (page cache, first start of the JVM-free interpreter), not counted
            subprocess.run(cmd, capture_output=True, cwd=validate_bench.WORK)
        walls: dict[str, list[float]] = {name: [] for name in commands}
        peaks: dict[str, float] = {name: 0.0 for name in commands}
        outputs: dict[str, set] = {name: set() for name in commands}
        load_before = os.getloadavg()
        for _ in range(args.runs):
            for name, cmd in commands.items():
                wall, peak, result = validate_bench.run(cmd)
                walls[name].append(wall)
                peaks[name] = max(peaks[name], peak)
                outputs[name].add((result.returncode, result.stdout if name.startswith(("ours", "reference", "this")) else ""))
        load_after = os.getloadavg()

    print(f"\n{args.rows} rows, {args.runs} rounds (one run of each per round, in this order); wall s: median (quartiles; range)")
    for name, values in walls.items():
        codes = sorted({o[0] for o in outputs[name]})
        print(f"{name:32} {spread(values):40} peak {peaks[name]:5.0f} MB  exit {codes}")
    polars = walls["polars read typed (clean)"]
    print()
    for label in ("clean", "errors"):
        ours = walls[f"ours, validate ({label})"]
        rounds = [o / p for o, p in zip(ours, polars)]
        print(f"{label}: ours / polars typed read: medians x{statistics.median(ours) / statistics.median(polars):.2f}; per round {ratio_spread(rounds)}")
    ok = True
    if args.reference:
        this, ref = walls["this checkout (errors, shim)"], walls["reference (errors, shim)"]
        rounds = [t / r for t, r in zip(this, ref)]
        same = len(outputs["reference (errors, shim)"]) == 1 and outputs["reference (errors, shim)"] == outputs["this checkout (errors, shim)"]
        ok = same
        print(
            f"this checkout / reference (errors file): medians x{statistics.median(this) / statistics.median(ref):.2f}; per round {ratio_spread(rounds)}; "
            f"same exit code and report in every run: {same}"
        )
    # the findings: every injected row found (as validate_bench.py checks), nothing on the clean file
    for name, expect_clean in (("ours, validate (clean)", True), ("ours, validate (errors)", False)):
        if len(outputs[name]) != 1:
            ok = False
            print(f"FAIL: {name}: the runs gave different reports or exit codes")
        code, stdout = next(iter(outputs[name]))
        why = validate_bench.refused(subprocess.CompletedProcess([], code, stdout, ""))
        if why:
            print(f"FAIL: {name}: no report ({why})")
            ok = False
            continue
        found = validate_bench.ours_rows(subprocess.CompletedProcess([], code, stdout, ""))
        if expect_clean and found:
            ok = False
            print(f"FAIL: errors reported on the clean file: { {k: len(v) for k, v in found.items()} }")
        if not expect_clean:
            injected = json.loads(manifest.read_text())
            missed = {k: sorted(set(rows) - found.get(k, set())) for k, rows in injected.items() if set(rows) - found.get(k, set())}
            placed = sum(1 for rows in injected.values() if rows)
            print(f"injected kinds placed in {args.rows} rows: {placed} of {len(injected)}; missed: {missed or 'none'}")
            ok = ok and not missed
    print(f"load average (1, 5, 15 min): before {', '.join(f'{x:.2f}' for x in load_before)}; after {', '.join(f'{x:.2f}' for x in load_after)}")
    print(f"machine: {os.cpu_count()} cores, Python {platform.python_version()}")
    print("result:", "OK" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

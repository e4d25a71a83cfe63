"""Benchmark: the same `validate` run by two checkouts of this project (e.g. main before a change and this
branch after it), to show a change made a case no slower. Whole processes, alternating, so both meet the
same moments of a shared machine; the package is imported from each checkout (the venv's editable-install
finder is bypassed) and both are byte-compiled first, as an installed wheel would be. One uncounted run of
each warms the page cache.

The reference is a folder holding stoke_opendata/ (another worktree) or a git revision of this repository,
exported with `git archive` into a temporary folder (no worktree is added to the repository; the package
reads schemas/, datasets/ and publish/ beside itself, so the whole tree is exported, ~6 MB).

    .venv/bin/python bench/compare_checkouts.py REF FILE --catalogue DIR [--runs 30] [--engine E] [--ref-engine E]
    # today vs the new engine at 100 rows (the small-file case of issue 25):
    .venv/bin/python bench/small_file_bench.py --generate-only          # bench/_work/small_100/
    nice -n 10 .venv/bin/python bench/compare_checkouts.py 17fb538 bench/_work/small_100/obs_100_errors.csv \\
        --catalogue bench/_work/small_100/catalogue_100 --runs 30
Prints each side's median, quartiles and range, the ratio of the medians and the quartiles of the per-round
ratios (the spread), the load average before and after, and whether every run gave the same exit code and
report (exit 1 if not).
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHIM = (
    "import sys; sys.meta_path=[f for f in sys.meta_path if 'editable' not in repr(f).lower()]; sys.path.insert(0, sys.argv.pop(1));"
    "sys.argv[0]='stoke-opendata'; from stoke_opendata.cli import entry; entry()"
)


def checkout(reference: str, scratch: Path) -> Path:
    """The folder whose stoke_opendata/ is the reference: the path itself, or a git revision exported."""
    folder = Path(reference)
    if (folder / "stoke_opendata").is_dir():
        return folder.resolve()
    rev = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--verify", f"{reference}^{{commit}}"], capture_output=True, text=True)
    if rev.returncode:
        print(f"error: {reference}: neither a folder holding stoke_opendata/ nor a git revision of {ROOT}", file=sys.stderr)
        raise SystemExit(2)
    archive = scratch / "ref.tar"
    # the whole tree: the package reads schemas/, datasets/ and publish/ beside itself (catalogue/paths.py)
    subprocess.run(["git", "-C", str(ROOT), "archive", "-o", str(archive), rev.stdout.strip()], check=True)
    target = scratch / f"ref-{rev.stdout.strip()[:10]}"
    with tarfile.open(archive) as tar:
        tar.extractall(target, filter="data")
    return target


def quartiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) < 2:
        return (values[0],) * 3
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q2, q3


def validate_cmd(root: str, file: str, catalogue: str, engine: str | None) -> list[str]:
    cmd = [sys.executable, "-c", SHIM, root, "validate", "--format", "json", "--no-history", "--catalogue", catalogue]
    return cmd + (["--engine", engine] if engine else []) + [file]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("reference", help="the other checkout: a folder holding stoke_opendata/, or a git revision (e.g. main, a commit)")
    parser.add_argument("file")
    parser.add_argument("--catalogue", required=True)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--engine", help="--engine for this checkout's runs (default: none given, i.e. auto)")
    parser.add_argument("--ref-engine", help="--engine for the reference's runs (default: none given)")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be >= 1")
    with tempfile.TemporaryDirectory(prefix="compare-checkouts-") as scratch:
        ref_root = checkout(args.reference, Path(scratch))
        for root in (ref_root, ROOT):
            compileall.compile_dir(root / "stoke_opendata", quiet=1)
        sides = {
            "reference": validate_cmd(str(ref_root), args.file, args.catalogue, args.ref_engine),
            "this checkout": validate_cmd(str(ROOT), args.file, args.catalogue, args.engine),
        }
        print(f"reference: {args.reference} ({ref_root}){f', --engine {args.ref_engine}' if args.ref_engine else ''}")
        print(f"this checkout: {ROOT}{f', --engine {args.engine}' if args.engine else ''}")
        for cmd in sides.values():  # warm-up, not counted
            subprocess.run(cmd, capture_output=True)
        times: dict[str, list[float]] = {name: [] for name in sides}
        outputs: dict[str, set] = {name: set() for name in sides}
        load_before = os.getloadavg()
        for _ in range(args.runs):
            for name, cmd in sides.items():
                start = time.perf_counter()
                result = subprocess.run(cmd, capture_output=True, text=True)
                times[name].append(time.perf_counter() - start)
                outputs[name].add((result.returncode, result.stdout))
        load_after = os.getloadavg()
    for name, values in times.items():
        q1, q2, q3 = quartiles(values)
        print(f"{name}: median {q2:.3f} s (quartiles {q1:.3f}-{q3:.3f}), fastest {min(values):.3f}, slowest {max(values):.3f} over {len(values)} runs")
    ratio = statistics.median(times["this checkout"]) / statistics.median(times["reference"])
    rounds = [t / r for t, r in zip(times["this checkout"], times["reference"])]
    q1, q2, q3 = quartiles(rounds)
    print(f"this checkout / reference (medians): x{ratio:.2f}; per-round ratios: median x{q2:.2f}, quartiles x{q1:.2f}-x{q3:.2f}, range x{min(rounds):.2f}-x{max(rounds):.2f}")
    print(f"load average (1, 5, 15 min): before {', '.join(f'{x:.2f}' for x in load_before)}; after {', '.join(f'{x:.2f}' for x in load_after)}")
    codes = {name: sorted({o[0] for o in out}) for name, out in outputs.items()}
    same = all(len(out) == 1 for out in outputs.values()) and outputs["reference"] == outputs["this checkout"]
    print(f"exit codes: reference {codes['reference']}, this checkout {codes['this checkout']}; same exit code and report in every run: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())

"""The meaning checks run two ways on the same table: directly as polars expressions (what `validate` does)
and through pandera.polars (checks/pandera_adapter.py builds the schema from the same expressions).
Prints import cost, run time and whether both found the same rows. Uses bench/_work/ from validate_bench.py.

    .venv/bin/python bench/meaning_engines.py [--rows 1000000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

SCRIPT = r"""
import json, sys, time
t0 = time.perf_counter()
from stoke_opendata.validate import checks
from stoke_opendata.validate.checks.base import RowCheck, REGISTRY
from stoke_opendata.catalogue.paths import schema_path
from stoke_opendata.validate.tables.csv_reader import read_csv
from stoke_opendata.validate.tableschema.check import check_structure
from stoke_opendata.validate.pipeline import Catalogue
cat = Catalogue(sys.argv[2])
checked = check_structure(read_csv(sys.argv[1]), json.loads(schema_path("observations").read_text()), cat.reference)
ctx = checks.build_context(checked, cat.definitions(), None)
# compare the rules themselves: without the direct run's "not twice for one cell" filter, which pandera lacks
ctx.reported, ctx.short_rows = set(), set()
row_checks = [c for c in REGISTRY if isinstance(c, RowCheck) and type(c).__module__.split(".")[-1] in ("bounds", "intervals", "rates", "periods", "values")]
t1 = time.perf_counter()
direct = {}
for p in checks.run_checks(ctx, row_checks):
    direct.setdefault(f"{p.code}:{p.column}", set()).add(p.row)
t2 = time.perf_counter()
import pandera.polars
t3 = time.perf_counter()
from stoke_opendata.validate.checks.pandera_adapter import pandera_failures
found = pandera_failures(ctx, row_checks)
t4 = time.perf_counter()
print(json.dumps({"direct_s": t2 - t1, "pandera_import_s": t3 - t2, "pandera_run_s": t4 - t3, "same_rows": found == direct, "rows_flagged": sum(map(len, direct.values()))}))
"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    work = HERE / "_work"
    path = work / f"obs_{args.rows}_errors.csv"
    if not path.exists():
        print(f"run bench/validate_bench.py --rows {args.rows} first (needs {path})")
        return 2
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(path), str(work / f"catalogue_{args.rows}")], capture_output=True, text=True, cwd=ROOT)
    if out.returncode:
        print(out.stderr)
        return 1
    r = json.loads(out.stdout)
    print(f"meaning checks on {args.rows:,} rows ({r['rows_flagged']} rows flagged):")
    print(f"  polars expressions, direct : {r['direct_s']:.3f} s")
    print(f"  pandera.polars import      : {r['pandera_import_s']:.3f} s")
    print(f"  pandera.polars run         : {r['pandera_run_s']:.3f} s")
    print(f"  same rows found            : {r['same_rows']}")
    return 0 if r["same_rows"] else 1


if __name__ == "__main__":
    sys.exit(main())

"""What each piece of the query engine's streaming plan adds to polars's own read of the same file.

The plan (stoke_opendata/engines/plan.py) is built for FILE as `validate --engine query` builds it, then
collected piece by piece with polars's streaming engine, each the fastest of --runs:

1. polars's typed read of the clean file (the reference: FILE with `_errors` removed from its name, as
   bench/scale_bench.py and bench/validate_bench.py name their pair; FILE itself if there is no such file);
2. our scan, every cell as text;
3. + each field's cast and the indicator attributes;
4. + the rule expressions filtering the flagged rows;
5. + the series columns written to their buckets (engines/stream.run: the whole streaming pass).

    .venv/bin/python bench/plan_pieces.py bench/_work/scale_5000000_errors.csv --catalogue bench/_work/scale_cat_5000000

The differences between lines are what a piece costs; for the whole run's phases see bench/query_phases.py,
for the ratios of record bench/scale_bench.py and bench/validate_bench.py.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--catalogue", required=True)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ["STOKE_OPENDATA_STREAM_OVER_MB"] = "0"  # the streaming plan, whatever the size
    os.environ.setdefault("STOKE_OPENDATA_MAX_FILE_MB", "1000000")

    import polars as pl

    from stoke_opendata import engines
    from stoke_opendata.engines import plan, stream

    built = {}
    real_build = plan.build

    def keep(*a, **k):
        result = real_build(*a, **k)
        built.update(plan=result, layout=a[0])
        return result

    plan.build = keep
    engines.validate([args.path], engine="query", catalogue_dir=args.catalogue, history=False)
    plan.build = real_build
    if not built:
        print("error: the query engine did not plan this file (another engine read it)", file=sys.stderr)
        return 2
    b, layout = built["plan"], built["layout"]
    clean = args.path.with_name(args.path.name.replace("_errors", ""))
    clean = clean if clean.exists() else args.path

    def whole_pass() -> None:
        folder = Path(tempfile.mkdtemp(prefix="plan-pieces-"))
        try:
            stream.run(b, layout, {}, folder / "part-0", args.path.stat().st_size)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    pieces = [
        (f"polars typed read of {clean.name} (the reference)", lambda: pl.scan_csv(clean).select(pl.all().null_count()).collect(engine="streaming")),
        ("our scan, every cell as text", lambda: plan.scan_rows(layout).select(pl.all().null_count()).collect(engine="streaming")),
        ("+ casts and indicator attributes", lambda: b.base.select(pl.all().null_count()).collect(engine="streaming")),
        ("+ the rules: the flagged rows", lambda: b.suspects.collect(engine="streaming")),
        ("+ the series columns into buckets (the whole pass)", whole_pass),
    ]
    print(f"{'fastest s':>9}  piece ({args.runs} runs each, streaming; {args.path.name})")
    for label, run in pieces:
        times = []
        for _ in range(args.runs):
            began = time.perf_counter()
            run()
            times.append(time.perf_counter() - began)
        print(f"{min(times):9.2f}  {label}", flush=True)
    print(f"load average {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`make fuzz`: a long fuzz run, in-process, that keeps going after a failure and counts everything.

    .venv/bin/python tests/fuzz/long_run.py --examples 100000 [--corpus fuzz-corpus] [--spark-every 0]

First the saved corpus is replayed (tests/fuzz/seeds/ and CORPUS/failures/), then EXAMPLES new inputs are
drawn from the strategies in fuzz_inputs.py. Every failing input is written to CORPUS/failures/ with why
it failed (copy it to tests/fuzz/seeds/ once fixed, so that CI keeps it fixed); hypothesis' own database
is CORPUS/db. One line of counts every --every inputs and at the end; exit 1 if anything failed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from fuzz_harness import Tally, check_input, save_failure  # noqa: E402


def replay(folders, tally: Tally, corpus: Path) -> None:
    for folder in folders:
        for path in sorted(folder.glob("*")) if folder.is_dir() else []:
            if path.suffix not in (".csv", ".xlsx"):
                continue
            schema = "targets" if "-targets" in path.stem else "observations"
            failures = check_input(path.read_bytes(), path.suffix, schema, tally, cli=True)
            if failures:
                print(f"seed {path.name}: " + " | ".join(f[:300] for f in failures), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=100_000)
    parser.add_argument("--corpus", type=Path, default=Path("fuzz-corpus"))
    parser.add_argument("--every", type=int, default=1000)
    parser.add_argument("--cli-every", type=int, default=25, help="also run the console command on every Nth input")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()

    from hypothesis import HealthCheck, given, seed, settings
    from hypothesis.database import DirectoryBasedExampleDatabase

    from fuzz_inputs import inputs

    tally = Tally()
    started = time.time()
    replay([HERE / "seeds", args.corpus / "failures"], tally, args.corpus)
    print("replayed:", tally.line(), flush=True)

    @settings(max_examples=args.examples, deadline=None, database=DirectoryBasedExampleDatabase(str(args.corpus / "db")),
              suppress_health_check=list(HealthCheck), derandomize=False, print_blob=True)
    @given(inputs())
    def one(drawn):
        data, suffix, schema = drawn
        n = tally.counts["inputs"]
        failures = check_input(data, suffix, schema, tally, cli=args.cli_every > 0 and n % args.cli_every == 0)
        if failures:
            saved = save_failure(args.corpus / "failures", data, suffix, schema, failures)
            print(f"FAIL {saved}: " + " | ".join(f[:300] for f in failures), flush=True)
        if tally.counts["inputs"] % args.every == 0:
            print(f"[{time.time() - started:7.0f} s] {tally.line()}", flush=True)

    if args.seed is not None:
        one = seed(args.seed)(one)
    one()
    bad = tally.counts["internal"] + tally.counts["over_budget"] + tally.counts["disagree"]
    print(f"done in {time.time() - started:.0f} s: {tally.line()}", flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

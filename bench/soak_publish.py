"""Soak test of fault-tolerant publishing against the real local CKAN (portal/up.sh must have run).

    .venv/bin/python bench/soak_publish.py [--runs 50] [--kill-runs 10] [--seed 1] [--rate 0.4]

Each run publishes a fresh small package through a seeded fault proxy (connection resets before/after
CKAN acts and mid-answer, delays, 502/503 before/after CKAN acts), or through a proxy that SIGKILLs a
CKAN server process mid-publish and restarts it; then checks that the failed publish left no metadata
pointing at a missing or wrong file; reruns a normal publish; and checks the portal holds exactly the
package (one dataset, one resource per file, every file's sha256, DataStore rows equal to the CSV rows),
and that one more rerun finds nothing to do. Prints the counts; exits 1 if any anomaly was found.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import fault_runs  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50, help="proxy-fault runs (default 50)")
    parser.add_argument("--kill-runs", type=int, default=10, help="kill-and-restart-CKAN runs (default 10)")
    parser.add_argument("--seed", type=int, default=1, help="first seed (default 1)")
    parser.add_argument("--rate", type=float, default=0.4, help="share of requests given a fault (default 0.4)")
    parser.add_argument("-v", "--verbose", action="store_true", help="a line per run")
    args = parser.parse_args()
    try:
        result = fault_runs.soak(args.runs, first_seed=args.seed, kill_runs=args.kill_runs, rate=args.rate,
                                 log=print if args.verbose else (lambda s: None))
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"soak: {result.line()}")
    print("faults by kind: " + ", ".join(f"{k}={v}" for k, v in sorted(result.fault_kinds.items())))
    for detail in result.details:
        print(f"anomaly: {detail}")
    return 1 if result.anomalies else 0


if __name__ == "__main__":
    sys.exit(main())

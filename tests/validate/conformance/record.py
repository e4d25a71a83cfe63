"""Write the differences between frictionless and ours on the vendored fixtures to departures.yaml.

    .venv/bin/python tests/validate/conformance/record.py

Run by hand after a deliberate change. Every difference keeps the reason it already had in departures.yaml;
a new one gets reason "unexplained", which the conformance test refuses: give it one of the reasons listed
under `reasons` (each explained in docs/validation.md), or fix the difference.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402

DEPARTURES = Path(__file__).resolve().parent / "departures.yaml"


HEADER = [
    "# Deliberate departures of `stoke-opendata validate` from frictionless 5 on frictionless-py's own fixtures",
    "# (tests/validate/conformance/data). tests/validate/test_conformance.py fails on any difference not listed here, and on a listed",
    "# one that no longer happens. Each reason is explained in docs/validation.md (\"Departures from frictionless\").",
    "# A finding is [resource, code, row, field]; `only` says which tool reported it. Rewrite with",
    "# tests/validate/conformance/record.py after a deliberate change (it keeps the reasons).",
]


def main() -> None:
    old = yaml.safe_load(DEPARTURES.read_text()) if DEPARTURES.exists() else {}
    reasons = old.get("reasons") or {}
    known = {(d["case"], d["only"], tuple(d["finding"])): d["reason"] for d in old.get("departures") or []}
    lines = [*HEADER, "reasons:"]
    lines += [f"  {key}: " + yaml.safe_dump(text, default_style='"', width=10**6).strip() for key, text in reasons.items()]
    lines.append("departures:")
    unexplained = 0
    for case, only, finding in harness.differences():
        reason = known.get((case, only, tuple(finding)), "unexplained")
        unexplained += reason == "unexplained"
        entry = {"case": case, "only": only, "finding": list(finding), "reason": reason}
        lines.append("- " + yaml.safe_dump(entry, default_flow_style=True, width=10**6).strip())
    DEPARTURES.write_text("\n".join(lines) + "\n")
    print(f"{len(lines) - len(HEADER) - len(reasons) - 2} differences written to {DEPARTURES}; unexplained: {unexplained}")


if __name__ == "__main__":
    main()

"""Conformance: frictionless-py's own fixtures through frictionless 5 and through ours, findings compared.

Every package descriptor and every CSV + schema pair of frictionless-py's `data/` (vendored in
tests/validate/conformance/data, MIT, commit in SOURCE.txt) is validated by both tools. A finding is (resource, code,
row, field). Each difference must be listed in tests/validate/conformance/departures.yaml with a reason explained in
docs/validation.md; a new difference fails, and so does a listed one that no longer happens. Our side must
never end in an internal error: anything but a clear refusal (StokeError) raises here.
"""

import re
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "conformance"))

import harness  # noqa: E402

DEPARTURES = yaml.safe_load((HERE / "conformance" / "departures.yaml").read_text())
DOCS = (HERE.parent.parent / "docs" / "validation.md").read_text()


def test_fixtures_are_vendored_with_their_licence_and_commit():
    assert "MIT License" in (harness.DATA / "LICENSE.md").read_text()
    assert re.search(r"commit [0-9a-f]{40}", (harness.DATA / "SOURCE.txt").read_text())
    cases = harness.cases()
    assert sum(c.kind == "package" for c in cases) >= 40
    assert sum(c.kind == "pair" for c in cases) >= 40


def test_every_difference_from_frictionless_is_a_listed_departure():
    found = {(case, only, tuple(finding)) for case, only, finding in harness.differences()}
    listed = {(d["case"], d["only"], tuple(d["finding"])) for d in DEPARTURES["departures"]}
    new = sorted(found - listed, key=str)
    stale = sorted(listed - found, key=str)
    assert not new, "differences from frictionless not in departures.yaml (fix them, or list them with a reason):\n" + "\n".join(map(str, new))
    assert not stale, "listed departures that no longer happen (run tests/validate/conformance/record.py):\n" + "\n".join(map(str, stale))


def test_every_departure_has_a_reason_the_docs_explain():
    reasons = DEPARTURES["reasons"]
    for departure in DEPARTURES["departures"]:
        assert departure["reason"] in reasons, departure
    for key in reasons:
        assert f"`{key}`" in DOCS, f"docs/validation.md does not explain the departure {key!r}"


def test_what_frictionless_and_ours_agree_on_is_most_of_the_suite():
    """Not a tautology of the listing: at least 35 of the 94 cases must stay free of any difference,
    so a regression that makes ours report nothing, listed wholesale, would still be seen here."""
    differing = {d["case"] for d in DEPARTURES["departures"]}
    cases = harness.cases()
    agreeing = [c for c in cases if c.id not in differing]
    assert len(agreeing) >= 35, len(agreeing)
    # and on the cases where both found errors, ours found them: a type error frictionless finds in a
    # well-headed file is found by ours too
    assert ("number-test", "constraint-error", 3, "enum") in harness.ours_findings(next(c for c in cases if c.fixture == "number/datapackage.json"))

"""Statistical disclosure control: which cells are risky, primary and secondary suppression."""

import itertools
import random

import pytest

from stoke_opendata.safety import disclosure, suppression
from stoke_opendata.catalogue.definitions import Area, Catalogue, Indicator
from stoke_opendata.errors import UsageError

CITY, ENGLAND = "E06000021", "E92000001"
WARDS = ["E05008001", "E05008002", "E05008003", "E05008004"]
LSOAS = ["E01014001", "E01014002", "E01014003"]  # parts of the first ward


def _indicator(id_, unit="count", disclosive=True, threshold=None):
    return Indicator(
        id=id_, title=id_, theme="safer", mission=None, objective=None, unit=unit, minimum=None, maximum=None,
        higher_is_better=False, frequency="annual", comparator_area_code=None, status="measured",
        disclosive=disclosive, disclosure_threshold=threshold, document="doc", section="s",
    )


@pytest.fixture
def catalogue():
    areas = {
        ENGLAND: Area(ENGLAND, "England", "country"),
        CITY: Area(CITY, "Stoke-on-Trent", "local_authority", ENGLAND),
        **{w: Area(w, f"Ward {i}", "ward", CITY) for i, w in enumerate(WARDS)},
        **{l: Area(l, f"LSOA {i}", "lsoa", WARDS[0]) for i, l in enumerate(LSOAS)},
    }
    indicators = {
        "children-in-care": _indicator("children-in-care"),
        "rough-sleepers": _indicator("rough-sleepers", threshold=5),
        "obesity-rate": _indicator("obesity-rate", unit="percent"),
        "employment-rate": _indicator("employment-rate", unit="percent", disclosive=False),
    }
    return Catalogue(indicators=indicators, areas=areas)


def row(ind, area, value, period="2023", numerator="", denominator="", status="final"):
    return {
        "indicator_id": ind, "area_code": area, "period": period, "value": str(value), "lower_ci": "",
        "upper_ci": "", "numerator": str(numerator), "denominator": str(denominator), "status": status,
        "source": "test", "notes": "",
    }


def test_threshold_configuration(catalogue):
    ind = catalogue.indicators
    assert disclosure.threshold_for(ind["children-in-care"]) == 10
    assert disclosure.threshold_for(ind["children-in-care"], 20) == 20
    assert disclosure.threshold_for(ind["rough-sleepers"]) == 5
    assert disclosure.threshold_for(ind["rough-sleepers"], 3) == 5, "configuration never lowers a defined threshold"
    assert disclosure.threshold_for(ind["rough-sleepers"], 8) == 8
    assert disclosure.threshold_override(None, {"STOKE_OPENDATA_DISCLOSURE_THRESHOLD": "7"}) == 7
    assert disclosure.threshold_override(12, {"STOKE_OPENDATA_DISCLOSURE_THRESHOLD": "7"}) == 12
    assert disclosure.threshold_override(None, {}) is None
    for bad in ("x", "0", "-3"):
        with pytest.raises(UsageError):
            disclosure.threshold_override(None, {"STOKE_OPENDATA_DISCLOSURE_THRESHOLD": bad})
    with pytest.raises(UsageError):
        disclosure.threshold_override(0)


def test_small_areas_by_type_and_by_code_prefix(catalogue):
    assert disclosure.is_small_area(WARDS[0], catalogue)
    assert disclosure.is_small_area(LSOAS[0], catalogue)
    assert disclosure.is_small_area("E02000999", catalogue)  # an MSOA the areas table does not list
    assert not disclosure.is_small_area(CITY, catalogue)
    assert not disclosure.is_small_area(ENGLAND, catalogue)


def test_small_count_in_a_ward_is_a_risk_but_not_in_the_city(catalogue):
    rows = [
        row("children-in-care", CITY, 4),  # city level: not suppressed by the rule
        row("children-in-care", WARDS[0], 4),
        row("children-in-care", WARDS[1], 10),  # at the threshold: fine
        row("children-in-care", WARDS[2], 0),  # zero is below 10 too
        row("employment-rate", WARDS[3], 3, numerator=3, denominator=100),  # not disclosive
    ]
    risks = disclosure.find_risks(rows, catalogue)
    assert [(r.code, r.index, r.field) for r in risks] == [
        (disclosure.SMALL_COUNT, 1, "value"),
        (disclosure.SMALL_COUNT, 3, "value"),
    ]
    assert "below the disclosure threshold 10" in risks[0].message
    assert "stoke-opendata suppress" in risks[0].hint


def test_numerators_given_or_implied_are_checked(catalogue):
    rows = [
        row("obesity-rate", WARDS[0], 8.0, numerator=8, denominator=100),  # numerator 8 < 10
        row("obesity-rate", WARDS[1], 4.0, denominator=200),  # implied numerator 8
        row("obesity-rate", WARDS[2], 40.0, numerator=40, denominator=100),
        row("obesity-rate", WARDS[3], 12.5),  # no numerator or denominator: nothing to check
    ]
    risks = disclosure.find_risks(rows, catalogue)
    assert [(r.index, r.field) for r in risks] == [(0, "numerator"), (1, "value")]


def test_threshold_override_reaches_more_cells(catalogue):
    rows = [row("children-in-care", WARDS[0], 12)]
    assert disclosure.find_risks(rows, catalogue) == []
    assert len(disclosure.find_risks(rows, catalogue, threshold=15)) == 1


def test_primary_suppression_blanks_cells_and_sets_status(catalogue):
    rows = [row("children-in-care", WARDS[0], 4, numerator=4, status="provisional"), row("children-in-care", WARDS[1], 50)]
    out, changes = suppression.suppress(rows, catalogue)
    assert out[0]["value"] == "" and out[0]["numerator"] == "" and out[0]["status"] == "suppressed"
    assert out[1] == rows[1]
    assert rows[0]["value"] == "4", "the input rows are not changed"
    assert {(c.index, c.field, c.old, c.new, c.reason) for c in changes} == {
        (0, "value", "4", "", "primary"),
        (0, "numerator", "4", "", "primary"),
        (0, "status", "provisional", "suppressed", "primary"),
    }
    assert disclosure.find_risks(out, catalogue) == []


def test_secondary_suppression_protects_a_part_of_a_published_total(catalogue):
    rows = [
        row("children-in-care", CITY, 150),
        row("children-in-care", WARDS[0], 3),
        row("children-in-care", WARDS[1], 40),
        row("children-in-care", WARDS[2], 25),
        row("children-in-care", WARDS[3], 82),
    ]
    out, changes = suppression.suppress(rows, catalogue)
    reasons = {(c.index, c.reason) for c in changes if c.field == "value"}
    assert reasons == {(1, "primary"), (3, "secondary")}, "the next-smallest part (25) is suppressed too"
    assert out[0]["value"] == "150" and out[2]["value"] == "40" and out[4]["value"] == "82"
    assert disclosure.find_risks(out, catalogue) == []
    # before the fix, validation would have flagged the derivable cell once the primary one was blanked
    half = [dict(r) for r in rows]
    half[1].update(value="", status="suppressed")
    risks = disclosure.find_risks(half, catalogue)
    assert [(r.code, r.index) for r in risks] == [(disclosure.DERIVABLE, 1)]


def test_no_secondary_when_two_parts_are_already_hidden_or_no_total(catalogue):
    rows = [
        row("children-in-care", CITY, 150),
        row("children-in-care", WARDS[0], 3),
        row("children-in-care", WARDS[1], 5),
        row("children-in-care", WARDS[2], 60),
        row("children-in-care", WARDS[3], 82),
    ]
    _, changes = suppression.suppress(rows, catalogue)
    assert {c.reason for c in changes} == {"primary"}
    no_total = rows[1:]
    _, changes = suppression.suppress(no_total, catalogue)
    assert {c.reason for c in changes} == {"primary"}
    other_period = [row("children-in-care", CITY, 150, period="2022")] + rows[1:2] + rows[3:]
    _, changes = suppression.suppress(other_period, catalogue)
    assert {c.reason for c in changes} == {"primary"}, "a total of another period reveals nothing"


def test_secondary_suppresses_the_total_when_it_has_one_part(catalogue):
    rows = [row("children-in-care", WARDS[0], 30), row("children-in-care", LSOAS[0], 2)]
    out, changes = suppression.suppress(rows, catalogue)
    assert out[0]["value"] == "" and out[1]["value"] == ""
    assert [c.reason for c in changes if c.field == "value"] == ["primary", "secondary"]


def test_secondary_cascades_through_levels(catalogue):
    # LSOA 2 is small; its ward total and LSOA siblings published; the ward is part of the city total.
    rows = [
        row("children-in-care", CITY, 200),
        row("children-in-care", WARDS[0], 30),
        row("children-in-care", WARDS[1], 60),
        row("children-in-care", WARDS[2], 50),
        row("children-in-care", WARDS[3], 60),
        row("children-in-care", LSOAS[0], 2),
        row("children-in-care", LSOAS[1], 12),
        row("children-in-care", LSOAS[2], 16),
    ]
    out, changes = suppression.suppress(rows, catalogue)
    assert disclosure.find_risks(out, catalogue) == []
    hidden = {i for i, r in enumerate(out) if r["value"] == ""}
    assert 5 in hidden and 6 in hidden  # primary, then the smallest sibling
    assert _no_cell_derivable(out, catalogue)


def test_rates_are_protected_through_their_numerators(catalogue):
    rows = [
        row("obesity-rate", CITY, 30.0, numerator=300, denominator=1000),
        row("obesity-rate", WARDS[0], 5.0, numerator=5, denominator=100),
        row("obesity-rate", WARDS[1], 40.0, numerator=120, denominator=300),
        row("obesity-rate", WARDS[2], 25.0, numerator=50, denominator=200),
        row("obesity-rate", WARDS[3], 31.25, numerator=125, denominator=400),
    ]
    out, changes = suppression.suppress(rows, catalogue)
    suppressed = [i for i, r in enumerate(out) if r["status"] == "suppressed"]
    assert suppressed == [1, 3]
    assert out[3]["value"] == "" and out[3]["numerator"] == "" and out[3]["denominator"] == "200"


def test_already_suppressed_rows_count_as_hidden(catalogue):
    rows = [
        row("children-in-care", CITY, 150),
        row("children-in-care", WARDS[0], "", status="suppressed"),
        row("children-in-care", WARDS[1], 40),
        row("children-in-care", WARDS[2], 28),
    ]
    out, changes = suppression.suppress(rows, catalogue)
    assert [(c.index, c.reason) for c in changes if c.field == "value"] == [(3, "secondary")]
    # a row marked suppressed that still shows its small value is still a risk
    leaky = [row("children-in-care", WARDS[0], 3, status="suppressed")]
    assert [r.code for r in disclosure.find_risks(leaky, catalogue)] == [disclosure.SMALL_COUNT]
    out, changes = suppression.suppress(leaky, catalogue)
    assert out[0]["value"] == "" and [c.field for c in changes] == ["value"]


def test_dataframe_style_values_are_read_too(catalogue):
    rows = [{"indicator_id": "children-in-care", "area_code": WARDS[0], "period": "2023", "value": 4.0,
             "numerator": None, "lower_ci": None, "upper_ci": None, "status": "final"}]
    out, changes = suppression.suppress(rows, catalogue)
    assert out[0]["value"] is None and out[0]["status"] == "suppressed"
    assert changes[0].old == "4"


def test_unknown_indicators_and_unparseable_values_are_left_to_other_checks(catalogue):
    rows = [row("no-such-indicator", WARDS[0], 1), row("children-in-care", WARDS[0], "lots")]
    assert disclosure.find_risks(rows, catalogue) == []
    out, changes = suppression.suppress(rows, catalogue)
    assert changes == [] and out == rows


def _no_cell_derivable(rows, catalogue):
    """Independent check: for each total and its parts, the number of hidden cells is never exactly one."""
    by_key = {(r["indicator_id"], r["area_code"], r["period"]): r for r in rows}
    for (ind, area, period), r in by_key.items():
        parts = [
            p for (i2, a2, p2), p in by_key.items()
            if i2 == ind and p2 == period and catalogue.areas.get(a2) and catalogue.areas[a2].parent_code == area
        ]
        if not parts or r["value"] == "":
            continue
        if sum(1 for p in parts if p["value"] == "") == 1:
            return False
    return True


@pytest.mark.parametrize("seed", range(30))
def test_random_tables_end_safe(catalogue, seed):
    """Property: whatever the numbers, after suppression no small count is shown in a small area and no
    suppressed cell equals a published total minus published parts."""
    rng = random.Random(seed)
    rows = []
    for period in ("2022", "2023"):
        lsoa = [rng.choice([0, 1, 3, 8, 9, 10, 11, 25, 40]) for _ in LSOAS]
        wards = [sum(lsoa)] + [rng.choice([2, 7, 12, 30, 55]) for _ in WARDS[1:]]
        rows.append(row("children-in-care", CITY, sum(wards), period=period))
        rows += [row("children-in-care", w, v, period=period) for w, v in zip(WARDS, wards)]
        rows += [row("children-in-care", a, v, period=period) for a, v in zip(LSOAS, lsoa)]
    rng.shuffle(rows)
    out, changes = suppression.suppress(rows, catalogue)
    assert disclosure.find_risks(out, catalogue) == []
    assert _no_cell_derivable(out, catalogue)
    for r in out:
        if r["value"] and disclosure.is_small_area(r["area_code"], catalogue):
            assert float(r["value"]) >= 10
    # every change is listed, and nothing else changed
    changed = {(c.index, c.field) for c in changes}
    for i, (before, after) in enumerate(zip(rows, out)):
        for name in before:
            assert (before[name] == after[name]) == ((i, name) not in changed)
    # suppressing again changes nothing
    again, more = suppression.suppress(out, catalogue)
    assert more == [] and again == out


def test_changes_serialise_with_spreadsheet_row_numbers(catalogue):
    _, changes = suppression.suppress([row("children-in-care", WARDS[0], 4)], catalogue)
    first = changes[0].to_dict()
    assert first["row"] == 2 and first["column"] == "value" and first["reason"] == "primary"
    assert set(itertools.chain.from_iterable(c.to_dict() for c in changes)) >= {"why", "area_code"}

"""The one unit table: how a value is written with its unit for a resident (site), as the data writes it (CLI),
on a chart's axis, and what validation reads from it (bounds, descriptions, rate multipliers)."""

import json

import pytest

from stoke_opendata.catalogue import paths
from stoke_opendata.catalogue.units import (RATE_MULTIPLIERS, UNITS, as_written, axis_label, description, difference,
                                            figure, number)


def test_the_table_is_the_schema_enum_of_units():
    schema = json.loads((paths.schemas_dir() / "indicators.schema.json").read_text())
    enum = next(f for f in schema["fields"] if f["name"] == "unit")["constraints"]["enum"]
    assert set(enum) == set(UNITS)
    assert RATE_MULTIPLIERS == {"percent": 100, "rate_per_1000": 1_000, "rate_per_10000": 10_000, "rate_per_100000": 100_000}


@pytest.mark.parametrize("value, unit, text", [
    (61.3, "percent", "61.3%"), (-22.0, "percent_change", "-22%"), (552, "gbp", "£552"), (-1.5, "gbp", "-£1.5"),
    (3.25, "gbp_millions", "£3.25 million"), (1.2, "gbp_billions", "£1.2 billion"), (55.9, "years", "55.9 years"),
    (4530, "count", "4,530"), (12.5, "rate_per_1000", "12.5 per 1,000"), (512.0, "rate_per_100000", "512 per 100,000"),
    (3, "rank", "3rd"), (11, "rank", "11th"), (2.5, "rank", "2.5"), (6.1, "tonnes_per_head", "6.1 tonnes per person"),
    (1.5, "percentage_points", "1.5 percentage points"), (9.0, "micrograms_per_cubic_metre", "9 µg/m³"),
    (7, "score", "7"), (0.333333333, "ratio", "0.333333"), (2, "new_unit", "2 new unit"), (None, "percent", "not published"),
    ("40.4", "percent", "40.4%"), ("", "percent", "not published"),
])
def test_a_figure_for_a_resident(value, unit, text):
    assert figure(value, unit) == text


def test_differences_are_points_places_or_the_unit():
    assert difference(-2.5, "percent") == "2.5 percentage points"
    assert difference(3, "rank") == "3 places"
    assert difference(-7.2, "years") == "7.2 years"
    assert number(1234567.0) == "1,234,567" and number(3.20) == "3.2"


@pytest.mark.parametrize("value, unit, text", [
    ("61.3", "percent", "61.3 %"), ("552.00", "gbp", "£552.00"), ("-4.00", "gbp", "-£4.00"), ("4.1", "gbp_millions", "£4.1m"),
    ("1.2", "gbp_billions", "£1.2bn"), ("12.5", "rate_per_1000", "12.5 per 1,000"), ("55.9", "years", "55.9 years"),
    ("22", "percent_change", "22 percent change"), ("", "percent", "(suppressed)"), (None, "count", "(suppressed)"),
])
def test_a_value_as_the_data_writes_it(value, unit, text):
    assert as_written(value, unit) == text


def test_labels_and_descriptions():
    assert axis_label("percent") == "Per cent (%)" and axis_label("rate_per_10000") == "Rate per 10,000"
    assert axis_label("new_unit") == "New unit"
    assert description("gbp") == "pounds sterling (write 552.00, not £552.00)"
    assert description("new_unit") == "new_unit" and description("new_unit", "check it") == "check it"
    assert all(u.label and u.description for u in UNITS.values())

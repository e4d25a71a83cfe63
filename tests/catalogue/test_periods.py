"""Periods placed on one time axis at their last day."""

from datetime import date

import pytest

from stoke_opendata.catalogue.periods import period_end, period_position, sort_key


@pytest.mark.parametrize(
    "period, frequency, end",
    [
        ("2023", None, date(2023, 12, 31)),
        ("2023/24", "financial_year", date(2024, 3, 31)),
        ("2023/24", "academic_year", date(2024, 8, 31)),
        ("1999/00", None, date(2000, 3, 31)),
        ("2018-20", "rolling_3_year", date(2020, 12, 31)),
        ("2018-20", None, date(2020, 12, 31)),
        ("2010-12", "rolling_3_year", date(2012, 12, 31)),
        ("2023-07", "monthly", date(2023, 7, 31)),
        ("2024-02", None, date(2024, 2, 29)),
        ("2023-Q3", None, date(2023, 9, 30)),
        ("2016-2022", "one_off", date(2022, 12, 31)),
    ],
)
def test_period_end(period, frequency, end):
    assert period_end(period, frequency) == end


def test_positions_order_mixed_formats():
    assert period_position("2023") == 2024.0
    assert period_position("2023/24", "financial_year") < period_position("2024")
    assert sorted(["2030", "2021/22", "2019"], key=sort_key) == ["2019", "2021/22", "2030"]
    assert sort_key("whenever")[0] == float("inf")


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="known formats"):
        period_end("23/24")

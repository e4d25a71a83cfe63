"""The period grammar: every form parses to its first and last day, round-trips, orders on one time axis, and
the neighbouring spellings validate's hints rewrite (2024/2025 -> 2024/25, a date -> its period)."""

from datetime import date

import pytest

from stoke_opendata.catalogue.periods import (FORMS, convert, example, fits, next_period, parse, period_end,
                                              period_of_date, period_position, period_start, sort_key, suggest)
from stoke_opendata.catalogue.vocabulary import FREQUENCIES

# form -> (a period, its first day, its last day)
SPANS = {
    "annual": ("2024", date(2024, 1, 1), date(2024, 12, 31)),
    "financial_year": ("2024/25", date(2024, 4, 1), date(2025, 3, 31)),
    "academic_year": ("2024/25", date(2024, 9, 1), date(2025, 8, 31)),
    "rolling_3_year": ("2018-20", date(2018, 1, 1), date(2020, 12, 31)),
    "quarterly": ("2023-Q3", date(2023, 7, 1), date(2023, 9, 30)),
    "monthly": ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
    "one_off": ("2016-2022", date(2016, 1, 1), date(2022, 12, 31)),
}


def test_every_frequency_has_a_form_and_every_form_a_case():
    assert set(FORMS) == set(FREQUENCIES) == set(SPANS)


@pytest.mark.parametrize("form", sorted(SPANS))
def test_each_form_parses_to_its_start_and_end(form):
    text, start, end = SPANS[form]
    period = parse(text, form)
    assert (period.text, period.form, period.start, period.end) == (text, form, start, end)
    assert (period_start(text, form), period_end(text, form)) == (start, end)
    assert fits(text, form) and fits(example(form), form)


@pytest.mark.parametrize("form", sorted(SPANS))
def test_round_trip_a_period_is_the_period_of_its_own_days(form):
    text, start, end = SPANS[form]
    assert parse(f"  {text} ", form).text == text
    if FORMS[form].of_date is None:  # a span of years contains many periods of its kind: no one period for a date
        assert period_of_date(start.isoformat(), form) is None
        return
    for day in (start, end):
        assert period_of_date(day.isoformat(), form) == text
        assert period_of_date(f"{day.day:02d}/{day.month:02d}/{day.year}", form) == text
    # the next period starts the day after this one ends
    following = parse(next_period(text, form), form)
    assert (following.start - end).days == 1 and following.form == form


@pytest.mark.parametrize("period, frequency, end", [
    ("2023", None, date(2023, 12, 31)),
    ("2023/24", "financial_year", date(2024, 3, 31)),
    ("2023/24", "academic_year", date(2024, 8, 31)),
    ("2023/24", "annual", date(2024, 3, 31)),  # not the indicator's form: read by its shape (a financial year)
    ("1999/00", None, date(2000, 3, 31)),
    ("2018-20", "rolling_3_year", date(2020, 12, 31)),
    ("2018-20", None, date(2020, 12, 31)),
    ("2010-12", "rolling_3_year", date(2012, 12, 31)),
    ("2010-12", None, date(2010, 12, 31)),  # by its shape a month
    ("2023-07", "monthly", date(2023, 7, 31)),
    ("2024-02", None, date(2024, 2, 29)),
    ("2023-Q3", None, date(2023, 9, 30)),
    ("2016-2022", "one_off", date(2022, 12, 31)),
    ("2016", "one_off", date(2016, 12, 31)),
])
def test_period_end_with_and_without_the_form(period, frequency, end):
    assert period_end(period, frequency) == end


def test_positions_order_mixed_formats():
    assert period_position("2023") == 2024.0
    assert period_position("2023/24", "financial_year") < period_position("2024")
    assert sorted(["2030", "2021/22", "2019"], key=sort_key) == ["2019", "2021/22", "2030"]
    assert sort_key("whenever")[0] == float("inf")


@pytest.mark.parametrize("text", ["23/24", "2023/2024", "2023-24-25", "Q3 2023", "", "2023-Q5"])
def test_unknown_format_is_refused(text):
    with pytest.raises(ValueError, match="known formats"):
        period_end(text)


@pytest.mark.parametrize("latest, form, expected", [
    ("2024", "annual", "2025"), ("2024", "financial_year", "2024/25"), ("2023/24", "financial_year", "2024/25"),
    ("1999/00", "academic_year", "2000/01"), ("2018-20", "rolling_3_year", "2019-21"), ("2018", "rolling_3_year", "2019-21"),
    ("2023-Q4", "quarterly", "2024-Q1"), ("2023-12", "monthly", "2024-01"), ("2016-2022", "one_off", ""),
    (None, "annual", ""), ("soon", "annual", ""), ("2024", "fortnightly", ""),
])
def test_next_period(latest, form, expected):
    assert next_period(latest, form) == expected


@pytest.mark.parametrize("period, form, expected", [
    ("2024/2025", "financial_year", "2024/25"), ("2024-25", "financial_year", "2024/25"),
    ("2024 – 25", "academic_year", "2024/25"), ("1999-2000", "financial_year", "1999/00"),
    ("2023.0", "annual", "2023"), ("2018-2020", "rolling_3_year", "2018-20"),
    ("2024/25", "financial_year", None),  # already fits
    ("2024", "financial_year", None),  # 2023/24 or 2024/25: no guess
    ("2024/2026", "financial_year", None), ("2018-2021", "rolling_3_year", None), ("2023-Q3", "monthly", None),
])
def test_the_typos_that_convert_one_to_one(period, form, expected):
    assert convert(period, form) == expected


@pytest.mark.parametrize("text, form, expected", [
    ("2025-01-01", "financial_year", "2024/25"), ("2025-04-01", "financial_year", "2025/26"),
    ("31/08/2025", "academic_year", "2024/25"), ("01/09/2025", "academic_year", "2025/26"),
    ("2025-05-17T00:00:00", "quarterly", "2025-Q2"), ("17.05.2025", "monthly", "2025-05"),
    ("2025-05-17", "annual", "2025"), ("2025-05-17", "rolling_3_year", None), ("2025-13-01", "annual", None),
])
def test_a_date_becomes_its_period(text, form, expected):
    assert period_of_date(text, form) == expected


def test_suggest_says_what_to_write_and_why():
    assert suggest("2024/2025", ["financial_year", "annual"]) == ("2024/25", "the financial year form")
    assert suggest("2025-01-01", ["financial_year"]) == ("2024/25", "the financial year that contains 1 January 2025")
    assert suggest("2025-01-01", [None, "quarterly"]) == ("2025-Q1", "the quarter that contains 1 January 2025")
    assert suggest("2024/25", ["financial_year"]) is None
    assert suggest("next year", ["annual"]) is None

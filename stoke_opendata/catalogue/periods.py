"""Periods as points in time: where a period such as `2023/24` ends, so series can be ordered and measured.

Progress (the straight line from baseline to target) and charts both need to place periods written in
different formats (`2023`, `2023/24`, `2018-20`, `2023-Q3`, `2023-07`, `2016-2022`) on one time axis.
A period is placed at its last day: the target "by 2030" is met at the end of 2030, a financial year
2023/24 ends on 31 March 2024. Pure standard library.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

_YEAR = re.compile(r"^(\d{4})$")
_SPLIT_YEAR = re.compile(r"^(\d{4})/(\d{2})$")
_YEAR_DASH_2 = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_SPAN = re.compile(r"^(\d{4})-(\d{4})$")


def _century_after(first: int, short: int) -> int:
    """The four-digit year ending in `short` that comes after `first` (2018, 20 -> 2020; 1999, 01 -> 2001)."""
    year = first // 100 * 100 + short
    return year if year > first else year + 100


def period_end(period: str, frequency: str | None = None) -> date:
    """The last day of `period`. `frequency` settles the one ambiguous shape, `2018-20` (rolling years)
    against `2023-07` (a month); without it a second part of 13 or more, or one that does not name a
    month, is read as a year.

    Raises ValueError for a period in none of the known formats.
    """
    text = (period or "").strip()
    if m := _YEAR.match(text):
        return date(int(m[1]), 12, 31)
    if m := _SPLIT_YEAR.match(text):
        end_year = _century_after(int(m[1]), int(m[2]))
        if frequency == "academic_year":
            return date(end_year, 8, 31)
        return date(end_year, 3, 31)  # financial year (April to March), the usual UK reading
    if m := _QUARTER.match(text):
        year, quarter = int(m[1]), int(m[2])
        month = quarter * 3
        return date(year, month, calendar.monthrange(year, month)[1])
    if m := _YEAR_DASH_2.match(text):
        year, second = int(m[1]), int(m[2])
        is_month = frequency == "monthly" or (frequency != "rolling_3_year" and 1 <= second <= 12)
        if is_month and 1 <= second <= 12:
            return date(year, second, calendar.monthrange(year, second)[1])
        return date(_century_after(year, second), 12, 31)
    if m := _SPAN.match(text):
        return date(int(m[2]), 12, 31)
    raise ValueError(f"period {period!r} is in none of the known formats (2023, 2023/24, 2018-20, 2023-Q3, 2023-07)")


def period_position(period: str, frequency: str | None = None) -> float:
    """The end of `period` as a fractional year (31 Dec 2023 -> 2024.0), for ordering and for distances."""
    end = period_end(period, frequency)
    start_of_year = date(end.year, 1, 1)
    days_in_year = 366 if calendar.isleap(end.year) else 365
    return end.year + ((end - start_of_year).days + 1) / days_in_year


def sort_key(period: str, frequency: str | None = None) -> tuple[float, str]:
    """A key that orders periods in time; unparseable periods sort last, by their text."""
    try:
        return (period_position(period, frequency), period)
    except ValueError:
        return (float("inf"), period)

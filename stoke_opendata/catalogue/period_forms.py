"""Periods written in a neighbouring form that converts without guessing, for the fix hint and `validate --fix`.

Sources publish the same period in several spellings: a financial or academic year as `2023-24`,
`2023/2024` or `2023/24`; pooled years as `2018-2020` or `2018-20`; a spreadsheet turns the year 2023 into
the number `2023.0`. Each spelling here names exactly one period of the indicator's form, so rewriting it
loses nothing. A bare year for a financial-year indicator is NOT converted (2023 could be 2022/23 or 2023/24).
Standard library only.
"""

from __future__ import annotations

import re

from stoke_opendata.catalogue.vocabulary import PERIOD_FORMATS

_SPLIT = re.compile(r"^(\d{4})\s*[-/–]\s*(\d{2}|\d{4})$")
_NUMBER_YEAR = re.compile(r"^(\d{4})\.0+$")


def fits(period: str, form: str | None) -> bool:
    pattern = PERIOD_FORMATS.get(form or "")
    return bool(pattern and re.match(pattern[0], period))


def convert(period: str | None, form: str | None) -> str | None:
    """`period` rewritten in `form` (a frequency name such as financial_year), or None when it already fits
    or has no one-to-one rewrite."""
    if not period or not form or fits(period, form):
        return None
    text = period.strip()
    if m := _NUMBER_YEAR.match(text):
        text = m[1]
        return text if fits(text, form) else None
    m = _SPLIT.match(text)
    if not m:
        return None
    first, second = int(m[1]), m[2]
    if form in ("financial_year", "academic_year"):
        last = int(second) if len(second) == 4 else (first // 100 * 100 + int(second)) % 10000
        if len(second) == 2 and last <= first % 10000:
            last += 100
        if last != first + 1:
            return None
        return f"{first}/{last % 100:02d}"
    if form == "rolling_3_year":
        last = int(second) if len(second) == 4 else first // 100 * 100 + int(second)
        if last - first != 2:
            return None
        return f"{first}-{last % 100:02d}"
    return None


# a date as a spreadsheet shows it: ISO (an Excel date cell reads 2025-01-01), or day/month/year as the UK writes it
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+)?$")
_UK_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")
# form -> the month its year starts in (financial years in April, academic years in September)
_YEAR_STARTS = {"financial_year": 4, "academic_year": 9}


def date_parts(text: str | None) -> tuple[int, int, int] | None:
    """(year, month, day) when `text` is a date (2025-01-01, 01/01/2025), else None."""
    text = (text or "").strip()
    if m := _ISO_DATE.match(text):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif m := _UK_DATE.match(text):
        day, month, year = int(m[1]), int(m[2]), int(m[3])
    else:
        return None
    return (year, month, day) if 1 <= month <= 12 and 1 <= day <= 31 else None


def period_of_date(text: str | None, form: str | None) -> str | None:
    """The period of `form` that contains the date `text` (2025-01-01 is financial year 2024/25), or None."""
    parts = date_parts(text)
    if not parts or not form:
        return None
    year, month, _day = parts
    if form == "annual":
        return str(year)
    if form in _YEAR_STARTS:
        first = year if month >= _YEAR_STARTS[form] else year - 1
        return f"{first}/{(first + 1) % 100:02d}"
    if form == "quarterly":
        return f"{year}-Q{(month - 1) // 3 + 1}"
    if form == "monthly":
        return f"{year}-{month:02d}"
    return None  # a span of years (rolling, one-off) has no one period for a date


def suggest(period: str | None, forms: list[str]) -> tuple[str, str] | None:
    """(the period to write, why) for a period written in another form (2024/2025, 2023.0) or as a date,
    trying the indicator's forms in order; None when nothing can be said without guessing."""
    forms = [f for f in forms if f]
    if not period or any(fits(period, f) for f in forms):
        return None
    for form in forms:
        if fixed := convert(period, form):
            return fixed, f"the {form.replace('_', ' ')} form"
    for form in forms:
        if fixed := period_of_date(period, form):
            year, month, day = date_parts(period)
            named = {"annual": "year", "quarterly": "quarter", "monthly": "month"}.get(form, form.replace("_", " "))
            return fixed, f"the {named} that contains {day} {_MONTHS[month - 1]} {year}"
    return None

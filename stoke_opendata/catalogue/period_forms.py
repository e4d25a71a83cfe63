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

"""The period grammar: every form a period is written in, once, with where each period starts and ends.

An indicator's frequency (or the form its source publishes, `period_form`) names one of these forms:
`2023` (annual), `2023/24` (financial year, April to March; academic year, September to August),
`2018-20` (three pooled years), `2023-Q3` (quarter), `2023-07` (month), `2016-2022` (a one-off span).
Validation checks a period against its form's pattern (vectorised in polars), progress and charts place a
period at its last day (the target "by 2030" is met at the end of 2030), package metadata gives the span of
the data, `template` and `due` ask for the period after the latest, and validate's hints rewrite a period
written in a neighbouring spelling (`2023/2024`, `2023-24`, `2023.0`, a date) in the indicator's form.
All of them read the forms below, so a new form is one entry. Pure standard library.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Callable


def _century_after(first: int, short: int) -> int:
    """The four-digit year ending in `short` that comes after `first` (2018, 20 -> 2020; 1999, 01 -> 2001)."""
    year = first // 100 * 100 + short
    return year if year > first else year + 100


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class Form:
    """One way of writing a period: its name (a frequency), the pattern a period must match (anchored, for
    Python's `re` and polars alike), an example, and the grammar's three functions for it."""

    name: str
    pattern: str
    example: str
    span: Callable[[re.Match], tuple[date, date]]  # the first and last day of a matching period
    of_date: Callable[[int, int], str] | None  # (year, month) -> the period containing it (None: a span of years has none)
    after: Callable[[int, str], str]  # (first year of the latest period, its text) -> the next period's text

    def fits(self, period: str) -> bool:
        return bool(re.match(self.pattern, period))


def _split_year(start_month: int) -> Callable[[re.Match], tuple[date, date]]:
    def span(m: re.Match) -> tuple[date, date]:
        first = int(m[1])
        end_year = _century_after(first, int(m[2]))
        return date(end_year - 1, start_month, 1), _month_end(end_year, start_month - 1)
    return span


def _split_year_of(start_month: int) -> Callable[[int, int], str]:
    def of_date(year: int, month: int) -> str:
        first = year if month >= start_month else year - 1
        return f"{first}/{(first + 1) % 100:02d}"
    return of_date


def _split_year_after(first: int, latest: str) -> str:
    start = first + 1 if re.match(r"^\d{4}[/-]\d{2}$", latest) else first  # a bare year: the year it starts
    return f"{start}/{(start + 1) % 100:02d}"


def _quarter_after(first: int, latest: str) -> str:
    if not (m := re.match(r"^\d{4}-Q([1-4])$", latest)):
        return ""
    q = int(m[1])
    return f"{first + (q == 4)}-Q{q % 4 + 1}"


def _month_after(first: int, latest: str) -> str:
    if not (m := re.match(r"^\d{4}-(\d{2})$", latest)):
        return ""
    month = int(m[1])
    return f"{first + (month == 12)}-{month % 12 + 1:02d}"


def _rolling_last(first: int, latest: str) -> int:
    """The last year of the span after `latest` (2020-22 -> 23; a bare year 2018 starts a three-year span)."""
    m = re.match(r"^\d{4}-(\d{2})$", latest)
    return int(m[1]) + 1 if m else first + 3


FORMS: dict[str, Form] = {f.name: f for f in (
    Form("annual", r"^(\d{4})$", "2023",
         lambda m: (date(int(m[1]), 1, 1), date(int(m[1]), 12, 31)),
         lambda year, month: str(year), lambda first, latest: str(first + 1)),
    Form("financial_year", r"^(\d{4})/(\d{2})$", "2023/24", _split_year(4), _split_year_of(4), _split_year_after),
    Form("academic_year", r"^(\d{4})/(\d{2})$", "2023/24", _split_year(9), _split_year_of(9), _split_year_after),
    Form("rolling_3_year", r"^(\d{4})-(\d{2})$", "2018-20",
         lambda m: (date(int(m[1]), 1, 1), date(_century_after(int(m[1]), int(m[2])), 12, 31)),
         None, lambda first, latest: f"{first + 1}-{_rolling_last(first, latest) % 100:02d}"),
    Form("quarterly", r"^(\d{4})-Q([1-4])$", "2023-Q3",
         lambda m: (date(int(m[1]), int(m[2]) * 3 - 2, 1), _month_end(int(m[1]), int(m[2]) * 3)),
         lambda year, month: f"{year}-Q{(month - 1) // 3 + 1}", _quarter_after),
    Form("monthly", r"^(\d{4})-(0[1-9]|1[0-2])$", "2023-07",
         lambda m: (date(int(m[1]), int(m[2]), 1), _month_end(int(m[1]), int(m[2]))),
         lambda year, month: f"{year}-{month:02d}", _month_after),
    # a figure from a one-off survey or a span of years ("2016-2022")
    Form("one_off", r"^(\d{4})(?:-(\d{4}))?$", "2016-2022",
         lambda m: (date(int(m[1]), 1, 1), date(int(m[2] or m[1]), 12, 31)),
         None, lambda first, latest: ""),
)}

# the reading of a period whose indicator's form it does not fit (or when no form is known): a split year is
# a financial year (the usual UK reading), `2023-07` a month, `2018-20` (no month 20) three pooled years
_SHAPES = ("annual", "financial_year", "quarterly", "monthly", "rolling_3_year", "one_off")


@dataclass(frozen=True)
class Period:
    text: str
    form: str
    start: date
    end: date


def parse(period: str, form: str | None = None) -> Period:
    """The period `period` names: read in `form` when it fits it, otherwise by its shape alone.

    Raises ValueError for a period in none of the known forms.
    """
    text = (period or "").strip()
    order = ([form] if form in FORMS else []) + [s for s in _SHAPES if s != form]
    for name in order:
        if m := re.match(FORMS[name].pattern, text):
            start, end = FORMS[name].span(m)
            return Period(text, name, start, end)
    raise ValueError(f"period {period!r} is in none of the known formats (2023, 2023/24, 2018-20, 2023-Q3, 2023-07)")


def period_end(period: str, frequency: str | None = None) -> date:
    """The last day of `period` (see parse)."""
    return parse(period, frequency).end


def period_start(period: str, frequency: str | None = None) -> date:
    """The first day of `period` (a financial year `2023/24` from 1 April 2023)."""
    return parse(period, frequency).start


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


def fits(period: str, form: str | None) -> bool:
    """True when `period` is written the way `form` says it should be."""
    return form in FORMS and FORMS[form].fits(period)


def example(form: str | None) -> str:
    """A period written in `form` ('' for an unknown form)."""
    return FORMS[form].example if form in FORMS else ""


def next_period(latest: str | None, form: str) -> str:
    """The period after `latest` in `form` ('' when unknown)."""
    if not latest or form not in FORMS or not (year := re.match(r"^(\d{4})", latest)):
        return ""
    return FORMS[form].after(int(year[1]), latest)


# ------------------------------------------------------------------ neighbouring spellings (validate's hints)

_SPLIT = re.compile(r"^(\d{4})\s*[-/–]\s*(\d{2}|\d{4})$")
_NUMBER_YEAR = re.compile(r"^(\d{4})\.0+$")
# a date as a spreadsheet shows it: ISO (an Excel date cell reads 2025-01-01), or day/month/year as the UK writes it
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+)?$")
_UK_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")


def convert(period: str | None, form: str | None) -> str | None:
    """`period` rewritten in `form` when it is a neighbouring spelling that names exactly one period of it
    (`2023-24` or `2023/2024` -> `2023/24`, `2018-2020` -> `2018-20`, the number `2023.0` -> `2023`), or None
    when it already fits or has no one-to-one rewrite (a bare year is no financial year: 2022/23 or 2023/24?)."""
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
    if not parts or form not in FORMS or FORMS[form].of_date is None:
        return None
    year, month, _day = parts
    return FORMS[form].of_date(year, month)


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

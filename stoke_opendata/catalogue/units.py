"""The units the indicators are measured in, and how a value is written with its unit: one table.

Each unit's row says what validation needs (its bounds, whether it is a whole number, the multiplier of a rate,
the description a steward is shown), what a chart's axis says (`label`), how a figure reads for a resident
(`61.3%`, `£552 million`, `55.9 years`, `3rd`: site pages, gap sentences, the site's JSON) and how a value is
echoed as the data writes it (`61.3 %`, `£552.00`, `£4.1m`, `12.5 per 1,000`: `stoke-opendata indicators
show`). Validation, packaging (charts), the site and the CLI all read this table, so a new unit is one row.
Pure standard library.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Unit:
    minimum: float | None
    maximum: float | None
    integer: bool
    description: str  # for a steward: what the unit is and how to write it
    label: str  # a chart's axis title
    suffix: str = ""  # after a figure for residents (61.3%, 55.9 years); pounds put "£" before
    data: tuple[str, str] | None = None  # (before, after) a value as the data writes it; None: "<value> <unit words>"
    multiplier: int | None = None  # a rate of numerator/denominator: the multiplier that links them


def _rate(per: int) -> Unit:
    return Unit(0, None, False, f"a rate per {per:,} of the population at risk", f"Rate per {per:,}", f" per {per:,}",
                ("", f" per {per:,}"), per)


UNITS: dict[str, Unit] = {
    "percent": Unit(0, 100, False, "a percentage, 0 to 100 (write 61.3, not 61.3 % or 0.613)", "Per cent (%)", "%",
                    ("", " %"), 100),
    "percentage_points": Unit(-100, 100, False, "a difference between two percentages, in points", "Percentage points",
                              " percentage points"),
    "years": Unit(0, 120, False, "a length of time in years (life expectancy, healthy life expectancy)", "Years", " years"),
    "count": Unit(0, None, True, "a whole number of people, places or things", "Number"),
    "gbp": Unit(None, None, False, "pounds sterling (write 552.00, not £552.00)", "Pounds (£)", "", ("£", "")),
    "gbp_millions": Unit(None, None, False, "millions of pounds sterling", "£ millions", " million", ("£", "m")),
    "gbp_billions": Unit(None, None, False, "billions of pounds sterling", "£ billions", " billion", ("£", "bn")),
    "rate_per_1000": _rate(1_000),
    "rate_per_10000": _rate(10_000),
    "rate_per_100000": _rate(100_000),
    "score": Unit(None, None, False, "a score on the scale the source defines", "Score"),
    "tonnes_per_head": Unit(0, None, False, "tonnes (of CO2 equivalent) per person", "Tonnes CO2e per person",
                            " tonnes per person"),
    "ratio": Unit(0, None, False, "a ratio of two quantities", "Ratio"),
    "mwh": Unit(0, None, False, "megawatt-hours", "Megawatt-hours (MWh)", " MWh"),
    "millions": Unit(0, None, False, "a count in millions", "Millions", " million"),
    "rank": Unit(1, None, True, "a position in a ranking, 1 = first", "Rank (1 = first)"),
    "percent_change": Unit(-100, None, False, "a relative change or difference, in per cent of the reference value "
                           "(growth 2016-22, 'Down 22 %')", "Per cent change (%)", "%"),
    "gwh": Unit(0, None, False, "gigawatt-hours", "Gigawatt-hours (GWh)", " GWh"),
    "hectares": Unit(0, None, False, "an area of land in hectares", "Hectares", " hectares"),
    "days": Unit(0, None, False, "a length of time in days (waiting and response times)", "Days", " days"),
    "metres": Unit(0, None, False, "a distance in metres", "Metres", " metres"),
    "micrograms_per_cubic_metre": Unit(0, None, False, "a concentration of an air pollutant, micrograms per cubic metre",
                                       "Micrograms per cubic metre (\u00b5g/m\u00b3)", " \u00b5g/m\u00b3"),
}
# units whose values are rates of numerator/denominator, and the multiplier that links them
RATE_MULTIPLIERS = {name: u.multiplier for name, u in UNITS.items() if u.multiplier}
_PERCENT = ("percent", "percent_change")  # a difference between two of these is in percentage points


def _words(unit: str) -> str:
    return unit.replace("_", " ")


def description(unit: str, otherwise: str | None = None) -> str:
    """What `unit` is, for a steward (`otherwise`, or the unit's name, for a unit not in the table)."""
    return UNITS[unit].description if unit in UNITS else (unit if otherwise is None else otherwise)


def axis_label(unit: str) -> str:
    """A chart's axis title: 'Per cent (%)', 'Rate per 1,000'."""
    return UNITS[unit].label if unit in UNITS else _words(unit).capitalize()


def number(value: float) -> str:
    """1234567.0 -> '1,234,567'; 3.20 -> '3.2'; at most 6 decimals, no float noise."""
    value = round(value, 6)
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.6f}".rstrip("0").rstrip(".")


def to_float(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None


def figure(value: float | str | None, unit: str) -> str:
    """A value with its unit, as a person writes it: 61.3%, £552, 55.9 years, 4,530, 3rd."""
    if isinstance(value, str):
        value = to_float(value)
    if value is None:
        return "not published"
    if unit.startswith("gbp"):
        sign = "-" if value < 0 else ""
        return f"{sign}\u00a3{number(abs(value))}{UNITS[unit].suffix if unit in UNITS else ' ' + _words(unit)}"
    text = number(value)
    if unit == "rank":
        return f"{text}{_ordinal(value)}"
    return text + (UNITS[unit].suffix if unit in UNITS else f" {_words(unit)}")


def difference(value: float, unit: str) -> str:
    """The size of a difference in the indicator's unit (percentages as points, ranks as places)."""
    if unit in _PERCENT:
        return f"{number(abs(value))} percentage points"
    if unit == "rank":
        return f"{number(abs(value))} places"
    return figure(abs(value), unit)


def _ordinal(value: float) -> str:
    n = int(value)
    if n != value:
        return ""
    if 10 <= n % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def as_written(value: str | None, unit: str) -> str:
    """A value as the data writes it, with its unit for reading: 552.00 gbp -> £552.00, 61.3 percent -> 61.3 %."""
    if value in (None, ""):
        return "(suppressed)"
    data = UNITS[unit].data if unit in UNITS else None
    if data is None:
        return f"{value} {_words(unit)}"
    before, after = data
    if unit == "gbp" and value.startswith("-"):
        return f"-{before}{value[1:]}{after}"
    return f"{before}{value}{after}"

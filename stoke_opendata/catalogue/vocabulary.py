"""The controlled vocabularies the definitions use: units, frequencies, themes, statuses.

Kept in one place so that schemas, checks and documentation cannot disagree. Pure data, no imports
beyond the standard library.
"""

from __future__ import annotations

THEMES = ("healthier", "wealthier", "safer", "greener", "cleaner", "fairer")
MISSIONS = (1, 2, 3, 4, 5)
MISSION_TITLES = {
    1: "Securing economic growth",
    2: "Delivering clean energy, sustainable transport and an improved local environment",
    3: "Regenerating our city",
    4: "Removing barriers to opportunity",
    5: "Improving the health and wellbeing of our population",
}

# unit -> (minimum, maximum, integer?, description). None means unbounded on that side.
UNITS: dict[str, tuple[float | None, float | None, bool, str]] = {
    "percent": (0, 100, False, "a percentage, 0 to 100 (write 61.3, not 61.3 % or 0.613)"),
    "percentage_points": (-100, 100, False, "a difference between two percentages, in points"),
    "years": (0, 120, False, "a length of time in years (life expectancy, healthy life expectancy)"),
    "count": (0, None, True, "a whole number of people, places or things"),
    "gbp": (None, None, False, "pounds sterling (write 552.00, not £552.00)"),
    "gbp_millions": (None, None, False, "millions of pounds sterling"),
    "gbp_billions": (None, None, False, "billions of pounds sterling"),
    "rate_per_1000": (0, None, False, "a rate per 1,000 of the population at risk"),
    "rate_per_10000": (0, None, False, "a rate per 10,000 of the population at risk"),
    "rate_per_100000": (0, None, False, "a rate per 100,000 of the population at risk"),
    "score": (None, None, False, "a score on the scale the source defines"),
    "tonnes_per_head": (0, None, False, "tonnes (of CO2 equivalent) per person"),
    "ratio": (0, None, False, "a ratio of two quantities"),
    "mwh": (0, None, False, "megawatt-hours"),
    "millions": (0, None, False, "a count in millions"),
    "rank": (1, None, True, "a position in a ranking, 1 = first"),
    "percent_change": (-100, None, False, "a relative change or difference, in per cent of the reference value (growth 2016-22, 'Down 22 %')"),
    "gwh": (0, None, False, "gigawatt-hours"),
    "hectares": (0, None, False, "an area of land in hectares"),
    "days": (0, None, False, "a length of time in days (waiting and response times)"),
    "metres": (0, None, False, "a distance in metres"),
    "micrograms_per_cubic_metre": (0, None, False, "a concentration of an air pollutant, micrograms per cubic metre"),
}

# Units whose values are rates of numerator/denominator, and the multiplier that links them.
RATE_MULTIPLIERS = {
    "percent": 100,
    "rate_per_1000": 1_000,
    "rate_per_10000": 10_000,
    "rate_per_100000": 100_000,
}

# the period forms (their grammar, patterns and examples: catalogue/periods.py)
FREQUENCIES = ("annual", "financial_year", "rolling_3_year", "quarterly", "monthly", "academic_year", "one_off")

OBSERVATION_STATUSES = ("final", "provisional", "revised", "suppressed", "estimated")
INDICATOR_STATUSES = ("measured", "proposed")
TARGET_TYPES = ("level", "change_by", "percentage_point_change", "ratio_to_comparator", "direction_only")
AREA_TYPES = ("country", "region", "county", "local_authority", "combined_area", "ward", "lsoa", "msoa")

GSS_CODE = r"^[EKNSW]\d{8}$"
SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"

# Area codes the project names directly.
STOKE = "E06000021"
ENGLAND = "E92000001"
UK = "K02000001"
WEST_MIDLANDS = "E12000005"
STAFFORDSHIRE = "E10000028"


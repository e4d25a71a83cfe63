"""The controlled vocabularies the definitions use: frequencies, themes, statuses, area codes.

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

# the units and how a value is written with its unit: catalogue/units.py

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

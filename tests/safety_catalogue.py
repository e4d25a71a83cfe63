"""A small, self-contained catalogue for the safety tests: disclosive indicators, a city, its wards and
LSOAs. Written into a temporary STOKE_OPENDATA_HOME so the tests do not depend on the bundled data."""

import csv
from pathlib import Path

CITY, ENGLAND = "E06000021", "E92000001"
WARDS = ["E05008001", "E05008002", "E05008003", "E05008004"]
LSOAS = ["E01014001", "E01014002", "E01014003"]

INDICATOR_COLUMNS = [
    "id", "title", "theme", "mission", "objective", "unit", "minimum", "maximum", "higher_is_better", "frequency",
    "comparator_area_code", "status", "disclosive", "disclosure_threshold", "document", "section", "description",
]
INDICATORS = [
    # id, unit, disclosive, threshold
    ("children-in-care", "count", "true", ""),
    ("rough-sleepers", "count", "true", "5"),
    ("obesity-rate", "percent", "true", ""),
    ("employment-rate", "percent", "false", ""),
]


def write_schemas(home: Path) -> Path:
    """Write schemas/indicators.csv and schemas/areas.csv under `home`; returns the schemas folder."""
    schemas = Path(home) / "schemas"
    schemas.mkdir(parents=True, exist_ok=True)
    with (schemas / "indicators.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(INDICATOR_COLUMNS)
        for id_, unit, disclosive, threshold in INDICATORS:
            w.writerow([id_, id_.replace("-", " "), "safer", "", "", unit, "", "", "false", "annual", ENGLAND,
                        "measured", disclosive, threshold, "test.txt", "test", ""])
    with (schemas / "areas.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["area_code", "area_name", "area_type", "parent_code", "notes"])
        w.writerow([ENGLAND, "England", "country", "", ""])
        w.writerow([CITY, "Stoke-on-Trent", "local_authority", ENGLAND, ""])
        for i, code in enumerate(WARDS):
            w.writerow([code, f"Ward {i + 1}", "ward", CITY, ""])
        for i, code in enumerate(LSOAS):
            w.writerow([code, f"LSOA {i + 1}", "lsoa", WARDS[0], ""])
    return schemas


OBSERVATION_COLUMNS = ["indicator_id", "area_code", "area_name", "period", "value", "lower_ci", "upper_ci",
                       "numerator", "denominator", "status", "source", "notes"]


def observation(indicator, area, value, period="2023", numerator="", denominator="", status="final", notes=""):
    return [indicator, area, "", period, str(value), "", "", str(numerator), str(denominator), status, "test", notes]


def write_observations(path: Path, rows, line_ending="\n") -> Path:
    with Path(path).open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator=line_ending)
        w.writerow(OBSERVATION_COLUMNS)
        w.writerows(rows)
    return Path(path)

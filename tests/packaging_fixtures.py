"""A small project home (schemas/, datasets/, publish/) built in a temporary folder for packaging tests.

It mirrors the bundled layout exactly: datasets point at ../../schemas for the catalogue and the Table
Schemas, manifests in publish/ name the datasets. The Table Schemas are the real ones from the repo.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent

INDICATOR_FIELDS = ["id", "title", "theme", "mission", "objective", "unit", "minimum", "maximum", "higher_is_better",
                    "frequency", "comparator_area_code", "status", "disclosive", "disclosure_threshold", "document",
                    "section", "description"]
DOC = "004_188d96d908c85609.txt"
INDICATORS = [
    ["healthy-life-expectancy-female", "Healthy life expectancy at birth (female)", "healthier", "5", "", "years", "0", "120",
     "true", "rolling_3_year", "E92000001", "measured", "false", "", DOC, "Priority 1 - A Healthier City", ""],
    ["smoking-prevalence", "Smoking prevalence in adults", "healthier", "", "", "percent", "0", "100",
     "false", "annual", "E92000001", "measured", "false", "", DOC, "Priority 1 - A Healthier City", "Adults aged 18+"],
    ["bus-journeys", "Bus passenger journeys", "greener", "2", "", "millions", "0", "",
     "true", "annual", "", "measured", "false", "", "001_6067628d7db9e3d3.txt", "Mission 2", ""],
    ["tree-cover", "Tree canopy cover", "greener", "", "", "percent", "0", "100",
     "true", "one_off", "", "proposed", "false", "", DOC, "Priority 4 - A Greener City", ""],
    ["unused-indicator", "An indicator no dataset uses", "fairer", "", "", "count", "0", "",
     "", "annual", "", "proposed", "true", "10", DOC, "Priority 6", ""],
]
AREA_FIELDS = ["area_code", "area_name", "area_type", "parent_code", "notes"]
AREAS = [
    ["E06000021", "Stoke-on-Trent", "local_authority", "E12000005", ""],
    ["E12000005", "West Midlands", "region", "E92000001", ""],
    ["E92000001", "England", "country", "", ""],
    ["K02000001", "United Kingdom", "country", "", ""],
    ["E10000028", "Staffordshire", "county", "E12000005", ""],
]
OBS_FIELDS = ["indicator_id", "area_code", "area_name", "period", "value", "lower_ci", "upper_ci", "numerator",
              "denominator", "status", "source", "notes"]
TARGET_FIELDS = ["indicator_id", "area_code", "baseline_value", "baseline_period", "target_type", "target_value",
                 "target_level", "target_period", "comparator_area_code", "statement", "source", "notes"]


def _obs(ind, area, name, period, value, source="OHID Fingertips"):
    return [ind, area, name, period, value, "", "", "", "", "final" if value != "" else "suppressed", source, ""]


HEALTHIER_OBS = [
    _obs("healthy-life-expectancy-female", "E06000021", "Stoke-on-Trent", "2018-20", "57.1"),
    _obs("healthy-life-expectancy-female", "E06000021", "Stoke-on-Trent", "2019-21", "56.0"),
    _obs("healthy-life-expectancy-female", "E06000021", "Stoke-on-Trent", "2020-22", "55.4"),
    _obs("healthy-life-expectancy-female", "E92000001", "England", "2018-20", "63.9"),
    _obs("healthy-life-expectancy-female", "E92000001", "England", "2020-22", "62.9"),
    _obs("smoking-prevalence", "E06000021", "Stoke-on-Trent", "2019", "18.0"),
    _obs("smoking-prevalence", "E06000021", "Stoke-on-Trent", "2022", "15.2"),
    _obs("smoking-prevalence", "E92000001", "England", "2022", "12.7"),
]
HEALTHIER_TARGETS = [
    ["healthy-life-expectancy-female", "E06000021", "57.1", "2018-20", "level", "60", "", "2030", "", "Raise it to 60 by 2030", "Prospectus, Mission 5", ""],
    ["smoking-prevalence", "E06000021", "18.0", "2019", "level", "5", "", "2030", "", "Smokefree by 2030", "Corporate Strategy, Priority 1", ""],
]
GREENER_OBS = [
    _obs("bus-journeys", "E06000021", "Stoke-on-Trent", "2023", "7.5", "Prospectus, Mission 2"),
    _obs("bus-journeys", "E06000021", "Stoke-on-Trent", "2024", "8.1", "Prospectus, Mission 2"),
]
GREENER_TARGETS = [
    ["bus-journeys", "E06000021", "7.5", "2023", "change_by", "2.5", "10", "2030", "", "From 7.5m to 10m by 2030", "Prospectus, Mission 2", ""],
    ["tree-cover", "E06000021", "", "", "level", "20", "", "2030", "", "More trees", "Corporate Strategy, Priority 4", ""],
]

MANIFEST = {
    "title": "A Healthier City",
    "description": "Indicators for the Corporate Strategy priority A Healthier City.",
    "tables": ["observations", "targets", "progress", "indicators", "areas"],
    "licence": "OGL-UK-3.0",
    "keywords": ["health", "life expectancy"],
    "groups": ["healthier"],
    "organisation": {"name": "stoke-opendata-tests", "title": "stoke-opendata test fixtures (made-up figures)"},
    "maintainer": "Open Data Team",
    "maintainer_email": "opendata@stoke.gov.uk",
    "update_frequency": "annual",
}


def write_csv(path: Path, header, rows) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_dataset(home: Path, name: str, observations, targets=None) -> Path:
    folder = home / "datasets" / name
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(folder / "observations.csv", OBS_FIELDS, observations)
    resources = [{"name": "observations", "path": "observations.csv", "schema": "../../schemas/observations.schema.json"}]
    if targets is not None:
        write_csv(folder / "targets.csv", TARGET_FIELDS, targets)
        resources.append({"name": "targets", "path": "targets.csv", "schema": "../../schemas/targets.schema.json"})
    resources += [
        {"name": "indicators", "path": "../../schemas/indicators.csv", "schema": "../../schemas/indicators.schema.json"},
        {"name": "areas", "path": "../../schemas/areas.csv", "schema": "../../schemas/areas.schema.json"},
    ]
    descriptor = {"name": name, "title": f"Dataset {name}", "resources": resources}
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2))
    return folder


def write_manifest(home: Path, name: str, datasets, **changes) -> Path:
    (home / "publish").mkdir(parents=True, exist_ok=True)
    path = home / "publish" / f"{name}.yaml"
    path.write_text(yaml.safe_dump({"name": name, **MANIFEST, "datasets": list(datasets), **changes}, sort_keys=False))
    return path


def make_home(home: Path) -> Path:
    """schemas/ (real Table Schemas + a small catalogue), two datasets, three manifests."""
    (home / "schemas").mkdir(parents=True)
    for schema in (REPO / "schemas").glob("*.schema.json"):
        shutil.copyfile(schema, home / "schemas" / schema.name)
    write_csv(home / "schemas" / "indicators.csv", INDICATOR_FIELDS, INDICATORS)
    write_csv(home / "schemas" / "areas.csv", AREA_FIELDS, AREAS)
    write_dataset(home, "healthier", HEALTHIER_OBS, HEALTHIER_TARGETS)
    write_dataset(home, "greener", GREENER_OBS, GREENER_TARGETS)
    write_manifest(home, "stoke-healthier", ["healthier"])
    write_manifest(home, "stoke-greener", ["greener"], title="A Greener City", groups=["greener"], keywords=["transport"])
    write_manifest(home, "stoke-all-priorities", ["healthier", "greener"], title="All priorities",
                   groups=["healthier", "greener"], keywords=["all"], chart_format="svg")
    return home

"""The published indicator catalogue (schemas/indicators.csv, schemas/areas.csv): complete against the
source documents, valid against its Table Schema, consistent with the vocabulary."""

import csv
import json
import re
from pathlib import Path

import pytest

from stoke_opendata.catalogue.definitions import load_catalogue
from stoke_opendata.catalogue.units import UNITS
from stoke_opendata.catalogue.vocabulary import FREQUENCIES, GSS_CODE, INDICATOR_STATUSES, SLUG, THEMES

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "schemas"
SEEDS = ROOT.parent / "shared" / "seeds"
STRATEGY = SEEDS / "004_188d96d908c85609.txt"


def _rows(name):
    with (SCHEMAS / name).open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        return reader.fieldnames, list(reader)


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(SCHEMAS)


def test_columns_are_the_schema_fields_in_order():
    for table in ("indicators", "areas"):
        header, _ = _rows(f"{table}.csv")
        schema = json.loads((SCHEMAS / f"{table}.schema.json").read_text())
        assert header == [f["name"] for f in schema["fields"]], table


def test_every_row_is_valid_against_its_table_schema():
    from frictionless import Resource, Schema, system

    for table in ("indicators", "areas"):
        schema = Schema.from_descriptor(str(SCHEMAS / f"{table}.schema.json"))
        with system.use_context(trusted=True):  # an absolute path is "unsafe" to frictionless otherwise
            report = Resource(path=str(SCHEMAS / f"{table}.csv"), schema=schema).validate()
        assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]


def test_ids_are_unique_stable_slugs():
    _, rows = _rows("indicators.csv")
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    assert all(re.match(SLUG, i) for i in ids), [i for i in ids if not re.match(SLUG, i)]


def test_units_bounds_and_codes_agree_with_the_vocabulary(catalogue):
    for ind in catalogue.indicators.values():
        assert ind.unit in UNITS, ind.id
        lo, hi = UNITS[ind.unit].minimum, UNITS[ind.unit].maximum
        assert (ind.minimum, ind.maximum) == (lo, hi), f"{ind.id}: bounds {ind.minimum}..{ind.maximum} for {ind.unit}"
        assert ind.frequency in FREQUENCIES, ind.id
        assert ind.status in INDICATOR_STATUSES, ind.id
        assert ind.theme is None or ind.theme in THEMES, ind.id
        if ind.comparator_area_code:
            assert ind.comparator_area_code in catalogue.areas, ind.id
        assert ind.disclosure_threshold == (10 if ind.disclosive else None), ind.id
        for doc in ind.document.split("; "):
            assert (SEEDS / doc).is_file(), f"{ind.id}: {doc} is not a source document"
    for area in catalogue.areas.values():
        assert re.match(GSS_CODE, area.area_code)
        assert area.parent_code is None or area.parent_code in catalogue.areas


def test_the_units_every_indicator_uses_are_in_the_schema_enum():
    schema = json.loads((SCHEMAS / "indicators.schema.json").read_text())
    enum = next(f for f in schema["fields"] if f["name"] == "unit")["constraints"]["enum"]
    assert set(enum) == set(UNITS)


# Minimum counts: what the Corporate Strategy names per priority (supporting-data rows plus distinct
# possible indicators; Cleaner has no supporting data) and what the prospectus names per mission
# (target measures plus 2030 aims that measure something else).
THEME_MINIMUMS = {"healthier": 21, "wealthier": 19, "safer": 13, "greener": 16, "cleaner": 6, "fairer": 21}
MISSION_MINIMUMS = {1: 6, 2: 7, 3: 4, 4: 3, 5: 5}


@pytest.mark.parametrize("theme", THEMES)
def test_coverage_per_theme(catalogue, theme):
    assert len(catalogue.select(theme=theme)) >= THEME_MINIMUMS[theme]


@pytest.mark.parametrize("mission", sorted(MISSION_MINIMUMS))
def test_coverage_per_mission(catalogue, mission):
    assert len(catalogue.select(mission=mission)) >= MISSION_MINIMUMS[mission]


MISSION_MEASURES = {  # the prospectus's "Target measures" and "Our aim is that by 2030" statements
    1: {"gva-growth", "gross-weekly-pay-full-time", "labour-market-participation-rate", "gva-total",
        "people-in-employment", "anchor-local-supplier-contract-value-change"},
    2: {"public-transport-use", "housing-decent-homes", "energy-from-renewables-share", "renewable-energy-generated",
        "social-housing-decent", "private-sector-homes-improved", "bus-passenger-journeys"},
    3: {"new-homes-completed", "brownfield-land-reclaimed", "heritage-buildings-at-risk",
        "heritage-buildings-removed-from-at-risk-list"},
    4: {"ks4-attainment-score", "adults-level-3-qualifications", "ks4-attainment-gap-percentage-points"},
    5: {"children-in-poverty", "healthy-life-expectancy-male", "healthy-life-expectancy-female",
        "physically-inactive-adults", "less-active-children"},
}


@pytest.mark.parametrize("mission", sorted(MISSION_MEASURES))
def test_every_mission_measure_is_defined_under_its_mission(catalogue, mission):
    ids = {ind.id for ind in catalogue.select(mission=mission)}
    assert MISSION_MEASURES[mission] <= ids, MISSION_MEASURES[mission] - ids


def _supporting_data_titles():
    """Every row title of the strategy's flattened 'Indicator / Local data / National average' tables."""
    titles, inside = [], False
    for line in STRATEGY.read_text(encoding="utf-8").splitlines():
        if line.startswith("Indicator\tLocal data\tNational average"):
            inside = True
            continue
        if inside and "\t" in line:
            titles.append(line.split("\t")[0].strip())
        else:
            inside = False
    return titles


def test_every_supporting_data_row_of_the_strategy_is_a_measured_indicator(catalogue):
    titles = _supporting_data_titles()
    assert len(titles) == 41, titles  # 13 Healthier + 7 Wealthier + 9 Safer + 5 Greener + 7 Fairer
    by_title = {ind.title: ind for ind in catalogue.indicators.values()}
    missing = [t for t in titles if t not in by_title]
    assert not missing
    assert all(by_title[t].status == "measured" for t in titles)


def _possible_indicator_bullets():
    """The strategy's 'Possible indicators': '- ' bullets under a Possible indicators heading, and the
    items of the flattened table cells (<ul ...> lists, items split on '•' or '. ')."""
    bullets, mode = [], None
    for line in STRATEGY.read_text(encoding="utf-8").splitlines():
        if line.startswith("Key challenges"):
            mode = None
        elif "Possible indicators" in line:
            mode = "pi"
        if mode == "pi" and line.startswith("- "):
            bullets.append(line[2:])
        if 'list-style-type: none">' in line:
            cell = line.split('list-style-type: none">', 1)[1]
            bullets += re.split(r"•|\.\s+", cell)
    return sorted({b.strip().rstrip(".;").strip() for b in bullets if b.strip().rstrip(".;").strip()})


def test_every_possible_indicator_is_named(catalogue):
    """Each possible indicator appears as an indicator's title or, where it was merged into a measured
    indicator or split in two, quoted in a description."""
    bullets = _possible_indicator_bullets()
    assert len(bullets) >= 60, bullets
    known = " ".join(f"{i.title} {i.description or ''}" for i in catalogue.indicators.values()).lower()
    missing = [b for b in bullets if b.lower() not in known]
    assert not missing

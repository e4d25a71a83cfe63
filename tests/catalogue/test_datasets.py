"""The bundled datasets: discovery (stoke_opendata.catalogue.datasets), validity with foreign keys, the
observations contract, and the figures themselves checked against the source documents."""

import csv
import json
import re
import shutil
from pathlib import Path

import pytest

from stoke_opendata.catalogue import datasets
from stoke_opendata.catalogue.definitions import load_catalogue
from stoke_opendata.errors import UsageError

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "seeds"
DATA = ["corporate-strategy-2024-28", "growth-prospectus-2025", "industrial-strategy-area-figures"]
OBSERVATION_COLUMNS = ["indicator_id", "area_code", "area_name", "period", "value", "lower_ci", "upper_ci",
                       "numerator", "denominator", "status", "source", "notes"]


def _rows(path):
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        return reader.fieldnames, list(reader)


def _observations():
    return [(name, row) for name in DATA for row in _rows(ROOT / "datasets" / name / "observations.csv")[1]]


def _seed_text(source):
    """The text of the source document a row's `source` cites by name, e.g. "Corporate Strategy 2024-28 'Our City,
    Our Wellbeing', Priority 3 ..." (the published text names no internal file: catalogue/documents.py maps it)."""
    from stoke_opendata.catalogue.documents import _FILE_NAME, document_of_source

    assert not _FILE_NAME.search(source), f"source names an internal file: {source}"
    document = document_of_source(source)
    assert document, f"source cites no known document: {source}"
    return (SEEDS / document).read_text(encoding="utf-8")


# ---- discovery -----------------------------------------------------------------------------------

def test_list_datasets_finds_every_bundled_dataset():
    assert datasets.list_datasets() == sorted(DATA + ["indicator-definitions"])


def test_load_descriptor_and_dataset_dir():
    for name in datasets.list_datasets():
        assert datasets.dataset_dir(name) == ROOT / "datasets" / name
        descriptor = datasets.load_descriptor(name)
        assert descriptor["name"] == name
        assert descriptor["licenses"][0]["name"] == "OGL-UK-3.0"


@pytest.mark.parametrize("name", ["no-such-dataset", "../schemas", ""])
def test_unknown_dataset_is_a_usage_error_naming_the_known_ones(name):
    with pytest.raises(UsageError) as caught:
        datasets.dataset_dir(name)
    assert "corporate-strategy-2024-28" in caught.value.one_line()


def test_a_dataset_home_elsewhere_is_followed(tmp_path, monkeypatch):
    (tmp_path / "datasets" / "mine").mkdir(parents=True)
    (tmp_path / "datasets" / "mine" / "datapackage.json").write_text('{"name": "mine", "resources": []}')
    (tmp_path / "datasets" / "not-a-dataset").mkdir()
    monkeypatch.setenv("STOKE_OPENDATA_HOME", str(tmp_path))
    assert datasets.list_datasets() == ["mine"]
    assert datasets.load_descriptor("mine")["name"] == "mine"


# ---- validity ------------------------------------------------------------------------------------

def _validate(descriptor_path):
    from frictionless import Package, system

    with system.use_context(trusted=True):  # resources point at ../../schemas/
        return Package(str(descriptor_path)).validate()


@pytest.mark.parametrize("name", DATA + ["indicator-definitions"])
def test_every_bundled_dataset_validates_with_foreign_keys(name):
    report = _validate(ROOT / "datasets" / name / "datapackage.json")
    assert report.valid, report.flatten(["taskName", "rowNumber", "fieldName", "type", "note"])[:10]


def test_a_broken_foreign_key_is_caught(tmp_path):
    """The check above can fail: an observation of an unknown indicator makes the package invalid."""
    home = tmp_path / "home"
    shutil.copytree(ROOT / "schemas", home / "schemas")
    shutil.copytree(ROOT / "datasets" / DATA[1], home / "datasets" / DATA[1])
    path = home / "datasets" / DATA[1] / "observations.csv"
    header, rows = _rows(path)
    rows[0]["indicator_id"] = "no-such-indicator"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    report = _validate(home / "datasets" / DATA[1] / "datapackage.json")
    assert not report.valid
    assert "foreign-key" in {error[0] for error in report.flatten(["type"])}


@pytest.mark.parametrize("name", DATA)
def test_observation_columns_are_exactly_the_contract(name):
    header, _ = _rows(ROOT / "datasets" / name / "observations.csv")
    schema = json.loads((ROOT / "schemas" / "observations.schema.json").read_text())
    assert header == OBSERVATION_COLUMNS == [f["name"] for f in schema["fields"]]


def test_descriptors_point_at_the_shared_schemas_and_catalogue():
    for name in DATA:
        resources = {r["name"]: r for r in datasets.load_descriptor(name)["resources"]}
        assert resources["observations"]["schema"] == "../../schemas/observations.schema.json"
        assert resources["indicators"]["path"] == "../../schemas/indicators.csv"
        assert resources["areas"]["path"] == "../../schemas/areas.csv"
        for source in datasets.load_descriptor(name)["sources"]:
            assert (SEEDS / source["path"]).is_file()


def test_status_measured_means_observed():
    catalogue = load_catalogue(ROOT / "schemas")
    observed = {row["indicator_id"] for _, row in _observations()}
    for ind in catalogue.indicators.values():
        assert (ind.status == "measured") == (ind.id in observed), ind.id


def test_periods_follow_each_indicators_frequency():
    from stoke_opendata.catalogue.periods import fits

    catalogue = load_catalogue(ROOT / "schemas")
    for name, row in _observations():
        ind = catalogue.indicator(row["indicator_id"])
        assert fits(row["period"], ind.frequency), (name, row["indicator_id"], row["period"])


def test_values_lie_within_their_units_bounds():
    catalogue = load_catalogue(ROOT / "schemas")
    for name, row in _observations():
        ind = catalogue.indicator(row["indicator_id"])
        value = float(row["value"])
        assert ind.minimum is None or value >= ind.minimum, (name, row)
        assert ind.maximum is None or value <= ind.maximum, (name, row)


# ---- the figures against the documents -------------------------------------------------------------

def _printed_forms(value):
    """How a value can be printed: as is, and with thousands separators (4530 -> 4,530)."""
    forms = {value}
    if re.fullmatch(r"\d{4,}", value):
        forms.add(f"{int(value):,}")
    return forms


def test_every_exact_figure_is_printed_in_its_source_document():
    """Every value that is not a paraphrase (ranks and 'a quarter' are words; falls are 'Down 22 %') occurs
    in the document its source names, as a whole number (not inside a longer one)."""
    checked = 0
    for name, row in _observations():
        if row["status"] == "estimated" and "forecast" not in row["notes"].lower():
            continue  # 'a quarter', 'one in four', 'almost £5,000': see the sample below
        if row["indicator_id"].endswith("-rank-england") or row["value"].startswith("-"):
            continue
        text = _seed_text(row["source"])
        pattern = "|".join(re.escape(f) for f in _printed_forms(row["value"]))
        assert re.search(rf"(?<![\d.,])(?:{pattern})(?![\d]|[.,]\d)", text), (name, row["indicator_id"], row["value"])
        checked += 1
    assert checked >= 120


# (dataset, indicator, area, period, value, the printed phrase holding the figure)
SAMPLE = [
    ("corporate-strategy-2024-28", "life-expectancy-male", "E06000021", "2024", "77.9", "Male average life expectancy\t77.9 years\t79.4 years"),
    ("corporate-strategy-2024-28", "life-expectancy-male", "E92000001", "2024", "79.4", "Male average life expectancy\t77.9 years\t79.4 years"),
    ("corporate-strategy-2024-28", "infant-mortality-rate", "E06000021", "2024", "6.5", "Infant mortality rate (per 1,000 live births)\t6.5\t3.9"),
    ("corporate-strategy-2024-28", "adults-overweight-or-obese", "E06000021", "2024", "69", "Percentage of adults who are overweight or obese\t69 %\t63.5 %"),
    ("corporate-strategy-2024-28", "gross-weekly-pay-full-time", "E06000021", "2024", "552.00", "Gross weekly pay by area of residence\t£552.00\t£642.20"),
    ("corporate-strategy-2024-28", "gross-weekly-pay-full-time", "K02000001", "2024", "642.20", "Gross weekly pay by area of residence\t£552.00\t£642.20"),
    ("corporate-strategy-2024-28", "gdhi-per-head", "K02000001", "2024", "21978", "Avg. gross disposable household income (per head)\t£15,455\t£21,978"),
    ("corporate-strategy-2024-28", "alcohol-related-admissions-rate", "E06000021", "2024", "2180", "(per 100,000 population)\t2,180\t1,500"),
    ("corporate-strategy-2024-28", "antisocial-behaviour-change", "E06000021", "2024", "-22", "Antisocial behaviour incidents recorded\tDown 22 %\tDown 27 %"),
    ("corporate-strategy-2024-28", "children-in-need-of-safeguarding", "E92000001", "2024", "3520", "Children in need of safeguarding\t5,900\t3,520"),
    ("corporate-strategy-2024-28", "electricity-consumption", "E06000021", "2024", "317.5", "Total electricity consumption per year (GWh)\t317.5\t470.4"),
    ("corporate-strategy-2024-28", "green-industry-employment-2050", "E92000001", "2050", "7484", "directly employed)\t3,362\t7,484"),
    ("corporate-strategy-2024-28", "pupils-with-learning-difficulties-rate", "E06000021", "2024", "62.0", "(per 1,000 pupils)\t62.0\t34.4"),
    ("corporate-strategy-2024-28", "ks4-attainment-score", "E92000001", "2024", "50.9", "Key Stage 4 educational attainment score\t43.2\t50.9"),
    ("corporate-strategy-2024-28", "gva-total-gap", "E06000021", "2023", "1.263", "£1.263bn in total for the city"),
    ("corporate-strategy-2024-28", "children-in-care-excess", "E06000021", "2023", "709", "Children in Care\t709 more children"),
    ("corporate-strategy-2024-28", "deprivation-rank-england", "E06000021", "2024", "14", "slipped from 39th to 14th most deprived district"),
    ("growth-prospectus-2025", "gva-growth", "E06000021", "2016-2022", "40.4", "TOTAL GVA                                               40.4%"),
    ("growth-prospectus-2025", "child-poverty-growth", "K02000001", "2016-2022", "6.4", "23.6%                                6.4%"),
    ("growth-prospectus-2025", "economically-inactive-long-term-sick", "E06000021", "2024", "41.4", "data: 41.4%"),
    ("growth-prospectus-2025", "healthy-life-expectancy-female", "E92000001", "2023", "61.9", "FEMALE = 61.9 YEARS"),
    ("growth-prospectus-2025", "renewable-energy-generated", "E06000021", "2023", "28", "2023 baseline of 28 MWh"),
    ("growth-prospectus-2025", "people-in-employment", "E06000021", "2025", "116000", "baseline position of 116,000"),
    ("growth-prospectus-2025", "employees-on-minimum-wage", "E06000021", "2025", "25", "A quarter of adults in the city who are in work earn the"),
    ("growth-prospectus-2025", "deprivation-rank-england", "E06000021", "2025", "13", "13th most deprived area"),
    ("growth-prospectus-2025", "less-active-children", "E06000021", "2025", "36.5", "reduced from 36.5 per"),
    ("industrial-strategy-area-figures", "population", "E37000032", "2018", "1126200", "Population: 1,126,200"),
    ("industrial-strategy-area-figures", "apprenticeship-starts", "E37000032", "2017", "8680", "8,680 apprenticeships starts last year"),
]


def test_a_sample_of_values_matches_the_printed_text():
    index = {(name, r["indicator_id"], r["area_code"], r["period"]): r for name, r in _observations()}
    assert len(SAMPLE) >= 15
    for name, iid, area, period, value, phrase in SAMPLE:
        row = index[(name, iid, area, period)]
        assert row["value"] == value, (iid, area, period)
        assert phrase in _seed_text(row["source"]), phrase


# ---- targets --------------------------------------------------------------------------------------

def _targets():
    return [(name, row) for name in DATA[:2] for row in _rows(ROOT / "datasets" / name / "targets.csv")[1]]


def test_every_target_names_a_known_indicator_and_area():
    catalogue = load_catalogue(ROOT / "schemas")
    for name, row in _targets():
        assert row["indicator_id"] in catalogue.indicators, (name, row["indicator_id"])
        assert row["area_code"] in catalogue.areas
        assert row["statement"] in re.sub(r"\s+", " ", _seed_text(row["source"]).replace("\n", " ")) or \
            row["statement"].split(" (Fairer:")[0] in _seed_text(row["source"]), row["statement"]


def test_every_2030_aim_of_the_prospectus_is_a_target():
    text = (SEEDS / "001_6067628d7db9e3d3.txt").read_text(encoding="utf-8")
    aims = 0
    for block in re.findall(r"Our aim is that by 2030:(.*?)(?:MISSION|REMOVING BARRIERS|OUR ASKS|\n\d+\n)", text, flags=re.S):
        aims += len(re.findall(r"•", block))
    prospectus = [row for name, row in _targets() if name == "growth-prospectus-2025"]
    assert aims == 15  # 4 + 3 + 3 + 2 + 3 bullets; some bullets hold two aims
    assert len(prospectus) >= aims
    assert {row["target_period"] for row in prospectus} == {"2030"}


def test_a_descriptor_naming_a_file_outside_its_folder_is_refused(run_cli, tmp_path, monkeypatch):
    """`progress` on a dataset whose descriptor names ../../../../etc/passwd refuses it in one line (it used to
    open that file), while the bundled datasets' shared schemas/ folder stays readable."""
    import json

    from accept_fixtures import copy_home

    home = copy_home(tmp_path / "home")
    monkeypatch.setenv("STOKE_OPENDATA_HOME", str(home))
    code, out, err = run_cli(["progress", "corporate-strategy-2024-28"])
    assert code == 0, err
    folder = home / "datasets" / "corporate-strategy-2024-28"
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    [observations] = [r for r in descriptor["resources"] if r["name"] == "observations"]
    observations["path"] = "../../../../etc/passwd"
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    code, out, err = run_cli(["progress", "corporate-strategy-2024-28"])
    assert code == 2 and "'../../../../etc/passwd' leaves the dataset's folder" in err and "passwd: row" not in err
    assert len(err.strip().splitlines()) == 1

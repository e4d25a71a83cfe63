"""The safety rules wired into validate, package and publish: formula-like text and unsuppressed
disclosive counts are errors, so packaging and publishing refuse them; text a steward chose to keep is
packaged with a leading apostrophe; descriptors that escape their folder are refused."""

import csv
import json

import pytest
from click.testing import CliRunner

from packaging_fixtures import AREA_FIELDS, AREAS, OBS_FIELDS, make_home, write_csv
from stoke_opendata.cli import cli


@pytest.fixture
def home(tmp_path, monkeypatch):
    home = make_home(tmp_path / "home")
    # a ward of the city, so small-area counts can be written
    write_csv(home / "schemas" / "areas.csv", AREA_FIELDS, AREAS + [["E05008290", "Abbey Hulton and Townsend", "ward", "E06000021", ""]])
    monkeypatch.setenv("STOKE_OPENDATA_HOME", str(home))
    monkeypatch.delenv("STOKE_OPENDATA_KEEP_FORMULA_TEXT", raising=False)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    from stoke_opendata.catalogue.definitions import load_catalogue

    load_catalogue.cache_clear()
    yield home
    load_catalogue.cache_clear()


def _append(home, dataset, row):
    with (home / "datasets" / dataset / "observations.csv").open("a", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerow(row)


def _codes(outcome):
    return {p["code"] for p in (outcome.data or {}).get("problems", [])} if getattr(outcome, "data", None) else outcome.text


def test_formula_text_is_an_error_then_kept_text_is_neutralised(home, tmp_path, monkeypatch):
    from stoke_opendata.package.manifests import load_manifests
    from stoke_opendata.package.build import build_package
    from stoke_opendata.package.gate import check_datasets

    _append(home, "healthier", ["smoking-prevalence", "E92000001", "England", "2019", "-0", "", "", "", "", "final",
                                "=HYPERLINK(\"http://evil.example\",\"click\")", "@SUM(1)"])
    outcome = check_datasets(["healthier"])[0]
    assert not outcome.valid
    assert "formula" in outcome.text
    result = CliRunner().invoke(cli, ["validate", "--format", "json", str(home / "datasets" / "healthier" / "datapackage.json")])
    problems = json.loads(result.output)["problems"]
    found = sorted((p["code"], p["row"], p["column"]) for p in problems if p["code"] == "formula-injection")
    assert found == [("formula-injection", 10, "notes"), ("formula-injection", 10, "source")]

    monkeypatch.setenv("STOKE_OPENDATA_KEEP_FORMULA_TEXT", "1")
    assert check_datasets(["healthier"])[0].valid
    manifest = next(m for m in load_manifests() if m.name == "stoke-healthier")
    built = build_package(manifest, tmp_path / "out")
    with (built.directory / "data" / "observations.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    last = rows[-1] if rows[-1]["period"] == "2019" and rows[-1]["area_code"] == "E92000001" else next(
        r for r in rows if r["source"].startswith("'"))
    assert last["source"] == "'=HYPERLINK(\"http://evil.example\",\"click\")" and last["notes"] == "'@SUM(1)"
    assert last["value"] == "-0", "numbers are never touched"
    descriptor = json.loads((built.directory / "datapackage.json").read_text())
    import hashlib

    res = next(r for r in descriptor["resources"] if r["name"] == "observations")
    assert res["hash"] == "sha256:" + hashlib.sha256((built.directory / "data" / "observations.csv").read_bytes()).hexdigest()


def test_unsuppressed_disclosive_count_is_refused_until_suppressed(home, tmp_path):
    from stoke_opendata.package.gate import check_datasets

    _append(home, "healthier", ["unused-indicator", "E05008290", "Abbey Hulton and Townsend", "2023", "4", "", "", "",
                                "", "final", "Council records", ""])
    outcome = check_datasets(["healthier"])[0]
    assert not outcome.valid and "disclosure threshold" in outcome.text
    result = CliRunner().invoke(cli, ["package", "--out", str(tmp_path / "out"), "stoke-healthier"])
    assert result.exit_code == 1, result.output
    assert not (tmp_path / "out" / "stoke-healthier").exists()
    obs = home / "datasets" / "healthier" / "observations.csv"
    result = CliRunner().invoke(cli, ["suppress", str(obs), str(obs)])
    assert result.exit_code == 0 and "[primary]" in result.output
    assert check_datasets(["healthier"])[0].valid


def test_publish_refuses_a_package_with_an_unsuppressed_small_count(tmp_path):
    """The publish gate (validation) refuses before any request: no portal is needed to prove it."""
    from package_factory import make_package, observation_rows, annual_indicator_ids, rewrite_descriptor
    from stoke_opendata.catalogue.definitions import load_catalogue
    from stoke_opendata.errors import InvalidDataError
    from stoke_opendata.portal.local_package import read_package
    from stoke_opendata.portal.publish_gate import check_package

    catalogue = load_catalogue()
    disclosive = sorted(i for i, ind in catalogue.indicators.items() if ind.disclosive and ind.unit == "count")
    assert disclosive, "the bundled catalogue marks no count indicator disclosive"
    folder = make_package(tmp_path, "disclosive-test", second_table=False)
    ind = catalogue.indicators[disclosive[0]]
    period = {"annual": "2023", "financial_year": "2023/24", "quarterly": "2023-Q3", "monthly": "2023-07",
              "rolling_3_year": "2021-23", "academic_year": "2023/24", "one_off": "2023"}[ind.frequency]
    with (folder / "data" / "observations.csv").open("a", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerow([ind.id, "E05008290", "A ward", period, "3", "", "", "", "", "final", "x", ""])
    rewrite_descriptor(folder)
    with pytest.raises(InvalidDataError) as err:
        check_package(read_package(folder))
    assert "disclosure threshold" in err.value.message


def test_descriptor_escaping_its_folder_is_refused_by_validate(tmp_path):
    (tmp_path / "secret.csv").write_text("a,b\n1,2\n")
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "datapackage.json").write_text(json.dumps({"name": "x", "resources": [
        {"name": "observations", "path": "../secret.csv", "schema": {"fields": [{"name": "a"}, {"name": "b"}]}}]}))
    from stoke_opendata.errors import InputError

    result = CliRunner().invoke(cli, ["validate", str(pkg / "datapackage.json")])
    assert isinstance(result.exception, InputError) and "climbs out" in result.exception.message
    assert result.exception.exit_code == 2

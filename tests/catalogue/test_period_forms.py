"""Source period forms: the catalogue accepts what each source publishes, and neighbouring forms get a fix."""

import csv

import pytest

from stoke_opendata.catalogue.periods import convert
from stoke_opendata.validate.validator import fix_path, validate_paths

HEADER = "indicator_id,area_code,area_name,period,value,lower_ci,upper_ci,numerator,denominator,status,source,notes"


@pytest.mark.parametrize("period,form,expected", [
    ("2023-24", "financial_year", "2023/24"), ("2023/2024", "financial_year", "2023/24"), ("1999-00", "academic_year", "1999/00"),
    ("2023.0", "annual", "2023"), ("2018-2020", "rolling_3_year", "2018-20"),
    ("2023/24", "financial_year", None), ("2023", "financial_year", None), ("2023-25", "financial_year", None),
    ("2018-2021", "rolling_3_year", None),
])
def test_convert_only_one_to_one(period, form, expected):
    assert convert(period, form) == expected


def _write(path, rows):
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_financial_year_crime_validates_and_neighbours_are_fixed(tmp_path):
    src = _write(tmp_path / "crime.csv", [
        "recorded-crime-rate,E06000021,Stoke-on-Trent,2023/24,120.5,,,,,final,Home Office,",
        "recorded-crime-rate,E06000021,Stoke-on-Trent,2022-23,118.1,,,,,final,Home Office,",
        "school-readiness,E06000021,Stoke-on-Trent,2023/2024,63.0,,,,,final,DfE,",
    ])
    report = validate_paths([src], history=False)
    bad = {(p.row, p.code): p for p in report.errors}
    assert set(bad) == {(3, "period-format"), (4, "constraint-error")}
    assert "write '2022/23'" in bad[(3, "period-format")].hint
    changes = fix_path(src, tmp_path / "fixed.csv")
    assert {(c.row, c.new) for c in changes if c.column == "period"} == {(3, "2022/23"), (4, "2023/24")}
    assert validate_paths([tmp_path / "fixed.csv"], history=False).valid


def test_a_bare_year_for_a_calendar_indicator_is_not_turned_into_a_financial_year(tmp_path):
    src = _write(tmp_path / "s.csv", ["adults-smoking,E06000021,Stoke-on-Trent,2023/24,16.0,,,,,final,OHID,"])
    [problem] = validate_paths([src], history=False).errors
    assert problem.code == "period-format" and "write annual periods like 2023" in problem.hint


def test_sources_name_publisher_and_series_for_measured_indicators():
    from stoke_opendata.catalogue import paths

    with (paths.schemas_dir() / "indicator-sources.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with (paths.schemas_dir() / "indicators.csv").open(encoding="utf-8") as fh:
        measured = {r["id"] for r in csv.DictReader(fh) if r["status"] == "measured"}
    assert sum(1 for r in rows if r["period_form"]) >= 40
    assert all(r["publisher"] and r["series"] and r["indicator_id"] in measured for r in rows)
    crime = {r["indicator_id"]: r for r in rows}["recorded-crime-rate"]
    assert crime["period_form"] == "financial_year" and "Police recorded crime" in crime["series"]

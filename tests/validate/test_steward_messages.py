"""One plain message per mistake a new steward makes (issue 21), each with the file that triggers it.

The workbook examples/steward-mistakes-EXAMPLE.xlsx holds one of each mistake; its corrected twin is valid with
no warning. Smaller CSV and workbook files below trigger each message alone.
"""

from pathlib import Path

import polars as pl
import pytest

from stoke_opendata.validate.checks.plausibility import probably_meant
from stoke_opendata.validate.validator import fix_path, validate_paths

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
HEADER = "indicator_id,area_code,area_name,period,value,status,source"


def found(report):
    return sorted((p.code, p.row, p.column) for p in report.problems)


def one(report, code):
    matches = [p for p in report.problems if p.code == code]
    assert len(matches) == 1, found(report)
    return matches[0]


def write(tmp_path, *rows, header=HEADER, name="update.csv"):
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_the_mistakes_workbook_gets_one_message_per_mistake():
    report = validate_paths([EXAMPLES / "steward-mistakes-EXAMPLE.xlsx"])
    assert found(report) == [
        ("constraint-error", 5, "period"), ("constraint-error", 6, "period"), ("constraint-error", 7, "period"),
        ("constraint-error", 8, "area_code"),
        ("header-not-first", 3, None),
        ("implausible-value", 4, "value"), ("implausible-value", 9, "value"), ("implausible-value", 10, "value"),
        ("renamed-label", 3, "Area Code"), ("renamed-label", 3, "Period"),
    ]
    hints = {(p.row, p.column): p.hint for p in report.problems}
    assert hints[(5, "period")].startswith("write '2024/25' (the financial year that contains 1 January 2025)")
    assert hints[(6, "period")].startswith("write '2025' (the year that contains 1 January 2025)")
    assert hints[(7, "period")].startswith("write '2024/25' (the academic year form)")
    assert hints[(8, "area_code")].startswith("write E06000021 (Stoke-on-Trent in the areas table)")
    assert hints[(4, "value")].startswith("if 62.9 was meant, write 62.9")
    assert hints[(9, "value")].startswith("if 117000 was meant, write 117000")
    assert hints[(10, "value")].startswith("if 4.7 was meant, write 4.7")
    # no message gives a regular expression as its hint
    assert not any("^" in p.hint or "\\d" in p.hint for p in report.problems)


def test_the_corrected_twin_is_valid_without_warnings():
    report = validate_paths([EXAMPLES / "steward-mistakes-corrected-EXAMPLE.xlsx"])
    assert report.valid and report.problems == []


def test_a_title_row_above_the_header_is_one_message(tmp_path):
    from validation_fixtures import write_xlsx  # noqa: F401  (the fixtures' own writer is for the full header)
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["Performance update, March 2025"])
    ws.append(HEADER.split(","))
    ws.append(["school-readiness", "E06000021", "Stoke-on-Trent", "2024/25", 62.9, "final", "DfE"])
    book.save(tmp_path / "titled.xlsx")
    report = validate_paths([tmp_path / "titled.xlsx"])
    problem = one(report, "header-not-first")
    assert (problem.row, len(report.problems)) == (2, 1)
    assert "the header row is row 2; row 1 above it ('Performance update, March 2025') is not part of the table" == problem.message


def test_a_title_line_above_a_csv_header_is_one_message_and_fix_drops_it(tmp_path):
    path = tmp_path / "titled.csv"
    path.write_text("Performance update March 2025\n\n" + HEADER + "\nschool-readiness,E06000021,Stoke-on-Trent,2024/25,62.9,final,DfE\n"
                    "school-readiness,Stoke on Trent,,2025/26,63.1,final,DfE\n", encoding="utf-8")
    report = validate_paths([path])
    assert found(report) == [("constraint-error", 5, "area_code"), ("header-not-first", 3, None)]
    changes = fix_path(path, tmp_path / "fixed.csv")
    assert "deleted rows 1-2 above the header" in " ".join(c.reason for c in changes)
    assert validate_paths([tmp_path / "fixed.csv"]).problems == []
    # a data package's resource keeps frictionless's reading: row 1 is the header
    from stoke_opendata.validate.tables.files import read_table

    assert read_table(path, schema_names={"indicator_id", "area_code"}).labels == ["Performance update March 2025"]


def test_optional_columns_may_be_left_out(tmp_path):
    report = validate_paths([write(tmp_path, "school-readiness,E06000021,Stoke-on-Trent,2024/25,62.9,final,DfE")])
    assert report.problems == []
    # a required column is still required
    report = validate_paths([write(tmp_path, "school-readiness,E06000021,2024/25,62.9,final", header="indicator_id,area_code,period,value,status")])
    assert found(report) == [("missing-label", 1, "source")]


def test_a_renamed_header_is_one_message_per_column_and_its_cells_are_checked(tmp_path):
    report = validate_paths([write(tmp_path, "school-readiness,Narnia,Stoke-on-Trent,2024/25,62.9,final,DfE",
                                   header="Indicator ID,Area Code,area_name,period,value,status,source")])
    assert found(report) == [("constraint-error", 2, "area_code"), ("renamed-label", 1, "Area Code"), ("renamed-label", 1, "Indicator ID")]
    assert one(report, "constraint-error").hint.startswith("write the area's ONS code")


def test_a_place_name_gets_its_code(tmp_path):
    report = validate_paths([write(tmp_path, "school-readiness,England,England,2024/25,65.2,final,DfE")])
    problem = one(report, "constraint-error")
    assert problem.message == "'England' in area_code is a place name, not an area code"
    assert problem.hint.startswith("write E92000001 (England in the areas table)")


@pytest.mark.parametrize("period, hint", [
    ("2024-01-15", "write '2023/24' (the financial year that contains 15 January 2024)"),
    ("15/05/2024", "write '2024/25' (the financial year that contains 15 May 2024)"),
    ("2024/2025", "write '2024/25' (the financial year form)"),
    ("2024-25", "write '2024/25' (the financial year form)"),
])
def test_a_period_written_another_way_gets_the_period_to_write(tmp_path, period, hint):
    report = validate_paths([write(tmp_path, f"recorded-crime-rate,E06000021,Stoke-on-Trent,{period},121.3,final,Home Office")])
    problem = one(report, report.problems[0].code)
    assert problem.column == "period" and problem.hint.startswith(hint)


def test_a_period_with_no_rewrite_is_told_in_words(tmp_path):
    report = validate_paths([write(tmp_path, "recorded-crime-rate,E06000021,Stoke-on-Trent,March 2025,121.3,final,Home Office")])
    problem = one(report, "constraint-error")
    assert problem.hint.startswith("write the period as a year (2025), a financial or academic year (2024/25)")


def test_plausibility_names_the_value_probably_meant():
    assert probably_meant(0.629, 61.9, "percent") == (62.9, "a percentage given as a fraction (0.629 for 62.9)")
    assert probably_meant(117, 116000, "count") == (117000, "a count given in thousands (117 for 117000)")
    assert probably_meant(3.2, 310.0, "rate_per_100000") == (320.0, "a rate per 1,000 where the indicator is per 100,000 (3.2 for 320)")
    assert probably_meant(12130, 128, "rate_per_1000")[0] == 121.3
    assert probably_meant(47, 4.9, "tonnes_per_head") == (4.7, "a slipped decimal point or a unit 10 times too large (47 for 4.7)")
    assert probably_meant(30, 66, "percent") == (None, "")  # far, but no power of ten explains it


def test_plausibility_runs_with_a_history_of_one_figure(tmp_path):
    from stoke_opendata.validate import checks
    from stoke_opendata.validate.tables.csv_reader import read_csv
    from stoke_opendata.validate.tableschema.check import check_structure
    from stoke_opendata.validate.pipeline import Catalogue, load_schema

    schema, _ = load_schema("observations")
    catalogue = Catalogue(None)
    history = pl.DataFrame({"indicator_id": ["unplanned-hospital-admissions", "school-readiness"], "area_code": ["E06000021"] * 2,
                            "period": ["2023", "2023"], "value": [310.0, 61.3]})
    path = write(tmp_path, "unplanned-hospital-admissions,E06000021,,2024,3.2,final,OHID", "unplanned-hospital-admissions,E06000021,,2025,330,final,OHID",
                 "school-readiness,E06000021,,2024/25,0.629,final,DfE", "school-readiness,E06000021,,2025/26,-1,final,DfE")
    ctx = checks.build_context(check_structure(read_csv(path), schema, catalogue.reference), catalogue.definitions(), history)
    problems = [p for p in checks.run_checks(ctx) if p.code == "implausible-value"]
    assert [(p.row, p.value) for p in problems] == [(2, "3.2"), (4, "0.629")]
    assert "a rate per 1,000 where the indicator is per 100,000" in problems[0].message
    # without a history there is nothing to compare with: no warning
    ctx = checks.build_context(check_structure(read_csv(path), schema, catalogue.reference), catalogue.definitions(), None)
    assert not [p for p in checks.run_checks(ctx) if p.code == "implausible-value"]


def test_fix_writes_the_format_its_name_says_and_applies_every_rewrite(tmp_path):
    import openpyxl

    source = EXAMPLES / "steward-mistakes-EXAMPLE.xlsx"
    changes = fix_path(source, tmp_path / "fixed.xlsx")
    assert openpyxl.load_workbook(tmp_path / "fixed.xlsx").active.cell(1, 1).value == "indicator_id"
    reasons = " ".join(c.reason for c in changes)
    for said in ("deleted rows 1-2 above the header", "renamed the column", "added the column notes", "rewrote the period", "wrote the area code"):
        assert said in reasons
    assert len({(c.row, c.column) for c in changes}) == len(changes)  # each change once
    report = validate_paths([tmp_path / "fixed.xlsx"])
    assert report.valid and {p.code for p in report.problems} == {"implausible-value"}  # the figures are the steward's to confirm
    fix_path(source, tmp_path / "fixed.csv")
    assert (tmp_path / "fixed.csv").read_text().startswith("indicator_id,area_code,area_name,period,value,lower_ci")
    assert validate_paths([tmp_path / "fixed.csv"]).valid


def test_fix_keeps_the_sheets_other_columns(tmp_path):
    path = write(tmp_path, "school-readiness,E06000021,2024/25,62.9,final,DfE,checked by AB", header="indicator_id,area_code,period,value,status,source,Checked")
    fix_path(path, tmp_path / "fixed.xlsx")
    import openpyxl

    ws = openpyxl.load_workbook(tmp_path / "fixed.xlsx").active
    header = [c.value for c in ws[1]]
    assert header[-1] == "Checked" and ws.cell(2, len(header)).value == "checked by AB"
    assert ws.cell(2, header.index("value") + 1).value == 62.9 and ws.cell(2, header.index("period") + 1).value == "2024/25"


def test_fix_to_another_format_is_refused_and_writes_nothing(tmp_path):
    from stoke_opendata.errors import UsageError

    path = write(tmp_path, "school-readiness,E06000021,,2024/25,62.9,final,DfE")
    with pytest.raises(UsageError):
        fix_path(path, tmp_path / "fixed.json")
    assert not (tmp_path / "fixed.json").exists()

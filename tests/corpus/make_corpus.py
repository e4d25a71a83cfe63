"""Writes the malformed-and-awkward corpus (tests/corpus/files/) and its manifest (expected.json).

Each case is what a data steward could really send, and the result `stoke-opendata validate` must give:
the exit code and the exact set of codes reported. Run it after changing a case:

    .venv/bin/python tests/corpus/make_corpus.py

The catalogue the corpus is checked against is tests/corpus/catalogue/ (fixed, so the corpus does not
move when the bundled catalogue grows); every run uses --no-history for the same reason.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

HERE = Path(__file__).resolve().parent
FILES = HERE / "files"
HEADER = "indicator_id,area_code,area_name,period,value,lower_ci,upper_ci,numerator,denominator,status,source,notes"
GOOD = [
    "employment-rate,E06000021,Stoke-on-Trent,2023,68.1,66.2,70.0,,,final,APS Jan-Dec 2023,",
    "employment-rate,E92000001,England,2023,75.7,75.5,75.9,,,final,APS Jan-Dec 2023,",
    "healthy-life-expectancy-male,E06000021,Stoke-on-Trent,2018-20,55.9,54.1,57.7,,,final,OHID Fingertips,",
    "children-in-care,E06000021,Stoke-on-Trent,2023/24,1045,,,,,provisional,DfE CLA,",
    "weekly-pay,E06000021,Stoke-on-Trent,2023,552.00,,,,,final,ASHE 2023,Gross weekly pay (full-time)",
    "smoking-attributable-admissions,E06000021,Stoke-on-Trent,2022/23,1200.0,,,1200,100000,final,OHID,",
]


def csv_text(rows: list[str], header: str = HEADER, eol: str = "\n") -> str:
    return eol.join([header, *rows]) + eol


def replace(row: int, column: str, value: str) -> list[str]:
    """GOOD with one cell changed (row index into GOOD)."""
    names = HEADER.split(",")
    rows = [r.split(",") for r in GOOD]
    rows[row][names.index(column)] = value
    return [",".join(r) for r in rows]


# name -> (content (str or bytes), exit code, codes, extra CLI args)
CASES: dict[str, tuple[object, int, list[str], list[str]]] = {}


def case(name, content, exit_code, codes, args=()):
    CASES[name] = (content, exit_code, sorted(codes), list(args))


def build_cases() -> None:
    good = csv_text(GOOD)
    # readable, valid
    case("valid.csv", good, 0, [])
    case("valid_bom.csv", b"\xef\xbb\xbf" + good.encode(), 0, [])
    case("valid_crlf.csv", csv_text(GOOD, eol="\r\n"), 0, [])
    case("valid_mac_cr.csv", csv_text(GOOD, eol="\r"), 0, [])
    case("only_header.csv", HEADER + "\n", 1, ["no-data-rows"])  # issue 10: a header and no rows is an error
    case("quoted_cells.csv", csv_text(replace(4, "notes", '"Gross weekly pay, full-time\nresidents, 2023 ""provisional"""')), 0, [])
    case("cp1252.csv", csv_text(replace(4, "notes", "£552 a week – residents")).encode("cp1252"), 0, ["guessed-encoding"])
    case("latin1_accents.csv", csv_text(replace(1, "notes", "Données: Angleterre")).encode("latin-1"), 0, ["guessed-encoding"])
    case("semicolon.csv", csv_text([r.replace(",", ";") for r in GOOD], HEADER.replace(",", ";")), 0, ["guessed-delimiter"])
    case("tab.tsv", csv_text([r.replace(",", "\t") for r in GOOD], HEADER.replace(",", "\t")), 0, ["guessed-delimiter"])
    utf16 = csv_text([r.replace(",", "\t") for r in GOOD], HEADER.replace(",", "\t"), eol="\r\n")
    case("excel_unicode_text.txt", b"\xff\xfe" + utf16.encode("utf-16-le"), 0, ["guessed-encoding", "guessed-delimiter"])
    case("suppressed_blank_value.csv", csv_text(GOOD + ["children-in-care,E05008290,Abbey Hulton and Townsend,2023/24,,,,,,suppressed,DfE CLA,small number"]), 0, [])
    # what stewards type into number cells
    case("percent_sign.csv", csv_text(replace(0, "value", "68.1 %")), 1, ["type-error"])
    case("currency_sign.csv", csv_text(replace(4, "value", "£552.00")), 1, ["type-error"])
    case("thousands_separator.csv", csv_text(replace(3, "value", '"1,045"')), 1, ["type-error"])
    semicolons = [r.replace(",", ";") for r in GOOD]
    semicolons[0] = semicolons[0].replace(";68.1;", ";68,1;")
    case("decimal_comma.csv", csv_text(semicolons, HEADER.replace(",", ";")), 1, ["type-error", "guessed-delimiter"])
    case("suppression_markers.csv", csv_text(replace(3, "value", "-") + ["children-in-care,E05008290,Abbey Hulton and Townsend,2023/24,n/a,,,,,suppressed,DfE,"]), 1, ["type-error"])
    # padding around a number is not part of it (frictionless reads " 68.1 " as 68.1); --fix still trims it
    case("spaces_around_number.csv", csv_text(replace(0, "value", " 68.1 ")), 0, [])
    case("words_in_number.csv", csv_text(replace(3, "value", "about 1000")), 1, ["type-error"])
    # rows and cells
    case("blank_rows.csv", csv_text(GOOD[:2] + [",,,,,,,,,,,"] + GOOD[2:] + [""]), 1, ["blank-row"])
    case("extra_cells.csv", csv_text(replace(4, "notes", "Gross weekly pay, full-time")), 1, ["extra-cell"])
    case("missing_cells.csv", csv_text(GOOD + ["employment-rate,E10000028,Staffordshire,2023,74.2"]), 1, ["missing-cell"])
    # header
    case("duplicate_header.csv", csv_text([r + ",x" for r in GOOD], HEADER + ",notes"), 1, ["duplicate-label"])
    case("missing_column.csv", csv_text([",".join(r.split(",")[:5] + r.split(",")[9:]) for r in GOOD], "indicator_id,area_code,area_name,period,value,status,source,notes"), 0, [])  # optional columns may be left out (issue 21)
    case("missing_required_column.csv", csv_text([",".join(r.split(",")[:9] + r.split(",")[10:]) for r in GOOD], HEADER.replace(",status", "")), 1, ["missing-label"])
    case("extra_column.csv", csv_text([r + ",percent" for r in GOOD], HEADER + ",unit"), 1, ["extra-label"])
    case("blank_header_with_data.csv", csv_text([r + ",checked" for r in GOOD], HEADER + ","), 1, ["blank-label"])
    case("header_spelling.csv", csv_text(GOOD, HEADER.replace("indicator_id", "Indicator ID").replace("area_code", "Area Code")), 1, ["renamed-label"])  # one per column
    case("wrong_table.csv", "name,email\nAlice,alice@example.org\n", 1, ["extra-label", "missing-label"])
    # constraints and keys
    case("bad_area_code.csv", csv_text(replace(0, "area_code", "E6000021")), 1, ["constraint-error"])  # one message per cell
    case("area_name_for_code.csv", csv_text(replace(0, "area_code", "Stoke-on-Trent")), 1, ["constraint-error"])  # says E06000021
    case("status_capitalised.csv", csv_text(replace(0, "status", "Final")), 1, ["constraint-error"])
    case("required_blank.csv", csv_text(replace(1, "source", "")), 1, ["constraint-error"])
    case("duplicate_key.csv", csv_text(GOOD + [GOOD[0].replace("68.1", "68.3")]), 1, ["primary-key"])
    case("unknown_indicator.csv", csv_text(replace(0, "indicator_id", "employment-rates")), 1, ["foreign-key"])
    case("unknown_area.csv", csv_text(replace(0, "area_code", "E06000099")), 1, ["foreign-key"])
    case("indicator_title_not_id.csv", csv_text(replace(0, "indicator_id", "Employment rate")), 1, ["constraint-error", "foreign-key"])
    # meaning
    case("percent_over_100.csv", csv_text([GOOD[0].replace("68.1,66.2,70.0", "681,,")] + GOOD[1:]), 1, ["out-of-bounds"])
    case("negative_count.csv", csv_text(replace(3, "value", "-5")), 1, ["out-of-bounds"])
    case("ci_swapped.csv", csv_text([GOOD[0].replace("66.2,70.0", "70.0,66.2")] + GOOD[1:]), 1, ["ci-order"])
    case("numerator_over_denominator.csv", csv_text([*GOOD[:5], GOOD[5].replace("1200,100000", "100000,1200")]), 1, ["numerator-exceeds-denominator"])
    case("rate_inconsistent.csv", csv_text([*GOOD[:5], GOOD[5].replace("1200.0,", "1500.0,")]), 1, ["rate-inconsistent"])
    case("period_wrong_frequency.csv", csv_text(replace(3, "period", "2023-24")), 1, ["period-format"])
    case("period_excel_date.csv", csv_text(replace(0, "period", "Jan-23")), 1, ["constraint-error"])
    case("value_missing.csv", csv_text(replace(0, "value", "")), 1, ["value-missing"])
    case("count_not_whole.csv", csv_text(replace(3, "value", "1045.5")), 1, ["not-integer"])
    series = [f"employment-rate,E06000021,Stoke-on-Trent,{y},{v},,,,,final,APS," for y, v in zip(range(2015, 2023), (66.0, 66.4, 67.1, 66.8, 67.5, 66.9, 67.2, 6.7))]
    case("outlier_slipped_decimal.csv", csv_text(series), 0, ["outlier"])
    case("gap_disagrees.csv", csv_text(GOOD + ["healthy-life-expectancy-male,E92000001,England,2018-20,63.1,,,,,final,OHID,", "healthy-life-expectancy-male-gap,E06000021,Stoke-on-Trent,2018-20,9.9,,,,,final,OHID,"]), 0, ["gap-inconsistent"])
    case("many_problems.csv", csv_text([GOOD[0].replace("68.1", "68.1 %").replace("final", "Final"), ",,,,,,,,,,,", GOOD[1].replace("E92000001", "E9200001"), GOOD[3].replace("1045", "1045.5"), "weekly-pay,E06000021"]), 1, ["type-error", "constraint-error", "blank-row", "not-integer", "missing-cell"])
    # found by fuzzing: a quote that is never closed swallows the following lines; a stray carriage return
    case("unclosed_quote.csv", csv_text(replace(1, "notes", '"never closed')), 2, [])
    case("stray_carriage_return.csv", csv_text(replace(1, "notes", "two\rparts")), 0, [])
    # unreadable: one line, exit 2
    case("empty.csv", b"", 2, [])
    case("whitespace_only.csv", "\n\n  \n", 2, [])
    case("binary_junk.csv", bytes(range(256)) * 8, 2, [])
    case("web_page.csv", "<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body><table><tr><td>68.1</td></tr></table></body></html>\n", 2, [])
    case("pdf_named.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", 2, [])
    case("old_excel.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504, 2, [])
    case("text_named.xlsx", good, 2, [])
    case("not_json/datapackage.json", "{ this is not json", 2, [])
    case("no_resources/datapackage.json", json.dumps({"name": "x"}), 2, [])


def build_packages() -> None:
    """Two small data packages with their own indicators and areas resources."""
    indicators = (
        "id,title,theme,mission,objective,unit,minimum,maximum,higher_is_better,frequency,comparator_area_code,status,disclosive,disclosure_threshold,document,section,description\n"
        "employment-rate,Employment rate,wealthier,1,,percent,,,true,annual,E92000001,measured,false,,doc.txt,Priority 2,\n"
    )
    areas = "area_code,area_name,area_type,parent_code,notes\nE06000021,Stoke-on-Trent,local_authority,,\nE92000001,England,country,,\n"
    for name, obs, exit_code, codes in (
        ("package_valid", csv_text(GOOD[:2]), 0, []),
        ("package_invalid", csv_text(GOOD[:2] + ["employment-rate,E10000028,Staffordshire,2023,174.2,,,,,final,APS,"]), 1, ["foreign-key", "out-of-bounds"]),
    ):
        folder = FILES / name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "observations.csv").write_text(obs)
        (folder / "indicators.csv").write_text(indicators)
        (folder / "areas.csv").write_text(areas)
        descriptor = {
            "name": name.replace("_", "-"),
            "resources": [
                {"name": "indicators", "path": "indicators.csv", "schema": "../../../../schemas/indicators.schema.json"},
                {"name": "areas", "path": "areas.csv", "schema": "../../../../schemas/areas.schema.json"},
                {"name": "observations", "path": "observations.csv", "schema": "../../../../schemas/observations.schema.json"},
            ],
        }
        (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2))
        CASES[f"{name}/datapackage.json"] = (None, exit_code, sorted(codes), [])


def build_workbooks() -> None:
    """XLSX cases (openpyxl): valid, the first sheet a notes page, a cell formatted as a percentage, errors."""
    import openpyxl

    def rows_of(lines):
        out = []
        for line in lines:
            cells = []
            for text in line.split(","):
                try:
                    cells.append(float(text) if "." in text else int(text))
                except ValueError:
                    cells.append(text if text else None)
            out.append(cells)
        return out

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "data"
    for r in rows_of([HEADER, *GOOD]):
        ws.append(r)
    book.save(FILES / "valid.xlsx")
    CASES["valid.xlsx"] = (None, 0, [], [])

    book = openpyxl.Workbook()
    book.active.title = "Read me"
    book.active.append(["Employment figures for the council's open data portal"])
    ws = book.create_sheet("Figures")
    for r in rows_of([HEADER, *GOOD]):
        ws.append(r)
    book.save(FILES / "notes_sheet_first.xlsx")
    CASES["notes_sheet_first.xlsx"] = (None, 0, [], [])

    book = openpyxl.Workbook()
    ws = book.active
    for r in rows_of([HEADER, *GOOD]):
        ws.append(r)
    ws["E2"].value = 0.681
    ws["E2"].number_format = "0.0%"
    book.save(FILES / "percent_formatted_cell.xlsx")
    CASES["percent_formatted_cell.xlsx"] = (None, 1, ["type-error"], [])

    book = openpyxl.Workbook()
    ws = book.active
    for r in rows_of([HEADER, *GOOD]):
        ws.append(r)
    ws.insert_rows(3)
    ws["M5"] = "stray note"
    ws["J2"] = "Final"
    ws["E6"] = "£552.00"
    book.save(FILES / "errors.xlsx")
    CASES["errors.xlsx"] = (None, 1, ["blank-row", "extra-cell", "constraint-error", "type-error"], [])

    (FILES / "workbook_named.csv").write_bytes((FILES / "valid.xlsx").read_bytes())
    CASES["workbook_named.csv"] = (None, 2, [], [])
    (FILES / "corrupt.xlsx").write_bytes((FILES / "valid.xlsx").read_bytes()[:300])
    CASES["corrupt.xlsx"] = (None, 2, [], [])


def build_safety_cases() -> None:
    """Safety (docs/safety.md): formula-like text, small counts of people, unsafe descriptors, oversized input."""
    ward = "E05008290"
    case("formula_in_notes.csv", csv_text(replace(0, "notes", "=HYPERLINK(\"\"http://x.example\"\")")), 1, ["formula-injection"])
    case("formula_at_sign.csv", csv_text(replace(1, "source", "@SUM(A1:A9)")), 1, ["formula-injection"])
    case("formula_plus_minus.csv", csv_text(replace(4, "notes", "+44 1782 232323") + ["employment-rate,E06000021,Stoke-on-Trent,2022,67.0,,,,,final,-see notes,"]), 1, ["formula-injection"])
    case("formula_tab.csv", csv_text(replace(2, "notes", '"\tcmd"')), 1, ["formula-injection"])
    case("formula_cr.csv", csv_text(replace(2, "notes", '"\r=1+1"')), 1, ["formula-injection"])
    case("negative_number_not_formula.csv", csv_text(replace(0, "value", "-5")), 1, ["ci-order", "out-of-bounds"])
    case("apostrophe_neutralised_ok.csv", csv_text(replace(0, "notes", "'=kept as text")), 0, [])
    case("small_count_ward.csv", csv_text(GOOD + [f"children-in-care,{ward},Abbey Hulton and Townsend,2023/24,4,,,,,final,DfE CLA,"]), 1, ["small-count-unsuppressed"])
    case("zero_count_ward.csv", csv_text(GOOD + [f"children-in-care,{ward},Abbey Hulton and Townsend,2023/24,0,,,,,final,DfE CLA,"]), 1, ["small-count-unsuppressed"])
    case("small_count_suppressed_ok.csv", csv_text(GOOD + [f"children-in-care,{ward},Abbey Hulton and Townsend,2023/24,,,,,,suppressed,DfE CLA,"]), 0, [])
    case("small_count_status_only.csv", csv_text(GOOD + [f"children-in-care,{ward},Abbey Hulton and Townsend,2023/24,3,,,,,suppressed,DfE CLA,"]), 1, ["small-count-unsuppressed"])
    case("small_count_at_threshold_ok.csv", csv_text(GOOD + [f"children-in-care,{ward},Abbey Hulton and Townsend,2023/24,10,,,,,final,DfE CLA,"]), 0, [])
    case("small_count_city_ok.csv", csv_text(replace(3, "value", "4")), 0, [])
    case("oversized_line.csv", csv_text(replace(4, "notes", "x" * (1024 * 1024 + 10))), 2, [])
    for name, path in (("escape_dotdot", "../../valid.csv"), ("escape_absolute", "/etc/passwd"),
                       ("remote_url", "http://127.0.0.1:9/observations.csv"), ("file_url", "file:///etc/passwd")):
        case(f"{name}/datapackage.json", json.dumps({"name": name, "resources": [
            {"name": "observations", "path": path, "schema": "../../../../schemas/observations.schema.json"}]}), 2, [])


def main() -> None:
    FILES.mkdir(parents=True, exist_ok=True)  # other modules' cases live here too: only ours are rewritten
    build_cases()
    build_safety_cases()
    for name, (content, *_rest) in list(CASES.items()):
        if content is None:
            continue
        path = FILES / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_bytes(content.encode("utf-8"))
        else:
            path.write_bytes(content)
    build_packages()
    build_workbooks()
    CASES["no_such_file.csv"] = (None, 2, [], [])
    path = HERE / "expected.json"
    existing = json.loads(path.read_text())["files"] if path.exists() else {}
    existing.update({name: {"exit_code": e, "codes": sorted(codes), "args": args} for name, (_c, e, codes, args) in CASES.items()})
    manifest = {
        "about": "file (under tests/corpus/files) -> expected exit code and the exact set of codes reported; run with "
        "--no-history --catalogue tests/corpus/catalogue. tests/corpus/make_corpus.py rewrites its own cases and "
        "keeps the others (safety cases are added by hand).",
        "files": dict(sorted(existing.items())),
    }
    path.write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"{len(CASES)} cases written to {os.path.relpath(FILES)} ({len(manifest['files'])} in the manifest)")


if __name__ == "__main__":
    main()

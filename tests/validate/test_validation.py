"""validation: every code in problems.CODES is triggered by a file (CSV, and XLSX where a workbook can hold
the mistake), found in one run with the others, and the public API works for files and packages."""

import json

import pytest

from stoke_opendata.validate.checks.base import OBSERVATIONS_HEADER, REGISTRY
from stoke_opendata.validate.problems import package_codes
from stoke_opendata.validate.validator import validate_package, validate_paths
from validation_fixtures import CATALOGUE, GOOD, HEADER, codes, row, write_csv, write_xlsx

CODES = package_codes()  # the checks' codes too (not those a test gives for one run)


# code -> (rows, header) that trigger it
TRIGGERS = {
    "blank-label": ([r + ",x,y" for r in GOOD], HEADER + ",,unit"),
    "duplicate-label": ([r + ",x" for r in GOOD], HEADER + ",notes"),
    "extra-label": ([r + ",x" for r in GOOD], HEADER + ",unit"),
    # a required column (a steward may leave out the optional ones)
    "missing-label": ([r.split(",", 1)[1] for r in GOOD], HEADER.split(",", 1)[1]),
    "blank-row": ([GOOD[0], ",,,,,,,,,,,", GOOD[1]], HEADER),
    "extra-cell": ([GOOD[0] + ",stray"], HEADER),
    "missing-cell": (["employment-rate,E06000021,Stoke-on-Trent,2023,68.1"], HEADER),
    "type-error": ([row(0, value="68.1 %")], HEADER),
    "constraint-error": ([row(0, status="Final")], HEADER),
    "primary-key": ([GOOD[0], row(0, value="68.2")], HEADER),
    "foreign-key": ([row(0, indicator_id="employment-rates")], HEADER),
    "guessed-delimiter": ([r.replace(",", ";") for r in GOOD], HEADER.replace(",", ";")),
    "guessed-encoding": ([row(4, notes="£552 a week")], HEADER),
    "status-assumed-final": ([row(0, status="")], HEADER),
    "no-data-rows": ([], HEADER),
}
assert OBSERVATIONS_HEADER == HEADER  # the examples are written in the published columns
# each registered check's own examples (Check.examples): a check added to the package brings its triggers
CHECK_EXAMPLES = {code: (list(rows), OBSERVATIONS_HEADER) for check in REGISTRY for code, rows in check.examples.items()}
assert not set(CHECK_EXAMPLES) & set(TRIGGERS), "a code triggered twice"
TRIGGERS.update(CHECK_EXAMPLES)
CSV_ONLY = {"guessed-delimiter", "guessed-encoding", "missing-cell"}  # a workbook has every cell, and no encoding
AREAS = "area_code,area_name,area_type,parent_code,notes"
SCHEMA_TRIGGERS = {"unique-error": (["E06000021,Stoke-on-Trent,local_authority,,", "E06000021,Stoke,local_authority,,"], AREAS, "areas")}
# the safety checks (disclosure, formula injection) are tested in their own modules' tests
SAFETY = {"small-count-unsuppressed", "suppressed-cell-derivable", "formula-injection", "formula-text-kept"}
# the codes of other people's packages and schemas are triggered in test_package_resources.py
PACKAGES = {"schema-error", "field-error", "foreign-key-unchecked", "resource-skipped", "resource-error", "byte-count", "hash-count", "encoding-error"}


# a steward's mistakes (a title row above a workbook's header, a renamed header, a figure a power of ten off its
# history) are triggered one by one in test_steward_messages.py, with the file that triggers each
STEWARD = {"header-not-first", "renamed-label", "implausible-value"}


def test_every_code_has_a_trigger():
    assert set(CODES) - SAFETY - PACKAGES - STEWARD <= set(TRIGGERS) | set(SCHEMA_TRIGGERS), set(CODES) - SAFETY - PACKAGES - STEWARD - set(TRIGGERS) - set(SCHEMA_TRIGGERS)


def _validate(path, schema=None):
    return validate_paths([path], schema=schema, catalogue_dir=CATALOGUE, history=False)


@pytest.mark.parametrize("code", sorted(SCHEMA_TRIGGERS))
@pytest.mark.parametrize("writer", [write_csv, write_xlsx])
def test_code_triggered_with_another_schema(tmp_path, code, writer):
    rows, header, schema = SCHEMA_TRIGGERS[code]
    assert code in codes(_validate(writer(tmp_path, rows, header=header), schema=schema))


@pytest.mark.parametrize("code", sorted(TRIGGERS))
def test_code_triggered_by_csv(tmp_path, code):
    rows, header = TRIGGERS[code]
    encoding = "cp1252" if code == "guessed-encoding" else "utf-8"
    report = _validate(write_csv(tmp_path, rows, header=header, encoding=encoding))
    assert code in codes(report)
    severity = CODES[code][0]
    if severity == "warning":
        assert report.valid and report.exit_code == 0, [p.code for p in report.problems]
    else:
        assert not report.valid and report.exit_code == 1
    hit = [p for p in report.problems if p.code == code][0]
    assert hit.file.endswith("obs.csv") and hit.message
    if hit.row is not None:
        assert hit.row >= 1


@pytest.mark.parametrize("code", sorted(set(TRIGGERS) - CSV_ONLY))
def test_code_triggered_by_xlsx(tmp_path, code):
    rows, header = TRIGGERS[code]
    report = _validate(write_xlsx(tmp_path, rows, header=header))
    assert code in codes(report)


def test_valid_file_has_no_problems(tmp_path):
    for path in (write_csv(tmp_path, GOOD), write_xlsx(tmp_path, GOOD)):
        report = _validate(path)
        assert report.problems == [] and report.exit_code == 0
        assert report.files[0].rows == len(GOOD)


def test_all_problems_in_one_run_with_row_column_value(tmp_path):
    rows = [row(0, value="68.1 %"), row(1, status="Final"), ",,,,,,,,,,,", row(3, value="1045.5"), row(5, value="1500")]
    report = _validate(write_csv(tmp_path, rows))
    found = {(p.code, p.row, p.column, p.value) for p in report.problems}
    assert ("type-error", 2, "value", "68.1 %") in found
    assert ("constraint-error", 3, "status", "Final") in found
    assert ("blank-row", 4, None, None) in found
    assert ("not-integer", 5, "value", "1045.5") in found
    assert ("rate-inconsistent", 6, "value", "1500") in found


def test_type_error_does_not_hide_other_columns_checks(tmp_path):
    # the pandera pitfall: a failed cast in one column must not stop checks on later columns
    report = _validate(write_csv(tmp_path, [row(0, value="n/a", lower_ci="70", upper_ci="x", status="Final")]))
    found = {(p.code, p.column) for p in report.problems}
    assert {("type-error", "value"), ("type-error", "upper_ci"), ("constraint-error", "status")} <= found


def test_other_table_schemas(tmp_path):
    path = write_csv(tmp_path, ["E06000021,Stoke-on-Trent,local_authority,,", "E06000021,Stoke,city,,"], name="areas.csv", header="area_code,area_name,area_type,parent_code,notes")
    report = validate_paths([path], schema="areas", catalogue_dir=CATALOGUE, history=False)
    assert {(p.code, p.constraint) for p in report.problems} == {("unique-error", None), ("primary-key", None), ("constraint-error", "enum")}


def _package(tmp_path, observations):
    write_csv(tmp_path, observations, name="observations.csv")
    (tmp_path / "areas.csv").write_text("area_code,area_name,area_type,parent_code,notes\nE06000021,Stoke-on-Trent,local_authority,,\n")
    (tmp_path / "indicators.csv").write_text(
        "id,title,theme,mission,objective,unit,minimum,maximum,higher_is_better,frequency,comparator_area_code,status,disclosive,disclosure_threshold,document,section,description\n"
        "employment-rate,Employment rate,wealthier,1,,percent,,,true,annual,,measured,false,,doc.txt,s,\n"
    )
    from stoke_opendata.catalogue.paths import schemas_dir

    descriptor = {
        "name": "pkg",
        "resources": [
            {"name": "observations", "path": "observations.csv", "schema": json.loads((schemas_dir() / "observations.schema.json").read_text())},
            {"name": "areas", "path": "areas.csv", "schema": json.loads((schemas_dir() / "areas.schema.json").read_text())},
            {"name": "indicators", "path": "indicators.csv", "schema": json.loads((schemas_dir() / "indicators.schema.json").read_text())},
        ],
    }
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor))
    return tmp_path / "datapackage.json"


def test_package_uses_its_own_indicators_and_areas(tmp_path):
    # England (E92000001) is in the bundled catalogue but not in this package's areas table
    descriptor = _package(tmp_path, [GOOD[0], GOOD[1], row(0, period="2024", value="104", lower_ci="", upper_ci="")])
    report = validate_package(descriptor, catalogue_dir=CATALOGUE, history=False)
    assert [f.resource for f in report.files] == ["observations", "areas", "indicators"]  # descriptor order
    found = {(p.code, p.row) for p in report.problems}
    assert found == {("foreign-key", 3), ("out-of-bounds", 4)}


def test_validate_paths_accepts_descriptors(tmp_path):
    descriptor = _package(tmp_path, [GOOD[0]])
    report = validate_paths([descriptor], catalogue_dir=CATALOGUE, history=False)
    assert report.valid and len(report.files) == 3


def test_bundled_datasets_validate():
    from stoke_opendata.catalogue.paths import datasets_dir

    descriptors = sorted(datasets_dir().glob("*/datapackage.json"))
    if not descriptors:
        pytest.skip("no bundled datasets yet")
    report = validate_paths(descriptors)
    assert len(report.files) >= len(descriptors)
    # the published datasets must pass their own contract (`make run` validates them the same way)
    assert report.valid, [(p.file, p.row, p.column, p.code, p.message) for p in report.errors][:20]


def test_every_code_is_documented():
    from stoke_opendata.catalogue.paths import home

    docs = (home() / "docs" / "validation.md").read_text()
    safety = home() / "docs" / "safety.md"
    docs += safety.read_text() if safety.exists() else ""
    missing = [code for code in CODES if f"`{code}`" not in docs]
    assert not missing, f"codes without documentation: {missing}"

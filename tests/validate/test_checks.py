"""checks: the meaning layer, derived from each indicator's definition; extensible by registering one class."""

import json

import pytest

from stoke_opendata.validate import checks
from stoke_opendata.validate.checks.base import REGISTRY, Rule, RowCheck
from stoke_opendata.validate.checks.gaps import gap_bases
from stoke_opendata.catalogue.paths import schema_path
from stoke_opendata.validate.problems import CODES
from stoke_opendata.validate.tables.csv_reader import read_csv
from stoke_opendata.validate.tableschema.check import check_structure
from stoke_opendata.validate.pipeline import Catalogue
from validation_fixtures import CATALOGUE, GOOD, row, write_csv

SCHEMA = json.loads(schema_path("observations").read_text())


def context(tmp_path, rows, history=None):
    catalogue = Catalogue(CATALOGUE)
    checked = check_structure(read_csv(write_csv(tmp_path, rows)), SCHEMA, catalogue.reference)
    return checks.build_context(checked, catalogue.definitions(), history)


def meaning(tmp_path, rows, history=None):
    ctx = context(tmp_path, rows, history)
    return sorted((p.code, p.row, p.column) for p in checks.run_checks(ctx))


def test_definitions_join_per_row(tmp_path):
    ctx = context(tmp_path, GOOD)
    frame = ctx.frame
    assert frame["_unit"].to_list()[:4] == ["percent", "percent", "years", "count"]
    assert frame["_maximum"].to_list()[:3] == [100.0, 100.0, 120.0]
    assert frame["_multiplier"].to_list()[5] == 100000.0
    assert frame["_integer"].to_list()[3] is True


def test_clean_rows_pass(tmp_path):
    assert meaning(tmp_path, GOOD) == []


@pytest.mark.parametrize(
    "rows,expected",
    [
        ([row(0, value="100.1", lower_ci="", upper_ci="")], [("out-of-bounds", 2, "value")]),
        ([row(0, value="-0.1", lower_ci="", upper_ci="")], [("out-of-bounds", 2, "value")]),
        ([row(2, value="121", lower_ci="", upper_ci="")], [("out-of-bounds", 2, "value")]),
        ([row(3, value="-1")], [("out-of-bounds", 2, "value")]),
        ([row(5, numerator="-1", value="0", denominator="100000")], [("out-of-bounds", 2, "numerator"), ("rate-inconsistent", 2, "value")]),
        ([row(0, lower_ci="68.2")], [("ci-order", 2, "lower_ci")]),
        ([row(0, upper_ci="68.0")], [("ci-order", 2, "upper_ci")]),
        ([row(0, value="", lower_ci="70", upper_ci="60", status="suppressed")], [("ci-order", 2, "lower_ci")]),
        ([row(5, numerator="200000")], [("numerator-exceeds-denominator", 2, "numerator")]),
        ([row(5, value="1250")], [("rate-inconsistent", 2, "value")]),
        ([row(5, value="1200.04")], []),  # within rounding
        ([row(0, period="2023/24")], [("period-format", 2, "period")]),
        ([row(2, period="2018")], [("period-format", 2, "period")]),
        ([row(3, period="2023")], [("period-format", 2, "period")]),
        ([row(0, value="", lower_ci="", upper_ci="")], [("value-missing", 2, "value")]),
        ([row(0, value="", lower_ci="", upper_ci="", status="suppressed")], []),
        ([row(3, value="1045.5")], [("not-integer", 2, "value")]),
        ([row(4, value="552.5")], []),  # gbp may have pence
    ],
)
def test_meaning_rules(tmp_path, rows, expected):
    assert meaning(tmp_path, rows) == expected


def test_no_second_report_for_a_cell_structure_already_reported(tmp_path):
    # "Jan-23" breaks the schema's period pattern (structure); period-format must not report it again
    ctx = context(tmp_path, [row(0, period="Jan-23")])
    assert [p.code for p in checks.run_checks(ctx)] == []


def test_outlier_uses_history_and_the_submission(tmp_path):
    import polars as pl

    years = range(2010, 2020)
    history = pl.DataFrame(
        {"indicator_id": ["employment-rate"] * 10, "area_code": ["E06000021"] * 10, "period": [str(y) for y in years], "value": [66.0 + (y % 3) * 0.5 for y in years]}
    )
    assert meaning(tmp_path, [row(0, period="2023", value="67.0", lower_ci="", upper_ci="")], history) == []
    assert meaning(tmp_path, [row(0, period="2023", value="30.0", lower_ci="", upper_ci="")], history) == [("outlier", 2, "value")]
    # a slipped decimal point is said once, by the plausibility check (with the value probably meant)
    assert meaning(tmp_path, [row(0, period="2023", value="6.7", lower_ci="", upper_ci="")], history) == [("implausible-value", 2, "value")]
    # too short a series for an outlier: no judgement (the plausibility check needs one figure: a factor of 5)
    assert meaning(tmp_path, [row(0, period="2023", value="30.0", lower_ci="", upper_ci="")], history.head(3)) == []


def test_gap_consistency(tmp_path):
    rows = [GOOD[2], "healthy-life-expectancy-male,E92000001,England,2018-20,63.1,,,,,final,OHID,"]
    good_gap = "healthy-life-expectancy-male-gap,E06000021,Stoke-on-Trent,2018-20,7.2,,,,,final,OHID,"
    bad_gap = good_gap.replace(",7.2,", ",6.9,")
    assert meaning(tmp_path, rows + [good_gap]) == []
    signed = meaning(tmp_path, rows + [good_gap.replace(",7.2,", ",-7.2,")])
    assert "gap-inconsistent" not in {code for code, *_ in signed}  # sign conventions vary
    assert meaning(tmp_path, rows + [bad_gap]) == [("gap-inconsistent", 4, "value")]


def test_gap_ids_as_the_catalogue_writes_them():
    definitions = {i: {"comparator_area_code": None} for i in ("hle-male", "hle-gap-male", "pay", "pay-gap", "pay-gap-to-uk", "gap-pay", "x-gap")}
    found = gap_bases(definitions)
    assert found["hle-gap-male"][0] == "hle-male"
    assert found["pay-gap"][0] == "pay" and found["gap-pay"][0] == "pay"
    assert found["pay-gap-to-uk"] == ("pay", "K02000001")
    assert "x-gap" not in found


def test_each_check_declares_its_codes():
    for check in REGISTRY:
        assert check.codes, type(check).__name__
        for code in check.codes:
            assert code in CODES


def test_adding_a_check_is_one_class(tmp_path):
    from national_checks import TooPrecise

    ctx = context(tmp_path, [row(0, value="68.12345", lower_ci="", upper_ci="")])
    problems = checks.run_checks(ctx, [TooPrecise()])
    assert [(p.code, p.row) for p in problems] == [("too-precise", 2)]


def test_every_module_of_the_checks_package_is_registered_without_an_import_list():
    """A check added to this package is one module: the registry finds it (no import list to extend)."""
    from pathlib import Path

    folder = Path(checks.__file__).parent
    modules = {f"{checks.__name__}.{p.stem}" for p in folder.glob("*.py") if p.stem not in {"__init__", *checks.NOT_CHECKS}}
    assert len(modules) >= 10
    assert {type(c).__module__ for c in REGISTRY if type(c).__module__.startswith(checks.__name__)} == modules


def test_pandera_finds_the_same_rows(tmp_path):
    """The same expressions run through pandera.polars give the same failing rows as the direct run."""
    from stoke_opendata.validate.checks.pandera_adapter import pandera_failures

    rows = [row(0, value="100.1", lower_ci="", upper_ci=""), row(1, lower_ci="80"), row(5, numerator="200000"), row(3, value="1045.5", period="2023"), row(2, value="", lower_ci="", upper_ci="")]
    ctx = context(tmp_path, rows)
    row_checks = [c for c in REGISTRY if isinstance(c, RowCheck)]
    direct = {}
    for p in checks.run_checks(ctx, row_checks):
        direct.setdefault(f"{p.code}:{p.column}", set()).add(p.row)
    assert direct == pandera_failures(ctx, row_checks)
    assert len(direct) >= 5

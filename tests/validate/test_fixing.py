"""fixing: --fix normalises only mechanical problems, lists every change, and never changes a figure's meaning."""

import json

from stoke_opendata.validate.fixing import changes_text, fix_table, write_fixed
from stoke_opendata.catalogue.paths import schema_path
from stoke_opendata.validate.tables.table import PAD
from stoke_opendata.validate.tables.csv_reader import read_csv
from stoke_opendata.validate.tables.xlsx_reader import read_xlsx
from stoke_opendata.validate.pipeline import Catalogue
from stoke_opendata.validate.validator import fix_path, validate_paths
from validation_fixtures import CATALOGUE, GOOD, HEADER, row, write_csv, write_xlsx

SCHEMA = json.loads(schema_path("observations").read_text())
DEFINITIONS = Catalogue(CATALOGUE).definitions()


def fixed(tmp_path, rows, header=HEADER, markers=()):
    frame, changes = fix_table(read_csv(write_csv(tmp_path, rows, header=header), pad=PAD), SCHEMA, DEFINITIONS, markers)
    return frame, {(c.row, c.column): (c.old, c.new) for c in changes}, changes


def test_mechanical_fixes(tmp_path):
    rows = [row(0, value="68.1 %"), row(4, value="£552.00"), row(3, value='"1,045"'), row(1, status="Final"), row(2, value=" 55.9 ")]
    frame, changes, _ = fixed(tmp_path, rows)
    assert changes[(2, "value")] == ("68.1 %", "68.1")
    assert changes[(3, "value")] == ("£552.00", "552.00")
    assert changes[(4, "value")] == ("1,045", "1045")
    assert changes[(5, "status")] == ("Final", "final")
    assert changes[(6, "value")] == (" 55.9 ", "55.9")
    assert frame["value"].to_list() == ["68.1", "552.00", "1045", "75.7", "55.9"]


def test_never_changes_meaning(tmp_path):
    # a percent sign on a non-percentage, a proportion in a percent column, words: all left for the steward
    rows = [row(4, value="5%"), row(0, value="0.681"), row(3, value="about 1000"), row(1, value="-")]
    frame, changes, _ = fixed(tmp_path, rows)
    assert changes == {}
    assert frame["value"].to_list() == ["5%", "0.681", "about 1000", "-"]


def test_suppression_markers_only_where_the_steward_says(tmp_path):
    rows = [row(3, value="-", status="final"), row(0, value="n/a"), row(1, value="x")]
    _frame, changes, _ = fixed(tmp_path, rows)
    assert changes == {}
    frame, changes, _ = fixed(tmp_path, rows, markers=["-", "N/A"])
    assert changes[(2, "value")] == ("-", "") and changes[(2, "status")] == ("final", "suppressed")
    assert changes[(3, "value")] == ("n/a", "")
    assert (4, "value") not in changes  # "x" was not named
    assert frame["status"].to_list() == ["suppressed", "suppressed", "final"]


def test_structure_fixes_are_listed(tmp_path):
    rows = [GOOD[0], ",,,,,,,,,,,", "employment-rate,E92000001,England,2023,75.7", GOOD[2] + ",stray"]
    frame, _changes, changes = fixed(tmp_path, rows, header=HEADER.replace("area_code", "Area Code"))
    reasons = [(c.row, c.reason) for c in changes]
    assert (1, "renamed the column to the schema's name") in reasons
    assert (3, "deleted a blank row") in reasons
    assert any(r == 4 and "blank cell(s)" in reason for r, reason in reasons)
    assert any("extra column" in reason for _r, reason in reasons)  # the stray cell is kept, not dropped
    assert frame.columns[1] == "area_code" and frame.height == 3
    assert "stray" in frame["column_13"].to_list()
    assert "deleted a blank row" in changes_text(changes)


def test_fixed_copy_validates(tmp_path):
    rows = [row(0, value="68.1 %"), row(4, value="£552.00"), row(3, value='"1,045"'), row(1, status=" Final ")]
    source = write_csv(tmp_path, rows)
    out = tmp_path / "fixed.csv"
    changes = fix_path(source, out, catalogue_dir=CATALOGUE)
    assert len(changes) == 4
    assert validate_paths([out], catalogue_dir=CATALOGUE, history=False).problems == []
    assert out.read_text().splitlines()[0] == HEADER
    assert ",," in out.read_text()  # blank cells written as nothing, not ""


def test_fix_from_xlsx(tmp_path):
    import openpyxl

    path = write_xlsx(tmp_path, GOOD[:2])
    book = openpyxl.load_workbook(path)
    book.active["E2"].value = 0.681
    book.active["E2"].number_format = "0.0%"
    book.save(path)
    frame, changes = fix_table(read_xlsx(path), SCHEMA, DEFINITIONS)
    assert [(c.row, c.old, c.new) for c in changes] == [(2, "68.1%", "68.1")]
    out = tmp_path / "out.csv"
    write_fixed(frame, out)
    assert "68.1" in out.read_text()


def test_fix_table_refuses_a_table_read_without_its_extra_cells(tmp_path):
    """Extra cells are kept by --fix: a table read without padding would lose them, so it is refused."""
    import pytest

    table = read_csv(write_csv(tmp_path, [GOOD[2] + ",stray"]))
    with pytest.raises(ValueError, match="pad"):
        fix_table(table, SCHEMA, DEFINITIONS)

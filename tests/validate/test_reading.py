"""reading: every kind of file a steward sends becomes an all-text table with spreadsheet row numbers,
or one clear InputError naming the file and the cause."""

import pytest

from stoke_opendata.errors import InputError, UsageError
from stoke_opendata.validate.tables.table import ROW
from stoke_opendata.validate.tables.descriptor import is_descriptor, read_descriptor
from stoke_opendata.validate.tables.csv_reader import read_csv
from stoke_opendata.validate.tables.files import read_table
from stoke_opendata.validate.tables.xlsx_reader import read_xlsx
from validation_fixtures import GOOD, HEADER, write_csv, write_xlsx


def cells(table, position):
    return table.frame[str(position)].to_list()


def test_csv_all_text_with_spreadsheet_rows(tmp_path):
    table = read_csv(write_csv(tmp_path, GOOD))
    assert table.labels == HEADER.split(",")
    assert table.frame[ROW].to_list() == list(range(2, len(GOOD) + 2))
    assert cells(table, 4)[0] == "68.1"  # text, not a float
    assert table.info.encoding == "utf-8" and table.info.delimiter == "comma"
    assert table.problems == []


def test_bom_is_not_part_of_the_first_label(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + ("\n".join([HEADER, *GOOD]) + "\n").encode())
    table = read_csv(path)
    assert table.labels[0] == "indicator_id"
    assert table.info.encoding == "utf-8-sig"


@pytest.mark.parametrize("eol", ["\r\n", "\r"])
def test_line_endings(tmp_path, eol):
    table = read_csv(write_csv(tmp_path, GOOD, eol=eol))
    assert table.frame.height == len(GOOD)
    assert cells(table, 11)[0] is None  # blank, with no stray \r
    assert table.field_counts.to_list() == [12] * len(GOOD)


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_non_utf8_is_read_and_warned(tmp_path, encoding):
    rows = [GOOD[0][:-1] + ",Données £552 – est."] if encoding == "cp1252" else [GOOD[0][:-1] + ",Données"]
    table = read_csv(write_csv(tmp_path, rows, encoding=encoding))
    assert table.info.encoding == "cp1252"
    assert cells(table, 11)[0].startswith("Données")
    assert [p.code for p in table.problems] == ["guessed-encoding"]


def test_utf16_excel_unicode_text(tmp_path):
    path = tmp_path / "unicode.txt"
    text = "\r\n".join([HEADER.replace(",", "\t"), *(r.replace(",", "\t") for r in GOOD)]) + "\r\n"
    path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    table = read_csv(path)
    assert table.frame.height == len(GOOD)
    assert sorted(p.code for p in table.problems) == ["guessed-delimiter", "guessed-encoding"]


@pytest.mark.parametrize("delimiter,name", [(";", "semicolon"), ("\t", "tab"), ("|", "pipe")])
def test_delimiter_detected_and_warned(tmp_path, delimiter, name):
    table = read_csv(write_csv(tmp_path, [r.replace(",", delimiter) for r in GOOD], header=HEADER.replace(",", delimiter)))
    assert table.info.delimiter == name
    assert cells(table, 0)[0] == "employment-rate"
    assert [p.code for p in table.problems] == ["guessed-delimiter"]


def test_field_counts_see_extra_and_missing_cells_and_quotes(tmp_path):
    rows = [GOOD[0] + ",extra", "employment-rate,E06000021", GOOD[1].replace("APS Jan-Dec 2023", '"APS, Jan-Dec 2023"'), ",,,,,,,,,,,"]
    table = read_csv(write_csv(tmp_path, rows))
    assert table.field_counts.to_list() == [13, 2, 12, 12]
    assert table.extra_values == {0: "extra"}  # what the extra-cell problem shows
    assert "12" not in table.frame.columns  # validation reads no padding column
    assert cells(table, 10)[2] == "APS, Jan-Dec 2023"
    padded = read_csv(write_csv(tmp_path, rows), pad=1)  # --fix keeps the extra cells
    assert cells(padded, 12)[0] == "extra"
    assert padded.field_counts.to_list() == [13, 2, 12, 12] and padded.extra_values == {0: "extra"}


def test_extra_values_of_quoted_and_blank_extra_cells(tmp_path):
    rows = [GOOD[1] + ',"x, y",z', GOOD[1] + ",", GOOD[1] + ",,tail", GOOD[1]]
    table = read_csv(write_csv(tmp_path, rows))
    assert table.field_counts.to_list() == [14, 13, 14, 12]
    assert table.extra_values == {0: "x, y", 1: None, 2: None}


def test_quoted_newline_keeps_spreadsheet_row_numbers(tmp_path):
    rows = [GOOD[0][:-1] + ',"two\nlines"', GOOD[1]]
    table = read_csv(write_csv(tmp_path, rows))
    assert table.frame.height == 2
    assert table.frame[ROW].to_list() == [2, 3]
    assert table.field_counts.to_list() == [12, 12]


@pytest.mark.parametrize(
    "name,content,cause",
    [
        ("empty.csv", b"", "empty"),
        ("blank.csv", b"\n \n", "no content"),
        ("junk.csv", bytes(range(256)) * 4, "binary"),
        ("page.csv", b"<!DOCTYPE html><html><body>hi</body></html>", "web page"),
        ("doc.csv", b"%PDF-1.4\n...", "PDF"),
        ("book.csv", b"PK\x03\x04rest-of-zip", "Excel workbook"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "97-2003"),
        ("text.xlsx", b"a,b\n1,2\n", "not an Excel workbook"),
    ],
)
def test_unreadable_input_is_one_clear_error(tmp_path, name, content, cause):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        read_table(path)
    assert cause in info.value.one_line()
    assert name in info.value.one_line()


def test_missing_path_and_directory(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_table(tmp_path / "nope.csv")
    with pytest.raises(InputError, match="directory"):
        read_table(tmp_path)


def test_xlsx_numbers_dates_and_percent_format(tmp_path):
    import datetime as dt

    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["indicator_id", "value", "when", "share"])
    ws.append(["employment-rate", 1045.0, dt.datetime(2024, 3, 31), 0.681])
    ws["D2"].number_format = "0.0%"
    ws.append([None, None, None, None])  # trailing empty row: Excel formatting, not data
    path = tmp_path / "book.xlsx"
    book.save(path)
    table = read_xlsx(path)
    assert table.frame.height == 1
    assert table.frame.row(0)[:4] == ("employment-rate", "1045", "2024-03-31", "68.1%")


def test_xlsx_sheet_choice(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Notes"
    book.active.append(["These are the figures"])
    data = book.create_sheet("Figures")
    data.append(HEADER.split(","))
    data.append(GOOD[0].split(","))
    path = tmp_path / "book.xlsx"
    book.save(path)
    assert read_xlsx(path, schema_names=set(HEADER.split(","))).info.sheet == "Figures"
    assert read_xlsx(path, sheet="Notes").info.sheet == "Notes"
    with pytest.raises(UsageError, match="no sheet named"):
        read_xlsx(path, sheet="Data")


def test_xlsx_extra_cells_are_counted(tmp_path):
    path = write_xlsx(tmp_path, GOOD[:2])
    import openpyxl

    book = openpyxl.load_workbook(path)
    book.active["N3"] = "stray"
    book.save(path)
    table = read_xlsx(path)
    assert table.field_counts.to_list() == [12, 14]


def test_sheet_option_only_for_workbooks(tmp_path):
    with pytest.raises(UsageError):
        read_table(write_csv(tmp_path, GOOD), sheet="x")


def test_descriptor_resources(tmp_path):
    import json

    write_csv(tmp_path, GOOD)
    (tmp_path / "datapackage.json").write_text(json.dumps({"resources": [{"name": "observations", "path": "obs.csv", "schema": {"fields": [{"name": "indicator_id"}]}}]}))
    assert is_descriptor(tmp_path / "datapackage.json")
    [spec] = read_descriptor(tmp_path / "datapackage.json")
    assert spec.name == "observations" and spec.path == (tmp_path / "obs.csv").resolve()


@pytest.mark.parametrize(
    "resource,cause",
    [
        ({"name": "x", "path": "../outside.csv", "schema": {"fields": []}}, "climbs out"),
        ({"name": "x", "path": "/etc/passwd", "schema": {"fields": []}}, "absolute"),
        ({"name": "x", "path": "https://example.org/x.csv", "schema": {"fields": []}}, "at a URL .* made no request"),
        ({"name": "x", "path": "obs.csv", "schema": "../../../../etc/schema.json"}, "outside"),
        ({"name": "x", "path": "obs.csv"}, "no Table Schema"),
    ],
)
def test_descriptor_refuses_what_it_must_not_read(tmp_path, resource, cause):
    import json

    (tmp_path / "datapackage.json").write_text(json.dumps({"resources": [resource]}))
    with pytest.raises(InputError, match=cause):
        read_descriptor(tmp_path / "datapackage.json")


@pytest.mark.parametrize("small_window", [True, False])
@pytest.mark.parametrize("limit", [5, 10, 64, 1 << 20])
def test_long_line_detection_matches_a_line_by_line_scan(tmp_path, limit, small_window, monkeypatch):
    """(The chunk ends are read a window at a time: a window smaller than the lines makes the searches span
    windows.)"""
    import random

    from stoke_opendata.validate.tables import files
    from stoke_opendata.validate.tables.files import has_long_line

    if small_window:
        monkeypatch.setattr(files, "_WINDOW", 3 if limit < 1000 else 4093)

    rng = random.Random(limit)
    for trial in range(30):
        lines = [b"x" * rng.choice([0, 1, limit - 1, limit, limit + 1, 3 * limit]) for _ in range(rng.randint(1, 6))]
        data = b"\n".join(lines) + (b"\n" if trial % 2 else b"")
        path = tmp_path / "lines.csv"
        path.write_bytes(data)
        assert has_long_line(path, limit) == any(len(line) > limit for line in data.split(b"\n")), (limit, [len(x) for x in lines])


def test_line_length_limit_error_names_the_line(tmp_path, monkeypatch):
    monkeypatch.setenv("STOKE_OPENDATA_MAX_LINE_BYTES", "200")
    path = write_csv(tmp_path, GOOD[:2] + [GOOD[2][:-1] + "," + "x" * 300])
    with pytest.raises(InputError, match="line 4 is longer than 200 bytes"):
        read_table(path)


@pytest.mark.parametrize(
    "data",
    [
        b"a,b\n1,2\n\n3,4\n",
        b"a,b\r\n1,2\r\n\r\n3,4",
        b"a,b\n1,2\n3,4\n\n\n",
        b"\xef\xbb\xbfa,b\n1,2\n",
        b'\xef\xbb\xbfa,b\n"x\ny",2\n',
        b"a,b\n1,\xc2\xa32\n\n",
        b"a\n",
    ],
)
def test_line_lengths_same_with_polars_line_scanner_and_the_csv_scan(data, monkeypatch, tmp_path):
    """pl.scan_lines (unstable in polars) and the CSV scan it replaces give the same lengths, for bytes and files."""
    import polars as pl

    from stoke_opendata.validate.tables import csv_reader

    path = tmp_path / "lines.csv"
    path.write_bytes(data)
    for source in (data, str(path)):
        fast = csv_reader.line_lengths(pl, source, "\n")
        with monkeypatch.context() as patched:
            patched.delattr(pl, "scan_lines")
            slow = csv_reader.line_lengths(pl, source, "\n")
        assert fast.equals(slow), (source, fast, slow)

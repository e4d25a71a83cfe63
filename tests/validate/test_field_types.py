"""Every Table Schema type read as frictionless 5 reads it: the fast polars path and the slow path agree with
frictionless's own field readers, cell by cell; constraint values are read in the field's type."""

import frictionless
import pytest

from stoke_opendata.catalogue.casting import CastError, reader
from stoke_opendata.validate.tables.csv_reader import read_csv
from stoke_opendata.validate.tableschema.check import check_structure
from stoke_opendata.validate.tableschema.field_types import constraint_value
from stoke_opendata.validate.tableschema.schema_errors import schema_problems

# (field descriptor, cells): each cell is a type-error for us exactly when frictionless's reader says None
CASES = [
    ({"type": "integer"}, ["1", "01", "-7", "+3", " 42", "42 ", "1.0", "1e3", "x", "92233720368547758070", "1_000"]),
    ({"type": "integer", "bareNumber": False}, ["£12", "12%", "ab", "-5 kg"]),
    ({"type": "number"}, ["1.5", " 2.5", "-0", "NaN", "INF", "-INF", "1e-3", "95%", "$4.00 ", "4e4", "1,5", ".5"]),
    ({"type": "number", "groupChar": ",", "decimalChar": "."}, ["1,000.5", "1000", "1.000,5"]),
    ({"type": "number", "decimalChar": ","}, ["1,5", "1.5", "2"]),
    ({"type": "number", "bareNumber": False}, ["€ 12.5", "12.5 %", "x"]),
    ({"type": "boolean"}, ["true", "True", "TRUE", "1", "false", "0", "yes", "t"]),
    ({"type": "boolean", "trueValues": ["yes", "Y"], "falseValues": ["no"]}, ["yes", "Y", "no", "true", "1"]),
    ({"type": "year"}, ["2020", "0999", "20200", "-202", "202a", " 202"]),
    ({"type": "yearmonth"}, ["2020-01", "2020-1", "2020-13", "2020-00", "2020", "2020-01-01", " 2020-02"]),
    ({"type": "date"}, ["2020-01-31", "2020-1-5", "2020-02-30", "31/01/2020", "2020-01-31T00:00:00", " 2020-01-31"]),
    ({"type": "date", "format": "%d/%m/%Y"}, ["31/01/2020", "2020-01-31", "1/2/2020"]),
    ({"type": "date", "format": "any"}, ["2020-01-31", "31 Jan 2020", "Jan 31, 2020", "nonsense"]),
    ({"type": "datetime"}, ["2020-01-01T15:00:00", "2020-01-01T15:00:00Z", "2020-01-01T15:00:00+01:00", "2020-01-01T15:00:00.123456Z", "2020-01-01 15:00:00", "2020-01-01T15:00", "2020-01-01", "x"]),
    ({"type": "datetime", "format": "%Y-%m-%d %H.%M.%S"}, ["2020-01-01 15.00.00", "2020-01-01T15:00:00"]),
    ({"type": "datetime", "format": "any"}, ["2020-01-01 15:00", "1 Jan 2020 3pm", "nonsense"]),
    ({"type": "time"}, ["15:00:00", "15:00", "25:00:00", "15:00:00+01:00", "15:00:00.5", "x"]),
    ({"type": "duration"}, ["P1Y2M", "PT30M", "P1DT2H", "1 day", "P"]),
    ({"type": "geopoint"}, ["-2.18, 53.0", "190,10", "1,2,3", "x"]),
    ({"type": "geopoint", "format": "array"}, ["[-2.18, 53.0]", "[1]", "x"]),
    ({"type": "geopoint", "format": "object"}, ['{"lon": 1, "lat": 2}', '{"lon": 1}', "x"]),
    ({"type": "object"}, ['{"a": 1}', "[1]", "x"]),
    ({"type": "array"}, ["[1, 2]", '{"a": 1}', "x"]),
    ({"type": "string", "format": "email"}, ["a@example.org", "not-an-email", "a@b"]),
    ({"type": "string", "format": "uri"}, ["https://example.org/x", "example.org", "mailto:a@b.org"]),
    ({"type": "string", "format": "uuid"}, ["0a8f2b64-5a7c-4f2e-9f2e-2d7c3c2c1e10", "0a8f2b64", "x"]),
]


@pytest.mark.parametrize("descriptor,cells", CASES, ids=[f"{d['type']}-{d.get('format', '')}-{i}" for i, (d, _) in enumerate(CASES)])
def test_type_errors_are_exactly_frictionless_ones(tmp_path, descriptor, cells):
    spec = {"name": "x", **descriptor}
    theirs = frictionless.Field.from_descriptor(spec).create_value_reader()
    expected_bad = {c for c in cells if theirs(c) is None}
    ours_reader = reader(spec)
    assert {c for c in cells if ours_reader(c) is None} == expected_bad
    # the whole column path (polars fast path, then the slow path for what it missed)
    path = tmp_path / "t.csv"
    path.write_text("x\n" + "".join('"' + c.replace('"', '""') + '"\n' for c in cells), encoding="utf-8")
    checked = check_structure(read_csv(path), {"fields": [spec]})
    bad = {p.value for p in checked.problems if p.code == "type-error"}
    assert bad == expected_bad


def test_typed_values_compare_as_frictionless_values(tmp_path):
    """Primary keys on typed values: an offset datetime equals its UTC form, 2020-1 equals 2020-01."""
    path = tmp_path / "t.csv"
    path.write_text("t,ym\n2020-01-01T15:00:00+01:00,2020-1\n2020-01-01T14:00:00Z,2020-01\n", encoding="utf-8")
    for key in ("t", "ym"):
        schema = {"fields": [{"name": "t", "type": "datetime"}, {"name": "ym", "type": "yearmonth"}], "primaryKey": [key]}
        assert [(p.code, p.row) for p in check_structure(read_csv(path), schema).problems] == [("primary-key", 3)]


def test_integers_beyond_64_bits_are_values_and_keys(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("id\n92233720368547758070\n92233720368547758071\n92233720368547758070\n1\n01\n", encoding="utf-8")
    schema = {"fields": [{"name": "id", "type": "integer"}], "primaryKey": ["id"]}
    assert [(p.code, p.row) for p in check_structure(read_csv(path), schema).problems] == [("primary-key", 4), ("primary-key", 6)]


def test_constraint_values_written_as_strings_are_read_in_the_fields_type(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("n,d,t\n-100,2019-12-31,09:00:00\n5,2020-01-02,12:00:00\n0.95,2020-06-01,18:00:00\n", encoding="utf-8")
    schema = {
        "fields": [
            {"name": "n", "type": "number", "constraints": {"minimum": "-99.99", "enum": ["0.95", "5", "-100"]}},
            {"name": "d", "type": "date", "constraints": {"minimum": "2020-01-01", "exclusiveMaximum": "2020-06-01"}},
            {"name": "t", "type": "time", "constraints": {"maximum": "17:00:00"}},
        ]
    }
    found = sorted((p.row, p.column, p.constraint) for p in check_structure(read_csv(path), schema).problems)
    assert found == [(2, "d", "minimum"), (2, "n", "minimum"), (4, "d", "exclusiveMaximum"), (4, "t", "maximum")]


def test_a_constraint_value_not_of_the_type_is_a_field_error_not_a_crash(tmp_path):
    spec = {"name": "n", "type": "number", "constraints": {"minimum": "low", "enum": ["1", "one"]}}
    with pytest.raises(CastError):
        constraint_value(spec, "low")
    problems = schema_problems({"fields": [spec]}, "t.csv")
    assert [p.code for p in problems] == ["field-error", "field-error"]
    path = tmp_path / "t.csv"
    path.write_text("n\n1\n", encoding="utf-8")
    assert check_structure(read_csv(path), {"fields": [spec]}).problems == []  # called directly: no crash


@pytest.mark.parametrize(
    "schema,code",
    [
        ([], "schema-error"),
        ({}, "schema-error"),
        ({"fields": "bad"}, "schema-error"),
        ({"fields": [{"name": "a", "type": "magical_unicorn"}]}, "field-error"),
        ({"fields": [{"name": "a"}], "primaryKey": ["b"]}, "schema-error"),
        ({"fields": [{"name": "a"}], "primaryKey": 1}, "schema-error"),
        ({"fields": [{"name": "a"}], "foreignKeys": [{"fields": "a"}]}, "schema-error"),
        ({"fields": [{"name": "a"}], "foreignKeys": [{"fields": ["a"], "reference": {"resource": "r", "fields": "id"}}]}, "schema-error"),
        ({"fields": [{"name": "a"}, {"name": "a"}]}, "schema-error"),
    ],
)
def test_invalid_schemas_are_reported(schema, code):
    problems = schema_problems(schema, "t.csv")
    assert problems and {p.code for p in problems} == {code}

"""structure: the Table Schema's rules, driven by the schema JSON alone (generic over fields and constraints)."""

import pytest

from stoke_opendata.validate.tables.csv_reader import read_csv
from stoke_opendata.validate.tableschema.check import check_structure
from stoke_opendata.validate.tableschema.hints import enum_hint, label_hint, type_hint


def check(tmp_path, text, schema, references=None):
    path = tmp_path / "t.csv"
    path.write_text(text)
    return check_structure(read_csv(path), schema, references)


def found(checked):
    return sorted((p.code, p.constraint, p.row, p.column, p.value) for p in checked.problems)


SCHEMA = {
    "fields": [
        {"name": "id", "type": "integer", "constraints": {"required": True, "unique": True, "minimum": 1}},
        {"name": "name", "type": "string", "constraints": {"minLength": 2, "maxLength": 5, "pattern": "[A-Z][a-z]+"}},
        {"name": "kind", "type": "string", "constraints": {"enum": ["a", "b"]}},
        {"name": "score", "type": "number", "constraints": {"maximum": 10}},
        {"name": "ok", "type": "boolean"},
        {"name": "day", "type": "date", "constraints": {"minimum": "2020-01-01"}},
        {"name": "year", "type": "year"},
    ],
    "missingValues": ["", "NA"],
}


def test_types_and_constraints_generic(tmp_path):
    text = (
        "id,name,kind,score,ok,day,year\n"
        "1,Ann,a,9.5,true,2021-02-03,2020\n"
        "0,Bo,c,11,yes,2019-12-31,20\n"
        "x,bob,b,1e1,FALSE,03/02/2021,2021\n"
        "1,Annabel,NA,NA,0,,1999\n"
        ",A,a,,,,\n"
    )
    got = found(check(tmp_path, text, SCHEMA))
    assert got == sorted(
        [
            ("constraint-error", "minimum", 3, "id", "0"),
            ("constraint-error", "enum", 3, "kind", "c"),
            ("constraint-error", "maximum", 3, "score", "11"),
            ("type-error", None, 3, "ok", "yes"),
            ("constraint-error", "minimum", 3, "day", "2019-12-31"),
            ("type-error", None, 3, "year", "20"),
            ("type-error", None, 4, "id", "x"),
            ("constraint-error", "pattern", 4, "name", "bob"),
            ("type-error", None, 4, "day", "03/02/2021"),
            ("unique-error", None, 5, "id", "1"),
            ("constraint-error", "maxLength", 5, "name", "Annabel"),
            ("constraint-error", "required", 6, "id", None),
            ("constraint-error", "minLength", 6, "name", "A"),
            ("constraint-error", "pattern", 6, "name", "A"),
        ]
    )


def test_header_problems(tmp_path):
    schema = {"fields": [{"name": "a"}, {"name": "b"}, {"name": "c", "constraints": {"required": True}}]}
    got = found(check(tmp_path, "a,B,a,,d\n1,2,3,4,5\n", schema))
    assert ("extra-label", None, 1, "B", "B") in got
    assert ("duplicate-label", None, 1, "a", "a") in got
    assert ("blank-label", None, 1, "column 4", "") in got
    assert ("extra-label", None, 1, "d", "d") in got
    assert ("missing-label", None, 1, "b", None) in got
    assert ("missing-label", None, 1, "c", None) in got
    # a missing column is reported once, not once per row
    assert not [g for g in got if g[0] == "constraint-error"]


def test_columns_matched_by_name_not_position(tmp_path):
    schema = {"fields": [{"name": "a", "type": "integer"}, {"name": "b", "type": "string"}]}
    checked = check(tmp_path, "b,a\nx,1\n", schema)
    assert checked.problems == []
    assert checked.typed["a"].to_list() == [1]


def test_rows_blank_extra_missing(tmp_path):
    schema = {"fields": [{"name": "a", "constraints": {"required": True}}, {"name": "b", "constraints": {"required": True}}]}
    got = found(check(tmp_path, "a,b\n1,2\n,\n\n1,2,3\n1\n", schema))
    assert got == [
        ("blank-row", None, 3, None, None),
        ("blank-row", None, 4, None, None),
        ("extra-cell", None, 5, "column 3", "3"),
        ("missing-cell", None, 6, "b", None),  # and no second 'required' error for the same cell
    ]


def test_primary_key_names_the_first_row(tmp_path):
    schema = {"fields": [{"name": "a"}, {"name": "b"}, {"name": "v"}], "primaryKey": ["a", "b"]}
    checked = check(tmp_path, "a,b,v\nx,1,1\nx,2,1\nx,1,2\n,1,3\n,1,4\n", schema)
    first, second = checked.problems
    assert (first.code, first.row, first.value) == ("primary-key", 4, "x, 1")
    assert "row 2" in first.message
    # a blank key cell is a value of the key, as frictionless compares keys: (blank, 1) repeats
    assert (second.code, second.row, second.value) == ("primary-key", 6, ", 1")


def test_primary_key_on_typed_values_and_blank_keys(tmp_path):
    """1 and 01 are the same integer; a key whose cells are all blank is an error (a blank row is not)."""
    schema = {"fields": [{"name": "id", "type": "integer"}, {"name": "v"}], "primaryKey": ["id"]}
    checked = check(tmp_path, "id,v\n1,a\n01,b\n,c\n\n2,d\n", schema)
    found = sorted((p.code, p.row) for p in checked.problems)
    assert found == [("blank-row", 5), ("primary-key", 3), ("primary-key", 4)]


def test_foreign_keys_self_and_external(tmp_path):
    import polars as pl

    schema = {
        "fields": [{"name": "id"}, {"name": "parent"}, {"name": "area"}],
        "foreignKeys": [
            {"fields": "parent", "reference": {"resource": "", "fields": "id"}},
            {"fields": ["area"], "reference": {"resource": "areas", "fields": ["code"]}},
        ],
    }
    refs = {"areas": pl.DataFrame({"code": ["E06000021"]})}
    checked = check(tmp_path, "id,parent,area\na,,E06000021\nb,a,E06000022\nc,z,E06000021\n", schema, lambda res, f: refs.get(res))
    got = found(checked)
    assert got == [("foreign-key", None, 3, "area", "E06000022"), ("foreign-key", None, 4, "parent", "z")]
    assert "did you mean 'E06000021'" in [p for p in checked.problems if p.column == "area"][0].hint


def test_multi_field_foreign_key(tmp_path):
    import polars as pl

    schema = {"fields": [{"name": "a"}, {"name": "b"}], "foreignKeys": [{"fields": ["a", "b"], "reference": {"resource": "r", "fields": ["x", "y"]}}]}
    ref = pl.DataFrame({"x": ["1", "2"], "y": ["p", "q"]})
    got = found(check(tmp_path, "a,b\n1,p\n1,q\n", schema, lambda res, f: ref))
    assert got == [("foreign-key", None, 3, "a, b", "1, q")]


def test_bad_pattern_in_schema_is_a_field_error_not_a_crash(tmp_path):
    from stoke_opendata.validate.tableschema.schema_errors import schema_problems

    schema = {"fields": [{"name": "a", "constraints": {"pattern": "(["}}]}
    [problem] = schema_problems(schema, "x.csv")
    assert problem.code == "field-error" and "regular expression" in problem.message
    assert check(tmp_path, "a\nx\n", schema).problems == []  # checked directly: the bad rule is left out, no crash


@pytest.mark.parametrize(
    "value,ftype,expected",
    [
        ("61.3 %", "number", "write 61.3, not 61.3 %"),
        ("£552.00", "number", "write 552.00, not £552.00"),
        ("1,126,200", "number", "write 1126200, not 1,126,200"),
        ("61,3", "number", "write 61.3, not 61,3"),
        (" 61.3", "number", "remove the spaces"),
        ("n/a", "number", "status to 'suppressed'"),
        ("3.0", "integer", "write 3, not 3.0"),
        ("31/03/2024", "date", "YYYY-MM-DD"),
    ],
)
def test_type_hints(value, ftype, expected):
    assert expected in type_hint(value, ftype)


def test_enum_and_label_hints():
    assert "write final exactly" in enum_hint("Final", ["final", "provisional"])
    assert "did you mean 'provisional'" in enum_hint("provisonal", ["final", "provisional"])
    assert "rename the column 'Area Code' to 'area_code'" in label_hint("Area Code", ["area_code", "value"])

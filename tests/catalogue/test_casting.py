"""The one caster from a Table Schema field to a value: every type, true/false values, missing values, and one
clear error for a text that is not of its type; and the places that read cells use it."""

import datetime as dt
from decimal import Decimal

import pytest

from stoke_opendata.catalogue.casting import (FALSE_VALUES, FIELD_TYPES, TRUE_VALUES, CastError, cast, caster,
                                              field_type, reader)


@pytest.mark.parametrize("spec, text, value", [
    ({"type": "string"}, "Stoke-on-Trent", "Stoke-on-Trent"),
    ({"type": "string"}, " padded ", " padded "),
    ({"type": "number"}, "61.3", 61.3),
    ({"type": "number"}, " 2.5", 2.5),
    ({"type": "number"}, "-0.125", -0.125),
    ({"type": "number"}, "1e3", 1000.0),
    ({"type": "number", "groupChar": ","}, "1,126,200", 1126200.0),
    ({"type": "number", "decimalChar": ","}, "3,5", 3.5),
    ({"type": "number", "bareNumber": False}, "£552.00", 552.0),
    ({"type": "integer"}, "4530", 4530),
    ({"type": "integer"}, "-7", -7),
    ({"type": "integer", "bareNumber": False}, "12%", 12),
    ({"type": "year"}, "2024", 2024),
    ({"type": "boolean"}, "true", True),
    ({"type": "boolean"}, "TRUE", True),
    ({"type": "boolean"}, "1", True),
    ({"type": "boolean"}, "False", False),
    ({"type": "boolean"}, "0", False),
    ({"type": "boolean", "trueValues": ["yes", "Y"], "falseValues": ["no"]}, "Y", True),
    ({"type": "boolean", "trueValues": ["yes", "Y"], "falseValues": ["no"]}, "no", False),
    ({"type": "date"}, "2024-03-31", dt.date(2024, 3, 31)),
    ({"type": "date", "format": "%d/%m/%Y"}, "31/03/2024", dt.date(2024, 3, 31)),
    ({"type": "yearmonth"}, "2024-3", (2024, 3)),
])
def test_every_type_becomes_its_value(spec, text, value):
    got = cast(spec, text)
    assert got == value and type(got) is type(value)


def test_a_number_is_a_float_to_callers_and_a_decimal_to_the_validator():
    assert cast({"type": "number"}, "0.1") == 0.1
    assert reader({"type": "number"})("0.1") == Decimal("0.1")


@pytest.mark.parametrize("spec, text, message", [
    ({"type": "number"}, "61.3 %", "'61.3 %' is not a number"),
    ({"type": "number", "decimalChar": ","}, "1.5", "'1.5' is not a number"),
    ({"type": "integer"}, "1.0", "'1.0' is not an integer"),
    ({"type": "integer"}, "twelve", "'twelve' is not an integer"),
    ({"type": "year"}, "24", "'24' is not a year"),
    ({"type": "boolean"}, "yes", "'yes' is not a boolean"),
    ({"type": "boolean", "trueValues": ["yes"], "falseValues": ["no"]}, "true", "'true' is not a boolean"),
    ({"type": "date"}, "31/03/2024", "'31/03/2024' is not a date"),
    ({"type": "date"}, "2024-02-30", "'2024-02-30' is not a date"),
    ({"type": "yearmonth"}, "2024-13", "'2024-13' is not a yearmonth"),
])
def test_a_bad_value_is_one_clear_error(spec, text, message):
    with pytest.raises(CastError) as caught:
        cast(spec, text)
    assert str(caught.value) == message
    assert isinstance(caught.value, ValueError)


def test_missing_values_are_none_for_every_type():
    for ftype in ("string", "number", "integer", "boolean", "date", "year"):
        assert cast({"type": ftype}, "") is None
        assert cast({"type": ftype}, None) is None
        read = caster({"type": ftype}, ["", "NA", ".."])
        assert read("NA") is None and read("..") is None
    # only the schema's missing values: a blank is then a value of a string, and no number
    assert caster({"type": "string"}, ["NA"])("") == ""
    with pytest.raises(CastError, match="'' is not a number"):
        caster({"type": "number"}, ["NA"])("")


def test_true_and_false_values_are_one_list():
    assert TRUE_VALUES == ["true", "True", "TRUE", "1"] and FALSE_VALUES == ["false", "False", "FALSE", "0"]
    read = caster({"type": "boolean"})
    assert [read(v) for v in TRUE_VALUES] == [True] * 4 and [read(v) for v in FALSE_VALUES] == [False] * 4


def test_the_type_table_names_every_table_schema_type():
    assert set(FIELD_TYPES) == {"string", "number", "integer", "boolean", "object", "array", "list", "date", "time",
                                "datetime", "year", "yearmonth", "duration", "geopoint", "geojson", "any"}
    assert field_type({"type": "integer"}).datastore == "int"
    assert field_type({"type": "number"}).polars == "Float64" and field_type({"type": "year"}).polars == "Int64"
    assert field_type({}).polars is None and field_type({"type": "unknown"}).datastore == "text"


def test_the_validator_hot_path_reads_the_same_dtypes_and_true_values():
    import polars as pl

    from stoke_opendata.validate.tableschema.field_types import dtype, fast_cast

    for name, ftype in FIELD_TYPES.items():
        expected = pl.Int64 if name == "yearmonth" else getattr(pl, ftype.polars) if ftype.polars else pl.String
        assert dtype(pl, {"type": name}) == expected
    frame = pl.DataFrame({"b": ["Y", "no", "true"]})
    spec = {"type": "boolean", "trueValues": ["Y"], "falseValues": ["no"]}
    fast = frame.select(fast_cast(pl, "b", spec).alias("b"))["b"].to_list()
    assert fast == [cast(spec, "Y"), cast(spec, "no"), None]


def test_the_datastore_records_are_cast_by_it(tmp_path):
    from stoke_opendata.errors import InvalidDataError
    from stoke_opendata.portal.datastore import datastore_fields, read_records
    from stoke_opendata.portal.local_package import LocalFile

    schema = {"fields": [{"name": "n", "type": "integer"}, {"name": "ok", "type": "boolean", "trueValues": ["Y"], "falseValues": ["N"]},
                         {"name": "v", "type": "number"}, {"name": "y", "type": "year"}], "missingValues": ["", "NA"]}
    path = tmp_path / "t.csv"
    path.write_text("n,ok,v,y\n3,Y,61.30,2024\nNA,N,,NA\n", encoding="utf-8")
    local = LocalFile(path="data/t.csv", file=path, name="t", description="", format="CSV", mediatype="text/csv",
                      bytes=0, sha256="", schema=schema)
    assert list(read_records(local)) == [{"n": 3, "ok": True, "v": "61.30", "y": "2024"},
                                         {"n": None, "ok": False, "v": None, "y": None}]
    assert [f["type"] for f in datastore_fields(schema)] == ["int", "bool", "numeric", "text"]
    path.write_text("n,ok,v,y\n3,maybe,1,2024\n", encoding="utf-8")
    with pytest.raises(InvalidDataError, match="'maybe' is not a boolean"):
        list(read_records(local))


def test_progress_inputs_and_definitions_are_cast_by_it():
    from stoke_opendata.errors import InputError
    from stoke_opendata.package.progress_rows import observations_from_rows

    [obs] = observations_from_rows([{"indicator_id": "a", "area_code": "E06000021", "period": "2024", "value": " 61.3 "}])
    assert obs.value == 61.3
    with pytest.raises(InputError, match="column 'value': '61.3 %' is not a number"):
        observations_from_rows([{"indicator_id": "a", "area_code": "E06000021", "period": "2024", "value": "61.3 %"}])


def test_definitions_are_cast_by_it(tmp_path):
    import shutil

    from stoke_opendata.catalogue import paths
    from stoke_opendata.catalogue.definitions import load_catalogue
    from stoke_opendata.errors import InputError

    for name in ("indicators.csv", "areas.csv"):
        shutil.copy(paths.schemas_dir() / name, tmp_path / name)
    catalogue = load_catalogue(tmp_path)
    first = next(iter(catalogue.indicators.values()))
    assert isinstance(first.maximum, float) and isinstance(first.higher_is_better, (bool, type(None)))
    lines = (tmp_path / "indicators.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    assert header[8] == "higher_is_better" and lines[1].split(",")[8 + 1] in ("false", "true")  # title is quoted
    lines[1] = lines[1].replace(",false,annual,", ",maybe,annual,", 1)
    (tmp_path / "indicators.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    load_catalogue.cache_clear()
    with pytest.raises(InputError, match="'maybe' is not a boolean") as caught:
        load_catalogue(tmp_path)
    assert caught.value.where.endswith("indicators.csv: row 2")
    load_catalogue.cache_clear()

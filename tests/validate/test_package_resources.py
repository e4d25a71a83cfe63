"""Data packages that are not ours: resources we do not read are skipped with a warning and the rest is
validated; what the descriptor declares (bytes, hash, encoding) is checked; foreign keys to a resource or
field the package lacks are errors, never silently skipped or checked against our catalogue."""

import hashlib
import json

import pytest

from stoke_opendata.errors import InputError
from stoke_opendata.validate.validator import validate_paths

SCHEMA = {"fields": [{"name": "id", "type": "integer"}, {"name": "name", "type": "string"}], "primaryKey": ["id"]}
CSV = b"id,name\n1,London\n2,Paris\n"


def package(tmp_path, resources, files=None):
    for name, data in (files or {"table.csv": CSV}).items():
        (tmp_path / name).write_bytes(data)
    path = tmp_path / "datapackage.json"
    path.write_text(json.dumps({"name": "p", "resources": resources}))
    return path


def found(report):
    return sorted((p.code, p.row, p.column) for p in report.problems)


def test_unsupported_resources_are_skipped_with_their_reason(tmp_path):
    path = package(
        tmp_path,
        [
            {"name": "table", "path": "table.csv", "schema": SCHEMA},
            {"name": "inline", "data": [["id"], [1]], "schema": SCHEMA},
            {"name": "noschema", "path": "table.csv"},
            {"name": "json", "path": "table.json", "format": "json", "schema": SCHEMA},
            {"name": "gzip", "path": "table.csv.gz", "schema": SCHEMA},
            {"name": "parts", "path": ["a.csv", "b.csv"], "schema": SCHEMA},
            {"name": "remote", "path": "http://127.0.0.1:9/x.csv", "schema": SCHEMA},
            {"name": "noheader", "path": "table.csv", "schema": SCHEMA, "dialect": {"header": False}},
        ],
    )
    report = validate_paths([path], history=False)
    assert report.valid
    skipped = {p.message.split("'")[1]: p.message for p in report.problems if p.code == "resource-skipped"}
    assert set(skipped) == {"inline", "noschema", "json", "gzip", "parts", "remote", "noheader"}
    assert "inline" in skipped["inline"] and "no Table Schema" in skipped["noschema"] and "json" in skipped["json"]
    assert "compressed" in skipped["gzip"] and "several files" in skipped["parts"] and "made no request" in skipped["remote"]
    assert all(p.severity == "warning" for p in report.problems)
    assert [f.rows for f in report.files if f.resource == "table"] == [2]
    # the JSON report keeps its published shape; the text and HTML reports show each skipped resource
    import jsonschema

    from stoke_opendata.validate import report as render
    from stoke_opendata.catalogue.paths import schemas_dir

    jsonschema.validate(render.to_dict(report), json.loads((schemas_dir() / "validation-report.schema.json").read_text()))
    assert render.to_text(report).count("resource-skipped") == 7 and render.to_html(report).count("was not validated") == 7


def test_a_package_with_nothing_we_can_read_is_refused_with_the_reasons(tmp_path):
    path = package(tmp_path, [{"name": "inline", "data": [[1]]}, {"name": "remote", "path": "https://example.org/x.csv"}])
    with pytest.raises(InputError) as err:
        validate_paths([path], history=False)
    assert "inline" in err.value.message and "example.org" in err.value.message
    assert "--allow-remote" not in err.value.message and "ALLOW_REMOTE" not in err.value.message


def test_declared_bytes_hash_and_encoding_are_checked(tmp_path):
    good = {"hash": "md5:" + hashlib.md5(CSV).hexdigest(), "bytes": len(CSV), "encoding": "utf-8"}
    path = package(tmp_path, [{"name": "table", "path": "table.csv", "schema": SCHEMA, **good}])
    assert found(validate_paths([path], history=False)) == []
    changed = CSV.replace(b"2,", b"3,")  # a changed digit, same size
    (tmp_path / "table.csv").write_bytes(changed)
    assert [c for c, _, _ in found(validate_paths([path], history=False))] == ["hash-count"]
    sha = {"hash": "sha256:" + hashlib.sha256(CSV).hexdigest(), "bytes": len(CSV) + 1}
    path = package(tmp_path, [{"name": "table", "path": "table.csv", "schema": SCHEMA, **sha}], {"table.csv": changed})
    assert [c for c, _, _ in found(validate_paths([path], history=False))] == ["byte-count", "hash-count"]
    latin = "id,name\n1,Zürich\n".encode("latin-1")
    path = package(tmp_path, [{"name": "table", "path": "table.csv", "schema": SCHEMA, "encoding": "utf-8"}], {"table.csv": latin})
    assert [c for c, _, _ in found(validate_paths([path], history=False))] == ["encoding-error"]
    path = package(tmp_path, [{"name": "table", "path": "table.csv", "schema": SCHEMA, "encoding": "latin-1"}], {"table.csv": latin})
    assert found(validate_paths([path], history=False)) == []  # declared: no guessed-encoding warning either


def test_foreign_keys_to_absent_resources_or_fields_are_errors(tmp_path):
    schema = {
        "fields": [{"name": "id", "type": "integer"}, {"name": "area_code", "type": "string"}],
        "foreignKeys": [
            {"fields": "area_code", "reference": {"resource": "areas", "fields": "area_code"}},
            {"fields": "id", "reference": {"resource": "other", "fields": "nope"}},
        ],
    }
    other = {"fields": [{"name": "key", "type": "integer"}]}
    path = package(
        tmp_path,
        [{"name": "t", "path": "t.csv", "schema": schema}, {"name": "other", "path": "o.csv", "schema": other}],
        {"t.csv": b"id,area_code\n1,E06000021\n", "o.csv": b"key\n1\n"},
    )
    report = validate_paths([path], history=False)
    errors = [p for p in report.problems if p.code == "foreign-key"]
    assert len(errors) == 2
    assert "no resource 'areas'" in errors[0].message  # not looked up in the bundled catalogue
    assert "no field 'nope'" in errors[1].message


def test_a_missing_resource_file_is_an_error_and_the_rest_is_validated(tmp_path):
    path = package(tmp_path, [{"name": "gone", "path": "gone.csv", "schema": SCHEMA}, {"name": "table", "path": "table.csv", "schema": SCHEMA}])
    report = validate_paths([path], history=False)
    assert [(p.code, p.file.endswith("gone.csv")) for p in report.problems] == [("resource-error", True)]
    assert [f.rows for f in report.files if f.resource == "table"] == [2]


def test_a_broken_schema_is_reported_not_applied(tmp_path):
    (tmp_path / "t.csv").write_bytes(CSV)
    bad = tmp_path / "bad.schema.json"
    bad.write_text(json.dumps({"fields": [{"name": "id", "type": "magical_unicorn"}], "primaryKey": "identifier"}))
    report = validate_paths([tmp_path / "t.csv"], schema=str(bad), history=False)
    assert sorted(p.code for p in report.problems) == ["field-error", "schema-error"]
    yaml_schema = tmp_path / "s.yaml"
    yaml_schema.write_text("fields:\n  - name: id\n    type: integer\n  - name: name\n")
    assert validate_paths([tmp_path / "t.csv"], schema=str(yaml_schema), history=False).problems == []


def test_a_single_file_with_a_foreign_key_to_another_table_is_checked_and_the_key_reported_unchecked(tmp_path):
    (tmp_path / "t.csv").write_bytes(b"id,name\n1,x\n1,y\n")
    schema = tmp_path / "s.json"
    schema.write_text(json.dumps({**SCHEMA, "foreignKeys": [{"fields": "name", "reference": {"resource": "names", "fields": "name"}}]}))
    report = validate_paths([tmp_path / "t.csv"], schema=str(schema), history=False)
    assert found(report) == [("foreign-key-unchecked", None, "name"), ("primary-key", 3, "id")]


def test_every_package_code_is_triggered_here():
    """test_validation.py leaves these codes to this module: each must appear in one of its tests."""
    from pathlib import Path

    from stoke_opendata.validate.problems import CODES

    text = Path(__file__).read_text()
    codes = {"schema-error", "field-error", "foreign-key-unchecked", "resource-skipped", "resource-error", "byte-count", "hash-count", "encoding-error"}
    assert codes <= set(CODES)
    assert all(f'"{code}"' in text for code in codes)


def test_typed_foreign_keys_compare_as_values(tmp_path):
    """As frictionless compares them: 01 refers to the integer 1; text keys stay text."""
    child = {"fields": [{"name": "parent", "type": "integer"}, {"name": "code", "type": "string"}],
             "foreignKeys": [{"fields": "parent", "reference": {"resource": "parents", "fields": "id"}},
                             {"fields": "code", "reference": {"resource": "parents", "fields": "code"}}]}
    parents = {"fields": [{"name": "id", "type": "integer"}, {"name": "code", "type": "string"}]}
    path = package(
        tmp_path,
        [{"name": "children", "path": "c.csv", "schema": child}, {"name": "parents", "path": "p.csv", "schema": parents}],
        {"c.csv": b"parent,code\n01,A\n1,a\n3,A\n", "p.csv": b"id,code\n1,A\n2,B\n"},
    )
    report = validate_paths([path], history=False)
    assert sorted((p.code, p.row, p.value) for p in report.problems) == [("foreign-key", 3, "a"), ("foreign-key", 4, "3")]

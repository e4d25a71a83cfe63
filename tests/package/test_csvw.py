"""Every table of every bundled package carries W3C CSV on the Web metadata generated from its Table Schema,
and a CSVW processor (the `csvw` library) reads each CSV through it with no error, giving the same rows with
the same types as frictionless reads through the Table Schema."""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from decimal import Decimal

import pytest




@pytest.fixture(scope="module")
def packages(bundled_packages):  # noqa: F811
    return bundled_packages


def _same(a, b) -> bool:
    """One cell as the two readers give it: numbers by value (CSVW decimals, frictionless floats or
    Decimals), dates and datetimes by instant, the rest as they are."""
    if isinstance(a, (int, float, Decimal)) and not isinstance(a, bool):
        return isinstance(b, (int, float, Decimal)) and not isinstance(b, bool) and (
            math.isclose(float(a), float(b), rel_tol=1e-12) or (math.isnan(float(a)) and math.isnan(float(b))))
    if isinstance(a, datetime) and isinstance(b, datetime):
        return a.replace(tzinfo=None) == b.replace(tzinfo=None)
    if isinstance(a, date) and isinstance(b, date):
        return a == b
    return a == b


def test_every_table_reads_through_its_csvw_metadata_with_the_same_rows_and_types(packages):
    from csvw import CSVW
    from frictionless import Package

    tables = 0
    for folder in packages:
        descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        listed = {r["path"]: r for r in descriptor["resources"]}
        package = Package(str(folder / "datapackage.json"))
        for resource in descriptor["resources"]:
            if resource.get("format") != "csv":
                continue
            tables += 1
            metadata = folder / f"{resource['path']}-metadata.json"
            entry = listed[f"{resource['path']}-metadata.json"]  # published in the package, hashed
            assert entry["mediatype"] == "application/csvm+json"
            reader = CSVW(str(metadata), validate=True)
            assert reader.is_valid, metadata
            [table] = reader.tablegroup.tables
            assert [c.name for c in table.tableSchema.columns] == [f["name"] for f in resource["schema"]["fields"]]
            csvw_rows = list(table.iterdicts(strict=True))
            rows = [row.to_dict() for row in package.get_resource(resource["name"]).read_rows()]
            assert len(csvw_rows) == len(rows), metadata
            for n, (ours, theirs) in enumerate(zip(csvw_rows, rows)):
                for name, value in theirs.items():
                    got = ours[name]
                    assert (got is None and value is None) or _same(got, value), (metadata.name, n, name, got, value)
    assert tables >= 18  # 18 tables in the 4 bundled packages when written


def test_the_metadata_is_generated_from_the_table_schema():
    from stoke_opendata.package.csvw_metadata import csvw_document

    schema = {"fields": [{"name": "n", "type": "integer", "constraints": {"required": True, "minimum": 0}},
                         {"name": "ok", "type": "boolean", "trueValues": ["yes"], "falseValues": ["no"]},
                         {"name": "when", "type": "date"}],
              "primaryKey": ["n"], "missingValues": ["", "NA"]}
    doc = csvw_document("t.csv", schema, "T", "A table")
    columns = doc["tableSchema"]["columns"]
    assert [c["name"] for c in columns] == ["n", "ok", "when"]
    assert columns[0]["datatype"] == {"base": "integer", "minimum": 0} and columns[0]["required"] is True
    assert columns[1]["datatype"] == {"base": "boolean", "format": "yes|no"}
    assert columns[2]["datatype"] == "date" and columns[2]["null"] == ["", "NA"]
    assert doc["tableSchema"]["primaryKey"] == ["n"] and doc["url"] == "t.csv"

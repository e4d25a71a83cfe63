"""Zero internal errors: odd but parseable schemas (a format that is a number, a group character that is not a
character, constraints of every kind on every type, look-around patterns...) end in problems or a clear
refusal, never in an exception of another kind."""

import json

import pytest

from stoke_opendata.errors import StokeError
from stoke_opendata.validate.validator import validate_paths

TYPES = ["string", "number", "integer", "boolean", "date", "datetime", "time", "year", "yearmonth", "duration", "geopoint", "object", "array", "any"]
ODD_FIELDS = [
    {"format": 5}, {"format": "%Q-%Z"}, {"format": "any"}, {"format": "email"}, {"format": "wkt"}, {"trueValues": "yes"},
    {"groupChar": 5}, {"decimalChar": ""}, {"bareNumber": "no"}, {"constraints": []}, {"constraints": {"pattern": 5}},
    {"constraints": {"enum": "a"}}, {"constraints": {"minLength": "3"}}, {"constraints": {"required": "yes"}},
    {"constraints": {"pattern": "(?<=a)b"}}, {"constraints": {"minimum": "zzz", "maximum": [1]}},
    {"constraints": {"minimum": "2020-01-01T10:00:00Z", "exclusiveMaximum": "10:00:00", "enum": [True, None]}},
]
ODD_SCHEMAS = [{"missingValues": "NA"}, {"missingValues": [1, None]}, {"primaryKey": 5}, {"foreignKeys": {"x": 1}}, {"foreignKeys": [{"fields": "x", "reference": {"resource": "", "fields": "x"}}]}]


@pytest.mark.parametrize("ftype", TYPES)
def test_odd_schemas_never_crash(tmp_path, ftype):
    (tmp_path / "t.csv").write_text('x\nab\naab\n1\n\nNA\n2020-01-01\n"{""a"": 1}"\n')
    outcomes = set()
    for index, extra in enumerate([*({"fields": [{"name": "x", "type": ftype, **f}]} for f in ODD_FIELDS), *({"fields": [{"name": "x", "type": ftype}], **s} for s in ODD_SCHEMAS)]):
        schema = tmp_path / f"s{index}.json"
        schema.write_text(json.dumps(extra))
        try:
            outcomes.add(validate_paths([tmp_path / "t.csv"], schema=str(schema), history=False).exit_code)
        except StokeError:
            outcomes.add(2)
    assert outcomes <= {0, 1, 2}

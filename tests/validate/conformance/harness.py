"""The conformance suite's machinery: find frictionless-py's fixtures, run each through frictionless 5 and
through ours, and reduce both reports to comparable findings.

A finding is (resource, code, row, field): `resource` is the resource's name in a package ("" for a CSV
checked against a schema), `row` the spreadsheet row number (header = 1) or None, `field` the field's
name or None. Row-level codes that name no single field in one tool (primary-key, foreign-key,
blank-row, extra-cell, missing-cell) are compared without the field, as the tools word them differently.
Our refusals (exit 2) become one ("", "refused", None, None) finding; an internal error (any other
exception) is never a finding: the test fails on it.

Cases:
- every package descriptor (an object with a `resources` list): `validate DESCRIPTOR`;
- every resource descriptor whose `path` is one CSV: the CSV against its schema (inline or referenced),
  `validate CSV --schema SCHEMA`; frictionless gets the same path and schema, nothing else;
- every standalone Table Schema file, checked against `table.csv` (id,name): `validate table.csv --schema FILE`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent / "data"
LABEL_CODES = {"blank-label", "duplicate-label", "extra-label", "missing-label", "incorrect-label"}
ROW_ONLY = {"primary-key", "foreign-key", "blank-row", "extra-cell", "missing-cell"}


@dataclass(frozen=True)
class Case:
    kind: str  # package | pair
    fixture: str  # path under data/
    csv: str | None = None  # pair: the CSV, relative to data/
    schema: object = None  # pair: the schema (dict, or a path relative to data/)

    @property
    def id(self) -> str:
        return self.fixture if self.kind == "package" else f"{self.csv} + {self.fixture}"


def _load(path: Path):
    try:
        text = path.read_text(encoding="utf-8-sig")
        return yaml.safe_load(text) if path.suffix in (".yaml", ".yml") else json.loads(text)
    except Exception:
        return None


def cases() -> list[Case]:
    out = []
    for path in sorted(DATA.rglob("*")):
        if path.suffix not in (".json", ".yaml", ".yml") or not path.is_file():
            continue
        rel = str(path.relative_to(DATA))
        doc = _load(path)
        if isinstance(doc, dict) and isinstance(doc.get("resources"), list):
            out.append(Case("package", rel))
        elif isinstance(doc, dict) and ("path" in doc or "data" in doc):
            data_path = doc.get("path")
            if isinstance(data_path, str) and data_path.endswith(".csv") and doc.get("schema") is not None:
                schema = doc["schema"]
                if isinstance(schema, str):
                    schema = str((path.parent / schema).relative_to(DATA))
                out.append(Case("pair", rel, csv=str((path.parent / data_path).relative_to(DATA)), schema=schema))
        elif "schema" in path.name or (isinstance(doc, dict) and ("fields" in doc or "primaryKey" in doc)):
            out.append(Case("pair", rel, csv="table.csv", schema=rel))
    return out


def _key(resource, code, row, field):
    if code in ROW_ONLY:
        field = None
    if code in LABEL_CODES:
        row = None  # frictionless gives label errors no row; ours say row 1
    if code in ("schema-error", "field-error"):
        field = None  # frictionless names no field for these
    return (resource or "", code, row, field)


def frictionless_findings(case: Case) -> set:
    import frictionless

    if case.kind == "package":
        report = frictionless.validate(str(DATA / case.fixture))
    else:
        try:
            descriptor = case.schema if isinstance(case.schema, dict) else _load(DATA / case.schema)
            schema = frictionless.Schema.from_descriptor(descriptor)
            report = frictionless.Resource(path=case.csv, basepath=str(DATA), schema=schema).validate()
        except frictionless.FrictionlessException as exc:
            return {_key("", exc.error.type, None, None)}
    found = set()
    for error in report.errors:  # package-level
        found.add(_key("", error.type, None, None))
    for task in report.tasks:
        name = task.name if case.kind == "package" else ""
        for error in task.errors:
            found.add(_key(name, error.type, getattr(error, "row_number", None), getattr(error, "field_name", None) or None))
    return found


def ours_findings(case: Case) -> set:
    from stoke_opendata.errors import StokeError
    from stoke_opendata.validate.validator import validate_paths

    try:
        if case.kind == "package":
            report = validate_paths([DATA / case.fixture], history=False)
        else:
            schema = case.schema if isinstance(case.schema, dict) else str(DATA / case.schema)
            report = validate_paths([DATA / case.csv], schema=schema, history=False)
    except StokeError:
        return {_key("", "refused", None, None)}
    resource_of = {info.path: (info.resource or "") for info in report.files}
    found = set()
    for p in report.problems:
        resource = resource_of.get(p.file, getattr(p, "resource", None) or "") if case.kind == "package" else ""
        found.add(_key(resource, p.code, p.row, p.column))
    return found


def differences() -> list[tuple[str, str, tuple]]:
    """(case id, "frictionless" | "ours", finding) for every finding only one tool made, sorted. Raises on an
    internal error of ours (any exception that is not a clear StokeError)."""
    out = []
    for case in cases():
        theirs, ours = frictionless_findings(case), ours_findings(case)
        out += [(case.id, "frictionless", f) for f in theirs - ours]
        out += [(case.id, "ours", f) for f in ours - theirs]
    return sorted(out, key=lambda d: (d[0], d[1], tuple("" if v is None else str(v) for v in d[2])))

"""What a steward needs from the core, in one place: a template to fill, the list of datasets, and what a web
front end (the portal's Submit figures page, ckanext-stoke) calls to check, plan and submit a file.

Why a module of its own: the CLI's `template` and `datasets` and the portal extension must call the same rules
`validate` and `accept` run (one rule set), and must not reach into internals. The wording and the template
rows live in the core (validate/template.py, catalogue/template_rows.py); the functions for the portal chain
the existing pieces (the size guards, the validator, the report renderers, --fix, accept's dry-run plan) for a
file the server stored under a name it chose itself; nothing here reads a name a user gave as a path.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

TYPES = {"csv": ".csv", "xlsx": ".xlsx"}
_ZIP_MAGIC = b"PK\x03\x04"


def submission_kind(path: Path, declared_name: str) -> str:
    """`csv` or `xlsx`, from the file's first bytes and the name the user's browser sent (which only has to
    agree: it is never used as a path). Anything else raises InputError with the reason."""
    from stoke_opendata.errors import InputError

    suffix = Path(declared_name or "").suffix.lower()
    if suffix not in TYPES.values():
        raise InputError(f"a submission must be a .csv or .xlsx file, not {suffix or 'a file without an extension'}",
                         where=Path(declared_name or "upload").name)
    with open(path, "rb") as fh:
        head = fh.read(4)
    if not head:
        raise InputError("the file is empty", where=Path(declared_name).name)
    is_zip = head == _ZIP_MAGIC
    if suffix == ".xlsx" and not is_zip:
        raise InputError("the file is named .xlsx but is not an Excel workbook (not a zip archive)", where=Path(declared_name).name)
    if suffix == ".csv" and is_zip:
        raise InputError("the file is named .csv but is a zip archive (an Excel workbook?); save it as .xlsx or CSV",
                         where=Path(declared_name).name)
    return "xlsx" if is_zip else "csv"


def workbook_sheets(path: Path) -> list[str]:
    """The sheet names of a workbook, after the expansion guard (a zip bomb is refused before openpyxl opens it)."""
    from stoke_opendata.errors import InputError
    from stoke_opendata.safety.guards import check_xlsx_expansion

    check_xlsx_expansion(path)
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a corrupt workbook
        raise InputError(f"the workbook cannot be read ({type(exc).__name__})", where=path.name) from None
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def check_submission(path: Path, work: Path, *, sheet: str | None = None, shown: str | None = None) -> dict:
    """Validate one stored upload as `validate --html --fix` would: the size guards first, then the report.
    Writes work/report.html and (when the file can be read) work/fixed.csv. Returns the JSON report (the
    public shape of schemas/validation-report.schema.json) with `sheets` and `fix` added. `shown` is the name
    the report uses for the file (the user's own file name, as text only)."""
    from stoke_opendata.api import validate_data
    from stoke_opendata.errors import StokeError
    from stoke_opendata.safety.atomic import atomic_write
    from stoke_opendata.safety.guards import check_table_file
    from stoke_opendata.validate import report as render

    check_table_file(path)
    sheets = workbook_sheets(path) if path.suffix == ".xlsx" else []
    if sheet is not None and sheet not in sheets:
        from stoke_opendata.errors import UsageError

        raise UsageError(f"there is no sheet {sheet!r} in the workbook", where=shown or path.name)
    report = validate_data(path, sheet=sheet)
    if shown:
        _rename(report, str(path), shown)
    data = render.to_dict(report)
    data["sheets"] = sheets
    data["sheet"] = sheet
    with atomic_write(work / "report.html") as fh:
        fh.write(render.to_html(report))
    data["fix"] = None
    try:
        from stoke_opendata.validate.validator import fix_path

        changes = fix_path(path, work / "fixed.csv", sheet=sheet)
        data["fix"] = {"changes": [c.to_dict() for c in changes]}
    except StokeError:
        pass  # a file --fix cannot read has its reason in the report already
    return data


def _rename(report, stored: str, shown: str) -> None:
    """Show the user's file name in the report instead of the server's storage path (text only)."""
    for info in report.files:
        if info.path == stored:
            info.path = shown
    for problem in report.problems:
        if getattr(problem, "file", None) == stored:
            problem.file = shown


def record_version(into: str) -> str:
    """A short fingerprint of a dataset's record as it is now (observations and revisions): an approval
    compares the one its approver saw with the one under the lock, so a plan is never applied stale."""
    from stoke_opendata.catalogue.datasets import dataset_dir

    folder = dataset_dir(into)
    digest = hashlib.sha256()
    for name in ("observations.csv", "revisions.csv"):
        part = folder / name
        digest.update(name.encode())
        if part.is_file():
            digest.update(hashlib.sha256(part.read_bytes()).digest())
    return digest.hexdigest()[:16]


def plan_submission(path: Path, into: str, *, sheet: str | None = None, limit: int = 200) -> dict:
    """accept --dry-run: the plan (added / revised with old and new values / unchanged) against the record
    as it is now, with the record's fingerprint. A refusal (another dataset's indicators, a disclosure) raises
    the StokeError accept raises."""
    from stoke_opendata.api import accept_submission

    result = accept_submission([path], into, sheet=sheet, dry_run=True)
    if result.plan is None:
        from stoke_opendata.errors import InvalidDataError

        raise InvalidDataError("the file has errors: fix them before it can be submitted", where=into)
    plan = result.plan.to_dict(limit=limit)
    plan.pop("files", None)
    for rows in (plan["added_rows"], plan["revised_rows"]):
        for row in rows:
            row.pop("_file", None)
    return {"plan": json.loads(json.dumps(plan, default=str)), "record": record_version(into),
            "changes": result.plan.changes}


def datasets_of_package(package_name: str) -> list[str]:
    """The bundled datasets (with an observations table) that publish/*.yaml packages as `package_name`:
    where a portal dataset's figures are accepted into."""
    from stoke_opendata.catalogue.datasets import dataset_dir
    from stoke_opendata.errors import StokeError
    from stoke_opendata.package.manifests import load_manifests

    found = []
    for manifest in load_manifests(None):
        if manifest.name != package_name:
            continue
        for name in manifest.datasets:
            try:
                if (dataset_dir(name) / "observations.csv").is_file():
                    found.append(name)
            except StokeError:
                continue
    return found


def make_template(out: str | Path, dataset: str | None = None, indicators: list[str] | None = None) -> int:
    """Write a template (.xlsx or .csv) for a bundled dataset or a list of indicator ids; returns its row count."""
    from stoke_opendata.catalogue.dataset_tables import read_dataset
    from stoke_opendata.catalogue.definitions import load_catalogue
    from stoke_opendata.catalogue.template_rows import template_rows
    from stoke_opendata.errors import UsageError
    from stoke_opendata.validate.template import write_template
    from stoke_opendata.validate.validator import load_schema

    if not dataset and not indicators:
        raise UsageError("name a dataset or give --indicator ID (`stoke-opendata datasets` lists the datasets)")
    catalogue = load_catalogue()
    from stoke_opendata.catalogue.datasets import list_datasets

    observations = []
    for name in [dataset] if dataset else list_datasets():  # the latest figure of each series sets the next period
        source = read_dataset(name)
        observations += source.tables["observations"].rows if "observations" in source.tables else []
    rows = template_rows(catalogue, observations, list(indicators or []) or None)
    ids = sorted(catalogue.indicators) if not dataset else sorted({r.indicator_id for r in rows} | {o["indicator_id"] for o in observations})
    areas = _areas(catalogue)
    schema, _ = load_schema("observations")
    write_template(rows, schema, out, ids, areas)
    return len(rows)


def _areas(catalogue) -> list[str]:
    """Every area code the catalogue knows, the city first, then the others the documents use, then the LSOAs."""
    from stoke_opendata.catalogue.vocabulary import STOKE

    return sorted(catalogue.areas, key=lambda code: (code != STOKE, catalogue.areas[code].area_type == "lsoa", code))


def dataset_listing() -> list[dict]:
    """One entry per bundled dataset: name, title, indicator count, observation count and last release."""
    from stoke_opendata.catalogue.dataset_listing import listing

    return listing()
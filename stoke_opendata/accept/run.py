"""An accept from start to end: validate, read, lock, plan, check disclosure, apply.

validate first (any error: nothing is read further, nothing written); then, holding the dataset's lock,
plan against the dataset as it is now (a second steward's accept waits, then plans on the first one's
result), refuse a file for another dataset's indicators or one that would disclose a suppressed figure,
and apply unless this is a dry run or there is nothing to change.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from stoke_opendata.errors import InputError, InvalidDataError, UsageError


@dataclass
class AcceptResult:
    report: object  # problems.Report of the validation
    plan: object | None = None  # plan.Plan, when validation passed
    applied: bool = False
    written: dict | None = None
    revisions: int = 0
    requires: list | None = None  # what the real run needs that was not given (a dry run says so before it fails)

    @property
    def exit_code(self) -> int:
        return self.report.exit_code if self.plan is None else 0


def steward(by: str | None) -> str | None:
    return (by or os.environ.get("STOKE_OPENDATA_STEWARD") or "").strip() or None


def requirements(plan, who: str | None, reason: str | None) -> list[str]:
    """What a real accept of `plan` needs that is not given: a revision needs who and why, both at once."""
    if not plan.revised.height:
        return []
    needed = []
    if not who:
        needed.append("--by NAME (or STOKE_OPENDATA_STEWARD)")
    if not (reason or "").strip():
        needed.append("--reason TEXT")
    return needed


def _indicators_of(folder: Path) -> set[str]:
    """Indicator ids a dataset holds (its observations and targets), read as one column with polars: a
    million-row dataset costs a fraction of a second, not a million dicts."""
    import polars as pl

    from stoke_opendata.catalogue.package_model import read_datapackage

    ids: set[str] = set()
    for resource in read_datapackage(folder).resources:
        if resource.raw.get("name") in ("observations", "targets") and isinstance(resource.path, str):
            path = resource.file()  # the model's guard: a path out of the dataset's folder is refused
            if path.is_file():
                column = pl.read_csv(path, columns=["indicator_id"], infer_schema=False)["indicator_id"]
                ids |= set(column.drop_nulls().unique().to_list())
    return ids


def _owners(exclude: str) -> dict[str, str]:
    from stoke_opendata.catalogue.datasets import dataset_dir, list_datasets

    owners = {}
    for name in list_datasets():
        if name != exclude:
            try:
                for indicator_id in sorted(_indicators_of(dataset_dir(name))):
                    owners.setdefault(indicator_id, name)
            except (InputError, UsageError, OSError):
                continue
    return owners


def accept(files, into: str, *, sheet=None, dry_run=False, by=None, reason=None, now: datetime | None = None,
           progress=None) -> AcceptResult:
    import polars as pl

    from stoke_opendata.accept import apply as applying
    from stoke_opendata.accept import plan as planning
    from stoke_opendata.accept import provenance as prov
    from stoke_opendata.accept import revisions as rev
    from stoke_opendata.accept.lock import dataset_lock
    from stoke_opendata.catalogue.datasets import dataset_dir
    from stoke_opendata.catalogue.definitions import load_catalogue
    from stoke_opendata.catalogue.package_model import read_datapackage
    from stoke_opendata.hashing import sha256_file
    from stoke_opendata.validate.validator import load_schema, validate_paths

    folder = dataset_dir(into)  # an unknown dataset: UsageError naming the known ones
    if not (folder / "observations.csv").is_file():
        raise UsageError(f"dataset {into!r} holds no observations table to accept figures into")
    if not files:
        raise UsageError("give at least one file to accept")
    tables: list = []
    report = validate_paths(list(files), sheet=sheet, keep_tables=tables)
    if not report.valid:
        return AcceptResult(report)
    schema, _label = load_schema("observations")
    fields = [f["name"] for f in schema["fields"]]
    shown = [str(f) for f in files]
    frames = []
    if len(tables) != len(files):  # a data package among the files: accept takes tables, not packages
        raise UsageError("accept takes CSV or XLSX files of observations, not data packages")
    for index, table in enumerate(tables):
        frames.append(planning.submission_frame(table, fields, index))
    submission = pl.concat(frames, how="vertical") if len(frames) > 1 else frames[0]
    if len(frames) > 1:
        dupes = submission.filter(pl.struct(planning.KEY).is_duplicated()).head(1)
        if dupes.height:
            row = dupes.row(0, named=True)
            raise InvalidDataError(
                f"{row['indicator_id']}/{row['area_code']}/{row['period']} is given by more than one file; submit each figure once",
                where=f"{shown[row['_file']]}: row {row['_row']}")
    sources = {i: (Path(p).name, sha256_file(Path(p))) for i, p in enumerate(files)}

    with dataset_lock(folder):
        allowed = _indicators_of(folder)
        stray = set(submission["indicator_id"].unique().to_list()) - allowed
        planning.check_indicators(submission, allowed, into, shown, _owners(into) if stray else {})
        existing = planning.read_observations(folder / "observations.csv")
        plan = planning.make_plan(into, existing, submission, shown)
        planning.check_disclosure(plan, load_catalogue(), shown)
        who = steward(by)
        result = AcceptResult(report, plan, requires=requirements(plan, who, reason))
        if dry_run or plan.changes == 0:
            return result
        if result.requires:
            raise UsageError(f"{plan.revised.height} value(s) would be revised: say who is accepting and why, with {' and '.join(result.requires)}")
        when = (now or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
        new_revisions = rev.new_rows(plan.revised, when=when, who=who or "", why=(reason or "").strip(),
                                     sources=sources, already=applying.read_revisions(folder))
        trace = prov.new_rows(plan, when=when, who=prov.who_accepts(who), why=(reason or "").strip(), sources=sources)
        descriptor = read_datapackage(folder).descriptor
        result.written = applying.apply_plan(plan, folder, new_revisions, descriptor, trace)
        result.applied = True
        result.revisions = new_revisions.height
    return result

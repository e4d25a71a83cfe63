"""Apply an accept plan to a dataset folder: all or nothing as far as a crash or a full disk can tell.

Every new file (revisions.csv, datapackage.json when the revisions resource is new, observations.csv) is
staged in one safety.atomic.FileSet: written in full beside its target and synced; only when all of them are
on disk are they renamed into place, revisions first and observations last, and the folder is synced. What a
killed earlier run left (temporary files) is removed first: this runs under the dataset's lock. A failure while writing (ENOSPC, EACCES, a kill) leaves the dataset's files
exactly as they were and removes the temporary files. A kill between two replaces can only leave revisions
recorded for observations not yet replaced; running the same accept again then records nothing twice
(revisions.new_rows skips a revision already recorded) and completes the observations.
"""

from __future__ import annotations

import errno
import json
from pathlib import Path

from stoke_opendata.accept import revisions as rev
from stoke_opendata.errors import StokeError
from stoke_opendata.safety.atomic import FileSet, clean_stale

DESCRIPTOR = "datapackage.json"


class WriteError(StokeError):
    """The dataset folder could not be written (exit 2); nothing was changed."""


def _write_csv(frame, path: Path) -> None:
    frame.write_csv(path, include_header=True, line_terminator="\n", quote_style="necessary")


def _write_json(data: dict, path: Path) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2, ensure_ascii=False)
        fh.write("\n")


def read_revisions(folder: Path):
    import polars as pl

    path = folder / rev.FILE_NAME
    if not path.is_file():
        return pl.DataFrame({name: [] for name in rev.FIELDS}, schema={name: pl.String for name in rev.FIELDS})
    frame = pl.read_csv(path, infer_schema=False)
    # a table written before old_source and old_notes were kept: those cells are blank
    return frame.with_columns(pl.lit(None, pl.String).alias(c) for c in rev.FIELDS if c not in frame.columns)


def _append_table(files: FileSet, folder: Path, name: str, fields, rows, resource: dict, descriptor: dict) -> dict:
    """Stage `folder/name` extended by `rows` (append-only), and the descriptor with `resource` if it lacks it."""
    import polars as pl

    target = folder / name
    if target.is_file():
        old = pl.read_csv(target, infer_schema=False)
        old = old.with_columns(pl.lit(None, pl.String).alias(c) for c in fields if c not in old.columns).select(fields)
        rows = pl.concat([old, rows.select(fields)], how="vertical_relaxed")
    _write_csv(rows.select(fields), files.stage(name))
    resources = descriptor.get("resources") or []
    if not any(isinstance(r, dict) and r.get("name") == resource["name"] for r in resources):
        descriptor = dict(descriptor, resources=[*resources, dict(resource)])
    return descriptor


def apply_plan(plan, folder: Path, new_revisions, descriptor: dict, provenance_rows=None) -> dict[str, str]:
    """Write the plan's observations, the extended revisions table and the provenance of every added or
    revised row into `folder`; returns what was replaced (file name -> what). Raises WriteError (nothing
    changed) when the folder cannot be written."""
    from stoke_opendata.accept import provenance as prov

    folder = Path(folder)
    files = FileSet(folder)
    try:
        # under the dataset's lock no other accept is writing here: what a killed run left can go
        clean_stale(folder, [rev.FILE_NAME, prov.FILE_NAME, DESCRIPTOR, "observations.csv"], locked=True)
        updated = descriptor
        if new_revisions.height:
            updated = _append_table(files, folder, rev.FILE_NAME, rev.FIELDS, new_revisions, rev.RESOURCE, updated)
        if provenance_rows is not None and provenance_rows.height:
            updated = _append_table(files, folder, prov.FILE_NAME, prov.FIELDS, provenance_rows, prov.RESOURCE, updated)
        if updated is not descriptor:
            _write_json(updated, files.stage(DESCRIPTOR))
        _write_csv(plan.merged, files.stage("observations.csv"))
        return {name: "replaced" for name in files.commit()}
    except OSError as exc:
        files.discard()
        cause = {errno.ENOSPC: "the disk is full", errno.EACCES: "permission denied", errno.EROFS: "read-only file system",
                 errno.EPERM: "operation not permitted"}.get(exc.errno, exc.strerror or str(exc))
        raise WriteError(f"cannot write the dataset ({cause}); nothing was changed", where=str(folder)) from None

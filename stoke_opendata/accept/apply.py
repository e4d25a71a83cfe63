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
    return pl.read_csv(path, infer_schema=False)


def apply_plan(plan, folder: Path, new_revisions, descriptor: dict) -> dict[str, str]:
    """Write the plan's observations and the extended revisions table into `folder`; returns what was
    replaced (file name -> what). Raises WriteError (nothing changed) when the folder cannot be written."""
    import polars as pl

    folder = Path(folder)
    files = FileSet(folder)
    try:
        # under the dataset's lock no other accept is writing here: what a killed run left can go
        clean_stale(folder, [rev.FILE_NAME, DESCRIPTOR, "observations.csv"], locked=True)
        if new_revisions.height:
            old = read_revisions(folder)
            _write_csv(pl.concat([old.select(rev.FIELDS), new_revisions], how="vertical_relaxed"),
                       files.stage(rev.FILE_NAME))
            resources = descriptor.get("resources") or []
            if not any(isinstance(r, dict) and r.get("name") == "revisions" for r in resources):
                updated = dict(descriptor, resources=[*resources, dict(rev.RESOURCE)])
                _write_json(updated, files.stage(DESCRIPTOR))
        _write_csv(plan.merged, files.stage("observations.csv"))
        return {name: "replaced" for name in files.commit()}
    except OSError as exc:
        files.discard()
        cause = {errno.ENOSPC: "the disk is full", errno.EACCES: "permission denied", errno.EROFS: "read-only file system",
                 errno.EPERM: "operation not permitted"}.get(exc.errno, exc.strerror or str(exc))
        raise WriteError(f"cannot write the dataset ({cause}); nothing was changed", where=str(folder)) from None

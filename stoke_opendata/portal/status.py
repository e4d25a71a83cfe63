"""Does the portal still match the record? For the operator's `stoke-opendata status`.

The record is the built packages the last release published (its --out folder). For each one, the portal's
dataset is compared three ways, each the portal's own answer, not a field we wrote: the publish plan
(plan.py, the same rule set publish uses: a dataset that would be changed by publishing is not as
released), the bytes of every file fetched back and hashed (a file replaced through CKAN's web form keeps
our recorded sha256 field but not our bytes), and the DataStore's row count against the CSV's rows. Any
difference is drift; the CLI exits 1 on it, so a timer can alert.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from stoke_opendata.portal.local_package import CREATED_BY, DESCRIPTOR, LocalPackage


@dataclass
class DatasetStatus:
    name: str
    state: str  # in-step | drift | not-published
    problems: list[str] = field(default_factory=list)
    files: int = 0
    rows: dict[str, tuple[int, int | None]] = field(default_factory=dict)  # path -> (ours, DataStore's)
    modified: str | None = None  # the portal's metadata_modified
    stale: dict[str, str] = field(default_factory=dict)  # resource id -> the owned field a repair resets

    def to_dict(self) -> dict:
        return {"name": self.name, "state": self.state, "problems": self.problems, "files": self.files,
                "rows": {p: {"package": a, "datastore": b} for p, (a, b) in self.rows.items()},
                "portal_modified": self.modified}


def _rows(local) -> int:
    from stoke_opendata.portal.datastore import read_records

    return sum(1 for _ in read_records(local))


def dataset_status(client, package: LocalPackage) -> DatasetStatus:
    """Compare one built package with the portal's dataset of that name (requests through `client`)."""
    from stoke_opendata.portal.client import PortalAuthError, PortalNotFound
    from stoke_opendata.portal.plan import plan_dataset

    try:
        remote = client.action("package_show", id=package.name)
    except (PortalNotFound, PortalAuthError):
        return DatasetStatus(package.name, "not-published", ["not on the portal (or not visible to this token)"])
    status = DatasetStatus(package.name, "in-step", modified=remote.get("metadata_modified"))
    plan = plan_dataset(package, remote, portal=client.url)  # the same fields publish writes (access_url names the portal)
    status.problems += [f"dataset: {c}" for c in plan.changes]
    if plan.touches:
        status.problems += [f"dataset: {r}" for r in plan.touches.reasons()]
    for r in plan.resources:
        if r.action != "unchanged":
            status.problems.append(f"{r.path}: {r.action}" + (f" ({'; '.join(r.reasons)})" if r.reasons else ""))
    ours = {res.get("package_path"): res for res in remote.get("resources") or []
            if res.get("created_by") == CREATED_BY}
    with tempfile.TemporaryDirectory(prefix="stoke-status-") as tmp:
        for local in package.files:
            res = ours.get(local.path)
            if res is None or not res.get("url"):
                continue
            status.files += 1
            if local.path != DESCRIPTOR:  # the portal's descriptor differs by design (portal URLs): the plan checks it
                _size, digest = client.download(res["url"], Path(tmp) / "file")
                if digest != local.sha256:
                    status.stale[res["id"]] = "sha256"
                    status.problems.append(f"{local.path}: the portal's file is not the one released "
                                           f"(sha256 {digest[:12]}, released {local.sha256[:12]})")
            if local.tabular:
                expected = _rows(local)
                found = None
                if res.get("datastore_active"):
                    found = client.action("datastore_search", resource_id=res["id"], limit=0).get("total")
                status.rows[local.path] = (expected, found)
                if found != expected:
                    status.stale.setdefault(res["id"], "datastore_sha256")
                    status.problems.append(f"{local.path}: DataStore has {found if found is not None else 'no'} "
                                           f"rows, the package {expected}")
    if status.problems:
        status.state = "drift"
    return status


def mark_for_repair(client, status: DatasetStatus) -> int:
    """Make the next release put the released copy back: the portal's record of what we sent (the sha256 of a
    file, or of the DataStore's load) is reset on each drifted resource, so the publish plan sees it as
    changed. Publishing trusts that record to stay cheap (no download per run); this is how status, which
    did download, tells it otherwise. Needs the publishing token. Returns the resources marked."""
    for resource_id, owned_field in status.stale.items():
        client.action("resource_patch", id=resource_id, **{owned_field: "drift-seen-by-status"})
    return len(status.stale)

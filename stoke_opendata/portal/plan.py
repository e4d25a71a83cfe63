"""Planning a publication: (local package, the portal's current dataset) -> a plan saying, for the dataset
and each file, create / update / unchanged (or delete / stale). Pure: no request is made here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from stoke_opendata.portal.finishing import Finishing, finishing
from stoke_opendata.portal.datastore import datastore_mark
from stoke_opendata.portal.dcat import authority_warnings
from stoke_opendata.portal.fields import RESOURCE_KEYS, dataset_changes, resource_fields
from stoke_opendata.portal.local_package import CREATED_BY, DESCRIPTOR, LocalPackage


@dataclass
class ResourcePlan:
    path: str
    name: str
    action: str  # create | update | unchanged | delete | stale
    upload: bool = False
    datastore: bool = False
    metadata: bool = False  # owned metadata differs (changed without re-uploading)
    bytes: int = 0
    sha256: Optional[str] = None
    remote_id: Optional[str] = None
    reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"path": self.path, "name": self.name, "action": self.action, "upload": self.upload,
                "datastore": self.datastore, "bytes": self.bytes, "sha256": self.sha256,
                "id": self.remote_id, "reasons": self.reasons}


@dataclass
class DatasetPlan:
    name: str
    title: str
    action: str  # create | update | unchanged
    changes: list[str]
    resources: list[ResourcePlan]
    package: LocalPackage
    remote: Optional[dict]
    touches: Optional[Finishing] = None  # what the last step must change (None: all of it, a new dataset)
    warnings: list[str] = field(default_factory=list)  # DCAT properties left out: no authority IRI

    @property
    def upload_bytes(self) -> int:
        extra = len(self.touches.descriptor) if self.touches and self.touches.descriptor is not None else 0
        return sum(r.bytes for r in self.resources if r.upload) + extra

    @property
    def needs_revise(self) -> bool:
        """Anything to change besides (re)loading DataStore copies?"""
        return self.remote is None or bool(self.changes) or any(
            r.action in ("create", "delete") or r.upload or r.metadata for r in self.resources)

    @property
    def all_changes(self) -> list[str]:
        """Every change the publication makes to the dataset, its portal descriptor included: the text and the
        JSON plan print this one list, so they cannot disagree."""
        return self.changes + (self.touches.reasons() if self.touches else [])

    def to_dict(self) -> dict:
        changes = self.all_changes
        return {"name": self.name, "title": self.title, "action": self.action, "changes": changes,
                "upload_bytes": self.upload_bytes, "resources": [r.to_dict() for r in self.resources],
                "warnings": self.warnings}


def plan_dataset(package: LocalPackage, remote: Optional[dict], *, prune: bool = False, portal: str = "") -> DatasetPlan:
    """Compare one package with the portal's copy of its dataset (None when absent). Pure."""
    if remote is None:
        resources = [ResourcePlan(f.path, f.name, "create", upload=True, datastore=f.tabular, bytes=f.bytes,
                                  sha256=f.sha256, reasons=["new"]) for f in package.files]
        return DatasetPlan(package.name, package.title, "create", ["new dataset"], resources, package, None,
                           warnings=authority_warnings(package))

    ours = {}
    for res in remote.get("resources") or []:
        if res.get("created_by") == CREATED_BY and res.get("package_path"):
            ours.setdefault(res["package_path"], res)
    resources = []
    for local in package.files:
        res = ours.pop(local.path, None)
        if res is None:
            resources.append(ResourcePlan(local.path, local.name, "create", upload=True, datastore=local.tabular,
                                          bytes=local.bytes, sha256=local.sha256, reasons=["new file"]))
            continue
        reasons = []
        # the portal's datapackage.json differs from the local one by design (portal URLs): its content
        # is compared by finishing(), against the portal version of the local descriptor
        own_content = local.path != DESCRIPTOR
        upload = (own_content and res.get("sha256") != local.sha256) or res.get("url_type") != "upload"
        if upload:
            reasons.append("content changed (sha256)")
        want = resource_fields(local, package, portal)
        # mimetype is sent but not compared: CKAN's uploader may set its own guess from the file name
        skip = ("sha256", "mimetype") if own_content else ("sha256", "hash", "mimetype")
        meta = [k for k in RESOURCE_KEYS if k not in skip
                and str(res.get(k) or "") != str(want[k] or "")]
        if meta:
            reasons.append("metadata: " + ", ".join(meta))
        datastore = local.tabular and (upload or res.get("datastore_sha256") != datastore_mark(local.sha256)
                                       or not res.get("datastore_active"))
        if datastore and not upload:
            reasons.append("DataStore copy missing or stale")
        action = "update" if (upload or meta or datastore) else "unchanged"
        resources.append(ResourcePlan(local.path, local.name, action, upload=upload, datastore=datastore,
                                      metadata=bool(meta), bytes=local.bytes if upload else 0, sha256=local.sha256,
                                      remote_id=res["id"], reasons=reasons))
    for rel, res in ours.items():
        resources.append(ResourcePlan(rel, res.get("name") or rel, "delete" if prune else "stale",
                                      remote_id=res["id"],
                                      reasons=["no longer in the package" + ("" if prune else "; kept (use --prune)")]))

    changes = dataset_changes(package, remote)
    touches = finishing(package, remote)
    if touches and touches.descriptor is not None:  # the last step rewrites it: not "unchanged" in the plan
        for r in resources:
            if r.path == DESCRIPTOR and r.action == "unchanged":
                r.action = "update"
                r.reasons.append("portal URLs rewritten in the last step")
    busy = changes or touches or any(r.action in ("create", "update", "delete") for r in resources)
    return DatasetPlan(package.name, package.title, "update" if busy else "unchanged", changes, resources,
                       package, remote, touches, authority_warnings(package))


@dataclass
class Plan:
    portal: str
    datasets: list[DatasetPlan]
    prune: bool = False
    # a dry run's check of the API token: {"ok": bool, "message": str} (None: not checked, a real run checks it itself)
    token: Optional[dict] = None

    def summary(self) -> dict:
        count = {a: sum(1 for d in self.datasets if d.action == a) for a in ("create", "update", "unchanged")}
        return {"created": count["create"], "updated": count["update"], "unchanged": count["unchanged"],
                "upload_bytes": sum(d.upload_bytes for d in self.datasets),
                "uploads": sum(1 for d in self.datasets for r in d.resources if r.upload)}

    def to_dict(self) -> dict:
        return {"portal": self.portal, "prune": self.prune, "summary": self.summary(),
                "datasets": [d.to_dict() for d in self.datasets], "token": self.token}


@dataclass
class Outcome:
    """What one publish run did (for the summary line and --format json)."""

    datasets: list[dict] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: int = 0
    bytes_uploaded: int = 0
    files_uploaded: int = 0
    rows_loaded: int = 0
    api_calls: int = 0
    seconds: float = 0.0
    urls: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "conflicts_resolved": self.conflicts, "bytes_uploaded": self.bytes_uploaded,
                "files_uploaded": self.files_uploaded, "rows_loaded": self.rows_loaded,
                "api_calls": self.api_calls, "seconds": round(self.seconds, 3), "urls": self.urls,
                "datasets": self.datasets}


"""Publish data packages to CKAN: read a package, plan what would change, then apply the plan.

Planning is pure: (local package, the portal's current dataset) -> a Plan saying, for the dataset and
each of its files, create / update / unchanged (and delete or stale for files that left the package).
A file is unchanged when its sha256, its metadata and (for tables) the DataStore copy all match, so a
no-op republish costs one package_show per dataset and uploads nothing.

Applying is safe: a package that fails validation is refused; every change to an existing dataset goes
through one package_revise whose `match` pins `metadata_modified`, so a racing publisher makes it fail
with a conflict and this one re-plans from the new state (no lost update); only files that
stoke-opendata created are ever deleted, and only with prune. Each step can be repeated, so a rerun
after a failure converges without duplicates.
"""

from __future__ import annotations

import csv
import hashlib
import json
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional

from stoke_opendata.errors import InputError, InvalidDataError, PortalError

CREATED_BY = "stoke-opendata"
DESCRIPTOR = "datapackage.json"
DATASTORE_CHUNK = 5000  # rows per datastore_create / datastore_upsert call
MAX_ATTEMPTS = 3  # plan+apply rounds per dataset when a racing publisher wins a round
AWAIT_OTHER_PUBLISHER = 120.0  # seconds to wait for a racing publisher's DataStore loads before doing them

# Table Schema type -> PostgreSQL type for the DataStore
DATASTORE_TYPES = {
    "integer": "int",
    "number": "numeric",
    "boolean": "bool",
    "date": "date",
    "datetime": "timestamp",
}
# SPDX-style licence ids -> the ids a portal may use for the same licence (first one found wins)
LICENCE_ALIASES = {
    "OGL-UK-3.0": ("uk-ogl", "OGL-UK-3.0", "ogl-uk-3.0", "OGL-3.0"),
    "CC-BY-4.0": ("cc-by", "CC-BY-4.0", "cc-by-4.0"),
    "CC0-1.0": ("cc-zero", "CC0-1.0", "cc0-1.0"),
    "ODC-BY-1.0": ("odc-by", "ODC-BY-1.0"),
    "ODbL-1.0": ("odc-odbl", "ODbL-1.0"),
    "PDDL-1.0": ("odc-pddl", "PDDL-1.0"),
}
# fields stoke-opendata owns on each CKAN resource
RESOURCE_KEYS = ("name", "description", "format", "mimetype", "sha256", "package_path", "created_by")
DATASET_KEYS = ("title", "notes", "version", "license_id", "maintainer", "maintainer_email", "private")


# =============================================================================== the local package


@dataclass
class LocalFile:
    """One file of a package as it will appear on the portal (a CKAN resource)."""

    path: str  # relative to the package folder, '/'-separated; the resource's identity
    file: Path
    name: str
    description: str
    format: str
    mediatype: str
    bytes: int
    sha256: str
    schema: Optional[dict] = None  # Table Schema for tabular data (loaded into the DataStore)
    encoding: str = "utf-8"

    @property
    def tabular(self) -> bool:
        return bool(self.schema) and self.format.lower() == "csv"


@dataclass
class LocalPackage:
    """A built data package folder and the CKAN dataset it becomes."""

    directory: Path
    descriptor: dict
    name: str
    title: str
    notes: str
    version: str
    licence: str
    keywords: list[str]
    organisation: dict  # {"name", "title"}
    groups: list[str]
    maintainer: str
    maintainer_email: str
    extras: dict[str, str]
    files: list[LocalFile]

    @property
    def total_bytes(self) -> int:
        return sum(f.bytes for f in self.files)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _inside(directory: Path, rel: str, where: str) -> Path:
    if not isinstance(rel, str) or not rel or rel.startswith("/") or "\\" in rel or ".." in rel.split("/"):
        raise InvalidDataError(f"resource path {rel!r} must be a relative path inside the package", where=where)
    path = (directory / rel).resolve()
    if directory.resolve() not in path.parents:
        raise InvalidDataError(f"resource path {rel!r} leaves the package folder", where=where)
    return path


def _publish_info(descriptor: dict, where: str) -> dict:
    """Where the dataset goes: the descriptor's `ckan` block (written by `stoke-opendata package`), else
    the publish/ manifest of the same name."""
    block = descriptor.get("ckan")
    if isinstance(block, dict) and block.get("organization"):
        return block
    from stoke_opendata.package.manifests import load_manifests

    try:
        manifests = {m.name: m for m in load_manifests()}
    except InputError:
        manifests = {}
    manifest = manifests.get(descriptor.get("name"))
    if manifest is None:
        raise InvalidDataError(
            "has no `ckan` block and no manifest in publish/ has its name; rebuild it with `stoke-opendata package`",
            where=where,
        )
    return {
        "organization": {"name": manifest.organisation.name, "title": manifest.organisation.title},
        "groups": list(manifest.groups),
        "maintainer": manifest.maintainer,
        "maintainer_email": manifest.maintainer_email,
        "license_id": manifest.licence,
        "extras": {"frequency": manifest.update_frequency, "spatial_coverage": manifest.spatial_coverage,
                   **manifest.extras},
    }


def read_package(directory: Path | str) -> LocalPackage:
    """Read a package folder (or its datapackage.json) and hash its files; raises on a malformed package."""
    directory = Path(directory)
    if directory.name == DESCRIPTOR:
        directory = directory.parent
    descriptor_path = directory / DESCRIPTOR
    where = str(descriptor_path)
    try:
        descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("no datapackage.json here; pass a folder built by `stoke-opendata package`",
                         where=str(directory)) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidDataError(f"not a readable JSON descriptor ({exc})", where=where) from None
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise InvalidDataError("a data package descriptor needs a list of resources", where=where)
    name = descriptor.get("name")
    if not isinstance(name, str) or not name:
        raise InvalidDataError("the package has no name", where=f"{where}: name")
    info = _publish_info(descriptor, where)
    licences = descriptor.get("licenses") or []
    licence = info.get("license_id") or (licences[0].get("name") if licences else "") or "notspecified"

    files: list[LocalFile] = []
    for i, res in enumerate(descriptor["resources"]):
        rwhere = f"{where}: resources[{i}]"
        if not isinstance(res, dict):
            raise InvalidDataError("a resource must be an object", where=rwhere)
        rel = res.get("path")
        path = _inside(directory, rel, rwhere)
        if not path.is_file():
            raise InvalidDataError(f"the file {rel} is missing", where=rwhere)
        fmt = str(res.get("format") or Path(rel).suffix.lstrip(".")).lower()
        files.append(LocalFile(
            path=rel, file=path, name=str(res.get("title") or res.get("name") or rel),
            description=str(res.get("description") or ""), format=fmt.upper(),
            mediatype=str(res.get("mediatype") or "application/octet-stream"),
            bytes=path.stat().st_size, sha256=sha256_file(path),
            schema=res.get("schema") if isinstance(res.get("schema"), dict) else None,
            encoding=str(res.get("encoding") or "utf-8"),
        ))
    extra_files = [(DESCRIPTOR, "Data package descriptor (Frictionless): the files, their sha256 and their "
                                "Table Schemas", "JSON", "application/json")]
    if (directory / "README.md").is_file():
        extra_files.append(("README.md", "What the package holds and how it was made", "Markdown", "text/markdown"))
    for rel, description, fmt, mediatype in extra_files:
        path = directory / rel
        files.append(LocalFile(path=rel, file=path, name=rel, description=description, format=fmt,
                               mediatype=mediatype, bytes=path.stat().st_size, sha256=sha256_file(path)))
    paths = [f.path for f in files]
    dupes = sorted({p for p in paths if paths.count(p) > 1})
    if dupes:
        raise InvalidDataError(f"two resources share the path {dupes[0]}", where=where)

    org = info.get("organization") or {}
    extras = {str(k): str(v) for k, v in (info.get("extras") or {}).items() if v not in (None, "")}
    return LocalPackage(
        directory=directory, descriptor=descriptor, name=str(info.get("name") or name),
        title=str(descriptor.get("title") or name), notes=str(descriptor.get("description") or ""),
        version=str(descriptor.get("version") or ""), licence=str(licence),
        keywords=[str(k) for k in descriptor.get("keywords") or []],
        organisation={"name": str(org.get("name")), "title": str(org.get("title") or org.get("name"))},
        groups=[str(g) for g in info.get("groups") or []],
        maintainer=str(info.get("maintainer") or ""), maintainer_email=str(info.get("maintainer_email") or ""),
        extras=extras, files=files,
    )


# =============================================================================== validation gate


def check_package(package: LocalPackage) -> None:
    """Refuse (InvalidDataError, exit 1) a package whose files do not match their descriptor or whose data
    fails validation: the shared validator when present, frictionless otherwise."""
    where = str(package.directory / DESCRIPTOR)
    for i, res in enumerate(package.descriptor["resources"]):
        local = next(f for f in package.files if f.path == res.get("path"))
        declared = str(res.get("hash") or "")
        if declared:
            algo, _, hexdigest = declared.rpartition(":")
            if (algo or "md5") != "sha256":
                raise InvalidDataError(f"{local.path}: hash must be sha256:<hex>, not {declared!r}",
                                       where=f"{where}: resources[{i}]")
            if hexdigest.lower() != local.sha256:
                raise InvalidDataError(f"{local.path}: the file's sha256 does not match the descriptor's hash "
                                       "(the file changed after packaging)", where=f"{where}: resources[{i}]")
        if "bytes" in res and res["bytes"] != local.bytes:
            raise InvalidDataError(f"{local.path}: {local.bytes} bytes, the descriptor says {res['bytes']}",
                                   where=f"{where}: resources[{i}]")
    problems = _validate_data(package)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise InvalidDataError(f"refused: the package fails validation: {problems[0]}{more}", where=where)


def _validate_data(package: LocalPackage) -> list[str]:
    """Error lines from the project's validator (stoke_opendata.validate.validator) over the package's tables.

    The validator reads tables only, so it is given a copy of the descriptor without the non-tabular
    resources (charts), written beside the original for the relative paths and removed afterwards.
    """
    import os
    import tempfile

    from stoke_opendata.validate import validator as validation

    descriptor = dict(package.descriptor)
    descriptor["resources"] = [r for r in descriptor["resources"] if isinstance(r.get("schema"), (dict, str))]
    if not descriptor["resources"]:
        return []
    try:
        fd, tmp = tempfile.mkstemp(prefix=".stoke-validate-", suffix=".json", dir=package.directory)
    except OSError as exc:
        raise InputError(f"cannot write a temporary descriptor for validation here ({exc.strerror}); "
                         "copy the package to a writable folder", where=str(package.directory)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(descriptor, fh)
        report = validation.validate_package(tmp, history=False)
    finally:
        os.unlink(tmp)
    out = []
    for problem in report.errors:
        text = " ".join(str(getattr(problem, "message", problem)).split())
        file = str(getattr(problem, "file", "") or "")
        where = ":".join(str(x) for x in (Path(file).name if file else None, getattr(problem, "row", None),
                                           getattr(problem, "column", None)) if x)
        out.append(f"{where}: {text}" if where else text)
    return out


# =============================================================================== desired state


def resolve_licence(licence: str, portal_ids: Optional[Iterable[str]]) -> str:
    """The portal's own id for a licence (OGL-UK-3.0 -> uk-ogl on a stock CKAN)."""
    candidates = LICENCE_ALIASES.get(licence, (licence,))
    if portal_ids is None:
        return candidates[0]
    ids = list(portal_ids)
    lower = {i.lower(): i for i in ids}
    for candidate in candidates:
        if candidate in ids:
            return candidate
        if candidate.lower() in lower:
            return lower[candidate.lower()]
    return licence


def licence_matches(licence: str, remote_id: Optional[str]) -> bool:
    return bool(remote_id) and remote_id.lower() in {c.lower() for c in LICENCE_ALIASES.get(licence, (licence,))}


def _tag(keyword: str) -> str:
    allowed = "".join(c if (c.isalnum() or c in " -_.") else " " for c in keyword)
    return " ".join(allowed.split())[:100]


def dataset_fields(package: LocalPackage, licence_id: str, remote: Optional[dict] = None) -> dict:
    """The dataset-level fields stoke-opendata sets (keeps other publishers' extras on the portal)."""
    extras = {}
    if remote:
        extras.update({e["key"]: e["value"] for e in remote.get("extras") or []})
    extras.update(package.extras)
    return {
        "name": package.name,
        "title": package.title,
        "notes": package.notes,
        "version": package.version,
        "license_id": licence_id,
        "maintainer": package.maintainer,
        "maintainer_email": package.maintainer_email,
        "private": False,
        "owner_org": package.organisation["name"],
        "tags": [{"name": t} for t in sorted({_tag(k) for k in package.keywords if _tag(k)})],
        "groups": [{"name": g} for g in sorted(set(package.groups))],
        "extras": [{"key": k, "value": v} for k, v in sorted(extras.items())],
    }


def resource_fields(local: LocalFile) -> dict:
    return {
        "name": local.name,
        "description": local.description,
        "format": local.format,
        "mimetype": local.mediatype,
        "sha256": local.sha256,
        "package_path": local.path,
        "created_by": CREATED_BY,
    }


def dataset_changes(package: LocalPackage, remote: dict) -> list[str]:
    """Names of the dataset-level fields whose portal value differs from the package's."""
    want = dataset_fields(package, remote.get("license_id") or "", remote)
    changes = []
    for key in DATASET_KEYS:
        if key == "license_id":
            if not licence_matches(package.licence, remote.get("license_id")):
                changes.append(key)
            continue
        if (remote.get(key) or "") != (want[key] or "") and not (key == "private" and remote.get(key) is False):
            changes.append(key)
    org = (remote.get("organization") or {}).get("name")
    if org != package.organisation["name"]:
        changes.append("organization")
    if sorted(t["name"] for t in remote.get("tags") or []) != [t["name"] for t in want["tags"]]:
        changes.append("tags")
    if sorted(g["name"] for g in remote.get("groups") or []) != [g["name"] for g in want["groups"]]:
        changes.append("groups")
    remote_extras = {e["key"]: e["value"] for e in remote.get("extras") or []}
    if any(remote_extras.get(k) != v for k, v in package.extras.items()):
        changes.append("extras")
    return changes


# =============================================================================== the plan


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
    schema_link: bool = True  # the `schema` extra must (re)point at the datapackage.json resource

    @property
    def upload_bytes(self) -> int:
        return sum(r.bytes for r in self.resources if r.upload)

    @property
    def needs_revise(self) -> bool:
        """Anything to change besides (re)loading DataStore copies?"""
        return self.remote is None or bool(self.changes) or any(
            r.action in ("create", "delete") or r.upload or r.metadata for r in self.resources)

    def to_dict(self) -> dict:
        changes = self.changes + (["extras: schema link"] if self.schema_link and self.remote else [])
        return {"name": self.name, "title": self.title, "action": self.action, "changes": changes,
                "upload_bytes": self.upload_bytes, "resources": [r.to_dict() for r in self.resources]}


def plan_dataset(package: LocalPackage, remote: Optional[dict], *, prune: bool = False) -> DatasetPlan:
    """Compare one package with the portal's copy of its dataset (None when absent). Pure."""
    if remote is None:
        resources = [ResourcePlan(f.path, f.name, "create", upload=True, datastore=f.tabular, bytes=f.bytes,
                                  sha256=f.sha256, reasons=["new"]) for f in package.files]
        return DatasetPlan(package.name, package.title, "create", ["new dataset"], resources, package, None)

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
        upload = res.get("sha256") != local.sha256 or res.get("url_type") != "upload"
        if upload:
            reasons.append("content changed (sha256)")
        want = resource_fields(local)
        # mimetype is sent but not compared: CKAN's uploader may set its own guess from the file name
        meta = [k for k in RESOURCE_KEYS if k not in ("sha256", "mimetype")
                and str(res.get(k) or "") != str(want[k] or "")]
        if meta:
            reasons.append("metadata: " + ", ".join(meta))
        datastore = local.tabular and (upload or res.get("datastore_sha256") != local.sha256
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
    descriptor = next((r for r in remote.get("resources") or [] if r.get("package_path") == DESCRIPTOR
                       and r.get("created_by") == CREATED_BY), None)
    extras = {e["key"]: e["value"] for e in remote.get("extras") or []}
    schema_link = descriptor is None or extras.get("schema") != descriptor.get("url")
    busy = changes or schema_link or any(r.action in ("create", "update", "delete") for r in resources)
    return DatasetPlan(package.name, package.title, "update" if busy else "unchanged", changes, resources,
                       package, remote, schema_link)


@dataclass
class Plan:
    portal: str
    datasets: list[DatasetPlan]
    prune: bool = False

    def summary(self) -> dict:
        count = {a: sum(1 for d in self.datasets if d.action == a) for a in ("create", "update", "unchanged")}
        return {"created": count["create"], "updated": count["update"], "unchanged": count["unchanged"],
                "upload_bytes": sum(d.upload_bytes for d in self.datasets),
                "uploads": sum(1 for d in self.datasets for r in d.resources if r.upload)}

    def to_dict(self) -> dict:
        return {"portal": self.portal, "prune": self.prune, "summary": self.summary(),
                "datasets": [d.to_dict() for d in self.datasets]}


# =============================================================================== applying


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


class Publisher:
    """Plans and applies publications through one PortalClient."""

    def __init__(self, client: Any, *, prune: bool = False, progress: bool = True,
                 log: Callable[[str], None] = lambda s: None):
        self.client = client
        self.prune = prune
        self.progress = progress
        self.log = log
        self._licence_ids: Optional[list[str]] = None
        self._org_ids: dict[str, str] = {}
        self._groups_ready: set[str] = set()
        self._token_checked = False
        self.run_id = uuid.uuid4().hex[:16]  # marks the files this run wrote (publish_run on the resource)
        self._started = time.perf_counter()
        self._calls0 = client.calls
        self._bytes0 = client.bytes_uploaded

    # ------------------------------------------------------------ reading the portal

    def show(self, name: str) -> Optional[dict]:
        from stoke_opendata.portal.client import PortalNotFound

        try:
            return self.client.action("package_show", id=name)
        except PortalNotFound:
            return None

    def plan(self, packages: list[LocalPackage]) -> Plan:
        return Plan(self.client.url, [plan_dataset(p, self.show(p.name), prune=self.prune) for p in packages],
                    self.prune)

    def check_token(self, organisations: Iterable[str]) -> None:
        """One call: the token is valid and may create datasets in each organisation (creating missing ones)."""
        from stoke_opendata.errors import PortalError as _PortalError
        from stoke_opendata.portal.client import PortalNotFound

        if self._token_checked:
            return
        if not self.client.settings.token:
            raise _PortalError("publishing needs an API token: set CKAN_API_TOKEN (or api_token in the config "
                               "file); it is never taken from the command line")
        listed = self.client.action("organization_list_for_user", permission="create_dataset")
        self._org_ids.update({o["name"]: o["id"] for o in listed})
        for org in organisations:
            if org in self._org_ids:
                continue
            try:
                self.client.action("organization_show", id=org, include_datasets=False)
            except PortalNotFound:
                continue  # ensure_organisation creates it (and a bad token fails there with HTTP 403)
            raise _PortalError(
                f"the portal refused the API token: it is not valid, or its user may not create datasets in "
                f"the organisation {org!r}; check CKAN_API_TOKEN"
            )
        self._token_checked = True

    def licence_id(self, licence: str) -> str:
        if self._licence_ids is None:
            self._licence_ids = [entry["id"] for entry in self.client.action("license_list")]
        return resolve_licence(licence, self._licence_ids)

    def ensure_organisation(self, org: dict) -> None:
        if org["name"] in self._org_ids:
            return
        from stoke_opendata.portal.client import PortalValidationError

        try:
            made = self.client.action("organization_create", name=org["name"], title=org["title"])
            self.log(f"created organisation {org['name']}")
        except PortalValidationError:  # created meanwhile by another publisher
            made = self.client.action("organization_show", id=org["name"], include_datasets=False)
        self._org_ids[org["name"]] = made["id"]

    def ensure_groups(self, groups: Iterable[str]) -> None:
        from stoke_opendata.portal.client import PortalValidationError

        wanted = [g for g in groups if g not in self._groups_ready]
        if not wanted:
            return
        existing = set(self.client.action("group_list", groups=wanted, all_fields=False))
        for group in wanted:
            if group not in existing:
                try:
                    self.client.action("group_create", name=group, title=group.replace("-", " ").capitalize())
                    self.log(f"created group {group}")
                except PortalValidationError:
                    pass  # created meanwhile
            self._groups_ready.add(group)

    # ------------------------------------------------------------ applying

    def apply(self, plan: Plan) -> Outcome:
        outcome = Outcome()
        # one call even when nothing changed: a job with an expired token must hear about it
        self.check_token({d.package.organisation["name"] for d in plan.datasets})
        for dataset in plan.datasets:
            final = dataset if dataset.action == "unchanged" else self._apply_dataset(dataset, outcome)
            counter = {"create": "created", "update": "updated", "unchanged": "unchanged"}[dataset.action]
            setattr(outcome, counter, getattr(outcome, counter) + 1)
            outcome.datasets.append({**dataset.to_dict(), "applied": final.action})
            outcome.urls[dataset.name] = f"{self.client.url}/dataset/{dataset.name}"
        # counted from the Publisher's creation: planning and applying together
        outcome.api_calls = self.client.calls - self._calls0
        outcome.bytes_uploaded = self.client.bytes_uploaded - self._bytes0
        outcome.seconds = time.perf_counter() - self._started
        return outcome

    def _apply_dataset(self, dataset: DatasetPlan, outcome: Outcome) -> DatasetPlan:
        from stoke_opendata.portal.client import PortalValidationError

        for attempt in range(MAX_ATTEMPTS):
            try:
                self._apply_once(dataset, outcome)
                return dataset
            except PortalValidationError as exc:
                if not (exc.is_match_conflict or _name_taken(exc)):
                    raise
                outcome.conflicts += 1
                self.log(f"{dataset.name}: another publisher changed it meanwhile; planning again")
                dataset = plan_dataset(dataset.package, self.show(dataset.name), prune=self.prune)
                if dataset.action != "unchanged" and not dataset.needs_revise and not self._wrote_last(dataset):
                    # another publisher uploaded the same files and is loading the DataStore: let it finish
                    dataset = self._await_datastore(dataset)
                if dataset.action == "unchanged":
                    return dataset
        raise PortalError(f"{dataset.name}: the dataset kept changing on the portal while publishing "
                          f"({MAX_ATTEMPTS} attempts); run publish again")

    def _wrote_last(self, dataset: DatasetPlan) -> bool:
        """True when the files still waiting for their DataStore copy were written by this run (its own
        revise landed although the answer was lost), so there is nobody else to wait for."""
        runs = {r.get("id"): r.get("publish_run") for r in (dataset.remote or {}).get("resources") or []}
        waiting = [rp for rp in dataset.resources if rp.datastore]
        return bool(waiting) and all(runs.get(rp.remote_id) == self.run_id for rp in waiting)

    def _await_datastore(self, dataset: DatasetPlan) -> DatasetPlan:
        """Poll (bounded) until a racing publisher's DataStore loads are recorded; returns the last plan."""
        deadline = time.monotonic() + AWAIT_OTHER_PUBLISHER
        while time.monotonic() < deadline:
            time.sleep(1.0)
            dataset = plan_dataset(dataset.package, self.show(dataset.name), prune=self.prune)
            if dataset.action == "unchanged" or dataset.needs_revise:
                break
        return dataset

    def _revise(self, dataset: DatasetPlan, outcome: Outcome) -> dict:
        """Create the dataset if needed, then one package_revise pinned to metadata_modified: metadata,
        new and changed files (streamed in one multipart body) and pruned files."""
        package = dataset.package
        by_path = {f.path: f for f in package.files}
        self.ensure_organisation(package.organisation)
        self.ensure_groups(package.groups)
        licence_id = self.licence_id(package.licence)
        remote = dataset.remote
        if remote is None:
            fields = dataset_fields(package, licence_id)
            fields["owner_org"] = self._org_ids.get(package.organisation["name"], package.organisation["name"])
            remote = self.client.action("package_create", **fields)
            self.log(f"{package.name}: created dataset")

        fields: dict[str, Any] = {"match": {"id": remote["id"], "metadata_modified": remote["metadata_modified"]}}
        desired = dataset_fields(package, licence_id, remote)
        desired["owner_org"] = self._org_ids.get(package.organisation["name"], package.organisation["name"])
        desired.pop("name")
        fields["filter"] = ["-tags", "-groups", "-extras"]
        deleted = [r.remote_id for r in dataset.resources if r.action == "delete"]
        fields["filter"] += [f"-resources__{rid}" for rid in deleted]
        fields["update"] = desired
        files: dict[str, tuple[str, Path, str]] = {}
        remaining = len(remote.get("resources") or []) - len(deleted)
        new = []
        for rp in dataset.resources:
            local = by_path.get(rp.path)
            if rp.action == "create":
                files[f"update__resources__{remaining + len(new)}__upload"] = (
                    Path(local.path).name, local.file, local.mediatype)
                new.append({**resource_fields(local), "url": "", "url_type": "upload", "publish_run": self.run_id})
            elif rp.action == "update" and (rp.upload or rp.metadata):
                fields[f"update__resources__{rp.remote_id}"] = {**resource_fields(local), "url_type": "upload",
                                                                 "publish_run": self.run_id}
                if rp.upload:
                    files[f"update__resources__{rp.remote_id}__upload"] = (
                        Path(local.path).name, local.file, local.mediatype)
        if new:
            fields["update__resources__extend"] = new

        total = sum(Path(p).stat().st_size for _n, p, _m in files.values())
        with _bar(self.progress, total, f"upload {package.name}", "B") as bar:
            if files:
                result = self.client.upload("package_revise", fields, files, progress=bar.update)
            else:
                result = self.client.action("package_revise", **fields)
        outcome.files_uploaded += len(files)
        revised = result["package"] if "package" in result else result
        self.log(f"{package.name}: revised ({len(files)} file(s) uploaded)")
        return revised

    def _apply_once(self, dataset: DatasetPlan, outcome: Outcome) -> None:
        package = dataset.package
        by_path = {f.path: f for f in package.files}
        revised = dataset.remote
        if dataset.needs_revise:
            revised = self._revise(dataset, outcome)
        assert revised is not None
        remote = revised
        # the DataStore copies, then one revise recording what was loaded and the schema link
        resources = {r.get("package_path"): r for r in revised.get("resources") or []
                     if r.get("created_by") == CREATED_BY}
        marks: dict[str, Any] = {"match": {"id": remote["id"]}}
        for rp in dataset.resources:
            if rp.datastore and rp.action in ("create", "update"):
                res = resources[rp.path]
                outcome.rows_loaded += self.load_datastore(res["id"], by_path[rp.path])
                marks[f"update__resources__{res['id']}"] = {"datastore_sha256": by_path[rp.path].sha256}
                marks[f"match__resources__{res['id']}__sha256"] = by_path[rp.path].sha256
        descriptor = resources.get(DESCRIPTOR)
        extras = {e["key"]: e["value"] for e in revised.get("extras") or []}
        if descriptor and extras.get("schema") != descriptor.get("url"):
            extras["schema"] = descriptor["url"]
            marks["filter"] = ["-extras"]
            marks["update"] = {"extras": [{"key": k, "value": v} for k, v in sorted(extras.items())]}
        if len(marks) > 1:
            self.client.action("package_revise", **marks)

    # ------------------------------------------------------------ DataStore

    def load_datastore(self, resource_id: str, local: LocalFile) -> int:
        """Replace the DataStore table of one resource with the CSV's rows, typed from its Table Schema."""
        from stoke_opendata.portal.client import PortalNotFound

        schema = local.schema or {}
        fields = datastore_fields(schema)
        primary_key = schema.get("primaryKey") or []
        if isinstance(primary_key, str):
            primary_key = [primary_key]
        try:
            self.client.action("datastore_delete", resource_id=resource_id, force=True)
        except PortalNotFound:
            pass
        rows = 0
        with _bar(self.progress, None, f"DataStore {local.path}", "rows") as bar:
            first = True
            for chunk in _chunks(read_records(local), DATASTORE_CHUNK):
                if first:
                    self.client.action("datastore_create", resource_id=resource_id, fields=fields,
                                       primary_key=primary_key, records=chunk, force=True)
                    first = False
                else:
                    self.client.action("datastore_upsert", resource_id=resource_id, records=chunk,
                                       method="insert", force=True)
                rows += len(chunk)
                bar.update(len(chunk))
            if first:  # an empty table still gets its columns
                self.client.action("datastore_create", resource_id=resource_id, fields=fields,
                                   primary_key=primary_key, records=[], force=True)
        return rows


def _name_taken(exc: Any) -> bool:
    return any("already in use" in str(m) for m in (exc.errors.get("name") or []))


def datastore_fields(schema: dict) -> list[dict]:
    """DataStore columns from a Table Schema: integer->int, number->numeric, boolean->bool, date->date,
    datetime->timestamp, anything else text."""
    return [{"id": f["name"], "type": DATASTORE_TYPES.get(f.get("type", "string"), "text")}
            for f in schema.get("fields") or []]


def read_records(local: LocalFile) -> Iterator[dict]:
    """The CSV's rows as DataStore records: missing values -> null, integers and booleans converted,
    numbers and dates passed as text for PostgreSQL to parse exactly."""
    schema = local.schema or {}
    missing = set(schema.get("missingValues", [""]))
    specs = {f["name"]: f for f in schema.get("fields") or []}
    with open(local.file, newline="", encoding=local.encoding) as fh:
        reader = csv.DictReader(fh)
        for n, row in enumerate(reader, start=2):
            record = {}
            for name, value in row.items():
                if name is None:
                    raise InvalidDataError("more cells than columns", where=f"{local.path}: row {n}")
                spec = specs.get(name, {})
                if value is None or value in missing:
                    record[name] = None
                    continue
                kind = spec.get("type", "string")
                if kind == "integer":
                    try:
                        record[name] = int(value)
                    except ValueError:
                        raise InvalidDataError(f"{value!r} is not an integer",
                                               where=f"{local.path}: row {n}: {name}") from None
                elif kind == "boolean":
                    true = set(spec.get("trueValues", ["true", "True", "TRUE", "1"]))
                    record[name] = value in true
                else:
                    record[name] = value
            yield record


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def __enter__(self) -> "_NoBar":
        return self

    def __exit__(self, *exc: Any) -> None:
        pass


def _bar(enabled: bool, total: Optional[int], desc: str, unit: str):
    """A tqdm progress bar on stderr (hidden when stderr is not a terminal), or nothing."""
    if not enabled:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=unit, unit_scale=(unit == "B"), unit_divisor=1024,
                file=sys.stderr, disable=None, leave=False)

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

import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

from stoke_opendata.errors import PortalError
from stoke_opendata.portal.bars import _bar
from stoke_opendata.portal.datastore import (
    DATASTORE_CHUNK,
    _chunks,
    datastore_fields,
    read_records,
)
from stoke_opendata.portal.datastore import datastore_mark
from stoke_opendata.portal.fields import (
    dataset_fields,
    resolve_licence,
    resource_fields,
)
from stoke_opendata.portal.local_package import (
    CREATED_BY,
    DESCRIPTOR,
    LocalFile,
    LocalPackage,
)
from stoke_opendata.portal.finishing import finishing
from stoke_opendata.portal.plan import DatasetPlan, Outcome, Plan, plan_dataset

MAX_ATTEMPTS = 3  # plan+apply rounds per dataset when a racing publisher wins a round


AWAIT_OTHER_PUBLISHER = 120.0  # seconds to wait for a racing publisher's DataStore loads before doing them


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
        self._views: Optional[set[str]] = None  # the portal's view plugins, asked once per run
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
        return Plan(self.client.url, [plan_dataset(p, self.show(p.name), prune=self.prune, portal=self.client.url) for p in packages],
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

    def token_verdict(self, organisations: Iterable[str]) -> dict:
        """For a dry run: may the token publish to each organisation? {"ok", "message"}; read-only calls only."""
        from stoke_opendata.errors import PortalError as _PortalError

        orgs = sorted(set(organisations))
        try:
            self.check_token(orgs)
        except _PortalError as exc:
            return {"ok": False, "message": exc.message if hasattr(exc, "message") else str(exc)}
        missing = [o for o in orgs if o not in self._org_ids]
        text = f"the API token may publish to {', '.join(o for o in orgs if o not in missing) or 'no existing organisation'}"
        if missing:
            text += f"; the real run creates the organisation {', '.join(missing)} (the token's user must be allowed to)"
        return {"ok": True, "message": text}

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
                dataset = plan_dataset(dataset.package, self.show(dataset.name), prune=self.prune, portal=self.client.url)
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
            dataset = plan_dataset(dataset.package, self.show(dataset.name), prune=self.prune, portal=self.client.url)
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
                new.append({**resource_fields(local, package, self.client.url), "url": "", "url_type": "upload", "publish_run": self.run_id})
            elif rp.action == "update" and (rp.upload or rp.metadata):
                fields[f"update__resources__{rp.remote_id}"] = {**resource_fields(local, package, self.client.url), "url_type": "upload",
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
                marks[f"update__resources__{res['id']}"] = {"datastore_sha256": datastore_mark(by_path[rp.path].sha256)}
                marks[f"match__resources__{res['id']}__sha256"] = by_path[rp.path].sha256
        touches = finishing(package, revised)
        for resource_id, fields in touches.resource_updates.items():
            marks.setdefault(f"update__resources__{resource_id}", {}).update(fields)
        if touches.schema_link:
            extras = {e["key"]: e["value"] for e in revised.get("extras") or []}
            extras["schema"] = touches.schema_link
            marks["filter"] = ["-extras"]
            marks["update"] = {"extras": [{"key": k, "value": v} for k, v in sorted(extras.items())]}
        if touches.descriptor is not None:
            # the portal's datapackage.json: every resource by its portal URL (see portal/finishing.py)
            with tempfile.TemporaryDirectory(prefix="stoke-opendata-") as tmp:
                path = Path(tmp) / DESCRIPTOR
                path.write_bytes(touches.descriptor)
                files = {f"update__resources__{touches.descriptor_id}__upload": (DESCRIPTOR, path, "application/json")}
                self.client.upload("package_revise", marks, files)
            outcome.files_uploaded += 1
        elif len(marks) > 1:
            self.client.action("package_revise", **marks)
        self.ensure_views(revised, dataset)

    def ensure_views(self, revised: dict, dataset: DatasetPlan) -> None:
        """Previews for the files this run created or changed (see portal/views.py)."""
        from stoke_opendata.portal import views

        changed = {rp.path for rp in dataset.resources if rp.action in ("create", "update")}
        by_path = {f.path: f for f in dataset.package.files}
        targets = [(r, by_path[r["package_path"]].tabular) for r in revised.get("resources") or []
                   if r.get("created_by") == CREATED_BY and r.get("package_path") in changed
                   and r.get("package_path") in by_path]
        if not targets:
            return
        if self._views is None:
            self._views = views.available_views(self.client)
            missing = {views.TABLE_VIEW, views.IMAGE_VIEW} - self._views
            if missing:
                self.log(f"the portal offers no {' or '.join(sorted(missing))} plugin: resources published "
                         "without that preview")
        views.ensure_views(self.client, targets, self._views, self.log)

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


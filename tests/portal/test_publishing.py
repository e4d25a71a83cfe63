"""Publishing: pure planning, the validation gate, and the full cycle against the real local CKAN
(first publish, no-op, one-value change, dry run, DataStore, racing publishers, prune, refusals)."""

from __future__ import annotations

import copy
import hashlib
import json
import threading

import pytest
from package_factory import ORG, make_package, observation_rows, rewrite_descriptor, unique_name

from stoke_opendata.errors import InvalidDataError
from stoke_opendata.portal.client import PortalClient
from stoke_opendata.portal.credentials import PortalSettings
from stoke_opendata.portal.datastore import datastore_fields, datastore_mark
from stoke_opendata.portal.dcat import FREQUENCY
from stoke_opendata.portal.fields import dcat_extras, resource_fields
from stoke_opendata.portal.finishing import portal_descriptor
from stoke_opendata.portal.fields import resolve_licence
from stoke_opendata.portal.local_package import CREATED_BY, DESCRIPTOR, read_package
from stoke_opendata.portal.plan import plan_dataset
from stoke_opendata.portal.publish_gate import check_package
from stoke_opendata.portal.publishing import Publisher

# ------------------------------------------------------------------ pure parts


def test_licence_maps_to_the_portals_own_id():
    stock = ["cc-by", "uk-ogl", "odc-odbl"]
    assert resolve_licence("OGL-UK-3.0", stock) == "uk-ogl"
    assert resolve_licence("OGL-UK-3.0", ["OGL-UK-3.0"]) == "OGL-UK-3.0"
    assert resolve_licence("Some-Other", stock) == "Some-Other"


def test_datastore_types_follow_the_table_schema():
    schema = {"fields": [{"name": "a", "type": "integer"}, {"name": "b", "type": "number"},
                         {"name": "c", "type": "boolean"}, {"name": "d", "type": "date"},
                         {"name": "e", "type": "datetime"}, {"name": "f", "type": "string"},
                         {"name": "g", "type": "year"}]}
    assert [f["type"] for f in datastore_fields(schema)] == ["int", "numeric", "bool", "date", "timestamp",
                                                              "text", "text"]


def _remote_from(package, *, sha_override=None):
    """The dataset dict a CKAN would hold after publishing `package` (built from the package itself): each
    file with the fields publish sets, the datapackage.json in its portal form (resources by portal URL)."""
    resources = []
    for n, f in enumerate(package.files):
        url = f"http://portal/{f.path}"
        resources.append({**resource_fields(f, package), "id": f"res-{n:05d}",
                          "sha256": (sha_override or {}).get(f.path, f.sha256),
                          "url_type": "upload", "url": url, "download_url": url, "datastore_active": f.tabular,
                          "datastore_sha256": datastore_mark(f.sha256) if f.tabular else None})
    portal_copy = portal_descriptor(package.descriptor, {r["package_path"]: r["url"] for r in resources})
    digest = hashlib.sha256(portal_copy).hexdigest()
    for r in resources:
        if r["package_path"] == DESCRIPTOR:
            r["sha256"] = r["hash"] = digest
    descriptor_url = next(r["url"] for r in resources if r["package_path"] == DESCRIPTOR)
    extras = [{"key": k, "value": v} for k, v in dcat_extras(package).items()] + [{"key": "schema", "value": descriptor_url}]
    return {"id": "pkg-1", "name": package.name, "title": package.title, "notes": package.notes,
            "version": package.version, "license_id": "uk-ogl", "maintainer": package.maintainer,
            "maintainer_email": package.maintainer_email, "private": False,
            "organization": {"name": package.organisation["name"]},
            "tags": [{"name": k} for k in package.keywords], "groups": [{"name": g} for g in package.groups],
            "extras": extras, "resources": resources, "metadata_modified": "2026-01-01T00:00:00"}


def test_plan_for_a_new_dataset_creates_everything(tmp_path):
    package = read_package(make_package(tmp_path))
    plan = plan_dataset(package, None)
    assert plan.action == "create"
    assert {r.action for r in plan.resources} == {"create"}
    assert {r.path for r in plan.resources if r.datastore} == {"data/observations.csv", "data/comparators.csv"}
    assert plan.upload_bytes == package.total_bytes


def test_plan_against_an_identical_remote_is_unchanged(tmp_path):
    package = read_package(make_package(tmp_path))
    plan = plan_dataset(package, _remote_from(package))
    assert plan.action == "unchanged", plan.to_dict()
    assert plan.upload_bytes == 0


def test_plan_reuploads_only_the_changed_file(tmp_path):
    package = read_package(make_package(tmp_path))
    remote = _remote_from(package, sha_override={"data/comparators.csv": "0" * 64})
    plan = plan_dataset(package, remote)
    actions = {r.path: (r.action, r.upload, r.datastore) for r in plan.resources}
    assert actions["data/comparators.csv"] == ("update", True, True)
    assert all(a == ("unchanged", False, False) for p, a in actions.items() if p != "data/comparators.csv")


def test_plan_sees_metadata_changes_and_stale_files(tmp_path):
    package = read_package(make_package(tmp_path))
    remote = _remote_from(package)
    remote["title"] = "Old title"
    remote["tags"] = [{"name": "old"}]
    remote["resources"].append({"id": "res-old00", "name": "gone.csv", "package_path": "data/gone.csv",
                                "created_by": CREATED_BY, "url_type": "upload"})
    remote["resources"].append({"id": "res-other", "name": "someone else's", "url_type": ""})
    plan = plan_dataset(package, remote)
    assert plan.action == "update"
    assert {"title", "tags"} <= set(plan.changes)
    stale = [r for r in plan.resources if r.path == "data/gone.csv"]
    assert stale[0].action == "stale"  # kept without --prune
    assert plan_dataset(package, remote, prune=True).resources[-1].action == "delete"
    assert all(r.remote_id != "res-other" for r in plan.resources)  # never touches others' files


def test_plan_reloads_a_datastore_copy_left_half_done(tmp_path):
    package = read_package(make_package(tmp_path))
    remote = _remote_from(package)
    remote["resources"][0]["datastore_sha256"] = None  # a run died during the DataStore load
    plan = plan_dataset(package, remote)
    first = plan.resources[0]
    assert (first.action, first.upload, first.datastore) == ("update", False, True)


def test_tampered_file_is_refused(tmp_path):
    folder = make_package(tmp_path)
    with open(folder / "data" / "observations.csv", "a", encoding="utf-8") as fh:
        fh.write("\n")
    with pytest.raises(InvalidDataError, match="sha256 does not match"):
        check_package(read_package(folder))


def test_invalid_data_is_refused_by_the_validator(tmp_path):
    rows = observation_rows(["business-count"])
    rows[1][9] = "bogus-status"  # not one of the schema's statuses
    folder = make_package(tmp_path, rows=rows, second_table=False)
    with pytest.raises(InvalidDataError, match="fails validation"):
        check_package(read_package(folder))


def test_resource_path_outside_the_package_is_refused(tmp_path):
    folder = make_package(tmp_path)
    descriptor = json.loads((folder / DESCRIPTOR).read_text())
    descriptor["resources"][0]["path"] = "../../etc/passwd"
    (folder / DESCRIPTOR).write_text(json.dumps(descriptor))
    with pytest.raises(InvalidDataError, match="inside the package"):
        read_package(folder)


# ------------------------------------------------------------------ against the real portal


def _publish(client, *folders, prune=False):
    publisher = Publisher(client, prune=prune, progress=False)
    plan = publisher.plan([read_package(f) for f in folders])
    return plan, publisher.apply(plan)


@pytest.mark.portal
def test_first_publish_then_noop_then_one_value_change(client, portal, tmp_path):
    folders = [make_package(tmp_path), make_package(tmp_path)]
    plan, first = _publish(client, *folders)
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    before = {f.name: client.action("package_show", id=f.name) for f in folders}
    # every file once, then each datapackage.json once more in its portal form (resources by portal URL)
    portal_copies = sum(int(r["size"]) for d in before.values() for r in d["resources"]
                        if r["package_path"] == DESCRIPTOR)
    assert first.bytes_uploaded == sum(read_package(f).total_bytes for f in folders) + portal_copies
    ds = before[folders[0].name]
    assert ds["license_id"] == "uk-ogl" and ds["organization"]["name"] == ORG["name"]
    assert {g["name"] for g in ds["groups"]} == {"healthier", "fairer"}
    extras = {e["key"]: e["value"] for e in ds["extras"]}
    assert extras["spatial_coverage"] == "E06000021" and extras["frequency"] == FREQUENCY["annual"]
    assert extras["schema"].endswith("/datapackage.json")

    # no-op: nothing uploaded, at most 2 API calls per dataset, metadata_modified untouched
    with PortalClient(PortalSettings(portal.url, portal.token)) as fresh:
        _plan, again = _publish(fresh, *folders)
        assert fresh.bytes_uploaded == 0
        assert fresh.calls <= 2 * len(folders)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    for f in folders:
        assert client.action("package_show", id=f.name)["metadata_modified"] == \
            before[f.name]["metadata_modified"]

    # change one value in one table: only that table (and the descriptor listing its hash) is sent
    target = folders[0] / "data" / "comparators.csv"
    text = target.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    cells = lines[1].split(",")
    cells[4] = str(int(cells[4]) + 1)
    lines[1] = ",".join(cells)
    target.write_text("".join(lines), encoding="utf-8")
    rewrite_descriptor(folders[0])
    plan, changed = _publish(client, *folders)
    uploads = {r.path for d in plan.datasets for r in d.resources if r.upload}
    assert uploads == {"data/comparators.csv"}  # and the descriptor listing its hash, in its portal form:
    assert [d.touches.descriptor is not None for d in plan.datasets] == [True, False]
    after = client.action("package_show", id=folders[0].name)
    res = {r["package_path"]: r for r in after["resources"]}
    assert changed.bytes_uploaded == target.stat().st_size + int(res[DESCRIPTOR]["size"])
    assert (changed.updated, changed.unchanged) == (1, 1)
    old = {r["package_path"]: r for r in before[folders[0].name]["resources"]}
    assert res["data/comparators.csv"]["id"] == old["data/comparators.csv"]["id"]  # updated in place
    assert res["data/observations.csv"]["last_modified"] == old["data/observations.csv"]["last_modified"]
    assert len(after["resources"]) == len(old)  # no duplicates
    rows = client.action("datastore_search", resource_id=res["data/comparators.csv"]["id"], limit=100)["records"]
    assert int(cells[4]) in [r["value"] if isinstance(r["value"], int) else int(float(r["value"])) for r in rows]


@pytest.mark.portal
def test_dry_run_changes_nothing(client, tmp_path, run_cli, portal):
    folder = make_package(tmp_path)
    code, out, err = run_cli(["publish", folder, "--dry-run", "--format", "json"], env=portal.env())
    assert code == 0, err
    doc = json.loads(out)
    assert doc["dry_run"] is True and doc["result"] is None
    assert doc["plan"]["datasets"][0]["action"] == "create"
    from stoke_opendata.portal.client import PortalNotFound

    with pytest.raises(PortalNotFound):
        client.action("package_show", id=folder.name)
    # and against an existing dataset with a change pending
    _publish(client, folder)
    before = client.action("package_show", id=folder.name)
    descriptor = json.loads((folder / DESCRIPTOR).read_text())
    descriptor["title"] = "A new title"
    (folder / DESCRIPTOR).write_text(json.dumps(descriptor))
    code, out, err = run_cli(["publish", folder, "--dry-run"], env=portal.env())
    assert code == 0, err
    assert "update (title" in out and "dry run: nothing was changed" in out
    assert client.action("package_show", id=folder.name) == before


@pytest.mark.portal
def test_datastore_is_typed_keyed_and_publicly_queryable(client, anonymous, tmp_path):
    folder = make_package(tmp_path)
    _publish(client, folder)
    ds = client.action("package_show", id=folder.name)
    res = next(r for r in ds["resources"] if r["package_path"] == "data/observations.csv")
    assert res["datastore_active"] is True
    result = anonymous.action("datastore_search", resource_id=res["id"], limit=1000)
    types = {f["id"]: f["type"] for f in result["fields"]}
    assert types["value"] == "numeric" and types["period"] == "text"
    with open(folder / "data" / "observations.csv", encoding="utf-8") as fh:
        assert result["total"] == sum(1 for _ in fh) - 1
    found = anonymous.action("datastore_search", resource_id=res["id"],
                             filters={"area_code": "E06000021", "period": "2020"})
    assert found["total"] == 1
    info = client.action("datastore_info", id=res["id"])
    assert info  # the table exists with its schema
    # the primary key holds: inserting a duplicate row is refused by PostgreSQL
    from stoke_opendata.portal.client import PortalError

    row = {k: v for k, v in found["records"][0].items() if k != "_id"}
    with pytest.raises(PortalError):
        client.action("datastore_upsert", resource_id=res["id"], records=[row], method="insert", force=True)


@pytest.mark.portal
def test_package_search_and_counts_work_on_the_test_portal(client, anonymous, tmp_path):
    folder = make_package(tmp_path, groups=("greener",))
    _publish(client, folder)
    by_name = anonymous.action("package_search", fq=f"name:{folder.name}")
    assert by_name["count"] == 1 and by_name["results"][0]["name"] == folder.name
    by_org = anonymous.action("package_search", fq=f"organization:{ORG['name']}", rows=1000)
    assert folder.name in {d["name"] for d in by_org["results"]}
    everything = anonymous.action("package_search", q="*:*", rows=1, start=0)
    assert everything["count"] >= 1 and len(everything["results"]) == 1
    org = anonymous.action("organization_show", id=ORG["name"])
    assert org["package_count"] == by_org["count"]
    group = anonymous.action("group_show", id="greener")
    assert group["package_count"] >= 1


@pytest.mark.portal
def test_racing_publishers_lose_no_update(client, portal, tmp_path):
    folder = make_package(tmp_path)
    _publish(client, folder)
    descriptor = json.loads((folder / DESCRIPTOR).read_text())
    descriptor["title"] = "Title from the race"
    (folder / DESCRIPTOR).write_text(json.dumps(descriptor))
    package = read_package(folder)

    # both plan against the same state; A applies first; B's revise then fails its match and re-plans
    with PortalClient(PortalSettings(portal.url, portal.token)) as a_client, \
            PortalClient(PortalSettings(portal.url, portal.token)) as b_client:
        a, b = Publisher(a_client, progress=False), Publisher(b_client, progress=False)
        plan_a, plan_b = a.plan([package]), b.plan([package])
        assert plan_a.datasets[0].action == plan_b.datasets[0].action == "update"
        a.apply(plan_a)
        outcome_b = b.apply(plan_b)
    assert outcome_b.conflicts == 1
    assert outcome_b.datasets[0]["applied"] == "unchanged"
    final = client.action("package_show", id=folder.name)
    assert final["title"] == "Title from the race"
    assert len(final["resources"]) == len(package.files)


@pytest.mark.portal
def test_racing_first_publishers_in_threads_make_one_dataset(portal, client, tmp_path):
    folder = make_package(tmp_path)
    package = read_package(folder)
    outcomes, errors = [], []

    def publish():
        try:
            with PortalClient(PortalSettings(portal.url, portal.token)) as c:
                p = Publisher(c, progress=False)
                outcomes.append(p.apply(p.plan([copy.deepcopy(package)])))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=publish) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    final = client.action("package_show", id=folder.name)
    assert sorted(r["package_path"] for r in final["resources"]) == sorted(f.path for f in package.files)
    # and the result is a clean no-op afterwards
    _plan, again = _publish(client, folder)
    assert again.unchanged == 1


@pytest.mark.portal
def test_prune_deletes_only_files_stoke_opendata_created(client, tmp_path):
    folder = make_package(tmp_path)
    _publish(client, folder)
    ds = client.action("package_show", id=folder.name)
    client.action("resource_create", package_id=ds["id"], name="added by hand", url="http://example.org/x.csv")
    descriptor = json.loads((folder / DESCRIPTOR).read_text())
    descriptor["resources"] = [r for r in descriptor["resources"] if r["path"] != "charts/trend.png"]
    (folder / DESCRIPTOR).write_text(json.dumps(descriptor))
    plan, _ = _publish(client, folder)
    kept = client.action("package_show", id=folder.name)
    assert "charts/trend.png" in {r.get("package_path") for r in kept["resources"]}  # stale, kept
    _plan, _ = _publish(client, folder, prune=True)
    pruned = client.action("package_show", id=folder.name)
    paths = {r.get("package_path") for r in pruned["resources"]}
    assert "charts/trend.png" not in paths
    assert "added by hand" in {r["name"] for r in pruned["resources"]}


# ------------------------------------------------------------------ the command


@pytest.mark.portal
def test_cli_publish_summary_and_json(run_cli, portal, tmp_path):
    folder = make_package(tmp_path)
    code, out, err = run_cli(["publish", folder], env=portal.env())
    assert code == 0, err
    assert "published: 1 created, 0 updated, 0 unchanged" in out
    assert f"{portal.url}/dataset/{folder.name}" in out
    assert portal.token not in out + err
    code, out, err = run_cli(["publish", folder, "--format", "json"], env=portal.env())
    assert code == 0, err
    doc = json.loads(out)
    assert doc["result"]["unchanged"] == 1 and doc["result"]["bytes_uploaded"] == 0


@pytest.mark.portal
def test_cli_refuses_an_invalid_package_before_sending_anything(run_cli, portal, client, tmp_path):
    rows = observation_rows(["business-count"])
    rows[1][9] = "bogus-status"
    folder = make_package(tmp_path, rows=rows, second_table=False)
    code, out, err = run_cli(["publish", folder], env=portal.env())
    assert code == 1
    assert err.startswith("error: ") and err.count("\n") == 1 and "fails validation" in err
    from stoke_opendata.portal.client import PortalNotFound

    with pytest.raises(PortalNotFound):
        client.action("package_show", id=folder.name)


@pytest.mark.portal
def test_cli_wrong_token_is_one_clear_line(run_cli, portal, tmp_path):
    folder = make_package(tmp_path)
    wrong = "wrong-token-" + unique_name()
    code, out, err = run_cli(["publish", folder], env=portal.env(CKAN_API_TOKEN=wrong))
    assert code == 2
    assert err.count("\n") == 1 and "refused the API token" in err
    assert wrong not in err + out


@pytest.mark.portal
def test_wrong_token_is_noticed_even_when_nothing_changed(run_cli, portal, client, tmp_path):
    folder = make_package(tmp_path)
    _publish(client, folder)
    wrong = "wrong-token-" + unique_name()
    code, out, err = run_cli(["publish", folder], env=portal.env(CKAN_API_TOKEN=wrong))
    assert code == 2 and "refused the API token" in err and wrong not in err + out


@pytest.mark.portal
def test_cli_no_token_is_a_clear_error(run_cli, portal, tmp_path, monkeypatch):
    folder = make_package(tmp_path)
    monkeypatch.setenv("STOKE_OPENDATA_CONFIG", str(tmp_path / "none.toml"))
    env = portal.env()
    env.pop("CKAN_API_TOKEN")
    code, out, err = run_cli(["publish", folder], env=env)
    assert code == 2 and "needs an API token" in err


def test_cli_unreachable_portal_is_one_clear_line(run_cli, tmp_path):
    folder = make_package(tmp_path)
    code, out, err = run_cli(["publish", folder, "--portal", "http://127.0.0.1:9"],
                             env={"CKAN_API_TOKEN": "x", "STOKE_OPENDATA_CONFIG": str(tmp_path / "none.toml"),
                                  "STOKE_OPENDATA_RETRIES": "1"})
    assert code == 2
    assert err.startswith("error: cannot reach the portal at http://127.0.0.1:9") and err.count("\n") == 1


def test_cli_missing_package_folder(run_cli, tmp_path):
    code, out, err = run_cli(["publish", tmp_path / "nope", "--portal", "http://127.0.0.1:9"])
    assert code == 2 and "no datapackage.json" in err

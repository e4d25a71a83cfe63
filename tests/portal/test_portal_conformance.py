"""What we publish is read by the ecosystem's own clients: frictionless (from the descriptor's URL and through
its CKAN adapter), ckanapi's own export, a DCAT harvester (ckanext-dcat's Turtle and JSON-LD, parsed with
rdflib), and a person on the portal (table previews, the DataStore data dictionary). Runs against the real
local CKAN with the four bundled packages, published as `make run` publishes them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from stoke_opendata.portal.dcat import media_type_iri
from stoke_opendata.portal.fields import HASH_ALGORITHM
from stoke_opendata.portal.local_package import CREATED_BY, DESCRIPTOR, read_package
from stoke_opendata.portal.publishing import Publisher

pytestmark = pytest.mark.portal

DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
SPDX = "http://spdx.org/rdf/terms#"


@pytest.fixture(scope="module")
def published(portal, tmp_path_factory):
    """The bundled packages built and published; returns (portal url, package folders, datasets)."""
    from stoke_opendata.package.build import build_package
    from stoke_opendata.package.manifests import load_manifests
    from stoke_opendata.portal.client import PortalClient
    from stoke_opendata.portal.credentials import PortalSettings
    url, token = portal.url, portal.token
    out = tmp_path_factory.mktemp("conformance")
    folders = [build_package(m, out).directory for m in load_manifests()]
    packages = [read_package(f) for f in folders]
    with PortalClient(PortalSettings(url, token)) as client:
        publisher = Publisher(client, progress=False)
        publisher.apply(publisher.plan(packages))
        datasets = {p.name: client.action("package_show", id=p.name) for p in packages}
    return url, folders, datasets


def _ours(dataset: dict) -> dict[str, dict]:
    return {r["package_path"]: r for r in dataset["resources"] if r.get("created_by") == CREATED_BY}


def test_a_noop_republish_uploads_nothing_in_at_most_two_calls_per_dataset(published, client):
    _url, folders, _datasets = published
    packages = [read_package(f) for f in folders]
    publisher = Publisher(client, progress=False)
    plan = publisher.plan(packages)
    assert [d.action for d in plan.datasets] == ["unchanged"] * len(packages)
    outcome = publisher.apply(plan)
    assert outcome.bytes_uploaded == 0 and outcome.files_uploaded == 0
    assert outcome.api_calls <= 2 * len(packages)


def test_the_portal_descriptor_names_every_file_by_its_portal_url_with_bytes_and_hash(published):
    _url, folders, datasets = published
    import requests

    for folder in folders:
        ours = _ours(datasets[folder.name])
        descriptor = requests.get(ours[DESCRIPTOR]["url"], timeout=30).json()
        local = json.loads((folder / DESCRIPTOR).read_text(encoding="utf-8"))
        assert [r["name"] for r in descriptor["resources"]] == [r["name"] for r in local["resources"]]
        for remote, mine in zip(descriptor["resources"], local["resources"]):
            assert remote["path"] == ours[mine["path"]]["url"]
            if mine.get("schema"):  # every table carries its bytes and hash
                assert (remote["bytes"], remote["hash"]) == (mine["bytes"], mine["hash"])


def test_frictionless_validates_each_published_descriptor_by_its_url(published):
    from frictionless import Package

    _url, folders, datasets = published
    for folder in folders:
        descriptor_url = _ours(datasets[folder.name])[DESCRIPTOR]["url"]
        report = Package(descriptor_url).validate()
        errors = [(t.name, e.type) for t in report.tasks for e in t.errors]
        assert report.valid, errors
        assert len(report.tasks) == len(json.loads((folder / DESCRIPTOR).read_text())["resources"])


def test_frictionless_ckan_adapter_reads_every_table_of_each_dataset(published):
    from frictionless import Package

    url, folders, _datasets = published
    for folder in folders:
        package = Package(f"{url}/dataset/{folder.name}")
        tables = [r for r in package.resources if r.schema and r.schema.fields]
        assert tables, folder.name
        local = {f.name: f for f in read_package(folder).files if f.tabular}
        for resource in tables:
            assert resource.path.startswith(url), resource.path
            rows = resource.read_rows()
            with open(local[resource.title or resource.name].file, encoding="utf-8") as fh:
                assert len(rows) == sum(1 for _ in fh) - 1, resource.name  # every row, header aside
        assert package.validate().valid


def test_ckan_standard_resource_fields_are_filled(published):
    _url, folders, datasets = published
    for folder in folders:
        package = read_package(folder)
        ours = _ours(datasets[folder.name])
        for local in package.files:
            res = ours[local.path]
            assert res["hash"] == res["sha256"] and res["hash_algorithm"] == HASH_ALGORITHM
            if local.path != DESCRIPTOR:
                assert res["hash"] == local.sha256 and int(res["size"]) == local.bytes
            assert res["mimetype"] == media_type_iri(local.mediatype)  # the IANA IRI (DCAT-AP's dcat:mediaType)
            assert res["last_modified"]
            assert res["download_url"] == res["url"]
            if local.tabular:
                assert json.loads(res["schema"]) == local.schema


def test_ckanapi_dump_exports_typed_tables(published, tmp_path):
    url, folders, _datasets = published
    name = folders[0].name
    ckanapi = Path(sys.executable).parent / "ckanapi"
    done = subprocess.run([str(ckanapi), "dump", "datasets", name, "--datapackages", str(tmp_path), "-r", url],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PATH": f"{ckanapi.parent}{os.pathsep}{os.environ.get('PATH', '')}"})
    assert done.returncode == 0, done.stderr[-2000:]
    exported = json.loads(next(tmp_path.rglob("datapackage.json")).read_text())
    typed = [r for r in exported["resources"] if r.get("schema")]
    local_tables = [f for f in read_package(folders[0]).files if f.tabular]
    assert len(typed) == len(local_tables)
    assert all(any(f.get("type") in ("number", "integer") for f in r["schema"]["fields"])
               or r["name"] for r in typed)


@pytest.mark.parametrize("suffix,fmt", [("ttl", "turtle"), ("jsonld", "json-ld")])
def test_dcat_carries_what_a_national_catalogue_harvests(published, suffix, fmt):
    import rdflib
    import requests
    from rdflib import RDF, URIRef

    url, folders, datasets = published
    for folder in folders:
        response = requests.get(f"{url}/dataset/{folder.name}.{suffix}", timeout=30)
        assert response.status_code == 200, folder.name
        graph = rdflib.Graph().parse(data=response.text, format=fmt)
        dataset = next(graph.subjects(RDF.type, URIRef(DCAT + "Dataset")))

        def one(subject, prop):
            values = list(graph.objects(subject, URIRef(prop)))
            assert values, f"{folder.name}: no {prop}"
            return values

        for prop in (DCT + "title", DCT + "description", DCT + "publisher", DCAT + "contactPoint",
                     DCAT + "theme", DCAT + "keyword", DCT + "accrualPeriodicity", DCT + "spatial"):
            one(dataset, prop)
        assert str(one(dataset, DCT + "spatial")[0]).endswith("E06000021") or folder.name.endswith("figures")
        distributions = one(dataset, DCAT + "distribution")
        assert len(distributions) == len(_ours(datasets[folder.name]))
        for dist in distributions:
            one(dist, DCAT + "downloadURL")
            one(dist, DCAT + "mediaType")
            one(dist, DCAT + "byteSize")
            one(dist, DCT + "license")
            checksum = one(dist, SPDX + "checksum")[0]
            one(checksum, SPDX + "checksumValue")
            assert str(one(checksum, SPDX + "algorithm")[0]) == HASH_ALGORITHM
        if not (folder / "data" / "observations.csv").exists():  # the catalogue alone covers no period
            assert not list(graph.objects(dataset, URIRef(DCT + "temporal")))
            continue
        temporal = one(dataset, DCT + "temporal")[0]
        start = date.fromisoformat(str(one(temporal, DCAT + "startDate")[0]))
        end = date.fromisoformat(str(one(temporal, DCAT + "endDate")[0]))
        assert start <= end <= date(2026, 12, 31)  # observed data only, never a 2030 or 2050 forecast


def test_a_person_on_the_portal_gets_previews_and_a_data_dictionary(published, anonymous):
    _url, folders, datasets = published
    status = anonymous.action("status_show")
    assert "Stoke-on-Trent" in status["site_title"]
    for folder in folders:
        package = read_package(folder)
        ours = _ours(datasets[folder.name])
        for local in package.files:
            if not local.tabular:
                continue
            views = anonymous.action("resource_view_list", id=ours[local.path]["id"])
            assert "datatables_view" in {v["view_type"] for v in views}, local.path
            info = anonymous.action("datastore_search", resource_id=ours[local.path]["id"], limit=0)
            notes = {f["id"]: (f.get("info") or {}).get("notes") for f in info["fields"] if f["id"] != "_id"}
            labels = {f["id"]: (f.get("info") or {}).get("label") for f in info["fields"] if f["id"] != "_id"}
            described = {f["name"]: f["description"] for f in local.schema["fields"] if f.get("description")}
            assert described and all(notes[name] == text for name, text in described.items()), local.path
            assert all(labels[f["name"]] for f in local.schema["fields"]), local.path


def test_citations_name_documents_never_internal_file_names(published):
    _url, folders, datasets = published
    for folder in folders:
        dataset = datasets[folder.name]
        text = json.dumps({k: v for k, v in dataset.items() if k != "resources"})
        assert ".txt" not in text
        sources = json.loads((folder / DESCRIPTOR).read_text())["sources"]
        assert sources and all(".txt" not in s["title"] for s in sources)
        assert any(s.get("publisher") == "Stoke-on-Trent City Council" and s.get("year") for s in sources)


def test_test_packages_go_to_an_organisation_of_their_own(client, tmp_path):
    from package_factory import ORG, make_package

    folder = make_package(tmp_path)
    publisher = Publisher(client, progress=False)
    publisher.apply(publisher.plan([read_package(folder)]))
    dataset = client.action("package_show", id=folder.name)
    assert dataset["organization"]["name"] == ORG["name"] != "stoke-on-trent-city-council"


def test_download_names_the_resource_whose_url_does_not_answer(client, portal, run_cli, tmp_path):
    from package_factory import make_package

    folder = make_package(tmp_path)
    publisher = Publisher(client, progress=False)
    publisher.apply(publisher.plan([read_package(folder)]))
    readme = _ours(client.action("package_show", id=folder.name))["README.md"]
    client.action("resource_patch", id=readme["id"], url=f"{portal.url}/no-such-file/readme.md", url_type="")
    code, _out, err = run_cli(["download", folder.name, "--out", str(tmp_path / "dl")], env=portal.env())
    assert code == 2
    line = err.strip().splitlines()[-1]
    assert "README.md" in line and "HTTP 404" in line and "Traceback" not in err
    assert not (tmp_path / "dl").exists()

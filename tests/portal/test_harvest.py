"""Harvested as a national portal harvests: a second CKAN (portal/harvest_up.sh: ckanext-harvest and
ckanext-dcat's `dcat_rdf` harvester, stock settings, the route of data.gov.uk and the EU data portal)
harvests the council's catalogue from the portal with `ckan harvester run-test`, and the test compares, field
by field, each bundled dataset as the portal shows it (package_show) with the same dataset as the harvester
kept it: licence, landing page, publisher, contact point, frequency, temporal and spatial coverage, and for
each distribution its Table Schema (dct:conformsTo, which the harvester keeps; `schema` it drops).

`make test` starts both CKANs first. What the harvester keeps in its own words: the contact point as the
`contact_name`/`contact_email` extras (its `maintainer` stays empty), the publisher as `publisher_*` extras,
the licence as the licence id it finds by the distributions' licence IRI."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from stoke_opendata.portal.local_package import read_package
from stoke_opendata.portal.publishing import Publisher

pytestmark = pytest.mark.portal

ROOT = Path(__file__).resolve().parents[2]
HARVESTER = ROOT / ".portal" / "harvester"
EU_FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
# ckanext-dcat writes dcat:bbox and dcat:centroid as WKT with 4 decimals (about 10 m here): the only bend
WKT_DECIMALS = 4


def _env(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines() if path.exists() else []:
        key, _, value = line.removeprefix("export ").partition("=")
        values[key.strip()] = value.strip()
    return values


def _unavailable(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"the harvesting CKAN is required under CI: {reason}", pytrace=False)
    pytest.skip(f"the harvesting CKAN is not available ({reason}); start it with `bash portal/harvest_up.sh`")


@pytest.fixture(scope="module")
def harvest(portal, tmp_path_factory):
    """The bundled packages published (their landing pages on the site, as `make run` does), the harvest
    source cleared and harvested once; returns {name: (portal's package_show, harvester's package_show)} and
    the harvest job's stats."""
    import requests

    from stoke_opendata.package.build import build_package
    from stoke_opendata.package.manifests import load_manifests
    from stoke_opendata.portal.client import PortalClient
    from stoke_opendata.portal.credentials import PortalSettings

    env = _env(HARVESTER / "env")
    if not env.get("HARVEST_URL"):
        _unavailable(f"no {HARVESTER / 'env'}")
    url, source = env["HARVEST_URL"], env["HARVEST_SOURCE"]
    try:
        requests.get(f"{url}/api/3/action/status_show", timeout=5).raise_for_status()
    except requests.RequestException as exc:
        _unavailable(f"{url} does not answer: {type(exc).__name__}")

    out = tmp_path_factory.mktemp("harvest")
    packages = [read_package(build_package(m, out).directory) for m in load_manifests()]
    before = os.environ.get("STOKE_OPENDATA_SITE_URL")
    os.environ["STOKE_OPENDATA_SITE_URL"] = f"{portal.url}/progress"
    try:
        with PortalClient(PortalSettings(portal.url, portal.token)) as client:
            publisher = Publisher(client, progress=False)
            publisher.apply(publisher.plan(packages))
            shown = {p.name: client.action("package_show", id=p.name) for p in packages}
    finally:
        if before is None:
            os.environ.pop("STOKE_OPENDATA_SITE_URL", None)
        else:
            os.environ["STOKE_OPENDATA_SITE_URL"] = before

    # a fresh harvest: what an earlier run left on the harvester is cleared through its Action API (the
    # token from its 0600 file, never argv), then the synchronous harvest of ckanext-harvest's CLI
    token = (HARVESTER / "token").read_text(encoding="utf-8").strip()
    source_id = requests.get(f"{url}/api/3/action/harvest_source_show", params={"id": source},
                             timeout=30).json()["result"]["id"]
    cleared = requests.post(f"{url}/api/3/action/harvest_source_clear", json={"id": source_id},
                            headers={"Authorization": token}, timeout=120)
    assert cleared.status_code == 200, cleared.text[:300]
    child_env = {k: v for k, v in os.environ.items() if k not in ("CKAN_API_TOKEN", "CKAN_INI")}
    run = subprocess.run([env["HARVEST_CKAN"], "-c", env["HARVEST_INI"], "harvester", "run-test", source],
                         capture_output=True, text=True, timeout=600, env=child_env, stdin=subprocess.DEVNULL)
    assert run.returncode == 0, run.stderr[-2000:]

    status = requests.get(f"{url}/api/3/action/harvest_source_show", params={"id": source}, timeout=30).json()
    stats = status["result"]["status"]["last_job"]["stats"]
    found = requests.get(f"{url}/api/3/action/package_search", params={"rows": 1000}, timeout=60).json()["result"]
    by_uri = {_extras(d).get("uri"): d for d in found["results"]}
    pairs = {}
    for name, mine in shown.items():
        kept = by_uri.get(f"{portal.url}/dataset/{mine['id']}")
        assert kept is not None, f"{name} was not harvested"
        pairs[name] = (mine, requests.get(f"{url}/api/3/action/package_show", params={"id": kept["id"]},
                                          timeout=30).json()["result"])
    stats["files"] = sum(len(p.files) for p in packages)  # what the packages hold, each a distribution
    return pairs, stats


def _extras(dataset: dict) -> dict[str, str]:
    return {e["key"]: e["value"] for e in dataset.get("extras") or []}


def _coordinates(geojson: str) -> list[float]:
    def flat(value):
        return [x for v in value for x in flat(v)] if isinstance(value, list) else [float(value)]

    return flat(json.loads(geojson)["coordinates"])


def test_all_datasets_and_distributions_come_across_without_errors(harvest):
    pairs, stats = harvest
    assert len(pairs) == 4
    assert stats["errored"] == 0 and stats["added"] == len(pairs), stats
    for name, (mine, kept) in pairs.items():
        assert len(kept["resources"]) == len(mine["resources"]), name
        assert sorted(r["name"] for r in kept["resources"]) == sorted(r["name"] for r in mine["resources"]), name
    assert sum(len(kept["resources"]) for _mine, kept in pairs.values()) == stats["files"]


def test_licence_landing_page_publisher_contact_and_frequency_survive(harvest):
    pairs, _stats = harvest
    for name, (mine, kept) in pairs.items():
        ours, theirs = _extras(mine), _extras(kept)
        assert (kept["license_id"], kept["license_url"]) == (mine["license_id"], mine["license_url"]), name
        assert mine["license_id"] == "uk-ogl", name
        # the landing page: the dataset's page on the residents' site, not the harvester's own address
        assert mine["url"] and kept["url"] == mine["url"], name
        assert theirs["publisher_name"] == mine["organization"]["title"], name
        assert theirs["publisher_type"] == ours["publisher_type"], name
        assert (theirs["contact_name"], theirs["contact_email"]) == (mine["maintainer"], mine["maintainer_email"]), name
        assert theirs["frequency"] == ours["frequency"] and theirs["frequency"].startswith(EU_FREQUENCY), name


def test_temporal_and_spatial_coverage_survive(harvest):
    pairs, _stats = harvest
    with_period = 0
    for name, (mine, kept) in pairs.items():
        ours, theirs = _extras(mine), _extras(kept)
        for key in ("temporal_start", "temporal_end"):
            assert theirs.get(key) == ours.get(key), (name, key)
        with_period += bool(ours.get("temporal_start"))
        for key in ("spatial_uri", "spatial_text"):
            assert ours[key] and theirs[key] == ours[key], (name, key)
        for key in ("spatial_bbox", "spatial_centroid"):
            sent, got = _coordinates(ours[key]), _coordinates(theirs[key])
            assert len(got) == len(sent), (name, key)
            assert all(abs(a - b) <= 0.5 * 10 ** -WKT_DECIMALS + 1e-9 for a, b in zip(sent, got)), (name, key, got)
    assert with_period == 3  # the definitions package holds no observations: no period, none invented


def test_each_distribution_keeps_its_table_schema_licence_format_and_checksum(harvest, portal):
    import requests

    pairs, _stats = harvest
    tables = 0
    for name, (mine, kept) in pairs.items():
        theirs = {r["uri"]: r for r in kept["resources"]}
        for resource in mine["resources"]:
            got = theirs[f"{portal.url}/dataset/{mine['id']}/resource/{resource['id']}"]
            for key in ("name", "license", "format", "mimetype", "hash", "hash_algorithm", "size", "access_url"):
                assert got.get(key) == resource.get(key), (name, resource["name"], key)
            if resource.get("schema"):
                tables += 1
                assert got.get("conforms_to") == resource["conforms_to"], (name, resource["name"])
                (address,) = json.loads(got["conforms_to"])
                answer = requests.get(address, timeout=30)
                assert answer.status_code == 200, address
                assert answer.json() == json.loads(resource["schema"]), address
            else:
                assert not got.get("conforms_to"), (name, resource["name"])
    assert tables == 18  # every CSV table of the bundled packages


def test_a_table_names_its_schema_address_and_other_files_name_none(tmp_path):
    from package_factory import make_package

    from stoke_opendata.portal.fields import resource_fields

    package = read_package(make_package(tmp_path))
    fields = {f.path: resource_fields(f, package, "http://portal.example/") for f in package.files}
    tables = [f for f in package.files if f.tabular]
    assert tables and len(tables) < len(package.files)
    for local in package.files:
        sent = fields[local.path]["conforms_to"]
        if local.tabular:
            stem = local.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
            assert json.loads(sent) == [f"http://portal.example/dataset/{package.name}/table-schema/{stem}.json"]
        else:
            assert sent == ""
    # without the portal's address (a dry run's first plan) no address is made up
    assert all(resource_fields(f, package)["conforms_to"] == "" for f in tables)


def test_the_schema_address_of_a_file_that_is_no_table_answers_404(harvest, portal):
    import requests

    pairs, _stats = harvest
    mine, _kept = pairs["stoke-corporate-strategy-2024-28"]
    for tail in ("README.json", "no-such-table.json"):
        answer = requests.get(f"{portal.url}/dataset/{mine['name']}/table-schema/{tail}", timeout=30)
        assert answer.status_code == 404, tail

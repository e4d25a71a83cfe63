"""Reuse from anywhere, checked over real HTTP against the local CKAN (portal/up.sh, ckanext-reuse): CORS for
reads and gzip on the residents' site CKAN serves from extra_public_paths and on the read API; the
DataStore's SQL search on, answering SELECTs through the read-only database user and refusing writes."""

from __future__ import annotations

import json
import shutil
import uuid

import pytest
import requests

from conftest import ROOT

pytestmark = pytest.mark.portal
ORIGIN = {"Origin": "https://another-site.example", "Accept-Encoding": "gzip"}


@pytest.fixture(scope="module")
def served(portal, tmp_path_factory):
    """The bundled packages published, and the site built into the portal's public folder."""
    from stoke_opendata.package.build import build_package
    from stoke_opendata.package.manifests import load_manifests
    from stoke_opendata.portal.client import PortalClient
    from stoke_opendata.portal.credentials import PortalSettings
    from stoke_opendata.portal.local_package import read_package
    from stoke_opendata.portal.publishing import Publisher
    from stoke_opendata.site.build import build_site

    out = tmp_path_factory.mktemp("reuse")
    folders = [build_package(m, out).directory for m in load_manifests()]
    with PortalClient(PortalSettings(portal.url, portal.token)) as client:
        publisher = Publisher(client, progress=False)
        publisher.apply(publisher.plan([read_package(f) for f in folders]))
        observations = next(r["id"] for r in client.action("package_show", id="stoke-growth-prospectus-2025")["resources"]
                            if r.get("package_path") == "data/observations.csv")
    name = f"test-reuse-{uuid.uuid4().hex[:8]}"
    site = ROOT / ".portal" / "public" / name
    build_site(folders, site)
    yield f"{portal.url}/{name}", observations
    shutil.rmtree(site, ignore_errors=True)


@pytest.mark.parametrize("rel", ["index.html", "a-z.html", "style.css", "search-index.json",
                                 "indicators/school-readiness.json",
                                 "downloads/stoke-growth-prospectus-2025/data/observations.csv",
                                 "downloads/stoke-growth-prospectus-2025/datapackage.json"])
def test_site_files_are_readable_from_another_origin_and_gzipped(served, rel):
    base, _ = served
    r = requests.get(f"{base}/{rel}", headers=ORIGIN, timeout=30, stream=True)
    assert r.status_code == 200, rel
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in r.headers["Access-Control-Allow-Methods"] and "POST" not in r.headers["Access-Control-Allow-Methods"]
    assert r.headers.get("Content-Encoding") == "gzip", rel
    wire = r.raw.read(decode_content=False)
    plain = requests.get(f"{base}/{rel}", timeout=30).content
    assert len(wire) < len(plain)
    import gzip

    assert gzip.decompress(wire) == plain


def test_the_read_api_is_readable_from_another_origin_and_gzipped(portal, served):
    r = requests.get(f"{portal.url}/api/3/action/package_show", params={"id": "stoke-growth-prospectus-2025"},
                     headers=ORIGIN, timeout=30)
    assert r.status_code == 200 and r.json()["success"]
    assert r.headers["Access-Control-Allow-Origin"] == "*" and r.headers["Content-Encoding"] == "gzip"
    pre = requests.options(f"{portal.url}/api/3/action/package_show", headers=ORIGIN, timeout=30)
    assert pre.headers.get("Access-Control-Allow-Origin") == "*"
    # a write is never offered to another origin
    post = requests.post(f"{portal.url}/api/3/action/package_search", json={}, headers=ORIGIN, timeout=30)
    assert "Access-Control-Allow-Origin" not in post.headers


def test_datastore_sql_search_answers_selects_read_only(portal, served):
    _, rid = served
    sql = f'SELECT indicator_id, value FROM "{rid}" WHERE indicator_id = \'people-in-employment\''
    r = requests.get(f"{portal.url}/api/3/action/datastore_search_sql", params={"sql": sql}, headers=ORIGIN, timeout=30)
    body = r.json()
    assert body["success"], body
    assert body["result"]["records"] == [{"indicator_id": "people-in-employment", "value": 116000}]
    for write in (f'DELETE FROM "{rid}"', f'DROP TABLE "{rid}"',
                  f'SELECT * FROM "{rid}"; DELETE FROM "{rid}"'):
        r = requests.get(f"{portal.url}/api/3/action/datastore_search_sql", params={"sql": write}, timeout=30)
        assert r.status_code in (400, 403, 409) and not r.json()["success"], write
    count = requests.get(f"{portal.url}/api/3/action/datastore_search_sql",
                         params={"sql": f'SELECT count(*) AS n FROM "{rid}"'}, timeout=30).json()
    assert count["result"]["records"][0]["n"] > 0  # nothing was deleted
    assert json.dumps(count)

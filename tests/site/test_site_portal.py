"""The site and the real local CKAN portal linked both ways: the site is served by the portal itself
(portal/up.sh sets extra_public_paths to .portal/public), each published dataset's `url` is its site page
and answers, the site's links to the portal's files and DataStore queries all answer, and the charts
reach the portal as one zip per dataset (no wall of PNGs)."""

from __future__ import annotations

import json
import re

import pytest
import requests

from site_fixtures import ROOT

SUBFOLDER = f"test-site-{__import__('uuid').uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def published_site(portal, bundled_packages):
    import os
    import shutil
    import subprocess
    import sys

    site_url = f"{portal.url}/{SUBFOLDER}"
    out = ROOT / ".portal" / "public" / SUBFOLDER  # served by the local portal at site_url
    env = portal.env(STOKE_OPENDATA_SITE_URL=site_url, STOKE_OPENDATA_NO_FAST_EXIT="1")
    dirs = [str(d) for d in bundled_packages]
    publish = subprocess.run([sys.executable, "-m", "stoke_opendata", "publish", *dirs, "--prune"],
                             env=env, capture_output=True, text=True, timeout=600)
    assert publish.returncode == 0, publish.stderr
    site = subprocess.run([sys.executable, "-m", "stoke_opendata", "site", *dirs, "--out", str(out),
                           "--portal", portal.url, "--format", "json"],
                          env={k: v for k, v in env.items() if k != "CKAN_API_TOKEN"},
                          capture_output=True, text=True, timeout=600)
    assert site.returncode == 0, site.stderr
    assert portal.token not in site.stdout
    try:
        yield out, json.loads(site.stdout), site_url
    finally:
        shutil.rmtree(out, ignore_errors=True)
        # leave the datasets pointing where `make run` serves the site, not at the removed test copy
        subprocess.run([sys.executable, "-m", "stoke_opendata", "publish", *dirs],
                       env={**env, "STOKE_OPENDATA_SITE_URL": f"{portal.url}/progress"}, capture_output=True, timeout=600)


@pytest.mark.portal
def test_each_dataset_url_is_its_site_page_and_charts_are_one_zip(portal, published_site, bundled_packages, anonymous):
    _, report, site_url = published_site
    assert sorted(report["linked_to_portal"]) == sorted(d.name for d in bundled_packages)
    for folder in bundled_packages:
        dataset = anonymous.action("package_show", id=folder.name)
        assert dataset["url"] == f"{site_url}/datasets/{folder.name}.html"
        page = requests.get(dataset["url"], timeout=30)  # the portal serves the site: follow the link
        assert page.status_code == 200, f"{dataset['url']}: HTTP {page.status_code} (is extra_public_paths set?)"
        assert f'href="{portal.url}/dataset/{folder.name}"' in page.text  # and the page links back
        formats = [r.get("format", "").lower() for r in dataset["resources"]]
        assert "png" not in formats, f"{folder.name}: chart PNGs are still separate resources"
        if (folder / "charts.zip").exists():
            assert [r["package_path"] for r in dataset["resources"] if r.get("package_path") == "charts.zip"]


@pytest.mark.portal
def test_every_link_from_the_site_to_the_portal_answers(portal, published_site):
    site, _, _ = published_site
    links = set()
    for page in site.rglob("*.html"):
        for href in re.findall(r'href="([^"]+)"', page.read_text(encoding="utf-8")):
            if href.startswith(portal.url):
                links.add(href.replace("&amp;", "&"))
    queries = [link for link in links if "datastore_search" in link]
    assert len(queries) > 100 and any("/download/" in link for link in links)
    with requests.Session() as session:
        for link in sorted(links):
            answer = session.get(link, timeout=30)
            assert answer.status_code == 200, f"{link}: HTTP {answer.status_code}"
            if "datastore_search" in link:
                body = answer.json()
                assert body["success"] and body["result"]["records"], link
                wanted = json.loads(re.search(r"filters=([^&]+)", requests.utils.unquote(link)).group(1))
                assert {r["indicator_id"] for r in body["result"]["records"]} == {wanted["indicator_id"]}


def _iri(value) -> str:
    return value["@id"] if isinstance(value, dict) else value


def _schema_org(page: str) -> list[dict]:
    """Every JSON-LD block of a page, expanded by pyld (a JSON-LD 1.1 processor). schema.org's context is
    given offline as what it amounts to here: its vocabulary (this machine has no internet)."""
    from pyld import jsonld

    def loader(url, options=None):
        if url.rstrip("/") in ("https://schema.org", "http://schema.org"):
            return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
                    "document": {"@context": {"@vocab": "http://schema.org/"}}}
        raise AssertionError(f"the page's JSON-LD asks for another context: {url}")

    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return [jsonld.compact(jsonld.expand(json.loads(b), {"documentLoader": loader}),
                           {"@vocab": "http://schema.org/"}, {"documentLoader": loader}) for b in blocks]


@pytest.mark.portal
def test_every_indicator_page_has_a_schema_org_dataset_whose_downloads_answer(portal, published_site):
    site, _, site_url = published_site
    pages = sorted((site / "indicators").glob("*.html"))
    assert len(pages) > 100
    urls = set()
    for path in pages:
        documents = _schema_org(path.read_text(encoding="utf-8"))
        assert len(documents) == 1, path.name
        d = documents[0]
        assert d["@type"] == "Dataset" and d["name"], path.name
        assert 50 <= len(d["description"]) <= 5000, path.name
        assert _iri(d["license"]).startswith("https://www.nationalarchives.gov.uk/doc/open-government-licence/")
        assert d["creator"]["name"] == "Stoke-on-Trent City Council"
        assert d["spatialCoverage"]["geo"]["box"], path.name
        assert d["variableMeasured"]["name"] and d["dateModified"], path.name
        assert d["isPartOf"]["@type"] == "DataCatalog", path.name
        assert _iri(d["url"]) == f"{site_url}/indicators/{path.name}"
        downloads = d["distribution"] if isinstance(d["distribution"], list) else [d["distribution"]]
        assert downloads and all(x["encodingFormat"] == "text/csv" for x in downloads), path.name
        urls.update(_iri(x["contentUrl"]) for x in downloads)
        if "temporalCoverage" in d:  # only where figures were observed (never a forecast's year)
            start, end = d["temporalCoverage"].split("/")
            assert start <= end <= "2026-12-31", path.name
    home = _schema_org((site / "index.html").read_text(encoding="utf-8"))
    assert [h["@type"] for h in home] == ["DataCatalog"] and len(home[0]["dataset"]) == 4
    with requests.Session() as session:
        for url in sorted(urls):
            answer = session.head(url, timeout=30, allow_redirects=True)
            assert answer.status_code == 200, f"{url}: HTTP {answer.status_code}"

"""The site and the real local CKAN portal linked both ways: each published dataset's `url` is its site
page, the site's links to the portal's files and DataStore queries all answer, and the charts reach the
portal as one zip per dataset (no wall of PNGs)."""

from __future__ import annotations

import json
import re

import pytest
import requests

from site_fixtures import bundled_packages  # noqa: F401

SITE_URL = "https://progress.example.gov.uk/open-data"


@pytest.fixture(scope="module")
def published_site(portal, bundled_packages, tmp_path_factory):
    import os
    import subprocess
    import sys

    env = portal.env(STOKE_OPENDATA_SITE_URL=SITE_URL, STOKE_OPENDATA_NO_FAST_EXIT="1")
    dirs = [str(d) for d in bundled_packages]
    publish = subprocess.run([sys.executable, "-m", "stoke_opendata", "publish", *dirs, "--prune"],
                             env=env, capture_output=True, text=True, timeout=600)
    assert publish.returncode == 0, publish.stderr
    out = tmp_path_factory.mktemp("portal-site") / "site"
    site = subprocess.run([sys.executable, "-m", "stoke_opendata", "site", *dirs, "--out", str(out),
                           "--portal", portal.url, "--format", "json"],
                          env={k: v for k, v in env.items() if k != "CKAN_API_TOKEN"},
                          capture_output=True, text=True, timeout=600)
    assert site.returncode == 0, site.stderr
    assert os.environ.get("CKAN_API_TOKEN", "") not in site.stdout or not os.environ.get("CKAN_API_TOKEN")
    return out, json.loads(site.stdout)


@pytest.mark.portal
def test_each_dataset_url_is_its_site_page_and_charts_are_one_zip(portal, published_site, bundled_packages, anonymous):
    _, report = published_site
    assert sorted(report["linked_to_portal"]) == sorted(d.name for d in bundled_packages)
    for folder in bundled_packages:
        dataset = anonymous.action("package_show", id=folder.name)
        assert dataset["url"] == f"{SITE_URL}/datasets/{folder.name}.html"
        formats = [r.get("format", "").lower() for r in dataset["resources"]]
        assert "png" not in formats, f"{folder.name}: chart PNGs are still separate resources"
        if (folder / "charts.zip").exists():
            assert [r["package_path"] for r in dataset["resources"] if r.get("package_path") == "charts.zip"]


@pytest.mark.portal
def test_every_link_from_the_site_to_the_portal_answers(portal, published_site):
    site, _ = published_site
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

"""The site and the real local CKAN portal linked both ways: the site is served by the portal itself
(portal/up.sh sets extra_public_paths to .portal/public), each published dataset's `url` is its site page
and answers, the site's links to the portal's files and DataStore queries all answer, and the charts
reach the portal as one zip per dataset (no wall of PNGs)."""

from __future__ import annotations

import json
import re

import pytest
import requests

from site_fixtures import ROOT, bundled_packages  # noqa: F401

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

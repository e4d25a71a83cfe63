"""The whole loop in real Chromium on a real CKAN with ckanext-stoke: a steward uploads the examples/ workbook
with one planted error and sees that row and its hint, uploads the corrected workbook and submits it; an admin
approves; the background release publishes it: the portal's observations and the site's indicator page show
the new figure and the revisions table the old one. axe-core finds no WCAG 2.1 AA violation on the new pages.

Screenshots go to $STOKE_SCREENSHOTS (docs/stewards.md's come from `STOKE_SCREENSHOTS=docs/img/stewards`),
else to the test's temporary folder."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import requests

from site_fixtures import run_axe
from stoke_instance import stoke  # noqa: F401
from stoke_steps import EXAMPLE, PACKAGE, workbook

pytestmark = pytest.mark.portal
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PLANTED = {"E4": "58.3.1"}  # row 4 (adults-physically-active): a value that is not a number


def _login(page, url, name, password):
    page.goto(f"{url}/user/login")
    page.fill("#field-login", name)
    page.fill("#field-password", password)
    page.locator("form:has(#field-login) button[type=submit]").click()
    page.wait_for_load_state()
    assert "/user/login" not in page.url, f"{name} could not log in"


def _shot(page, folder: Path, name: str):
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / name), full_page=True)


def _datastore(portal_url, package, resource_name, **filters):
    shown = requests.get(f"{portal_url}/api/3/action/package_show", params={"id": package}, timeout=60).json()["result"]
    rid = next(r["id"] for r in shown["resources"] if r["name"].lower() == resource_name)
    import json

    found = requests.get(f"{portal_url}/api/3/action/datastore_search",
                         params={"resource_id": rid, "filters": json.dumps(filters), "limit": 50}, timeout=60).json()
    return found["result"]["records"]


def test_steward_submits_admin_approves_and_the_portal_and_site_follow(stoke, browser, tmp_path, monkeypatch):
    url, passwords = stoke["url"], stoke["passwords"]
    shots = Path(os.environ.get("STOKE_SCREENSHOTS") or tmp_path / "shots")
    monkeypatch.setenv("STOKE_OPENDATA_HOME", str(stoke["home"]))
    from stoke_opendata.api import validate_data
    from stoke_opendata.api.steward import plan_submission

    bad = workbook(PLANTED)
    (tmp_path / "bad.xlsx").write_bytes(bad)
    expected = [p for p in validate_data(tmp_path / "bad.xlsx").problems if p.severity == "error"]
    assert len(expected) == 1 and expected[0].row == 4  # the one planted error, as `validate` reports it
    plan = plan_submission(EXAMPLE, "corporate-strategy-2024-28")["plan"]
    revised = plan["revised_rows"][0]
    pages_seen = []

    steward = browser.new_context(viewport={"width": 1280, "height": 900})
    page = steward.new_page()
    _login(page, url, "test-steward", passwords["test-steward"])
    page.goto(f"{url}/dataset/{PACKAGE}")
    page.get_by_role("link", name="Submit figures").first.click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/dataset/{PACKAGE}/submit")
    assert run_axe(page) == [], "submit page"
    _shot(page, shots, "1-submit.png")

    page.set_input_files("#file", files=[{"name": "steward-update-2025.xlsx", "mimeType": XLSX, "buffer": bad}])
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_load_state()
    row = page.locator("table.stoke-problems tbody tr.stoke-error")
    assert row.count() == 1
    cells = row.first.locator("td").all_inner_texts()
    assert cells[1] == "4" and cells[2] == expected[0].column and cells[5] == expected[0].hint
    assert page.get_by_role("button", name="Submit for approval").count() == 0
    assert run_axe(page) == [], "report page"
    _shot(page, shots, "2-report-with-error.png")
    pages_seen.append(page.content())

    page.get_by_role("link", name="Upload a corrected file").click()
    page.set_input_files("#file", str(EXAMPLE))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_load_state()
    counts = page.locator(".stoke-plan-counts").inner_text()
    assert counts == f"{plan['added']} added, {plan['revised']} revised, {plan['unchanged']} unchanged."
    revised_cells = page.locator("table.stoke-revised tbody tr").first.locator("td").all_inner_texts()
    assert revised_cells[3].startswith(revised["old_value"]) and revised_cells[4].startswith(revised["value"])
    page.fill("#reason", "ONS revised ASHE 2024; 2025 figures for nine indicators")
    assert run_axe(page) == [], "plan page"
    _shot(page, shots, "3-plan.png")
    page.get_by_role("button", name="Submit for approval").click()
    page.wait_for_load_state()
    assert page.locator("#status").inner_text() == "pending"
    submission_url = page.url
    pages_seen.append(page.content())

    admin = browser.new_context(viewport={"width": 1280, "height": 900})
    apage = admin.new_page()
    _login(apage, url, "test-approver", passwords["test-approver"])
    apage.goto(f"{url}/dataset/{PACKAGE}/approvals")
    section = apage.locator("section.stoke-pending", has_text="steward-update-2025-EXAMPLE.xlsx")
    assert section.count() == 1
    assert run_axe(apage) == [], "approvals page"
    _shot(apage, shots, "4-approvals.png")
    section.locator("textarea").fill("Checked against the ONS release")
    started = time.monotonic()
    section.get_by_role("button", name="Approve and publish").click()
    apage.wait_for_load_state()
    answered = time.monotonic() - started
    assert "Approved and written to the record" in apage.content()
    pages_seen.append(apage.content())

    status = ""
    deadline = time.monotonic() + 400
    while time.monotonic() < deadline:
        apage.goto(submission_url)
        status = apage.locator("#job strong").inner_text()
        if status in ("done", "failed"):
            break
        time.sleep(2)
    published_after = time.monotonic() - started
    assert status == "done", apage.locator("#job").inner_text()
    assert answered < published_after  # the approval's request did not wait for the publish
    assert run_axe(apage) == [], "submission page after approval"
    _shot(apage, shots, "5-published.png")
    pages_seen.append(apage.content())
    page.goto(submission_url)
    assert page.locator("#status").inner_text() == "approved"  # the submitter sees the outcome

    portal = stoke["portal"].url
    new = _datastore(portal, PACKAGE, "observations", indicator_id="gross-weekly-pay-full-time", period="2025")
    assert [float(r["value"]) for r in new if r["area_code"] == "E06000021"] == [571.0]
    old = _datastore(portal, PACKAGE, "revisions", indicator_id="gross-weekly-pay-full-time", period="2024")
    assert any(float(r["old_value"]) == float(revised["old_value"]) and float(r["new_value"]) == float(revised["value"])
               and r["revised_by"] == "test-steward (approved by test-approver)" for r in old), old
    site_page = Path(stoke["work"]) / "site" / "indicators" / "gross-weekly-pay-full-time.html"
    assert "571" in site_page.read_text(encoding="utf-8")

    token = stoke["token"]
    assert not any(token in text for text in pages_seen)
    for log in stoke["logs"].values():
        assert token not in log.read_text(encoding="utf-8", errors="replace")
    steward.close()
    admin.close()

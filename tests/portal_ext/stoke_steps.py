"""The steps of the Submit figures pages as HTTP calls (a logged-in session posting the forms the pages show)."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

import openpyxl

from stoke_web import csrf

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "steward-update-2025-EXAMPLE.xlsx"
PACKAGE = "stoke-corporate-strategy-2024-28"
SID = re.compile(r"/submit/([0-9a-f]{24})")


def workbook(changes: dict[str, object] | None = None) -> bytes:
    """The examples/ workbook with cells changed (e.g. {"E4": "58.3.1"} plants an error in row 4)."""
    book = openpyxl.load_workbook(EXAMPLE)
    for cell, value in (changes or {}).items():
        book.active[cell] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(s, url: str, name: str, content: bytes, package: str = PACKAGE):
    page = s.get(f"{url}/dataset/{package}/submit", timeout=60)
    return s.post(f"{url}/dataset/{package}/submit", data={"_csrf_token": csrf(page.text)},
                  files={"file": (name, content)}, timeout=120)


def submission_id(response) -> str:
    found = SID.search(response.url)
    assert found, f"not on a submission page: {response.status_code} {response.url}"
    return found.group(1)


def send(s, url: str, sid: str, reason: str):
    page = s.get(f"{url}/dataset/{PACKAGE}/submit/{sid}", timeout=60)
    return s.post(f"{url}/dataset/{PACKAGE}/submit/{sid}/send", data={"_csrf_token": csrf(page.text), "reason": reason},
                  timeout=120)


def approvals(s, url: str):
    return s.get(f"{url}/dataset/{PACKAGE}/approvals", timeout=120)


def record_seen(page_text: str, sid: str) -> str:
    form = page_text.split(f"/approvals/{sid}", 1)[1]
    return re.search(r'name="record" value="([0-9a-f]+)"', form).group(1)


def decide(s, url: str, sid: str, decision: str, reason: str, record: str | None = None):
    page = approvals(s, url)
    if record is None:
        record = record_seen(page.text, sid)
    return s.post(f"{url}/dataset/{PACKAGE}/approvals/{sid}",
                  data={"_csrf_token": csrf(page.text), "decision": decision, "reason": reason, "record": record},
                  timeout=120)


def wait_for_job(s, url: str, sid: str, timeout: float = 300) -> str:
    """The submission page's release status once it is done or failed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = s.get(f"{url}/dataset/{PACKAGE}/submit/{sid}", timeout=60).text
        found = re.search(r'id="job">.*?<strong>(\w+)</strong>', text, re.S)
        if found and found.group(1) in ("done", "failed"):
            return found.group(1)
        time.sleep(1)
    raise AssertionError("the release job did not finish in time")

"""Each refusal of the Submit figures and Approvals pages, over HTTP against a real CKAN with ckanext-stoke:
who may not, requests without CSRF, bad uploads, stale or repeated decisions. Nothing refused is written."""

from __future__ import annotations

import http.client
import threading
from pathlib import Path

import pytest

from stoke_steps import PACKAGE, approvals, decide, send, submission_id, upload, workbook
from stoke_web import csrf, login, session
from stoke_instance import TEST_LIMIT_MB, stoke  # noqa: F401

pytestmark = pytest.mark.portal


def _revisions(stoke) -> str:
    path = Path(stoke["home"]) / "datasets" / "corporate-strategy-2024-28" / "revisions.csv"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def _observations(stoke) -> str:
    return (Path(stoke["home"]) / "datasets" / "corporate-strategy-2024-28" / "observations.csv").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def steward(stoke):
    return login(stoke["url"], "test-steward", stoke["passwords"]["test-steward"])


@pytest.fixture(scope="module")
def approver(stoke):
    return login(stoke["url"], "test-approver", stoke["passwords"]["test-approver"])


def test_anonymous_is_sent_to_log_in(stoke):
    for path in ("submit", "approvals"):
        r = session().get(f"{stoke['url']}/dataset/{PACKAGE}/{path}", allow_redirects=False, timeout=30)
        assert r.status_code == 302 and "/user/login" in r.headers["location"], path


@pytest.mark.parametrize("who", ["test-member", "test-outsider"])
def test_a_member_with_read_access_or_another_organisations_editor_gets_403(stoke, who):
    s = login(stoke["url"], who, stoke["passwords"][who])
    assert s.get(f"{stoke['url']}/dataset/{PACKAGE}/submit", timeout=30).status_code == 403
    assert s.get(f"{stoke['url']}/dataset/{PACKAGE}/approvals", timeout=30).status_code == 403
    assert "Submit figures" not in s.get(f"{stoke['url']}/dataset/{PACKAGE}", timeout=30).text


def test_an_editor_may_submit_but_not_approve(stoke, steward):
    assert steward.get(f"{stoke['url']}/dataset/{PACKAGE}/approvals", timeout=30).status_code == 403
    assert "Submit figures" in steward.get(f"{stoke['url']}/dataset/{PACKAGE}", timeout=30).text


def test_a_post_without_the_csrf_token_is_refused_and_nothing_is_stored(stoke, steward):
    before = sorted(p.name for p in Path(stoke["submissions"]).glob("*")) if Path(stoke["submissions"]).exists() else []
    r = steward.post(f"{stoke['url']}/dataset/{PACKAGE}/submit", files={"file": ("a.xlsx", workbook())}, timeout=60)
    assert r.status_code == 400 and "CSRF" in r.text
    after = sorted(p.name for p in Path(stoke["submissions"]).glob("*")) if Path(stoke["submissions"]).exists() else []
    assert after == before


def _expected(tmp_path, name: str, content: bytes) -> list[str]:
    """What stoke-opendata itself says about this upload (the page must show the same words, not its own)."""
    from stoke_opendata.api.steward import check_submission, submission_kind
    from stoke_opendata.errors import StokeError

    path = tmp_path / "upload"
    path.write_bytes(content)
    try:
        stored = path.rename(path.with_suffix("." + submission_kind(path, name)))
        return [p["message"] for p in check_submission(stored, tmp_path, shown=name)["problems"]][:3]
    except StokeError as exc:
        return [exc.message]


@pytest.mark.parametrize("name, content", [
    ("empty.csv", b""),
    ("notes.txt", b"indicator_id\n"),
    ("broken.xlsx", b"PK\x03\x04 this is not really a workbook"),
    ("figures.xlsx", b"indicator_id,area_code\n"),
    ("latin1.csv", "indicator_id,area_code,area_name,period,value,status\nx,E06000021,St\xf6ke,2025,1,final\n".encode("latin-1")),
])
def test_bad_files_end_with_a_clear_message_and_nothing_written(stoke, steward, tmp_path, monkeypatch, name, content):
    import html

    monkeypatch.setenv("STOKE_OPENDATA_HOME", str(stoke["home"]))
    monkeypatch.setenv("STOKE_OPENDATA_MAX_FILE_MB", TEST_LIMIT_MB)
    expected = _expected(tmp_path, name, content)
    record = _observations(stoke)
    r = upload(steward, stoke["url"], name, content)
    shown = html.unescape(r.text)
    assert expected and all(m in shown for m in expected), (expected, shown[-1500:])
    assert "Submit for approval" not in r.text
    assert _observations(stoke) == record


def test_an_upload_over_the_size_limit_is_refused_before_it_is_read(stoke, steward):
    big = b"x" * (8 * 1024 * 1024)
    r = upload(steward, stoke["url"], "big.csv", big)
    assert r.status_code == 413 and "MB limit" in r.text


def test_a_600_mb_upload_is_refused_from_its_length_alone(stoke, steward):
    page = steward.get(f"{stoke['url']}/dataset/{PACKAGE}/submit", timeout=30)
    host, port = stoke["url"].split("//")[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    cookie = "; ".join(f"{c.name}={c.value}" for c in steward.cookies)
    conn.putrequest("POST", f"/dataset/{PACKAGE}/submit")
    conn.putheader("Content-Type", "multipart/form-data; boundary=XyZ")
    conn.putheader("Content-Length", str(600 * 1024 * 1024))
    conn.putheader("X-CSRFToken", csrf(page.text))
    conn.putheader("Cookie", cookie)
    conn.endheaders()
    conn.send(b"--XyZ\r\n")  # and no more: the server must answer without waiting for 600 MB
    response = conn.getresponse()
    body = response.read().decode("utf-8", "replace")
    assert response.status == 413 and "600 MB" in body and "limit" in body


def test_a_workbook_that_expands_past_the_limit_is_refused_before_it_is_parsed(stoke, steward, tmp_path):
    import zipfile

    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (30 * 1024 * 1024))  # 30 MB of zeros: 5 x the 5 MB test limit is 25
    r = upload(steward, stoke["url"], "bomb.xlsx", bomb.read_bytes())
    assert r.status_code == 400 and "unpacks to" in r.text


def test_an_uploaded_file_name_is_never_used_as_a_path(stoke, steward, tmp_path):
    target = Path("/tmp") / f"stoke-evil-{tmp_path.name}.xlsx"
    r = upload(steward, stoke["url"], f"../../../../../../tmp/{target.name}", workbook())
    sid = submission_id(r)
    assert not target.exists()
    stored = sorted(p.name for p in (Path(stoke["submissions"]) / sid).iterdir())
    assert "upload.xlsx" in stored and not any("evil" in n for n in stored)
    assert target.name in r.text  # shown as text, the folders dropped


def test_a_file_for_another_dataset_is_refused_with_a_message(stoke, steward, tmp_path):
    record = _observations(stoke)
    csv = ("indicator_id,area_code,area_name,period,value,lower_ci,upper_ci,numerator,denominator,status,source,notes\n"
           "gva-growth,E06000021,Stoke-on-Trent,2016-2023,41.0,,,,,final,test,\n").encode()
    r = upload(steward, stoke["url"], "growth.csv", csv)
    sid = submission_id(r)
    assert "growth-prospectus-2025" in r.text  # accept names the dataset these figures belong to
    assert send(steward, stoke["url"], sid, "wrong dataset").status_code == 200
    assert _observations(stoke) == record
    assert "Submit for approval" not in r.text


def test_the_submitter_may_not_approve_their_own_submission(stoke, approver):
    r = upload(approver, stoke["url"], "own.xlsx", workbook({"E3": 51.3}))
    sid = submission_id(r)
    send(approver, stoke["url"], sid, "my own")
    page = approvals(approver, stoke["url"])
    assert "another admin of the organisation must decide" in page.text
    record = _observations(stoke)
    r = approver.post(f"{stoke['url']}/dataset/{PACKAGE}/approvals/{sid}",
                      data={"_csrf_token": csrf(page.text), "decision": "approve", "reason": "self", "record": "x"}, timeout=60)
    assert r.status_code == 403
    assert _observations(stoke) == record
    decide(login(stoke["url"], "test-approver-2", stoke["passwords"]["test-approver-2"]), stoke["url"], sid, "reject",
           "tidy up after the test")


def test_two_approvals_at_once_are_serialised_and_a_second_approval_changes_nothing(stoke, steward, approver):
    r = upload(steward, stoke["url"], "twice.xlsx", workbook({"E3": 51.4}))
    sid = submission_id(r)
    send(steward, stoke["url"], sid, "adults level 3: corrected")
    other = login(stoke["url"], "test-approver-2", stoke["passwords"]["test-approver-2"])
    page_a, page_b = approvals(approver, stoke["url"]), approvals(other, stoke["url"])
    from stoke_steps import record_seen

    results = {}

    def go(key, s, page):
        results[key] = s.post(f"{stoke['url']}/dataset/{PACKAGE}/approvals/{sid}",
                              data={"_csrf_token": csrf(page.text), "decision": "approve", "reason": f"ok {key}",
                                    "record": record_seen(page.text, sid)}, timeout=120)

    threads = [threading.Thread(target=go, args=("a", approver, page_a)), threading.Thread(target=go, args=("b", other, page_b))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    texts = [results["a"].text, results["b"].text]
    assert sum("Approved and written" in t for t in texts) == 1, [t[:200] for t in texts]
    assert sum("already approved" in t for t in texts) == 1
    revisions = _revisions(stoke)
    assert revisions.count("adults level 3: corrected") == 1  # one revision row, from one accept
    again = decide(approver, stoke["url"], sid, "approve", "again", record="whatever")
    assert "already approved" in again.text and _revisions(stoke) == revisions


def test_an_approval_on_a_stale_plan_is_refused_and_nothing_is_written(stoke, steward, approver):
    first = submission_id(upload(steward, stoke["url"], "first.xlsx", workbook({"E4": 58.4})))
    second = submission_id(upload(steward, stoke["url"], "second.xlsx", workbook({"E4": 58.5})))
    send(steward, stoke["url"], first, "physically active: first correction")
    send(steward, stoke["url"], second, "physically active: second correction")
    page = approvals(approver, stoke["url"])
    seen = record_seen_for(page.text, second)
    assert "Approved and written" in decide(approver, stoke["url"], first, "approve", "first one").text
    record = _observations(stoke)
    r = decide(approver, stoke["url"], second, "approve", "second one", record=seen)
    assert "record changed since this page was loaded" in r.text
    assert _observations(stoke) == record
    page = approvals(approver, stoke["url"])
    assert "The record has changed since this was submitted" in page.text  # the plan is shown as it is now
    decide(approver, stoke["url"], second, "reject", "superseded")


def record_seen_for(text: str, sid: str) -> str:
    from stoke_steps import record_seen

    return record_seen(text, sid)


def test_the_html_report_and_the_fixed_file_download(stoke, steward):
    r = upload(steward, stoke["url"], "with error.xlsx", workbook({"E4": "58.3.1"}))
    sid = submission_id(r)
    report = steward.get(f"{stoke['url']}/dataset/{PACKAGE}/submit/{sid}/report.html", timeout=60)
    assert report.status_code == 200 and "attachment" in report.headers["content-disposition"]
    assert "58.3.1" in report.text and "<html" in report.text.lower()
    fixed = steward.get(f"{stoke['url']}/dataset/{PACKAGE}/submit/{sid}/fixed.csv", timeout=60)
    assert fixed.status_code == 200 and fixed.text.startswith("indicator_id,")
    assert len(fixed.text.strip().splitlines()) == 11  # the header and the workbook's ten rows
    outsider = login(stoke["url"], "test-outsider", stoke["passwords"]["test-outsider"])
    assert outsider.get(f"{stoke['url']}/dataset/{PACKAGE}/submit/{sid}/report.html", timeout=60).status_code == 403


def test_every_post_of_the_pages_is_refused_without_the_csrf_token(stoke, steward, approver):
    sid = submission_id(upload(steward, stoke["url"], "csrf.xlsx", workbook({"E3": 51.6})))
    base = f"{stoke['url']}/dataset/{PACKAGE}"
    for s, path, data in ((steward, f"/submit/{sid}/sheet", {"sheet": "EXAMPLE update 2025"}),
                          (steward, f"/submit/{sid}/send", {"reason": "no token"}),
                          (approver, f"/approvals/{sid}", {"decision": "reject", "reason": "no token"})):
        r = s.post(base + path, data=data, timeout=60)
        assert r.status_code == 400 and "CSRF" in r.text, path
    page = steward.get(f"{base}/submit/{sid}", timeout=60)
    assert '<strong id="status">draft</strong>' in page.text  # nothing changed


def test_a_workbook_with_several_sheets_offers_each_and_checks_the_one_chosen(stoke, steward):
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(workbook()))
    second = book.copy_worksheet(book.active)
    second.title = "Draft with an error"
    second["E4"] = "58.3.1"
    out = io.BytesIO()
    book.save(out)
    r = upload(steward, stoke["url"], "two sheets.xlsx", out.getvalue())
    sid = submission_id(r)
    assert 'id="sheet"' in r.text and "Draft with an error" in r.text and "stoke-error" not in r.text
    page = steward.get(f"{stoke['url']}/dataset/{PACKAGE}/submit/{sid}", timeout=60)
    r = steward.post(f"{stoke['url']}/dataset/{PACKAGE}/submit/{sid}/sheet",
                     data={"_csrf_token": csrf(page.text), "sheet": "Draft with an error"}, timeout=120)
    assert r.status_code == 200 and "stoke-error" in r.text and "58.3.1" in r.text
    r = steward.post(f"{stoke['url']}/dataset/{PACKAGE}/submit/{sid}/sheet",
                     data={"_csrf_token": csrf(page.text), "sheet": "No such sheet"}, timeout=120)
    assert "No such sheet" in r.text  # the refusal names it; the report of the last good check stays

"""The unattended release job: run log (--log-json), the failure alert (a real local HTTP server), the lock.

The portal is the real local CKAN where a release must reach it; a portal that goes down in the middle is the
fault proxy in front of it answering 503 from the fifth request on. The alert's receiver is a real HTTP server
on loopback that records every POST, so "sent once" and "no token in it" are read off what arrived."""

from __future__ import annotations

import fcntl
import json
import os
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
import requests

from faultproxy import FaultProxy

TOKEN = "tok-SECRET-never-in-an-alert"


class Receiver:
    """A webhook receiver on loopback: every POST's headers and JSON body, in order."""

    def __init__(self, status: int = 200):
        self.posts: list[tuple[dict, dict]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.posts.append((dict(self.headers), json.loads(body)))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/SECRET-PATH"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def _lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_a_failed_run_is_logged_and_alerted_once_without_the_token(run_cli, tmp_path, receiver):
    log = tmp_path / "logs" / "release.jsonl"
    env = {"CKAN_API_TOKEN": TOKEN, "STOKE_OPENDATA_ALERT_URL": receiver.url, "STOKE_OPENDATA_RETRIES": "2"}
    code, out, err = run_cli(["release", "indicator-definitions", "--out", tmp_path / "out", "--portal",
                              "http://127.0.0.1:1", "--log-json", log], env=env)
    assert code == 2
    error_lines = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(error_lines) == 1 and "127.0.0.1:1" in error_lines[0], err
    assert len(receiver.posts) == 1, "one alert per failed run, however many retries the client made"
    headers, body = receiver.posts[0]
    assert "Authorization" not in headers and TOKEN not in json.dumps(body) and TOKEN not in err
    assert body["run"]["outcome"] == "failed" and body["run"]["error"] == error_lines[0]
    assert error_lines[0] in body["text"]
    [record] = _lines(log)
    assert record["outcome"] == "failed" and record["error"] == error_lines[0]
    assert record["alert"].startswith("sent to 127.0.0.1 (HTTP 200)")
    assert record["start"] <= record["end"] and record["datasets"] == ["indicator-definitions"]
    assert "SECRET-PATH" not in err and "SECRET-PATH" not in log.read_text()  # the webhook URL is a secret too


def test_a_webhook_that_does_not_answer_is_one_line_and_the_run_is_still_logged(run_cli, tmp_path):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # accepts the connection, never answers
    try:
        log = tmp_path / "release.jsonl"
        env = {"CKAN_API_TOKEN": TOKEN, "STOKE_OPENDATA_RETRIES": "0", "STOKE_OPENDATA_ALERT_TIMEOUT": "1",
               "STOKE_OPENDATA_ALERT_URL": f"http://127.0.0.1:{silent.getsockname()[1]}/hook"}
        code, _, err = run_cli(["release", "indicator-definitions", "--out", tmp_path / "out", "--portal",
                                "http://127.0.0.1:1", "--log-json", log], env=env)
    finally:
        silent.close()
    assert code == 2
    assert "alert: not sent: 127.0.0.1 did not answer within 1 s" in err
    assert "Traceback" not in err
    [record] = _lines(log)
    assert record["alert"] == "not sent: 127.0.0.1 did not answer within 1 s"


def test_a_run_log_that_cannot_be_written_stops_the_job_before_anything_is_released(run_cli, tmp_path, receiver):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the log's folder should be")
    log = blocker / "release.jsonl"
    env = {"CKAN_API_TOKEN": TOKEN, "STOKE_OPENDATA_ALERT_URL": receiver.url}
    code, out, err = run_cli(["release", "indicator-definitions", "--out", tmp_path / "out", "--portal",
                              "http://127.0.0.1:1", "--log-json", log], env=env)
    assert code == 2
    assert err.splitlines()[0].startswith(f"error: {log}: cannot write the run log"), err
    assert len(receiver.posts) == 1 and "cannot write the run log" in receiver.posts[0][1]["text"]
    assert not (tmp_path / "out" / "stoke-indicator-definitions").exists()


def test_a_second_job_exits_0_saying_so_while_the_first_holds_the_lock(run_cli, tmp_path, receiver):
    out = tmp_path / "out"
    out.mkdir()
    log = tmp_path / "release.jsonl"
    fd = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(fd, fcntl.LOCK_EX)  # "the first job"
    try:
        env = {"CKAN_API_TOKEN": TOKEN, "STOKE_OPENDATA_ALERT_URL": receiver.url, "STOKE_OPENDATA_RELEASE_WAIT": "0.5"}
        code, _, err = run_cli(["release", "--out", out, "--portal", "http://127.0.0.1:1", "--log-json", log], env=env)
        assert code == 0 and "another release holds the lock" in err and "released nothing" in err
        code, _, err = run_cli(["release", "--out", out, "--portal", "http://127.0.0.1:1", "--log-json", log,
                                "--if-running", "wait"], env=env)
        assert code == 0 and "(waited 0.5 s)" in err
    finally:
        os.close(fd)
    assert [r["outcome"] for r in _lines(log)] == ["skipped-running", "skipped-running"]
    assert receiver.posts == [] and not any(out.iterdir())


def test_a_portal_down_mid_release_is_one_line_one_alert_and_the_next_run_completes(portal, run_cli, tmp_path,
                                                                                    receiver):
    up = urlsplit(portal.url)
    log, out = tmp_path / "release.jsonl", tmp_path / "out"
    args = ["release", "indicator-definitions", "--out", out, "--log-json", log]
    code, _, err = run_cli(["release", "indicator-definitions", "--out", tmp_path / "first"], env=portal.env())
    assert code == 0, err
    shown = requests.get(f"{portal.url}/api/3/action/package_show", params={"id": "stoke-indicator-definitions"},
                         timeout=30).json()["result"]
    [areas] = [r for r in shown["resources"] if r.get("package_path") == "data/areas.csv"]
    r = requests.post(f"{portal.url}/api/3/action/resource_patch", json={"id": areas["id"], "sha256": "stale"},
                      headers={"Authorization": portal.token}, timeout=60)
    assert r.status_code == 200  # so this release has a file to upload
    with FaultProxy((up.hostname, up.port), rate=0.0, faults=("503",)) as proxy:
        def go_down(n, method, path):
            if "package_revise" in path:  # the upload reaches CKAN, then the portal goes down: 503 from here on
                proxy.rate = 1.0
        proxy.on_request = go_down
        env = portal.env(CKAN_URL=proxy.url, STOKE_OPENDATA_RETRIES="1", STOKE_OPENDATA_ALERT_URL=receiver.url)
        code, _, err = run_cli(args, env=env)
        assert code == 2 and any("package_revise" in path for _, path, _ in proxy.log), err
        assert len([line for line in err.splitlines() if line.startswith("error: ")]) == 1, err
        assert len(receiver.posts) == 1
        proxy.rate, proxy.on_request = 0.0, None  # the portal is back
        code, _, err = run_cli(args, env=env)
        assert code == 0, err
        code, text, err = run_cli(args, env=env)
        assert code == 0 and "nothing changed, 0 bytes uploaded" in text
        # the portal holds exactly what was released (asked at the address it was published to: each file's
        # access_url names the portal by that address)
        code, _, err = run_cli(["status", "stoke-indicator-definitions", "--out", out], env=env)
        assert code == 0, err
    records = _lines(log)
    assert [r["outcome"] for r in records] == ["failed", "released", "released"]
    assert records[2]["bytes_uploaded"] == 0 and records[2]["api_calls"] > 0 and records[0]["error"].startswith("error: ")
    assert len(receiver.posts) == 1, "only the failed run alerts"
    assert portal.token not in log.read_text()

"""The portal client: settings and secrets, timeouts, bounded retries, one-line errors, counters.

Retry behaviour is tested against small real HTTP servers on loopback that answer 503/429 a set number
of times (the real CKAN cannot be made to fail on cue); everything else runs against the real portal.
"""

from __future__ import annotations

import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from stoke_opendata.errors import PortalError
from stoke_opendata.portal.client import (
    PortalAuthError,
    PortalClient,
    PortalNotFound,
    PortalValidationError,
)
from stoke_opendata.portal.credentials import PortalSettings, resolve_settings

SECRET = "not-a-real-token-0123456789"


# ------------------------------------------------------------------ settings and secrets


def test_settings_from_option_then_env(monkeypatch, tmp_path):
    monkeypatch.setenv("STOKE_OPENDATA_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("CKAN_URL", "https://env.example:5000/")
    monkeypatch.setenv("CKAN_API_TOKEN", SECRET)
    assert resolve_settings().url == "https://env.example:5000"
    settings = resolve_settings("https://option.example")
    assert settings.url == "https://option.example"
    assert settings.token == SECRET
    assert SECRET not in repr(settings)
    assert resolve_settings(anonymous=True).token is None


def test_settings_from_config_file(monkeypatch, tmp_path):
    config = tmp_path / "portal.toml"
    config.write_text(f'[portal]\nurl = "https://cfg.example"\napi_token = "{SECRET}"\n', encoding="utf-8")
    config.chmod(0o600)
    monkeypatch.delenv("CKAN_URL", raising=False)
    monkeypatch.delenv("CKAN_API_TOKEN", raising=False)
    monkeypatch.setenv("STOKE_OPENDATA_CONFIG", str(config))
    settings = resolve_settings()
    assert (settings.url, settings.token) == ("https://cfg.example", SECRET)


def test_config_file_readable_by_others_is_refused(monkeypatch, tmp_path):
    config = tmp_path / "portal.toml"
    config.write_text(f'[portal]\napi_token = "{SECRET}"\n', encoding="utf-8")
    config.chmod(0o644)
    monkeypatch.setenv("STOKE_OPENDATA_CONFIG", str(config))
    monkeypatch.delenv("CKAN_API_TOKEN", raising=False)
    with pytest.raises(PortalError) as err:
        resolve_settings("http://x.example")
    assert "chmod 600" in err.value.one_line()
    assert SECRET not in err.value.one_line()


def test_missing_or_bad_url_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("STOKE_OPENDATA_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.delenv("CKAN_URL", raising=False)
    with pytest.raises(PortalError, match="--portal URL or set CKAN_URL"):
        resolve_settings()
    with pytest.raises(PortalError, match="must start with http"):
        resolve_settings("ftp://x")


# ------------------------------------------------------------------ retries against real loopback servers


class _Flaky(BaseHTTPRequestHandler):
    """Answers `failures` requests with `status` (and Retry-After), then a CKAN-shaped success."""

    failures = 2
    status = 503
    seen: list = []

    def do_POST(self):  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        type(self).seen.append(self.headers.get("Authorization"))
        if len(type(self).seen) <= type(self).failures:
            self.send_response(type(self).status)
            self.send_header("Retry-After", "0")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = json.dumps({"success": True, "result": {"ok": len(type(self).seen)}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def flaky_server():
    servers = []

    def start(failures: int, status: int):
        handler = type("Handler", (_Flaky,), {"failures": failures, "status": status, "seen": []})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}", handler

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("status", [503, 429, 502])
def test_transient_errors_are_retried_then_succeed(flaky_server, status):
    url, handler = flaky_server(failures=2, status=status)
    with PortalClient(PortalSettings(url, SECRET), retries=3, backoff=0.01) as client:
        assert client.action("status_show") == {"ok": 3}
        assert client.calls == 1  # one API call, three HTTP attempts
    assert len(handler.seen) == 3


def test_retries_are_bounded(flaky_server):
    url, handler = flaky_server(failures=100, status=503)
    with PortalClient(PortalSettings(url, SECRET), retries=2, backoff=0.01) as client:
        with pytest.raises(PortalError) as err:
            client.action("status_show")
    assert len(handler.seen) == 3  # the first try and two retries
    line = err.value.one_line()
    assert "HTTP 503" in line and "after 2 retries" in line
    assert SECRET not in line


def test_upload_is_retried_with_a_fresh_body(flaky_server, tmp_path):
    url, handler = flaky_server(failures=1, status=503)
    data = tmp_path / "x.csv"
    data.write_bytes(b"a,b\n1,2\n" * 1000)
    seen = []
    with PortalClient(PortalSettings(url, SECRET), retries=2, backoff=0.01) as client:
        result = client.upload("resource_create", {"package_id": "p"}, {"upload": ("x.csv", data, "text/csv")},
                               progress=seen.append)
        assert result == {"ok": 2}
        assert client.bytes_uploaded == data.stat().st_size  # counted once, for the attempt that landed
    assert handler.seen == [SECRET, SECRET]
    assert sum(seen) > data.stat().st_size  # the progress callback saw the body stream


class _Truncating(BaseHTTPRequestHandler):
    """The first answer breaks off mid-body (a reset after CKAN acted); later ones are whole."""

    seen: list = []

    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        type(self).seen.append(1)
        body = json.dumps({"success": True, "result": {"n": len(type(self).seen)}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if len(type(self).seen) == 1:
            self.wfile.write(body[:5])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_answer_broken_off_mid_body_is_retried():
    handler = type("Handler", (_Truncating,), {"seen": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        with PortalClient(PortalSettings(url, None), retries=2, backoff=0.01) as client:
            assert client.action("package_show", id="x") == {"n": 2}
            assert client.calls == 1
    finally:
        server.shutdown()
        server.server_close()


def test_unreachable_portal_is_one_clear_line():
    with PortalClient(PortalSettings("http://127.0.0.1:9", None), retries=1, backoff=0.01) as client:
        started = time.perf_counter()
        with pytest.raises(PortalError) as err:
            client.action("status_show")
    assert err.value.one_line().startswith("cannot reach the portal at http://127.0.0.1:9:")
    assert time.perf_counter() - started < 10


def test_timeout_applies_to_every_request():
    """A server that accepts but never answers: the read timeout ends the call."""
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(5)
    try:
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        with PortalClient(PortalSettings(url, None), timeout=(1, 0.5), retries=0) as client:
            with pytest.raises(PortalError, match="no answer within 0.5 s"):
                client.action("status_show")
    finally:
        sock.close()


# ------------------------------------------------------------------ against the real portal


@pytest.mark.portal
def test_real_portal_answers_and_counts_calls(client):
    assert client.action("status_show")["ckan_version"].startswith("2.11")
    assert client.calls == 1


@pytest.mark.portal
def test_real_portal_not_found_and_validation_errors(client):
    with pytest.raises(PortalNotFound):
        client.action("package_show", id="no-such-dataset-stoke-test")
    with pytest.raises(PortalValidationError) as err:
        client.action("package_create", name="Not A Valid Name!")
    assert "name" in err.value.errors


@pytest.mark.portal
def test_wrong_token_is_refused_in_one_line_without_the_token(portal):
    with PortalClient(PortalSettings(portal.url, SECRET)) as bad:
        with pytest.raises(PortalAuthError) as err:
            bad.action("organization_create", name="should-not-exist")
    line = err.value.one_line()
    assert line.startswith("the portal refused the API token (HTTP 403)")
    assert SECRET not in line and portal.token not in line


@pytest.mark.portal
def test_download_streams_and_hashes(client, portal, tmp_path):
    import hashlib

    dest = tmp_path / "license.json"
    size, digest = client.download(f"{portal.url}/api/3/action/license_list", dest)
    assert size == dest.stat().st_size > 0
    assert digest == hashlib.sha256(dest.read_bytes()).hexdigest()
    with pytest.raises(PortalNotFound):
        client.download(f"{portal.url}/dataset/no-such/resource/none/download/x.csv", tmp_path / "x.csv")
    assert not (tmp_path / "x.csv").exists()


def test_portal_module_is_the_only_one_importing_http_libraries():
    root = os.path.join(os.path.dirname(__file__), "..", "..", "stoke_opendata")
    offenders = []
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            relative = os.path.relpath(os.path.join(dirpath, name), root)
            # portal/alert.py: the release job's webhook (pyproject.toml's "Only portal.client and portal.alert
            # speak HTTP" contract names both)
            if name.endswith(".py") and relative not in (os.path.join("portal", "client.py"),
                                                         os.path.join("portal", "alert.py")):
                text = open(os.path.join(dirpath, name), encoding="utf-8").read()
                if any(f"import {lib}" in text or f"from {lib}" in text
                       for lib in ("requests", "ckanapi", "urllib.request", "http.client", "urllib3")):
                    offenders.append(name)
    assert offenders == []

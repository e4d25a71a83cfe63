"""The API token is never sent in the clear: a plain-http portal other than this machine is refused before any
request, unless the operator says the network is trusted (STOKE_OPENDATA_ALLOW_HTTP or [portal] allow_http)."""

from __future__ import annotations

import pytest

from stoke_opendata.errors import PortalError
from stoke_opendata.portal.credentials import resolve_settings


@pytest.fixture(autouse=True)
def _clean(monkeypatch, tmp_path):
    for key in ("CKAN_URL", "CKAN_API_TOKEN", "STOKE_OPENDATA_ALLOW_HTTP"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("STOKE_OPENDATA_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("CKAN_API_TOKEN", "tok-secret")


@pytest.mark.parametrize("url", ["https://data.stoke.gov.uk", "http://127.0.0.1:5000", "http://localhost:5000",
                                 "http://[::1]:5000"])
def test_https_and_this_machine_take_the_token(url):
    assert resolve_settings(url).token == "tok-secret"


def test_a_plain_http_portal_elsewhere_is_refused_unless_allowed(monkeypatch, tmp_path):
    with pytest.raises(PortalError, match="refusing to send the API token over plain http to data.example.org"):
        resolve_settings("http://data.example.org")
    assert resolve_settings("http://data.example.org", anonymous=True).token is None  # no token: nothing to leak
    monkeypatch.setenv("STOKE_OPENDATA_ALLOW_HTTP", "1")
    assert resolve_settings("http://data.example.org").token == "tok-secret"
    monkeypatch.delenv("STOKE_OPENDATA_ALLOW_HTTP")
    config = tmp_path / "portal.toml"
    config.write_text("[portal]\nallow_http = true\n")
    config.chmod(0o600)
    monkeypatch.setenv("STOKE_OPENDATA_CONFIG", str(config))
    assert resolve_settings("http://data.example.org").token == "tok-secret"


def test_the_cli_refuses_in_one_line_before_any_request(run_cli, tmp_path):
    code, _, err = run_cli(["release", "indicator-definitions", "--out", tmp_path / "out",
                            "--portal", "http://data.example.org"], env={"CKAN_API_TOKEN": "tok-secret"})
    assert code == 2 and err.strip().splitlines()[-1].startswith("error: refusing to send the API token")
    assert "tok-secret" not in err

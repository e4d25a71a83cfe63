"""Shared fixtures. The `portal` fixture connects the integration tests to the real local CKAN.

It reads .portal/env (written by portal/up.sh) or CKAN_URL / CKAN_API_TOKEN. If the portal does not
answer: under CI=true the test FAILS (CI must never skip the integration tests); locally it is skipped
with the reason and the command that starts the portal (`make portal`).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

# The site's fixtures are defined here once, so every module shares one session instance of each: one
# Playwright browser (two sync sessions in one process refuse each other) and the bundled packages built once.
from site_fixtures import browser, built_site, bundled_packages  # noqa: E402,F401


@dataclass(frozen=True)
class LocalPortal:
    url: str
    token: str

    def __repr__(self) -> str:
        return f"LocalPortal({self.url!r}, token=***)"

    def env(self, **extra: str) -> dict[str, str]:
        """Environment for running the CLI against this portal."""
        env = {k: v for k, v in os.environ.items() if k not in ("CKAN_URL", "CKAN_API_TOKEN")}
        env.update({"CKAN_URL": self.url, "CKAN_API_TOKEN": self.token})
        env.update(extra)
        return env


def _read_env_file(path: Path) -> dict[str, str]:
    values = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line.startswith("export "):
                line = line[len("export "):]
            if "=" in line:
                key, value = line.split("=", 1)
                values[key.strip()] = value.strip().strip("'\"")
    return values


def _unavailable(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"the local CKAN portal is required under CI: {reason}", pytrace=False)
    pytest.skip(f"local CKAN portal not available ({reason}); start it with `make portal`")


def pytest_sessionfinish(session, exitstatus):
    """Under CI a skipped test is a missing test: turn any skip into a failed run."""
    if os.environ.get("CI", "").lower() != "true":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if skipped and session.exitstatus == 0:
        reporter.write_line(f"CI: {skipped} test(s) skipped; under CI=true every test must run", red=True)
        session.exitstatus = 1


@pytest.fixture(scope="session")
def portal() -> LocalPortal:
    """The running local CKAN portal: its URL and a sysadmin API token."""
    values = _read_env_file(ROOT / ".portal" / "env")
    url = os.environ.get("CKAN_URL") or values.get("CKAN_URL")
    token = os.environ.get("CKAN_API_TOKEN") or values.get("CKAN_API_TOKEN")
    if not url or not token:
        _unavailable("no .portal/env and no CKAN_URL/CKAN_API_TOKEN")
    import requests

    try:
        r = requests.get(f"{url}/api/3/action/status_show", timeout=5)
        ok = r.status_code == 200 and r.json().get("success")
    except (requests.RequestException, ValueError) as exc:
        _unavailable(f"{url} does not answer: {type(exc).__name__}")
    if not ok:
        _unavailable(f"{url} answered status_show with HTTP {r.status_code}")
    return LocalPortal(url.rstrip("/"), token)


@pytest.fixture
def client(portal):
    """A PortalClient with the sysadmin token."""
    from stoke_opendata.portal.client import PortalClient
    from stoke_opendata.portal.credentials import PortalSettings

    with PortalClient(PortalSettings(portal.url, portal.token)) as c:
        yield c


@pytest.fixture
def anonymous(portal):
    from stoke_opendata.portal.client import PortalClient
    from stoke_opendata.portal.credentials import PortalSettings

    with PortalClient(PortalSettings(portal.url, None)) as c:
        yield c


@pytest.fixture
def run_cli(capsys, monkeypatch):
    """Run the real CLI entry point in-process: returns (exit code, stdout, stderr)."""
    from stoke_opendata.cli import main

    def run(args: list[str], env: dict[str, str] | None = None):
        if env is not None:
            for key in ("CKAN_URL", "CKAN_API_TOKEN", "STOKE_OPENDATA_CONFIG"):
                monkeypatch.delenv(key, raising=False)
            for key, value in env.items():
                monkeypatch.setenv(key, value)
        capsys.readouterr()
        try:
            main([str(a) for a in args])
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
        out, err = capsys.readouterr()
        return code, out, err

    return run

"""Start a CKAN web process and job worker with ckanext-stoke on a copy of the record (for tests and bench/).

It shares the database of the project's local portal (portal/up.sh) but runs its own ckan.ini: the record
(schemas/, datasets/, publish/) is a copy in a temporary folder, so an approval never writes into the
repository's datasets/, and the job queue is its own.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
P = ROOT / ".portal"
CKAN = P / "venv" / "bin" / "ckan"
ORG = "stoke-on-trent-city-council"
PACKAGE = "stoke-corporate-strategy-2024-28"
DATASET = "corporate-strategy-2024-28"
TEST_LIMIT_MB = "5"  # the upload limit of the test process, so an over-limit file is small to make
USERS = (("test-steward", ORG, "editor"), ("test-approver", ORG, "admin"), ("test-approver-2", ORG, "admin"),
         ("test-member", ORG, "member"), ("test-outsider", "stoke-test-other-council", "editor"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _set(ini: str, key: str, value: str) -> str:
    line = f"{key} = {value}"
    pattern = re.compile(rf"^{re.escape(key)}\s*=.*$", re.M)
    return pattern.sub(lambda _m: line, ini) if pattern.search(ini) else ini.replace("[app:main]\n", f"[app:main]\n{line}\n", 1)


def _action(portal, action_name, **data):
    r = requests.post(f"{portal.url}/api/3/action/{action_name}", json=data, headers={"Authorization": portal.token}, timeout=60)
    return r.json()


def _user(portal, name: str, password: str):
    found = _action(portal, "user_show", id=name)
    if found.get("success"):
        assert _action(portal, "user_patch", id=name, password=password)["success"]
    else:
        made = _action(portal, "user_create", name=name, email=f"{name}@localhost.invalid", password=password)
        assert made["success"], made


def release(portal, home: Path | None):
    env = portal.env()
    env.pop("STOKE_OPENDATA_HOME", None)
    if home is not None:
        env["STOKE_OPENDATA_HOME"] = str(home)
    out = home.parent / "out-setup" if home is not None else ROOT / ".portal" / "test-restore-out"
    subprocess.run([str(ROOT / ".venv" / "bin" / "stoke-opendata"), "release", PACKAGE, "--out", str(out)],
                   env=env, check=True, capture_output=True, timeout=600)



@contextmanager
def running(portal, work: Path, *, limit_mb: str | None = None):
    """Yield the instance (url, home, work, passwords, logs, token, submissions, pids); stop it at the end and
    publish the repository's own record again."""
    home = work / "home"
    for part in ("schemas", "datasets", "publish"):
        shutil.copytree(ROOT / part, home / part)
    (home / "docs").mkdir()
    if (ROOT / "docs" / "disagreements.md").exists():
        shutil.copy(ROOT / "docs" / "disagreements.md", home / "docs" / "disagreements.md")
    release(portal, home)  # the dataset and organisation exist on the portal, as this copy holds them
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    config = work / "portal.toml"
    config.write_text(f'[portal]\nurl = "{portal.url}"\napi_token = "{portal.token}"\n', encoding="utf-8")
    config.chmod(0o600)
    queue = f"stoke-test-{secrets.token_hex(4)}"
    ini = (P / "ckan.ini").read_text(encoding="utf-8")
    for key, value in {"ckan.site_url": url, "ckanext.stoke.home": str(home),
                       "ckanext.stoke.submissions_dir": str(work / "submissions"),
                       "ckanext.stoke.portal_config": str(config), "ckanext.stoke.out_dir": str(work / "out"),
                       "ckanext.stoke.site_dir": str(work / "site"), "ckanext.stoke.site_url": f"{portal.url}/test-site",
                       "ckanext.stoke.queue": queue}.items():
        ini = _set(ini, key, value)
    test_ini = work / "ckan.ini"
    test_ini.write_text(ini, encoding="utf-8")
    test_ini.chmod(0o600)
    env = {k: v for k, v in os.environ.items() if k not in ("CKAN_URL", "CKAN_API_TOKEN", "STOKE_OPENDATA_CONFIG")}
    if limit_mb:
        env["STOKE_OPENDATA_MAX_FILE_MB"] = limit_mb
    logs = {"web": work / "web.log", "worker": work / "worker.log"}
    web = subprocess.Popen([str(CKAN), "-c", str(test_ini), "run", "--host", "127.0.0.1", "--port", str(port),
                            "--disable-reloader", "--disable-debugger", "--threaded"],
                           stdout=open(logs["web"], "wb"), stderr=subprocess.STDOUT, env=env, start_new_session=True)
    worker = subprocess.Popen([str(CKAN), "-c", str(test_ini), "jobs", "worker", queue],
                              stdout=open(logs["worker"], "wb"), stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        for _ in range(240):
            try:
                if requests.get(f"{url}/api/3/action/status_show", timeout=2).ok:
                    break
            except requests.RequestException:
                pass
            assert web.poll() is None, logs["web"].read_text()[-3000:]
            time.sleep(0.25)
        passwords = {}
        for name, org, role in USERS:
            if not _action(portal, "organization_show", id=org).get("success"):
                assert _action(portal, "organization_create", name=org, title="Another council (test)")["success"]
            passwords[name] = secrets.token_urlsafe(16)
            _user(portal, name, passwords[name])
            assert _action(portal, "organization_member_create", id=org, username=name, role=role)["success"]
        yield {"url": url, "home": home, "work": work, "passwords": passwords, "logs": logs, "portal": portal,
               "token": portal.token, "submissions": work / "submissions", "web_pid": web.pid}
    finally:
        for proc in (web, worker):
            os.killpg(proc.pid, 15)
        for proc in (web, worker):
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:  # a worker finishing a release job: stop it now
                os.killpg(proc.pid, 9)
                proc.wait(timeout=10)
        release(portal, None)  # the portal shows the repository's own record again


_STARTED: dict = {}


@pytest.fixture(scope="session")
def stoke(portal, tmp_path_factory, request):
    """The test portal process, started once per session. The test modules import this fixture (as tests/site
    imports site_fixtures; a conftest.py here would shadow tests/conftest.py for modules that import from it),
    and pytest makes one fixture per importing module: the first starts the process, the others share it."""
    if not CKAN.exists():
        pytest.fail("the portal's venv is missing: run `bash portal/up.sh`", pytrace=False)
    if "instance" not in _STARTED:
        context = running(portal, tmp_path_factory.mktemp("stoke-portal"), limit_mb=TEST_LIMIT_MB)
        _STARTED["instance"] = context.__enter__()
        request.addfinalizer(lambda: (_STARTED.clear(), context.__exit__(None, None, None)))
    return _STARTED["instance"]

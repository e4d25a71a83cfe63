"""Secrets: the API token never appears in any output, log, report, package or plan.

Every command runs in a real subprocess with the token in CKAN_API_TOKEN, logging at DEBUG for every
logger (the most verbose level there is) and STOKE_OPENDATA_DEBUG=1, on good input and on errors (bad
file, wrong token, unreachable portal, unknown dataset). Then stdout, stderr and every file written is
searched for the token (and for any 12-character piece of it).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FAKE_TOKEN = "stoke-FAKE-token-7c1e9b2f4a6d8e0c3b5a7f9e1d2c4b6a"

# run the real entry point with every logger at DEBUG
RUNNER = (
    "import logging, sys; logging.basicConfig(level=logging.DEBUG, stream=sys.stderr, "
    "format='%(levelname)s %(name)s %(message)s'); "
    "from stoke_opendata.cli import main; main(sys.argv[1:])"
)


def _run(args, env_extra, cwd=ROOT):
    env = {k: v for k, v in os.environ.items() if k not in ("CKAN_URL", "CKAN_API_TOKEN")}
    env.update({"STOKE_OPENDATA_DEBUG": "1", "PYTHONUNBUFFERED": "1", **env_extra})
    run = subprocess.run([sys.executable, "-c", RUNNER, *map(str, args)], capture_output=True, text=True,
                         env=env, cwd=cwd, timeout=300)
    return run.returncode, run.stdout + run.stderr


def _pieces(token: str) -> set[str]:
    return {token} | {token[i:i + 12] for i in range(0, max(1, len(token) - 11), 4)}


def _leaks(text: str, token: str) -> list[str]:
    return sorted(p for p in _pieces(token) if p in text)


def _scan_tree(root: Path, token: str) -> list[str]:
    found = []
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes().decode("utf-8", errors="replace")
            if _leaks(data, token):
                found.append(str(path))
    return found


def test_offline_commands_never_show_the_token(tmp_path):
    """validate, suppress, package, indicators, progress, and publish/download errors with no portal."""
    token = FAKE_TOKEN
    env = {"CKAN_API_TOKEN": token}
    bad = tmp_path / "bad.csv"
    bad.write_text("indicator_id,area_code,period,value,status\nx,E05008290,2023,=1+1,final\nnot,enough\n")
    outputs = []
    dataset = ROOT / "datasets" / "corporate-strategy-2024-28" / "datapackage.json"
    commands = [
        ["validate", dataset],
        ["validate", "--format", "json", "--html", tmp_path / "report.html", bad],
        ["validate", tmp_path / "missing.csv"],
        ["suppress", ROOT / "datasets" / "corporate-strategy-2024-28" / "observations.csv", tmp_path / "suppressed.csv"],
        ["suppress", bad, tmp_path / "bad-out.csv"],
        ["indicators", "--format", "json"],
        ["progress"],
        ["package", "--out", tmp_path / "packages", "corporate-strategy-2024-28"],
        ["package", "--out", tmp_path / "packages2", "no-such-package"],
        ["publish", "--dry-run", "--portal", "http://127.0.0.1:9", tmp_path / "packages" / "stoke-corporate-strategy-2024-28"],
        ["publish", "--portal", "http://127.0.0.1:9", tmp_path / "packages" / "stoke-corporate-strategy-2024-28"],
        ["download", "--portal", "http://127.0.0.1:9", "--out", tmp_path / "dl", "anything"],
    ]
    codes = []
    for args in commands:
        code, text = _run(args, env)
        codes.append(code)
        outputs.append((args[0], text))
        assert "Traceback" not in text or "STOKE_OPENDATA_DEBUG" in os.environ.get("PYTEST_ADDOPTS", ""), text[-1500:]
    assert any(c == 0 for c in codes) and any(c != 0 for c in codes), codes
    assert (tmp_path / "packages" / "stoke-corporate-strategy-2024-28" / "datapackage.json").exists()
    for name, text in outputs:
        assert _leaks(text, token) == [], f"{name} printed the token"
    assert _scan_tree(tmp_path, token) == []


@pytest.mark.portal
def test_portal_commands_never_show_the_token(tmp_path, portal):
    """publish (plan, real publish, wrong token) and download against the real local CKAN."""
    sys.path.insert(0, str(HERE))
    from package_factory import make_package, unique_name

    name = unique_name("secrets")
    folder = make_package(tmp_path / "pkgs", name)
    real = {"CKAN_URL": portal.url, "CKAN_API_TOKEN": portal.token}
    wrong = {"CKAN_URL": portal.url, "CKAN_API_TOKEN": FAKE_TOKEN}
    outputs = []
    try:
        for args, env in [
            (["publish", "--dry-run", "--format", "json", folder], real),
            (["publish", "--format", "json", folder], real),
            (["publish", folder], real),  # a no-op rerun
            (["publish", folder], wrong),
            (["download", "--out", tmp_path / "dl", name], real),
            (["download", "--format", "json", "--out", tmp_path / "dl2", name], wrong),
            (["download", "--out", tmp_path / "dl3", "no-such-dataset-" + name], real),
        ]:
            code, text = _run(args, env)
            outputs.append((args, code, text))
        assert outputs[1][1] == 0, outputs[1][2][-2000:]
        assert outputs[3][1] != 0, "a wrong token must be refused"
        assert (tmp_path / "dl" / "datapackage.json").exists()
        for args, code, text in outputs:
            for token in (portal.token, FAKE_TOKEN):
                assert _leaks(text, token) == [], f"{args[0]} printed a token"
        for token in (portal.token, FAKE_TOKEN):
            assert _scan_tree(tmp_path, token) == []
    finally:
        from stoke_opendata.portal.client import PortalClient, PortalError
        from stoke_opendata.portal.credentials import PortalSettings

        with PortalClient(PortalSettings(portal.url, portal.token)) as c:
            try:
                c.action("dataset_purge", id=name)
            except PortalError:
                pass

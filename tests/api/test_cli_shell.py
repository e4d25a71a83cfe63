"""The CLI is a thin shell over the API: each command calls its API function (a spy that passes through to
the real one records the call), and the output is what that function returned."""

import json

import pytest

from stoke_opendata import api
from validation_fixtures import CATALOGUE, GOOD, row, write_csv


@pytest.fixture
def spy(monkeypatch):
    calls = []

    def install(name):
        real = getattr(api, name)

        def wrapper(*args, **kwargs):
            calls.append((name, args, kwargs))
            return real(*args, **kwargs)

        monkeypatch.setattr(api, name, wrapper)

    return install, calls


def test_validate_calls_validate_data(spy, run_cli, tmp_path):
    install, calls = spy
    install("validate_data")
    path = write_csv(tmp_path, [row(0, value="100.1", lower_ci="", upper_ci=""), *GOOD[1:]])
    code, out, _err = run_cli(["validate", "--no-history", "--catalogue", CATALOGUE, "--format", "json", path])
    assert code == 1 and [c[0] for c in calls] == ["validate_data"]
    expected = api.validate_data(str(path), catalogue=str(CATALOGUE), history=False)
    assert [p["code"] for p in json.loads(out)["problems"]] == [p.code for p in expected.problems] == ["out-of-bounds"]


def test_package_calls_build_packages(spy, run_cli, tmp_path):
    install, calls = spy
    install("build_packages")
    code, out, err = run_cli(["package", "indicator-definitions", "--out", tmp_path, "--format", "json"])
    assert code == 0, err
    assert [c[0] for c in calls] == ["build_packages"]
    assert [p["name"] for p in json.loads(out)["packages"]] == ["stoke-indicator-definitions"]


def test_publish_and_download_call_the_api(spy, run_cli, tmp_path):
    install, calls = spy
    install("publish_packages")
    install("download_dataset")
    env = {"STOKE_OPENDATA_CONFIG": str(tmp_path / "none.toml")}
    # no portal configured: each function is reached and ends in the portal's one-line error, exit 2
    code, _out, err = run_cli(["publish", tmp_path / "missing-package", "--dry-run"], env=env)
    assert code == 2 and err.startswith("error: ")
    code, _out, err = run_cli(["download", "some-dataset", "--out", tmp_path / "out"], env=env)
    assert code == 2 and err.startswith("error: ")
    assert [c[0] for c in calls] == ["publish_packages", "download_dataset"]


def test_accept_calls_accept_submission(spy, run_cli, tmp_path, monkeypatch):
    from accept_fixtures import CORPORATE, copy_home, obs, snapshot, write_submission

    home = copy_home(tmp_path / "home")
    monkeypatch.setenv("STOKE_OPENDATA_HOME", str(home))
    install, calls = spy
    install("accept_submission")
    sub = write_submission(tmp_path / "sub.csv", [obs("healthy-life-expectancy-gap-male", "2025", "6.5")])
    before = snapshot(home / "datasets" / CORPORATE)
    code, out, err = run_cli(["accept", sub, "--into", CORPORATE, "--dry-run", "--format", "json"])
    assert code == 0, err
    assert [c[0] for c in calls] == ["accept_submission"]
    direct = api.accept_submission(sub, CORPORATE, dry_run=True)
    assert json.loads(out)["plan"] == json.loads(json.dumps(direct.plan.to_dict(), default=str))
    assert snapshot(home / "datasets" / CORPORATE) == before

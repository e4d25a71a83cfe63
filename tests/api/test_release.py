"""`stoke-opendata release`: package, publish and build the site in one run, against the real local CKAN.

The bundled indicator-definitions package is released (it is what `make run` publishes too), then released
again: the second run must upload 0 bytes and say so. Invalid data stops the release before the portal is asked."""

from __future__ import annotations

import json
import shutil

from stoke_opendata.catalogue import paths


def test_release_twice_second_run_uploads_nothing(portal, run_cli, tmp_path):
    out, site = tmp_path / "out", tmp_path / "site"
    args = ["release", "indicator-definitions", "--out", out, "--site", site, "--format", "json"]
    code, first, err = run_cli(args, env=portal.env())
    assert code == 0, err
    first = json.loads(first)
    assert first["valid"] and first["datasets"] == ["stoke-indicator-definitions"]
    assert first["published"]["portal"] == portal.url
    assert first["site"]["pages"] > 100 and (site / "index.html").is_file()
    code, again, err = run_cli(args, env=portal.env())
    assert code == 0, err
    again = json.loads(again)
    assert again["bytes_uploaded"] == 0 and again["published"]["result"]["files_uploaded"] == 0
    code, text, err = run_cli(["release", "indicator-definitions", "--out", out], env=portal.env())
    assert code == 0, err
    assert "nothing changed, 0 bytes uploaded" in text


def test_release_refuses_invalid_data_before_the_portal(run_cli, tmp_path, monkeypatch):
    home = tmp_path / "home"
    for part in ("schemas", "datasets", "publish", "docs"):
        shutil.copytree(paths.home() / part, home / part)
    observations = sorted((home / "datasets").glob("*/observations.csv"))[0]
    with observations.open("a", encoding="utf-8") as f:
        f.write("not-an-indicator,E06000021,Stoke-on-Trent,2024,abc,,,,,final,a source,\n")
    # an unreachable portal: had the release asked it anything, the exit would be 2
    code, out, err = run_cli(["release", "--out", tmp_path / "out", "--portal", "http://127.0.0.1:1", "--format", "json"],
                             env={"STOKE_OPENDATA_HOME": str(home), "CKAN_API_TOKEN": "x"})
    assert code == 1, err
    record = json.loads(out)
    assert not record["valid"] and record["published"] is None and record["refused"]
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())

"""`stoke-opendata status` against the real local CKAN: in step after a release, drift (exit 1) when a file is
replaced on the portal behind the pipeline's back, in step again after the next release repairs it."""

from __future__ import annotations

import json

import requests


def _status(run_cli, portal, out, log):
    code, text, err = run_cli(["status", "stoke-indicator-definitions", "--out", out, "--log-json", log,
                               "--format", "json"], env=portal.env())
    return code, (json.loads(text) if text.strip() else None), err


def test_status_sees_a_file_changed_behind_the_pipelines_back(portal, run_cli, tmp_path):
    out, log = tmp_path / "out", tmp_path / "release.jsonl"
    release = ["release", "indicator-definitions", "--out", out, "--log-json", log]
    code, _, err = run_cli(release, env=portal.env())
    assert code == 0, err
    # (an earlier run of this test may have left the portal drifted: repair that first)
    run_cli(["status", "stoke-indicator-definitions", "--out", out, "--repair"], env=portal.env())
    code, _, err = run_cli(release, env=portal.env())
    assert code == 0, err
    code, report, err = _status(run_cli, portal, out, log)
    assert code == 0, (err, report)
    [dataset] = report["datasets"]
    assert dataset["state"] == "in-step" and dataset["problems"] == [] and dataset["files"] >= 3
    assert all(r["package"] == r["datastore"] and r["package"] > 0 for r in dataset["rows"].values())
    assert report["last_release"]["end"] == json.loads(log.read_text().splitlines()[-1])["end"]
    assert "stoke-indicator-definitions" not in report["waiting"]
    from stoke_opendata.api import due_figures

    overdue = [d.indicator_id for d in due_figures() if d.state == "overdue"]
    assert [f["indicator_id"] for f in report["overdue"]] == overdue  # what `due` says is overdue today

    # someone replaces the areas table through the portal, keeping its name and our recorded sha256 field
    shown = requests.get(f"{portal.url}/api/3/action/package_show", params={"id": "stoke-indicator-definitions"},
                         headers={"Authorization": portal.token}, timeout=30).json()["result"]
    [areas] = [r for r in shown["resources"] if r.get("package_path") == "data/areas.csv"]
    edited = (out / "stoke-indicator-definitions" / "data" / "areas.csv").read_bytes().replace(b"Stoke", b"Stok3", 1)
    r = requests.post(f"{portal.url}/api/3/action/resource_patch", data={"id": areas["id"]},
                      files={"upload": ("areas.csv", edited, "text/csv")},
                      headers={"Authorization": portal.token}, timeout=60)
    assert r.status_code == 200, r.text

    code, report, err = _status(run_cli, portal, out, log)
    assert code == 1, err
    [dataset] = report["datasets"]
    assert dataset["state"] == "drift"
    assert any(p.startswith("data/areas.csv: the portal's file is not the one released") for p in dataset["problems"])
    code, text, err = run_cli(["status", "stoke-indicator-definitions", "--out", out], env=portal.env())
    assert code == 1 and "drift: data/areas.csv" in text

    code, text, err = run_cli(["status", "stoke-indicator-definitions", "--out", out, "--repair"], env=portal.env())
    assert code == 1 and "marked 1 drifted file(s)" in text, err
    code, _, err = run_cli(release, env=portal.env())  # the next release puts the released bytes back
    assert code == 0, err
    code, report, err = _status(run_cli, portal, out, log)
    assert code == 0 and report["datasets"][0]["state"] == "in-step", report


def test_status_without_a_record_is_one_line(run_cli, tmp_path):
    code, out, err = run_cli(["status", "--out", tmp_path / "nothing", "--portal", "http://127.0.0.1:1"], env={})
    assert code == 2 and err.startswith("error: ") and "run `stoke-opendata release` first" in err
    assert len(err.strip().splitlines()) == 1

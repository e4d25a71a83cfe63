"""The update loop end to end against the real local CKAN: validate -> accept -> package -> publish ->
download shows the new values, the revision and progress that moved; a second accept of the same file
changes nothing and the next publish uploads 0 bytes. On a temporary copy of the data, published into a
test organisation (not the council's)."""

import csv
import json
import re
import uuid
from pathlib import Path

import pytest

from accept_fixtures import CORPORATE, copy_home

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "steward-update-2025-EXAMPLE.xlsx"


def _rows(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.portal
def test_accept_package_publish_download_and_a_second_accept_uploads_nothing(run_cli, portal, tmp_path, monkeypatch):
    home = copy_home(tmp_path / "home")
    monkeypatch.setenv("STOKE_OPENDATA_HOME", str(home))
    name = f"accept-roundtrip-{uuid.uuid4().hex[:8]}"
    manifest = home / "publish" / f"{CORPORATE}.yaml"
    text = manifest.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^name: .*$", f"name: {name}", text)
    text = text.replace("name: stoke-on-trent-city-council", "name: stoke-opendata-test-accept")
    text = text.replace("title: Stoke-on-Trent City Council", "title: stoke-opendata tests (accept round trip)")
    manifest.write_text(text, encoding="utf-8")
    env = portal.env(STOKE_OPENDATA_HOME=str(home), STOKE_OPENDATA_STEWARD="Test steward")

    assert run_cli(["validate", EXAMPLE], env=env)[0] == 0
    code, out, err = run_cli(["accept", EXAMPLE, "--into", CORPORATE, "--reason", "ASHE 2024 revised (example)"], env=env)
    assert code == 0 and "9 added, 1 revised, 0 unchanged" in out, out + err
    code, out, err = run_cli(["package", name, "--out", tmp_path / "out"], env=env)
    assert code == 0, out + err
    code, out, err = run_cli(["publish", tmp_path / "out" / name, "--format", "json"], env=env)
    assert code == 0, out + err
    first = json.loads(out)["result"]
    assert first["bytes_uploaded"] > 0

    code, out, err = run_cli(["download", name, "--out", tmp_path / "dl"], env=env)
    assert code == 0, out + err
    data = tmp_path / "dl" / "data"
    observations = {(r["indicator_id"], r["period"]): r for r in _rows(data / "observations.csv") if r["area_code"] == "E06000021"}
    assert observations[("recorded-crime-rate", "2024/25")]["value"] == "121.3"
    assert observations[("gross-weekly-pay-full-time", "2024")]["status"] == "revised"
    [revision] = _rows(data / "revisions.csv")
    assert (revision["old_value"], revision["new_value"], revision["revised_by"]) == ("552.00", "553.4", "Test steward")
    assert revision["submission_file"] == EXAMPLE.name
    progress = {r["indicator_id"]: r for r in _rows(data / "progress.csv") if r["target_type"] == "direction_only"}
    assert progress["recorded-crime-rate"]["status"] == "on_track" and progress["recorded-crime-rate"]["measure_status"] == "on_track"
    assert progress["adults-walking-or-cycling-for-transport"]["measure_status"] == "deterioration"
    assert progress["adults-physically-active"]["measure_status"] == "acceleration_needed"

    code, out, err = run_cli(["accept", EXAMPLE, "--into", CORPORATE, "--reason", "again"], env=env)
    assert code == 0 and "nothing to change" in out
    assert run_cli(["package", name, "--out", tmp_path / "out"], env=env)[0] == 0
    code, out, err = run_cli(["publish", tmp_path / "out" / name, "--format", "json"], env=env)
    assert code == 0, out + err
    again = json.loads(out)["result"]
    assert again["bytes_uploaded"] == 0 and again["unchanged"] == 1

"""accept (issue 21 item 6): the dry run lists what the real run requires; revisions keep the old source and
notes; every added or revised row is traced to its submission (who, when, file hash). On a copy of the data."""

import json

import pytest

from accept_fixtures import CORPORATE, copy_home, obs, read_rows, snapshot, write_submission

HLE = "healthy-life-expectancy-gap-male"  # corporate dataset: E06000021, 2023, 6.9


@pytest.fixture
def dataset(tmp_path, monkeypatch):
    home = copy_home(tmp_path / "home")
    monkeypatch.setenv("STOKE_OPENDATA_HOME", str(home))
    monkeypatch.delenv("STOKE_OPENDATA_STEWARD", raising=False)
    monkeypatch.setenv("STOKE_OPENDATA_LOCK_WAIT", "0.2")
    return home / "datasets" / CORPORATE


def test_the_dry_run_lists_what_the_real_run_requires_and_the_real_run_asks_once(run_cli, tmp_path, dataset):
    sub = write_submission(tmp_path / "sub.csv", [obs(HLE, "2023", "7.1")])
    code, out, err = run_cli(["accept", sub, "--into", CORPORATE, "--dry-run"])
    assert code == 0 and "the real run will require --by NAME (or STOKE_OPENDATA_STEWARD) and --reason TEXT (1 value(s) revised)" in out
    code, out, err = run_cli(["accept", sub, "--into", CORPORATE, "--dry-run", "--format", "json"])
    assert json.loads(out)["requires"] == ["--by NAME (or STOKE_OPENDATA_STEWARD)", "--reason TEXT"]
    code, out, err = run_cli(["accept", sub, "--into", CORPORATE, "--dry-run", "--by", "A", "--reason", "B"])
    assert "will require" not in out
    before = snapshot(dataset)
    code, out, err = run_cli(["accept", sub, "--into", CORPORATE])
    assert code == 2 and "--by NAME (or STOKE_OPENDATA_STEWARD) and --reason TEXT" in err  # both at once, not one flag at a time
    assert snapshot(dataset) == before


def test_a_revision_keeps_the_old_source_and_notes(run_cli, tmp_path, dataset):
    old = next(r for r in read_rows(dataset / "observations.csv") if r["indicator_id"] == HLE and r["period"] == "2023" and r["area_code"] == "E06000021")
    sub = write_submission(tmp_path / "sub.csv", [obs(HLE, "2023", "7.1")])
    assert run_cli(["accept", sub, "--into", CORPORATE, "--by", "A Steward", "--reason", "revised"])[0] == 0
    [revision] = read_rows(dataset / "revisions.csv")
    assert revision["old_source"] == old["source"] and revision["old_notes"] == old["notes"] and old["source"]
    code, out, err = run_cli(["validate", dataset / "datapackage.json"])
    assert code == 0, out + err


def test_every_added_and_revised_row_is_traced_to_its_submission(run_cli, tmp_path, dataset, monkeypatch):
    from stoke_opendata.hashing import sha256_file

    sub = write_submission(tmp_path / "sub.csv", [obs(HLE, "2023", "7.1"), obs(HLE, "2025", "6.5")])
    assert run_cli(["accept", sub, "--into", CORPORATE, "--by", "A Steward", "--reason", "ONS revised 2023"])[0] == 0
    rows = read_rows(dataset / "provenance.csv")
    assert [(r["period"], r["change"], r["value"], r["status"]) for r in rows] == [("2025", "added", "6.5", "final"), ("2023", "revised", "7.1", "revised")]
    assert {(r["accepted_by"], r["submission_file"], r["submission_sha256"]) for r in rows} == {("A Steward", "sub.csv", sha256_file(sub))}
    assert all(r["accepted_at"].endswith("Z") for r in rows)
    # a second file adding a row without --by is traced to the login name, said to be one; the table is appended to
    sub2 = write_submission(tmp_path / "sub2.csv", [obs(HLE, "2026", "6.4")])
    assert run_cli(["accept", sub2, "--into", CORPORATE])[0] == 0
    rows = read_rows(dataset / "provenance.csv")
    assert len(rows) == 3 and rows[-1]["accepted_by"].endswith("(login name)") and rows[-1]["submission_file"] == "sub2.csv"
    descriptor = json.loads((dataset / "datapackage.json").read_text())
    assert {"revisions", "provenance"} <= {r["name"] for r in descriptor["resources"]}
    code, out, err = run_cli(["validate", dataset / "datapackage.json"])
    assert code == 0, out + err

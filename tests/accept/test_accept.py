"""`stoke-opendata accept`: plan, apply, idempotence, history, and every refusal leaves the dataset untouched.
All on a temporary copy of the bundled data (STOKE_OPENDATA_HOME)."""

import fcntl
import json
import os
import subprocess
import sys

import pytest

from accept_fixtures import CORPORATE, copy_home, obs, read_rows, snapshot, write_submission

HLE = "healthy-life-expectancy-gap-male"  # corporate dataset: E06000021, 2023, 6.9


@pytest.fixture
def home(tmp_path, monkeypatch):
    home = copy_home(tmp_path / "home")
    monkeypatch.setenv("STOKE_OPENDATA_HOME", str(home))
    monkeypatch.delenv("STOKE_OPENDATA_STEWARD", raising=False)
    monkeypatch.setenv("STOKE_OPENDATA_LOCK_WAIT", "0.2")
    return home


@pytest.fixture
def dataset(home):
    return home / "datasets" / CORPORATE


def _sub(tmp_path, rows, name="sub.csv"):
    return write_submission(tmp_path / name, rows)


def test_dry_run_prints_the_plan_and_writes_nothing(run_cli, tmp_path, dataset):
    sub = _sub(tmp_path, [obs(HLE, "2023", "7.1"), obs(HLE, "2025", "6.5"), obs("healthy-life-expectancy-gap-female", "2023", "8.5")])
    before = snapshot(dataset)
    code, out, err = run_cli(["accept", sub, "--into", CORPORATE, "--dry-run"])
    assert code == 0, err
    assert "1 added, 1 revised, 1 unchanged" in out and "dry run: nothing written" in out
    assert f"~ {HLE} E06000021 2023: 6.9 (final) -> 7.1 (revised)" in out
    assert snapshot(dataset) == before


def test_accept_adds_revises_keeps_history_and_is_idempotent(run_cli, tmp_path, dataset):
    sub = _sub(tmp_path, [obs(HLE, "2023", "7.1"), obs(HLE, "2025", "6.5")])
    code, out, err = run_cli(["accept", sub, "--into", CORPORATE, "--by", "A Steward", "--reason", "ONS revised the 2023 figure"])
    assert code == 0, err
    rows = {(r["indicator_id"], r["period"]): r for r in read_rows(dataset / "observations.csv") if r["area_code"] == "E06000021"}
    assert rows[(HLE, "2023")]["value"] == "7.1" and rows[(HLE, "2023")]["status"] == "revised"
    assert rows[(HLE, "2025")]["value"] == "6.5" and rows[(HLE, "2025")]["status"] == "final"
    [revision] = read_rows(dataset / "revisions.csv")
    assert (revision["old_value"], revision["old_status"], revision["new_value"], revision["new_status"]) == ("6.9", "final", "7.1", "revised")
    assert revision["revised_by"] == "A Steward" and revision["reason"] == "ONS revised the 2023 figure"
    assert revision["submission_file"] == "sub.csv" and len(revision["submission_sha256"]) == 64
    descriptor = json.loads((dataset / "datapackage.json").read_text())
    assert "revisions" in [r["name"] for r in descriptor["resources"]]
    # the dataset still validates as a whole, revisions table included
    code, out, err = run_cli(["validate", dataset / "datapackage.json"])
    assert code == 0, out + err
    # a second accept of the same file changes nothing and says so
    before = snapshot(dataset)
    code, out, err = run_cli(["accept", sub, "--into", CORPORATE, "--by", "A Steward", "--reason", "again"])
    assert code == 0 and "nothing to change" in out and "0 added, 0 revised, 2 unchanged" in out
    assert snapshot(dataset) == before


def test_unchanged_rows_keep_their_bytes(run_cli, tmp_path, dataset):
    original = (dataset / "observations.csv").read_text(encoding="utf-8").splitlines()
    sub = _sub(tmp_path, [obs(HLE, "2025", "6.5")])
    assert run_cli(["accept", sub, "--into", CORPORATE])[0] == 0
    after = (dataset / "observations.csv").read_text(encoding="utf-8").splitlines()
    assert after[: len(original)] == original and len(after) == len(original) + 1
    assert not (dataset / "revisions.csv").exists()  # nothing superseded, no history yet


def test_json_plan(run_cli, tmp_path, dataset):
    sub = _sub(tmp_path, [obs(HLE, "2023", "7.1")])
    code, out, err = run_cli(["accept", sub, "--into", CORPORATE, "--dry-run", "--format", "json"])
    data = json.loads(out)
    assert code == 0 and data["plan"]["revised"] == 1 and data["plan"]["revised_rows"][0]["old_value"] == "6.9"
    assert data["applied"] is False and data["validation"]["valid"] is True


def test_blank_status_is_final_with_a_warning(run_cli, tmp_path, dataset):
    sub = _sub(tmp_path, [obs(HLE, "2025", "6.5", status="")])
    code, out, err = run_cli(["accept", sub, "--into", CORPORATE])
    assert code == 0 and "status-assumed-final" in out
    assert [r["status"] for r in read_rows(dataset / "observations.csv") if r["period"] == "2025" and r["indicator_id"] == HLE] == ["final"]


def test_revision_needs_who_and_why(run_cli, tmp_path, dataset):
    sub = _sub(tmp_path, [obs(HLE, "2023", "7.1")])
    before = snapshot(dataset)
    code, out, err = run_cli(["accept", sub, "--into", CORPORATE, "--reason", "x"])
    assert code == 2 and err.startswith("error: ") and "STOKE_OPENDATA_STEWARD" in err
    assert snapshot(dataset) == before


# ------------------------------------------------------------------------------------------ refusals


def _refused(run_cli, args, dataset, code):
    before = snapshot(dataset)
    got, out, err = run_cli(args)
    assert got == code, (out, err)
    assert snapshot(dataset) == before
    return out, err


def test_invalid_submission_prints_the_report_and_writes_nothing(run_cli, tmp_path, dataset):
    sub = _sub(tmp_path, [obs(HLE, "2023", "seven")])
    out, err = _refused(run_cli, ["accept", sub, "--into", CORPORATE], dataset, 1)
    assert "INVALID" in out and "type-error" in out


def test_header_only_file_is_refused(run_cli, tmp_path, dataset):
    sub = _sub(tmp_path, [])
    out, err = _refused(run_cli, ["accept", sub, "--into", CORPORATE], dataset, 1)
    assert "no-data-rows" in out


def test_unknown_dataset(run_cli, tmp_path, dataset):
    sub = _sub(tmp_path, [obs(HLE, "2025", "6.5")])
    out, err = _refused(run_cli, ["accept", sub, "--into", "no-such-dataset"], dataset, 2)
    assert err.count("\n") == 1 and "unknown dataset 'no-such-dataset'" in err


def test_file_for_another_datasets_indicators(run_cli, tmp_path, dataset):
    sub = _sub(tmp_path, [obs(HLE, "2025", "6.5"), obs("gva-growth", "2016-2022", "41.0")])
    out, err = _refused(run_cli, ["accept", sub, "--into", CORPORATE], dataset, 1)
    assert err.count("\n") == 1
    assert "sub.csv: row 3: column indicator_id" in err and "'growth-prospectus-2025'" in err


def test_revising_a_suppressed_value_into_a_disclosive_one(run_cli, tmp_path, home, dataset):
    # the dataset holds a city total and four LSOA figures of a disclosive count, two suppressed (the second
    # to protect the first); publishing the second would let the total reveal the first (3 people)
    lsoas = ["E01014210", "E01014211", "E01014212", "E01014213"]
    seed = [obs("rough-sleepers", "2024", "150")] + [
        obs("rough-sleepers", "2024", v, area_code=a, status="suppressed" if v == "" else "final")
        for a, v in zip(lsoas, ["", "", "25", "82"])]
    assert run_cli(["accept", _sub(tmp_path, seed, "seed.csv"), "--into", CORPORATE])[0] == 0
    sub = _sub(tmp_path, [obs("rough-sleepers", "2024", "40", area_code=lsoas[1])])
    out, err = _refused(run_cli, ["accept", sub, "--into", CORPORATE, "--by", "x", "--reason", "y"], dataset, 1)
    assert err.count("\n") == 1 and "sub.csv: row 2" in err and "once accepted" in err


def test_a_locked_dataset(run_cli, tmp_path, dataset):
    sub = _sub(tmp_path, [obs(HLE, "2025", "6.5")])
    fd = os.open(dataset, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        out, err = _refused(run_cli, ["accept", sub, "--into", CORPORATE], dataset, 2)
    finally:
        os.close(fd)
    assert err.count("\n") == 1 and "locked by another accept" in err


def test_an_unwritable_folder(run_cli, tmp_path, dataset, monkeypatch):
    sub = _sub(tmp_path, [obs(HLE, "2023", "7.1")])
    if os.geteuid() != 0:
        os.chmod(dataset, 0o555)
    else:  # root writes anywhere: refuse the first file creation as a read-only folder would (test-only fault)
        from stoke_opendata.accept import apply

        def refuse(self, name):
            raise PermissionError(13, "Permission denied", str(self.folder / name))

        monkeypatch.setattr(apply.FileSet, "stage", refuse)
    try:
        out, err = _refused(run_cli, ["accept", sub, "--into", CORPORATE, "--by", "x", "--reason", "y"], dataset, 2)
    finally:
        os.chmod(dataset, 0o755)
    assert err.count("\n") == 1 and "cannot write the dataset (permission denied); nothing was changed" in err


def test_a_full_disk_midway_leaves_the_dataset_as_it_was(run_cli, tmp_path, dataset, monkeypatch):
    from stoke_opendata.accept import apply

    real = apply._write_csv

    def full(frame, path):  # revisions.csv is staged, then the disk fills while observations.csv is written
        if "observations" in path.name:
            raise OSError(28, "No space left on device")
        real(frame, path)

    monkeypatch.setattr(apply, "_write_csv", full)
    sub = _sub(tmp_path, [obs(HLE, "2023", "7.1")])
    _refused(run_cli, ["accept", sub, "--into", CORPORATE, "--by", "x", "--reason", "y"], dataset, 2)
    assert not [p for p in dataset.iterdir() if p.name.endswith(".tmp")]


def test_two_stewards_at_once_lose_nothing(tmp_path, home, dataset):
    env = dict(os.environ, STOKE_OPENDATA_HOME=str(home), STOKE_OPENDATA_LOCK_WAIT="60")
    subs = [_sub(tmp_path, [obs(HLE, str(2025 + i), f"6.{i}")], f"s{i}.csv") for i in range(3)]
    procs = [subprocess.Popen([sys.executable, "-m", "stoke_opendata", "accept", s, "--into", CORPORATE], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for s in subs]
    results = [p.communicate(timeout=120) + (p.returncode,) for p in procs]
    assert all(r[2] == 0 for r in results), results
    periods = {r["period"] for r in read_rows(dataset / "observations.csv") if r["indicator_id"] == HLE}
    assert {"2025", "2026", "2027"} <= periods


def test_a_killed_accept_leaves_nothing_the_next_run_does_not_clear(run_cli, tmp_path, dataset):
    """A process killed while it writes a dataset file leaves its temporary file; the next accept (under the
    dataset's lock) removes it, and the dataset is whole."""
    import signal

    code = ("import sys, time; from pathlib import Path; from stoke_opendata.safety.atomic import temp_path; "
            "t = temp_path(Path(sys.argv[1]) / 'observations.csv'); t.write_text('indicator_id,area'); "
            "print(t, flush=True); time.sleep(60)")
    child = subprocess.Popen([sys.executable, "-c", code, str(dataset)], stdout=subprocess.PIPE, text=True)
    left = child.stdout.readline().strip()
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
    (dataset / ".revisions.csv.x1y2z3.tmp").write_text("left by an older version")  # no process id in the name
    assert os.path.exists(left)
    sub = _sub(tmp_path, [obs(HLE, "2025", "6.5")])
    code, out, err = run_cli(["accept", sub, "--into", CORPORATE, "--by", "x", "--reason", "y"])
    assert code == 0, err
    assert not [p.name for p in dataset.iterdir() if p.name.endswith(".tmp")]
    assert any(r["period"] == "2025" and r["indicator_id"] == HLE for r in read_rows(dataset / "observations.csv"))

"""Download: the round trip is byte-identical; a missing dataset, a file whose hash does not match and an
unreachable portal each end in one clear line and leave nothing half-written."""

from __future__ import annotations

import filecmp
import json

import pytest
from package_factory import make_package

from stoke_opendata.portal.local_package import read_package
from stoke_opendata.portal.publishing import Publisher


def _publish(client, folder):
    publisher = Publisher(client, progress=False)
    return publisher.apply(publisher.plan([read_package(folder)]))


def _same_tree(a, b) -> bool:
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    return files_a == files_b and all(filecmp.cmp(a / f, b / f, shallow=False) for f in files_a)


@pytest.mark.portal
def test_round_trip_is_byte_identical(client, portal, run_cli, tmp_path, monkeypatch):
    folder = make_package(tmp_path / "src")
    _publish(client, folder)
    out = tmp_path / "downloaded"
    # anonymous: no token in the environment at all
    code, stdout, err = run_cli(["download", folder.name, "--portal", portal.url, "--out", out],
                                env={"STOKE_OPENDATA_CONFIG": str(tmp_path / "none.toml")})
    assert code == 0, err
    assert "sha256 verified" in stdout
    assert _same_tree(folder, out)
    # a second download replaces the first (and is still identical)
    code, stdout, err = run_cli(["download", folder.name, "--portal", portal.url, "--out", out, "--format", "json"],
                                env={"STOKE_OPENDATA_CONFIG": str(tmp_path / "none.toml")})
    assert code == 0, err
    assert json.loads(stdout)["bytes"] == read_package(folder).total_bytes
    assert _same_tree(folder, out)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no leftovers


@pytest.mark.portal
def test_missing_dataset_is_a_clear_error(portal, run_cli, tmp_path):
    code, out, err = run_cli(["download", "no-such-dataset-xyz", "--portal", portal.url, "--out", tmp_path / "o"])
    assert code == 2
    assert err == f"error: no dataset named 'no-such-dataset-xyz' on {portal.url}\n"
    assert not (tmp_path / "o").exists()


@pytest.mark.portal
def test_hash_mismatch_is_refused_and_nothing_is_written(client, portal, run_cli, tmp_path):
    folder = make_package(tmp_path / "src")
    _publish(client, folder)
    ds = client.action("package_show", id=folder.name)
    res = next(r for r in ds["resources"] if r["package_path"] == "data/observations.csv")
    # someone replaces the file on the portal behind stoke-opendata's back
    other = tmp_path / "observations.csv"
    other.write_text("indicator_id,area_code\nx,E06000021\n", encoding="utf-8")
    client.upload("resource_patch", {"id": res["id"]}, {"upload": ("observations.csv", other, "text/csv")})
    out = tmp_path / "o"
    code, stdout, err = run_cli(["download", folder.name, "--portal", portal.url, "--out", out])
    assert code == 1
    last = err.splitlines()[-1]
    assert last.startswith("error: ") and [l for l in err.splitlines() if l.startswith("error")] == [last]
    assert "data/observations.csv: sha256" in last and "does not match" in last
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_unreachable_portal_is_a_clear_error(run_cli, tmp_path):
    code, out, err = run_cli(["download", "anything", "--portal", "http://127.0.0.1:9", "--out", tmp_path / "o"],
                             env={"STOKE_OPENDATA_RETRIES": "1"})
    assert code == 2
    assert err.startswith("error: cannot reach the portal at http://127.0.0.1:9") and err.count("\n") == 1


def test_refuses_to_overwrite_an_unrelated_folder(run_cli, tmp_path):
    target = tmp_path / "o"
    target.mkdir()
    (target / "precious.txt").write_text("keep me")
    code, out, err = run_cli(["download", "x", "--portal", "http://127.0.0.1:9", "--out", target])
    assert code == 2 and "other files in it" in err
    assert (target / "precious.txt").read_text() == "keep me"

"""Unsafe descriptors (paths out of the folder, remote URLs) and oversized input, refused clearly."""

import json
import socket
import time

import pytest

from stoke_opendata.safety import guards as safety
from stoke_opendata.errors import InputError, UsageError


@pytest.fixture
def folder(tmp_path):
    pkg = tmp_path / "pkg"
    (pkg / "data").mkdir(parents=True)
    (pkg / "data" / "obs.csv").write_text("a,b\n1,2\n")
    (tmp_path / "secret.txt").write_text("top secret\n")
    return pkg


@pytest.mark.parametrize(
    "path, cause",
    [
        ("../secret.txt", "climbs out"),
        ("data/../../secret.txt", "climbs out"),
        ("/etc/passwd", "absolute"),
        ("~/x.csv", "absolute"),
        ("C:/Windows/x.csv", "absolute"),
        ("..\\secret.txt", "backslash"),
        ("file:///etc/passwd", "file: scheme"),
        ("ftp://example.org/x.csv", "ftp: scheme"),
        ("data:text/csv,a,b", "data: scheme"),
        ("http://127.0.0.1:1/x.csv", "remote URL"),
        ("https://example.org/x.csv", "remote URL"),
        ("", "non-empty"),
        ("a\x00b", "NUL"),
    ],
)
def test_unsafe_paths_are_refused(folder, path, cause):
    with pytest.raises(InputError) as err:
        safety.resolve_resource_path(folder, path, where="datapackage.json")
    assert cause in err.value.message
    assert err.value.where == "datapackage.json"
    assert "\n" not in err.value.one_line()


def test_safe_paths_resolve_inside(folder):
    assert safety.resolve_resource_path(folder, "data/obs.csv") == (folder / "data" / "obs.csv").resolve()
    assert safety.resolve_resource_path(folder, "./data/obs.csv") == (folder / "data" / "obs.csv").resolve()


def test_symlink_out_is_refused_and_symlink_in_is_fine(folder):
    (folder / "data" / "out.csv").symlink_to(folder.parent / "secret.txt")
    (folder / "data" / "in.csv").symlink_to(folder / "data" / "obs.csv")
    (folder / "link-dir").symlink_to(folder.parent)
    with pytest.raises(InputError, match="symbolic link"):
        safety.resolve_resource_path(folder, "data/out.csv")
    with pytest.raises(InputError, match="symbolic link"):
        safety.resolve_resource_path(folder, "link-dir/secret.txt")
    assert safety.resolve_resource_path(folder, "data/in.csv") == (folder / "data" / "obs.csv").resolve()


def test_remote_url_makes_no_request_and_is_allowed_only_explicitly(folder):
    """A real listening socket: refusing the URL must not connect to it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(0.5)
    port = server.getsockname()[1]
    url = f"http://127.0.0.1:{port}/data.csv"
    with pytest.raises(InputError, match="no request was made"):
        safety.resolve_resource_path(folder, url)
    with pytest.raises(socket.timeout):
        server.accept()
    server.close()
    assert safety.resolve_resource_path(folder, url, allow_remote=True) == url


def test_remote_refusal_advises_only_what_exists(folder):
    """The message names no option or variable: no command has --allow-remote, and no variable allows it."""
    with pytest.raises(InputError) as err:
        safety.resolve_resource_path(folder, "https://example.org/x.csv")
    assert "--allow-remote" not in err.value.message and "STOKE_OPENDATA_ALLOW_REMOTE" not in err.value.message
    assert "Download it" in err.value.message


def test_descriptor_checks_every_path(folder):
    desc = {"resources": [{"name": "obs", "path": "data/obs.csv"}, {"name": "bad", "path": ["data/obs.csv", "../secret.txt"]}]}
    with pytest.raises(InputError) as err:
        safety.check_descriptor(desc, folder, where="dp.json")
    assert "resource bad" in err.value.where
    schema_out = {"resources": [{"name": "obs", "path": "data/obs.csv", "schema": "/etc/schema.json"}]}
    with pytest.raises(InputError, match="absolute"):
        safety.check_descriptor(schema_out, folder)
    ok = {"resources": [{"name": "obs", "path": "data/obs.csv"}, {"name": "inline", "data": [[1]]}]}
    assert safety.check_descriptor(ok, folder) == [(folder / "data" / "obs.csv").resolve()]


def test_load_descriptor(folder):
    path = folder / "datapackage.json"
    path.write_text(json.dumps({"resources": [{"name": "obs", "path": "data/obs.csv"}]}))
    assert safety.load_descriptor(path)["resources"][0]["name"] == "obs"
    path.write_text("{not json")
    with pytest.raises(InputError, match="not valid JSON"):
        safety.load_descriptor(path)
    path.write_text("[1, 2]")
    with pytest.raises(InputError, match="JSON object"):
        safety.load_descriptor(path)
    path.write_text("[" * 100000 + "]" * 100000)
    with pytest.raises(InputError):
        safety.load_descriptor(path)
    path.write_bytes(b"\xff\xfe{}")
    with pytest.raises(InputError, match="UTF-8"):
        safety.load_descriptor(path)
    yaml_path = folder / "datapackage.yaml"
    yaml_path.write_text("resources:\n  - name: x\n    path: https://example.org/x.csv\n")
    with pytest.raises(InputError, match="remote URL"):
        safety.load_descriptor(yaml_path)
    yaml_path.write_text("resources: [unclosed\n")
    with pytest.raises(InputError, match="YAML"):
        safety.load_descriptor(yaml_path)


def test_limits_from_environment():
    limits = safety.Limits.from_env({"STOKE_OPENDATA_MAX_FILE_MB": "0.5", "STOKE_OPENDATA_MAX_LINE_BYTES": "100",
                                     "STOKE_OPENDATA_MAX_CELL_CHARS": "10"})
    assert limits == safety.Limits(524288, 100, 10)
    assert safety.Limits.from_env({}) == safety.Limits()
    for bad in ("abc", "0", "-1"):
        with pytest.raises(UsageError):
            safety.Limits.from_env({"STOKE_OPENDATA_MAX_FILE_MB": bad})


def test_file_size_is_refused_from_stat_alone(tmp_path):
    """A sparse 5 GB file: refused instantly, so nothing was read."""
    big = tmp_path / "big.csv"
    with big.open("wb") as fh:
        fh.truncate(5 * 1024**3)
    start = time.perf_counter()
    with pytest.raises(InputError, match="over the 200.0 MB limit"):
        safety.check_table_file(big)
    assert time.perf_counter() - start < 5  # generous: the point is that it did not read 5 GB
    with pytest.raises(InputError, match="file not found"):
        safety.check_file_size(tmp_path / "missing.csv")
    with pytest.raises(InputError, match="not a regular file"):
        safety.check_file_size(tmp_path)


def test_long_line_is_refused_after_reading_little(tmp_path):
    path = tmp_path / "one-line.csv"
    path.write_bytes(b"a,b\n1,2\n" + b"x" * 5000 + b"\n3,4\n")
    limits = safety.Limits(max_line_bytes=1000)
    with pytest.raises(InputError, match="line 3 is longer than 1,000 bytes"):
        safety.check_line_lengths(path, limits)
    assert safety.check_line_lengths(path, safety.Limits()) == 4
    # a line that ends exactly at a chunk boundary, and a file without a final newline
    edge = tmp_path / "edge.csv"
    edge.write_bytes(b"y" * (64 * 1024 - 1) + b"\n" + b"z" * 10)
    assert safety.check_line_lengths(edge, safety.Limits(max_line_bytes=64 * 1024)) == 2
    with pytest.raises(InputError, match="line 1"):
        safety.check_line_lengths(edge, safety.Limits(max_line_bytes=1000))


def test_long_cell_is_refused_with_row_and_column(tmp_path):
    path = tmp_path / "cells.csv"
    path.write_text('id,notes\n1,ok\n2,"' + "n" * 50 + '"\n')
    with pytest.raises(InputError) as err:
        list(safety.iter_csv_rows(path, safety.Limits(max_cell_chars=20)))
    assert "row 3, column notes" in err.value.message
    assert list(safety.iter_csv_rows(path))[0] == ["id", "notes"]


def test_quoted_cell_that_never_closes_is_bounded(tmp_path):
    path = tmp_path / "open-quote.csv"
    path.write_text('id,notes\n1,"starts\n' + "more text\n" * 500)
    with pytest.raises(InputError, match="characters, over the"):
        list(safety.iter_csv_rows(path, safety.Limits(max_cell_chars=1000)))


def test_undecodable_csv(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("id,notes\n1,caf\xe9\n".encode("latin-1"))
    with pytest.raises(InputError, match="not utf-8-sig text"):
        list(safety.iter_csv_rows(path))


def test_zip_bomb_xlsx_is_refused_from_its_directory(tmp_path):
    import zipfile

    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (3 * 1024 * 1024))
    assert path.stat().st_size < 100_000
    with pytest.raises(InputError, match="unpacks to"):
        safety.check_table_file(path, safety.Limits(max_file_bytes=512 * 1024))
    assert safety.check_xlsx_expansion(path) > 0
    notzip = tmp_path / "fake.xlsx"
    notzip.write_text("hello")
    safety.check_table_file(notzip)  # not a zip: left to the reader, which says what the file really is
    with pytest.raises(InputError, match="not a zip"):
        safety.check_xlsx_expansion(notzip)

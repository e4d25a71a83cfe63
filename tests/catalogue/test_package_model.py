"""The one package model (catalogue/package_model): its path guard refuses each way out of a package's folder
in one line (exit 2, naming the descriptor and the resource), unreadable descriptors likewise, and every
reader of a package (validate, the site, the portal, the bundled datasets, safety) goes through it, so each
says the same line about the same descriptor."""

import json
import shutil
from pathlib import Path

import pytest

from stoke_opendata.catalogue.package_model import PathRefused, read_datapackage
from stoke_opendata.errors import EXIT_USAGE, InputError, InvalidDataError

ROOT = Path(__file__).resolve().parents[2]


def _package(folder: Path, path, **extra) -> Path:
    """A package folder whose one resource, `observations`, names `path`; a secret file sits beside it."""
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "obs.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (folder.parent / "secret.csv").write_text("top,secret\n1,2\n", encoding="utf-8")
    resource = {"name": "observations", "path": path, "schema": {"fields": [{"name": "a"}, {"name": "b"}]}, **extra}
    (folder / "datapackage.json").write_text(json.dumps({"name": "pkg", "ckan": {"organization": {"name": "org"}}, "resources": [resource]}), encoding="utf-8")
    return folder


def _one_line(error: InputError, *must: str) -> str:
    line = error.one_line()
    assert "\n" not in line and error.exit_code == EXIT_USAGE
    for text in must:
        assert text in line, (text, line)
    return line


@pytest.mark.parametrize(
    "path, cause",
    [
        ("../secret.csv", "climbs out with '..'"),
        ("data/../../secret.csv", "climbs out with '..'"),
        ("/etc/passwd", "is absolute"),
        ("~/secret.csv", "is absolute"),
        ("https://example.org/obs.csv", "is a remote URL; remote data is not read (no request was made)"),
        ("file:///etc/passwd", "uses the file: scheme"),
        ("data\\obs.csv", "backslash"),
    ],
)
def test_each_way_out_is_one_line_naming_the_descriptor_and_the_resource(tmp_path, path, cause):
    folder = _package(tmp_path / "pkg", path)
    [resource] = read_datapackage(folder).resources  # reading names no file: the guard runs when one is asked for
    with pytest.raises(PathRefused) as err:
        resource.file()
    _one_line(err.value, str(folder / "datapackage.json"), "resource observations", cause)


def test_a_symbolic_link_out_is_refused_and_one_inside_is_followed(tmp_path):
    folder = _package(tmp_path / "pkg", "data/out.csv")
    (folder / "data" / "out.csv").symlink_to(tmp_path / "secret.csv")
    (folder / "data" / "in.csv").symlink_to(folder / "data" / "obs.csv")
    with pytest.raises(PathRefused) as err:
        read_datapackage(folder).resources[0].file()
    _one_line(err.value, "resource observations", "through a symbolic link", str(tmp_path / "secret.csv"))
    descriptor = json.loads((folder / "datapackage.json").read_text())
    descriptor["resources"][0]["path"] = "data/in.csv"
    (folder / "datapackage.json").write_text(json.dumps(descriptor))
    assert read_datapackage(folder).resources[0].file() == (folder / "data" / "obs.csv").resolve()


def test_a_refused_path_is_both_unreadable_input_and_a_broken_safety_rule(tmp_path):
    """The publish gate catches InvalidDataError; the CLI gives exit 2 for an input it will not read."""
    folder = _package(tmp_path / "pkg", "../secret.csv")
    with pytest.raises(PathRefused) as err:
        read_datapackage(folder).resources[0].file()
    assert isinstance(err.value, InputError) and isinstance(err.value, InvalidDataError)
    assert err.value.exit_code == 2


def test_a_schema_or_dialect_named_by_path_goes_through_the_same_guard(tmp_path):
    folder = _package(tmp_path / "pkg", "data/obs.csv")
    descriptor = json.loads((folder / "datapackage.json").read_text())
    descriptor["resources"][0]["schema"] = "../../etc/schema.json"
    (folder / "datapackage.json").write_text(json.dumps(descriptor))
    with pytest.raises(PathRefused) as err:
        read_datapackage(folder).resources[0].schema()
    _one_line(err.value, "schema path '../../etc/schema.json' leaves the dataset's folder", "resource observations")


def test_a_missing_descriptor_is_one_line(tmp_path):
    with pytest.raises(InputError) as err:
        read_datapackage(tmp_path)
    _one_line(err.value, str(tmp_path), "no datapackage.json here")
    with pytest.raises(InputError) as err:
        read_datapackage(tmp_path / "nope" / "datapackage.json")
    _one_line(err.value, str(tmp_path / "nope" / "datapackage.json"), "no such file")


def test_a_missing_data_file_is_one_line(tmp_path):
    """The guard passes a path inside the folder; reading the file that is not there fails in one line."""
    from stoke_opendata.validate.tables.descriptor import read_descriptor

    folder = _package(tmp_path / "pkg", "data/gone.csv")
    assert read_datapackage(folder).resources[0].file() == (folder / "data" / "gone.csv").resolve()
    from stoke_opendata.portal.local_package import read_package

    with pytest.raises(InvalidDataError) as err:
        read_package(folder)
    assert "the file data/gone.csv is missing" in err.value.one_line() and "\n" not in err.value.one_line()
    [spec] = read_descriptor(folder / "datapackage.json")
    assert spec.path == (folder / "data" / "gone.csv").resolve()


@pytest.mark.parametrize(
    "text, cause",
    [
        ('{"name": "pkg", "resources": [', "the descriptor is not valid JSON: Expecting value (line 1, column 31)"),
        ("[1, 2]", "is not a data package descriptor: a JSON object with a 'resources' list"),
        ('{"name": "pkg"}', "is not a data package descriptor: a JSON object with a 'resources' list"),
        ('{"resources": [1]}', "resources[0]: a resource must be an object"),
        ("[" * 100000 + "]" * 100000, "nested too deeply"),
    ],
)
def test_a_malformed_descriptor_is_one_line(tmp_path, text, cause):
    (tmp_path / "datapackage.json").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_datapackage(tmp_path)
    _one_line(err.value, str(tmp_path / "datapackage.json"), cause)


def test_a_descriptor_that_is_not_utf8_or_too_big_is_one_line(tmp_path):
    (tmp_path / "datapackage.json").write_bytes(b'{"resources": ["\xff"]}')
    with pytest.raises(InputError) as err:
        read_datapackage(tmp_path)
    _one_line(err.value, "not UTF-8 text (byte 16)")
    (tmp_path / "datapackage.json").write_bytes(b'{"resources": []}' + b" " * (10 * 1024 * 1024))
    with pytest.raises(InputError) as err:
        read_datapackage(tmp_path)
    _one_line(err.value, "over the 10,485,760 a descriptor may be")


def test_the_descriptor_is_kept_as_written(tmp_path):
    """Writers (accept, the site's served copy) rewrite what they read: the model adds nothing to it."""
    written = {"name": "pkg", "z": 1, "resources": [{"path": "data/obs.csv"}], "a": [1, {"b": None}]}
    (tmp_path / "data").mkdir()
    (tmp_path / "datapackage.json").write_text(json.dumps(written), encoding="utf-8")
    package = read_datapackage(tmp_path)
    assert package.descriptor == written and list(package.descriptor) == ["name", "z", "resources", "a"]
    assert package.resources[0].name == "resource1" and "name" not in package.descriptor["resources"][0]


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A home whose one dataset shares the home's schemas/ (as the bundled ones do)."""
    home = tmp_path / "home"
    shutil.copytree(ROOT / "schemas", home / "schemas")
    folder = home / "datasets" / "mine"
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "datasets" / "corporate-strategy-2024-28" / "observations.csv", folder / "observations.csv")
    descriptor = {"name": "mine", "resources": [
        {"name": "indicators", "path": "../../schemas/indicators.csv", "schema": "../../schemas/indicators.schema.json"},
        {"name": "areas", "path": "../../schemas/areas.csv", "schema": "../../schemas/areas.schema.json"},
        {"name": "observations", "path": "observations.csv", "schema": "../../schemas/observations.schema.json"}]}
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    monkeypatch.setenv("STOKE_OPENDATA_HOME", str(home))
    return home


def test_a_source_package_may_name_the_home_schemas_and_a_built_one_may_not(home):
    folder = home / "datasets" / "mine"
    source = read_datapackage(folder)
    assert source.resource("indicators").file() == (home / "schemas" / "indicators.csv").resolve()
    assert source.resource("observations").schema()["fields"]
    with pytest.raises(PathRefused) as err:
        read_datapackage(folder, self_contained=True).resource("indicators").file()
    _one_line(err.value, "resource indicators", "'../../schemas/indicators.csv' leaves the dataset's folder")


def _escape(folder: Path) -> str:
    """Point the package's observations at ../../secret.csv; the line every reader must give."""
    descriptor = json.loads((folder / "datapackage.json").read_text())
    [observations] = [r for r in descriptor["resources"] if r["name"] == "observations"]
    observations["path"] = "../../secret.csv"
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    (folder.parent.parent / "secret.csv").write_text("indicator_id\nsecret\n", encoding="utf-8")
    with pytest.raises(PathRefused) as err:
        read_datapackage(folder).resource("observations").file()
    return _one_line(err.value, "resource observations", "'../../secret.csv' leaves the dataset's folder")


def test_every_reader_of_a_source_dataset_refuses_with_the_models_line(home):
    from stoke_opendata.catalogue.dataset_tables import read_dataset
    from stoke_opendata.catalogue.indicator_summary import bundled_rows
    from stoke_opendata.validate.tables.descriptor import read_descriptor

    folder = home / "datasets" / "mine"
    assert len(read_dataset("mine").tables["observations"].rows) > 10
    line = _escape(folder)
    readers = [lambda: read_dataset("mine"), lambda: bundled_rows("observations", "x", ["mine"]),
               lambda: read_descriptor(folder / "datapackage.json")]
    for reader in readers:
        with pytest.raises(PathRefused) as err:
            reader()
        assert err.value.one_line() == line


def test_every_reader_of_a_built_package_refuses_with_the_models_line(tmp_path):
    from stoke_opendata.portal.local_package import read_package
    from stoke_opendata.safety.guards import load_descriptor
    from stoke_opendata.site.model import load_package

    folder = tmp_path / "out" / "pkg"
    _package(folder, "data/obs.csv")
    line = _escape(folder)
    for reader in (load_package, read_package, lambda f: load_descriptor(f / "datapackage.json")):
        with pytest.raises(PathRefused) as err:
            reader(folder)
        assert err.value.one_line() == line.replace(" or the home's shared schemas/", "")


def test_the_cli_gives_the_line_and_exit_2(tmp_path, run_cli):
    folder = _package(tmp_path / "pkg", "../secret.csv")
    code, out, err = run_cli(["validate", folder / "datapackage.json"])
    assert code == 2 and err.count("\n") == 1
    assert f"{folder / 'datapackage.json'}: resource observations: resource path '../secret.csv' leaves" in err
    code, out, err = run_cli(["site", folder, "--out", tmp_path / "site"])
    assert code == 2 and err.count("\n") == 1 and "resource observations" in err and "climbs out" in err
    assert not (tmp_path / "site").exists()

"""Publication manifests: the bundled ones load, and every mistake names its file and key."""

import pytest
import yaml

from stoke_opendata.catalogue import paths
from stoke_opendata.errors import InputError, UsageError
from stoke_opendata.package.manifests import load_manifest, load_manifests, select
from stoke_opendata.catalogue.vocabulary import THEMES

GOOD = {
    "name": "stoke-healthier",
    "title": "A Healthier City",
    "description": "Indicators for priority 1.",
    "datasets": ["healthier"],
    "tables": ["observations", "targets", "progress", "indicators", "areas"],
    "licence": "OGL-UK-3.0",
    "keywords": ["health"],
    "groups": ["healthier"],
    "organisation": {"name": "stoke-on-trent-city-council", "title": "Stoke-on-Trent City Council"},
    "maintainer": "Open data team",
    "maintainer_email": "opendata@stoke.gov.uk",
    "update_frequency": "annual",
}


def write(tmp_path, data, name="m.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data) if not isinstance(data, str) else data)
    return path


def test_a_good_manifest_loads_with_defaults(tmp_path):
    m = load_manifest(write(tmp_path, GOOD))
    assert m.name == "stoke-healthier"
    assert m.licence_title == "Open Government Licence v3.0"
    assert m.licence_url.startswith("https://www.nationalarchives.gov.uk/")
    assert (m.version, m.charts, m.chart_format, m.catalogue, m.spatial_coverage) == ("1.0.0", True, "png", "subset", "E06000021")


@pytest.mark.parametrize(
    "change, key, words",
    [
        ({"licence": "CC-BY-4.0"}, "licence", "not offered"),
        ({"groups": ["happier"]}, "groups", "unknown value"),
        ({"tables": ["observations", "indicators", "areas", "charts"]}, "tables", "unknown value"),
        ({"tables": ["observations", "progress", "indicators", "areas"]}, "tables", "list both"),
        ({"tables": ["observations"]}, "tables", "self-contained"),
        ({"maintainer_email": "nobody"}, "maintainer_email", "not an email"),
        ({"name": "Stoke Healthier"}, "name", "lowercase"),
        ({"keywords": []}, "keywords", "must not be empty"),
        ({"datasets": ["a", "a"]}, "datasets", "more than once"),
        ({"datasets": []}, "datasets", "at least one dataset"),
        ({"update_frequency": "hourly"}, "update_frequency", "unknown value"),
        ({"organisation": {"name": "x"}}, "organisation", "name and title"),
        ({"version": "1.0"}, "version", "MAJOR.MINOR.PATCH"),
        ({"charts": "yes"}, "charts", "true or false"),
        ({"licence_id": "OGL-UK-3.0"}, "licence_id", "unknown key"),
        ({"title": ""}, "title", "non-empty"),
    ],
)
def test_mistakes_name_the_file_and_key(tmp_path, change, key, words):
    path = write(tmp_path, {**GOOD, **change})
    with pytest.raises(InputError) as exc:
        load_manifest(path)
    assert exc.value.where == f"{path}: {key}"
    assert words in exc.value.message


def test_a_missing_key_is_named(tmp_path):
    data = dict(GOOD)
    del data["maintainer"]
    with pytest.raises(InputError, match="is required") as exc:
        load_manifest(write(tmp_path, data))
    assert exc.value.where.endswith(": maintainer")


def test_broken_yaml_names_the_line(tmp_path):
    path = write(tmp_path, "name: x\ntitle: [unclosed\n")
    with pytest.raises(InputError, match="not valid YAML") as exc:
        load_manifest(path)
    assert exc.value.where.startswith(f"{path}: line ")


def test_duplicate_package_names_are_refused(tmp_path):
    write(tmp_path, GOOD, "a.yaml")
    write(tmp_path, GOOD, "b.yaml")
    with pytest.raises(InputError, match="also the name"):
        load_manifests(tmp_path)


def test_select_by_package_or_dataset_name(tmp_path):
    write(tmp_path, GOOD, "a.yaml")
    write(tmp_path, {**GOOD, "name": "stoke-all", "datasets": ["healthier", "safer"]}, "b.yaml")
    manifests = load_manifests(tmp_path)
    assert [m.name for m in select(manifests, [])] == ["stoke-all", "stoke-healthier"]
    assert [m.name for m in select(manifests, ["safer"])] == ["stoke-all"]
    assert [m.name for m in select(manifests, ["healthier"])] == ["stoke-all", "stoke-healthier"]
    assert [m.name for m in select(manifests, ["stoke-healthier"])] == ["stoke-healthier"]
    with pytest.raises(UsageError, match="neither a package nor a dataset"):
        select(manifests, ["nope"])


def test_bundled_manifests_load_and_cover_every_bundled_dataset():
    manifests = load_manifests()
    assert manifests, "publish/ holds no manifests"
    for m in manifests:
        assert m.licence == "OGL-UK-3.0"
        assert set(m.groups) <= set(THEMES)
        assert m.organisation.name == "stoke-on-trent-city-council"
    bundled = sorted(p.parent.name for p in paths.datasets_dir().glob("*/datapackage.json"))
    packaged = {d for m in manifests for d in m.datasets}
    assert [d for d in bundled if d not in packaged] == []
    assert sorted(packaged - set(bundled)) == []

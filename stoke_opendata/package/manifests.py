"""Publication manifests (publish/*.yaml): what goes into each data package and how it is described.

What goes where is declared, not hard-coded: one YAML file per package names the source datasets and
tables it holds, its licence, keywords, groups (the Corporate Strategy priorities), organisation,
maintainer and update frequency. This module reads and checks them; every problem is reported with the
file and the key. PyYAML is imported only when a manifest is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from stoke_opendata.catalogue import paths
from stoke_opendata.catalogue.vocabulary import SLUG, STOKE, THEMES
from stoke_opendata.errors import InputError, UsageError

# licence id -> (title, url). Only the Open Government Licence is offered: it is what the council uses.
LICENCES = {
    "OGL-UK-3.0": (
        "Open Government Licence v3.0",
        "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    ),
}
TABLES = ("observations", "targets", "progress", "revisions", "indicators", "areas")
UPDATE_FREQUENCIES = ("annual", "biannual", "quarterly", "monthly", "irregular", "one_off")
CATALOGUE_MODES = ("subset", "full")
CHART_FORMATS = ("png", "svg")

_REQUIRED = ("name", "title", "description", "datasets", "tables", "licence", "keywords", "groups",
             "organisation", "maintainer", "maintainer_email", "update_frequency")
_OPTIONAL = ("version", "charts", "chart_format", "catalogue", "spatial_coverage", "extras")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_VERSION = re.compile(r"^\d+\.\d+\.\d+$")


@dataclass(frozen=True)
class Organisation:
    name: str
    title: str


@dataclass(frozen=True)
class Manifest:
    """One package to build, as publish/<file>.yaml declares it."""

    name: str
    title: str
    description: str
    datasets: tuple[str, ...]
    tables: tuple[str, ...]
    licence: str
    keywords: tuple[str, ...]
    groups: tuple[str, ...]
    organisation: Organisation
    maintainer: str
    maintainer_email: str
    update_frequency: str
    version: str = "1.0.0"
    charts: bool = True
    chart_format: str = "png"
    catalogue: str = "subset"
    spatial_coverage: str = STOKE
    extras: dict[str, str] = field(default_factory=dict)
    path: Path | None = None

    @property
    def licence_title(self) -> str:
        return LICENCES[self.licence][0]

    @property
    def licence_url(self) -> str:
        return LICENCES[self.licence][1]


def _fail(path: Path, key: str | None, message: str) -> InputError:
    return InputError(message, where=f"{path}: {key}" if key else str(path))


def _text(data: dict, key: str, path: Path) -> str:
    value = data[key]
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, key, "must be a non-empty text")
    return value.strip()


def _texts(data: dict, key: str, path: Path, *, allow_empty: bool = False) -> tuple[str, ...]:
    value = data[key]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(path, key, "must be a list of texts")
    if not value and not allow_empty:
        raise _fail(path, key, "must not be empty")
    items = tuple(v.strip() for v in value)
    dupes = sorted({v for v in items if items.count(v) > 1})
    if dupes:
        raise _fail(path, key, f"lists {', '.join(dupes)} more than once")
    return items


def _choices(items: tuple[str, ...], allowed: tuple[str, ...], key: str, path: Path) -> tuple[str, ...]:
    unknown = [v for v in items if v not in allowed]
    if unknown:
        raise _fail(path, key, f"unknown value(s) {', '.join(map(repr, unknown))}; choose from {', '.join(allowed)}")
    return items


def parse_manifest(data: object, path: Path) -> Manifest:
    """Check one manifest's content (already parsed from YAML) and return it."""
    if not isinstance(data, dict):
        raise _fail(path, None, "a manifest must be a mapping of keys to values")
    unknown = sorted(set(data) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise _fail(path, unknown[0], f"unknown key; the keys are {', '.join(_REQUIRED + _OPTIONAL)}")
    missing = [k for k in _REQUIRED if k not in data]
    if missing:
        raise _fail(path, missing[0], "is required")

    name = _text(data, "name", path)
    if not re.match(SLUG, name):
        raise _fail(path, "name", f"{name!r} must be lowercase words joined by hyphens")
    tables = _choices(_texts(data, "tables", path), TABLES, "tables", path)
    datasets = _texts(data, "datasets", path, allow_empty=True)
    if not datasets and set(tables) - {"indicators", "areas"}:
        raise _fail(path, "datasets", "must name at least one dataset when the package holds observations, targets or progress")
    if "revisions" in tables and "observations" not in tables:
        raise _fail(path, "tables", "revisions are the history of observations: list both")
    if "progress" in tables and not {"observations", "targets"} <= set(tables):
        raise _fail(path, "tables", "progress is derived from observations and targets: list both")
    for table in ("observations", "targets", "progress"):
        if table in tables and not {"indicators", "areas"} <= set(tables):
            raise _fail(path, "tables", f"{table} refers to indicators and areas: list both so the package is self-contained")

    licence = _text(data, "licence", path)
    if licence not in LICENCES:
        raise _fail(path, "licence", f"{licence!r} is not offered; use {', '.join(LICENCES)}")
    groups = _choices(_texts(data, "groups", path, allow_empty=True), THEMES, "groups", path)

    org = data["organisation"]
    if not isinstance(org, dict) or set(org) != {"name", "title"}:
        raise _fail(path, "organisation", "must have exactly the keys name and title")
    org_name = _text(org, "name", path)
    if not re.match(SLUG, org_name):
        raise _fail(path, "organisation.name", f"{org_name!r} must be lowercase words joined by hyphens")
    organisation = Organisation(org_name, _text(org, "title", path))

    email = _text(data, "maintainer_email", path)
    if not _EMAIL.match(email):
        raise _fail(path, "maintainer_email", f"{email!r} is not an email address")
    frequency = _text(data, "update_frequency", path)
    _choices((frequency,), UPDATE_FREQUENCIES, "update_frequency", path)

    options = {}
    if "version" in data:
        version = str(data["version"]).strip()
        if not _VERSION.match(version):
            raise _fail(path, "version", f"{version!r} must be MAJOR.MINOR.PATCH, e.g. 1.0.0")
        options["version"] = version
    if "charts" in data:
        if not isinstance(data["charts"], bool):
            raise _fail(path, "charts", "must be true or false")
        options["charts"] = data["charts"]
    for key, allowed in (("chart_format", CHART_FORMATS), ("catalogue", CATALOGUE_MODES)):
        if key in data:
            options[key] = _choices((_text(data, key, path),), allowed, key, path)[0]
    if "spatial_coverage" in data:
        options["spatial_coverage"] = _text(data, "spatial_coverage", path)
    if "extras" in data:
        extras = data["extras"]
        if not isinstance(extras, dict) or not all(isinstance(k, str) and isinstance(v, (str, int, float)) for k, v in extras.items()):
            raise _fail(path, "extras", "must map names to texts or numbers")
        options["extras"] = {k: str(v) for k, v in sorted(extras.items())}

    return Manifest(
        name=name,
        title=_text(data, "title", path),
        description=_text(data, "description", path),
        datasets=datasets,
        tables=tables,
        licence=licence,
        keywords=_texts(data, "keywords", path),
        groups=groups,
        organisation=organisation,
        maintainer=_text(data, "maintainer", path),
        maintainer_email=email,
        update_frequency=frequency,
        path=path,
        **options,
    )


def load_manifest(path: Path) -> Manifest:
    """Read and check one manifest file."""
    import yaml

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _fail(path, None, "no such manifest") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(path, None, f"cannot be read ({exc})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}: line {mark.line + 1}" if mark else str(path)
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(f"not valid YAML ({problem})", where=where) from None
    return parse_manifest(data, path)


def load_manifests(directory: Path | None = None) -> list[Manifest]:
    """Every manifest in `directory` (default publish/), sorted by package name; names must be unique."""
    directory = Path(directory) if directory else paths.publish_dir()
    files = sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml"))
    manifests = [load_manifest(p) for p in files]
    seen: dict[str, Path] = {}
    for manifest in manifests:
        if manifest.name in seen:
            raise _fail(manifest.path, "name", f"{manifest.name!r} is also the name in {seen[manifest.name]}")
        seen[manifest.name] = manifest.path
    return sorted(manifests, key=lambda m: m.name)


def select(manifests: list[Manifest], names: tuple[str, ...] | list[str]) -> list[Manifest]:
    """The manifests that a list of dataset or package names asks for (all when the list is empty).

    A name may be a package name (a manifest's `name`) or a source dataset name: a dataset selects
    every package that holds it.
    """
    if not names:
        return list(manifests)
    chosen = []
    for name in names:
        hits = [m for m in manifests if m.name == name or name in m.datasets]
        if not hits:
            raise UsageError(f"{name!r} is neither a package nor a dataset named in any manifest in publish/")
        chosen.extend(h for h in hits if h not in chosen)
    return sorted(chosen, key=lambda m: m.name)

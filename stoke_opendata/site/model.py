"""The built data packages read into one picture of every indicator, for the site to render.

An indicator can appear in several packages (the Corporate Strategy and the growth prospectus give
different figures for the same measure): each package's figures stay apart, as a "view" of the
indicator with its own series, targets and progress rows, so the site shows where documents disagree
instead of picking one. Pure: reads each package through the package model (catalogue/package_model) and its CSVs, returns
dataclasses.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from stoke_opendata.catalogue.definitions import Area, Indicator, area_from_row, indicator_from_row
from stoke_opendata.catalogue.package_model import read_datapackage
from stoke_opendata.errors import InputError
from stoke_opendata.catalogue.periods import sort_key

OPTIONAL_TABLES = ("observations", "targets", "progress", "indicators", "areas", "revisions")


@dataclass
class Package:
    """One built data package: its descriptor and its tables as lists of text rows."""

    name: str
    directory: Path
    descriptor: dict
    tables: dict[str, list[dict[str, str]]]
    headers: dict[str, list[str]]

    @property
    def title(self) -> str:
        return str(self.descriptor.get("title") or self.name)

    @property
    def spatial_coverage(self) -> str:
        return str(((self.descriptor.get("ckan") or {}).get("extras") or {}).get("spatial_coverage") or "")

    def resource(self, name: str) -> dict | None:
        return next((r for r in self.descriptor.get("resources") or [] if r.get("name") == name), None)


@dataclass
class View:
    """What one package says about one indicator."""

    package: Package
    observations: list[dict[str, str]] = field(default_factory=list)
    targets: list[dict[str, str]] = field(default_factory=list)
    progress: list[dict[str, str]] = field(default_factory=list)
    revisions: list[dict[str, str]] = field(default_factory=list)

    @property
    def has_values(self) -> bool:
        return any((r.get("value") or "").strip() for r in self.observations)


@dataclass
class IndicatorRecord:
    indicator: Indicator
    views: list[View] = field(default_factory=list)
    raw: dict[str, str] = field(default_factory=dict)  # the catalogue row, columns newer than Indicator included

    @property
    def id(self) -> str:
        return self.indicator.id

    @property
    def has_data(self) -> bool:
        return any(v.has_values for v in self.views)

    @property
    def progress(self) -> list[tuple[View, dict[str, str]]]:
        return [(v, row) for v in self.views for row in v.progress]


@dataclass
class SiteData:
    packages: list[Package]
    indicators: dict[str, IndicatorRecord]
    areas: dict[str, Area]

    def area_name(self, code: str | None) -> str:
        if not code:
            return ""
        area = self.areas.get(code)
        return area.area_name if area else code


def _read_csv(path: Path, where: str) -> tuple[list[str], list[dict[str, str]]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            rows = [dict(r) for r in reader]
            return list(reader.fieldnames or []), rows
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"cannot read {path.name} ({exc})", where=where) from None


def load_package(directory: Path) -> Package:
    """A built package folder read through the package model (self-contained: every path stays in the
    folder); the tables the site uses are found by resource name and read as text."""
    package = read_datapackage(directory, self_contained=True)
    if not package.name:
        raise InputError("the package has no name", where=package.shown)
    tables, headers = {}, {}
    for resource in package.resources:
        if resource.raw.get("name") not in OPTIONAL_TABLES or not isinstance(resource.path, str):
            continue
        headers[resource.name], tables[resource.name] = _read_csv(resource.file(), resource.where)
    return Package(package.name, Path(directory), package.descriptor, tables, headers)


def load(directories: list[Path]) -> SiteData:
    """Read every package and gather, per indicator, what each package says about it."""
    packages = [load_package(Path(d)) for d in directories]
    names = [p.name for p in packages]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise InputError(f"the package {dupes[0]} is given twice", where=dupes[0])
    indicators: dict[str, Indicator] = {}
    raw: dict[str, dict[str, str]] = {}
    areas: dict[str, Area] = {}
    for package in packages:
        where = str(package.directory / "datapackage.json")
        try:
            for row in package.tables.get("indicators", []):
                indicators.setdefault(row["id"].strip(), indicator_from_row(row))
                raw.setdefault(row["id"].strip(), row)
            for row in package.tables.get("areas", []):
                areas.setdefault(row["area_code"].strip(), area_from_row(row))
        except (KeyError, ValueError) as exc:
            raise InputError(f"the indicators or areas table is malformed ({exc})", where=where) from None
    records = {i: IndicatorRecord(ind, raw=raw[i]) for i, ind in sorted(indicators.items())}
    for package in packages:
        views: dict[str, View] = {}
        for table in ("observations", "targets", "progress", "revisions"):
            for row in package.tables.get(table, []):
                record = records.get((row.get("indicator_id") or "").strip())
                if record is None:
                    continue
                view = views.setdefault(record.id, View(package))
                getattr(view, table).append(row)
        for indicator_id, view in views.items():
            freq = records[indicator_id].indicator.frequency
            view.observations.sort(key=lambda r: (r.get("area_code") or "", sort_key(r.get("period") or "", freq)))
            records[indicator_id].views.append(view)
    return SiteData(packages, records, areas)

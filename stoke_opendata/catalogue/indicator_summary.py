"""One indicator at a glance: its definition, its latest Stoke-on-Trent value across the bundled datasets,
the comparator's value for that period, and its targets.

The documents disagree in places (a later release, another comparator), and each document's figures live
in their own dataset, so two datasets can hold a value for the same period: both are kept and shown, each
with its dataset and source, never one picked silently. Standard library only (csv, json): the tables are
small and this runs from the CLI.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from stoke_opendata.catalogue import datasets as bundled
from stoke_opendata.catalogue.dataset_tables import read_csv
from stoke_opendata.catalogue.definitions import Catalogue, Indicator
from stoke_opendata.catalogue.package_model import read_datapackage
from stoke_opendata.catalogue.periods import sort_key
from stoke_opendata.catalogue.vocabulary import STOKE


@dataclass(frozen=True)
class SourcedRow:
    """A row of a dataset's observations or targets table, with the dataset it came from."""

    dataset: str
    row: dict[str, str]

    def as_dict(self) -> dict:
        return {"dataset": self.dataset, **self.row}


@dataclass
class IndicatorSummary:
    indicator: Indicator
    latest: list[SourcedRow] = field(default_factory=list)
    comparator: list[SourcedRow] = field(default_factory=list)
    other_areas: list[SourcedRow] = field(default_factory=list)
    targets: list[SourcedRow] = field(default_factory=list)
    datasets: list[str] = field(default_factory=list)  # the bundled datasets holding its figures or targets

    def as_dict(self) -> dict:
        return {
            "datasets": self.datasets,
            "indicator": asdict(self.indicator),
            "latest": [r.as_dict() for r in self.latest],
            "comparator": [r.as_dict() for r in self.comparator],
            "other_areas": [r.as_dict() for r in self.other_areas],
            "targets": [r.as_dict() for r in self.targets],
        }


def _table_rows(name: str, table: str) -> list[dict[str, str]]:
    """Rows of the resource `table` of bundled dataset `name` (none when it has no such resource)."""
    resource = read_datapackage(bundled.dataset_dir(name)).resource(table)
    if resource is None or not isinstance(resource.path, str):
        return []
    return read_csv(resource.file())[1]  # the model's guard: a path out of the dataset's folder is refused


def bundled_rows(table: str, indicator_id: str, names: list[str] | None = None) -> list[SourcedRow]:
    """Every row of `table` (observations or targets) about `indicator_id` in the bundled datasets."""
    out = []
    for name in names if names is not None else bundled.list_datasets():
        out += [SourcedRow(name, row) for row in _table_rows(name, table) if row.get("indicator_id") == indicator_id]
    return out


def _latest(rows: list[SourcedRow], frequency: str) -> list[SourcedRow]:
    """The rows of the most recent period (several when datasets overlap), in dataset order."""
    if not rows:
        return []
    newest = max(sort_key(r.row["period"], frequency) for r in rows)
    return [r for r in rows if sort_key(r.row["period"], frequency) == newest]


def summarise(catalogue: Catalogue, indicator_id: str, names: list[str] | None = None) -> IndicatorSummary:
    """The summary of one indicator; an unknown id raises UsageError (from the catalogue)."""
    indicator = catalogue.indicator(indicator_id)
    observations = bundled_rows("observations", indicator_id, names)
    city = [r for r in observations if r.row.get("area_code") == STOKE]
    latest = _latest(city, indicator.frequency)
    periods = {r.row["period"] for r in latest}
    comparator = [
        r for r in observations
        if indicator.comparator_area_code and r.row.get("area_code") == indicator.comparator_area_code
        and r.row["period"] in periods
    ]
    other_areas: list[SourcedRow] = []
    if not city:
        # no city value (an area figure for Stoke-on-Trent & Staffordshire, say): the latest per other area
        for code in sorted({r.row["area_code"] for r in observations} - {indicator.comparator_area_code}):
            other_areas += _latest([r for r in observations if r.row["area_code"] == code], indicator.frequency)
    targets = bundled_rows("targets", indicator_id, names)
    targets.sort(key=lambda r: (sort_key(r.row.get("target_period", ""), None), r.dataset))
    held = sorted({r.dataset for r in observations} | {r.dataset for r in targets})
    return IndicatorSummary(indicator, latest, comparator, other_areas, targets, held)

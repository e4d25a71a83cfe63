"""The published indicator definitions (schemas/indicators.csv) and geographies (schemas/areas.csv).

Everything else validates against, packages and publishes these, so they load with the standard
library only (fast, no heavy imports) into plain frozen dataclasses.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from stoke_opendata.catalogue import paths
from stoke_opendata.catalogue.casting import CastError, caster
from stoke_opendata.errors import InputError, UsageError
from stoke_opendata.catalogue.vocabulary import THEMES


@dataclass(frozen=True)
class Indicator:
    id: str
    title: str
    theme: str | None
    mission: int | None
    objective: str | None
    unit: str
    minimum: float | None
    maximum: float | None
    higher_is_better: bool | None
    frequency: str
    comparator_area_code: str | None
    status: str
    disclosive: bool
    disclosure_threshold: int | None
    document: str
    section: str
    description: str | None = None
    publisher: str | None = None  # the official source and its series, where known
    series: str | None = None
    period_form: str | None = None  # the period form that source publishes (a frequency name)


@dataclass(frozen=True)
class Area:
    area_code: str
    area_name: str
    area_type: str
    parent_code: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class Catalogue:
    indicators: dict[str, Indicator] = field(default_factory=dict)
    areas: dict[str, Area] = field(default_factory=dict)

    def indicator(self, indicator_id: str) -> Indicator:
        try:
            return self.indicators[indicator_id]
        except KeyError:
            raise UsageError(f"unknown indicator id {indicator_id!r} (see `stoke-opendata indicators`)") from None

    def select(self, theme: str | None = None, mission: int | None = None) -> list[Indicator]:
        if theme is not None and theme not in THEMES:
            raise UsageError(f"unknown theme {theme!r}; choose one of {', '.join(THEMES)}")
        if mission is not None and not 1 <= mission <= 5:
            raise UsageError(f"unknown mission {mission}; missions are numbered 1 to 5")
        return [
            ind
            for ind in self.indicators.values()
            if (theme is None or ind.theme == theme) and (mission is None or ind.mission == mission)
        ]


def _blank(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


# the typed columns, read by the one caster (catalogue/casting.py) as schemas/indicators.schema.json types them
_number = caster({"type": "number"})
_integer = caster({"type": "integer"})
_boolean = caster({"type": "boolean"})


def _rows(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            return list(csv.DictReader(fh))
    except FileNotFoundError:
        raise InputError("the definitions file is missing", where=str(path)) from None


def indicator_from_row(row: dict[str, str], where: str = "indicators.csv") -> Indicator:
    """One row of indicators.csv as an Indicator (the site reads a package's own indicators table with it
    too); a cell the caster refuses is one line naming `where`."""
    try:
        return _indicator_of(row)
    except CastError as exc:
        raise InputError(str(exc), where=where) from None


def _indicator_of(row: dict[str, str]) -> Indicator:
    return Indicator(
        id=row["id"].strip(),
        title=row["title"].strip(),
        theme=_blank(row.get("theme")),
        mission=_integer(_blank(row.get("mission"))),
        objective=_blank(row.get("objective")),
        unit=row["unit"].strip(),
        minimum=_number(_blank(row.get("minimum"))),
        maximum=_number(_blank(row.get("maximum"))),
        higher_is_better=_boolean(_blank(row.get("higher_is_better"))),
        frequency=row["frequency"].strip(),
        comparator_area_code=_blank(row.get("comparator_area_code")),
        status=row["status"].strip(),
        disclosive=bool(_boolean(_blank(row.get("disclosive")))),
        disclosure_threshold=_integer(_blank(row.get("disclosure_threshold"))),
        document=row["document"].strip(),
        section=row["section"].strip(),
        description=_blank(row.get("description")),
        publisher=_blank(row.get("publisher")),
        series=_blank(row.get("series")),
        period_form=_blank(row.get("period_form")),
    )


def area_from_row(row: dict[str, str]) -> Area:
    """One row of areas.csv as an Area."""
    return Area(
        area_code=row["area_code"].strip(),
        area_name=row["area_name"].strip(),
        area_type=row["area_type"].strip(),
        parent_code=_blank(row.get("parent_code")),
        notes=_blank(row.get("notes")),
    )


SOURCES = "indicator-sources.csv"


def source_rows(base: Path) -> list[dict[str, str]]:
    """The rows of schemas/indicator-sources.csv (none when a catalogue has no such file)."""
    path = Path(base) / SOURCES
    return _rows(path) if path.is_file() else []


@lru_cache(maxsize=4)
def load_catalogue(schemas_dir: Path | None = None) -> Catalogue:
    """Read the indicator catalogue and the areas table from `schemas_dir` (default: the bundled one)."""
    base = Path(schemas_dir) if schemas_dir else paths.schemas_dir()
    path = base / "indicators.csv"
    indicators = {ind.id: ind for ind in (indicator_from_row(row, f"{path}: row {n}") for n, row in enumerate(_rows(path), start=2))}
    for row in source_rows(base):  # publisher, series and period form, from the companion table
        if row["indicator_id"] in indicators:
            indicators[row["indicator_id"]] = replace(
                indicators[row["indicator_id"]], publisher=_blank(row.get("publisher")),
                series=_blank(row.get("series")), period_form=_blank(row.get("period_form")))
    areas = {area.area_code: area for area in map(area_from_row, _rows(base / "areas.csv"))}
    return Catalogue(indicators=indicators, areas=areas)

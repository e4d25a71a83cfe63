"""The inputs of the progress table: observations and targets, read from a dataset's CSV rows (text).

Kept apart from the method (progress.py) so that each module holds one concept; progress.py re-exports
these names, so `from stoke_opendata.package.progress import Observation` keeps working.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from stoke_opendata.catalogue.casting import CastError, caster
from stoke_opendata.errors import InputError


@dataclass(frozen=True)
class Observation:
    indicator_id: str
    area_code: str
    period: str
    value: float | None
    status: str = "final"


@dataclass(frozen=True)
class Target:
    indicator_id: str
    area_code: str
    target_type: str
    target_period: str
    baseline_value: float | None = None
    baseline_period: str | None = None
    target_value: float | None = None
    target_level: float | None = None
    comparator_area_code: str | None = None
    statement: str | None = None


def _blank(text: str | None) -> str | None:
    text = (text or "").strip()
    return text or None


_NUMBER = caster({"type": "number"})  # the one caster (catalogue/casting.py): a blank cell is missing


def _number(row: Mapping[str, str], column: str, where: str, line: int) -> float | None:
    try:
        return _NUMBER(_blank(row.get(column)))
    except CastError as exc:
        raise InputError(f"column {column!r}: {exc}", where=f"{where}: row {line}") from None


def _required(row: Mapping[str, str], column: str, where: str, line: int) -> str:
    text = _blank(row.get(column))
    if text is None:
        raise InputError(f"column {column!r} is blank or missing", where=f"{where}: row {line}")
    return text


def observations_from_rows(rows: Iterable[Mapping[str, str]], where: str = "observations") -> list[Observation]:
    """Observations from CSV dict rows (strings). Row numbers in errors count the header as row 1."""
    out = []
    for line, row in enumerate(rows, start=2):
        out.append(
            Observation(
                indicator_id=_required(row, "indicator_id", where, line),
                area_code=_required(row, "area_code", where, line),
                period=_required(row, "period", where, line),
                value=_number(row, "value", where, line),
                status=_blank(row.get("status")) or "final",
            )
        )
    return out


def targets_from_rows(rows: Iterable[Mapping[str, str]], where: str = "targets") -> list[Target]:
    """Targets from CSV dict rows (strings)."""
    out = []
    for line, row in enumerate(rows, start=2):
        out.append(
            Target(
                indicator_id=_required(row, "indicator_id", where, line),
                area_code=_required(row, "area_code", where, line),
                target_type=_required(row, "target_type", where, line),
                target_period=_required(row, "target_period", where, line),
                baseline_value=_number(row, "baseline_value", where, line),
                baseline_period=_blank(row.get("baseline_period")),
                target_value=_number(row, "target_value", where, line),
                target_level=_number(row, "target_level", where, line),
                comparator_area_code=_blank(row.get("comparator_area_code")),
                statement=_blank(row.get("statement")),
            )
        )
    return out

"""Applying statistical disclosure control: primary and secondary suppression of the cells `disclosure`
finds at risk, on rows in memory (`suppress`) or on an observations CSV written atomically (`suppress_file`).

The rule itself (which counts are disclosive, how families of areas are formed) lives in `disclosure`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Iterable, Mapping, MutableMapping

from stoke_opendata.safety.disclosure import (
    BLANKED_FIELDS,
    PRIMARY,
    SECONDARY,
    SUPPRESSED,
    Change,
    _derivable,
    _key,
    _primary,
    _text,
    count_of,
    is_suppressed,
)


def _blank_like(old) -> str | None:
    return None if old is None or not isinstance(old, str) else ""


def _suppress_row(
    row: MutableMapping, index: int, reason: str, why: str, changes: list[Change]
) -> None:
    indicator_id, area_code, period = _key(row)
    for field_name in BLANKED_FIELDS:
        if field_name in row and _text(row[field_name]):
            old = row[field_name]
            row[field_name] = _blank_like(old)
            changes.append(Change(index, field_name, _text(old), "", reason, indicator_id, area_code, period, why))
    if "status" in row and _text(row["status"]) != SUPPRESSED:
        old = row["status"]
        row["status"] = SUPPRESSED
        changes.append(Change(index, "status", _text(old), SUPPRESSED, reason, indicator_id, area_code, period, why))


def suppress(
    rows: Iterable[Mapping], catalogue, *, threshold: int | None = None
) -> tuple[list[dict], list[Change]]:
    """Apply the disclosure rule: returns new rows (the input is not changed) and every cell changed.

    Primary: each small count in a small area is blanked. Secondary: while some family (a total and its
    published parts) has exactly one hidden part, the smallest other published part is hidden too (ties
    broken by area code), or the total when no other part is published.
    """
    out = [dict(row) for row in rows]
    changes: list[Change] = []
    for index, field_name, count, limit in list(_primary(out, catalogue, threshold)):
        if is_suppressed(out[index]):
            continue
        why = f"{field_name} {_text(count)} below threshold {limit}"
        _suppress_row(out[index], index, PRIMARY, why, changes)
    # secondary, to a fixed point (rows suppressed in the input are protected too); families whose rows
    # changed in this pass wait for the next one, so nothing is suppressed twice over
    while True:
        hidden = {i for i, row in enumerate(out) if is_suppressed(row)}
        found = _derivable(out, catalogue, hidden)
        if not found:
            break
        touched: set[int] = set()
        for index, total, others in found:
            if touched & ({index, total} | set(others)):
                continue
            indicator = catalogue.indicators[_key(out[total])[0]]
            hidden_area, total_area = _key(out[index])[1], _key(out[total])[1]
            if others:
                victim = min(others, key=lambda i: (_size(out[i], indicator), _key(out[i])[1]))
                why = f"protects suppressed {hidden_area}: smallest other part of {total_area}"
            else:
                victim = total
                why = f"protects suppressed {hidden_area}: the only published part of {total_area}"
            _suppress_row(out[victim], victim, SECONDARY, why, changes)
            touched |= {index, total, victim, *others}
    return out, changes


def _size(row: Mapping, indicator) -> float:
    count = count_of(row, indicator)
    return math.inf if count is None else count


REQUIRED_COLUMNS = ("indicator_id", "area_code", "period", "value", "status")


@dataclass
class SuppressionResult:
    source: str
    target: str
    rows: int
    changes: list[Change]
    threshold: int | None

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "cells_changed": len(self.changes),
            "rows_changed": len({c.index for c in self.changes}),
            "primary_rows": len({c.index for c in self.changes if c.reason == PRIMARY}),
            "secondary_rows": len({c.index for c in self.changes if c.reason == SECONDARY}),
        }

    def to_dict(self) -> dict:
        return {
            "input": self.source,
            "output": self.target,
            "threshold_override": self.threshold,
            "counts": self.counts(),
            "changes": [c.to_dict() for c in self.changes],
        }


def suppress_file(source, target, catalogue, *, threshold: int | None = None, limits=None) -> SuppressionResult:
    """Read an observations CSV, apply the disclosure rule, and write the result to `target` atomically
    (same columns, same order, same line endings). The input is streamed through the size limits."""
    import csv

    from stoke_opendata.errors import InputError
    from stoke_opendata.safety import guards as safety
    from stoke_opendata.safety.atomic import atomic_write

    shown = str(source)
    rows_iter = safety.iter_csv_rows(source, limits)
    header = next(rows_iter, None)
    if not header:
        raise InputError("the file is empty; expected an observations CSV with a header row", where=shown)
    header = [name.strip() for name in header]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise InputError(
            f"not an observations table: no column {', '.join(missing)} (header: {', '.join(header)[:200]})",
            where=shown,
        )
    if len(set(header)) != len(header):
        raise InputError("two columns have the same header; fix the header first (`stoke-opendata validate`)", where=shown)
    rows, numbers, blanks = [], [], {}
    for number, cells in enumerate(rows_iter, start=2):
        if not any(cell.strip() for cell in cells):
            blanks[len(rows)] = blanks.get(len(rows), []) + [cells]  # kept as they were, before row len(rows)
            continue
        if len(cells) != len(header):
            raise InputError(
                f"row {number} has {len(cells)} cells but the header has {len(header)}; fix the file first "
                "(`stoke-opendata validate` shows every such row)",
                where=shown,
            )
        rows.append(dict(zip(header, cells)))
        numbers.append(number)
    out, changes = suppress(rows, catalogue, threshold=threshold)
    changes = [replace(c, row=numbers[c.index]) for c in changes]
    with open(source, "rb") as fh:
        first = fh.readline()
    ending = "\r\n" if first.endswith(b"\r\n") else "\n"
    with atomic_write(target) as fh:
        writer = csv.writer(fh, lineterminator=ending)
        writer.writerow(header)
        for index in range(len(out) + 1):
            for cells in blanks.get(index, []):
                writer.writerow(cells)
            if index < len(out):
                writer.writerow([out[index][name] for name in header])
    return SuppressionResult(str(source), str(target), len(rows), changes, threshold)


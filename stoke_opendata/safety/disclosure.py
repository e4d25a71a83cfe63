"""Statistical disclosure control: which published counts could identify people, and suppressing them.

Open data is public and permanent, so a count of children in care or rough sleepers in one ward must
not be small enough to point at a family. The rule (docs/safety.md):

* An indicator marked `disclosive` in schemas/indicators.csv has its counts (a `count` indicator's value)
  and numerators (a rate's numerator, given or implied by value x denominator / multiplier) checked in
  areas smaller than the city (ward, LSOA, MSOA). A count below the threshold (the indicator's
  `disclosure_threshold`, default 10; configuration may raise it, never lower a threshold the definitions
  set) is suppressed: value, numerator and confidence limits blanked, status `suppressed`.
* Primary suppression alone is not enough: where a total and its parts are both published (wards and the
  city, for the same indicator and period, linked by areas.parent_code), a single suppressed part equals
  the total minus the others. Secondary suppression blanks the next-smallest part too (or, with no other
  part, the total), repeated until no suppressed cell can be derived by subtraction.

Pure standard library: rows are mappings of column name to text (CSV) or to numbers/None (dataframes).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Mapping, Sequence

from stoke_opendata.catalogue.units import RATE_MULTIPLIERS
from stoke_opendata.errors import UsageError
from stoke_opendata.settings import env_number

DEFAULT_THRESHOLD = 10


THRESHOLD_ENV = "STOKE_OPENDATA_DISCLOSURE_THRESHOLD"


SUPPRESSED = "suppressed"


SMALL_AREA_TYPES = ("ward", "lsoa", "msoa")


_SMALL_AREA_PREFIXES = {"E05": "ward", "W05": "ward", "E01": "lsoa", "W01": "lsoa", "E02": "msoa", "W02": "msoa"}


BLANKED_FIELDS = ("value", "numerator", "lower_ci", "upper_ci")


PRIMARY = "primary"


SECONDARY = "secondary"


SMALL_COUNT = "small-count-unsuppressed"


DERIVABLE = "suppressed-cell-derivable"


@dataclass(frozen=True)
class Risk:
    """One disclosure risk in the data as it stands. `index` is the 0-based data row."""

    code: str
    index: int
    field: str
    indicator_id: str
    area_code: str
    period: str
    value: str
    threshold: int
    message: str
    hint: str


@dataclass(frozen=True)
class Change:
    """One cell the suppression changed, and why."""

    index: int
    field: str
    old: str
    new: str
    reason: str  # primary or secondary
    indicator_id: str
    area_code: str
    period: str
    why: str
    row: int | None = None  # the row number a spreadsheet shows, when known (else index + 2)

    def to_dict(self) -> dict:
        return {
            "row": self.row if self.row is not None else self.index + 2,
            "column": self.field,
            "old": self.old,
            "new": self.new,
            "reason": self.reason,
            "indicator_id": self.indicator_id,
            "area_code": self.area_code,
            "period": self.period,
            "why": self.why,
        }


def threshold_override(option: int | None = None, environ: Mapping[str, str] | None = None) -> int | None:
    """The configured threshold: the command-line option, else STOKE_OPENDATA_DISCLOSURE_THRESHOLD, else None."""
    if option is not None:
        if option < 1:
            raise UsageError(f"--threshold must be a whole number of at least 1, not {option}")
        return option
    return env_number(THRESHOLD_ENV, None, kind=int, minimum=1, environ=environ)


def threshold_for(indicator, override: int | None = None) -> int:
    """The threshold for one indicator: its own, raised (never lowered) by configuration; else the
    configured default; else 10."""
    own = getattr(indicator, "disclosure_threshold", None)
    if own:
        return max(own, override) if override else own
    return override or DEFAULT_THRESHOLD


def area_type(code: str, catalogue) -> str | None:
    area = catalogue.areas.get(code) if catalogue is not None else None
    if area is not None:
        return area.area_type
    return _SMALL_AREA_PREFIXES.get((code or "")[:3])


def is_small_area(code: str, catalogue) -> bool:
    """True for areas smaller than the city (wards, LSOAs, MSOAs), where small counts identify people."""
    return area_type(code, catalogue) in SMALL_AREA_TYPES


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _number(value) -> float | None:
    text = _text(value)
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _implied_numerator(row: Mapping, indicator) -> float | None:
    """A rate's numerator when only value and denominator are published (value x denominator / multiplier)."""
    multiplier = RATE_MULTIPLIERS.get(indicator.unit)
    value, denominator = _number(row.get("value")), _number(row.get("denominator"))
    if multiplier is None or value is None or denominator is None:
        return None
    return round(value * denominator / multiplier, 6)


def protected_cells(row: Mapping, indicator) -> list[tuple[str, float]]:
    """The counts of people a row publishes, as (field, count): a count indicator's value, any numerator,
    and a rate's numerator implied by its value and denominator (reported on the value column)."""
    cells = []
    if indicator.unit == "count":
        value = _number(row.get("value"))
        if value is not None:
            cells.append(("value", value))
    numerator = _number(row.get("numerator"))
    if numerator is not None:
        cells.append(("numerator", numerator))
    elif indicator.unit != "count":
        implied = _implied_numerator(row, indicator)
        if implied is not None:
            cells.append(("value", implied))
    return cells


def count_of(row: Mapping, indicator) -> float | None:
    """The additive count a row publishes (what parts sum to), or None when it publishes none (suppressed)."""
    if indicator.unit == "count":
        value = _number(row.get("value"))
        if value is not None:
            return value
    numerator = _number(row.get("numerator"))
    if numerator is not None:
        return numerator
    if indicator.unit != "count":
        return _implied_numerator(row, indicator)
    return None


def is_suppressed(row: Mapping) -> bool:
    """A row publishes no figure: every cell that could reveal the count is blank."""
    return all(not _text(row.get(name)) for name in BLANKED_FIELDS)


def _key(row: Mapping) -> tuple[str, str, str]:
    return (_text(row.get("indicator_id")), _text(row.get("area_code")), _text(row.get("period")))


def _primary(rows: Sequence[Mapping], catalogue, override: int | None):
    """(index, field, count, threshold) of each small count in a small area of a disclosive indicator."""
    for index, row in enumerate(rows):
        indicator_id, area_code, _ = _key(row)
        indicator = catalogue.indicators.get(indicator_id)
        if indicator is None or not indicator.disclosive or not is_small_area(area_code, catalogue):
            continue
        threshold = threshold_for(indicator, override)
        for field_name, count in protected_cells(row, indicator):
            if count < threshold:
                yield index, field_name, count, threshold


def _families(rows: Sequence[Mapping], catalogue) -> list[tuple[int, list[int]]]:
    """(total row, part rows) for each total published with at least one of its parts, for the same
    disclosive indicator and period."""
    where: dict[tuple[str, str, str], int] = {}
    for index, row in enumerate(rows):
        where.setdefault(_key(row), index)
    parts: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for index, row in enumerate(rows):
        indicator_id, area_code, period = _key(row)
        indicator = catalogue.indicators.get(indicator_id)
        area = catalogue.areas.get(area_code)
        if indicator is None or not indicator.disclosive or area is None or not area.parent_code:
            continue
        if where.get(_key(row)) != index:
            continue  # a duplicate key: the primary-key check reports it
        parent = (indicator_id, area.parent_code, period)
        if parent in where:
            parts[parent].append(index)
    return [(where[parent], members) for parent, members in sorted(parts.items())]


def _derivable(rows: Sequence[Mapping], catalogue, hidden: set[int]) -> list[tuple[int, int, list[int]]]:
    """(suppressed part, total, other parts) for each family where exactly one part is hidden while the
    total is published: that part equals the total minus the others."""
    found = []
    for total, members in _families(rows, catalogue):
        if total in hidden:
            continue
        indicator = catalogue.indicators[_key(rows[total])[0]]
        if count_of(rows[total], indicator) is None:
            continue  # the total publishes no count, so there is nothing to subtract from
        unknown = [i for i in members if i in hidden]
        if len(unknown) == 1:
            found.append((unknown[0], total, [i for i in members if i not in hidden]))
    return found


def find_risks(rows: Sequence[Mapping], catalogue, *, threshold: int | None = None) -> list[Risk]:
    """Every disclosure risk in `rows` as they stand: unsuppressed small counts, and suppressed cells a
    published total and its other parts reveal. `threshold` is the configured override (see threshold_for)."""
    risks = []
    for index, field_name, count, limit in _primary(rows, catalogue, threshold):
        indicator_id, area_code, period = _key(rows[index])
        shown = _text(rows[index].get(field_name)) or _text(count)
        what = "count" if field_name == "value" and catalogue.indicators[indicator_id].unit == "count" else "numerator"
        risks.append(
            Risk(
                code=SMALL_COUNT,
                index=index,
                field=field_name,
                indicator_id=indicator_id,
                area_code=area_code,
                period=period,
                value=shown,
                threshold=limit,
                message=(
                    f"{what} {_text(count)} is below the disclosure threshold {limit} for "
                    f"{indicator_id} in {area_code} ({area_type(area_code, catalogue)}), {period}: it could identify people"
                ),
                hint=(
                    "suppress it: run `stoke-opendata suppress IN OUT` (blanks value, numerator and confidence "
                    "limits, sets status to suppressed, and suppresses a second cell where a total would reveal it)"
                ),
            )
        )
    hidden = {i for i, row in enumerate(rows) if is_suppressed(row)}
    for index, total, others in _derivable(rows, catalogue, hidden):
        indicator_id, area_code, period = _key(rows[index])
        indicator = catalogue.indicators[indicator_id]
        total_area = _key(rows[total])[1]
        risks.append(
            Risk(
                code=DERIVABLE,
                index=index,
                field="value",
                indicator_id=indicator_id,
                area_code=area_code,
                period=period,
                value="",
                threshold=threshold_for(indicator, threshold),
                message=(
                    f"the suppressed figure for {area_code} can be worked out: the total for {total_area} minus "
                    f"the {len(others)} other published part(s) of {indicator_id}, {period}"
                ),
                hint=(
                    "suppress a second part as well (the next-smallest): `stoke-opendata suppress IN OUT` "
                    "does this for you"
                ),
            )
        )
    return sorted(risks, key=lambda r: (r.index, r.field, r.code))


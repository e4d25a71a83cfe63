"""Progress against targets: where the city started, where it is now, and whether it is on course.

The Corporate Strategy promises data "that shows both where we are starting from and whether we are
making progress". This module turns observations, targets and the indicator catalogue into one progress
row per target (indicator, area, target period). It is pure: rows in, rows out, no files, no clock.

The method (also in schemas/progress.schema.json, METHOD_STEPS below and each package's README):

1. Baseline: the target's stated baseline value and period; if the value is blank, the area's
   observation for the baseline period; if no baseline period either, the area's earliest observation.
2. Latest: the area's observation with the latest period that has a value (suppressed rows are skipped).
3. Target level: `target_level` when stated; otherwise, by target type: `level` -> target_value;
   `change_by` and `percentage_point_change` -> baseline + target_value; `ratio_to_comparator` ->
   target_value x the comparator's value for the latest period it shares with the area (that period only);
   `direction_only` has no level.
4. Direction: higher_is_better from the catalogue; when blank, the sign of (target level - baseline).
5. Time: every period is placed at its last day (periods.py): 2023 -> 31 Dec 2023, 2023/24 -> 31 Mar 2024.
6. Status, the first rule that applies:
   - not_assessable: no baseline value and no observation; or the direction of improvement is unknown;
     or the target has no level that can be computed (other than direction_only);
   - not_assessable, too: a figure of growth over a span (unit percent_change) with nothing measured after
     the baseline, since a target for growth to its target period is judged only on growth inside its window;
   - achieved: the latest value (the baseline itself when nothing newer is observed) is at or better
     than the target level;
   - no_new_data: no observation later than the baseline period;
   - direction_only targets: on_track if the latest value is better than the baseline, else off_track;
   - on_track: the latest value is at or better than the expected value, the point on the straight line
     from (baseline period, baseline value) to (target period, target level) at the latest period (past
     the target period the expected value is the target level itself);
   - off_track: otherwise.
   "Better" respects higher_is_better: for an indicator where lower is better, at or below.
7. change_since_baseline = latest - baseline; change_still_needed = target level - latest (0 once
   achieved; target level - baseline when there is no new data).
8. Gap to the comparator: for the latest period in which both the area and the comparator area
   (the indicator's comparator, or the target's) have values, area value - comparator value, and
   whether that is better, worse or level given the direction of improvement.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Iterable

from stoke_opendata.catalogue.periods import period_position
from stoke_opendata.package.progress_rows import (  # noqa: F401  (re-exported: the table's inputs)
    Observation,
    Target,
    observations_from_rows,
    targets_from_rows,
)

ACHIEVED = "achieved"
ON_TRACK = "on_track"
OFF_TRACK = "off_track"
NO_NEW_DATA = "no_new_data"
NOT_ASSESSABLE = "not_assessable"
STATUSES = (ACHIEVED, ON_TRACK, OFF_TRACK, NO_NEW_DATA, NOT_ASSESSABLE)

METHOD = (
    "Straight line from baseline to target: the expected value at the latest period is the point on the "
    "straight line from (baseline period, baseline value) to (target period, target level), each period "
    "placed at its last day; achieved when the latest value is at or better than the target level, "
    "no_new_data when nothing is observed after the baseline period (and the target is not already met), "
    "on_track when at or better than the expected value, off_track otherwise; not_assessable when there is no data, no computable target "
    "level or no known direction. 'Better' respects higher_is_better."
)

# The method step by step, as each package README prints it.
METHOD_STEPS = (
    "**Baseline**: the target's stated baseline value and period; if the value is blank, the area's "
    "observation for the baseline period; if there is no baseline period either, the area's earliest observation.",
    "**Latest**: the area's observation with the latest period that has a value (suppressed rows are skipped).",
    "**Target level**: `target_level` when the targets table states it; otherwise `level` targets use "
    "`target_value`; `change_by` and `percentage_point_change` targets add `target_value` to the baseline; "
    "`ratio_to_comparator` targets multiply `target_value` by the comparator's value for the same period as the "
    "latest figure (never another period's); `direction_only` targets have no level.",
    "**Direction**: `higher_is_better` from the indicator catalogue; when it is blank, the sign of "
    "(target level - baseline).",
    "**Time**: every period is placed at its last day (2023 is 31 December 2023, 2023/24 is 31 March 2024, "
    "2018-20 is 31 December 2020), so a baseline, a latest value and a target in different formats share one axis.",
    "**Expected value**: the point on the straight line from (baseline period, baseline value) to "
    "(target period, target level) at the latest period; past the target period, the target level itself.",
    "**Status**, the first rule that applies: `not_assessable` when there is no data, no computable target "
    "level, or no known direction, or a figure of growth over a span (`percent_change`) with nothing measured after "
    "the baseline (a target for growth to a year is judged only on growth inside its window); `achieved` when the latest value (the baseline itself when nothing newer is "
    "observed) is at or better than the target level; `no_new_data` when nothing is observed after the baseline "
    "period; for `direction_only` targets `on_track` when the latest value is better than the baseline, else "
    "`off_track`; `on_track` when it is at or better than the expected value; `off_track` otherwise. \"Better\" respects `higher_is_better`: where "
    "lower is better, at or below.",
    "**Change**: `change_since_baseline` = latest - baseline; `change_still_needed` = target level - latest "
    "(0 once achieved; target level - baseline when there is no new data).",
    "**Gap to the comparator**: for the latest period in which both the area and its comparator (usually "
    "England) have values, area value - comparator value, judged `better`, `worse` or `level` by the direction.",
)


@dataclass(frozen=True)
class ProgressRow:
    """One row of the published progress table (schemas/progress.schema.json, same field order)."""

    indicator_id: str
    indicator_title: str | None
    area_code: str
    unit: str | None
    higher_is_better: bool | None
    baseline_value: float | None
    baseline_period: str | None
    latest_value: float | None
    latest_period: str | None
    target_type: str
    target_value: float | None
    target_level: float | None
    target_period: str
    change_since_baseline: float | None
    change_still_needed: float | None
    expected_value: float | None
    status: str
    status_reason: str
    comparator_area_code: str | None
    comparator_period: str | None
    comparator_value: float | None
    gap_to_comparator: float | None
    versus_comparator: str | None
    measure_status: str = "unable_to_assess"  # the Open SDG / Statistics Canada measure (progress_measure.py)
    measure_value: float | None = None
    measure_reason: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


FIELD_NAMES = tuple(f.name for f in fields(ProgressRow))


# --------------------------------------------------------------------------- the method


def _round(value: float | None) -> float | None:
    """Derived figures are rounded to 6 decimals so float noise (3.1999999999999957) never shows."""
    if value is None:
        return None
    rounded = round(value, 6)
    return 0.0 if rounded == 0 else rounded


def _fmt(value: float | None) -> str:
    return "blank" if value is None else format_number(value)


def format_number(value: float) -> str:
    """Shortest faithful text for a figure: 10000000.0 -> '10000000', 3.2 -> '3.2'."""
    value = round(value, 6)
    if value == int(value):
        return str(int(value))
    return repr(value)


def _position(period: str | None, frequency: str | None) -> float | None:
    if period is None:
        return None
    try:
        return period_position(period, frequency)
    except ValueError:
        return None


def _series(observations: Iterable[Observation], indicator_id: str, area_code: str, frequency: str | None):
    """(position, period, value) for one indicator and area, in time order, values only. When two rows
    give the same period (two documents quoting one figure), the later row wins: datasets are read in
    order, and a later release restates an earlier one."""
    by_period: dict[str, tuple[float, float]] = {}
    for obs in observations:
        if obs.indicator_id == indicator_id and obs.area_code == area_code and obs.value is not None:
            pos = _position(obs.period, frequency)
            if pos is not None:
                by_period[obs.period] = (pos, obs.value)
    return sorted((pos, period, value) for period, (pos, value) in by_period.items())


def _inside_window(period: str | None, baseline_pos: float | None, frequency: str | None) -> bool:
    """Whether a growth figure was measured after the baseline: a span such as 2016-2022 must start (1 Jan
    2016) at or after the baseline's end; a single period must end after it."""
    if period is None or baseline_pos is None:
        return False
    if len(period) == 9 and period[4] == "-" and period[:4].isdigit() and period[5:].isdigit():
        start = _position(period[:4], "annual")
        return start is not None and start - 1.0 >= baseline_pos - 1e-9
    position = _position(period, frequency)
    return position is not None and position > baseline_pos + 1e-9


def _at(points, period: str) -> float | None:
    for _, p, value in points:
        if p == period:
            return value
    return None


def assess(target: Target, observations: Iterable[Observation], catalogue=None) -> ProgressRow:
    """The progress row for one target, by the straight-line method in this module's docstring."""
    observations = list(observations)
    indicator = catalogue.indicators.get(target.indicator_id) if catalogue is not None else None
    frequency = indicator.frequency if indicator else None
    higher_is_better = indicator.higher_is_better if indicator else None

    city = _series(observations, target.indicator_id, target.area_code, frequency)

    # 1. baseline
    baseline_value, baseline_period = target.baseline_value, target.baseline_period
    if baseline_value is None and baseline_period is not None:
        baseline_value = _at(city, baseline_period)
    if baseline_value is None and baseline_period is None and city:
        _, baseline_period, baseline_value = city[0]
    if baseline_value is not None and baseline_period is None and city:
        baseline_period = city[0][1]
    baseline_pos = _position(baseline_period, frequency)

    # 2. latest
    latest_value = latest_period = None
    latest_pos = None
    if city:
        latest_pos, latest_period, latest_value = city[-1]

    # comparator gap (8): independent of the target
    comparator_code = (indicator.comparator_area_code if indicator else None) or target.comparator_area_code
    comparator_period = comparator_value = gap = None
    comparator_points = (
        _series(observations, target.indicator_id, comparator_code, frequency) if comparator_code else []
    )
    if comparator_points and city:
        city_by_period = {p: v for _, p, v in city}
        shared = [(pos, p, v) for pos, p, v in comparator_points if p in city_by_period]
        if shared:
            _, comparator_period, comparator_value = shared[-1]
            gap = city_by_period[comparator_period] - comparator_value

    # 3. target level
    target_level = target.target_level
    if target_level is None and target.target_value is not None:
        if target.target_type == "level":
            target_level = target.target_value
        elif target.target_type in ("change_by", "percentage_point_change") and baseline_value is not None:
            target_level = baseline_value + target.target_value
        elif target.target_type == "ratio_to_comparator":
            ratio_code = target.comparator_area_code or comparator_code
            ratio_points = _series(observations, target.indicator_id, ratio_code, frequency) if ratio_code else []
            # the comparator's figure of the same period only: another period's figure judges nothing
            reference = _at(ratio_points, latest_period) if latest_period else None
            if reference is not None:
                target_level = target.target_value * reference

    # 4. direction
    sign = None
    if higher_is_better is True:
        sign = 1
    elif higher_is_better is False:
        sign = -1
    elif target_level is not None and baseline_value is not None and target_level != baseline_value:
        sign = 1 if target_level > baseline_value else -1

    versus = None
    if gap is not None and sign is not None:
        versus = "level" if abs(gap) < 1e-9 else ("better" if gap * sign > 0 else "worse")

    has_new_data = latest_pos is not None and (baseline_pos is None or latest_pos > baseline_pos + 1e-9)
    change = latest_value - baseline_value if has_new_data and baseline_value is not None else None
    expected = None
    needed = None

    # 6. status
    if baseline_value is None:
        status = NOT_ASSESSABLE
        reason = "no baseline and no observation for this area" if not city else "no baseline value"
    elif sign is None:
        status = NOT_ASSESSABLE
        reason = "direction of improvement unknown (higher_is_better blank and the target does not imply it)"
    elif target_level is None and target.target_type != "direction_only":
        status = NOT_ASSESSABLE
        if target.target_type == "ratio_to_comparator" and target.target_value is not None:
            reason = f"no value for the comparator {target.comparator_area_code or comparator_code} to compute the target level from"
        else:
            reason = f"the {target.target_type} target has no level that can be computed"
    elif indicator is not None and indicator.unit == "percent_change" and not _inside_window(
            latest_period if has_new_data else None, baseline_pos, frequency):
        # growth over a span is judged only on growth measured inside the target's window, after the baseline
        status = NOT_ASSESSABLE
        reason = (f"growth over {latest_period or baseline_period} was not measured after the starting point "
                  f"{baseline_period}; the target is for growth to {target.target_period}, so it can be judged only "
                  f"on growth measured after {baseline_period}")
    elif not has_new_data:
        current = latest_value if latest_value is not None else baseline_value
        eps = 1e-9 * max(1.0, abs(target_level or 0.0), abs(current))
        if target_level is not None and (current - target_level) * sign >= -eps:
            status = ACHIEVED
            needed = 0.0
            reason = f"{_fmt(current)} ({latest_period or baseline_period}) already meets the target {_fmt(target_level)}"
        else:
            status = NO_NEW_DATA
            reason = f"no observation after the baseline period {baseline_period}"
            if target_level is not None:
                needed = target_level - current
    elif target.target_type == "direction_only":
        improved = change * sign > 1e-9
        status = ON_TRACK if improved else OFF_TRACK
        reason = f"{'better' if improved else 'no better'} than the baseline {_fmt(baseline_value)} ({baseline_period})"
    else:
        eps = 1e-9 * max(1.0, abs(target_level), abs(baseline_value))
        target_pos = _position(target.target_period, frequency)
        if target_pos is None or baseline_pos is None or target_pos <= baseline_pos:
            fraction = 1.0
        else:
            fraction = min(1.0, max(0.0, (latest_pos - baseline_pos) / (target_pos - baseline_pos)))
        expected = baseline_value + (target_level - baseline_value) * fraction
        if (latest_value - target_level) * sign >= -eps:
            status = ACHIEVED
            needed = 0.0
            reason = f"latest {_fmt(latest_value)} ({latest_period}) meets the target {_fmt(target_level)}"
        else:
            needed = target_level - latest_value
            on_course = (latest_value - expected) * sign >= -eps
            status = ON_TRACK if on_course else OFF_TRACK
            reason = (
                f"latest {_fmt(latest_value)} ({latest_period}) is {'at or better than' if on_course else 'worse than'} "
                f"{_fmt(_round(expected))}, the straight line from {_fmt(baseline_value)} ({baseline_period}) "
                f"to {_fmt(target_level)} ({target.target_period})"
            )

    from stoke_opendata.package.progress_measure import for_target

    growth = for_target(
        target.target_type,
        (baseline_pos, baseline_value) if baseline_pos is not None and baseline_value is not None else None,
        (latest_pos, latest_value) if latest_pos is not None else None,
        (_position(target.target_period, frequency), target_level) if target_level is not None and _position(target.target_period, frequency) is not None else None,
        True if sign == 1 else False if sign == -1 else None,
        indicator.unit if indicator else None, getattr(indicator, "maximum", None) if indicator else None,
        (baseline_period or "", target.target_period))
    if status == NOT_ASSESSABLE and reason.startswith("growth over"):  # the same window rule for the measure
        growth = type(growth)("unable_to_assess", None, f"Unable to assess: {reason}.")
    return ProgressRow(
        indicator_id=target.indicator_id,
        indicator_title=indicator.title if indicator else None,
        area_code=target.area_code,
        unit=indicator.unit if indicator else None,
        higher_is_better=higher_is_better,
        baseline_value=baseline_value,
        baseline_period=baseline_period,
        latest_value=latest_value,
        latest_period=latest_period,
        target_type=target.target_type,
        target_value=target.target_value,
        target_level=_round(target_level),
        target_period=target.target_period,
        change_since_baseline=_round(change),
        change_still_needed=_round(needed),
        expected_value=_round(expected),
        status=status,
        status_reason=reason,
        comparator_area_code=comparator_code,
        comparator_period=comparator_period,
        comparator_value=comparator_value,
        gap_to_comparator=_round(gap),
        versus_comparator=versus,
        measure_status=growth.status,
        measure_value=_round(growth.value),
        measure_reason=growth.reason,
    )


def progress_table(targets: Iterable[Target], observations: Iterable[Observation], catalogue=None) -> list[ProgressRow]:
    """One progress row per target, ordered by indicator id, area and target period."""
    observations = list(observations)
    rows = [assess(t, observations, catalogue) for t in targets]
    return sorted(rows, key=lambda r: (r.indicator_id, r.area_code, _position(r.target_period, None) or 0, r.target_period))


def csv_cells(row: ProgressRow) -> list[str]:
    """The row as CSV text cells, in FIELD_NAMES order (blank for missing, true/false for booleans)."""
    cells = []
    for name in FIELD_NAMES:
        value = getattr(row, name)
        if value is None:
            cells.append("")
        elif isinstance(value, bool):
            cells.append("true" if value else "false")
        elif isinstance(value, float):
            cells.append(format_number(value))
        else:
            cells.append(str(value))
    return cells

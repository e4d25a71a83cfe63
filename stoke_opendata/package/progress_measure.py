"""How much progress: the Open SDG / Statistics Canada progress measure (after Eurostat), beside the straight line.

The straight line (progress.py) answers "on track or not". This measure says how much: it compares the
observed compound annual growth rate (CAGR) with the growth needed to reach the target on time, or, for a
direction-only target, with fixed growth thresholds. Pure: numbers in, a Measure out.

- observed growth  CAGR_i = (y_i / y_0) ** (1 / (t_i - t_0)) - 1, base (t_0, y_0) to latest (t_i, y_i);
- with a numeric target y_T at t_T: CAGR_T = (y_T / y_0) ** (1 / (t_T - t_0)) - 1 and R = CAGR_i / CAGR_T;
  achieved when the latest value is at or better than the target (whatever the trend); on track R >= 95 %;
  acceleration needed 60 % <= R < 95 %; limited progress 0 <= R < 60 %; deterioration R < 0.
  A target met at the baseline but no longer met is deterioration (the required growth has the wrong sign).
- direction only: g = d * CAGR_i (d = +1 when higher is better, -1 when lower is better); on track
  g >= 1.5 % x C; acceleration needed 0.5 % x C <= g < 1.5 % x C; limited progress 0 <= g < 0.5 % x C;
  deterioration g < 0. C in [0, 1] scales the thresholds above 0 near a natural limit in the desired
  direction (a percentage near 100 when higher is better); with C = 0 any g >= 0 is on track.
- C: Statistics Canada publish their formula for C only as an image, which we could not read here; we use
  the rule they state it satisfies, that "on track" stays reachable for 15 years without passing the limit:
  C = min(1, ((y_lim / y_0) ** (1/15) - 1) / 1.5 %) for a maximum limit y_lim > y_0 > 0, and
  C = min(1, (1 - (y_lim / y_0) ** (1/15)) / 1.5 %) for a minimum limit 0 <= y_lim < y_0. (docs/packaging.md)
- a zero base or target is replaced by 0.001 (the model is exponential); all-negative values flip the
  direction; mixed signs, or fewer than two points in time, are "unable to assess".
"""

from __future__ import annotations

from dataclasses import dataclass

ACHIEVED = "achieved"
ON_TRACK = "on_track"
ACCELERATION_NEEDED = "acceleration_needed"
LIMITED_PROGRESS = "limited_progress"
DETERIORATION = "deterioration"
UNABLE = "unable_to_assess"
CATEGORIES = (ACHIEVED, ON_TRACK, ACCELERATION_NEEDED, LIMITED_PROGRESS, DETERIORATION, UNABLE)
WORDS = {ACHIEVED: "achieved", ON_TRACK: "on track", ACCELERATION_NEEDED: "acceleration needed",
         LIMITED_PROGRESS: "limited progress", DETERIORATION: "deterioration", UNABLE: "unable to assess"}

RATIO_ON_TRACK, RATIO_MODERATE = 0.95, 0.60
GROWTH_ON_TRACK, GROWTH_MODERATE = 0.015, 0.005
ZERO = 0.001
LIMIT_YEARS = 15


@dataclass(frozen=True)
class Measure:
    status: str
    value: float | None  # R for a numeric target, the directed CAGR for a direction-only one
    reason: str  # one sentence a resident can read


def _pct(x: float) -> str:
    return f"{x * 100:+.2f}%".replace("+-", "-")


def _cagr(start: float, end: float, years: float) -> float:
    return (end / start) ** (1 / years) - 1


def scaling_factor(y0: float, limit: float | None, higher_is_better: bool) -> float:
    """C for a natural limit in the desired direction (1 when there is none or it is out of reach)."""
    if limit is None or y0 <= 0:
        return 1.0
    if higher_is_better:
        if y0 >= limit:
            return 0.0
        return min(1.0, ((limit / y0) ** (1 / LIMIT_YEARS) - 1) / GROWTH_ON_TRACK)
    if limit < 0:
        return 1.0
    if y0 <= limit:
        return 0.0
    return min(1.0, (1 - (limit / y0) ** (1 / LIMIT_YEARS)) / GROWTH_ON_TRACK)


def _better_or_equal(a: float, b: float, higher_is_better: bool) -> bool:
    return a >= b if higher_is_better else a <= b


def measure(
    base: tuple[float, float] | None,
    latest: tuple[float, float] | None,
    higher_is_better: bool | None,
    target: tuple[float, float] | None = None,
    limit: float | None = None,
    labels: tuple[str, str] | None = None,
) -> Measure:
    """The progress measure from base (year, value) and latest (year, value); target (year, level) when the
    target is numeric; limit: the natural limit in the desired direction (e.g. 100 for a percentage)."""
    since, by = labels or (f"{base[0]:g}" if base else "", f"{target[0]:g}" if target else "")
    if higher_is_better is None:
        return Measure(UNABLE, None, "Unable to assess: the direction of improvement is not known.")
    current = latest or base
    if target is not None and current is not None and _better_or_equal(current[1], target[1], higher_is_better):
        return Measure(ACHIEVED, None, f"Achieved: the latest value {current[1]:g} is at or better than the target {target[1]:g}.")
    if base is None or latest is None or latest[0] <= base[0]:
        return Measure(UNABLE, None, "Unable to assess: at least two values at different times are needed.")
    (t0, y0), (ti, yi) = base, latest
    values = [y0, yi] + ([target[1]] if target else [])
    up = higher_is_better
    if all(v <= 0 for v in values) and any(v < 0 for v in values):
        values = [-v for v in values]  # all negative: the model runs on magnitudes, the direction flips
        up = not up
    elif any(v < 0 for v in values):
        return Measure(UNABLE, None, "Unable to assess: the values change sign, which a growth rate cannot describe.")
    values = [ZERO if v == 0 else v for v in values]
    y0, yi = values[0], values[1]
    observed = _cagr(y0, yi, ti - t0)
    if target is not None:
        tT, yT = target[0], values[2]
        if tT <= t0:
            return Measure(UNABLE, None, "Unable to assess: the target date is not after the base year.")
        required = _cagr(y0, yT, tT - t0)
        if (required > 0) != up or required == 0:  # met at the base, no longer met now
            return Measure(DETERIORATION, None,
                           f"Deterioration: the target was met at the base ({base[1]:g}) and no longer is ({latest[1]:g}).")
        ratio = observed / required
        status = (ON_TRACK if ratio >= RATIO_ON_TRACK else ACCELERATION_NEEDED if ratio >= RATIO_MODERATE
                  else LIMITED_PROGRESS if ratio >= 0 else DETERIORATION)
        return Measure(status, ratio, (
            f"{WORDS[status].capitalize()}: {_pct(observed)} a year since {since} against {_pct(required)} a year "
            f"needed to reach {target[1]:g} by {by} ({ratio * 100:.0f}% of the pace needed)."))
    directed = observed if up else -observed
    c = scaling_factor(y0, limit, up) if limit is not None else 1.0
    if c == 0 and directed >= 0:
        status = ON_TRACK
    else:
        status = (ON_TRACK if directed >= GROWTH_ON_TRACK * c else ACCELERATION_NEEDED if directed >= GROWTH_MODERATE * c
                  else LIMITED_PROGRESS if directed >= 0 else DETERIORATION)
    scaled = f", thresholds scaled by {c:.2f} near the limit {limit:g}" if c < 1 else ""
    return Measure(status, directed, (
        f"{WORDS[status].capitalize()}: {_pct(directed)} a year in the better direction since {since} "
        f"(on track from {GROWTH_ON_TRACK * c * 100:.2f}% a year, no target level{scaled})."))


def for_target(target_type, baseline, latest, target, higher_is_better, unit, maximum, labels) -> Measure:
    """The measure for one progress row: baseline, latest and target as (position, value) or None; a
    percentage has the natural limit 100 (or the catalogue's maximum) when higher is better, 0 otherwise."""
    limit = None
    if unit == "percent":
        limit = (maximum if maximum is not None else 100.0) if higher_is_better else 0.0
    numeric = target if target_type != "direction_only" else None
    if target_type != "direction_only" and numeric is None:
        return Measure(UNABLE, None, "Unable to assess: the target has no level that can be computed.")
    return measure(baseline, latest, higher_is_better, numeric, limit, labels)

"""Figures, statuses, gaps and citations in plain words, for residents rather than analysts.

The progress table says `no_new_data` and "no observation after the baseline period 2024"; a resident
needs "Only the starting figure has been published so far". This module holds that wording in one
place (so the pages, the JSON and the tests agree) and strips internal file names such as
`001_6067628d7db9e3d3.txt` from any text, putting the document's title in their place. Pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stoke_opendata.catalogue.documents import DOCUMENT_TITLES
from stoke_opendata.catalogue.units import difference, figure, number, to_float  # noqa: F401  (the site's figures)

# status -> (label, symbol, css class, plain meaning). The label (text) always carries the status: the
# symbol and colour only repeat it. Unknown statuses (a new method's categories) fall back to their words.
STATUS_WORDS = {
    "achieved": ("Target met", "\u2713", "good", "the latest figure meets the target"),
    "on_track": ("On track", "\u2197", "good", "moving towards the target at least as fast as planned"),
    "acceleration_needed": ("Progress, needs to speed up", "\u2192", "mid", "improving, but not fast enough to meet the target"),
    "limited_progress": ("Limited progress", "\u2192", "mid", "improving only slightly"),
    "off_track": ("Off track", "\u2198", "bad", "not moving towards the target as fast as planned"),
    "deterioration": ("Getting worse", "\u2198", "bad", "moving away from the target"),
    "no_new_data": ("Starting point only", "\u25cb", "none", "only the baseline has been published so far"),
    "not_assessable": ("Cannot be judged yet", "?", "none", "there is not enough data, or no measurable target"),
    "no_target": ("No target set", "\u2013", "none", "figures are published, but no target is set for them"),
    "no_data": ("No data yet", "\u2026", "none", "named as a possible indicator; no figures are published yet"),
}
STATUS_ORDER = tuple(STATUS_WORDS)
_FILE_NAME = re.compile(r"\s*\(?\b(\d{3}_[0-9a-f]{16}\.txt)\b\)?")


@dataclass(frozen=True)
class Status:
    key: str
    label: str
    symbol: str
    css: str
    meaning: str


def status(key: str | None) -> Status:
    key = (key or "not_assessable").strip()
    label, symbol, css, meaning = STATUS_WORDS.get(key, (key.replace("_", " ").capitalize(), "\u2022", "none", ""))
    return Status(key, label, symbol, css, meaning)


def direction(higher_is_better: bool | None) -> str:
    if higher_is_better is None:
        return "not stated"
    return "higher is better" if higher_is_better else "lower is better"


def clean(text: str | None) -> str:
    """Text from the data with internal file names replaced by the document's title."""
    if not text:
        return ""

    def swap(match: re.Match) -> str:
        title = DOCUMENT_TITLES.get(match.group(1))
        whole = match.group(0)
        if whole.strip().startswith("(") and whole.endswith(")"):
            return ""  # "Corporate Strategy (004_….txt)": the title is already there
        return (" " if whole[:1].isspace() else "") + (title or "a council document")

    return _FILE_NAME.sub(swap, text).strip()


_GSS = re.compile(r"\b[EKNSW]\d{8}\b")


def named(text: str, area_name=None) -> str:
    """Text with GSS area codes (K02000001) replaced by area names (United Kingdom) where known."""
    return _GSS.sub(lambda m: area_name(m.group(0)) or m.group(0), text) if area_name else text


def why(row: dict[str, str], unit: str, area_name=None) -> str:
    """One sentence saying why a progress row has its status (area codes named by `area_name`)."""
    key = (row.get("status") or "").strip()
    baseline, latest = to_float(row.get("baseline_value")), to_float(row.get("latest_value"))
    level, expected = to_float(row.get("target_level")), to_float(row.get("expected_value"))
    b = f"{figure(baseline, unit)} ({row.get('baseline_period')})" if baseline is not None else ""
    now = f"{figure(latest, unit)} ({row.get('latest_period')})" if latest is not None else ""
    target = f"{figure(level, unit)} by {row.get('target_period')}" if level is not None else ""
    if key == "achieved":
        return f"The latest figure, {now or b}, already meets the target of {target}."
    if key == "no_new_data":
        goal = f" towards the target of {target}" if target else ""
        return (f"Only the starting figure, {b}, has been published so far, so movement{goal} "
                "cannot be seen yet.")
    if key in ("on_track", "off_track") and row.get("target_type") == "direction_only":
        better = "better" if key == "on_track" else "no better"
        return f"The latest figure, {now}, is {better} than the starting figure, {b}; the aim is to improve by {row.get('target_period')}."
    if key in ("on_track", "off_track") and expected is not None:
        side = "at or better than" if key == "on_track" else "worse than"
        return (f"The latest figure, {now}, is {side} the {figure(expected, unit)} expected by now on a "
                f"straight line from {b} to the target of {target}.")
    if key == "not_assessable":
        reason = row.get("status_reason") or ""
        if "no baseline" in reason:
            return "Progress cannot be judged yet: no figure for the city has been published to start from."
        if "direction" in reason:
            return "Progress cannot be judged yet: the documents do not say whether higher or lower is better."
        return f"Progress cannot be judged yet: {named(clean(reason), area_name)}."
    reason = named(clean(row.get("status_reason")), area_name)
    return f"{status(key).label}: {reason}." if reason else f"{status(key).label}."


def gap_sentence(city: str, comparator: str, period: str, value: float, other: float, unit: str,
                 higher_is_better: bool | None) -> str:
    """'In 2024 Stoke-on-Trent: 55.9 years; England: 63.1 years. 7.2 years worse (higher is better).'"""
    gap = value - other
    when = f"the {period}" if period.startswith("document of") else period  # "In the document of 2024 (period not stated)"
    head = f"In {when}, {city}: {figure(value, unit)}; {comparator}: {figure(other, unit)}."
    if abs(gap) < 1e-9:
        return f"{head} The same."
    if higher_is_better is None:
        return f"{head} {difference(gap, unit).capitalize()} {'higher' if gap > 0 else 'lower'}."
    better = (gap > 0) == bool(higher_is_better)
    return (f"{head} {difference(gap, unit)} {'better' if better else 'worse'} "
            f"({direction(higher_is_better)}).")

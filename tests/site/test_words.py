"""Plain words for residents: figures with units, a sentence per status, gaps, citations without file
names, and the chart's tick values."""

from __future__ import annotations

import pytest

from stoke_opendata.site import svg, words


@pytest.mark.parametrize("value, unit, text", [
    (61.3, "percent", "61.3%"), ("552.00", "gbp", "£552"), (-90.2, "gbp", "-£90.2"), (55.9, "years", "55.9 years"),
    (4530, "count", "4,530"), (7500000, "count", "7,500,000"), (14, "rank", "14th"), (13, "rank", "13th"),
    (21, "rank", "21st"), (12.5, "rate_per_1000", "12.5 per 1,000"), (None, "percent", "not published"),
])
def test_figures_read_as_written(value, unit, text):
    assert words.figure(value, unit) == text


def test_clean_puts_document_titles_in_place_of_internal_file_names():
    assert words.clean("Corporate Strategy 2024-28 (004_188d96d908c85609.txt), Priority 1") == \
        "Corporate Strategy 2024-28, Priority 1"
    assert words.clean("see 001_6067628d7db9e3d3.txt") == \
        "see Shaping our City, Growth for All: Stoke-on-Trent growth prospectus (2025)"
    assert words.clean("see 009_0000000000000000.txt") == "see a council document"


ROW = {"baseline_value": "50", "baseline_period": "2022", "latest_value": "54", "latest_period": "2024",
       "target_level": "60", "target_period": "2030", "expected_value": "52.5", "target_type": "level"}


@pytest.mark.parametrize("status, expected", [
    ("achieved", "already meets the target of 60% by 2030"),
    ("on_track", "is at or better than the 52.5% expected by now on a straight line from 50% (2022)"),
    ("off_track", "is worse than the 52.5% expected by now"),
    ("no_new_data", "Only the starting figure, 50% (2022), has been published so far"),
])
def test_one_sentence_says_why(status, expected):
    assert expected in words.why({**ROW, "status": status}, "percent")


def test_unassessable_and_unknown_statuses_still_explain():
    assert "no figure for the city" in words.why({"status": "not_assessable", "status_reason": "no baseline value"}, "percent")
    assert words.status("acceleration_needed").label == "Progress, needs to speed up"
    assert words.status("something_new").label == "Something new"  # a later method's category, in its words


def test_gap_sentence_respects_the_direction():
    lower = words.gap_sentence("Stoke-on-Trent", "England", "2024", 12.4, 6.2, "percent", False)
    assert lower.endswith("6.2 percentage points worse (lower is better).")
    higher = words.gap_sentence("Stoke-on-Trent", "England", "2023", 56.1, 61.5, "years", True)
    assert "5.4 years worse (higher is better)" in higher


def test_ticks_are_round_and_cover_the_values():
    ticks = svg.nice_ticks(55.1, 63.9)
    assert ticks[0] <= 55.1 and ticks[-1] >= 63.9 and all(abs(t * 2 - round(t * 2)) < 1e-9 for t in ticks)
    chart = svg.layout([svg.Line("city", "Stoke-on-Trent", (("2019", 1.0), ("2023", 3.0))),
                        svg.Line("target", "Target", (("2023", 3.0), ("2030", 5.0)))], "annual")
    xs = [x for x, _ in chart.lines[0]["coords"]]
    assert xs == sorted(xs) and chart.plot[0] < xs[0] < xs[-1] < chart.lines[1]["coords"][-1][0] <= chart.plot[2]
    assert [item["words"] for item in chart.legend] == ["solid, circles", "dotted, diamonds"]

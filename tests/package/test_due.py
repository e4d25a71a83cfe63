"""When the next figure is due: the period that follows, the month it is usually released, and overdue on a
given date, never guessed when the timing or the period is not known."""

from __future__ import annotations

import csv
import json
from datetime import date

import pytest

from stoke_opendata.package.due import Timing, assess, next_period, timing_of

APS = Timing(4, 1, "Nomis, Annual Population Survey")  # the year January-December, out each April after
CRIME = Timing(7, 0, "ONS, Crime in England and Wales")  # the year to March, out each July


def _rows(*periods, notes=""):
    return [{"period": p, "value": "1", "status": "final", "notes": notes} for p in periods]


@pytest.mark.parametrize("period, form, expected", [
    ("2024", "annual", "2025"), ("2023/24", "financial_year", "2024/25"), ("1999/00", "academic_year", "2000/01"),
    ("2020-22", "rolling_3_year", "2021-23"), ("2024", "financial_year", None), ("2023/24", "annual", None),
])
def test_next_period_in_the_series_form(period, form, expected):
    assert next_period(period, form) == expected


@pytest.mark.parametrize("as_of, state, missing", [
    (date(2026, 3, 31), "expected", 0), (date(2026, 4, 1), "due", 0), (date(2026, 4, 30), "due", 0),
    (date(2026, 5, 1), "overdue", 1), (date(2027, 5, 1), "overdue", 2),
])
def test_annual_series_states_by_date(as_of, state, missing):
    due = assess("x", "annual", _rows("2023", "2024"), APS, as_of)
    assert (due.latest_period, due.next_period, due.expected) == ("2024", "2025", "2026-04")
    assert due.state == state and due.periods_missing == missing
    assert due.timing_source == APS.source


def test_financial_year_released_the_same_year_it_ends():
    due = assess("x", "financial_year", _rows("2022/23", "2023/24"), CRIME, date(2024, 8, 1))
    assert (due.next_period, due.expected, due.state) == ("2024/25", "2025-07", "expected")
    assert "July 2025" in due.reason


@pytest.mark.parametrize("timing, form, rows, reason", [
    (Timing(), "annual", _rows("2024"), "usual release month is not recorded"),
    (APS, None, _rows("2024"), "period form is not recorded"),
    (APS, "annual", _rows("2024", notes="period not stated; document year used"), "no published figure gives its period"),
    (APS, "annual", _rows("2023/24"), "no published figure gives its period"),
    (APS, "annual", [], "no figure has been published yet"),
])
def test_unknown_stays_unknown(timing, form, rows, reason):
    due = assess("x", form, rows, timing, date(2030, 1, 1))
    assert due.state == "unknown" and reason in due.reason and due.expected is None


def test_timing_row_blank_cells_are_unknown():
    assert not timing_of({"release_month": "", "release_year_after": "", "release_timing_source": ""}).known
    assert timing_of({"release_month": "4", "release_year_after": "1", "release_timing_source": "s"}) == Timing(4, 1, "s")


def test_every_timing_in_the_sources_table_says_where_it_comes_from():
    from stoke_opendata.catalogue import paths

    with (paths.schemas_dir() / "indicator-sources.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    timed = [r for r in rows if r["release_month"] or r["release_year_after"]]
    assert timed and len(timed) < len(rows)  # some known, the rest left blank
    for r in timed:
        assert r["release_month"] and r["release_year_after"] != "" and len(r["release_timing_source"]) > 20, r
        assert r["period_form"], r  # a timing needs the form of the periods it follows


def test_due_command_json_groups_by_publisher_and_steward(run_cli):
    code, out, err = run_cli(["due", "--as-of", "2026-05-15", "--format", "json"])
    assert code == 0, err
    data = json.loads(out)
    assert data["as_of"] == "2026-05-15"
    by_id = {d["indicator_id"]: d for d in data["indicators"]}
    aps = by_id["economically-inactive-long-term-sick"]  # Jan-Dec 2024 is the latest stated period
    assert (aps["state"], aps["latest_period"], aps["next_period"], aps["expected"]) == ("overdue", "2024", "2025", "2026-04")
    assert "economically-inactive-long-term-sick" in data["by_publisher"]["ONS"]["overdue"]
    assert any("economically-inactive-long-term-sick" in g["overdue"] for g in data["by_steward"].values())
    assert by_id["recorded-crime-rate"]["state"] == "unknown"  # its figure's period was not stated
    code, out2, _ = run_cli(["due", "--as-of", "2026-05-15", "--format", "json"])
    assert out2 == out  # the date is the parameter: the same answer every time
    code, out, err = run_cli(["due", "--as-of", "2026-03-01"])
    assert code == 0 and "0 overdue" in out and "economically-inactive-long-term-sick: expected" in out
    code, out, err = run_cli(["due", "industrial-strategy-area-figures", "--as-of", "2026-05-15", "--format", "json"])
    held = {d["indicator_id"] for d in json.loads(out)["indicators"]}
    assert code == 0 and held and all(d == ["industrial-strategy-area-figures"] for d in
                                       (x["datasets"] for x in json.loads(out)["indicators"]))


def test_due_command_bad_date_is_one_line(run_cli):
    code, out, err = run_cli(["due", "--as-of", "15/05/2026"])
    assert code == 2 and err.startswith("error: --as-of") and len(err.splitlines()) == 1

"""Progress statuses on constructed series: improving, worsening, lower-is-better, no data, achieved."""

import json

import pytest

from stoke_opendata.catalogue import paths
from stoke_opendata.catalogue.definitions import Area, Catalogue, Indicator
from stoke_opendata.errors import InputError
from stoke_opendata.package.progress import (
    ACHIEVED,
    FIELD_NAMES,
    NO_NEW_DATA,
    NOT_ASSESSABLE,
    OFF_TRACK,
    ON_TRACK,
    Observation,
    Target,
    assess,
    csv_cells,
    observations_from_rows,
    progress_table,
    targets_from_rows,
)

CITY, ENGLAND = "E06000021", "E92000001"


def indicator(id_="ind", higher_is_better=True, frequency="annual", unit="percent", comparator=ENGLAND):
    return Indicator(
        id=id_, title=f"Title of {id_}", theme="healthier", mission=None, objective=None, unit=unit,
        minimum=None, maximum=None, higher_is_better=higher_is_better, frequency=frequency,
        comparator_area_code=comparator, status="measured", disclosive=False, disclosure_threshold=None,
        document="doc.txt", section="s1",
    )


def catalogue(*indicators):
    return Catalogue(
        indicators={i.id: i for i in indicators},
        areas={CITY: Area(CITY, "Stoke-on-Trent", "local_authority"), ENGLAND: Area(ENGLAND, "England", "country")},
    )


def series(values, area=CITY, id_="ind"):
    return [Observation(id_, area, period, value) for period, value in values.items()]


def level_target(baseline=50.0, base_period="2020", level=60.0, period="2030", id_="ind"):
    return Target(id_, CITY, "level", period, baseline_value=baseline, baseline_period=base_period, target_value=level)


def test_improving_on_the_straight_line_is_on_track():
    # 2020 -> 2030, 50 -> 60: the line expects 55 at 2025; 56 is ahead of it
    row = assess(level_target(), series({"2020": 50, "2025": 56}), catalogue(indicator()))
    assert row.status == ON_TRACK
    assert row.expected_value == pytest.approx(55.0, abs=0.01)
    assert row.change_since_baseline == 6
    assert row.change_still_needed == 4
    assert (row.latest_value, row.latest_period) == (56, "2025")


def test_improving_too_slowly_is_off_track():
    row = assess(level_target(), series({"2020": 50, "2025": 52}), catalogue(indicator()))
    assert row.status == OFF_TRACK
    assert row.change_still_needed == 8
    assert "worse than" in row.status_reason


def test_worsening_is_off_track():
    row = assess(level_target(), series({"2020": 50, "2022": 48}), catalogue(indicator()))
    assert row.status == OFF_TRACK
    assert row.change_since_baseline == -2


def test_reaching_the_target_is_achieved_and_needs_nothing_more():
    row = assess(level_target(), series({"2020": 50, "2023": 61}), catalogue(indicator()))
    assert row.status == ACHIEVED
    assert row.change_still_needed == 0


def test_lower_is_better_reverses_every_judgement():
    lower = catalogue(indicator(higher_is_better=False))
    target = level_target(baseline=20.0, level=10.0)
    assert assess(target, series({"2020": 20, "2025": 14}), lower).status == ON_TRACK  # expected 15, 14 is better
    assert assess(target, series({"2020": 20, "2025": 16}), lower).status == OFF_TRACK
    assert assess(target, series({"2020": 20, "2025": 22}), lower).status == OFF_TRACK  # worsening
    assert assess(target, series({"2020": 20, "2026": 9.5}), lower).status == ACHIEVED
    # the same fall from 20 to 14 is a failure where higher is better
    higher = level_target(baseline=20.0, level=30.0)
    assert assess(higher, series({"2020": 20, "2025": 14}), catalogue(indicator())).status == OFF_TRACK


def test_direction_is_inferred_from_the_target_when_unknown():
    unknown = catalogue(indicator(higher_is_better=None))
    target = level_target(baseline=20.0, level=10.0)
    assert assess(target, series({"2020": 20, "2025": 14}), unknown).status == ON_TRACK


def test_no_observation_after_the_baseline_is_no_new_data():
    row = assess(level_target(), series({"2019": 49, "2020": 50}), catalogue(indicator()))
    assert row.status == NO_NEW_DATA
    assert row.change_since_baseline is None
    assert row.change_still_needed == 10


def test_stated_baseline_without_any_observation_is_no_new_data():
    row = assess(level_target(), [], catalogue(indicator()))
    assert row.status == NO_NEW_DATA
    assert row.latest_value is None


def test_no_data_at_all_is_not_assessable():
    target = Target("ind", CITY, "level", "2030", target_value=60.0)
    row = assess(target, series({"2021": 55}, area=ENGLAND), catalogue(indicator()))
    assert row.status == NOT_ASSESSABLE
    assert "no baseline" in row.status_reason


def test_unknown_direction_and_no_level_is_not_assessable():
    unknown = catalogue(indicator(higher_is_better=None))
    target = Target("ind", CITY, "change_by", "2030", baseline_value=10.0, baseline_period="2020")
    assert assess(target, series({"2020": 10, "2024": 12}), unknown).status == NOT_ASSESSABLE


def test_level_target_without_a_figure_is_not_assessable():
    target = Target("ind", CITY, "level", "2030", baseline_value=10.0, baseline_period="2020")
    row = assess(target, series({"2020": 10, "2024": 12}), catalogue(indicator()))
    assert row.status == NOT_ASSESSABLE
    assert "no level" in row.status_reason


def test_change_by_target_level_is_baseline_plus_change():
    # "5,000 more in employment from 116,000" by 2030
    target = Target("ind", CITY, "change_by", "2030", baseline_value=116000.0, baseline_period="2022", target_value=5000.0)
    row = assess(target, series({"2022": 116000, "2024": 118000}), catalogue(indicator(unit="count")))
    assert row.target_level == 121000
    assert row.expected_value == pytest.approx(116000 + 5000 * 2 / 8, rel=1e-3)
    assert row.status == ON_TRACK


def test_ratio_to_comparator_uses_the_comparators_value():
    target = Target("ind", CITY, "ratio_to_comparator", "2030", baseline_value=80.0, baseline_period="2020", target_value=1.0)
    obs = series({"2020": 80, "2024": 99}) + series({"2020": 100, "2024": 100}, area=ENGLAND)
    row = assess(target, obs, catalogue(indicator()))
    assert row.target_level == 100
    assert row.status == ON_TRACK


def test_direction_only_target_is_judged_by_the_change():
    target = Target("ind", CITY, "direction_only", "2028", baseline_value=30.0, baseline_period="2021")
    cat = catalogue(indicator(higher_is_better=False))
    assert assess(target, series({"2021": 30, "2023": 28}), cat).status == ON_TRACK
    assert assess(target, series({"2021": 30, "2023": 31}), cat).status == OFF_TRACK


def test_baseline_is_taken_from_the_data_when_not_stated():
    target = Target("ind", CITY, "level", "2030", target_value=60.0)
    row = assess(target, series({"2024": 58, "2020": 50}), catalogue(indicator()))
    assert (row.baseline_value, row.baseline_period) == (50, "2020")
    assert (row.latest_value, row.latest_period) == (58, "2024")


def test_suppressed_rows_are_skipped_for_the_latest_value():
    obs = series({"2020": 50, "2022": 55}) + [Observation("ind", CITY, "2023", None, "suppressed")]
    row = assess(level_target(), obs, catalogue(indicator()))
    assert row.latest_period == "2022"


def test_financial_years_and_target_year_share_one_time_axis():
    cat = catalogue(indicator(frequency="financial_year"))
    target = level_target(baseline=50.0, base_period="2020/21", level=60.0, period="2030")
    row = assess(target, series({"2020/21": 50, "2025/26": 55.2}), cat)
    # 31 Mar 2021 -> 31 Dec 2030: by 31 Mar 2026 the line expects 50 + 10 * 5/9.75 = 55.13
    assert row.expected_value == pytest.approx(55.128, abs=0.01)
    assert row.status == ON_TRACK


def test_past_the_target_period_and_short_of_it_is_off_track():
    row = assess(level_target(period="2022"), series({"2020": 50, "2024": 59}), catalogue(indicator()))
    assert row.status == OFF_TRACK
    assert row.expected_value == 60


def test_gap_to_comparator_uses_the_latest_shared_period():
    obs = series({"2020": 50, "2022": 54, "2023": 56}) + series({"2020": 60, "2022": 61}, area=ENGLAND)
    row = assess(level_target(), obs, catalogue(indicator()))
    assert row.comparator_period == "2022"
    assert row.gap_to_comparator == -7
    assert row.versus_comparator == "worse"
    lower = assess(level_target(baseline=60, level=40), obs, catalogue(indicator(higher_is_better=False)))
    assert lower.versus_comparator == "better"


def test_float_noise_is_rounded_away():
    row = assess(level_target(baseline=58.1, level=70), series({"2020": 58.1, "2023": 61.3}), catalogue(indicator()))
    assert row.change_since_baseline == 3.2
    assert csv_cells(row)[FIELD_NAMES.index("change_since_baseline")] == "3.2"


def test_table_is_ordered_and_csv_cells_follow_the_schema():
    cat = catalogue(indicator("b-ind"), indicator("a-ind"))
    targets = [level_target(id_="b-ind"), level_target(id_="a-ind")]
    obs = series({"2020": 50, "2024": 57}, id_="a-ind") + series({"2020": 50, "2024": 51}, id_="b-ind")
    rows = progress_table(targets, obs, cat)
    assert [r.indicator_id for r in rows] == ["a-ind", "b-ind"]
    assert [r.status for r in rows] == [ON_TRACK, OFF_TRACK]
    schema = json.loads(paths.schema_path("progress").read_text())
    assert [f["name"] for f in schema["fields"]] == list(FIELD_NAMES)
    assert len(csv_cells(rows[0])) == len(FIELD_NAMES)
    status_field = next(f for f in schema["fields"] if f["name"] == "status")
    assert "straight line" in status_field["description"] or "expected_value" in status_field["description"]


def test_rows_from_csv_text_and_a_bad_number_names_file_row_and_column():
    obs = observations_from_rows([{"indicator_id": "ind", "area_code": CITY, "period": "2020", "value": "5.5", "status": "final"}])
    assert obs[0].value == 5.5
    tgt = targets_from_rows([{"indicator_id": "ind", "area_code": CITY, "target_type": "level", "target_period": "2030", "target_value": "7"}])
    assert tgt[0].target_value == 7
    with pytest.raises(InputError) as exc:
        observations_from_rows([{"indicator_id": "ind", "area_code": CITY, "period": "2020", "value": "lots"}], where="obs.csv")
    assert exc.value.one_line() == "obs.csv: row 2: column 'value': 'lots' is not a number"


def test_a_baseline_that_already_meets_the_target_is_achieved_without_new_data():
    target = Target("ind", CITY, "level", "2030", target_value=40.0)
    row = assess(target, series({"2022": 41.0}), catalogue(indicator()))
    assert row.status == ACHIEVED
    assert row.change_still_needed == 0
    assert row.change_since_baseline is None


def test_growth_before_the_targets_window_cannot_be_judged():
    # gva-growth: "grow 10 per cent faster than the UK" to 2030, judged on 2016-2022 growth: the only figure is
    # the baseline itself and was measured before the strategy, so no verdict (it was "achieved" before)
    target = Target("ind", CITY, "ratio_to_comparator", "2030", target_value=1.1, comparator_area_code=ENGLAND)
    obs = series({"2016-2022": 40.4}) + series({"2016-2022": 26.9}, area=ENGLAND)
    row = assess(target, obs, catalogue(indicator(frequency="one_off", unit="percent_change")))
    assert row.status == NOT_ASSESSABLE
    assert "after 2016-2022" in row.status_reason and "2030" in row.status_reason
    assert row.measure_status == "unable_to_assess"  # the growth measure keeps the same window


def test_growth_over_a_span_inside_the_window_is_judged():
    target = Target("ind", CITY, "ratio_to_comparator", "2030", baseline_period="2016-2022", target_value=1.1,
                    comparator_area_code=ENGLAND)
    later = {"2016-2022": 40.4, "2023-2025": 12.0}
    overlapping = {"2016-2022": 40.4, "2020-2025": 12.0}
    cat = catalogue(indicator(frequency="one_off", unit="percent_change"))
    row = assess(target, series(later) + series({"2016-2022": 26.9, "2023-2025": 5.0}, area=ENGLAND), cat)
    assert row.target_level == 5.5 and row.status == ACHIEVED
    row = assess(target, series(overlapping) + series({"2016-2022": 26.9, "2020-2025": 5.0}, area=ENGLAND), cat)
    assert row.status == NOT_ASSESSABLE


def test_a_ratio_target_uses_the_comparator_of_the_same_period_only():
    target = Target("ind", CITY, "ratio_to_comparator", "2030", baseline_value=80.0, baseline_period="2020", target_value=1.0)
    obs = series({"2020": 80, "2024": 99}) + series({"2020": 100}, area=ENGLAND)
    row = assess(target, obs, catalogue(indicator()))
    assert row.status == NOT_ASSESSABLE and row.target_level is None


def test_ratio_target_without_comparator_data_says_so():
    target = Target("ind", CITY, "ratio_to_comparator", "2030", target_value=1.0, comparator_area_code="K02000001")
    row = assess(target, series({"2020": 10, "2022": 9}), catalogue(indicator()))
    assert row.status == NOT_ASSESSABLE
    assert "K02000001" in row.status_reason


def test_a_repeated_period_takes_the_later_row():
    obs = series({"2020": 50}) + [Observation("ind", CITY, "2024", 55.0), Observation("ind", CITY, "2024", 57.0)]
    assert assess(level_target(), obs, catalogue(indicator())).latest_value == 57.0

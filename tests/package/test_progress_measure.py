"""The Open SDG / Statistics Canada progress measure: every category and edge case, with figures worked by hand."""

import pytest

from stoke_opendata.package import progress_measure as pm
from stoke_opendata.package.progress_measure import measure, scaling_factor


def test_numeric_target_categories():
    # baseline 100 in 2020, target 121 in 2030: 1.9245% a year needed
    target = (2030, 121.0)
    on = measure((2020, 100.0), (2022, 104.0), True, target)  # 1.98%/yr: R = 1.03
    accel = measure((2020, 100.0), (2022, 102.5), True, target)  # 1.24%/yr: R = 0.65
    limited = measure((2020, 100.0), (2022, 100.5), True, target)  # R = 0.13
    worse = measure((2020, 100.0), (2022, 99.0), True, target)
    assert [m.status for m in (on, accel, limited, worse)] == [pm.ON_TRACK, pm.ACCELERATION_NEEDED, pm.LIMITED_PROGRESS, pm.DETERIORATION]
    assert on.value == pytest.approx(((1.04 ** 0.5) - 1) / ((1.21 ** 0.1) - 1))
    assert "needed to reach 121" in accel.reason and accel.reason.endswith(".")


def test_ratio_thresholds_are_inclusive_at_95_and_60_percent():
    required = (121 / 100) ** (1 / 10) - 1
    at_95 = 100 * (1 + 0.95 * required) ** 2
    assert measure((2020, 100.0), (2022, at_95 + 1e-9), True, (2030, 121.0)).status == pm.ON_TRACK
    assert measure((2020, 100.0), (2022, at_95 - 1e-6), True, (2030, 121.0)).status == pm.ACCELERATION_NEEDED


def test_achieved_whatever_the_trend_and_met_at_baseline():
    assert measure((2020, 50.0), (2022, 60.0), True, (2030, 58.0)).status == pm.ACHIEVED
    # met at baseline, one point only: achieved (the target is met)
    assert measure((2020, 60.0), None, True, (2030, 58.0)).status == pm.ACHIEVED
    # met at baseline, no longer met: deterioration
    m = measure((2020, 60.0), (2022, 57.0), True, (2030, 58.0))
    assert m.status == pm.DETERIORATION and "met at the base" in m.reason


def test_decreasing_is_better():
    # 20 -> 10 by 2030 needs -6.7% a year; observed -7.2% a year
    assert measure((2020, 20.0), (2022, 17.2), False, (2030, 10.0)).status == pm.ON_TRACK
    assert measure((2020, 20.0), (2022, 21.0), False, (2030, 10.0)).status == pm.DETERIORATION
    assert measure((2020, 20.0), (2022, 9.5), False, (2030, 10.0)).status == pm.ACHIEVED
    # direction only, lower is better: falling 2% a year is on track
    assert measure((2020, 100.0), (2021, 98.0), False).status == pm.ON_TRACK


def test_direction_only_thresholds():
    assert measure((2020, 100.0), (2021, 101.6), True).status == pm.ON_TRACK
    assert measure((2020, 100.0), (2021, 101.0), True).status == pm.ACCELERATION_NEEDED
    # a count rising 0.25% a year is limited progress, not "on track"
    m = measure((2020, 1000.0), (2024, 1000 * 1.0025 ** 4), True)
    assert m.status == pm.LIMITED_PROGRESS and m.value == pytest.approx(0.0025)
    assert measure((2020, 100.0), (2021, 99.0), True).status == pm.DETERIORATION


def test_zero_baseline_and_zero_target_use_0_001():
    m = measure((2020, 0.0), (2022, 5.0), True)
    assert m.status == pm.ON_TRACK and m.value == pytest.approx((5 / 0.001) ** 0.5 - 1)
    # a target of zero (lower is better): replaced by 0.001, so the required pace is finite
    m = measure((2020, 10.0), (2022, 5.0), False, (2030, 0.0))
    assert m.status == pm.LIMITED_PROGRESS and 0 < m.value < 0.6


def test_natural_limit_scales_direction_only_thresholds():
    # 97% with a ceiling of 100: C = ((100/97)^(1/15) - 1) / 1.5% = 0.1358
    c = scaling_factor(97.0, 100.0, True)
    assert c == pytest.approx(((100 / 97) ** (1 / 15) - 1) / 0.015)
    assert 0 < c < 1
    # +0.3% a year: limited progress without a limit, on track near the ceiling
    assert measure((2020, 97.0), (2021, 97.3), True).status == pm.LIMITED_PROGRESS
    assert measure((2020, 97.0), (2021, 97.3), True, limit=100.0).status == pm.ON_TRACK
    # far from the limit, C = 1: the thresholds are unchanged
    assert scaling_factor(20.0, 100.0, True) == 1.0
    # at the limit, C = 0: holding the value is on track, falling is deterioration
    assert measure((2020, 100.0), (2021, 100.0), True, limit=100.0).status == pm.ON_TRACK
    assert measure((2020, 100.0), (2021, 99.0), True, limit=100.0).status == pm.DETERIORATION
    # a minimum limit of 0 when lower is better never binds
    assert scaling_factor(3.0, 0.0, False) == 1.0


def test_unable_to_assess():
    assert measure((2020, 10.0), None, True).status == pm.UNABLE
    assert measure((2020, 10.0), (2020, 12.0), True).status == pm.UNABLE
    assert measure((2020, 10.0), (2021, 12.0), None).status == pm.UNABLE
    assert measure((2020, -5.0), (2021, 3.0), True).status == pm.UNABLE


def test_all_negative_values_flip_the_direction():
    # -10 -> -8 (higher is better): magnitudes fall 20%, which is the better direction
    assert measure((2020, -10.0), (2021, -8.0), True).status == pm.ON_TRACK


def test_progress_rows_carry_the_measure():
    from types import SimpleNamespace

    from stoke_opendata.package.progress import Observation, Target, assess

    indicator = SimpleNamespace(frequency="annual", higher_is_better=True, unit="percent", maximum=100.0,
                                title="x", comparator_area_code=None)
    catalogue = SimpleNamespace(indicators={"x": indicator})
    obs = [Observation("x", "E06000021", "2023", 60.0), Observation("x", "E06000021", "2025", 61.0)]
    row = assess(Target("x", "E06000021", "level", "2030", target_value=70.0), obs, catalogue)
    assert row.measure_status == pm.LIMITED_PROGRESS and row.measure_reason.startswith("Limited progress")

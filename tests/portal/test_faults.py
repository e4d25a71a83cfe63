"""Fault injection against the real local CKAN: a few seeded runs here, 50+ in bench/soak_publish.py.

Each run publishes through a proxy that resets connections, delays, or answers 502/503 (before and after
CKAN acts), or kills and restarts a CKAN server process mid-publish; then a normal rerun; then the portal
must hold exactly the package (see tests/fault_runs.py). The `portal` fixture (tests/conftest.py) makes a
missing portal a failure under CI=true and a skip elsewhere.
"""

import pytest

import fault_runs

pytestmark = pytest.mark.portal


def test_proxy_fault_runs_end_in_exactly_the_intended_state(portal):
    result = fault_runs.soak(4, first_seed=101, rate=0.4)
    print(result.line(), dict(result.fault_kinds))
    assert result.runs == 4
    assert result.faults_injected > 0, "the proxy injected no fault: the test would prove nothing"
    assert result.anomalies == 0, result.details


def test_killing_ckan_mid_publish_then_rerunning_converges(portal):
    result = fault_runs.soak(0, first_seed=201, kill_runs=2)
    print(result.line(), dict(result.fault_kinds))
    assert result.runs == 2
    assert result.kills >= 1, "CKAN was never killed: the test would prove nothing"
    assert result.anomalies == 0, result.details

"""settings.env_number: one reader for the numbers the environment configures, one way of refusing them."""

import pytest

from stoke_opendata.errors import PortalError, UsageError
from stoke_opendata.settings import env_number


def test_unset_or_blank_gives_the_default():
    assert env_number("X", 7, environ={}) == 7
    assert env_number("X", None, environ={"X": "  "}) is None


def test_parses_int_and_float():
    assert env_number("X", 1, kind=int, environ={"X": " 42 "}) == 42
    assert env_number("X", 1.0, environ={"X": "2.5"}) == 2.5


@pytest.mark.parametrize(
    "value, kind, minimum, exclusive, message",
    [
        ("ten", float, 0, False, "X must be a number, not 'ten'"),
        ("1.5", int, 1, False, "X must be a whole number, not '1.5'"),
        ("0", int, 1, False, "X must be at least 1, not '0'"),
        ("0", float, 0, True, "X must be greater than 0, not '0'"),
        ("-1", float, 0, False, "X must be at least 0, not '-1'"),
        ("nan", float, 0, False, "X must be at least 0, not 'nan'"),
    ],
)
def test_refuses_what_is_not_a_number_in_range(value, kind, minimum, exclusive, message):
    with pytest.raises(UsageError) as caught:
        env_number("X", 1, kind=kind, minimum=minimum, exclusive=exclusive, environ={"X": value})
    assert str(caught.value) == message


def test_the_caller_chooses_the_error():
    with pytest.raises(PortalError):
        env_number("STOKE_OPENDATA_TIMEOUT", 30.0, environ={"STOKE_OPENDATA_TIMEOUT": "soon"}, error=PortalError)


def test_the_three_callers_use_it(monkeypatch):
    from stoke_opendata.safety import disclosure
    from stoke_opendata.safety import guards as safety
    from stoke_opendata.portal.client import PortalClient
    from stoke_opendata.portal.credentials import PortalSettings

    with pytest.raises(UsageError, match="STOKE_OPENDATA_MAX_FILE_MB must be greater than 0"):
        safety.Limits.from_env({"STOKE_OPENDATA_MAX_FILE_MB": "0"})
    with pytest.raises(UsageError, match="STOKE_OPENDATA_DISCLOSURE_THRESHOLD must be a whole number"):
        disclosure.threshold_override(None, {"STOKE_OPENDATA_DISCLOSURE_THRESHOLD": "five"})
    monkeypatch.setenv("STOKE_OPENDATA_RETRIES", "-2")
    with pytest.raises(PortalError, match="STOKE_OPENDATA_RETRIES must be at least 0"):
        PortalClient(PortalSettings(url="http://127.0.0.1:9"))

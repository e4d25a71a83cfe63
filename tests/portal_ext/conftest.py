"""Fixtures for the Submit figures tests: a second CKAN web process and job worker with ckanext-stoke on a
copy of the record (stoke_instance.py), so an approval in a test never writes into the repository's datasets/.
Users (an editor, two admins, a member, an editor of another organisation) get random passwords per run."""

from __future__ import annotations

import pytest

from stoke_instance import CKAN, TEST_LIMIT_MB, running


@pytest.fixture(scope="session")
def stoke(portal, tmp_path_factory):
    """The test portal process: url, the record's home, users and their passwords, the log files."""
    if not CKAN.exists():
        pytest.fail("the portal's venv is missing: run `bash portal/up.sh`", pytrace=False)
    with running(portal, tmp_path_factory.mktemp("stoke-portal"), limit_mb=TEST_LIMIT_MB) as instance:
        yield instance

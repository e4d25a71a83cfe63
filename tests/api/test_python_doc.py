"""docs/python.md is executed: every example on the page runs (doctest), the publishing part against the
real local CKAN portal, so the page cannot drift from the API."""

import doctest
import tempfile

import pytest

from conftest import ROOT


@pytest.mark.portal
def test_python_doc_examples_run(portal, monkeypatch, tmp_path):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("CKAN_URL", portal.url)
    monkeypatch.setenv("CKAN_API_TOKEN", portal.token)
    monkeypatch.setenv("STOKE_OPENDATA_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    result = doctest.testfile(str(ROOT / "docs" / "python.md"), module_relative=False, optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.attempted >= 25
    assert result.failed == 0

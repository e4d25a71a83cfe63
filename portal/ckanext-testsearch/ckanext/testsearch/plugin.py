"""TEST-ONLY CKAN plugin `test_only_search`: replaces the Solr connection with an in-process index.

CKAN has no config switch to run without Solr, yet everything except the search server is CKAN's own
code. This plugin re-points `make_connection` (imported by name into ckan.lib.search and its
submodules) at a TestOnlyIndex and skips the Solr schema check, so CKAN's own document building,
query building, auth and validation still run. It exists for the stoke-opendata test portal only.
"""

from __future__ import annotations

import logging
import os

import ckan.plugins as plugins

from ckanext.testsearch.index import TestOnlyIndex

log = logging.getLogger(__name__)

WARNING = (
    "ckanext-testsearch (plugin test_only_search) is TEST-ONLY: Solr is replaced by a small "
    "in-process index at %s. Not for production; a real portal must run Solr."
)

_index: TestOnlyIndex | None = None


def _index_path(config) -> str:
    path = config.get("ckanext.test_only_search.path") or ""
    if not path:
        storage = config.get("ckan.storage_path") or "/tmp"
        path = os.path.join(storage, "test-only-search-index.sqlite3")
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    return path


def install(config) -> TestOnlyIndex:
    """Point every module that imported make_connection at the test-only index."""
    global _index
    import ckan.lib.search as search
    import ckan.lib.search.common as common
    import ckan.lib.search.index as index_module
    import ckan.lib.search.query as query_module

    path = _index_path(config)
    if _index is None or _index.path != path:
        _index = TestOnlyIndex(path)

    def make_connection(decode_dates: bool = True) -> TestOnlyIndex:
        assert _index is not None
        return _index

    def check_solr_schema_version(schema_file=None) -> bool:
        return True

    for module in (search, common, index_module, query_module):
        module.make_connection = make_connection
    search.check_solr_schema_version = check_solr_schema_version
    log.warning(WARNING, path)
    return _index


class TestOnlySearchPlugin(plugins.SingletonPlugin):
    """IConfigurer.update_config runs before CKAN checks the Solr schema, so the swap happens in time."""

    plugins.implements(plugins.IConfigurer)

    def update_config(self, config):
        install(config)

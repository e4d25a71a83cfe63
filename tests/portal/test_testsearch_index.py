"""The TEST-ONLY Solr stand-in of the local portal (portal/ckanext-testsearch): its query subset.

CKAN's own package_search runs through it in the portal tests; these pin the query semantics directly."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "portal" / "ckanext-testsearch"))

from ckanext.testsearch.index import TestOnlyIndex as Index  # noqa: E402
from ckanext.testsearch.index import TestOnlySearchError as QueryError  # noqa: E402
from ckanext.testsearch.index import compile_query  # noqa: E402

DOC = {"id": "1", "index_id": "i1", "name": "stoke-health", "title": "Healthy Lives in Stoke",
       "state": "active", "capacity": "public", "site_id": "default", "entity_type": "package",
       "groups": ["healthier", "fairer"], "organization": "stoke-on-trent-city-council", "owner_org": "o-1",
       "tags": ["health"], "metadata_modified": "2026-01-02T00:00:00Z"}


@pytest.mark.parametrize("query, expected", [
    ("*:*", True),
    ("name:stoke-health", True),
    ('name:"stoke-health"', True),
    ("name:stoke-*", True),
    ("-name:stoke-health", False),
    ("+capacity:public +state:(active OR draft)", True),
    ('+entity_type:package AND +(id:"x" OR name:"stoke-health") AND +site_id:"default"', True),
    ('+entity_type:package AND +(id:"x" OR name:"other") AND +site_id:"default"', False),
    ('groups:"fairer"', True),
    ("healthy lives", True),
    ("unhealthy", False),
    ('+owner_org:"o-1"', True),
    ("organization:stoke-on-trent-city-council AND NOT name:stoke-health", False),
    ("metadata_modified:[2026-01-01T00:00:00Z TO *]", True),
])
def test_query_subset(query, expected):
    assert compile_query(query)(DOC) is expected


def test_unparseable_query_is_an_error():
    with pytest.raises(QueryError):
        compile_query("name:(unbalanced")


def test_store_search_paging_facets_and_delete(tmp_path):
    index = Index(str(tmp_path / "index.sqlite3"))
    docs = [dict(DOC, id=str(n), index_id=f"i{n}", name=f"d{n}", groups=["healthier"] if n % 2 else ["safer"])
            for n in range(5)]
    index.add(docs)
    page = index.search(q="*:*", fq=["+state:active"], rows=2, start=1, sort="name asc", fl="id name")
    assert page.hits == 5 and [d["name"] for d in page.docs] == ["d1", "d2"] and set(page.docs[0]) == {"id", "name"}
    facets = index.search(q="*:*", rows=0, facet="true", **{"facet.field": ["groups"], "facet.limit": -1})
    assert facets.facets["facet_fields"]["groups"] == ["safer", 3, "healthier", 2]
    index.delete(q='+entity_type:package AND +(id:"3" OR name:"3")')
    assert index.search(q="*:*").hits == 4
    # another process (a new object on the same file) sees the same documents
    assert Index(index.path).search(q="name:d4").hits == 1

"""TEST-ONLY Solr stand-in for the stoke-opendata test portal (see plugin.py)."""

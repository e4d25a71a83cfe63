"""Reuse from anywhere: CORS for reads and gzip for text on the stoke-opendata portal (see plugin.py)."""

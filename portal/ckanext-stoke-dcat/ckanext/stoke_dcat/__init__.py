"""The catalogue record of the stoke-opendata portal as DCAT-AP 3 wants it (see profile.py)."""

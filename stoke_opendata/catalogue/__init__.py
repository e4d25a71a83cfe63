"""The catalogue: what the council publishes about its indicators, before any submission is read.

Holds the controlled vocabulary, the indicator definitions and areas (schemas/), periods as points in
time, the bundled source datasets and their tables, the council documents they cite, and the plain-text
views of the catalogue. Pure data and standard-library reading.

May import: `stoke_opendata.errors`, `stoke_opendata.settings`. Nothing else of the package.
"""

"""The council documents the indicators come from, by the file name the catalogue's `document` column uses.

Packages cite their sources by title and section; the catalogue records the document by file name
(the plain-text extracts in ../shared/seeds). This maps one to the other. Pure data.
"""

from __future__ import annotations

DOCUMENT_TITLES = {
    "004_188d96d908c85609.txt": "Our City, Our Wellbeing: Stoke-on-Trent City Council Corporate Strategy 2024-28",
    "001_6067628d7db9e3d3.txt": "Shaping our City, Growth for All: Stoke-on-Trent growth prospectus (2025)",
    "000_a1ed61c6d10cc290.txt": "Powering Up Stoke-on-Trent (2021-22)",
    "002_681be856b69de2a8.txt": "Industrial Strategy: Stoke-on-Trent & Staffordshire",
    "003_3360c0d2dd2dba99.txt": "Stoke-on-Trent & Staffordshire LEP draft Local Industrial Strategy (news item, 2020)",
}


def document_title(document: str) -> str:
    """The title of a source document; a value that is not a known file name is taken to be a title."""
    return DOCUMENT_TITLES.get(document.strip(), document.strip())

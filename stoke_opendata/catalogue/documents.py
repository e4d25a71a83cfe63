"""The council documents the indicators come from, by the file name the catalogue's `document` column uses.

Packages cite their sources by title and section; the catalogue records the document by file name
(the plain-text extracts in ../shared/seeds). This maps one to the other. Pure data.
"""

from __future__ import annotations

import re

# an internal file name as the bundled rows cite it: "(004_188d96d908c85609.txt)"
_FILE_NAME = re.compile(r"\s*\(?\b(\d{3}_[0-9a-f]{16}\.txt)\b\)?")

DOCUMENT_TITLES = {
    "004_188d96d908c85609.txt": "Our City, Our Wellbeing: Stoke-on-Trent City Council Corporate Strategy 2024-28",
    "001_6067628d7db9e3d3.txt": "Shaping our City, Growth for All: Stoke-on-Trent growth prospectus (2025)",
    "000_a1ed61c6d10cc290.txt": "Powering Up Stoke-on-Trent (2021-22)",
    "002_681be856b69de2a8.txt": "Industrial Strategy: Stoke-on-Trent & Staffordshire",
    "003_3360c0d2dd2dba99.txt": "Stoke-on-Trent & Staffordshire LEP draft Local Industrial Strategy (news item, 2020)",
}


# Who published each document and when, as the documents themselves say (the seeds carry no web addresses,
# so none is recorded rather than guessed; add `url` here when the council confirms one).
DOCUMENT_DETAILS = {
    "004_188d96d908c85609.txt": {"publisher": "Stoke-on-Trent City Council", "year": "2024"},
    "001_6067628d7db9e3d3.txt": {"publisher": "Stoke-on-Trent City Council", "year": "2025"},
    "000_a1ed61c6d10cc290.txt": {"publisher": "Stoke-on-Trent City Council", "year": "2021"},
    "002_681be856b69de2a8.txt": {},
    "003_3360c0d2dd2dba99.txt": {"year": "2020"},
}


# The name each bundled row's `source` cites its document by ("<name>, <section>"): people read the name;
# the file it was read from is found here, not in the published text (tests check each figure against it)
SOURCE_DOCUMENTS = {
    "Corporate Strategy 2024-28 'Our City, Our Wellbeing'": "004_188d96d908c85609.txt",
    "'Shaping our City, Growth for All' prospectus (2025)": "001_6067628d7db9e3d3.txt",
    "Industrial Strategy summary for Stoke-on-Trent & Staffordshire": "002_681be856b69de2a8.txt",
}


def document_of_source(source: str) -> str | None:
    """The document file a row's `source` cites ("Corporate Strategy 2024-28 'Our City, Our Wellbeing', Priority 3 ...")."""
    for name, document in SOURCE_DOCUMENTS.items():
        if (source or "").startswith(name):
            return document
    found = _FILE_NAME.search(source or "")  # an older row that still names the file
    return found.group(1) if found else None


def document_details(title: str) -> dict[str, str]:
    """Publisher, year and web address (those known) of the document with this title."""
    for name, known in DOCUMENT_TITLES.items():
        if known == title:
            return dict(DOCUMENT_DETAILS.get(name, {}))
    return {}


def document_title(document: str) -> str:
    """The title of a source document; a value that is not a known file name is taken to be a title."""
    return DOCUMENT_TITLES.get(document.strip(), document.strip())


def citations(document: str, section: str) -> list[tuple[str, str]]:
    """(document title, section) pairs of one catalogue row.

    A row may name several documents (`004_….txt; 001_….txt`) and then prefixes each section with the
    document's number (`004: Priority 1 …; 001: Mission 5 …`); a row naming one document may list several
    of its sections separated by `; `.
    """
    documents = [d.strip() for d in (document or "").split(";") if d.strip()]
    sections = [s.strip() for s in (section or "").split("; ") if s.strip()]
    if not documents:
        return []
    if len(documents) == 1:
        title = document_title(documents[0])
        return [(title, s) for s in sections] or [(title, "")]
    pairs = []
    for part in sections:
        prefix, _, rest = part.partition(": ")
        owner = next((d for d in documents if prefix.isdigit() and d.startswith(prefix + "_")), None)
        if owner and rest:
            pairs.append((document_title(owner), rest.strip()))
        else:
            pairs.append((document_title(documents[0]), part))
    cited = {title for title, _ in pairs}
    pairs += [(document_title(d), "") for d in documents if document_title(d) not in cited]
    return pairs


def readable(text: str | None) -> str:
    """Text a person reads, without internal file names: "Corporate Strategy ... (004_….txt), Priority 3" keeps
    the title and section; a file name standing alone becomes its document's title."""
    if not text:
        return text or ""

    def swap(match):
        before = text[: match.start()]
        title = DOCUMENT_TITLES.get(match.group(1))
        if match.group(0).strip().startswith("(") or not title:
            return ""  # a parenthesised name follows the title already
        return (" " if before and not before.endswith(" ") else "") + title

    return _FILE_NAME.sub(swap, text)

"""Where a sheet's header row is, when a steward put a title (or a blank row) above it.

A workbook made for people often starts with a title line, a date or a blank row; reading row 1 as the header
then reports every column missing and every row too long (25 errors for one mistake). The header is instead
the first of the top rows that holds at least two of the schema's column names (compared as a steward
writes them: any case, spaces or hyphens for underscores), and the rows above it are one problem that says
where the header is. Standard library only.
"""

from __future__ import annotations

import re

from stoke_opendata.validate.problems import Problem

SEARCH_ROWS = 20  # a title block is a few lines; a header further down is not looked for


def normal_label(label: str) -> str:
    return re.sub(r"[\s\-]+", "_", str(label).strip().lower().lstrip("\ufeff"))


def header_index(rows: list[list[str]], schema_names: set[str] | None) -> int:
    """Index of the header row in `rows` (0 when row 1 is the header, or nothing better is found)."""
    if not schema_names or not rows:
        return 0
    names = {normal_label(n) for n in schema_names}

    def hits(row):
        return len({normal_label(v) for v in row if str(v).strip()} & names)

    if hits(rows[0]) >= min(2, len(names)):
        return 0
    for index, row in enumerate(rows[1:SEARCH_ROWS], start=1):
        if hits(row) >= min(2, len(names)):
            return index
    return 0


def header_problem(path: str, rows: list[list[str]], index: int) -> Problem:
    """The one message for rows above the header: where the header is, and what the first of them says."""
    above = "row 1" if index == 1 else f"rows 1-{index}"
    first = next((v.strip() for row in rows[:index] for v in row if str(v).strip()), "")
    said = f" ({first[:60]!r})" if first else " (blank)"
    return Problem(
        path,
        "header-not-first",
        f"the header row is row {index + 1}; {above} above it{said} {'is' if index == 1 else 'are'} not part of the table",
        f"delete {above} so that the header is row 1 (`validate --fix OUT` writes a copy without {'it' if index == 1 else 'them'})",
        row=index + 1,
    )

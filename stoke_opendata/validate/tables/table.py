"""The Table every reader returns: all cells as text, spreadsheet row numbers, the cells each record really had."""

from __future__ import annotations

from dataclasses import dataclass, field

from stoke_opendata.validate.problems import FileInfo, Problem


# extra columns read beyond the header when a caller keeps extra cells (`--fix`); extra cells are counted
# either way, and the first one's text is kept in Table.extra_values
PAD = 1
ROW = "__row__"  # spreadsheet row number of each record (header = 1)


@dataclass
class Table:
    """One table, all cells as text (a blank cell is null). Frame columns are positions "0".."n" (labels may be blank or repeated);
    `field_counts[i]` is how many cells record i really had, so extra and missing cells can be told apart."""

    info: FileInfo
    labels: list[str]
    frame: object  # polars.DataFrame: columns "0".."K-1" (String; "K".."K+PAD-1" too when read padded) and ROW (Int64)
    field_counts: object  # polars.Series (Int32), aligned with frame
    problems: list[Problem] = field(default_factory=list)
    # record position -> the text of its first cell beyond the header's width (None if blank), for the
    # records that have more cells than the header (what an extra-cell problem shows)
    extra_values: dict = field(default_factory=dict)
    header_row: int = 1  # the spreadsheet's row number of the header (a title row above it makes it 2 or more)

    @property
    def path(self) -> str:
        return self.info.path


def column_name(position: int) -> str:
    return str(position)

"""Reading submissions: the names other modules import, kept here while the readers live in stoke_opendata.validate.tables.

(stoke_opendata.validate.tables holds one module per concept: table, sniff, csv_reader, xlsx_reader, files, descriptor.)
"""

from __future__ import annotations

from stoke_opendata.validate.tables.csv_reader import _field_counts, _line_lengths, _polars_read, _scan_lines, read_csv  # noqa: F401
from stoke_opendata.validate.tables.descriptor import ResourceSpec, is_descriptor, read_descriptor  # noqa: F401
from stoke_opendata.validate.tables.files import _check_limits, _has_long_line, read_table  # noqa: F401
from stoke_opendata.validate.tables.sniff import DELIMITERS, EXCEL_EXTENSIONS, HEAD_BYTES  # noqa: F401
from stoke_opendata.validate.tables.table import PAD, ROW, Table, column_name  # noqa: F401
from stoke_opendata.validate.tables.xlsx_reader import read_xlsx  # noqa: F401

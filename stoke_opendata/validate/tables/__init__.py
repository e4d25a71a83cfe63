"""Reading what a steward sends (CSV, XLSX, or a data package) into all-text tables with spreadsheet row numbers.

Everything is read as text on purpose: a cell that is not a number must still reach the validator so it
can say which cell, what it holds and how to fix it (a typed reader stops at the first bad cell). Files
that cannot be tables at all (empty, binary, HTML saved as .csv, an extension that lies) raise InputError:
one line naming the file and the cause, exit 2. Guessed delimiters and encodings become warnings.
polars and openpyxl are imported inside the functions (the CLI must start fast).

One module per concept: table (the Table every reader returns), sniff (what a file is), csv_reader,
xlsx_reader, files (size limits and the choice of reader), descriptor (data package resources).
"""

from __future__ import annotations

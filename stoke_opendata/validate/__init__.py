"""Validation: a steward's submission (CSV, XLSX, data package) checked against the published definitions.

`tables/` turns a file into an all-text table with spreadsheet row numbers (one module per format, and
the data package descriptor in `tables/descriptor`); `tableschema/` applies the Frictionless Table Schema
column by column (the schema itself, types, constraints, keys); `checks/` holds the meaning rules derived
from each indicator's definition (one module per check, found by the registry, plus the checks of other
installed packages: the `stoke_opendata.checks` entry points); `problems` and `report` say what was found;
`fixing` writes the normalised copy of `--fix`; `pipeline` is the steps every engine runs on one table;
`validator` runs files and data packages through them into one Report.

May import: `safety`, `catalogue`, `errors`, `settings`.
"""

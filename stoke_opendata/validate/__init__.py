"""Validation: a steward's submission (CSV, XLSX, data package) checked against the published definitions.

`reading` turns a file into an all-text table with spreadsheet row numbers (the readers live in `tables/`,
one module per format, and the data package descriptor in `tables/descriptor`); `structure` applies the
Frictionless Table Schema column by column (its rules live in `tableschema/`: the schema itself, types,
constraints, keys); `checks/` holds the meaning rules derived from each
indicator's definition (one declared unit per rule); `problems` and `report` say what was found;
`fixing` writes the normalised copy of `--fix`; `validator` runs the whole chain into one Report.

May import: `safety`, `catalogue`, `errors`, `settings`.
"""

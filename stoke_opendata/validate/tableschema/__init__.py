"""The Table Schema contract (frictionless's `specs/table-schema`), applied a whole column at a time with polars.

Driven only by the schema JSON (fields, types, constraints, primaryKey, foreignKeys, missingValues), so the
same code checks observations, indicators, areas and targets tables and any package a user brings. Codes are
frictionless's own. One module per concept: schema_errors (the schema itself), field_types (reading a cell
as its field's type), constraints (cells), keys (primary and foreign keys), hints (what to tell a steward),
check (the whole table: header labels and row shapes, then the rest).
"""

from __future__ import annotations

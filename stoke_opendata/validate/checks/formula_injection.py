"""formula-injection: text cells a spreadsheet would run as a formula (= + - @ TAB CR at the start).

Runs on every table (not only observations): any text field that would be published. Number fields are
never looked at (a number field holding -5 is a negative number). An error by default; a steward who must
keep such text sets STOKE_OPENDATA_KEEP_FORMULA_TEXT=1, which reports `formula-text-kept` (a warning)
instead, and packaging then publishes the cell with a leading apostrophe (stoke_opendata.safety.injection).
"""

from __future__ import annotations

import os

from stoke_opendata.safety import injection
from stoke_opendata.validate.checks.base import Check, register
from stoke_opendata.validate.problems import Problem
from stoke_opendata.validate.tables.table import ROW

KEPT = "formula-text-kept"
KEEP_ENV = "STOKE_OPENDATA_KEEP_FORMULA_TEXT"

_PATTERN = r"^[=+\-@\t\r]"


def keep_formula_text() -> bool:
    return os.environ.get(KEEP_ENV, "").strip().lower() in ("1", "true", "yes")


def _maybe_formula(pl, name):
    """True for every cell that starts like a formula (and a few others: a space, a digit-less symbol).
    `name`: a column's name, or an expression giving the text."""
    col = pl.col(name) if isinstance(name, str) else name
    return ((col < "0") | ((col >= ":") & (col < "A"))).fill_null(False)


def formula_problems(checked) -> list[Problem]:
    """Every formula-like cell in the table's text fields, with its row and column."""
    import polars as pl

    raw = checked.raw
    fields = [f for f in injection.text_fields(checked.schema) if f in raw.columns and f in checked.present]
    if not fields or raw.height == 0:
        return []
    keep = keep_formula_text()
    # a cheap byte-order prefilter first, every column in one parallel pass: each trigger sorts below "0"
    # (TAB, CR, + and -) or between ":" and "A" (= and @), and text rarely does; comparing strings is
    # several times cheaper than a regex per cell (0.16 s -> ~0.03 s for 7 columns of 1M rows)
    # (a coded column whose distinct values the structure layer already holds is judged on those)
    distinct = getattr(checked, "distinct", None) or {}
    scanned = [name for name in fields if name not in distinct]
    suspect = dict(zip(scanned, raw.select(_maybe_formula(pl, name).any() for name in scanned).row(0))) if scanned else {}
    problems = []
    for name in fields:
        if name in distinct:
            formulas = distinct[name].filter(distinct[name].str.contains(_PATTERN))
            if formulas.len() == 0:
                continue
            hits = raw.select(ROW, name).filter(pl.col(name).is_in(formulas.implode()))
        elif not suspect[name]:
            continue
        else:
            candidates = raw.select(ROW, name).filter(_maybe_formula(pl, name))
            hits = candidates.filter(pl.col(name).str.contains(_PATTERN).fill_null(False))
        for row, value in hits.iter_rows():
            cell = injection.FormulaCell(row - 2, name, value)
            if keep:
                problems.append(Problem(checked.path, KEPT, cell.message, "packaging will publish it as text, with a leading apostrophe", row=row, column=name, value=value))
            else:
                problems.append(Problem(checked.path, injection.CODE, cell.message, cell.hint, row=row, column=name, value=value))
    return problems


@register
class FormulaInjection(Check):
    codes = {
        injection.CODE: ("error", "a text cell starting with = + - @ TAB or CR, which a spreadsheet may run as a formula"),
        KEPT: ("warning", "formula-like text kept on purpose; packaging publishes it with a leading apostrophe"),
    }
    guide = {
        injection.CODE: ("a text cell starting with = + - @ TAB or CR, which a spreadsheet may run as a formula (docs/safety.md)",
                         "remove the leading character, or set STOKE_OPENDATA_KEEP_FORMULA_TEXT=1 to publish it as text"),
        KEPT: ("formula-like text kept on purpose (STOKE_OPENDATA_KEEP_FORMULA_TEXT=1); packaging publishes it with a leading apostrophe",
               "nothing, if the text is meant"),
    }
    layer = "safety"
    every_table = True

    def run_table(self, checked) -> list[Problem]:
        return formula_problems(checked)

    def row_suspects(self, ctx, raw) -> list:
        """Every text cell that starts like a formula (the byte-order prefilter above: a superset)."""
        import polars as pl

        out = []
        for name in injection.text_fields(ctx.schema):
            if name in ctx.distinct:  # a coded column: its formula-like distinct values
                out.append(raw(name).is_in(ctx.distinct[name].filter(ctx.distinct[name].str.contains(_PATTERN)).implode()))
            elif name in ctx.present:
                out.append(_maybe_formula(pl, raw(name)))
        return out

"""The rules and words for a steward's own file (a CSV or workbook), not for a dataset's tables.

A steward is told one plain thing per mistake, in words that say what to type: the period to write for a date
or a long year form, the code for a place name, the header a renamed column should have. A data package keeps
frictionless's semantics (an extra and a missing label; every schema column present); a steward's file may
leave out the columns the schema does not require, and a blank status is read as final.
"""

from __future__ import annotations

from stoke_opendata.validate.problems import Problem
from stoke_opendata.validate.tables.header import normal_label

PERIOD_FORMS = "a year (2025), a financial or academic year (2024/25), a quarter (2025-Q1), a month (2025-01) or a span of years (2018-20)"
FIX = "`validate --fix OUT` rewrites it"


def relabel(table, schema: dict) -> None:
    """A header written another way ('Area Code', 'Period') is read as its column, with one message per column
    (not an extra and a missing column each)."""
    fields = schema.get("fields") if isinstance(schema, dict) and isinstance(schema.get("fields"), list) else []
    names = [f["name"] for f in fields if isinstance(f, dict) and isinstance(f.get("name"), str)]
    by_normal = {normal_label(n): n for n in names}
    labels = list(table.labels)
    for index, label in enumerate(labels):
        if label in names or label.strip() in names or not label.strip():
            continue
        name = by_normal.get(normal_label(label))
        if name is None or name in labels:
            continue
        labels[index] = name
        table.problems.append(Problem(table.path, "renamed-label", f"the column headed {label!r} is the column {name!r}, headed differently",
                                      f"head the column {name} ({FIX})", row=table.header_row, column=label, value=label))
    table.labels = labels


def submission_rules(problems: list, start: int, info, schema: dict | None = None, schemas_dir=None) -> None:
    """A blank status means final (a warning per row says it was assumed; `accept` writes final); a header
    with no rows is an error. Against our own schema (`schema` given): a column the schema does not require
    may be left out, and an area_code that is no code is one message (with the code of a place name)."""
    fields = (schema or {}).get("fields") if isinstance(schema, dict) else None
    optional = {f.get("name") for f in fields or [] if isinstance(f, dict) and not (f.get("constraints") or {}).get("required")}
    if schema is not None:
        area_codes_once(problems, start, schemas_dir)
    kept = problems[:start]
    for p in problems[start:]:
        if p.code == "missing-label" and p.column in optional:
            continue
        if p.code == "constraint-error" and p.constraint == "required" and p.column == "status":
            p = Problem(p.file, "status-assumed-final", "status is blank: read as final",
                        "write final, provisional, revised, suppressed or estimated to say otherwise", row=p.row, column=p.column)
        kept.append(p)
    if info.rows == 0 and not any(p.code in ("missing-label", "blank-header") for p in kept[start:]):
        kept.append(Problem(info.path, "no-data-rows", "the file has a header and no data rows",
                            "add the figures below the header row, or check that this is the right file"))
    problems[:] = kept


def area_codes_once(problems: list, start: int, schemas_dir=None) -> None:
    """An area_code that is no code is one message (not a format and a foreign-key error), with the code
    when it is a place name the areas table knows."""
    from stoke_opendata.catalogue.area_names import area_for_name

    kept = problems[:start]
    seen: set = set()
    for p in problems[start:]:
        if p.column == "area_code" and p.code in ("constraint-error", "foreign-key") and p.row is not None:
            if (p.file, p.row) in seen:  # the same cell twice: said once
                continue
            seen.add((p.file, p.row))
            area = area_for_name(p.value, schemas_dir)
            if area:
                p.message = f"{p.value!r} in area_code is a place name, not an area code"
                p.hint = f"write {area[0]} ({area[1]} in the areas table); {FIX}"
        kept.append(p)
    problems[:] = kept


def plain_words(problems: list, start: int, checked, definitions: dict) -> None:
    """Say what to type: the period for a date or a long year form (from the row's indicator)."""
    from stoke_opendata.catalogue.periods import suggest
    from stoke_opendata.validate.tables.table import ROW

    wanted = {p.row for p in problems[start:] if p.row is not None and p.column == "period"}
    if not wanted or checked is None or "indicator_id" not in checked.raw.columns:
        return
    import polars as pl

    indicator_of = dict(checked.raw.filter(pl.col(ROW).is_in(list(wanted))).select(ROW, "indicator_id").iter_rows())
    for p in problems[start:]:
        if p.column == "period" and p.value and (p.code == "period-format" or (p.code == "constraint-error" and p.constraint == "pattern")):
            d = definitions.get(indicator_of.get(p.row) or "") or {}
            forms = [d.get("period_form"), d.get("frequency")]
            found = suggest(p.value, forms)
            if found:
                p.hint = f"write {found[0]!r} ({found[1]}); {FIX}"
            elif p.code == "constraint-error":
                p.hint = f"write the period as {PERIOD_FORMS}, in the form of the indicator's source (`stoke-opendata indicators show ID` gives it)"

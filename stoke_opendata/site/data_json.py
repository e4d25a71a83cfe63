"""The JSON twin of an indicator page, for programs: typed as the package's Table Schemas say, with what a
reader wants first at the top.

Before, every value was the CSV's text ("40.4", "true") and the latest figure, baseline and target sat
inside nested lists. Now `headline` (the figure every page shows, site/headline.py), `baseline`, `target`
and `status` come first, and each dataset's rows are typed by the field types of the package's own
descriptor (number -> JSON number, integer -> integer, boolean -> true/false, a blank cell -> null), so
the JSON, the CSV and the Parquet file read as the same values. Pure.
"""

from __future__ import annotations

from stoke_opendata.catalogue.casting import CastError, caster
from stoke_opendata.site import words

# the typed columns, read by the one caster (catalogue/casting.py); other types stay text
_CASTERS = {kind: caster({"type": kind}) for kind in ("number", "integer", "boolean")}


def _typed_value(text, kind: str):
    if text is None or (isinstance(text, str) and text.strip() == ""):
        return None
    if kind not in _CASTERS:
        return text
    try:
        return _CASTERS[kind](text)
    except CastError:  # a published package's cells are valid; anything else is shown as written
        return text


def field_types(package, table: str) -> dict[str, str]:
    """column -> Table Schema type, from the package's own descriptor."""
    resource = package.resource(table) or {}
    return {f.get("name"): f.get("type", "string") for f in (resource.get("schema") or {}).get("fields") or []}


def typed_rows(rows: list[dict[str, str]], types: dict[str, str], cleaned=()) -> list[dict]:
    return [{k: _typed_value(words.clean(v) if k in cleaned else v, types.get(k, "string")) for k, v in r.items()}
            for r in rows]


def _progress_point(row: dict | None, value: str, period: str) -> dict | None:
    if not row or words.to_float(row.get(value)) is None:
        return None
    return {"value": words.to_float(row.get(value)), "period": row.get(period) or None}


def indicator_json(context: dict) -> dict:
    facts, ind = context["facts"], context["ind"]
    record, row, gap = facts["record"], facts["row"], facts["gap"]
    cleaned = ("source", "notes", "status_reason")
    target = None
    if row:
        target = {"type": row.get("target_type") or None, "level": words.to_float(row.get("target_level")),
                  "period": row.get("target_period") or None}
    return {
        "id": ind.id, "title": ind.title, "page": f"{ind.id}.html",
        "headline": facts["headline"].as_json(),
        "baseline": _progress_point(row, "baseline_value", "baseline_period"),
        "target": target,
        "status": {"key": facts["status"].key, "label": facts["status"].label, "why": facts["why"]},
        "definition": {"unit": ind.unit, "higher_is_better": ind.higher_is_better, "frequency": ind.frequency,
                       "comparator_area_code": ind.comparator_area_code, "priority": ind.theme,
                       "mission": ind.mission, "status": ind.status, "publisher": context["publisher"],
                       "description": words.clean(ind.description)},
        "gap_to_comparator": None if gap is None else {
            "area": gap.city, "comparator": gap.comparator, "comparator_area_code": gap.comparator_code,
            "period": gap.period, "value": gap.value, "comparator_value": gap.other,
            "gap": round(gap.value - gap.other, 6), "worse": gap.worse, "package": gap.package, "text": gap.sentence},
        "sources": context["sources"],
        "datasets": [{"package": v.package.name,
                      **{t: typed_rows(getattr(v, t), field_types(v.package, t), cleaned)
                         for t in ("observations", "targets", "progress", "revisions")}} for v in record.views],
        "downloads": [{"package": v["package"].name, "portal_dataset": v["dataset_page"],
                       "portal": [{"label": l.label, "url": l.href} for l in v["portal"]],
                       "datastore": [q.href for q in v["queries"]]} for v in context["views"]],
    }

"""The site's pages: the context each template gets, and Jinja2 rendering with autoescape always on.

Every value from the data (titles, notes, sources, steward text) reaches HTML only through Jinja2's
autoescaping; the one filter that emits markup (`inline`) escapes its input first and adds only
<strong> and <code>. Pages link to each other relatively, so the folder can be served from any path
or opened from disk.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup, escape

from stoke_opendata.catalogue.units import axis_label
from stoke_opendata.catalogue.documents import citations
from stoke_opendata.site import summary, words
from stoke_opendata.site.headline import headline_figure
from stoke_opendata.package.period_basis import basis, period_words
from stoke_opendata.site.links import PackageLinks, local
from stoke_opendata.site.model import IndicatorRecord, SiteData
from stoke_opendata.catalogue.vocabulary import MISSION_TITLES, THEMES

SITE_TITLE = "Stoke-on-Trent: where the city starts from, and its progress"
PRIORITY_TITLES = {
    "healthier": "A Healthier City", "wealthier": "A Wealthier City", "safer": "A Safer City",
    "greener": "A Greener City", "cleaner": "A Cleaner City", "fairer": "A Fairer City",
}
FREQUENCY_WORDS = {
    "annual": "every year", "financial_year": "every financial year (April to March)",
    "academic_year": "every school year", "rolling_3_year": "every year, as three-year averages",
    "quarterly": "every quarter", "monthly": "every month", "one_off": "once (a one-off figure)",
}
_INLINE = re.compile(r"\*\*(.+?)\*\*|`(.+?)`")


def inline(text: str) -> Markup:
    """Escape `text`, then turn **bold** and `code` into <strong> and <code>."""
    escaped = str(escape(words.clean(text)))

    def swap(m: re.Match) -> str:
        return f"<strong>{m.group(1)}</strong>" if m.group(1) is not None else f"<code>{m.group(2)}</code>"

    return Markup(_INLINE.sub(swap, escaped))


@lru_cache(maxsize=1)
def environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(str(Path(__file__).parent / "templates")),
                      autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["clean"] = words.clean
    env.filters["inline"] = inline
    env.globals.update(site_title=SITE_TITLE, status=words.status, priority_titles=PRIORITY_TITLES,
                       mission_titles=MISSION_TITLES, themes=THEMES)
    return env


def render(template: str, **context) -> str:
    return environment().get_template(template).render(**context)


# --------------------------------------------------------------------------- per-indicator facts


def indicator_facts(record: IndicatorRecord, data: SiteData, rules: dict[str, str] | None = None) -> dict:
    """The facts lists and the home page show for one indicator (computed once per build). The figure is
    the headline figure (site/headline.py), the one every page shows; the status prefers a progress row of
    the document that figure comes from."""
    head = headline_figure(record, data, rules)
    shown = head.figure or (head.others[0] if head.others else None)
    key, view, row = summary.headline(record, prefer=shown.package if shown else None)
    return {"record": record, "status": words.status(key), "row": row, "headline": head,
            "why": words.why(dated(row, view), record.indicator.unit, data.area_name) if row else words.status(key).meaning.capitalize() + ".",
            "gap": summary.gap(record, data, prefer=shown.package if shown else None), "latest": head.text()}


def counts(facts: list[dict]) -> list[tuple[words.Status, int]]:
    """(status, number of indicators) in the fixed status order, zero counts left out."""
    found: dict[str, int] = {}
    for f in facts:
        found[f["status"].key] = found.get(f["status"].key, 0) + 1
    order = list(words.STATUS_ORDER) + sorted(set(found) - set(words.STATUS_ORDER))
    return [(words.status(k), found[k]) for k in order if k in found]


def worst_gaps(facts: list[dict], limit: int) -> list[dict]:
    """The indicators furthest behind their comparator (relative gap), worst first."""
    behind = [f for f in facts if f["gap"] is not None and f["gap"].worse]
    return sorted(behind, key=lambda f: (-f["gap"].relative, f["record"].id))[:limit]


def letters(facts: dict[str, dict]) -> list[tuple[str, list[dict]]]:
    """Every indicator under the first letter of its title, A to Z (the A-Z page)."""
    out: dict[str, list[dict]] = {}
    for f in sorted(facts.values(), key=lambda f: (f["record"].indicator.title.lower(), f["record"].id)):
        first = f["record"].indicator.title[:1].upper()
        out.setdefault(first if first.isalpha() else "#", []).append(f)
    return sorted(out.items())


def search_index(facts: dict[str, dict]) -> list[dict]:
    """The search box's prebuilt index: title, description and unit of every indicator (search.js)."""
    return [{"id": i, "title": f["record"].indicator.title, "description": words.clean(f["record"].indicator.description),
             "unit": axis_label(f["record"].indicator.unit), "href": f"indicators/{i}.html"} for i, f in facts.items()]


def groups(facts: dict[str, dict]) -> tuple[list[dict], list[dict]]:
    """The six priorities and five missions, each with its indicators' facts."""
    priorities = [{"key": t, "number": n, "title": PRIORITY_TITLES[t], "href": f"priorities/{t}.html",
                   "facts": [f for f in facts.values() if f["record"].indicator.theme == t]}
                  for n, t in enumerate(THEMES, start=1)]
    missions = [{"key": str(m), "number": m, "title": MISSION_TITLES[m], "href": f"missions/{m}.html",
                 "facts": [f for f in facts.values() if f["record"].indicator.mission == m]}
                for m in sorted(MISSION_TITLES)]
    for group in priorities + missions:
        group["counts"] = counts(group["facts"])
        group["worst"] = worst_gaps(group["facts"], 2)
    return priorities, missions


# --------------------------------------------------------------------------- the indicator page


def _observation_rows(view, record: IndicatorRecord, data: SiteData) -> list[dict]:
    unit = record.indicator.unit
    rows = []
    for r in view.observations:
        ci = ""
        if r.get("lower_ci") or r.get("upper_ci"):
            ci = f"{words.figure(r.get('lower_ci'), unit)} to {words.figure(r.get('upper_ci'), unit)}"
        value = words.figure(r.get("value"), unit) if r.get("value") else "suppressed or not published"
        rows.append({"area": data.area_name(r.get("area_code")), "period": period_words(r.get("period") or "", basis(r)),
                     "value": value, "ci": ci, "status": (r.get("status") or "").replace("_", " ")})
    return rows


def dated(row: dict[str, str], view) -> dict[str, str]:
    """A progress row for display: its baseline and latest periods in words with their basis ("document of
    2024 (period not stated)"), from the same package's observations."""
    bases = {(r.get("area_code"), r.get("period")): basis(r) for r in view.observations}
    out = dict(row)
    for key in ("baseline_period", "latest_period"):
        period = row.get(key) or ""
        found = bases.get((row.get("area_code"), period))
        if period and found:
            out[key] = period_words(period, found)
    return out


def _progress_rows(view, record: IndicatorRecord, data: SiteData) -> list[dict]:
    unit = record.indicator.unit
    out = []
    for r in (dated(row, view) for row in view.progress):
        level = words.to_float(r.get("target_level"))
        target = (f"{words.figure(level, unit)} by {r.get('target_period')}" if level is not None else
                  f"{(r.get('target_type') or '').replace('_', ' ')} by {r.get('target_period')}")
        out.append({"area": data.area_name(r.get("area_code")),
                    "baseline": (f"{words.figure(r.get('baseline_value'), unit)} ({r.get('baseline_period')})"
                                 if r.get("baseline_value") else "none published"),
                    "latest": (f"{words.figure(r.get('latest_value'), unit)} ({r.get('latest_period')})"
                               if r.get("latest_value") else "none published"),
                    "target": target, "status": words.status(r.get("status")),
                    "why": words.why(r, unit, data.area_name),
                    "detail": words.named(words.clean(r.get("status_reason")), data.area_name)})
    return out


def _disagreement(record: IndicatorRecord, data: SiteData, noted: dict[str, dict], head) -> dict | None:
    """What the documents say differently: the documented comparison (docs/disagreements.md) and the
    latest figure each document gives (the headline figure and the others, site/headline.py)."""
    shown = ([head.figure] if head.figure else []) + list(head.others)
    figures = [f"{f.package_title}: {f.text(record.indicator.unit, city=head.city)}" for f in shown]
    note = noted.get(record.id)
    if not note and len(figures) < 2:
        return None
    return {"note": note, "figures": figures if len(figures) > 1 else []}


def _sources(record: IndicatorRecord) -> list[dict]:
    """Sources by document title and section, then the releases the figures name, without file names."""
    out, seen = [], set()
    for title, section in citations(record.indicator.document, record.indicator.section):
        if (title, section) not in seen:
            seen.add((title, section))
            out.append({"title": title, "section": section})
    for view in record.views:
        for r in view.observations + view.targets:
            text = words.clean(r.get("source"))
            if text and text not in seen:
                seen.add(text)
                out.append({"title": text, "section": ""})
    return out


def _revisions(view) -> dict | None:
    if not view.revisions:
        return None
    header = [h for h in view.package.headers.get("revisions", []) if h != "indicator_id"]
    return {"header": [h.replace("_", " ") for h in header],
            "rows": [[words.clean(r.get(h)) for h in header] for r in view.revisions]}


def indicator_context(facts: dict, data: SiteData, links: dict[str, PackageLinks],
                      local_files: dict[str, list[str]], noted: dict[str, dict]) -> dict:
    record = facts["record"]
    ind = record.indicator
    views = []
    for view in record.views:
        pl = links.get(view.package.name) or PackageLinks(view.package.name)
        portal = [pl.resources[p] for p in ("data/observations.csv", "data/progress.csv", "data/targets.csv",
                                            "charts.zip", "datapackage.json") if p in pl.resources]
        queries = [q for q in (pl.datastore_query("data/observations.csv", ind.id) if view.observations else None,
                               pl.datastore_query("data/progress.csv", ind.id) if view.progress else None) if q]
        notes = list(dict.fromkeys(words.clean(r.get("notes")) for r in view.observations if r.get("notes")))
        views.append({"package": view.package, "chart": summary.chart(view, record, data),
                      "observations": _observation_rows(view, record, data), "notes": notes,
                      "progress": _progress_rows(view, record, data), "revisions": _revisions(view),
                      "dataset_page": pl.dataset_page, "portal": portal, "queries": queries,
                      "local": local(view.package.name, local_files.get(view.package.name, []), "../")})
    comparator = data.area_name(ind.comparator_area_code) if ind.comparator_area_code else "none"
    return {"root": "../", "facts": facts, "ind": ind, "views": views, "sources": _sources(record),
            "disagreement": _disagreement(record, data, noted, facts["headline"]), "comparator": comparator,
            "unit_words": axis_label(ind.unit),
            "direction": words.direction(ind.higher_is_better),
            "frequency": FREQUENCY_WORDS.get(ind.frequency, ind.frequency.replace("_", " ")),
            "publisher": _publisher(record), "json_name": f"{ind.id}.json",
            "priority": PRIORITY_TITLES.get(ind.theme or ""), "mission": MISSION_TITLES.get(ind.mission or 0)}


def _publisher(record: IndicatorRecord) -> str:
    """The statistics' publisher and series when the catalogue names them (columns `publisher`, `series`),
    otherwise the council, whose documents print the figures."""
    named = [(record.raw.get(k) or "").strip() for k in ("publisher", "series")]
    if any(named):
        return ": ".join(n for n in named if n)
    for view in record.views:
        for contributor in view.package.descriptor.get("contributors") or []:
            if contributor.get("role") == "publisher" and contributor.get("title"):
                return str(contributor["title"])
    return "Stoke-on-Trent City Council"


def indicator_json(context: dict) -> dict:
    """The machine-readable twin of an indicator page (site/data_json.py)."""
    from stoke_opendata.site.data_json import indicator_json as build

    return build(context)

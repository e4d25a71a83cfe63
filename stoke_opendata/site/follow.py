"""Following an indicator: its own downloads, its Atom feeds, its embeddable page and when its next figure is due.

Residents asked for three things the dataset-wide pages could not give: the figures of *one* indicator
(CSV beside the JSON twin, instead of the whole dataset's files), a way to hear when a figure is added or
revised or a status moves (Atom feeds for the whole site, each priority, each mission and each
indicator, built from the release ledger in site/history.py), and a chart they can put on their own page
(an iframe page per indicator). The indicator page also says when the next figure is expected and
whether it is overdue (package/due.py, from the publisher's usual release month). Pure apart from
writing files into the build folder it is given.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from urllib.parse import quote

from markupsafe import escape

from stoke_opendata.package import due as due_rules
from stoke_opendata.site import history, words
from stoke_opendata.site.model import IndicatorRecord, SiteData

TABLES = (("figures", "observations", "Figures (every area and period)"), ("targets", "targets", "Targets"),
          ("progress", "progress", "Progress towards each target"))
FEED_LIMIT = 60  # entries in the whole site's feed (the newest); a group's or indicator's feed keeps all
KIND_WORDS = {"added": "new figure", "revised": "figure revised", "withdrawn": "figure withdrawn",
              "status": "progress status changed"}


def indicator_csvs(record: IndicatorRecord) -> dict[str, str]:
    """file name -> CSV text: the indicator's rows of each table, every package's, with a `dataset` column."""
    out = {}
    for suffix, table, _ in TABLES:
        header: list[str] = []
        rows = []
        for view in record.views:
            for h in view.package.headers.get(table, []):
                if h not in header:
                    header.append(h)
            rows += [{"dataset": view.package.name, **r} for r in getattr(view, table)]
        if not rows:
            continue
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=["dataset", *header], lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
        out[f"{record.id}-{suffix}.csv"] = buffer.getvalue()
    return out


def csv_links(record: IndicatorRecord, files: dict[str, str]) -> list[dict]:
    return [{"label": label, "href": quote(f"{record.id}-{suffix}.csv"), "rows": files[f"{record.id}-{suffix}.csv"].count("\n") - 1}
            for suffix, _, label in TABLES if f"{record.id}-{suffix}.csv" in files]


def due_of(record: IndicatorRecord, timings: dict, as_of: date | None) -> due_rules.Due | None:
    """The indicator's next figure on `as_of` (None when no date is given: the page then says nothing)."""
    if as_of is None:
        return None
    source, timing = timings.get(record.id, ({}, due_rules.Timing()))
    form = (source.get("period_form") or "").strip() or record.indicator.frequency
    rows = [r for v in record.views for r in v.observations]
    return due_rules.assess(record.id, form, rows, timing, as_of)


def embed_snippet(indicator_id: str, title: str, site_url: str) -> str:
    """The iframe to copy: absolute when the site's address is known, else relative to the site's root."""
    src = f"{site_url.rstrip('/')}/embed/{quote(indicator_id)}.html" if site_url else f"embed/{quote(indicator_id)}.html"
    name = escape(f"{words.clean(title)}: chart and figures")
    return (f'<iframe src="{escape(src)}" title="{name}" width="100%" height="760" '
            f'style="border:0" loading="lazy"></iframe>')


# --------------------------------------------------------------------------- feeds


def feed_path(kind: str, key: str) -> str:
    return {"site": "feeds/all.xml", "priority": f"feeds/priorities/{key}.xml", "mission": f"feeds/missions/{key}.xml",
            "indicator": f"feeds/indicators/{key}.xml"}[kind]


def feeds(ledger: dict, data: SiteData, priorities: list[dict], missions: list[dict]) -> list[dict]:
    """Every feed: path, title, the page it follows, and its entries (newest first)."""
    events = sorted(history.events_of(ledger), key=lambda e: (e.when, e.release, e.id), reverse=True)
    latest = max((r["when"] for r in ledger.get("releases") or []), default="1970-01-01T00:00:00Z")
    out = [{"path": feed_path("site", ""), "title": "Stoke-on-Trent progress: every change", "page": "index.html",
            "events": events[:FEED_LIMIT]}]
    for g in priorities:
        out.append({"path": feed_path("priority", g["key"]), "title": f"Stoke-on-Trent progress: {g['title']}",
                    "page": g["href"], "events": [e for e in events if e.theme == g["key"]]})
    for g in missions:
        out.append({"path": feed_path("mission", g["key"]), "title": f"Stoke-on-Trent progress: Mission {g['number']}",
                    "page": g["href"], "events": [e for e in events if str(e.mission or "") == g["key"]]})
    by_indicator: dict[str, list] = {}
    for e in events:
        by_indicator.setdefault(e.indicator, []).append(e)
    for indicator_id, record in data.indicators.items():
        out.append({"path": feed_path("indicator", indicator_id), "title": f"Stoke-on-Trent progress: {record.indicator.title}",
                    "page": f"indicators/{indicator_id}.html", "events": by_indicator.get(indicator_id, [])})
    for feed in out:
        feed["updated"] = max((e.when for e in feed["events"]), default=latest)
        feed["id"] = f"{history.TAG}/{feed['path']}"
        feed["root"] = "../" * feed["path"].count("/")
        feed["entries"] = [{"e": e, "title": f"{e.title}: {KIND_WORDS.get(e.kind, e.kind)} ({e.area}, {e.period})"}
                           for e in feed["events"]]
    return out


def releases(ledger: dict) -> list[dict]:
    """The releases, newest first, each with its events grouped by kind, for the "what changed" pages."""
    out = []
    for r in sorted(ledger.get("releases") or [], key=lambda r: -r["number"]):
        events = [history.Event(**e) for e in r["events"]]
        out.append({"number": r["number"], "when": r["when"], "first": r.get("first", False),
                    "href": f"changes/{r['number']}.html",
                    "added": [e for e in events if e.kind == "added"],
                    "revised": [e for e in events if e.kind == "revised"],
                    "withdrawn": [e for e in events if e.kind == "withdrawn"],
                    "status": [e for e in events if e.kind == "status"]})
    return out


def write_text(path: Path, text: str) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8")
    path.write_bytes(data)
    return len(data)


def target_rows(view, record: IndicatorRecord, data: SiteData) -> list[dict]:
    """The package's targets for the indicator as rows of the figures table: area, year, level (or kind)."""
    unit = record.indicator.unit
    out = []
    for r in view.targets:
        level = words.to_float(r.get("target_level"))
        value = (words.figure(level, unit) if level is not None else
                 f"{(r.get('target_type') or '').replace('_', ' ')} {words.clean(r.get('target_value'))}".strip())
        baseline = (f"from {words.figure(r.get('baseline_value'), unit)} in {r.get('baseline_period')}"
                    if (r.get("baseline_value") or "").strip() else "")
        out.append({"area": data.area_name(r.get("area_code")), "period": r.get("target_period") or "",
                    "value": value, "baseline": baseline})
    return out

"""What changed between releases: new figures, revised figures (old and new value, why, when) and statuses
that moved, kept as a ledger so feeds and "what changed" pages stay the same from one build to the next.

A release is a build of the site whose data differ from the build before. The site keeps, in its own
folder (changes/history.json), the figures and statuses it last published and every release's events;
the next build reads it back, compares the packages with it, and adds a release only when something
changed. A build with nothing changed adds nothing, so every feed entry keeps its id and no entry
appears twice. Revised figures take the reason, the steward and the time from the package's revisions
table (the record `stoke-opendata accept` keeps); a value that changed without a revision row says so.

No clock: a release's time is the latest date in the data (each package's `created`, every
`revised_at`), never the time of the build, so two builds of the same data write the same files. A site
built into a new folder starts its ledger again with one release holding every figure. Pure apart from
reading the previous ledger.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from stoke_opendata.site import words
from stoke_opendata.site.model import SiteData

LEDGER = "changes/history.json"
TAG = "tag:stoke.gov.uk,2024:progress"  # the authority and date of every entry id (RFC 4151); never changes


@dataclass
class Event:
    id: str
    kind: str  # added, revised, withdrawn, status
    release: int
    when: str  # ISO 8601, UTC, from the data
    package: str
    package_title: str
    indicator: str
    title: str
    theme: str | None
    mission: int | None
    area: str
    period: str
    old: str = ""
    new: str = ""
    reason: str = ""
    by: str = ""
    note: str = ""  # the figure's own note, as the data give it
    text: str = ""


def _time(text: str | None) -> str:
    """An ISO timestamp as UTC with a Z ('' when it is not one)."""
    from datetime import datetime, timezone

    try:
        moment = datetime.fromisoformat((text or "").strip().replace("Z", "+00:00"))
    except ValueError:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def data_time(data: SiteData) -> str:
    """The latest date the data carry: packages' `created` and every revision's `revised_at`."""
    times = [_time(p.descriptor.get("created")) for p in data.packages]
    times += [_time(r.get("revised_at")) for p in data.packages for r in p.tables.get("revisions", [])]
    return max((t for t in times if t), default="1970-01-01T00:00:00Z")


def state(data: SiteData) -> dict:
    """The figures and statuses the site publishes now, by key."""
    figures, statuses, notes = {}, {}, {}
    for record in data.indicators.values():
        for view in record.views:
            for r in view.observations:
                key = "|".join((view.package.name, record.id, r.get("area_code") or "", r.get("period") or ""))
                figures[key] = [(r.get("value") or "").strip(), (r.get("status") or "").strip()]
                notes[key] = words.clean(r.get("notes"))
            for r in view.progress:
                key = "|".join((view.package.name, record.id, r.get("area_code") or "", r.get("target_period") or ""))
                statuses[key] = (r.get("status") or "").strip()
    return {"figures": figures, "statuses": statuses, "notes": notes}


def read_ledger(out: Path) -> dict:
    """The ledger a previous build left in `out` (empty when there is none or it cannot be read)."""
    try:
        ledger = json.loads((Path(out) / LEDGER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"releases": [], "state": None}
    try:  # a ledger this code cannot read whole (edited by hand, another version) starts again
        events_of(ledger)
        assert all(isinstance(r["number"], int) and isinstance(r["when"], str) for r in ledger["releases"])
        assert ledger.get("state") is None or isinstance(ledger["state"].get("figures"), dict)
    except (AssertionError, AttributeError, KeyError, TypeError):
        return {"releases": [], "state": None}
    return ledger


def _revision_for(data: SiteData, package: str, indicator: str, area: str, period: str, value: str) -> dict:
    """The latest revisions row of this key whose new value is `value` (the record of why it changed)."""
    pkg = next(p for p in data.packages if p.name == package)
    rows = [r for r in pkg.tables.get("revisions", []) if (r.get("indicator_id"), r.get("area_code"), r.get("period"))
            == (indicator, area, period) and words.to_float(r.get("new_value")) == words.to_float(value)]
    return max(rows, key=lambda r: _time(r.get("revised_at")), default={})


def _event(data: SiteData, number: int, release_time: str, kind: str, key: str, **extra) -> Event:
    package, indicator, area, period = key.split("|")
    pkg = next((p for p in data.packages if p.name == package), None)
    record = data.indicators.get(indicator)
    ind = record.indicator if record else None
    return Event(id=f"{TAG}/release-{number}/{kind}/{key.replace('|', '/')}", kind=kind, release=number,
                 when=extra.pop("when", "") or release_time, package=package, package_title=pkg.title if pkg else package,
                 indicator=indicator, title=ind.title if ind else indicator, theme=ind.theme if ind else None,
                 mission=ind.mission if ind else None, area=data.area_name(area), period=period, **extra)


def changes(data: SiteData, before: dict | None, number: int, when: str) -> list[Event]:
    """The events between the published state `before` (None: nothing published yet) and the data now."""
    now = state(data)
    old_figures = (before or {}).get("figures", {})
    old_statuses = (before or {}).get("statuses", {})
    unit = {i: r.indicator.unit for i, r in data.indicators.items()}
    events = []
    for key, (value, status) in sorted(now["figures"].items()):
        indicator = key.split("|")[1]
        shown = words.figure(value, unit.get(indicator)) if value else "suppressed"
        if key not in old_figures:
            events.append(_event(data, number, when, "added", key, new=shown, note=now["notes"].get(key, "")))
        elif old_figures[key] != [value, status]:
            old_value = old_figures[key][0]
            package, _, area, period = key.split("|")
            row = _revision_for(data, package, indicator, area, period, value)
            events.append(_event(data, number, when, "revised", key, new=shown,
                                 old=words.figure(old_value, unit.get(indicator)) if old_value else "suppressed",
                                 reason=words.clean(row.get("reason")) or "no reason was recorded",
                                 by=words.clean(row.get("revised_by")), when=_time(row.get("revised_at")),
                                 note=now["notes"].get(key, "")))
    for key in sorted(set(old_figures) - set(now["figures"])):
        indicator = key.split("|")[1]
        events.append(_event(data, number, when, "withdrawn", key,
                             old=words.figure(old_figures[key][0], unit.get(indicator)) if old_figures[key][0] else "suppressed"))
    for key, status in sorted(now["statuses"].items()):
        if key in old_statuses and old_statuses[key] != status:
            events.append(_event(data, number, when, "status", key, old=words.status(old_statuses[key]).label,
                                 new=words.status(status).label))
    for e in events:
        e.text = sentence(e)
    return events


def sentence(e: Event) -> str:
    """One plain sentence for an event."""
    where = f"{e.area}, {e.period}"
    note = f" Note: {e.note}" if e.note else ""
    if e.kind == "added":
        return f"New figure for {where}: {e.new} ({e.package_title}).{note}"
    if e.kind == "revised":
        return (f"Figure for {where} revised from {e.old} to {e.new} ({e.package_title}). Why: {e.reason}."
                + (f" Revised by {e.by}." if e.by else "") + note)
    if e.kind == "withdrawn":
        return f"The figure for {where} ({e.old}) is no longer published in {e.package_title}."
    return f"Progress towards the {e.period} target for {e.area} moved from \u201c{e.old}\u201d to \u201c{e.new}\u201d ({e.package_title})."


def update(data: SiteData, previous: dict) -> dict:
    """The ledger after this build: `previous` unchanged when nothing changed, else one release added."""
    now = state(data)
    releases = list(previous.get("releases") or [])
    if previous.get("state") == now and releases:
        return {"releases": releases, "state": now}
    number = max((r.get("number", 0) for r in releases), default=0) + 1
    when = max(data_time(data), max((r.get("when", "") for r in releases), default=""))
    events = changes(data, previous.get("state"), number, when)
    if not events and releases:
        return {"releases": releases, "state": now}
    releases.append({"number": number, "when": when, "first": not releases,
                     "events": [asdict(e) for e in events]})
    return {"releases": releases, "state": now}


def events_of(ledger: dict) -> list[Event]:
    """Every event of every release, newest release first."""
    out = []
    for release in sorted(ledger.get("releases") or [], key=lambda r: -r["number"]):
        out += [Event(**e) for e in release["events"]]
    return out


def write_ledger(ledger: dict, work: Path) -> None:
    path = Path(work) / LEDGER
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(ledger, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")

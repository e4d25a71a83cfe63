"""`stoke-opendata datasets`: the bundled datasets as a steward needs to know them (a steward should not learn
a dataset's name from an error message): name, title, indicators, figures, latest period and last change.
Standard library only."""

from __future__ import annotations

from stoke_opendata.catalogue.dataset_tables import read_dataset
from stoke_opendata.catalogue.datasets import list_datasets
from stoke_opendata.catalogue.periods import sort_key


def listing() -> list[dict]:
    out = []
    for name in list_datasets():
        data = read_dataset(name)
        if "observations" not in data.tables:
            continue  # the definitions themselves: nothing a steward submits to
        rows = data.tables["observations"].rows
        periods = sorted({r.get("period", "") for r in rows if r.get("period")}, key=sort_key)
        changed = [r.get("revised_at", "") for r in data.tables["revisions"].rows] if "revisions" in data.tables else []
        out.append({
            "name": name,
            "title": data.descriptor.get("title") or name,
            "indicators": len({r.get("indicator_id") for r in rows if r.get("indicator_id")}),
            "observations": len(rows),
            "latest_period": periods[-1] if periods else None,
            "last_revised": max(changed) if changed else None,
        })
    return out


def listing_text(entries: list[dict]) -> str:
    lines = []
    for e in entries:
        lines.append(f"{e['name']}: {e['title']}")
        latest = e["latest_period"] or "none"
        revised = f"; last revised {e['last_revised']}" if e["last_revised"] else ""
        lines.append(f"  {e['indicators']} indicator(s), {e['observations']} figure(s); latest period {latest}{revised}")
    lines.append(f"{len(entries)} dataset(s). `stoke-opendata template DATASET --out FILE.xlsx` writes a template to fill for one.")
    return "\n".join(lines)

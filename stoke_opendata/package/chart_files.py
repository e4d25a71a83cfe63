"""The chart files of a package: one chart per indicator with a target or a series, drawn deterministically
and listed as resources.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from stoke_opendata.catalogue.documents import citations
from stoke_opendata.package.manifests import Manifest

CHART_MEDIATYPES = {"png": "image/png", "svg": "image/svg+xml"}


def _draw_charts(manifest: Manifest, work: Path, observations_rows, progress_rows, catalogue) -> list[dict]:
    """One chart per indicator with data: the package's area (or, where it has no figure, the area with
    the most figures) against the indicator's comparator, with the straight line to its target."""
    from stoke_opendata.package.chart_cache import draw_all
    from stoke_opendata.package.charts import ChartSpec, Series
    from stoke_opendata.package.progress import format_number

    values: dict[tuple[str, str], dict[str, float]] = {}
    sources: dict[tuple[str, str], list[str]] = {}
    for row in observations_rows:
        value = (row.get("value") or "").strip()
        if not value:
            continue
        key = (row.get("indicator_id"), row.get("area_code"))
        values.setdefault(key, {})[row.get("period")] = float(value)  # a later dataset restates a period
        source = (row.get("source") or "").strip()
        if source and source not in sources.setdefault(key, []):
            sources[key].append(source)
    targets = {}
    for prow in progress_rows:
        if prow.target_level is not None and prow.baseline_value is not None and prow.baseline_period:
            targets[(prow.indicator_id, prow.area_code)] = prow  # in target-period order: the last one wins

    def name_of(code: str) -> str:
        area = catalogue.areas.get(code)
        return area.area_name if area else code

    entries = []
    jobs = []
    for indicator_id in sorted({i for i, _ in values}):
        ind = catalogue.indicators.get(indicator_id)
        if ind is None:
            continue
        areas = {a: len(v) for (i, a), v in values.items() if i == indicator_id}
        if manifest.spatial_coverage in areas:
            main = manifest.spatial_coverage
        else:
            candidates = [a for a in areas if a != ind.comparator_area_code] or list(areas)
            main = sorted(candidates, key=lambda a: (-areas[a], a))[0]
        comparator = None
        comparator_code = ind.comparator_area_code if ind.comparator_area_code != main else None
        if comparator_code and (indicator_id, comparator_code) in values:
            comparator = Series(name_of(comparator_code), tuple(sorted(values[(indicator_id, comparator_code)].items())))
        target = None
        prow = targets.get((indicator_id, main))
        if prow is not None:
            sign = {True: 1, False: -1}.get(prow.higher_is_better)
            if sign is not None and (prow.target_level - prow.baseline_value) * sign <= 0:
                # the baseline already meets the target: show the target as the level to stay beyond
                start = (prow.baseline_period, prow.target_level)
            else:
                start = (prow.baseline_period, prow.baseline_value)
            target = Series(
                f"Target: {format_number(prow.target_level)} by {prow.target_period}",
                (start, (prow.target_period, prow.target_level)),
            )
        cited = sources.get((indicator_id, main), []) + (sources.get((indicator_id, comparator_code), []) if comparator else [])
        cited = list(dict.fromkeys(cited))
        if not cited:
            cited = [f"{title}, {section}" if section else title for title, section in citations(ind.document, ind.section)]
        source_text = "; ".join(cited[:3]) + ("; and others" if len(cited) > 3 else "")
        subtitle = f"{name_of(main)} ({main})" + (f" against {comparator.label} ({comparator_code})" if comparator else "")
        spec = ChartSpec(
            title=ind.title,
            unit=ind.unit,
            source=f"{source_text}. {manifest.organisation.title}, {manifest.licence_title}.",
            city=Series(name_of(main), tuple(sorted(values[(indicator_id, main)].items()))),
            comparator=comparator,
            target=target,
            frequency=ind.frequency,
            subtitle=subtitle,
        )
        rel = f"charts/{indicator_id}.{manifest.chart_format}"
        (work / "charts").mkdir(exist_ok=True)
        jobs.append((spec, work / rel, manifest.chart_format))
        what = f"{name_of(main)} against {comparator.label}" if comparator else name_of(main)
        entries.append(
            {
                "name": f"chart-{indicator_id}",
                "title": f"Chart: {ind.title}",
                "description": f"{ind.title}: {what}" + (f", with the straight line to the target ({target.label[8:]})" if target else "") + ".",
                "path": rel,
                "indicator_id": indicator_id,
                "indicator_title": ind.title,
            }
        )
    draw_all(jobs)
    return entries



def chart_bundle(work: Path, chart_entries: list[dict], created: datetime) -> dict:
    """One resource for all the charts: charts.zip (reproducible), instead of one resource per chart.

    On a portal a dataset of 54 chart files reads as a wall of images; the residents' site
    (`stoke-opendata site`) is where each chart is shown beside its table, and the zip keeps every chart
    downloadable from the portal. The PNGs stay in charts/ for the package's README."""
    from stoke_opendata.hashing import sha256_file
    from stoke_opendata.package.files import write_zip

    path = write_zip(work / "charts", work / "charts.zip", created)
    return {
        "name": "charts",
        "title": f"Charts: {len(chart_entries)} indicator charts (zip of PNG images)",
        "description": f"One chart per indicator with data ({len(chart_entries)}), as PNG images in one zip file: "
        "the area against its comparator, with the straight line to the target where there is one. Each chart "
        "is also shown, with its figures as a table, on the indicator's page of the council's progress site.",
        "path": "charts.zip",
        "format": "zip",
        "mediatype": "application/zip",
        "bytes": path.stat().st_size,
        "hash": f"sha256:{sha256_file(path)}",
    }

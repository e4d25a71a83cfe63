"""The link-preview image of an indicator page (og:image): its chart as a PNG, because link previews
(Facebook, LinkedIn, Slack, X) do not show SVG.

Why not the package's own PNG (charts/ID.png, package/chart_files.py): it is not always the chart the page
shows. The page draws each package's figures with the site's rules (site/summary.py: no line to a target whose
progress row cannot be judged, a target with no baseline as one point) and a page may show several packages;
the package draws its own. So the PNG is drawn here from the very lines of the page's chart (the view whose
figure is the headline, else the first with a chart) with package/charts.py's drawing, through
package/chart_cache.py: a chart already drawn (same lines, same style) is copied from the cache, the rest
are drawn on all cores, so a rebuild of unchanged data draws nothing.

og:image must be an absolute URL (the Open Graph protocol; previewers do not resolve a relative one), so the
tags are written only when the site's address (STOKE_OPENDATA_SITE_URL) is known; the PNG is written either
way, linked under the chart as a download.
"""

from __future__ import annotations

from pathlib import Path

FOLDER = "charts"  # in the site: charts/ID.png
ALT_LIMIT = 420  # the longest image description X (Twitter) cards take; Open Graph sets none


def size() -> tuple[int, int]:
    """The PNG's width and height in pixels (package/charts.py's fixed figure size and resolution)."""
    from stoke_opendata.package.charts import png_size

    return png_size()


def chosen(context: dict) -> int | None:
    """The index of the view whose chart is the page's image: the headline figure's package, else the
    first view with a chart; None when the page has no chart."""
    head = context["facts"].get("headline")
    figure = head.figure if head is not None else None
    charted = [i for i, v in enumerate(context["views"]) if v.get("chart")]
    preferred = [i for i in charted if figure is not None and context["views"][i]["package"].name == figure.package]
    return (preferred or charted or [None])[0]


def alt(context: dict, index: int) -> str:
    """What the image shows, in words: the chart's title and the description its SVG carries."""
    chart = context["views"][index]["chart"]
    said = chart["desc"].replace(" Every figure is in the table that follows the chart.", "")
    text = f"Chart: {chart['title']}. {said}"
    return text if len(text) <= ALT_LIMIT else text[: ALT_LIMIT - 1].rsplit(" ", 1)[0] + "…"


def job(context: dict, index: int, out: Path):
    """(ChartSpec, path, "png") for package.chart_cache.draw_all: the lines of the page's chart."""
    from stoke_opendata.package.charts import ChartSpec, Series

    view, ind = context["views"][index], context["ind"]
    chart = view["chart"]
    lines = {line.kind: line for line in chart["lines"]}
    target = lines.get("target")
    if target is not None and len(target.points) == 1:  # one point at the target's year, as the page draws it
        target = Series(target.label, target.points * 2)
    package = view["package"]
    licences = package.descriptor.get("licenses") or [{}]
    licence = str(licences[0].get("title") or licences[0].get("name") or "")
    cited = [s["title"] + (f", {s['section']}" if s["section"] else "") for s in context["sources"]]
    source = "; ".join(cited[:3]) + ("; and others" if len(cited) > 3 else "")
    spec = ChartSpec(
        title=ind.title, unit=ind.unit,
        source=f"{source}. {context['publisher']}" + (f", {licence}." if licence else "."),
        city=Series(lines["city"].label, lines["city"].points),
        comparator=Series(lines["comparator"].label, lines["comparator"].points) if "comparator" in lines else None,
        target=Series(target.label, target.points) if target is not None else None,
        frequency=ind.frequency, subtitle=chart["title"].removeprefix(f"{ind.title}: "))
    return spec, out / FOLDER / f"{ind.id}.png", "png"


def meta(context: dict, index: int | None, site_base: str) -> dict:
    """The og:image tags' values for a page ({} without a chart or without the site's address)."""
    if index is None or not site_base:
        return {}
    width, height = size()
    return {"url": f"{site_base.rstrip('/')}/{FOLDER}/{context['ind'].id}.png", "alt": alt(context, index),
            "width": width, "height": height, "type": "image/png"}

"""Build the residents' site: built data packages in, a complete static site folder out.

The site is written into a temporary folder beside DIR and moved into place only when every page is
written, so a failed build leaves the previous site (or nothing) in place. DIR is replaced only when it
is empty or holds a site this command built (it carries a `.stoke-site` marker): never a folder of
someone else's files.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from stoke_opendata.errors import UsageError
from stoke_opendata.safety.atomic import swap_dir, temp_dir_beside
from stoke_opendata.site import links as site_links
from stoke_opendata.site import follow, headline, history, jsonld, model, og_image, pages, seo, words

MARKER = ".stoke-site"
STATIC = ("style.css", "search.js")


@dataclass
class SiteResult:
    directory: Path
    pages: int
    indicators: int
    bytes_largest_page: int
    largest_page: str
    linked_to_portal: list[str]
    warnings: list[str] = field(default_factory=list)


def parse_disagreements(path: Path | None) -> dict[str, dict]:
    """indicator id -> {document_a, document_b, reason} from the table in docs/disagreements.md."""
    if path is None or not path.is_file():
        return {}
    out: dict[str, dict] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or not line.startswith("|") or cells[0].startswith(("---", "indicator")):
            continue
        for indicator_id in re.findall(r"`([a-z0-9-]+)`", cells[0]):
            out[indicator_id] = {"document_a": cells[1], "document_b": cells[2], "reason": cells[3]}
    return out


def _local_files(package: model.Package) -> list[str]:
    files = sorted(p.relative_to(package.directory).as_posix()
                   for pattern in ("*.csv", "*.xlsx", "*.parquet", "*.csv-metadata.json")
                   for p in (package.directory / "data").glob(pattern))
    return [f for f in site_links.COPIED if (package.directory / f).is_file()] + files


def _write(path: Path, text: str) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8")
    path.write_bytes(data)
    return len(data)


def _check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} is a file, not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise UsageError(f"{out} holds other files; give an empty or new folder (or a site built before)")


def build_site(package_dirs: list[Path], out: Path, *, portal_url: str | None = None,
               portal_datasets: dict[str, dict | None] | None = None,
               disagreements: Path | None = None, as_of=None, site_url: str = "") -> SiteResult:
    """Render every page of the site for `package_dirs` into `out`.

    portal_datasets: package name -> the portal's package_show answer (None when not published there);
    the caller fetches them through the portal client. as_of: the date "next figure expected" and
    "overdue" are judged on (None: not said). site_url: where the site is published (absolute feed and
    embed addresses; relative without it).
    """
    out = Path(out)
    _check_out(out)
    data = model.load([Path(d) for d in package_dirs])
    noted = parse_disagreements(disagreements)
    portal_datasets = portal_datasets or {}
    plinks = {p.name: site_links.from_portal(portal_url, p.name, portal_datasets.get(p.name)) for p in data.packages}
    local_files = {p.name: _local_files(p) for p in data.packages}
    rules = headline.read_rules(disagreements)
    facts = {i: pages.indicator_facts(r, data, rules) for i, r in data.indicators.items()}
    priorities, missions = pages.groups(facts)
    ledger = history.update(data, history.read_ledger(out) if (out / MARKER).exists() else {})
    timings = follow.due_rules.timings() if as_of is not None else {}

    out.parent.mkdir(parents=True, exist_ok=True)
    work = temp_dir_beside(out)
    sizes: dict[str, int] = {}
    try:
        site_base = os.environ.get(site_links.SITE_URL_ENV, "").strip()
        changed: dict[str, str] = {}  # page -> its last change from the data (sitemap.xml)
        charts: list = []  # each indicator page's chart as PNG (og:image), drawn together at the end

        def page(rel: str, template: str, **context) -> None:
            embed = rel.startswith("embed/")  # a copy of the indicator's chart for other sites: not indexed
            canonical = f"indicators/{rel.removeprefix('embed/')}" if embed else rel
            if not embed:
                changed[rel] = seo.last_changed(rel, context, data.packages)
            meta = {"description": seo.describe(rel, context),
                    "url": f"{site_base.rstrip('/')}/{canonical}" if site_base else ""}
            if context.get("ind") is not None:  # its chart as the link preview's image (og_image.py)
                meta["image"] = og_image.meta(context, context.get("og_view"), site_base)
            if embed:
                pass
            elif context.get("ind") is not None:
                meta["jsonld"] = jsonld.script(jsonld.indicator_dataset(context, site_base, meta["url"], portal_url))
            elif rel == "index.html":
                meta["jsonld"] = jsonld.script(jsonld.home_catalogue(data.packages, site_base, portal_url,
                                                                     meta["description"]))
            sizes[rel] = _write(work / rel, pages.render(template, page=rel, meta=meta, **context))

        common = {"packages": data.packages, "portal_url": portal_url}
        page("index.html", "home.html.j2", root="", priorities=priorities, missions=missions,
             counts=pages.counts(list(facts.values())), worst=pages.worst_gaps(list(facts.values()), 6),
             total=len(facts), feed="feeds/all.xml", latest_release=(follow.releases(ledger) or [None])[0], **common)
        for group in priorities:
            page(group["href"], "group.html.j2", root="../", group=group, kind="Priority",
                 feed=f"../{follow.feed_path('priority', group['key'])}", **common)
        for group in missions:
            page(group["href"], "group.html.j2", root="../", group=group, kind="Mission",
                 feed=f"../{follow.feed_path('mission', group['key'])}", **common)
        for indicator_id, f in facts.items():
            context = pages.indicator_context(f, data, plinks, local_files, noted)
            files = follow.indicator_csvs(f["record"])
            for name, text in files.items():
                follow.write_text(work / "indicators" / name, text)
            for v, view in zip(context["views"], f["record"].views):
                v["targets"] = follow.target_rows(view, f["record"], data)
            context.update(csvs=follow.csv_links(f["record"], files), due=follow.due_of(f["record"], timings, as_of),
                           feed=f"../{follow.feed_path('indicator', indicator_id)}",
                           embed=follow.embed_snippet(indicator_id, f["record"].indicator.title, site_url))
            context["og_view"] = og_image.chosen(context)
            if context["og_view"] is not None:
                charts.append(og_image.job(context, context["og_view"], work))
            page(f"indicators/{indicator_id}.html", "indicator.html.j2", **context, **common)
            page(f"embed/{indicator_id}.html", "embed.html.j2", **context, **common)
            _write(work / "indicators" / f"{indicator_id}.json",
                   json.dumps(pages.indicator_json(context), indent=1, ensure_ascii=False) + "\n")
        for package in data.packages:
            pl = plinks[package.name]
            held = [f for f in facts.values() if any(v.package is package for v in f["record"].views)]
            page(f"datasets/{package.name}.html", "dataset.html.j2", root="../", package=package, links=pl,
                 facts=held, local=site_links.local(package.name, local_files[package.name], "../"),
                 sources=package.descriptor.get("sources") or [], **common)
            for rel in local_files[package.name]:
                target = work / site_links.DOWNLOADS / package.name / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                if rel == "datapackage.json":  # the copy is served over HTTP: see served_descriptor
                    target.write_bytes(site_links.served_descriptor(package.directory / rel))
                else:
                    shutil.copyfile(package.directory / rel, target)
        page("a-z.html", "a-z.html.j2", root="", facts=list(facts.values()), letters=pages.letters(facts), **common)
        _write(work / "search-index.json", json.dumps(pages.search_index(facts), ensure_ascii=False) + "\n")
        page("reporting-status.html", "reporting.html.j2", root="", priorities=priorities, missions=missions,
             counts=pages.counts(list(facts.values())), total=len(facts), **common)
        page("methodology.html", "methodology.html.j2", root="", statuses=[words.status(k) for k in words.STATUS_ORDER],
             method_steps=_method_steps(), **common)
        _follow_pages(page, work, ledger, data, priorities, missions, common, site_url)
        if charts:  # copied from the chart cache when drawn before, the rest drawn on all cores
            from stoke_opendata.package.chart_cache import draw_all

            (work / og_image.FOLDER).mkdir()
            draw_all(charts)
        if site_base:  # search engines need absolute addresses: only where the site's address is known
            _write(work / "sitemap.xml", seo.sitemap(site_base, changed))
            _write(work / "robots.txt", seo.robots(site_base))
        for name in STATIC:
            shutil.copyfile(Path(__file__).parent / "templates" / name, work / name)
        (work / MARKER).write_text("built by stoke-opendata site\n", encoding="utf-8")
        swap_dir(work, out)  # readable by a web server, swapped in whole (no moment without a site)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    largest = max(sizes, key=sizes.get)
    return SiteResult(out, len(sizes), len(facts), sizes[largest], largest,
                      sorted(n for n, pl in plinks.items() if pl.dataset_page),
                      [w for pl in plinks.values() for w in pl.refused])


def _follow_pages(page, work: Path, ledger: dict, data, priorities, missions, common: dict, site_url: str) -> None:
    """The feeds, the "what changed" pages and the ledger the next build compares with."""
    releases = follow.releases(ledger)
    for r in releases:
        page(r["href"], "changes.html.j2", root="../", r=r, **common)
    page("changes/index.html", "changes-index.html.j2", root="../", releases=releases, **common)
    for feed in follow.feeds(ledger, data, priorities, missions):
        base = f"{site_url.rstrip('/')}/" if site_url else feed["root"]
        follow.write_text(work / feed["path"], pages.render("atom.xml.j2", feed=feed, base=base))
    history.write_ledger(ledger, work)


def _method_steps() -> tuple[str, ...]:
    from stoke_opendata.package.progress import METHOD_STEPS

    return METHOD_STEPS



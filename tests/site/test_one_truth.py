"""One truth on every page: every summary table cell is the indicator page's headline figure (all 136
indicators), disputed figures say so, dates say what they rest on, every indicator is two links from home,
and verdicts are given only on a period inside the target's window."""

from __future__ import annotations

import csv
import html
import json
import re
from pathlib import Path

from site_fixtures import ROOT

ROW = re.compile(r'<a href="(?:\.\./)?indicators/([a-z0-9-]+)\.html">[^<]*</a></th>\s*<td>([^<]*)</td>')
AZ = re.compile(r'<li data-id="([a-z0-9-]+)"><a href="indicators/[a-z0-9-]+\.html">[^<]*</a>: <span class="fig">([^<]*)</span>')
HEAD = re.compile(r'<strong id="headline-figure">([^<]*)</strong>')


def _cells(site: Path) -> list[tuple[str, str, str]]:
    """(page, indicator id, figure) of every summary table cell and A-Z entry."""
    out = []
    for page in sorted(site.glob("priorities/*.html")) + sorted(site.glob("missions/*.html")) + [site / "a-z.html"]:
        text = page.read_text(encoding="utf-8")
        pattern = AZ if page.name == "a-z.html" else ROW
        out += [(page.name, i, html.unescape(fig)) for i, fig in pattern.findall(text)]
    return out


def test_every_table_cell_is_the_indicator_pages_headline_figure(built_site):
    from stoke_opendata.catalogue.definitions import load_catalogue

    cells = _cells(built_site)
    ids = set(load_catalogue().indicators)
    assert {i for _, i, _ in cells} == ids  # all 136, the A-Z included
    for page, indicator, figure in cells:
        own = (built_site / "indicators" / f"{indicator}.html").read_text(encoding="utf-8")
        shown = html.unescape(HEAD.search(own).group(1))
        assert figure == shown, (page, indicator, figure, shown)
        data = json.loads((built_site / "indicators" / f"{indicator}.json").read_text(encoding="utf-8"))
        assert (data["headline"]["text"] or "none yet") == figure, indicator
        top = data["headline"]["figure"]
        if top:  # the figure is one of the page's own figures, with its period
            row = next(r for d in data["datasets"] if d["package"] == top["package"] for r in d["observations"]
                       if r["area_code"] == top["area_code"] and r["period"] == top["period"])
            assert row["value"] == top["value"] and row["period_basis"] == top["period_basis"]


def test_the_findings_of_issue_22(built_site):
    def head(indicator):
        return json.loads((built_site / "indicators" / f"{indicator}.json").read_text(encoding="utf-8"))["headline"]

    # the city's own figure, never the LEP area's shown as the city's
    assert head("people-in-employment")["text"] == "116,000, document of 2025 (period not stated)"
    assert "548,800" not in (built_site / "priorities" / "wealthier.html").read_text(encoding="utf-8")
    # where the documents disagree: the written rule picks, marked disputed, the other figure beside it
    school = head("school-readiness")
    assert school["text"] == "62.5% (2024), disputed" and school["disputed"]
    assert school["other_figures"][0]["value"] == 61.3 and "disagreements.md" in school["rule"]
    page = (built_site / "indicators" / "school-readiness.html").read_text(encoding="utf-8")
    assert "61.3%, document of 2024 (period not stated)" in page and 'href="#disagree"' in page
    assert "61.3% (2024)" not in page  # nor in the status sentence or the progress line
    hle = head("healthy-life-expectancy-male")
    assert hle["figure"]["value"] == 56.1 and hle["disputed"]
    # the comparison beside it speaks of the same document's figure, not the other one's
    gap = json.loads((built_site / "indicators" / "healthy-life-expectancy-male.json").read_text())["gap_to_comparator"]
    assert gap["value"] == 56.1 and gap["text"].startswith("In 2023, Stoke-on-Trent: 56.1 years")
    gap = json.loads((built_site / "indicators" / "life-expectancy-male.json").read_text())["gap_to_comparator"]
    assert gap["text"].startswith("In the document of 2024 (period not stated), Stoke-on-Trent: 77.9 years")
    # population (no priority, no mission) is reachable: home -> A-Z -> the indicator
    home = (built_site / "index.html").read_text(encoding="utf-8")
    assert 'href="a-z.html"' in home
    assert 'href="indicators/population.html"' in (built_site / "a-z.html").read_text(encoding="utf-8")


def test_disputed_with_no_written_rule_shows_both_figures_and_picks_none(bundled_packages):
    from stoke_opendata.site import headline, model

    data = model.load(bundled_packages)
    head = headline.headline_figure(data.indicators["school-readiness"], data, rules={})
    assert head.figure is None and head.disputed
    assert "62.5% (2024)" in head.text() and "61.3%, document of 2024 (period not stated)" in head.text()
    assert head.text().endswith("disputed")


def test_honest_dates_on_pages_csv_and_json(built_site, bundled_packages):
    page = (built_site / "indicators" / "life-expectancy-male.html").read_text(encoding="utf-8")
    assert "document of 2024 (period not stated)" in page
    assert "<td>2024</td>" not in page  # the document's year is never shown as if measured then
    bases = {}
    for package in bundled_packages:
        path = package / "data" / "observations.csv"
        if path.is_file():
            for row in csv.DictReader(path.open(encoding="utf-8")):
                bases[row["period_basis"]] = bases.get(row["period_basis"], 0) + 1
        descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
        assert not descriptor["created"].startswith("1980"), package.name
    assert bases == {"document_year": 103, "stated": 34}
    data = json.loads((built_site / "indicators" / "life-expectancy-male.json").read_text(encoding="utf-8"))
    assert data["headline"]["figure"]["period_basis"] == "document_year"


def test_growth_before_the_strategy_is_not_judged_and_draws_no_target_line(built_site):
    data = json.loads((built_site / "indicators" / "gva-growth.json").read_text(encoding="utf-8"))
    assert data["status"]["key"] == "not_assessable" and "after 2016-2022" in data["status"]["why"]
    page = (built_site / "indicators" / "gva-growth.html").read_text(encoding="utf-8")
    assert "Target met" not in page and "Cannot be judged yet" in page
    chart = page[page.index("<svg"):page.index("</svg>")]
    assert "Target" not in chart and 'class="target' not in chart  # no target line or point on the chart


def test_site_json_is_typed_with_the_headline_on_top(built_site):
    data = json.loads((built_site / "indicators" / "healthy-life-expectancy-male.json").read_text(encoding="utf-8"))
    assert list(data)[:7] == ["id", "title", "page", "headline", "baseline", "target", "status"]
    assert data["baseline"] == {"value": 56.1, "period": "2023"} and data["target"]["level"] == 58.1
    for dataset in data["datasets"]:
        for row in dataset["observations"]:
            assert isinstance(row["value"], float) and row["lower_ci"] is None
        for row in dataset["progress"]:
            assert isinstance(row["higher_is_better"], bool)
    index = json.loads((built_site / "search-index.json").read_text(encoding="utf-8"))
    assert len(index) == 136 and {"title", "description", "unit", "href"} <= set(index[0])


def test_a_portal_url_that_is_not_http_never_becomes_a_link(bundled_packages, tmp_path):
    from stoke_opendata.site.build import build_site

    name = "stoke-growth-prospectus-2025"
    dataset = {"name": name, "resources": [
        {"id": "r1", "name": "observations", "package_path": "data/observations.csv", "url": "javascript:alert(1)"},
        {"id": "r2", "name": "progress", "package_path": "data/progress.csv", "url": "data:text/html,<b>x</b>"},
        {"id": "r3", "name": "targets", "package_path": "data/targets.csv", "url": "https://portal.example/t.csv"}]}
    result = build_site(bundled_packages, tmp_path / "site", portal_url="https://portal.example",
                        portal_datasets={name: dataset})
    pages = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "site").rglob("*.html"))
    assert "javascript:" not in pages and 'href="data:' not in pages
    assert 'href="https://portal.example/t.csv"' in pages
    assert len(result.warnings) == 2
    assert "'observations' (id r1) has a javascript: URL" in result.warnings[0]
    assert "'progress' (id r2) has a data: URL" in result.warnings[1]


def test_every_package_copy_the_site_serves_is_valid_under_frictionless(built_site):
    from frictionless import validate

    copies = sorted((built_site / "downloads").glob("*/datapackage.json"))
    assert len(copies) == 4
    for descriptor in copies:
        report = validate(str(descriptor))
        assert report.valid, (descriptor.parent.name, report.flatten(["type", "note"])[:3])
        charts = [r for r in json.loads(descriptor.read_text())["resources"] if r["name"] == "charts"]
        for resource in charts:  # an archive's size and hash kept where frictionless does not count them
            assert resource["archive_bytes"] == (descriptor.parent / "charts.zip").stat().st_size

"""Following the figures: per-indicator downloads, Atom feeds read by a real feed parser, entries stable
between builds, a "what changed" page per release, due and overdue, the embed page, targets in the table."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from datetime import date
from pathlib import Path

import feedparser
import pytest

from site_fixtures import run_axe

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _feeds(site: Path) -> list[Path]:
    return sorted((site / "feeds").rglob("*.xml"))


def test_each_indicator_page_offers_its_own_figures_targets_and_progress(built_site):
    page = (built_site / "indicators" / "healthy-life-expectancy-male.html").read_text()
    for suffix in ("figures", "targets", "progress"):
        assert f'href="healthy-life-expectancy-male-{suffix}.csv"' in page
    with (built_site / "indicators" / "healthy-life-expectancy-male-figures.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    data = json.loads((built_site / "indicators" / "healthy-life-expectancy-male.json").read_text())
    assert len(rows) == sum(len(d["observations"]) for d in data["datasets"]) > 1
    assert {r["indicator_id"] for r in rows} == {"healthy-life-expectancy-male"}
    assert {r["dataset"] for r in rows} == {d["package"] for d in data["datasets"]}
    assert 'href="healthy-life-expectancy-male.json"' in page
    # the dataset-wide files are on the dataset page, not on each indicator page
    assert "charts.zip" not in page and "datapackage.json" not in page
    dataset = (built_site / "datasets" / "stoke-growth-prospectus-2025.html").read_text()
    assert "charts.zip" in dataset and "datapackage.json" in dataset


def test_every_feed_is_valid_atom_and_every_page_links_its_feed(built_site):
    feeds = _feeds(built_site)
    assert len(feeds) == 1 + 6 + 5 + 136
    total = 0
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
        assert parsed.version == "atom10" and parsed.feed.title and parsed.feed.updated
        ids = [e.id for e in parsed.entries]
        assert len(ids) == len(set(ids)), path
        for e in parsed.entries:
            assert e.title and e.updated and e.summary and e.link
        total += len(parsed.entries)
    assert total > 137
    for rel, feed in (("index.html", "feeds/all.xml"), ("priorities/healthier.html", "../feeds/priorities/healthier.xml"),
                      ("missions/3.html", "../feeds/missions/3.xml"),
                      ("indicators/school-readiness.html", "../feeds/indicators/school-readiness.xml")):
        page = (built_site / rel).read_text()
        assert f'<link rel="alternate" type="application/atom+xml" title="Changes to this page (Atom feed)" href="{feed}">' in page
        assert f'<a href="{feed}" type="application/atom+xml">Follow' in page, rel
    one = feedparser.parse((built_site / "feeds" / "indicators" / "school-readiness.xml").read_bytes())
    assert any("New figure for Stoke-on-Trent" in e.summary for e in one.entries)


def _copy(bundled_packages, tmp_path) -> list[Path]:
    out = []
    for p in bundled_packages:
        shutil.copytree(p, tmp_path / "pk" / p.name)
        out.append(tmp_path / "pk" / p.name)
    return out


def _rewrite(path: Path, change) -> None:
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        header, rows = list(reader.fieldnames), list(reader)
    header = change(header, rows) or header
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _revise(package: Path) -> None:
    """What an accept leaves: a value changed, its old value in revisions.csv with when, who and why; and the
    progress status that moved with it."""
    def change(header, rows):
        row = next(r for r in rows if r["indicator_id"] == "healthy-life-expectancy-male" and r["area_code"] == "E06000021")
        row["value"], row["status"] = "57.2", "revised"
    _rewrite(package / "data" / "observations.csv", change)

    def status(header, rows):
        row = next(r for r in rows if r["indicator_id"] == "healthy-life-expectancy-male")
        row["status"] = "on_track"
    _rewrite(package / "data" / "progress.csv", status)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["indicator_id", "area_code", "period", "old_value", "old_status", "new_value", "new_status",
                     "revised_at", "revised_by", "reason", "submission_file", "submission_sha256"])
    writer.writerow(["healthy-life-expectancy-male", "E06000021", "2023", "56.1", "final", "57.2", "revised",
                     "2026-06-01T09:30:00Z", "Data steward", f"ONS re-issue {HOSTILE}", "hle.csv", "a" * 64])
    (package / "data" / "revisions.csv").write_text(buffer.getvalue(), encoding="utf-8")
    descriptor = json.loads((package / "datapackage.json").read_text())
    if not any(r.get("name") == "revisions" for r in descriptor["resources"]):
        descriptor["resources"].append({"name": "revisions", "path": "data/revisions.csv", "format": "csv"})
    (package / "datapackage.json").write_text(json.dumps(descriptor))


def test_a_release_adds_entries_once_and_a_rebuild_changes_nothing(bundled_packages, browser, tmp_path):
    from stoke_opendata.site.build import build_site

    packages = _copy(bundled_packages, tmp_path)
    site = tmp_path / "site"
    build_site(packages, site)
    first = {p: p.read_bytes() for p in _feeds(site)}
    build_site(packages, site)  # nothing changed: the same feeds, byte for byte
    assert {p: p.read_bytes() for p in _feeds(site)} == first
    assert not (site / "changes" / "2.html").exists()

    _revise(next(p for p in packages if p.name == "stoke-growth-prospectus-2025"))
    build_site(packages, site)
    feed = feedparser.parse((site / "feeds" / "indicators" / "healthy-life-expectancy-male.xml").read_bytes())
    assert not feed.bozo
    revised = [e for e in feed.entries if "/release-2/revised/" in e.id]
    assert len(revised) == 1
    entry = revised[0]
    assert entry.updated == "2026-06-01T09:30:00Z"  # when it was revised, from the revisions table
    assert "from 56.1 years to 57.2 years" in entry.summary and "ONS re-issue" in entry.summary
    assert HOSTILE in entry.summary  # the steward's text arrives as text, not markup
    raw = (site / "feeds" / "indicators" / "healthy-life-expectancy-male.xml").read_text()
    assert "<script" not in raw and "&lt;script&gt;" in raw
    assert any("/release-2/status/" in e.id and "On track" in e.summary for e in feed.entries)
    old_ids = {e.id for p, b in first.items() for e in feedparser.parse(b).entries}
    new_ids = [e.id for p in _feeds(site) for e in feedparser.parse(p.read_bytes()).entries]
    assert old_ids <= set(new_ids)  # release 1's entries keep their ids
    all_feed = feedparser.parse((site / "feeds" / "all.xml").read_bytes())
    assert all_feed.entries[0].id.startswith("tag:stoke.gov.uk,2024:progress/release-2/")

    page = (site / "changes" / "2.html").read_text()
    assert "56.1 years" in page and "57.2 years" in page and "2026-06-01 09:30 UTC, Data steward" in page
    assert "&lt;script&gt;" in page and "<script" not in page
    assert "Cannot be judged yet" in page or "Starting point only" in page  # the status it moved from
    assert 'href="changes/2.html"' in (site / "index.html").read_text()  # home links the latest

    again = {p: p.read_bytes() for p in _feeds(site)}
    build_site(packages, site)  # and again nothing changed
    assert {p: p.read_bytes() for p in _feeds(site)} == again

    # the session's one browser (tests/conftest.py): pages at a phone's width pass axe and do not scroll sideways
    tab = browser.new_context(viewport={"width": 320, "height": 640}).new_page()
    try:
        for rel in ("changes/2.html", "changes/index.html", "embed/healthy-life-expectancy-male.html"):
            tab.goto((site / rel).as_uri())
            assert run_axe(tab) == [], rel
            assert tab.evaluate("document.documentElement.scrollWidth") <= 320, rel
            assert (site / rel).stat().st_size < 100 * 1024
    finally:
        tab.context.close()


def test_planted_script_in_a_note_is_text_in_the_feed_and_the_page(bundled_packages, tmp_path):
    from stoke_opendata.site.build import build_site

    packages = _copy(bundled_packages, tmp_path)
    package = next(p for p in packages if p.name == "stoke-growth-prospectus-2025")

    def plant(header, rows):
        next(r for r in rows if r["indicator_id"] == "school-readiness")["notes"] = HOSTILE
    _rewrite(package / "data" / "observations.csv", plant)
    build_site(packages, tmp_path / "site")
    raw = (tmp_path / "site" / "feeds" / "indicators" / "school-readiness.xml").read_text()
    assert "<script" not in raw and "&lt;script&gt;" in raw
    feed = feedparser.parse(raw.encode())
    assert not feed.bozo and any(HOSTILE in e.summary for e in feed.entries)
    for path in [*(tmp_path / "site").rglob("*.html"), *(tmp_path / "site").rglob("*.xml")]:
        text = path.read_text()
        # the site's own scripts only: JSON-LD data blocks (each JSON that cannot end its element early, issue
        # 27) and the A-Z search (issue 22); never one from the data
        for block in JSON_LD.findall(text):
            assert "</" not in block and json.loads(block) is not None, path
        text = JSON_LD.sub("", text).replace('<script src="search.js" defer></script>', "")
        assert "<script" not in text.lower(), path
        assert not re.search(r"<[^>]*\sonerror\s*=", text, re.I), path


def test_indicator_page_says_when_the_next_figure_is_expected_or_overdue(bundled_packages, tmp_path):
    from stoke_opendata.site.build import build_site

    build_site(bundled_packages, tmp_path / "late", as_of=date(2026, 5, 15))
    page = (tmp_path / "late" / "indicators" / "economically-inactive-long-term-sick.html").read_text()
    assert "<strong class=\"overdue\">Overdue:</strong>" in page and "expected in April 2026" in page
    assert "Release timing: Nomis, Annual Population Survey" in page
    build_site(bundled_packages, tmp_path / "early", as_of=date(2026, 1, 10))
    page = (tmp_path / "early" / "indicators" / "economically-inactive-long-term-sick.html").read_text()
    assert "<strong>Next figure expected:</strong> 2025, usually released in 2026-04" in page and "Overdue" not in page
    unknown = (tmp_path / "early" / "indicators" / "recorded-crime-rate.html").read_text()
    assert "Not known: no published figure gives its period" in unknown


def test_embed_page_and_the_snippet_to_copy(built_site):
    embed = (built_site / "embed" / "healthy-life-expectancy-male.html").read_text()
    assert '<svg class="chart"' in embed and "<table>" in embed and "<h1>Male average healthy life expectancy from birth</h1>" in embed
    assert "<cite>" in embed and 'href="../indicators/healthy-life-expectancy-male.html" target="_top"' in embed
    assert '<nav aria-label="Site">' not in embed  # minimal: no site navigation inside another page
    page = (built_site / "indicators" / "healthy-life-expectancy-male.html").read_text()
    assert '&lt;iframe src=&#34;embed/healthy-life-expectancy-male.html&#34;' in page
    assert len(list((built_site / "embed").glob("*.html"))) == 136


def test_embed_snippet_uses_the_sites_address_when_known(bundled_packages, tmp_path):
    from stoke_opendata.site.build import build_site

    build_site(bundled_packages, tmp_path / "site", site_url="https://www.example.gov.uk/progress/")
    page = (tmp_path / "site" / "indicators" / "population.html").read_text()
    assert "src=&#34;https://www.example.gov.uk/progress/embed/population.html&#34;" in page
    feed = feedparser.parse((tmp_path / "site" / "feeds" / "all.xml").read_bytes())
    assert feed.feed.links[0].href == "https://www.example.gov.uk/progress/feeds/all.xml"
    assert all(e.link.startswith("https://www.example.gov.uk/progress/indicators/") for e in feed.entries)


def test_target_is_a_row_of_the_table_and_drawn_with_its_year(built_site):
    page = (built_site / "indicators" / "healthy-life-expectancy-male.html").read_text()
    assert re.search(r'<tr class="target"><th scope="row">Stoke-on-Trent</th><td>by 2030</td><td>Target: 58.1 years</td>', page)
    svgs = re.findall(r"<svg class=\"chart\".*?</svg>", page, re.S)
    assert any("Target: 58.1 years by 2030" in svg and ">2030</text>" in svg for svg in svgs)


def test_a_ledger_that_cannot_be_read_starts_again(bundled_packages, tmp_path):
    from stoke_opendata.site.build import build_site

    site = tmp_path / "site"
    build_site(bundled_packages, site)
    for broken in ("{not json", '{"releases": [{"number": "x"}]}', '{"releases": [{"number": 1, "when": "", "events": [{"bogus": 1}]}]}'):
        (site / "changes" / "history.json").write_text(broken, encoding="utf-8")
        build_site(bundled_packages, site)
        ledger = json.loads((site / "changes" / "history.json").read_text())
        assert [r["number"] for r in ledger["releases"]] == [1]
        assert not feedparser.parse((site / "feeds" / "all.xml").read_bytes()).bozo

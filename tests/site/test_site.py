"""The residents' site built from the bundled packages: every page there, light, linked, escaped, and
free of internal file names; the revisions table rendered when a package has one."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from site_fixtures import ROOT

FILE_NAME = re.compile(r"\d{3}_[0-9a-f]{16}\.txt")


JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def _without_json_ld(text: str) -> str:
    """The page less its JSON-LD data blocks, each of which must be JSON that cannot end its element early."""
    for block in JSON_LD.findall(text):
        assert "</" not in block
        json.loads(block)
    return JSON_LD.sub("", text)


def _html(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in site.rglob("*.html")}


def test_every_page_is_there_and_under_100_kb(built_site):
    pages = _html(built_site)
    from stoke_opendata.catalogue.definitions import load_catalogue

    ids = set(load_catalogue().indicators)
    assert {f"indicators/{i}.html" for i in ids} <= set(pages)
    assert {"index.html", "reporting-status.html", "methodology.html"} <= set(pages)
    assert {f"priorities/{t}.html" for t in ("healthier", "wealthier", "safer", "greener", "cleaner", "fairer")} <= set(pages)
    assert {f"missions/{m}.html" for m in range(1, 6)} <= set(pages)
    assert {"datasets/stoke-corporate-strategy-2024-28.html", "datasets/stoke-indicator-definitions.html"} <= set(pages)
    for rel in pages:
        assert (built_site / rel).stat().st_size < 100 * 1024, rel
    # readable without JavaScript: the one script narrows the A-Z list, which is whole without it (JSON-LD
    # blocks are data for search engines, not scripts)
    assert [rel for rel, text in pages.items() if "<script" in _without_json_ld(text)] == ["a-z.html"]


def test_json_beside_each_indicator_page(built_site):
    data = json.loads((built_site / "indicators" / "healthy-life-expectancy-male.json").read_text())
    assert data["page"] == "healthy-life-expectancy-male.html"
    assert data["definition"]["unit"] == "years" and data["definition"]["higher_is_better"] is True
    assert data["status"]["key"] == "no_new_data" and data["status"]["why"]
    packages = {d["package"] for d in data["datasets"]}
    assert packages == {"stoke-corporate-strategy-2024-28", "stoke-growth-prospectus-2025"}
    assert data["gap_to_comparator"]["comparator_area_code"] == "E92000001"
    assert len(list((built_site / "indicators").glob("*.json"))) == len(list((built_site / "indicators").glob("*.html")))


def test_indicator_page_has_chart_table_status_gap_definition_disagreement_sources(built_site):
    page = (built_site / "indicators" / "healthy-life-expectancy-male.html").read_text()
    svg = re.search(r"<svg class=\"chart\".*?</svg>", page, re.S).group(0)
    assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
    assert "<table>" in page and "<caption>" in page
    assert "Starting point only" in page  # status in words, not colour alone
    assert "56.1 years (2023) &rarr; 56.1 years (2023) &rarr; target 58.1 years by 2030" in page
    assert "Compared with England" in page and "worse (higher is better)" in page
    for fact in ("Unit", "Which way is better", "How often it is updated", "Publisher"):
        assert f"<dt>{fact}</dt>" in page
    assert "Where the documents disagree" in page and "Likely reason" in page
    assert "<cite>Shaping our City, Growth for All: Stoke-on-Trent growth prospectus (2025)</cite>" in page


def test_no_internal_file_names_anywhere(built_site):
    for path in list(built_site.rglob("*.html")) + list(built_site.rglob("*.json")):
        if path.parts[-3:-2] == ("downloads",) or "downloads" in path.relative_to(built_site).parts:
            continue  # the copied packages are the data as published, file names and all
        assert not FILE_NAME.search(path.read_text()), path


def test_home_counts_statuses_and_names_the_worst_gaps_in_words(built_site):
    page = (built_site / "index.html").read_text()
    assert page.count('class="card"') == 11  # six priorities, five missions
    assert re.search(r"Starting point only</span>: \d+", page)
    assert "Where the city is furthest behind England or the UK" in page
    assert re.search(r"percentage points worse \((lower|higher) is better\)", page)


def test_links_between_pages_resolve(built_site):
    for rel, text in _html(built_site).items():
        for href in re.findall(r'href="([^"]+)"', text):
            if href.startswith(("http://", "https://", "#")):
                continue
            target = (built_site / rel).parent / href.split("#")[0]
            assert target.resolve().exists(), f"{rel}: {href}"


def _copy_home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    for name in ("schemas", "datasets", "publish", "docs"):
        shutil.copytree(ROOT / name, home / name)
    return home


HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_text_from_data_is_escaped_everywhere(tmp_path, monkeypatch, run_cli):
    home = _copy_home(tmp_path)
    obs = home / "datasets" / "corporate-strategy-2024-28" / "observations.csv"
    lines = obs.read_text(encoding="utf-8").splitlines(keepends=True)
    import csv
    import io

    rows = list(csv.reader(io.StringIO("".join(lines))))
    header = rows[0]
    rows[1][header.index("notes")] = HOSTILE
    rows[1][header.index("source")] = "Steward " + HOSTILE
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    obs.write_text(buffer.getvalue(), encoding="utf-8")
    indicator_id = rows[1][0]
    monkeypatch.setenv("STOKE_OPENDATA_HOME", str(home))
    code, out, err = run_cli(["package", "--out", tmp_path / "out"])
    assert code == 0, err
    code, out, err = run_cli(["site", *sorted((tmp_path / "out").iterdir()), "--out", tmp_path / "site"])
    assert code == 0, err
    page = (tmp_path / "site" / "indicators" / f"{indicator_id}.html").read_text()
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    for path in (tmp_path / "site").rglob("*.html"):
        text = path.read_text()
        # the one script is the site's own (the A-Z search), never one from the data
        assert "<script" not in _without_json_ld(text).lower().replace('<script src="search.js" defer></script>', ""), path
        assert not re.search(r"<[^>]*\sonerror\s*=", text, re.I), path
    data = json.loads((tmp_path / "site" / "indicators" / f"{indicator_id}.json").read_text())
    assert any(r["notes"] == HOSTILE for d in data["datasets"] for r in d["observations"])  # JSON keeps the text


def test_revisions_are_shown_when_a_package_has_them(bundled_packages, tmp_path):
    from stoke_opendata.site.build import build_site

    source = next(p for p in bundled_packages if p.name == "stoke-growth-prospectus-2025")
    package = tmp_path / source.name
    shutil.copytree(source, package)
    (package / "data" / "revisions.csv").write_text(
        "indicator_id,area_code,period,old_value,new_value,revised_at,revised_by,reason\n"
        "healthy-life-expectancy-male,E06000021,2023,55.8,56.1,2025-03-01T10:00:00Z,Data steward <b>A</b>,ONS re-issue\n",
        encoding="utf-8")
    descriptor = json.loads((package / "datapackage.json").read_text())
    descriptor["resources"].append({"name": "revisions", "path": "data/revisions.csv", "format": "csv"})
    (package / "datapackage.json").write_text(json.dumps(descriptor))
    build_site([package], tmp_path / "site")
    page = (tmp_path / "site" / "indicators" / "healthy-life-expectancy-male.html").read_text()
    assert "<h3>Revision history</h3>" in page and "ONS re-issue" in page and "Data steward &lt;b&gt;A&lt;/b&gt;" in page
    other = (tmp_path / "site" / "indicators" / "people-in-employment.html").read_text()
    assert "has been revised since it was first published" in other


def test_refuses_to_replace_a_folder_of_other_files(bundled_packages, tmp_path, run_cli):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "keep.txt").write_text("mine")
    code, out, err = run_cli(["site", *bundled_packages, "--out", tmp_path / "mine"])
    assert code == 2 and err.startswith("error: ") and "holds other files" in err and len(err.splitlines()) == 1
    assert (tmp_path / "mine" / "keep.txt").read_text() == "mine"


def test_a_folder_that_is_not_a_package_is_one_line_error(tmp_path, run_cli):
    code, out, err = run_cli(["site", tmp_path, "--out", tmp_path / "site"])
    assert code == 2 and "no datapackage.json here" in err and len(err.splitlines()) == 1
    assert not (tmp_path / "site").exists()


def test_publisher_and_series_from_the_catalogue_when_it_names_them(bundled_packages, tmp_path):
    import csv

    from stoke_opendata.site.build import build_site

    source = next(p for p in bundled_packages if p.name == "stoke-growth-prospectus-2025")
    package = tmp_path / source.name
    shutil.copytree(source, package)
    path = package / "data" / "indicators.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        rows, header = list(reader), reader.fieldnames + ["publisher", "series"]
    for row in rows:
        row.update(publisher="ONS", series="Annual Survey of Hours and Earnings") if row["id"] == "gross-weekly-pay-full-time" else None
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    build_site([package], tmp_path / "site")
    page = (tmp_path / "site" / "indicators" / "gross-weekly-pay-full-time.html").read_text()
    assert "<dt>Publisher</dt><dd>ONS: Annual Survey of Hours and Earnings</dd>" in page
    other = (tmp_path / "site" / "indicators" / "people-in-employment.html").read_text()
    assert "<dt>Publisher</dt><dd>Stoke-on-Trent City Council</dd>" in other

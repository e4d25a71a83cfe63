"""What search engines and link previews read from the residents' site: a meta description and Open Graph
tags on every page, sitemap.xml listing every page with its last change from the data (the same data gives
the same dates), and robots.txt pointing at it."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree


SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "https://progress.example.org/site"


def _build(packages, out: Path, monkeypatch) -> Path:
    from stoke_opendata.site.build import build_site

    monkeypatch.setenv("STOKE_OPENDATA_SITE_URL", BASE)
    build_site(packages, out)
    return out


def test_every_page_has_a_description_and_open_graph_and_is_in_the_sitemap(bundled_packages, tmp_path,
                                                                           monkeypatch):
    from lxml import html

    site = _build(bundled_packages, tmp_path / "site", monkeypatch)
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert len(pages) > 100
    for rel in pages:
        head = html.fromstring((site / rel).read_bytes()).find("head")
        description = head.xpath('meta[@name="description"]/@content')
        assert description and 20 <= len(description[0]) <= 300, (rel, description)
        og = {m.get("property"): m.get("content") for m in head.xpath('meta[starts-with(@property, "og:")]')}
        assert og["og:title"] and og["og:description"] == description[0], rel
        robots = head.xpath('meta[@name="robots"]/@content')
        if rel.startswith("embed/"):  # the chart for other sites: points at its indicator page, not indexed
            assert og["og:url"] == f"{BASE}/indicators/{rel.removeprefix('embed/')}", rel
            assert head.xpath('link[@rel="canonical"]/@href') == [og["og:url"]] and robots == ["noindex"], rel
        else:
            assert og["og:url"] == f"{BASE}/{rel}" and not robots, rel
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(Path(__file__).parent / "sitemaps" / "sitemap.xsd")))
    document = etree.parse(str(site / "sitemap.xml"))
    assert schema.validate(document), schema.error_log
    tree = ElementTree.parse(site / "sitemap.xml").getroot()
    assert tree.tag == f"{SM}urlset"
    listed = {u.findtext(f"{SM}loc"): u.findtext(f"{SM}lastmod") for u in tree.findall(f"{SM}url")}
    assert sorted(listed) == sorted(f"{BASE}/{rel}" for rel in pages if not rel.startswith("embed/"))
    created = {p.name: __import__("json").loads((p / "datapackage.json").read_text())["created"][:10]
               for p in bundled_packages}
    assert set(listed.values()) <= set(created.values()), "a last change not taken from the data"
    # each table's CSVW metadata is copied into the site and linked from the download links
    page = (site / "datasets" / f"{bundled_packages[0].name}.html").read_text(encoding="utf-8")
    linked = [h for h in html.fromstring(page).xpath("//a/@href") if h.endswith(".csv-metadata.json")]
    assert len(linked) >= 5 and all((site / "datasets" / h).resolve().is_file() for h in linked), linked
    robots = (site / "robots.txt").read_text()
    assert f"Sitemap: {BASE}/sitemap.xml" in robots.splitlines()


def test_the_same_data_gives_the_same_sitemap(bundled_packages, tmp_path, monkeypatch):
    first = _build(bundled_packages, tmp_path / "a", monkeypatch)
    second = _build(bundled_packages, tmp_path / "b", monkeypatch)
    assert (first / "sitemap.xml").read_bytes() == (second / "sitemap.xml").read_bytes()


def test_without_the_sites_address_no_sitemap_is_written(bundled_packages, tmp_path, monkeypatch):
    from stoke_opendata.site.build import build_site

    monkeypatch.delenv("STOKE_OPENDATA_SITE_URL", raising=False)
    build_site(bundled_packages, tmp_path / "site")
    assert not (tmp_path / "site" / "sitemap.xml").exists() and not (tmp_path / "site" / "robots.txt").exists()

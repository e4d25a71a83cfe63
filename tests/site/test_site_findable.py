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
    # and the same link-preview images, byte for byte (drawn once, then copied from the chart cache)
    charts = sorted(p.name for p in (first / "charts").glob("*.png"))
    assert charts and charts == sorted(p.name for p in (second / "charts").glob("*.png"))
    assert all((first / "charts" / n).read_bytes() == (second / "charts" / n).read_bytes() for n in charts)


def test_without_the_sites_address_no_sitemap_is_written(bundled_packages, tmp_path, monkeypatch):
    from stoke_opendata.site.build import build_site

    monkeypatch.delenv("STOKE_OPENDATA_SITE_URL", raising=False)
    build_site(bundled_packages, tmp_path / "site")
    assert not (tmp_path / "site" / "sitemap.xml").exists() and not (tmp_path / "site" / "robots.txt").exists()


def _og(page: Path) -> dict:
    from lxml import html

    head = html.fromstring(page.read_bytes()).find("head")
    return {m.get("property") or m.get("name"): m.get("content")
            for m in head.xpath('meta[starts-with(@property, "og:") or starts-with(@name, "twitter:")]')}


def test_every_indicator_page_shows_its_chart_as_a_png_link_preview(bundled_packages, tmp_path, monkeypatch):
    """og:image on each indicator page (and its embed page) with a chart: an absolute address of a PNG in the
    site, a real PNG of the size the tags state, and an alt text naming the indicator and what is drawn."""
    from lxml import html
    from PIL import Image

    site = _build(bundled_packages, tmp_path / "site", monkeypatch)
    with_image = 0
    for page in sorted((site / "indicators").glob("*.html")) + sorted((site / "embed").glob("*.html")):
        og = _og(page)
        charted = html.fromstring(page.read_bytes()).xpath("//figure/svg")
        if not charted:  # no figures, no chart: no image rather than an unrelated one
            assert "og:image" not in og, page.name
            continue
        with_image += 1
        url = og["og:image"]
        assert url.startswith(f"{BASE}/charts/") and url.endswith(".png"), (page.name, url)
        png = site / url.removeprefix(f"{BASE}/")
        assert png.name == page.name.replace(".html", ".png") and png.is_file(), url
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", png
        with Image.open(png) as image:
            image.verify()
        with Image.open(png) as image:
            assert image.format == "PNG"
            assert image.size == (int(og["og:image:width"]), int(og["og:image:height"])), png
            assert image.size[0] >= 600 and image.size[1] >= 315, image.size  # large enough for a preview card
        assert og["og:image:type"] == "image/png" and og["twitter:card"] == "summary_large_image"
        alt = og["og:image:alt"]
        title = og["og:title"].split(" | ")[0]
        assert alt.startswith(f"Chart: {title}") and "Line chart." in alt and len(alt) <= 420, (page.name, alt)
        assert any(line in alt for line in ("Stoke-on-Trent", "England", "Target")), alt  # says what is drawn
    assert with_image >= 100, with_image  # 73 indicator pages with a chart, and their embed pages
    pngs = sorted((site / "charts").glob("*.png"))
    assert len(pngs) * 2 == with_image
    for rel in ("index.html", "a-z.html", f"datasets/{bundled_packages[0].name}.html", "priorities/healthier.html"):
        assert "og:image" not in _og(site / rel), rel  # pages without a chart of their own (docs/site.md)


def test_without_the_sites_address_the_png_is_written_and_linked_but_not_announced(bundled_packages, tmp_path,
                                                                                     monkeypatch):
    """og:image must be an absolute URL, so without STOKE_OPENDATA_SITE_URL the tags are left out; the PNG is
    still there, linked under the page's chart."""
    from lxml import html

    from stoke_opendata.site.build import build_site

    monkeypatch.delenv("STOKE_OPENDATA_SITE_URL", raising=False)
    site = tmp_path / "site"
    build_site(bundled_packages, site)
    pages = sorted((site / "indicators").glob("*.html"))
    assert pages and not any("og:image" in _og(p) for p in pages)
    linked = [h for p in pages for h in html.fromstring(p.read_bytes()).xpath("//figcaption/a/@href")
              if h.endswith(".png")]
    assert len(linked) == len(list((site / "charts").glob("*.png"))) > 50
    assert all((site / "indicators" / h).resolve().is_file() for h in linked)

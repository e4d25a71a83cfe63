"""Charts open as images, carry their labels, and are byte-identical when drawn twice."""

import hashlib
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from stoke_opendata.catalogue.units import axis_label
from stoke_opendata.package.charts import ChartSpec, Series, draw

SPEC = ChartSpec(
    title="Healthy life expectancy at birth (female)",
    unit="years",
    source="Corporate Strategy 2024-28, Priority 1",
    city=Series("Stoke-on-Trent", (("2018-20", 57.1), ("2019-21", 56.0), ("2020-22", 55.4))),
    comparator=Series("England", (("2018-20", 63.9), ("2019-21", 63.1), ("2020-22", 62.9))),
    target=Series("Target", (("2020-22", 55.4), ("2030", 60.0))),
    frequency="rolling_3_year",
)


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_png_opens_as_an_image_and_is_reproducible(tmp_path):
    a, b = draw(SPEC, tmp_path / "a.png"), draw(SPEC, tmp_path / "b.png")
    with Image.open(a) as image:
        image.load()
        assert image.format == "PNG"
        assert image.size == (800, 500)
        assert "Software" not in image.info
        # not blank: the city's line colour is drawn
        assert (0x1F, 0x4E, 0x79) in {c[:3] for _, c in image.convert("RGB").getcolors(1 << 20)}
    assert sha(a) == sha(b)


def test_svg_is_valid_xml_with_no_date_and_is_reproducible(tmp_path):
    a, b = draw(SPEC, tmp_path / "a.svg", "svg"), draw(SPEC, tmp_path / "b.svg", "svg")
    root = ET.parse(a).getroot()
    assert root.tag.endswith("svg")
    assert "<dc:date>" not in a.read_text()
    assert sha(a) == sha(b)


def test_a_single_point_without_comparator_or_target_still_draws(tmp_path):
    spec = ChartSpec(title="One figure", unit="gbp_millions", source="A document", city=Series("City", (("2023/24", 5.0),)), frequency="financial_year")
    with Image.open(draw(spec, tmp_path / "one.png")) as image:
        assert image.format == "PNG"


def test_unit_labels_and_bad_format():
    assert axis_label("percent") == "Per cent (%)"
    assert axis_label("new_unit") == "New unit"
    with pytest.raises(ValueError, match="png or svg"):
        draw(SPEC, "x.gif", "gif")

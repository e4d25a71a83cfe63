"""The chart cache: a chart whose data and style are unchanged is copied, not drawn; any change to either is
drawn afresh; a damaged entry is never copied; parallel drawing gives the same bytes as drawing in turn."""

from __future__ import annotations

import hashlib

import pytest

from stoke_opendata.package import chart_cache, charts
from stoke_opendata.package.charts import ChartSpec, Series


def spec(n: int, last: float = 3.0) -> ChartSpec:
    return ChartSpec(title=f"Indicator {n}", unit="percent", source="a source", frequency="annual",
                     city=Series("Stoke-on-Trent", (("2021", 1.0 + n), ("2022", 2.0), ("2023", last))),
                     comparator=Series("England", (("2021", 2.0), ("2023", 2.5))))


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("STOKE_OPENDATA_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("STOKE_OPENDATA_CHART_WORKERS", "1")
    return tmp_path / "cache" / "charts"


def test_unchanged_charts_come_from_the_cache_byte_for_byte(tmp_path, cache):
    first, second = tmp_path / "a.png", tmp_path / "b.png"
    assert chart_cache.draw_all([(spec(1), first, "png")]) == {"cached": 0, "drawn": 1}
    assert chart_cache.draw_all([(spec(1), second, "png")]) == {"cached": 1, "drawn": 0}
    assert sha(first) == sha(second)
    fresh = tmp_path / "fresh.png"
    charts.draw(spec(1), fresh, "png")
    assert sha(fresh) == sha(second)


def test_changed_data_or_style_is_drawn_again(tmp_path, cache, monkeypatch):
    base, data, style = tmp_path / "base.png", tmp_path / "data.png", tmp_path / "style.png"
    chart_cache.draw_all([(spec(1), base, "png")])
    assert chart_cache.draw_all([(spec(1, last=4.0), data, "png")]) == {"cached": 0, "drawn": 1}
    assert sha(data) != sha(base)
    monkeypatch.setattr(charts, "CITY_COLOUR", "#ff0000")
    assert chart_cache.draw_all([(spec(1), style, "png")]) == {"cached": 0, "drawn": 1}
    assert sha(style) != sha(base)
    assert chart_cache.draw_all([(spec(1), base, "svg")]) == {"cached": 0, "drawn": 1}  # the format is in the key


def test_a_damaged_entry_is_removed_and_drawn_again(tmp_path, cache):
    good, again = tmp_path / "good.png", tmp_path / "again.png"
    chart_cache.draw_all([(spec(1), good, "png")])
    [entry] = cache.glob("*.png")
    entry.write_bytes(entry.read_bytes()[:-10] + b"0123456789")  # same name, other bytes
    assert chart_cache.draw_all([(spec(1), again, "png")]) == {"cached": 0, "drawn": 1}
    assert sha(again) == sha(good)
    [entry] = cache.glob("*.png")  # stored again, whole
    assert sha(entry) == entry.name.split(".")[1] == sha(good)


def test_a_cache_that_cannot_be_written_only_costs_speed(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("STOKE_OPENDATA_CACHE", str(blocker))
    out = tmp_path / "c.png"
    assert chart_cache.draw_all([(spec(1), out, "png")]) == {"cached": 0, "drawn": 1}
    assert chart_cache.draw_all([(spec(1), out, "png")]) == {"cached": 0, "drawn": 1}
    assert out.stat().st_size > 1000


def test_parallel_drawing_matches_drawing_in_turn(tmp_path, monkeypatch):
    monkeypatch.setenv("STOKE_OPENDATA_CACHE", str(tmp_path / "c1"))
    monkeypatch.setenv("STOKE_OPENDATA_CHART_WORKERS", "1")
    serial = [(spec(n), tmp_path / f"s{n}.png", "png") for n in range(6)]
    chart_cache.draw_all(serial)
    monkeypatch.setenv("STOKE_OPENDATA_CACHE", str(tmp_path / "c2"))
    monkeypatch.setenv("STOKE_OPENDATA_CHART_WORKERS", "2")
    parallel = [(spec(n), tmp_path / f"p{n}.png", "png") for n in range(6)]
    assert chart_cache.draw_all(parallel) == {"cached": 0, "drawn": 6}
    assert [sha(p) for _, p, _ in serial] == [sha(p) for _, p, _ in parallel]

"""`stoke-opendata indicators` and `indicators show ID`, on the bundled catalogue and datasets."""

import json

import pytest
from click.testing import CliRunner

from stoke_opendata.cli import cli, main
from stoke_opendata.catalogue.definitions import load_catalogue
from stoke_opendata.catalogue.paths import schemas_dir


def _invoke(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _fails(capsys, *args):
    """Run the real entry point; return (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as caught:
        main(list(args))
    out, err = capsys.readouterr()
    return caught.value.code, out, err


def test_list_is_an_aligned_table_of_the_whole_catalogue():
    result = _invoke("indicators")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["ID", "THEME", "MISSION", "UNIT", "STATUS", "TITLE"]
    total = len(load_catalogue(schemas_dir()).indicators)
    assert lines[-1] == f"{total} indicator(s)"
    assert len(lines) == total + 2
    title_at = lines[0].index("TITLE")
    row = next(line for line in lines if line.startswith("gva-per-capita "))
    assert row[title_at:] == "GVA per capita (economic productivity)"
    assert row.split()[1:5] == ["wealthier", "-", "gbp", "measured"]


def test_theme_filter():
    result = _invoke("indicators", "--theme", "cleaner")
    assert result.exit_code == 0
    rows = result.output.splitlines()[1:-1]
    assert rows and all(line.split()[1] == "cleaner" for line in rows)
    assert "fly-tipping-incidents" in result.output


def test_mission_filter():
    result = _invoke("indicators", "--mission", "2")
    rows = result.output.splitlines()[1:-1]
    assert rows and all(line.split()[2] == "2" for line in rows)
    assert any(line.startswith("bus-passenger-journeys ") for line in rows)


def test_json_lists_full_definitions():
    result = _invoke("indicators", "--format", "json", "--theme", "healthier", "--mission", "5")
    data = json.loads(result.output)
    assert data and all(d["theme"] == "healthier" and d["mission"] == 5 for d in data)
    hle = next(d for d in data if d["id"] == "healthy-life-expectancy-male")
    assert hle["unit"] == "years" and hle["minimum"] == 0 and hle["higher_is_better"] is True
    assert set(hle) >= {"id", "title", "objective", "comparator_area_code", "disclosive", "document", "section"}


def test_show_prints_definition_latest_value_comparator_and_targets():
    result = _invoke("indicators", "show", "healthy-life-expectancy-male")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("healthy-life-expectancy-male: Male average healthy life expectancy from birth")
    latest = out.split("Latest Stoke-on-Trent value", 1)[1]
    # the strategy's figure carries the document year (2024), later than the prospectus's 2023 data
    assert "2024: 55.9 years  [corporate-strategy-2024-28, final]" in latest
    assert "Comparator: England (E92000001), 2024" in latest and "2024: 63.1 years" in latest
    assert "by 2030, Stoke-on-Trent (E06000021): change by 2; baseline 56.1 years (2023); target level 58.1 years" in out


def test_show_lists_every_dataset_holding_the_latest_period():
    result = _invoke("indicators", "show", "school-readiness", "--format", "json")
    data = json.loads(result.output)
    assert {(r["dataset"], r["value"]) for r in data["latest"]} == {
        ("corporate-strategy-2024-28", "61.3"), ("growth-prospectus-2025", "62.5")}
    assert {r["value"] for r in data["comparator"]} == {"65.2"}  # England; the prospectus's 66.2 is the UK's
    assert [t["target_period"] for t in data["targets"]] == ["2028"]


def test_show_without_a_city_value_gives_the_area_figure():
    result = _invoke("indicators", "show", "population")
    assert "Latest Stoke-on-Trent value: none in the bundled datasets" in result.output
    assert "Stoke-on-Trent and Staffordshire (E37000032)" in result.output
    assert "2018: 1126200 count" in result.output


def test_show_a_proposed_indicator():
    result = _invoke("indicators", "show", "rough-sleepers")
    assert "disclosive:       yes, suppress counts below 10" in result.output
    assert "Latest Stoke-on-Trent value: none in the bundled datasets" in result.output
    assert "direction only" in result.output


def test_unknown_id_is_one_line_and_exit_2(capsys):
    code, out, err = _fails(capsys, "indicators", "show", "no-such-indicator")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: unknown indicator id 'no-such-indicator'")


@pytest.mark.parametrize("args, message", [
    (["--theme", "purple"], "error: unknown theme 'purple'"),
    (["--mission", "6"], "error: unknown mission 6"),
    (["--mission", "two"], "error: unknown mission 'two'"),
])
def test_unknown_theme_or_mission_is_one_line_and_exit_2(capsys, args, message):
    code, out, err = _fails(capsys, "indicators", *args)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith(message)

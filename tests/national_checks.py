"""A check as another package would write it (a national body's rule for every council): figures carry at
most three decimal places. tests/validate/test_custom_checks.py passes it to validate_data(checks=[...]);
tests/validate/test_check_plugins.py installs this file as a package with a `stoke_opendata.checks` entry point."""

import polars as pl

from stoke_opendata.validate.checks import RowCheck, Rule


class TooPrecise(RowCheck):
    codes = {"too-precise": ("warning", "a figure with more than 3 decimal places")}
    guide = {"too-precise": ("a figure with more than 3 decimal places", "round it to 3 decimal places")}
    columns = ("value",)

    def rules(self, ctx):
        scaled = pl.col("value") * 1000
        return [Rule("too-precise", "value", (scaled.round(0) - scaled).abs() > 1e-6)]

    def describe(self, rule, record):
        return f"value {record['value']} has more than 3 decimal places", "round it to 3 decimal places"

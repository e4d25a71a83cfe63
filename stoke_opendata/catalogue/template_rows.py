"""What a steward's template holds: one row per indicator and area expected next, with the period to fill.

For a bundled dataset, the indicators and areas it already holds figures for; for a list of indicators, the
city and each indicator's comparator. The period is the one after the latest bundled figure, in the form the
indicator's source publishes (a strategy's undated 2024 baseline of police recorded crime is followed by the
financial year 2024/25); blank where no figure is bundled or the form has no next period (a one-off survey).
Standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass

from stoke_opendata.catalogue.definitions import Catalogue
from stoke_opendata.catalogue.periods import example, next_period, sort_key
from stoke_opendata.catalogue.units import description
from stoke_opendata.catalogue.vocabulary import STOKE


@dataclass(frozen=True)
class TemplateRow:
    indicator_id: str
    area_code: str
    area_name: str
    period: str
    unit: str
    form: str  # the period form, a frequency name

    @property
    def period_words(self) -> str:
        written = example(self.form)
        return f"{self.form.replace('_', ' ')} periods, written like {written}" if written else self.form.replace("_", " ")

    @property
    def unit_words(self) -> str:
        return description(self.unit)


def template_rows(catalogue: Catalogue, observations: list[dict[str, str]], indicator_ids: list[str] | None = None) -> list[TemplateRow]:
    """Rows for the indicators of `observations` (a dataset's rows) or for `indicator_ids` (city and comparator)."""
    latest: dict[tuple[str, str], str] = {}
    for row in observations:
        key = (row.get("indicator_id", ""), row.get("area_code", ""))
        ind = catalogue.indicators.get(key[0])
        if not ind or not key[1]:
            continue
        if key not in latest or sort_key(row.get("period", ""), ind.frequency) > sort_key(latest[key], ind.frequency):
            latest[key] = row.get("period", "")
    if indicator_ids:
        keys = []
        for i in indicator_ids:
            catalogue.indicator(i)  # an unknown id is a usage error naming it
            keys += [(i, STOKE)] + ([(i, catalogue.indicators[i].comparator_area_code)] if catalogue.indicators[i].comparator_area_code else [])
    else:
        keys = sorted(latest, key=lambda k: (k[0], k[1] != STOKE, k[1]))
    rows = []
    for indicator_id, area in keys:
        ind = catalogue.indicators[indicator_id]
        form = ind.period_form or ind.frequency
        name = catalogue.areas[area].area_name if area in catalogue.areas else ""
        rows.append(TemplateRow(indicator_id, area, name, next_period(latest.get((indicator_id, area)), form), ind.unit, form))
    return rows

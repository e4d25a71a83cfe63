"""The one figure the site shows for an indicator wherever it shows one: summary tables, the indicator page,
its JSON, and any page another module adds (feeds, embeds) by calling `headline_figure`.

Before, each page picked its own figure: a summary table took the last package's last point (the LEP
area's 548,800 for people in employment) while the indicator page spoke of the city's 116,000. The rule
here, in order (docs/site.md, "The headline figure"):

1. The city's own area (Stoke-on-Trent, E06000021); only when no document gives the city a figure, the
   area the documents do give (named with the figure).
2. Each document's latest period for that area, suppressed and blank values left out.
3. When documents give different latest figures, the rule written in docs/disagreements.md ("Which figure
   the site shows") picks one; it is marked disputed and the others are shown beside it. With no written
   rule the latest period wins; when two documents tie on the latest period, none is picked: both figures
   are shown, marked disputed.
4. A figure whose period the source did not state is dated "document of 2024 (period not stated)".

Pure: built packages (site.model) in, a Headline out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from stoke_opendata.catalogue.periods import sort_key
from stoke_opendata.catalogue.vocabulary import STOKE
from stoke_opendata.package.period_basis import STATED, basis, period_words
from stoke_opendata.site import words
from stoke_opendata.site.model import IndicatorRecord, SiteData


@dataclass(frozen=True)
class Figure:
    """One figure of one document: value, period, what the period rests on, area and package."""

    value: float
    period: str
    basis: str
    area_code: str
    area_name: str
    package: str
    package_title: str

    def text(self, unit: str, *, city: bool = True) -> str:
        where = "" if city else f", {self.area_name}"
        if self.basis == STATED:
            return f"{words.figure(self.value, unit)} ({self.period}{where})"
        return f"{words.figure(self.value, unit)}{where}, {period_words(self.period, self.basis)}"

    def as_json(self) -> dict:
        return {"value": self.value, "period": self.period, "period_basis": self.basis, "area_code": self.area_code,
                "area_name": self.area_name, "package": self.package}


@dataclass(frozen=True)
class Headline:
    """The indicator's headline: the figure shown (None when disputed with no rule, or no figures), the
    other documents' latest figures, whether they disagree and the written rule that chose."""

    figure: Figure | None
    others: tuple[Figure, ...]
    disputed: bool
    rule: str
    unit: str

    @property
    def city(self) -> bool:
        shown = self.figure or (self.others[0] if self.others else None)
        return shown is None or shown.area_code == STOKE

    def text(self) -> str:
        """What every page prints: '116,000 (2025)'; '56.1 years (2023), disputed'; both figures when no
        rule picks one; '' when there is no figure."""
        if self.figure is not None:
            return self.figure.text(self.unit, city=self.city) + (", disputed" if self.disputed else "")
        if self.others:
            both = " or ".join(f"{f.text(self.unit, city=self.city)} in {f.package_title}" for f in self.others)
            return f"{both}: disputed"
        return ""

    def as_json(self) -> dict:
        return {"text": self.text(), "figure": self.figure.as_json() if self.figure else None,
                "disputed": self.disputed, "rule": self.rule, "other_figures": [f.as_json() for f in self.others]}


def _latest(view, record: IndicatorRecord, area: str, data: SiteData) -> Figure | None:
    best = None
    for row in view.observations:
        value = words.to_float(row.get("value"))
        if row.get("area_code") != area or value is None:
            continue
        key = sort_key(row.get("period") or "", record.indicator.frequency)
        if best is None or key >= best[0]:
            best = (key, row, value)
    if best is None:
        return None
    _, row, value = best
    return Figure(value, row.get("period") or "", basis(row) or STATED, area, data.area_name(area),
                  view.package.name, view.package.title)


def headline_figure(record: IndicatorRecord, data: SiteData, rules: dict[str, str] | None = None) -> Headline:
    """The indicator's headline figure by the rule in this module's docstring; `rules` maps an indicator id
    to the package whose figure is shown where documents disagree (read_rules)."""
    from stoke_opendata.site.summary import main_area

    unit = record.indicator.unit
    figures = [f for v in record.views if (f := _latest(v, record, STOKE, data))]
    if not figures:  # no document gives the city a figure: the area the documents do give
        figures = [f for v in record.views if (area := main_area(v, record)) and (f := _latest(v, record, area, data))]
    if not figures:
        return Headline(None, (), False, "", unit)
    disputed = len({f.value for f in figures}) > 1
    if not disputed:
        return Headline(figures[-1], (), False, "", unit)
    ruled = (rules or {}).get(record.id)
    chosen = next((f for f in figures if ruled and f.package in (ruled, f"stoke-{ruled}")), None)
    if chosen is not None:
        rule = f"the documents disagree; by the written rule (docs/disagreements.md) the site shows the figure from {chosen.package_title}"
    else:
        top = max(sort_key(f.period, record.indicator.frequency) for f in figures)
        latest = [f for f in figures if sort_key(f.period, record.indicator.frequency) == top]
        if len({f.value for f in latest}) > 1:  # a tie on the latest period and no written rule: pick none
            return Headline(None, tuple(latest), True, "no written rule picks one of these figures", unit)
        chosen = latest[-1]
        rule = "the documents disagree; the site shows the figure of the latest period"
    return Headline(chosen, tuple(f for f in figures if f is not chosen), True, rule, unit)


_RULE_ROW = re.compile(r"^\|\s*`([a-z0-9-]+)`\s*\|\s*`([a-z0-9-]+)`\s*\|")


def read_rules(path: Path | None) -> dict[str, str]:
    """indicator id -> dataset name, from the 'Which figure the site shows' table of docs/disagreements.md
    (rows `| `indicator` | `dataset` | why |`)."""
    if path is None or not Path(path).is_file():
        return {}
    text = Path(path).read_text(encoding="utf-8")
    section = text.split("## Which figure the site shows", 1)
    if len(section) < 2:
        return {}
    return {m.group(1): m.group(2) for line in section[1].splitlines() if (m := _RULE_ROW.match(line.strip()))}

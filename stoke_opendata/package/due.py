"""When each indicator's next figure is due, and whether it is late: from the publisher's usual release month.

The council's performance team needs to know which figures should have arrived and have not; residents
want to know when the next figure will come. Both follow from two facts: the latest period published (in
the series' own period form) and the month the publisher usually releases a new period, recorded per
indicator in schemas/indicator-sources.csv (`release_month`, `release_year_after`, and where that timing
comes from in `release_timing_source`). Nothing is guessed: no timing recorded, no period in the series'
form (a figure whose period the document did not state), or no figure at all, and the answer is
"unknown" with the reason.

The next period's expected release is `release_month` of the year `release_year_after` years after the
calendar year in which that period ends (catalogue.periods.period_end): the Annual Population Survey's
January-December 2024 ends in 2024 and comes out in April 2025 (month 4, one year after); a financial
year 2023/24 of police recorded crime ends in March 2024 and comes out in July 2024 (month 7, 0 years).
The date it is judged on is a parameter (`as_of`), never read from the clock here. Pure.
"""

from __future__ import annotations

import calendar
from dataclasses import asdict, dataclass, field
from datetime import date

from stoke_opendata.catalogue import periods as grammar
from stoke_opendata.catalogue.periods import fits, period_end, sort_key

FOLLOWED = ("annual", "financial_year", "academic_year", "rolling_3_year")  # the period forms whose release is followed
UNSTATED = "period not stated"  # the datasets' note on a figure dated by its document, not its period
STATES = ("overdue", "due", "expected", "unknown")


@dataclass(frozen=True)
class Timing:
    month: int | None = None
    year_after: int | None = None
    source: str = ""

    @property
    def known(self) -> bool:
        return self.month is not None and self.year_after is not None


@dataclass
class Due:
    """Where one indicator stands against its publisher's calendar on `as_of`."""

    indicator_id: str
    state: str  # overdue, due (expected this month), expected (later), unknown
    reason: str
    latest_period: str | None = None
    next_period: str | None = None
    expected: str | None = None  # YYYY-MM, the month the next period is expected
    periods_missing: int = 0  # periods whose release month has passed without a figure
    timing_source: str = ""
    title: str = ""
    publisher: str = ""
    series: str = ""
    stewards: list[str] = field(default_factory=list)
    datasets: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def timing_of(row: dict[str, str] | None) -> Timing:
    """The release timing of one indicator-sources row (blank cells: unknown)."""
    row = row or {}

    def whole(key: str) -> int | None:
        text = (row.get(key) or "").strip()
        return int(text) if text.isdigit() else None

    return Timing(whole("release_month"), whole("release_year_after"), (row.get("release_timing_source") or "").strip())


def next_period(period: str, form: str) -> str | None:
    """The period after `period` in `form` (2024 -> 2025, 2023/24 -> 2024/25, 2020-22 -> 2021-23), or None
    when `period` is not written in `form` or the form is not followed."""
    if form not in FOLLOWED or not fits(period.strip(), form):
        return None
    return grammar.next_period(period.strip(), form) or None


def expected_month(period: str, form: str, timing: Timing) -> tuple[int, int]:
    """(year, month) in which `period` is expected to be released."""
    return period_end(period, form).year + (timing.year_after or 0), timing.month or 1


def latest_stated(rows: list[dict[str, str]], form: str) -> str | None:
    """The latest period, in the series' form, of the rows that carry a value and a stated period."""
    periods = {(r.get("period") or "").strip() for r in rows
               if (r.get("value") or "").strip() and UNSTATED not in (r.get("notes") or "")
               and (r.get("status") or "").strip() != "estimated"}
    periods = [p for p in periods if form in FOLLOWED and fits(p, form)]
    return max(periods, key=lambda p: sort_key(p, form)) if periods else None


def assess(indicator_id: str, form: str | None, rows: list[dict[str, str]], timing: Timing, as_of: date) -> Due:
    """Where `indicator_id`'s next figure stands on `as_of`, from its rows (all areas) and its timing."""
    due = Due(indicator_id, "unknown", "", timing_source=timing.source)
    if not timing.known:
        due.reason = "the publisher's usual release month is not recorded"
        return due
    if not form or form not in FOLLOWED:
        due.reason = "the series' period form is not recorded" if not form else f"periods of the form {form} are not followed"
        return due
    due.latest_period = latest_stated(rows, form)
    if due.latest_period is None:
        stated = any((r.get("value") or "").strip() for r in rows)
        due.reason = ("no published figure gives its period in the series' form" if stated
                      else "no figure has been published yet, so the next period is not known")
        return due
    following = next_period(due.latest_period, form)
    due.next_period = following
    year, month = expected_month(following, form, timing)
    due.expected = f"{year:04d}-{month:02d}"
    first_day, last_day = date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    if as_of < first_day:
        due.state, due.reason = "expected", f"the {following} figure is usually released in {_month(year, month)}"
        return due
    if as_of <= last_day:
        due.state, due.reason = "due", f"the {following} figure is usually released this month ({_month(year, month)})"
        due.periods_missing = 0
        return due
    missing, period = 0, following
    while period and missing < 50:  # every period whose usual release month has ended without a figure
        y, m = expected_month(period, form, timing)
        if as_of <= date(y, m, calendar.monthrange(y, m)[1]):
            break
        missing, period = missing + 1, next_period(period, form)
    due.state, due.periods_missing = "overdue", missing
    due.reason = (f"the {following} figure was expected in {_month(year, month)} and has not been published"
                  + (f"; {missing} periods are now missing" if missing > 1 else ""))
    return due


def _month(year: int, month: int) -> str:
    return f"{calendar.month_name[month]} {year}"


def timings(schemas_dir=None) -> dict[str, tuple[dict[str, str], Timing]]:
    """indicator id -> (its indicator-sources row, its Timing), from the catalogue's sources table."""
    from stoke_opendata.catalogue import paths
    from stoke_opendata.catalogue.definitions import source_rows

    rows = source_rows(schemas_dir or paths.schemas_dir())
    return {r["indicator_id"]: (r, timing_of(r)) for r in rows if r.get("indicator_id")}


def due_report(as_of: date, datasets: list[str] | None = None) -> list[Due]:
    """Every indicator of the bundled datasets (or `datasets`) with its due state on `as_of`, with its
    publisher and series (indicator-sources.csv) and its stewards (the maintainers of the publication
    manifests that carry its dataset)."""
    from stoke_opendata.catalogue.dataset_tables import bundled_dataset_names, read_dataset
    from stoke_opendata.catalogue.definitions import load_catalogue
    from stoke_opendata.package.manifests import load_manifests

    catalogue = load_catalogue()
    sources = timings()
    stewards: dict[str, set[str]] = {}
    for manifest in load_manifests():
        for name in manifest.datasets:
            stewards.setdefault(name, set()).add(manifest.maintainer)
    rows: dict[str, list[dict[str, str]]] = {}
    held: dict[str, list[str]] = {}
    for name in datasets or bundled_dataset_names():
        table = read_dataset(name).tables.get("observations")
        for row in table.rows if table else []:
            indicator_id = (row.get("indicator_id") or "").strip()
            rows.setdefault(indicator_id, []).append(row)
            if name not in held.setdefault(indicator_id, []):
                held[indicator_id].append(name)
    out = []
    for indicator_id in sorted(set(rows) | (set() if datasets else set(sources))):  # named datasets: theirs only
        indicator = catalogue.indicators.get(indicator_id)
        if indicator is None:
            continue
        source, timing = sources.get(indicator_id, ({}, Timing()))
        form = (source.get("period_form") or "").strip() or indicator.frequency
        due = assess(indicator_id, form, rows.get(indicator_id, []), timing, as_of)
        due.title = indicator.title
        due.publisher = (source.get("publisher") or "").strip() or "not recorded"
        due.series = (source.get("series") or "").strip()
        due.datasets = held.get(indicator_id, [])
        due.stewards = sorted({s for d in due.datasets for s in stewards.get(d, ())}) or ["no steward recorded"]
        out.append(due)
    return out

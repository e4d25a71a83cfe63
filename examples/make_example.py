"""Writes examples/steward-update-2025-EXAMPLE.xlsx: a steward's update of ten indicators of the Corporate Strategy
dataset with 2025 figures, and one revision of a 2024 value.

THE FIGURES ARE INVENTED for the walk-through in examples/README.md. They are plausible next to the strategy's
2024 baselines, but they are not statistics: every row says so in its source and notes. Run:
    .venv/bin/python examples/make_example.py
"""

from pathlib import Path

from openpyxl import Workbook

HEADER = ["indicator_id", "area_code", "area_name", "period", "value", "lower_ci", "upper_ci", "numerator",
          "denominator", "status", "source", "notes"]
SOURCE = "EXAMPLE ONLY: invented figures for the stoke-opendata walk-through, not published statistics"
CITY = ("E06000021", "Stoke-on-Trent")
ROWS = [
    # indicator, period (in the form the source publishes), value, status, note
    ("adult-reoffending-rate", "2025", 32.1, "provisional", "Example: a small fall from 33.4."),
    ("adults-level-3-qualifications", "2025", 51.2, "final", "Example."),
    ("adults-physically-active", "2025", 58.3, "final", "Example."),
    ("adults-walking-or-cycling-for-transport", "2025", 11.0, "final", "Example: a fall, to show deterioration."),
    ("co2-emissions-per-head", "2025", 4.7, "final", "Example."),
    ("gcse-attainment-gap", "2024/25", 7.2, "final", "Example: academic year, as the DfE publishes Key Stage 4."),
    ("gross-weekly-pay-full-time", "2025", 571.0, "provisional", "Example."),
    ("gross-weekly-pay-full-time", "2024", 553.4, "final", "Example revision of the 2024 figure (552 in the strategy)."),
    ("recorded-crime-rate", "2024/25", 121.3, "final", "Example: financial year, as police recorded crime is published."),
    ("school-readiness", "2024/25", 62.9, "final", "Example: academic year, as the DfE publishes the EYFS profile."),
]


def main() -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "EXAMPLE update 2025"
    ws.append(HEADER)
    for indicator, period, value, status, note in ROWS:
        ws.append([indicator, *CITY, period, value, None, None, None, None, status, SOURCE, note])
    out = Path(__file__).with_name("steward-update-2025-EXAMPLE.xlsx")
    wb.save(out)
    return out


if __name__ == "__main__":
    print(main())

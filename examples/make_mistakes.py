"""Writes examples/steward-mistakes-EXAMPLE.xlsx (one of each mistake a new steward makes, with the message each
gets) and its corrected twin examples/steward-mistakes-corrected-EXAMPLE.xlsx (what `validate --fix` and the
messages lead to). THE FIGURES ARE INVENTED, as in make_example.py: every row's source says so. Run:
    .venv/bin/python examples/make_mistakes.py
tests/validate/test_steward_messages.py validates both and checks each mistake gets its one message.
"""

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

SOURCE = "EXAMPLE ONLY: invented figures for the stoke-opendata walk-through, not published statistics"
TITLE = "Stoke-on-Trent City Council: performance update 2025 (EXAMPLE)"
# mistakes in the header: a title row above it, two renamed columns, the optional columns left out
HEADER_WRONG = ["indicator_id", "Area Code", "area_name", "Period", "value", "status", "source"]
HEADER_RIGHT = ["indicator_id", "area_code", "area_name", "period", "value", "status", "source"]
# (indicator, area code as written, period as written, value as written, what is wrong) -> the corrected cells
ROWS = [
    ("school-readiness", "E06000021", "2024/25", 0.629, "a percentage given as a fraction", ("E06000021", "2024/25", 62.9)),
    ("recorded-crime-rate", "E06000021", dt.datetime(2025, 1, 1), 121.3, "a period typed as a date (an Excel date cell)", ("E06000021", "2024/25", 121.3)),
    ("adults-level-3-qualifications", "E06000021", "01/01/2025", 51.2, "a period typed as a date (text)", ("E06000021", "2025", 51.2)),
    ("gcse-attainment-gap", "E06000021", "2024/2025", 7.2, "an academic year written in its long form", ("E06000021", "2024/25", 7.2)),
    ("adults-physically-active", "Stoke-on-Trent", "2025", 58.3, "a place name where the area code goes", ("E06000021", "2025", 58.3)),
    ("people-in-employment", "E06000021", "2026", 117, "a count given in thousands", ("E06000021", "2026", 117000)),
    ("co2-emissions-per-head", "E06000021", "2025", 47, "a value far outside its history (a slipped decimal point)", ("E06000021", "2025", 4.7)),
]


def write(path: Path, corrected: bool) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "update 2025"
    if not corrected:
        ws.append([TITLE])
        ws.append([])
    ws.append(HEADER_RIGHT if corrected else HEADER_WRONG)
    for indicator, area, period, value, what, fixed in ROWS:
        if corrected:
            area, period, value = fixed
        ws.append([indicator, area, "Stoke-on-Trent", period, value, "final", f"{SOURCE} (mistake shown: {what})"])
    wb.save(path)
    return path


def main() -> list[Path]:
    here = Path(__file__).parent
    return [write(here / "steward-mistakes-EXAMPLE.xlsx", False), write(here / "steward-mistakes-corrected-EXAMPLE.xlsx", True)]


if __name__ == "__main__":
    for p in main():
        print(p)

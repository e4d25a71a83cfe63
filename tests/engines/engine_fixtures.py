"""Inputs shared by the engine tests: the bench's generator (every injected error kind) and a file whose
cross-row checks (gaps against a comparator, disclosure families, outliers) span many partitions."""

from __future__ import annotations

import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT / "bench") not in sys.path:
    sys.path.insert(0, str(ROOT / "bench"))

import validate_bench  # noqa: E402


def bench_files(folder: Path, rows: int):
    """(dirty CSV, catalogue folder, injected kind -> rows) from bench/validate_bench.py's generator."""
    injected = validate_bench.generate(rows, folder / "clean.csv", folder / "dirty.csv", folder / "catalogue")
    return folder / "dirty.csv", folder / "catalogue", injected


def problem_keys(report):
    return sorted((p.file, p.row or 0, p.column or "", p.code, p.value or "", p.message, p.hint, p.constraint or "") for p in report.problems)


def cross_row_files(folder: Path) -> tuple[Path, Path]:
    """(CSV with CRLF endings and a quoted line break, catalogue): wards of Stoke with an employment rate,
    its gap to England, and a disclosive count whose wards add up to the city total."""
    rng = random.Random(3)
    cat = folder / "catalogue"
    cat.mkdir(parents=True, exist_ok=True)
    cols = "id,title,theme,mission,objective,unit,minimum,maximum,higher_is_better,frequency,comparator_area_code,status,disclosive,disclosure_threshold,document,section,description"
    inds = [
        "employment-rate,Employment,wealthier,,,percent,,,true,annual,E92000001,measured,false,,doc,sec,",
        "employment-rate-gap,Employment gap,wealthier,,,percentage_points,,,false,annual,E92000001,measured,false,,doc,sec,",
        "children-in-care,Children in care,fairer,,,count,,,false,annual,,measured,true,10,doc,sec,",
    ]
    (cat / "indicators.csv").write_text(cols + "\n" + "\n".join(inds) + "\n")
    wards = [f"E05{i:06d}" for i in range(1, 31)]
    areas = ["area_code,area_name,area_type,parent_code,notes", "E92000001,England,country,,", "E06000021,Stoke-on-Trent,la,E92000001,"]
    areas += [f"{w},Ward {w},ward,E06000021," for w in wards]
    (cat / "areas.csv").write_text("\n".join(areas) + "\n")
    lines = ["indicator_id,area_code,area_name,period,value,lower_ci,upper_ci,numerator,denominator,status,source,notes"]
    years = [str(y) for y in range(2010, 2022)]
    england = {y: round(rng.uniform(70, 76), 1) for y in years}
    for y in years:
        lines.append(f"employment-rate,E92000001,England,{y},{england[y]},,,,,final,ONS,")
    for i, w in enumerate(wards):
        for j, y in enumerate(years):
            local = round(rng.uniform(60, 70), 1)
            if i == 4 and j == 6:
                local = 6.5  # an outlier
            lines.append(f"employment-rate,{w},Ward {w},{y},{local},,,,,final,ONS,")
            gap = round(abs(local - england[y]), 1)
            if (i + j) % 17 == 0:
                gap = round(gap + 3, 1)  # disagrees with the local and England figures
            note = '"checked\r\nby two analysts"' if (i, j) == (7, 2) else ""
            lines.append(f"employment-rate-gap,{w},Ward {w},{y},{gap},,,,,final,ONS,{note}")
    for y in years[:3]:
        counts = [rng.randint(12, 40) for _ in wards]
        total = sum(counts)
        lines.append(f"children-in-care,E06000021,Stoke-on-Trent,{y},{total},,,,,final,DfE,")
        for k, (w, c) in enumerate(zip(wards, counts)):
            if y == years[0] and k == 3:
                lines.append(f"children-in-care,{w},Ward {w},{y},,,,,,suppressed,DfE,")  # derivable from the total
            elif y == years[1] and k == 5:
                lines.append(f"children-in-care,{w},Ward {w},{y},4,,,,,final,DfE,")  # a small count
            else:
                lines.append(f"children-in-care,{w},Ward {w},{y},{c},,,,,final,DfE,")
    lines.insert(40, lines[39])  # a duplicate key far from... its twin is next to it; and one far away:
    lines.append(lines[100])
    path = folder / "cross.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    return path, cat

"""Shared test data for the validation tests: a small fixed catalogue and well-formed observation rows."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
CATALOGUE = HERE / "corpus" / "catalogue"
HEADER = "indicator_id,area_code,area_name,period,value,lower_ci,upper_ci,numerator,denominator,status,source,notes"
FIELDS = HEADER.split(",")
GOOD = [
    "employment-rate,E06000021,Stoke-on-Trent,2023,68.1,66.2,70.0,,,final,APS Jan-Dec 2023,",
    "employment-rate,E92000001,England,2023,75.7,75.5,75.9,,,final,APS Jan-Dec 2023,",
    "healthy-life-expectancy-male,E06000021,Stoke-on-Trent,2018-20,55.9,54.1,57.7,,,final,OHID Fingertips,",
    "children-in-care,E06000021,Stoke-on-Trent,2023/24,1045,,,,,provisional,DfE CLA,",
    "weekly-pay,E06000021,Stoke-on-Trent,2023,552.00,,,,,final,ASHE 2023,",
    "smoking-attributable-admissions,E06000021,Stoke-on-Trent,2022/23,1200.0,,,1200,100000,final,OHID,",
]


def row(base: int = 0, **cells) -> str:
    """GOOD[base] with some cells replaced."""
    values = GOOD[base].split(",")
    for name, value in cells.items():
        values[FIELDS.index(name)] = value
    return ",".join(values)


def write_csv(folder: Path, rows, name: str = "obs.csv", header: str = HEADER, encoding: str = "utf-8", eol: str = "\n") -> Path:
    path = Path(folder) / name
    path.write_bytes((eol.join([header, *rows]) + eol).encode(encoding))
    return path


def write_xlsx(folder: Path, rows, name: str = "obs.xlsx", header: str = HEADER, sheet: str = "data") -> Path:
    """An XLSX whose cells are numbers where the text is a number (as Excel would store them)."""
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    for line in [header, *rows]:
        cells = []
        for text in line.split(","):
            try:
                cells.append(float(text) if "." in text else int(text))
            except ValueError:
                cells.append(text or None)
        ws.append(cells)
    path = Path(folder) / name
    book.save(path)
    return path


def codes(report) -> list[str]:
    return sorted({p.code for p in report.problems})

"""What validation finds: one Problem per thing a steward must fix (or should look at), and the Report.

Every layer (reading, structure, meaning) produces Problems of the same shape, so the renderers and
the exit code never need to know which layer found what. Codes are stable and documented in
docs/validation.md; where Frictionless has a code for the same concept we use its code.
Pure data: standard library only.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields

ERROR = "error"
WARNING = "warning"

# code -> (severity, layer, one-line meaning). The single registry of codes: docs and tests read it.
CODES: dict[str, tuple[str, str, str]] = {
    # structure (Frictionless codes)
    "blank-label": (ERROR, "structure", "a header cell is empty"),
    "duplicate-label": (ERROR, "structure", "two columns have the same header"),
    "extra-label": (ERROR, "structure", "a column the Table Schema does not define"),
    "missing-label": (ERROR, "structure", "a column the Table Schema defines is absent"),
    "blank-row": (ERROR, "structure", "a row with no values at all"),
    "extra-cell": (ERROR, "structure", "a row with more cells than the header"),
    "missing-cell": (ERROR, "structure", "a row with fewer cells than the header"),
    "type-error": (ERROR, "structure", "a cell that is not of the column's type (number, integer, date...)"),
    "constraint-error": (ERROR, "structure", "a cell that breaks a Table Schema constraint (required, pattern, enum, minimum...)"),
    "unique-error": (ERROR, "structure", "a value repeated in a column that must be unique"),
    "primary-key": (ERROR, "structure", "two rows with the same primary key"),
    "foreign-key": (ERROR, "structure", "a value not found in the table it refers to (catalogue, areas), or a foreign key to a table or field that does not exist"),
    "foreign-key-unchecked": (WARNING, "structure", "a foreign key to a table not available when one file is validated alone"),
    "schema-error": (ERROR, "structure", "the Table Schema itself breaks the spec (its data is not checked against it)"),
    "field-error": (ERROR, "structure", "a field of the Table Schema breaks the spec (unknown type, bad constraint value)"),
    "resource-error": (ERROR, "reading", "a resource of a data package cannot be read (missing file, unreadable)"),
    "hash-count": (ERROR, "reading", "the file's hash differs from the descriptor's `hash`"),
    "byte-count": (ERROR, "reading", "the file's size differs from the descriptor's `bytes`"),
    "encoding-error": (ERROR, "reading", "the file is not in the descriptor's `encoding`"),
    "resource-skipped": (WARNING, "reading", "a resource of a data package this tool does not validate (inline data, no schema, JSON, compressed...)"),
    # meaning (derived from the indicator definitions)
    "out-of-bounds": (ERROR, "meaning", "a figure outside what the indicator's unit allows"),
    "ci-order": (ERROR, "meaning", "confidence limits not around the value (lower_ci <= value <= upper_ci)"),
    "numerator-exceeds-denominator": (ERROR, "meaning", "numerator larger than denominator"),
    "rate-inconsistent": (ERROR, "meaning", "value does not equal numerator / denominator x the unit's multiplier"),
    "period-format": (ERROR, "meaning", "period not written the way the indicator's frequency requires"),
    "value-missing": (ERROR, "meaning", "no value, but the status is not 'suppressed'"),
    "not-integer": (ERROR, "meaning", "a count or rank that is not a whole number"),
    # warnings: reported, never fail a submission
    "outlier": (WARNING, "meaning", "a value far outside its series' history"),
    "gap-inconsistent": (WARNING, "meaning", "a 'gap' figure that disagrees with the local and comparator figures"),
    "guessed-delimiter": (WARNING, "reading", "the file is not comma-separated; the delimiter was detected"),
    "guessed-encoding": (WARNING, "reading", "the file is not UTF-8; the encoding was detected"),
    "status-assumed-final": (WARNING, "structure", "a submission's blank status, read as final"),
    # a steward's file with a header and no rows: nothing to accept, almost always the wrong file
    "no-data-rows": (ERROR, "structure", "a submitted table with a header and no data rows"),
    # a steward's file: one message per mistake (validate/submission.py, validate/tables/header.py)
    "header-not-first": (ERROR, "structure", "rows above a submission's header row (a title, a blank line)"),
    "renamed-label": (ERROR, "structure", "a submission's column headed with a variant of its name ('Area Code' for area_code)"),
}


def register_code(code: str, severity: str, layer: str, meaning: str) -> None:
    """Add a code for a new check (the checks registry calls this); re-registering the same code is a no-op."""
    if severity not in (ERROR, WARNING):
        raise ValueError(f"severity must be {ERROR!r} or {WARNING!r}")
    CODES.setdefault(code, (severity, layer, meaning))


@dataclass(slots=True)
class Problem:
    """One thing wrong in one place. `row` is the row number a spreadsheet shows (header = 1), None for
    file- or header-level problems; `column` is the header label (or "column 13" for an unnamed cell)."""

    file: str
    code: str
    message: str
    hint: str = ""
    row: int | None = None
    column: str | None = None
    value: str | None = None
    constraint: str | None = None

    @property
    def severity(self) -> str:
        return CODES.get(self.code, (ERROR, "", ""))[0]

    @property
    def layer(self) -> str:
        return CODES.get(self.code, (ERROR, "other", ""))[1]

    def to_dict(self) -> dict:
        # the fields are plain str/int/None: a direct dict, not asdict's recursive deep copy (~0.05 s for
        # a thousand problems, which a JSON report of a large file with errors paid)
        data = {name: getattr(self, name) for name in _PROBLEM_FIELDS}
        data["severity"] = self.severity
        data["layer"] = self.layer
        return data

    def sort_key(self):
        return (self.file, self.row if self.row is not None else -1, self.column or "", self.code)


_PROBLEM_FIELDS = tuple(f.name for f in fields(Problem))


@dataclass
class FileInfo:
    """How one table was read: what a steward needs to know about the file itself."""

    path: str
    format: str = "csv"
    rows: int = 0
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    resource: str | None = None
    schema: str | None = None


@dataclass
class Report:
    """Everything found in one run: all problems of all files, never stopping at the first."""

    files: list[FileInfo] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def extend(self, problems) -> None:
        self.problems.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def valid(self) -> bool:
        return not any(p.severity == ERROR for p in self.problems)

    @property
    def exit_code(self) -> int:
        return 0 if self.valid else 1

    def counts(self) -> dict[str, int]:
        """Problems per code, most frequent first."""
        return dict(Counter(p.code for p in self.problems).most_common())

    def for_file(self, path: str) -> list[Problem]:
        return [p for p in self.problems if p.file == path]

    def sorted_problems(self) -> list[Problem]:
        return sorted(self.problems, key=Problem.sort_key)

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

# code -> (severity, layer, one-line meaning). The single registry of codes: docs and tests read it. The codes
# of the reading and structure layers are here; each check adds its own (checks/base.py register), so the whole
# registry is `all_codes()`.
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
    # the meaning and safety codes are declared by the checks that emit them (validate/checks/, one module each)
    "guessed-delimiter": (WARNING, "reading", "the file is not comma-separated; the delimiter was detected"),
    "guessed-encoding": (WARNING, "reading", "the file is not UTF-8; the encoding was detected"),
    "status-assumed-final": (WARNING, "structure", "a submission's blank status, read as final"),
    # a steward's file with a header and no rows: nothing to accept, almost always the wrong file
    "no-data-rows": (ERROR, "structure", "a submitted table with a header and no data rows"),
    # a steward's file: one message per mistake (validate/submission.py, validate/tables/header.py)
    "header-not-first": (ERROR, "structure", "rows above a submission's header row (a title, a blank line)"),
    "renamed-label": (ERROR, "structure", "a submission's column headed with a variant of its name ('Area Code' for area_code)"),
}


# code -> (what it means in full, an example fix): docs/validation.md's code table (code_table(), by `make docs`)
GUIDE: dict[str, tuple[str, str]] = {
    "blank-label": ("a header cell is empty", "give the column a header or delete it"),
    "duplicate-label": ("two columns have the same header (the second is ignored)", "delete or rename one of the two columns"),
    "extra-label": ("a column the Table Schema does not define", "rename the column 'Area Code' to 'area_code'"),
    "missing-label": ("a column the Table Schema defines is absent", "add a column headed 'lower_ci' (its cells may be left blank)"),
    "blank-row": ("a row with no values at all", "delete the empty row"),
    "extra-cell": ("a row with more cells than the header", "delete the stray values, or quote a value that contains a comma"),
    "missing-cell": ("a row with fewer cells than the header", "add the missing separators so every row has one cell per column"),
    "type-error": ("a cell that is not of its column's type", "write 61.3, not 61.3 %; write 552.00, not £552.00; write 1126200, not 1,126,200"),
    "constraint-error": ("a cell breaks a Table Schema constraint", "write final exactly (lower case); a GSS code is a letter and 8 digits, e.g. E06000021"),
    "unique-error": ("a value repeated in a column that must be unique", "remove or correct the repeated row"),
    "primary-key": ("two rows with the same key (indicator, area, period)", "keep one row per indicator_id, area_code, period"),
    "foreign-key": ("a value not in the table it refers to (catalogue, areas)", "did you mean 'employment-rate'?"),
    "foreign-key-unchecked": ("a foreign key to a table that is not available when one file is validated alone", "validate the data package that holds both tables"),
    "schema-error": ("the Table Schema breaks the spec; the data is not checked against it", "give the schema a \"fields\" list; the primary key names 'identifier', which is not a field"),
    "field-error": ("one field breaks the spec", "the type 'magical_unicorn' is not a Table Schema type"),
    "resource-error": ("a package resource's file is missing or unreadable", "correct the resource's path, or the file"),
    "hash-count": ("the file's digest differs from the descriptor's `hash`", "publish the described file, or update `hash`"),
    "byte-count": ("the file's size differs from the descriptor's `bytes`", "publish the described file, or update `bytes`"),
    "encoding-error": ("the file is not in the descriptor's `encoding`", "save it in the declared encoding, or declare its own"),
    "resource-skipped": ("a package resource we do not read (inline data, no schema, JSON, compressed, at a URL)", "provide it as a CSV with a Table Schema"),
    "guessed-delimiter": ("not comma-separated; the delimiter was detected", "save as 'CSV UTF-8 (Comma delimited)'"),
    "guessed-encoding": ("not UTF-8; the encoding was detected", "save as 'CSV UTF-8' so £ and accents survive"),
    "status-assumed-final": ("a submitted row with a blank status: read as `final` (`accept` writes final)", "write final, provisional, revised, suppressed or estimated"),
    "no-data-rows": ("a submitted file with a header and no data rows (datasets' own tables may be empty)", "add the figures below the header, or check it is the right file"),
    "header-not-first": ("a steward's workbook or CSV with rows above its header (a title, a blank line): the header is found among the first 20 rows (the first holding two column names) and the rest is checked against it",
                         "delete rows 1-2 so that the header is row 1 (`validate --fix OUT` writes a copy without them)"),
    "renamed-label": ("a steward's column headed another way ('Area Code', 'Period'): one message per column, and its cells are checked as that column",
                      "head the column area_code (`validate --fix OUT` rewrites it)"),
}
_OWNERS: dict[str, str] = dict.fromkeys(CODES, __name__)
_checks_loaded = False


def register_code(code: str, severity: str, layer: str, meaning: str, owner: str) -> None:
    """Add a code for a new check (the checks registry calls this). The same owner registering again is a
    no-op; a code another owner declared is a ValueError naming it (a code means one thing in every report)."""
    if severity not in (ERROR, WARNING):
        raise ValueError(f"the code {code!r} has the severity {severity!r}: it must be {ERROR!r} or {WARNING!r}")
    if code in CODES and _OWNERS.get(code) != owner:
        raise ValueError(f"the code {code!r} is already declared by {_OWNERS.get(code)}")
    CODES.setdefault(code, (severity, layer, meaning))
    _OWNERS[code] = owner


def all_codes() -> dict[str, tuple[str, str, str]]:
    """Every code: this module's, and those of the registered checks (built-in, and other installed packages')."""
    _load_checks()
    return CODES


def package_codes() -> dict[str, tuple[str, str, str]]:
    """The codes this package declares (all_codes() less those of plugins and of checks given for one run)."""
    return {code: info for code, info in all_codes().items() if _OWNERS.get(code, "").startswith("stoke_opendata.")}


def code_table() -> str:
    """docs/validation.md's table of codes (Markdown), made from the registry: this package's codes, each with
    its severity, layer, full meaning and an example fix (a plugin's codes are its own package's to document)."""
    rows = ["| code | severity | layer | meaning | example fix |", "|---|---|---|---|---|"]
    for code, (severity, layer, meaning) in package_codes().items():
        detail, fix = GUIDE.get(code, (meaning, ""))
        rows.append(f"| `{code}` | {severity} | {layer} | {_cell(detail)} | {_cell(fix)} |")
    return "\n".join(rows) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _load_checks() -> None:
    global _checks_loaded
    if not _checks_loaded:
        import stoke_opendata.validate.checks  # noqa: F401  (registers every check's codes)

        _checks_loaded = True


def code_info(code: str) -> tuple[str, str, str]:
    found = CODES.get(code)
    if found is None and not _checks_loaded:  # a check's code, before anything imported the checks
        _load_checks()
        found = CODES.get(code)
    return found or (ERROR, "other", "")


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
        return code_info(self.code)[0]

    @property
    def layer(self) -> str:
        return code_info(self.code)[1]

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

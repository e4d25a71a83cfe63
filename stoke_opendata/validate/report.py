"""Render a validation Report: text for a steward's terminal, JSON for jobs, one self-contained HTML page.

The JSON shape is a public contract, described by schemas/validation-report.schema.json (REPORT_VERSION
changes only when it does). Text and HTML group problems by file, then by code, with counts, so a file
with 5,000 copies of one mistake reads as one mistake with 5,000 rows.
"""

from __future__ import annotations

import json
from collections import OrderedDict

from stoke_opendata.validate.problems import ERROR, WARNING, Problem, Report, code_info

REPORT_KIND = "stoke-opendata/validation-report"
REPORT_VERSION = "1.0"


def to_dict(report: Report) -> dict:
    files = []
    for info in report.files:
        mine = report.for_file(info.path)
        files.append(
            {
                "path": info.path,
                "format": info.format,
                "rows": info.rows,
                "encoding": info.encoding,
                "delimiter": info.delimiter,
                "sheet": info.sheet,
                "resource": info.resource,
                "schema": info.schema,
                "valid": not any(p.severity == ERROR for p in mine),
                "errors": sum(1 for p in mine if p.severity == ERROR),
                "warnings": sum(1 for p in mine if p.severity == WARNING),
            }
        )
    return {
        "report": REPORT_KIND,
        "version": REPORT_VERSION,
        "valid": report.valid,
        "exit_code": report.exit_code,
        "summary": {
            "files": len(report.files),
            "rows": sum(f.rows for f in report.files),
            "errors": len(report.errors),
            "warnings": len(report.warnings),
            "counts": report.counts(),
        },
        "files": files,
        "problems": [p.to_dict() for p in report.sorted_problems()],
    }


def to_json(report: Report) -> str:
    return json.dumps(to_dict(report), indent=2, ensure_ascii=False)


def _grouped(problems: list[Problem]) -> "OrderedDict[str, list[Problem]]":
    """code -> problems, errors before warnings, larger groups first."""
    groups: dict[str, list[Problem]] = {}
    for p in sorted(problems, key=Problem.sort_key):
        groups.setdefault(p.code, []).append(p)
    order = sorted(groups, key=lambda c: (code_info(c)[0] != ERROR, -len(groups[c]), c))
    return OrderedDict((c, groups[c]) for c in order)


def _where(p: Problem) -> str:
    parts = []
    if p.row is not None:
        parts.append(f"row {p.row}")
    if p.column:
        parts.append(p.column)
    return ", ".join(parts) or "file"


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def to_text(report: Report, max_per_code: int = 20) -> str:
    """What a steward reads: a verdict line, then per file the problems grouped by code with a fix each."""
    lines = []
    verdict = "VALID" if report.valid else "INVALID"
    rows = sum(f.rows for f in report.files)
    lines.append(
        f"{verdict}: {_plural(len(report.files), 'file')}, {_plural(rows, 'row')}, "
        f"{_plural(len(report.errors), 'error')}, {_plural(len(report.warnings), 'warning')}"
    )
    by_file: dict[str, list[Problem]] = {}
    for p in report.problems:
        by_file.setdefault(p.file, []).append(p)
    for info in report.files:
        mine = by_file.pop(info.path, [])
        errors = sum(1 for p in mine if p.severity == ERROR)
        warnings = len(mine) - errors
        how = ", ".join(x for x in (info.format.upper(), info.sheet and f"sheet {info.sheet!r}", info.encoding, info.delimiter and f"{info.delimiter}-separated", info.schema and f"schema {info.schema}") if x)
        lines.append("")
        if info.format == "skipped":  # a package resource we do not read: its warning says why
            lines.append(f"{info.path}: NOT VALIDATED, {_plural(warnings, 'warning')}")
        else:
            lines.append(f"{info.path} ({how}; {_plural(info.rows, 'row')}): " + ("valid" if not errors else "INVALID") + f", {_plural(errors, 'error')}, {_plural(warnings, 'warning')}")
        lines.extend(_text_groups(mine, max_per_code))
    for path, mine in by_file.items():  # problems of files that could not be described (defensive)
        lines.append("")
        lines.append(path)
        lines.extend(_text_groups(mine, max_per_code))
    if not report.valid:
        lines.append("")
        lines.append("Fix the errors and run `stoke-opendata validate` again. Warnings do not stop publication.")
    return "\n".join(lines) + "\n"


def _text_groups(problems: list[Problem], max_per_code: int) -> list[str]:
    lines = []
    for code, group in _grouped(problems).items():
        severity, _layer, meaning = code_info(code)
        label = "ERROR" if severity == ERROR else "WARNING"
        lines.append(f"  {label} {code} x{len(group):,}: {meaning}")
        shown = group if not max_per_code else group[:max_per_code]
        for p in shown:
            lines.append(f"    {_where(p)}: {p.message}")
            if p.hint:
                lines.append(f"      fix: {p.hint}")
        if len(shown) < len(group):
            lines.append(f"    ... and {len(group) - len(shown):,} more {code} (all are listed in --format json and --html)")
    return lines


HTML_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Validation report: {{ verdict }}</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", Arial, sans-serif; margin: 2rem; color: #1b1b1b; max-width: 78rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #ccc; } h3 { font-size: 1.05rem; }
.valid { color: #00703c; } .invalid { color: #d4351c; }
.badge { display: inline-block; padding: .1rem .5rem; border-radius: .3rem; font-size: .8rem; color: #fff; }
.badge.error { background: #d4351c; } .badge.warning { background: #b58105; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .9rem; }
th, td { border: 1px solid #ddd; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #f3f2f1; } td.value { font-family: ui-monospace, Consolas, monospace; white-space: pre-wrap; }
.summary td, .summary th { width: auto; } .muted { color: #505a5f; }
</style>
</head>
<body>
<h1 class="{{ 'valid' if data.valid else 'invalid' }}">{{ verdict }}</h1>
<p>{{ data.summary.files }} file(s), {{ "{:,}".format(data.summary.rows) }} rows:
<strong>{{ "{:,}".format(data.summary.errors) }} error(s)</strong>, {{ "{:,}".format(data.summary.warnings) }} warning(s).
Errors must be fixed before the data can be published; warnings are worth a look.</p>
<table class="summary"><tr><th>file</th><th>format</th><th>rows</th><th>errors</th><th>warnings</th><th>result</th></tr>
{% for f in data.files %}<tr><td>{{ f.path }}</td><td>{{ f.format }}{% if f.sheet %} (sheet {{ f.sheet }}){% endif %}{% if f.encoding %}, {{ f.encoding }}{% endif %}{% if f.delimiter %}, {{ f.delimiter }}{% endif %}</td>
<td>{{ "{:,}".format(f.rows) }}</td><td>{{ f.errors }}</td><td>{{ f.warnings }}</td><td class="{{ 'valid' if f.valid else 'invalid' }}">{{ 'valid' if f.valid else 'invalid' }}</td></tr>
{% endfor %}</table>
{% for f in files %}
<h2>{{ f.path }}</h2>
{% if not f.groups %}<p class="valid">No problems found.</p>{% endif %}
{% for g in f.groups %}
<h3><span class="badge {{ g.severity }}">{{ g.severity }}</span> {{ g.code }} &times; {{ "{:,}".format(g.count) }} <span class="muted">{{ g.meaning }}</span></h3>
<table><tr><th>row</th><th>column</th><th>value</th><th>what is wrong</th><th>how to fix it</th></tr>
{% for p in g.problems %}<tr><td>{{ p.row if p.row is not none else '' }}</td><td>{{ p.column or '' }}</td><td class="value">{{ p.value if p.value is not none else '' }}</td><td>{{ p.message }}</td><td>{{ p.hint }}</td></tr>
{% endfor %}</table>
{% if g.hidden %}<p class="muted">... and {{ "{:,}".format(g.hidden) }} more (the JSON report lists all).</p>{% endif %}
{% endfor %}
{% endfor %}
<p class="muted">Made by stoke-opendata validate. Row numbers are as a spreadsheet shows them (the header is row 1).</p>
</body>
</html>
"""


def to_html(report: Report, max_per_code: int = 1000) -> str:
    """One page with everything inline (no scripts, styles or images fetched): open it or email it."""
    import jinja2

    data = to_dict(report)
    files = []
    for info in report.files:
        groups = []
        for code, group in _grouped(report.for_file(info.path)).items():
            severity, _layer, meaning = code_info(code)
            shown = group[:max_per_code] if max_per_code else group
            groups.append({"code": code, "severity": severity, "meaning": meaning, "count": len(group), "problems": shown, "hidden": len(group) - len(shown)})
        files.append({"path": info.path, "groups": groups})
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    verdict = ("Valid" if report.valid else "Invalid") + ": " + ", ".join(f.path for f in report.files)
    return env.from_string(HTML_TEMPLATE).render(data=data, files=files, verdict=verdict)

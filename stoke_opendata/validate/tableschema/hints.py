"""What to tell a steward: how to write a value so that it is of its column's type, matches a pattern or an enum."""

from __future__ import annotations

import difflib
import re

from stoke_opendata.catalogue.vocabulary import GSS_CODE, SLUG


# markers stewards and statistical releases use for "no figure"
SUPPRESSION_MARKERS = {"-", "–", "—", "n/a", "na", "n.a.", "x", "..", ":", "*", "c", "~", "suppressed", "null", "none", "#n/a"}

NUMERIC_TYPES = ("number", "integer", "year")

# the longest value a "did you mean" is worked out for: fuzzy matching costs the square of a value's
# length (a 32 KB area code took 5.6 s, 1 MB over 100 s), and no id, code, label or enum is near this long
SUGGEST_CHARS = 200


def too_long_for_suggestion(value: str) -> str | None:
    """The note given instead of a suggestion for a value past SUGGEST_CHARS (None for a shorter one)."""
    if len(value) <= SUGGEST_CHARS:
        return None
    return f"(the value is {len(value):,} characters long; no suggestion is worked out past {SUGGEST_CHARS})"


def type_hint(value: str, field_type: str) -> str:
    """How to write `value` so that it is a `field_type` (the fix a steward can make)."""
    text = value.strip()
    lowered = text.lower()
    if lowered in SUPPRESSION_MARKERS:
        return "leave the cell blank and set status to 'suppressed' (or give the figure)"
    if field_type in NUMERIC_TYPES:
        if text != value and _plain_number(text):
            return f"remove the spaces: write {text}"
        if re.fullmatch(r"-?[\d.,]+\s*%", text):
            number = text.rstrip("% ").replace(",", "")
            return f"write {number}, not {text} (no % sign)"
        if re.match(r"^-?[£$€]", text):
            number = re.sub(r"[£$€,\s]", "", text)
            return f"write {number}, not {text} (no currency sign or separators)"
        if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", text):
            return f"write {text.replace(',', '')}, not {text} (no thousands separators)"
        if re.fullmatch(r"-?\d+,\d+", text):
            return f"use a point for decimals: write {text.replace(',', '.')}, not {text}"
        if field_type == "integer" and re.fullmatch(r"-?\d+\.0+", text):
            return f"write {text.split('.')[0]}, not {text} (a whole number)"
        if field_type == "integer":
            return "write a whole number such as 42, with no separators, units or text"
        return "write a plain number such as 61.3: no %, £, spaces, thousands separators or words"
    if field_type == "date":
        return "write the date as YYYY-MM-DD, for example 2024-03-31"
    if field_type == "datetime":
        return "write the date and time as YYYY-MM-DDTHH:MM:SS"
    if field_type == "boolean":
        return "write true or false"
    if field_type == "yearmonth":
        return "write YYYY-MM, for example 2024-03"
    if field_type == "time":
        return "write the time as HH:MM:SS, for example 15:30:00"
    if field_type == "duration":
        return "write an ISO 8601 duration, for example P1Y2M or PT30M"
    if field_type == "geopoint":
        return "write longitude, latitude, for example -2.18, 53.00"
    if field_type in ("object", "geojson"):
        return "write a JSON object, for example {\"key\": \"value\"}"
    if field_type == "array":
        return "write a JSON array, for example [1, 2]"
    return f"write a value of type {field_type}"


def _plain_number(text: str) -> bool:
    return bool(re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", text))


def pattern_hint(pattern: str, value: str, description: str | None) -> str:
    if pattern == GSS_CODE:
        return "write the area's ONS code, a capital letter and 8 digits (E06000021 is Stoke-on-Trent); schemas/areas.csv lists every area the catalogue knows"
    if pattern == SLUG:
        if value.lower().replace(" ", "-").replace("_", "-") != value and re.fullmatch(SLUG, value.strip().lower().replace(" ", "-").replace("_", "-")):
            return f"write {value.strip().lower().replace(' ', '-').replace('_', '-')!r}: lowercase words joined by hyphens"
        return "lowercase letters and digits joined by hyphens, for example healthy-life-expectancy-male"
    if description:  # plain words first; the pattern only as a detail
        return f"{description} (the exact form: {pattern})"
    return f"write it in the form the schema gives (the exact form: {pattern})"


def enum_hint(value: str, options: list) -> str:
    options_text = ", ".join(map(str, options))
    for option in options:
        if str(option).lower() == value.strip().lower():
            return f"write {option!s} exactly (lower case, no spaces); allowed: {options_text}"
    note = too_long_for_suggestion(value)
    if note:
        return f"use one of: {options_text} {note}"
    close = difflib.get_close_matches(value.strip().lower(), [str(o) for o in options], n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]!r}? Allowed: {options_text}"
    return f"use one of: {options_text}"


def label_hint(label: str, names: list[str]) -> str:
    normal = _normal_label(label)
    for name in names:
        if _normal_label(name) == normal:
            return f"rename the column {label!r} to {name!r}"
    note = too_long_for_suggestion(label)
    if note:
        return f"remove the column or rename it to one of: {', '.join(names)} {note}"
    close = difflib.get_close_matches(normal, names, n=1, cutoff=0.75)
    if close:
        return f"did you mean {close[0]!r}? If not, remove the column (the schema's columns are: {', '.join(names)})"
    return f"remove the column or rename it to one of: {', '.join(names)}"


def _normal_label(label: str) -> str:
    return re.sub(r"[\s\-]+", "_", label.strip().lower().lstrip("\ufeff"))

"""primaryKey and foreignKeys: repeated keys, and keys missing from the table they refer to (with a "did you mean")."""

from __future__ import annotations

import difflib

from stoke_opendata.validate.problems import Problem
from stoke_opendata.validate.tableschema.hints import too_long_for_suggestion
from stoke_opendata.validate.tables.table import ROW


class _Known:
    """The referenced keys, for "did you mean" hints. A key one edit away from the value (a character
    typed over, missing, doubled or swapped: E6000021 for E06000021) is found by generating the value's
    neighbours and looking each up, so the nearest key is suggested however long the catalogue is; only
    when none is one edit away does difflib compare the value with a pool of keys (every key of a small
    catalogue, else those of the same first letter and a similar length)."""

    def __init__(self, keys: list[str]):
        self.keys = keys
        self.lower = {k.lower(): k for k in reversed(keys)}  # the first spelling wins
        self.alphabet = sorted(set("".join(self.lower)))
        self._buckets: dict[tuple, list[str]] | None = None

    def close(self, value: str) -> list[str]:
        text = value.strip().lower()
        exact = self.lower.get(text)
        if exact:
            return [exact]
        near = sorted({self.lower[c] for c in self._one_edit(text) if c in self.lower})
        if near:
            return [max(near, key=lambda k: difflib.SequenceMatcher(None, value, k).ratio())]
        return difflib.get_close_matches(value, self._pool(value), n=1, cutoff=0.7)

    def _one_edit(self, text: str):
        letters = self.alphabet
        for i in range(len(text) + 1):
            head, tail = text[:i], text[i:]
            if tail:
                yield head + tail[1:]  # a character too many
                if len(tail) > 1:
                    yield head + tail[1] + tail[0] + tail[2:]  # two characters swapped
                for ch in letters:
                    yield head + ch + tail[1:]  # a character typed over
            for ch in letters:
                yield head + ch + tail  # a character missing

    def _pool(self, value: str) -> list[str]:
        if len(self.keys) <= 500:
            return self.keys
        if self._buckets is None:
            self._buckets = {}
            for k in self.keys:
                self._buckets.setdefault((k[:1], len(k)), []).append(k)
        return [k for n in (len(value) - 1, len(value), len(value) + 1) for k in self._buckets.get((value[:1], n), [])][:200]


def primary_key_problems(pl, path, raw, typed, schema, present, short=None, untyped=None) -> list[Problem]:
    """Rows whose primary key repeats an earlier row's, compared on the typed values (1 and 01 are the same
    integer, as frictionless compares them; a cell that is not of its type counts as blank), and rows whose
    key cells are all blank. A blank row is reported once, as blank-row. `untyped`: field -> values with no
    typed form (integers beyond Int64), compared as their text."""
    key = schema.get("primaryKey") or []
    if isinstance(key, str):
        key = [key]
    if not isinstance(key, list) or not key or any(not isinstance(k, str) or k not in present for k in key):
        return []
    wide = [k for k in key if (untyped or {}).get(k)]
    if wide:  # the few columns holding integers beyond Int64: their key is the typed value as text, or that text
        typed = typed.with_columns(
            [pl.when(pl.col(k).is_not_null()).then(pl.col(k).cast(pl.String)).otherwise(pl.when(raw[k].is_in(untyped[k])).then(raw[k].str.strip_chars().str.strip_chars_start("+"))).alias(k) for k in wide]
        )
    column = ", ".join(key)
    problems = []
    blank_rows = {row for row, count in (short or {}).items() if count == 0}
    all_blank = pl.all_horizontal([pl.col(k).is_null() for k in key])
    # hash first (cheap on a million rows, no copy of the table), then compare the few candidates exactly
    hashed = pl.lit(0, dtype=pl.UInt64)
    for i, k in enumerate(key):
        hashed = hashed * 1_000_003 + pl.col(k).hash(i + 1)  # wrapping arithmetic: a cheap combined hash
    # repeated hashes found by sorting (a sort of 1M u64 is ~20 ms; counting distinct values took ~25 ms
    # and marking the duplicated ones another ~75 ms); only rows whose hash repeats are then compared exactly
    hashes = typed.select(hashed.alias("__hash__"), (~all_blank).alias("__complete__"))
    if not hashes["__complete__"].all():  # keys whose cells are all blank (one pass over the mask made above)
        for row in typed[ROW].filter(~hashes["__complete__"]).to_list():
            if row not in blank_rows:
                problems.append(Problem(path, "primary-key", f"row {row} has no {column}: the primary key is blank", f"fill in {column}", row=row, column=column))
    ordered = hashes["__hash__"].sort()
    repeated = ordered.filter(ordered == ordered.shift(1))
    if repeated.len() == 0:
        return problems  # every key distinct (the usual case)
    # the rows whose hash repeats, from the hashes already made (not hashed again)
    rows = hashes.select((pl.col("__complete__") & pl.col("__hash__").is_in(repeated.unique().implode())).arg_true()).to_series()
    candidates = typed.select(ROW, *key)[rows].with_columns(rows.alias("__pos__"))
    dups = candidates.filter(pl.struct(key).is_duplicated())
    if dups.height == 0:
        return problems
    dups = dups.with_columns(pl.col(ROW).min().over(key).alias("__first__")).filter(pl.col(ROW) != pl.col("__first__")).sort(ROW)
    # the key as the file writes it, gathered by position (a filter of the whole table cost ~8 ms)
    shown = raw.select(key)[dups["__pos__"]].select(pl.concat_str([pl.col(k).fill_null("") for k in key], separator=", ")).to_series()
    texts = dict(zip(dups[ROW].to_list(), shown.to_list()))
    for record in dups.iter_rows(named=True):
        value = texts.get(record[ROW], "")
        problems.append(
            Problem(
                path,
                "primary-key",
                f"row {record[ROW]} repeats row {record['__first__']}: the same {column} ({value})",
                "keep one row per " + column + "; delete the duplicate or correct its key",
                row=record[ROW],
                column=column,
                value=value,
            )
        )
    return sorted(problems, key=lambda p: p.row)


def _foreign_keys(pl, path, raw, schema, present, references, distinct=None, typed=None) -> list[Problem]:
    """Values not found in the table a foreign key refers to. `references(resource, fields)` gives that
    table's keys; it raises LookupError when the resource or its fields do not exist (an error: the contract
    cannot hold), and returns None when the keys are not available here (a warning: not checked). Keys of
    typed fields (integer, number, date...) on both sides are compared as values, as frictionless compares
    them (01 refers to 1); text keys as text."""
    problems = []
    foreign_keys = schema.get("foreignKeys") if isinstance(schema.get("foreignKeys"), list) else []
    for fk in foreign_keys:
        if not isinstance(fk, dict) or not isinstance(fk.get("reference"), dict):
            continue
        fields = fk.get("fields")
        fields = [fields] if isinstance(fields, str) else list(fields or [])
        ref = fk.get("reference") or {}
        ref_fields = ref.get("fields")
        ref_fields = [ref_fields] if isinstance(ref_fields, str) else list(ref_fields or [])
        resource = ref.get("resource", "")
        if not fields or any(f not in present for f in fields):
            continue
        if resource == "":
            if any(r not in present for r in ref_fields):
                continue
            own = typed if typed is not None and all(typed[f].dtype != pl.String for f in fields) else raw
            target = own.select([pl.col(r) for r in ref_fields]).drop_nulls()
        elif references is None:
            continue
        else:
            column = ", ".join(fields)
            try:
                target = references(resource, ref_fields)
            except LookupError as exc:
                problems.append(Problem(path, "foreign-key", f"the foreign key on {column} cannot hold: {exc.args[0]}", "correct the schema's foreignKeys, or add the table it refers to", column=column))
                continue
            if target is None:
                problems.append(
                    Problem(path, "foreign-key-unchecked", f"the foreign key on {column} refers to the table {resource!r}, which is not available here; it was not checked", "validate the data package that holds both tables", column=column)
                )
                continue
        complete = pl.all_horizontal([pl.col(f).is_not_null() for f in fields])
        as_values = typed is not None and all(typed[f].dtype != pl.String and target[r].dtype == typed[f].dtype for f, r in zip(fields, ref_fields))
        if as_values:
            keyed = target.select([pl.col(r).alias(f) for f, r in zip(fields, ref_fields)]).unique()
            missing = typed.select(ROW, *fields).filter(complete).join(keyed, on=fields, how="anti")
            bad = raw.select(ROW, *fields).filter(pl.col(ROW).is_in(missing[ROW].implode())) if missing.height else missing
        elif len(fields) == 1 and distinct and fields[0] in distinct:
            # a coded column: its few distinct values are looked up, and only the rows of unknown ones found
            values = distinct[fields[0]]
            unknown = values.filter(~values.is_in(target[ref_fields[0]].cast(pl.String).unique().implode()))
            if unknown.len() == 0:
                continue
            bad = raw.select(ROW, *fields).filter(pl.col(fields[0]).is_in(unknown.implode()))
        elif len(fields) == 1:
            bad = raw.select(ROW, *fields).filter(complete & ~pl.col(fields[0]).is_in(target[ref_fields[0]].cast(pl.String).unique().implode()))
        else:
            complete = raw.select(ROW, *fields).filter(complete)
            keyed = target.select([pl.col(r).cast(pl.String).alias(f) for f, r in zip(fields, ref_fields)]).unique()
            bad = complete.join(keyed, on=fields, how="anti").sort(ROW)
        if bad.height == 0:
            continue
        known = None
        column = ", ".join(fields)
        hints: dict = {}
        for record in bad.iter_rows(named=True):
            value = ", ".join(str(record[f]) for f in fields)
            if value not in hints:
                if known is None:
                    known = _Known([str(v) for v in target[ref_fields[0]].unique(maintain_order=True).to_list() if v is not None] if len(ref_fields) == 1 else [])
                # a close-match search per distinct value, for the first 20 (a whole column of
                # unknown codes gets the generic hint after that, not seconds of fuzzy matching)
                note = too_long_for_suggestion(value)
                close = known.close(value) if len(hints) < 20 and not note else []
                hint = f"did you mean {close[0]!r}?" if close else f"use a {', '.join(ref_fields)} listed in the {resource or 'same'} table"
                if note:
                    hint += f" {note}"
                if resource == "indicators":
                    hint += " (`stoke-opendata indicators` lists the ids)"
                hints[value] = hint
            problems.append(
                Problem(
                    path,
                    "foreign-key",
                    f"{value!r} in {column} is not in the {resource or 'same'} table",
                    hints[value],
                    row=record[ROW],
                    column=column,
                    value=value,
                )
            )
    return problems


def foreign_key_suspects(pl, schema: dict, present: set[str], references, raw, distinct: dict | None = None) -> list:
    """For the query engine's plan: True on every row `_foreign_keys` might report (more is allowed, never
    fewer): a one-field text key whose value the referenced table lacks; any other complete key (typed or
    several fields) is left to `_foreign_keys` itself. A reference to the table itself compares rows and is
    not planned here (the engine refuses such a schema). `raw(name)` is the expression of a field's text."""
    exprs = []
    for fk in schema.get("foreignKeys") if isinstance(schema.get("foreignKeys"), list) else []:
        if not isinstance(fk, dict) or not isinstance(fk.get("reference"), dict):
            continue
        fields = fk.get("fields")
        fields = [fields] if isinstance(fields, str) else list(fields or [])
        ref = fk["reference"]
        ref_fields = ref.get("fields")
        ref_fields = [ref_fields] if isinstance(ref_fields, str) else list(ref_fields or [])
        resource = ref.get("resource", "")
        if not fields or any(f not in present for f in fields) or resource == "" or references is None:
            continue
        try:
            target = references(resource, ref_fields)
        except LookupError:
            continue  # said once, without a row, by _foreign_keys
        if target is None:
            continue
        complete = pl.all_horizontal([raw(f).is_not_null() for f in fields])
        text_key = len(fields) == 1 and len(ref_fields) == 1 and target[ref_fields[0]].dtype == pl.String
        known = target[ref_fields[0]].unique().implode() if text_key else None
        values = (distinct or {}).get(fields[0]) if text_key else None
        if values is not None:  # a coded column: its unknown distinct values, found once
            exprs.append(raw(fields[0]).is_in(values.filter(~values.is_in(known)).implode()))
        elif text_key:
            exprs.append(complete & ~raw(fields[0]).is_in(known))
        else:
            exprs.append(complete)
    return exprs

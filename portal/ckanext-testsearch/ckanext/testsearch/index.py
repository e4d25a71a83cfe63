"""TEST-ONLY search index standing in for Solr: documents in a SQLite file, queries evaluated in Python.

CKAN builds the documents and the queries itself (ckan.lib.search); this module only stores the
documents and answers the subset of the Solr query syntax that CKAN and stoke-opendata send.
It is slow on large catalogues and ignores relevance ranking: a test portal's helper, never a
production search engine.
"""

from __future__ import annotations

import fnmatch
import json
import re
import sqlite3
import threading
from typing import Any, Callable, Optional

Doc = dict[str, Any]
Predicate = Callable[[Doc], bool]

# fields searched by a query term that names no field (the "text" catch-all of CKAN's Solr schema)
TEXT_FIELDS = (
    "name", "title", "notes", "tags", "groups", "organization", "author", "maintainer",
    "res_name", "res_description", "res_format", "text", "url", "version",
)
TEXT_LIKE = {"text", "title", "notes", "res_description", "res_name"}


try:  # CKAN turns pysolr.SolrError into a clean SearchError; raise a subclass of it
    from pysolr import SolrError as _Base
except ImportError:  # pragma: no cover - outside CKAN's venv
    _Base = Exception


class TestOnlySearchError(_Base):
    """A query this stand-in cannot parse."""


class Results:
    """The slice of pysolr.Results that CKAN reads: hits, docs, facets."""

    def __init__(self, docs: list[Doc], hits: int, facets: dict[str, Any]):
        self.docs = docs
        self.hits = hits
        self.facets = facets
        self.raw_response: dict[str, Any] = {}
        self.highlighting: dict[str, Any] = {}
        self.stats: dict[str, Any] = {}
        self.grouped: dict[str, Any] = {}
        self.spellcheck: dict[str, Any] = {}
        self.debug: dict[str, Any] = {}
        self.qtime = 0

    def __len__(self) -> int:
        return len(self.docs)

    def __iter__(self):
        return iter(self.docs)


# ---------------------------------------------------------------- query language

_TOKEN = re.compile(
    r'\s*(?:(?P<lp>\()|(?P<rp>\))|(?P<quoted>"(?:[^"\\]|\\.)*")|(?P<range>[\[{][^\]}]*[\]}])'
    r'|(?P<op>&&|\|\||AND\b|OR\b|NOT\b)|(?P<mod>[+\-!])(?=\S)|(?P<word>(?:[^\s()"\\\[\]{}]|\\.)+))'
)


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            if text[pos:].strip() == "":
                break
            raise TestOnlySearchError(f"cannot parse query at {text[pos:]!r}")
        pos = m.end()
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
    return out


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", r"\1", value)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _norm(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).lower()


def _value_matches(field: Optional[str], term: str, quoted: bool, doc: Doc) -> bool:
    """Does one field (or the text catch-all when field is None) match one term?"""
    if field is None or field == "text":
        fields = TEXT_FIELDS
        values: list[Any] = []
        for f in fields:
            values.extend(_as_list(doc.get(f)))
        for k, v in doc.items():
            if k.startswith("extras_"):
                values.extend(_as_list(v))
        haystack = " ".join(_norm(v) for v in values)
        words = [w for w in re.split(r"\s+", _norm(term)) if w]
        if term == "*":
            return True
        return all(
            (fnmatch.fnmatchcase(haystack, f"*{w}*") if any(c in w for c in "*?") else w in haystack)
            for w in words
        )
    values = _as_list(doc.get(field))
    if term == "*":
        return any(v not in (None, "", []) for v in values)
    needle = _norm(term)
    wildcard = not quoted and any(c in term for c in "*?")
    for v in values:
        text = _norm(v)
        if wildcard:
            if fnmatch.fnmatchcase(text, needle):
                return True
        elif text == needle:
            return True
        elif field in TEXT_LIKE and needle in text:
            return True
    return False


def _range_matches(field: str, spec: str, doc: Doc) -> bool:
    inner = spec[1:-1].strip()
    parts = re.split(r"\s+TO\s+", inner)
    if len(parts) != 2:
        raise TestOnlySearchError(f"bad range {spec!r}")
    low, high = (p.strip().strip('"') for p in parts)
    for v in _as_list(doc.get(field)):
        text = str(v)
        if low not in ("*", "NOW") and text < low:
            continue
        if high not in ("*", "NOW") and text > high:
            continue
        return True
    return False


class _Parser:
    """Recursive descent over: expr := clause (op? clause)*; clause := mod? (field:value | (expr) | value)."""

    def __init__(self, text: str, default_and: bool = True):
        self.toks = _tokens(text)
        self.i = 0
        self.default_and = default_and

    def peek(self) -> Optional[tuple[str, str]]:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> tuple[str, str]:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def parse(self) -> Predicate:
        if not self.toks:
            return lambda doc: True
        pred = self.expr(None)
        if self.peek() is not None:
            raise TestOnlySearchError(f"unexpected {self.peek()[1]!r}")
        return pred

    def expr(self, field: Optional[str]) -> Predicate:
        """OR binds loosest, then AND (explicit, or implicit under q.op=AND), then +, -, NOT."""
        alternatives: list[list[Predicate]] = [[]]
        while True:
            tok = self.peek()
            if tok is None or tok[0] == "rp":
                break
            if tok[0] == "op" and tok[1].upper() in ("OR", "||"):
                self.take()
                alternatives.append([])
                continue
            if tok[0] == "op" and tok[1].upper() in ("AND", "&&"):
                self.take()
                continue
            negate = False
            if tok[0] == "op" and tok[1].upper() == "NOT":
                self.take()
                negate = True
            elif tok[0] == "mod":
                negate = self.take()[1] in ("-", "!")
            pred = self.clause(field)
            if negate:
                pred = (lambda doc, p=pred: not p(doc))
            if alternatives[-1] and not self.default_and:
                alternatives.append([])
            alternatives[-1].append(pred)
        alternatives = [a for a in alternatives if a]
        if not alternatives:
            return lambda doc: True

        def evaluate(doc: Doc) -> bool:
            return any(all(p(doc) for p in conj) for conj in alternatives)

        return evaluate

    def clause(self, field: Optional[str]) -> Predicate:
        tok = self.take()
        kind, text = tok
        if kind == "lp":
            inner = self.expr(field)
            if self.peek() is None or self.peek()[0] != "rp":
                raise TestOnlySearchError("unbalanced parentheses")
            self.take()
            return inner
        if kind == "quoted":
            term = _unescape(text[1:-1])
            return lambda doc, f=field, t=term: _value_matches(f, t, True, doc)
        if kind == "range":
            if field is None:
                raise TestOnlySearchError("a range needs a field")
            return lambda doc, f=field, s=text: _range_matches(f, s, doc)
        if kind == "word":
            m = re.match(r"^((?:[^:\\]|\\.)+):(.*)$", text)
            if m and field is None:
                name, rest = m.group(1), m.group(2)
                if name == "*" and rest == "*":
                    return lambda doc: True
                if rest == "":
                    return self.clause(name)
                if rest.startswith('"') and rest.endswith('"') and len(rest) > 1:
                    term = _unescape(rest[1:-1])
                    return lambda doc, f=name, t=term: _value_matches(f, t, True, doc)
                term = _unescape(rest)
                return lambda doc, f=name, t=term: _value_matches(f, t, False, doc)
            term = _unescape(text)
            return lambda doc, f=field, t=term: _value_matches(f, t, False, doc)
        raise TestOnlySearchError(f"unexpected {text!r}")


def compile_query(text: Optional[str], default_and: bool = True) -> Predicate:
    """Compile one Solr-syntax query string into a predicate over index documents."""
    if text is None:
        return lambda doc: True
    text = str(text).strip()
    if text in ("", "*:*", "*"):
        return lambda doc: True
    return _Parser(text, default_and).parse()


# ---------------------------------------------------------------- the store


class TestOnlyIndex:
    """Documents keyed by CKAN's `index_id`, stored as JSON in one SQLite table shared by all processes."""

    _lock = threading.Lock()

    def __init__(self, path: str):
        self.path = path
        with self._connect() as db:
            db.execute("CREATE TABLE IF NOT EXISTS docs (index_id TEXT PRIMARY KEY, doc TEXT NOT NULL)")

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30)
        db.execute("PRAGMA journal_mode=WAL")
        return db

    # -- the pysolr.Solr methods CKAN calls --------------------------------------

    def add(self, docs: list[Doc], commit: bool = True, **kwargs: Any) -> str:
        rows = []
        for doc in docs:
            key = doc.get("index_id") or doc.get("id")
            rows.append((str(key), json.dumps(doc, default=str)))
        with self._lock, self._connect() as db:
            db.executemany("INSERT OR REPLACE INTO docs (index_id, doc) VALUES (?, ?)", rows)
        return ""

    def delete(self, id: Any = None, q: Optional[str] = None, commit: bool = True, **kwargs: Any) -> str:
        with self._lock, self._connect() as db:
            if id is not None:
                ids = _as_list(id)
                for doc_id in ids:
                    for key, doc in self._all(db):
                        if doc.get("id") == doc_id or key == doc_id:
                            db.execute("DELETE FROM docs WHERE index_id = ?", (key,))
            if q is not None:
                pred = compile_query(q)
                for key, doc in self._all(db):
                    if pred(doc):
                        db.execute("DELETE FROM docs WHERE index_id = ?", (key,))
        return ""

    def commit(self, *args: Any, **kwargs: Any) -> str:
        return ""

    def optimize(self, *args: Any, **kwargs: Any) -> str:
        return ""

    def search(self, q: Optional[str] = None, search_handler: Optional[str] = None, **kw: Any) -> Results:
        default_and = str(kw.get("q.op", "AND")).upper() == "AND"
        preds = [compile_query(q, default_and)]
        for fq in _as_list(kw.get("fq")):
            preds.append(compile_query(fq))
        with self._connect() as db:
            docs = [doc for _key, doc in self._all(db)]
        hits = [d for d in docs if all(p(d) for p in preds)]
        hits = _sorted(hits, kw.get("sort"))
        facets = _facets(hits, kw)
        start = int(kw.get("start") or 0)
        rows = kw.get("rows")
        rows = 10 if rows is None else int(rows)
        page = hits[start:start + rows] if rows >= 0 else hits[start:]
        return Results([_project(d, kw.get("fl")) for d in page], len(hits), facets)

    @staticmethod
    def _all(db: sqlite3.Connection) -> list[tuple[str, Doc]]:
        return [(key, json.loads(text)) for key, text in db.execute("SELECT index_id, doc FROM docs")]


def _sorted(docs: list[Doc], sort: Optional[str]) -> list[Doc]:
    if not sort:
        return docs
    keys = [part.split() for part in str(sort).split(",") if part.strip()]
    for spec in reversed(keys):
        field = spec[0]
        desc = len(spec) > 1 and spec[1].lower() == "desc"
        if field == "score":
            continue
        docs = sorted(docs, key=lambda d: _norm(_as_list(d.get(field))[0]) if d.get(field) is not None else "",
                      reverse=desc)
    return docs


def _facets(docs: list[Doc], kw: dict[str, Any]) -> dict[str, Any]:
    if str(kw.get("facet", "false")).lower() != "true":
        return {}
    fields = _as_list(kw.get("facet.field"))
    limit = int(kw.get("facet.limit", 50) or 50)
    mincount = int(kw.get("facet.mincount", 1) or 0)
    out: dict[str, list[Any]] = {}
    for field in fields:
        counts: dict[str, int] = {}
        for doc in docs:
            for value in set(map(str, _as_list(doc.get(field)))):
                counts[value] = counts.get(value, 0) + 1
        items = sorted(((v, c) for v, c in counts.items() if c >= mincount), key=lambda vc: (-vc[1], vc[0]))
        if limit >= 0:
            items = items[:limit]
        flat: list[Any] = []
        for value, count in items:
            flat.extend([value, count])
        out[field] = flat
    return {"facet_fields": out, "facet_queries": {}, "facet_ranges": {}}


def _project(doc: Doc, fl: Optional[str]) -> Doc:
    if not fl:
        return dict(doc)
    fields = [f for f in re.split(r"[\s,]+", str(fl)) if f]
    if "*" in fields:
        return dict(doc)
    return {f: doc[f] for f in fields if f in doc}

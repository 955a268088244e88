"""Full-text search over documents: the one place SQLite (FTS5) and PostgreSQL (tsvector, pg_trgm) differ.

A user's query is never handed to a search syntax: it is cut into terms (runs
of letters and digits; quotes, operators, brackets and stars are dropped), and
each term is quoted again by us. Every term must appear:

- a Latin, Cyrillic... term matches a whole word (SQLite ``documents_fts``,
  unicode61 without diacritics; PostgreSQL ``documents.search_vector``,
  ``to_tsvector('simple', ...)``); a word of three letters or more also
  matches the words it begins ("defect" finds "defector"). In CJK documents
  such a word also matches inside unspaced text ("2014" in "2014年抵达");
  a word of one or two characters ("Ri", a common surname; "UN"; "29")
  matches whole words only, alone or beside longer words;
- a term with Korean, Chinese or Japanese characters matches as a substring in
  documents of those languages or of unknown language (SQLite
  ``documents_fts_cjk``, trigram tokenizer; PostgreSQL ``pg_trgm``). Terms of
  one or two characters ("脱北", "김") are too short for trigrams and are
  scanned for in those documents instead.

Snippets are cut in Python from the plain text, the same way for both
backends: pieces at odd positions are the matched words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Float,
    Select,
    and_,
    bindparam,
    column,
    func,
    literal_column,
    or_,
    select,
    table,
    text,
    union_all,
)

from .tables import DocumentRow

Query = TypeVar("Query", bound="Select[*tuple[Any, ...]]")

MAX_TERMS = 12  # a query of more words is cut: each term is one more index lookup
MAX_TERM_CHARS = 64
PREFIX_FROM = 3  # words this long also match longer words: a poor man's stemming ("return" finds "returned")
TRIGRAM = 3  # the trigram tokenizer and pg_trgm need terms of at least three characters
SNIPPET_CHARS = 240
SNIPPET_BEFORE = 80  # of the snippet's characters, how many come before the first match

TERM = re.compile(r"[^\W_]+")  # what unicode61 and PostgreSQL's parser keep as word characters
CJK = re.compile(
    "[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f]"
)
# The documents the CJK index holds; kept in step with migration 0008.
CJK_LANGUAGES = ("ko", "zh", "ja")
CJK_ROW = "(documents.language IN ('ko', 'zh', 'ja') OR documents.language IS NULL)"
PG_TEXT = "(coalesce(documents.title, '') || ' ' || documents.body_text)"
PG_VECTOR = "documents.search_vector"  # generated from PG_TEXT by the database (migration 0008)

# Objects of the search that no model describes: schema comparisons skip them (see ``include_name``).
SEARCH_TABLE_PREFIX = "documents_fts"
SEARCH_INDEXES = frozenset({"ix_documents_search", "ix_documents_search_cjk"})
SEARCH_COLUMNS = frozenset({"search_vector"})


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Alembic ``include_name`` hook: leave the search tables (with their shadow tables), columns and indexes out."""
    if name is None:
        return True
    if type_ == "table":
        return not name.startswith(SEARCH_TABLE_PREFIX)
    if type_ == "index":
        return name not in SEARCH_INDEXES
    if type_ == "column":
        return name not in SEARCH_COLUMNS
    return True


@dataclass(frozen=True, slots=True)
class SearchTerms:
    """A query cut into terms: whole words, CJK substrings the trigram index finds, and shorter CJK ones."""

    words: tuple[str, ...] = ()
    cjk: tuple[str, ...] = ()
    short_cjk: tuple[str, ...] = ()

    @property
    def all(self) -> tuple[str, ...]:
        return self.words + self.cjk + self.short_cjk

    @property
    def is_empty(self) -> bool:
        return not self.all


def parse_query(q: str | None) -> SearchTerms:
    """The terms of a user's query; anything that is not a letter or a digit only separates terms.

    A query of punctuation alone (``"';--``) asked for something, so it must
    not list every document: it is kept whole as a scanned term, which finds
    only a page holding that very string (in practice, none).
    """
    found: dict[str, None] = {}
    for match in TERM.finditer(unicodedata.normalize("NFC", q or "")):
        term = match.group(0)[:MAX_TERM_CHARS]
        if term.casefold() not in {seen.casefold() for seen in found}:
            found[term] = None
        if len(found) == MAX_TERMS:
            break
    words = tuple(t for t in found if not CJK.search(t))
    cjk = tuple(t for t in found if CJK.search(t) and len(t) >= TRIGRAM)
    short = tuple(t for t in found if CJK.search(t) and len(t) < TRIGRAM)
    asked = " ".join((q or "").replace("\x00", " ").split())
    if not found and asked:
        short = (asked[:MAX_TERM_CHARS],)
    return SearchTerms(words, cjk, short)


def _is_prefix(term: str) -> bool:
    return len(term) >= PREFIX_FROM


def fts5_query(terms: Sequence[str], *, prefix: bool = True) -> str:
    """An FTS5 query requiring every term, each a quoted string (inner quotes doubled): no operator survives.

    With ``prefix``, a term of three characters or more also matches longer words ("defect" finds "defector").
    """
    return " ".join('"' + t.replace('"', '""') + '"' + ("*" if prefix and _is_prefix(t) else "") for t in terms)


def pg_tsquery(terms: Sequence[str]) -> str:
    """The same query in ``to_tsquery`` syntax: each term a quoted lexeme (inner quotes doubled), joined by &."""
    quoted = ("'" + t.replace("\\", "").replace("'", "''") + "'" + (":*" if _is_prefix(t) else "") for t in terms)
    return " & ".join(quoted)


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def apply_search(query: Query, dialect: str, terms: SearchTerms) -> tuple[Query, ColumnElement[float] | None]:
    """``query`` (over ``documents``) narrowed to the documents matching every term, and a rank (higher is
    better; None when only scanned terms were given)."""
    if dialect == "sqlite":
        return _sqlite(query, terms)
    if dialect == "postgresql":
        return _postgresql(query, terms)
    raise ValueError(f"no full-text search for the {dialect} backend")


SQLITE_TEXT = "(coalesce(documents.title, '') || ' ' || documents.body_text)"


def _fts_select(
    table_name: str, terms: Sequence[str], *, prefix: bool, name: str | None = None, scored: bool = True
) -> Select[Any]:
    """(rid, score) of the documents an FTS5 table finds for every term; score: higher is better (or 0)."""
    fts = table(table_name, column("rowid"))
    param = name or table_name
    match = text(f"{table_name} MATCH :{param}").bindparams(bindparam(param, fts5_query(terms, prefix=prefix)))
    score = (
        -literal_column(f"bm25({table_name})", Float) if scored else literal_column("0.0", Float)
    )  # bm25: lower is better
    return select(fts.c.rowid.label("rid"), score.label("score")).where(match)


def _scanned(terms: Sequence[str], name: str) -> list[ColumnElement[bool]]:
    """Terms too short for trigrams, looked for in the text itself (case-insensitively for ASCII letters)."""
    haystack = func.lower(literal_column(SQLITE_TEXT))
    return [func.instr(haystack, func.lower(bindparam(f"{name}_{n}", t))) > 0 for n, t in enumerate(terms)]


def _word_hits(words: Sequence[str]) -> Any:
    """(rid, score) of the documents holding every word: whole words (prefixes) from the word index, and, in
    CJK documents, the words as substrings from the trigram index (unicode61 keeps "2014年抵达" as one token,
    so "2014" is no word there); such documents score 0."""
    parts: list[Select[Any]] = [_fts_select("documents_fts", words, prefix=True)]
    long, short = [w for w in words if len(w) >= TRIGRAM], [w for w in words if len(w) < TRIGRAM]
    if long:
        inside = _fts_select("documents_fts_cjk", long, prefix=False, name="words_cjk", scored=False)
        if short:  # too short for trigrams: looked for in the few documents the long words found
            ids = inside.with_only_columns(inside.selected_columns.rid)  # the MATCH condition kept
            inside = select(DocumentRow.id.label("rid"), literal_column("0.0", Float).label("score")).where(
                DocumentRow.id.in_(ids), *_scanned(short, "word")
            )
        parts.append(inside)
    if len(parts) == 1:
        # Words of one or two letters only ("Ri", "UN", "29"): the word index alone, not wrapped in an
        # aggregate (SQLite cannot evaluate bm25() once the FTS query is flattened into a GROUP BY).
        return parts[0].subquery("word_hits")
    found = union_all(*parts).subquery("word_matches")
    return select(found.c.rid, func.max(found.c.score).label("score")).group_by(found.c.rid).subquery("word_hits")


def _sqlite(query: Query, terms: SearchTerms) -> tuple[Query, ColumnElement[float] | None]:
    rank: ColumnElement[float] | None = None
    if terms.words:
        words = _word_hits(terms.words)
        query = query.join(words, words.c.rid == DocumentRow.id)
        rank = words.c.score
    if terms.cjk:
        found = _fts_select("documents_fts_cjk", terms.cjk, prefix=False).subquery("cjk_hits")
        query = query.join(found, found.c.rid == DocumentRow.id)
        rank = found.c.score if rank is None else rank + found.c.score
    if terms.short_cjk:
        query = query.where(text(CJK_ROW), *_scanned(terms.short_cjk, "short"))
    return query, rank


def _postgresql(query: Query, terms: SearchTerms) -> tuple[Query, ColumnElement[float] | None]:
    # Literal SQL, not bound values, on the left side: the planner matches it against the index expression.
    text_sql: ColumnElement[str] = literal_column(PG_TEXT)
    rank: ColumnElement[float] | None = None

    def contains(term: str, name: str) -> ColumnElement[bool]:
        return text_sql.ilike(bindparam(name, _like_pattern(term)), escape="\\")

    if terms.words:
        vector: ColumnElement[Any] = literal_column(PG_VECTOR)
        tsquery = func.to_tsquery(literal_column("'simple'"), bindparam("words", pg_tsquery(terms.words)))
        matched: ColumnElement[bool] = vector.op("@@")(tsquery)
        if any(len(word) >= TRIGRAM for word in terms.words):  # in CJK documents also as substrings: see _sqlite
            inside = [contains(word, f"word_{n}") for n, word in enumerate(terms.words)]
            matched = or_(matched, and_(text(CJK_ROW), *inside))
        query = query.where(matched)
        rank = func.ts_rank(vector, tsquery, type_=Float)
    cjk = [contains(term, f"cjk_{n}") for n, term in enumerate(terms.cjk + terms.short_cjk)]
    if cjk:
        query = query.where(text(CJK_ROW), *cjk)
    return query, rank


def _fold(char: str) -> str:
    decomposed = unicodedata.normalize("NFKD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _word_pattern(word: str) -> str:
    """A word at a word boundary; a prefix term runs on to the end of the word it starts."""
    tail = r"[^\W_]*" if _is_prefix(word) else r"(?![^\W_])"
    return rf"(?<![^\W_]){re.escape(word)}{tail}"


def _matches(body: str, terms: SearchTerms) -> list[tuple[int, int]]:
    """(start, end) of every term in ``body``: words at word boundaries, CJK terms anywhere; case-insensitive."""
    spans: list[tuple[int, int]] = []
    parts = [_word_pattern(word) for word in terms.words]
    parts += [re.escape(term) for term in terms.cjk + terms.short_cjk]
    if not parts:
        return spans
    pattern = re.compile("|".join(parts), re.IGNORECASE)
    spans = [(m.start(), m.end()) for m in pattern.finditer(body)]
    seen = {body[start:end].casefold() for start, end in spans}
    if body.isascii() or all(any(s.startswith(t.casefold()) for s in seen) for t in terms.all):
        return spans
    # The index ignores diacritics ("seoul" finds "Séoul"): fold the text, keeping where each character came from.
    folded, origin = [], []
    for index, char in enumerate(body):
        piece = _fold(char)
        folded.append(piece)
        origin.extend([index] * len(piece))
    folded_text = "".join(folded)
    words = [_fold_text(word) for word in terms.words]
    parts = [_word_pattern(word) for word in words if word]
    parts += [re.escape(_fold_text(term)) for term in terms.cjk + terms.short_cjk]
    pattern = re.compile("|".join(parts), re.IGNORECASE)
    return [(origin[m.start()], origin[m.end() - 1] + 1) for m in pattern.finditer(folded_text) if m.end() > m.start()]


def _fold_text(value: str) -> str:
    return "".join(_fold(char) for char in value)


def snippet(body: str, terms: SearchTerms, size: int = SNIPPET_CHARS) -> tuple[str, ...]:
    """Plain-text pieces around the first match in ``body``: odd positions are the matched words.

    Without a match in the body (the title matched), the body's opening.
    """
    spans = _matches(body, terms) if not terms.is_empty else []
    if not spans:
        opening = body[:size]
        return (opening + ("…" if len(body) > size else ""),) if opening else ()
    start = max(0, spans[0][0] - SNIPPET_BEFORE)
    if start > 0:  # begin at a word
        space = body.find(" ", start, spans[0][0])
        start = space + 1 if space != -1 else start
    end = min(len(body), start + size)
    pieces: list[str] = []
    cursor = start
    for begin, finish in spans:
        if begin < cursor:
            continue
        if finish > end:
            break
        pieces.extend([body[cursor:begin], body[begin:finish]])
        cursor = finish
    pieces.append(body[cursor:end])
    if start > 0:
        pieces[0] = "…" + pieces[0]
    if end < len(body):
        pieces[-1] = pieces[-1] + "…"
    return tuple(pieces)


__all__ = [
    "CJK_LANGUAGES",
    "SearchTerms",
    "apply_search",
    "fts5_query",
    "include_name",
    "parse_query",
    "pg_tsquery",
    "snippet",
]

"""The compiled ``data/lexicon/quotes.toml`` table of one language, shared by the quote modules."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .lexicon import AnyOf, compile_any, load_lexicon, section

CONCERN = "quotes"
NEVER = r"(?!x)x"

Pattern = re.Pattern[str]
Table = tuple[tuple[Pattern, str], ...]  # (pattern, English form)


@dataclass(frozen=True, slots=True)
class QuoteRules:
    """Everything language-specific the quote extractor needs, compiled once per language."""

    marks: dict[str, str]  # opening mark -> the closing marks accepted for it
    single_marks: frozenset[str]  # opening marks that double as apostrophes (' ‘)
    count_chars: bool  # length of quoted words in characters (Chinese) rather than words
    min_length: int
    head_last: bool  # the role noun heads its phrase from the end (Korean, Chinese)
    title_case: bool
    tail_next_sentence: bool  # "“…。”他说。": the attribution may be the next sentence
    trim: Pattern
    sentence_end: Pattern
    clause_end: Pattern
    after: tuple[Pattern, ...]
    before: tuple[Pattern, ...]
    before_who: tuple[Pattern, ...]
    subject_start: tuple[Pattern, ...]
    bridge: AnyOf
    not_before: AnyOf
    not_after: AnyOf
    unnamed: Pattern
    unnamed_is_person: bool  # "한 인사는": an unnamed marker alone makes a person
    definite: Pattern
    pronouns: Pattern
    placeholder: Pattern
    particles: Pattern
    subject_end: Pattern
    name_run: Pattern | None
    name_shape: Pattern | None
    name_stopwords: frozenset[str]
    full_names: tuple[str, ...]
    surnames: frozenset[str]
    public_figures: frozenset[str]
    persons: Pattern
    roles: Table
    organizations: Table
    org_after: tuple[Pattern, ...]
    org_before_role: Pattern | None
    context_roles: Table


def _table(rows: list[list[str]], whole_words: bool = False) -> Table:
    wrap = r"\b(?:{})(?!\w)" if whole_words else "{}"
    return tuple((re.compile(wrap.format(pattern), re.IGNORECASE), english) for pattern, english in rows)


def _optional(value: str | None, flags: int = re.IGNORECASE) -> Pattern | None:
    return re.compile(value, flags) if value else None


@lru_cache(maxsize=8)
def quote_rules(language: str) -> QuoteRules:
    """The rules for ``language`` (English tables for a language the lexicon does not have)."""
    data = section(CONCERN, language)
    names = load_lexicon("names").get("all", {})
    verbs = "|".join(data.get("verbs", []))
    whole = bool(data.get("word_boundaries", False))

    def templates(key: str) -> tuple[Pattern, ...]:
        return tuple(re.compile(p.replace("{verb}", verbs), re.IGNORECASE) for p in data.get(key, []))

    surnames = names.get(data.get("surnames", "romanized_surnames"), [])
    shape = data.get("name_shape")
    if shape:
        shape = shape.replace("{surnames}", "".join(surnames))
    persons = "|".join(data.get("persons", [])) or NEVER
    return QuoteRules(
        marks={mark: closers for pairs in (data["double_marks"], data["single_marks"]) for mark, closers in pairs},
        single_marks=frozenset(mark for mark, _ in data["single_marks"]),
        count_chars=data.get("count") == "chars",
        min_length=int(data.get("min_length", 4)),
        head_last=data.get("role_head") == "last",
        title_case=bool(data.get("title_case", False)),
        tail_next_sentence=bool(data.get("tail_next_sentence", False)),
        trim=re.compile(data["trim"]),
        sentence_end=re.compile(data["sentence_end"]),
        clause_end=re.compile(data.get("clause_end", NEVER), re.IGNORECASE),
        after=templates("after"),
        before=templates("before"),
        before_who=templates("before_who"),
        subject_start=templates("subject_start"),
        bridge=compile_any(tuple(data.get("bridge", []))),
        not_before=compile_any(tuple(data.get("not_quote_before", []))),
        not_after=compile_any(tuple(data.get("not_quote_after", []))),
        unnamed=re.compile(data["unnamed"], re.IGNORECASE),
        unnamed_is_person=bool(data.get("unnamed_is_person", False)),
        definite=re.compile(data["definite"], re.IGNORECASE),
        pronouns=re.compile(data["pronouns"], re.IGNORECASE),
        placeholder=re.compile(data["placeholder"]),
        particles=re.compile(data.get("particles", NEVER)),
        subject_end=re.compile(data.get("subject_end", NEVER)),
        name_run=_optional(data.get("name_run"), 0),
        name_shape=_optional(shape, 0),
        name_stopwords=frozenset(word.casefold() for word in data.get("name_stopwords", [])),
        full_names=tuple(data.get("full_names", [])),
        surnames=frozenset(surnames),
        public_figures=frozenset(names.get("public_figures", [])),
        persons=re.compile(rf"\b(?:{persons})(?!\w)" if whole else persons, re.IGNORECASE),
        roles=_table(data.get("roles", []), whole),
        organizations=_table(data.get("organizations", []), whole),
        org_after=tuple(re.compile(p, re.IGNORECASE) for p in data.get("org_after", [])),
        org_before_role=_optional(data.get("org_before_role"), 0),
        context_roles=_table(data.get("context_roles", [])),
    )

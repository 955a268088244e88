"""Prefilter: which raw crawl records deserve the full pipeline, decided on bytes in one pass.

The terms come from ``data/lexicon/prefilter.toml`` (derived from the relevance
lexicon): a record is a *candidate* when its payload holds a defector term and a
return term, in any language. Each word is matched in every byte form a page
may carry it in — UTF-8, EUC-KR (CP949), GB18030, Big5, UTF-16, HTML numeric
references, JSON ``\\u`` escapes — case-insensitively for ASCII letters, so no
decoding happens before the decision.

Two engines: hyperscan (the default where it installs) first looks for any
defector term with a small fast automaton, then evaluates the whole rule
inside a second one as a logical combination, so a record costs a Python call
only per automaton it runs; pyahocorasick is the portable fallback.
Measured on this machine (``benchmarks/scan_benchmark.py``) hyperscan is about
ten times faster, hence the default.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import json
import logging
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal, Protocol

from ..clean.decode import decode
from ..errors import ConfigError
from ..extract.lexicon import load_lexicon

logger = logging.getLogger(__name__)

Engine = Literal["auto", "hyperscan", "ahocorasick"]
GROUPS = ("defector", "return")
TOKEN = re.compile(r"^\((?P<alternatives>[^()]+)\)(?P<optional>\?)?$")
# What may separate two words of a phrase in raw bytes but not in the cleaned text: whitespace,
# no-break spaces (raw, as references, as JSON escapes), tags and comments, JSON \n \r \t.
GAP = rb"(?:\s|&nbsp;|&#0*160;|&#x0*a0;|&#0*32;|&#x0*20;|\xc2\xa0|\\[nrt]|\\u00a0|<[^>]*>)+"
# What a word of the cleaned text (``\w+``) may be in raw bytes: ASCII word characters, any non-ASCII byte,
# character references and JSON escapes. The optional token ``(*)?`` stands for one such word.
ANY_WORD = rb"(?:[a-z0-9_\x80-\xff]|&#?[a-z0-9]+;|\\u[0-9a-f]{4})+"
WILDCARD = "*"
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


@dataclass(frozen=True, slots=True)
class Token:
    """One word of a phrase: any of ``alternatives``, which may be missing when ``optional``.

    The alternative ``*`` (written ``(*)?``, always optional) is any one word.
    """

    alternatives: tuple[str, ...]
    optional: bool = False

    @property
    def words(self) -> tuple[str, ...]:
        """The alternatives that are words to find (none for ``(*)?``)."""
        return tuple(word for word in self.alternatives if word != WILDCARD)


Phrase = tuple[Token, ...]
Term = tuple[Phrase, ...]  # every phrase must be present


@dataclass(frozen=True, slots=True)
class Rules:
    """The candidate rule: some defector term and some return term."""

    defector: tuple[Term, ...]
    returns: tuple[Term, ...]
    encodings: dict[str, tuple[str, ...]]  # word -> the encodings its language's pages use

    @property
    def phrases(self) -> tuple[Phrase, ...]:
        """Every distinct phrase, in a stable order."""
        return tuple(dict.fromkeys(phrase for term in (*self.defector, *self.returns) for phrase in term))

    def holds(self, present: Callable[[Phrase], bool]) -> bool:
        """Whether the phrases ``present`` says are in a record make it a candidate."""

        def group(terms: tuple[Term, ...]) -> bool:
            return any(all(present(phrase) for phrase in term) for term in terms)

        return group(self.defector) and group(self.returns)


def byte_forms(word: str, encodings: Iterable[str]) -> frozenset[bytes]:
    """Every byte sequence ``word`` may appear as in a raw page, lower-cased."""
    forms: set[bytes] = set()
    for encoding in (*encodings, "utf-8"):
        try:
            forms.add(word.lower().encode(encoding))
        except UnicodeEncodeError:  # a simplified character has no Big5 form: such a page cannot hold it either
            continue
    if not word.isascii():
        forms.add("".join(f"&#{ord(c)};" for c in word).encode("ascii"))
        forms.add("".join(f"&#x{ord(c):x};" for c in word).encode("ascii"))
        forms.add("".join(f"\\u{ord(c):04x}" for c in word).encode("ascii"))
    return frozenset(form.lower() for form in forms)


def parse_term(text: str, where: str) -> Term:
    """``"(man|woman) who (had)? came + south"`` -> phrases of tokens."""
    phrases: list[Phrase] = []
    for raw_phrase in text.lower().split(" + "):
        tokens: list[Token] = []
        for raw in raw_phrase.split():
            m = TOKEN.match(raw)
            if m is None and ("(" in raw or ")" in raw or "|" in raw or raw.endswith("?")):
                raise ConfigError(where, f"cannot read {raw!r} in term {text!r}; write (a|b) or (a)?")
            if m is None:
                tokens.append(Token((raw,)))
                continue
            alternatives = tuple(alt.strip() for alt in m["alternatives"].split("|"))
            if not all(alternatives):
                raise ConfigError(where, f"empty alternative in term {text!r}")
            if WILDCARD in alternatives and (alternatives != (WILDCARD,) or not m["optional"]):
                raise ConfigError(where, f"any word is written (*)? in term {text!r}")
            tokens.append(Token(alternatives, optional=bool(m["optional"])))
        if not tokens or all(token.optional for token in tokens):
            raise ConfigError(where, f"term {text!r} has a phrase without a required word")
        phrases.append(tuple(tokens))
    return tuple(phrases)


@lru_cache(maxsize=1)
def load_rules() -> Rules:
    """The candidate rule built from ``data/lexicon/prefilter.toml``."""
    data = load_lexicon("prefilter")
    encodings: dict[str, set[str]] = {}
    terms: dict[str, list[Term]] = {group: [] for group in GROUPS}
    for language, table in data.items():
        if not isinstance(table, dict):
            continue
        for group in GROUPS:
            for text in table.get(group, []):
                term = parse_term(text, f"prefilter.toml [{language}] {group}")
                terms[group].append(term)
                for phrase in term:
                    for token in phrase:
                        for word in token.words:
                            encodings.setdefault(word, set()).update(table.get("encodings", ["utf-8"]))
    if not terms["defector"] or not terms["return"]:
        raise ConfigError("prefilter.toml", "needs defector and return terms")
    return Rules(
        defector=tuple(terms["defector"]),
        returns=tuple(terms["return"]),
        encodings={word: tuple(sorted(names)) for word, names in encodings.items()},
    )


def phrase_pattern(phrase: Phrase, rules: Rules) -> bytes:
    """A byte regex for ``phrase``: each word in any of its forms, words apart by any ``GAP``."""
    while phrase and phrase[-1].optional:  # a trailing optional word changes nothing in a substring match
        phrase = phrase[:-1]
    while phrase and phrase[0].optional:
        phrase = phrase[1:]
    pieces: list[bytes] = []
    for i, token in enumerate(phrase):
        if token.alternatives == (WILDCARD,):
            word = ANY_WORD
        else:
            forms = sorted({f for w in token.alternatives for f in byte_forms(w, rules.encodings[w])})
            word = b"(?:" + b"|".join(_escape(form) for form in forms) + b")"
        piece = word if i == 0 else GAP + word
        pieces.append(b"(?:" + piece + b")?" if token.optional else piece)
    return b"".join(pieces)


def relevance_digest() -> str:
    """A digest of the relevance lexicon's defector and return patterns, the ones the prefilter must cover."""
    data = load_lexicon("relevance")
    # ``return_extra`` holds more return patterns that only the relevance stage reads: covered by ``return`` terms.
    keys = {"defector": ("defector",), "return": ("return", "return_extra")}
    covered = {
        language: {g: [p for key in keys[g] for p in table.get(key, [])] for g in GROUPS}
        for language, table in sorted(data.items())
    }
    return hashlib.sha256(json.dumps(covered, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()[:16]


def checked_digest() -> str:
    """The relevance digest ``prefilter.toml`` says its terms were checked against."""
    return str(load_lexicon("prefilter").get("relevance_digest", ""))


def as_scanned(data: bytes) -> bytes:
    """The payload as the automaton reads it: UTF-16 and UTF-32 pages are transcoded to UTF-8 first.

    Their ASCII markup is full of NUL bytes, which no other page has; the
    cleaner decodes them the same way, so nothing is lost.
    """
    if data.find(b"\x00", 0, 4096) == -1 and not data.startswith(UTF16_BOMS):
        return data
    return decode(data)[0].encode("utf-8")


class Prefilter(Protocol):
    """Decides on raw bytes whether a record may be relevant; never misses a relevant one."""

    engine: str

    def __call__(self, data: bytes) -> bool: ...


class AhoCorasickPrefilter:
    """Aho-Corasick over the lower-cased payload: finds the words, then checks the rule in Python.

    A phrase of several words is then checked with Python's ``re`` (only on
    records holding all its words), so both engines pass the same records.
    """

    engine = "ahocorasick"

    def __init__(self, rules: Rules) -> None:
        import ahocorasick

        self.rules = rules
        # Latin-1 maps each byte to one character, so a str automaton matches the bytes exactly.
        self._automaton: Any = ahocorasick.Automaton()
        for word, encodings in rules.encodings.items():
            for form in byte_forms(word, encodings):
                self._automaton.add_word(form.decode("latin-1"), word)
        self._automaton.make_automaton()
        self._regex = {
            phrase: re.compile(phrase_pattern(phrase, rules), re.IGNORECASE)
            for phrase in rules.phrases
            if sum(not token.optional for token in phrase) > 1
        }

    def __call__(self, data: bytes) -> bool:
        # bytes.lower() only touches A-Z, so the lowered payload holds every lowered form the payload held.
        data = as_scanned(data)
        found = {word for _, word in self._automaton.iter(data.lower().decode("latin-1"))}

        def present(phrase: Phrase) -> bool:
            if not all(any(w in found for w in token.alternatives) for token in phrase if not token.optional):
                return False
            regex = self._regex.get(phrase)
            return regex is None or regex.search(data) is not None

        return self.rules.holds(present)


class HyperscanPrefilter:
    """Hyperscan in two passes: a gate of one rare phrase per defector term, then the whole rule.

    Most pages hold no defector term at all, and the gate (a few dozen rare
    words) runs at several GB/s, stopping at its first hit. Only pages past it
    are scanned again with every phrase and the rule compiled in as a logical
    combination; its phrase patterns are quiet and its callback stops the scan,
    so a record costs at most two Python calls.
    """

    engine = "hyperscan"

    def __init__(self, rules: Rules) -> None:
        import hyperscan

        self.rules = rules
        self._hyperscan = hyperscan
        phrases = rules.phrases
        ids = {phrase: i for i, phrase in enumerate(phrases)}
        expressions = [phrase_pattern(phrase, rules) for phrase in phrases]
        quiet = hyperscan.HS_FLAG_CASELESS | hyperscan.HS_FLAG_SINGLEMATCH | hyperscan.HS_FLAG_QUIET
        flags = [quiet] * len(expressions)

        def group(terms: tuple[Term, ...]) -> str:
            return "(" + " | ".join("(" + " & ".join(str(ids[p]) for p in term) + ")" for term in terms) + ")"

        expressions.append(f"{group(rules.defector)} & {group(rules.returns)}".encode("ascii"))
        flags.append(hyperscan.HS_FLAG_COMBINATION | hyperscan.HS_FLAG_SINGLEMATCH)
        self._rule = self._compile(expressions, flags)
        # A defector term needs all its phrases; the gate looks for the rarest-looking one of each.
        gate = sorted({max(term, key=_weight) for term in rules.defector}, key=repr)
        self._gate = self._compile(
            [phrase_pattern(phrase, rules) for phrase in gate], [quiet & ~hyperscan.HS_FLAG_QUIET] * len(gate)
        )
        self._local = threading.local()  # scratch space is per thread (Dask may run tasks on threads)

    def _compile(self, expressions: list[bytes], flags: list[int]) -> Any:
        database = self._hyperscan.Database(mode=self._hyperscan.HS_MODE_BLOCK)
        database.compile(expressions=expressions, ids=list(range(len(expressions))), flags=flags)
        return database

    def _hit(self, database: Any, data: bytes, name: str) -> bool:
        scratch = getattr(self._local, name, None)
        if scratch is None:
            scratch = self._hyperscan.Scratch(database)
            setattr(self._local, name, scratch)
        hits: list[int] = []
        with contextlib.suppress(self._hyperscan.ScanTerminated):  # the callback stops the scan at the first hit
            database.scan(data, match_event_handler=_on_match, context=hits, scratch=scratch)
        return bool(hits)

    def __call__(self, data: bytes) -> bool:
        data = as_scanned(data)
        return self._hit(self._gate, data, "gate") and self._hit(self._rule, data, "rule")


def _weight(phrase: Phrase) -> tuple[int, int]:
    """How selective a phrase looks: required words first, then the length of its shortest form."""
    required = [token for token in phrase if not token.optional]
    return len(required), sum(min(len(w.encode("utf-8")) for w in token.alternatives) for token in required)


def _on_match(pattern_id: int, start: int, end: int, flags: int, hits: list[int]) -> bool:
    hits.append(pattern_id)
    return True  # one hit decides: stop scanning this record


def _escape(form: bytes) -> bytes:
    return b"".join(b"\\x%02x" % byte for byte in form)


ENGINES: dict[str, Callable[[Rules], Prefilter]] = {
    "hyperscan": HyperscanPrefilter,
    "ahocorasick": AhoCorasickPrefilter,
}


@lru_cache(maxsize=4)
def build_prefilter(engine: Engine = "auto") -> Prefilter:
    """The prefilter for ``engine``; ``auto`` takes hyperscan where it is installed, else pyahocorasick.

    Built once per process (and engine): worker processes call this themselves.
    """
    rules = load_rules()
    if engine != "auto":
        return ENGINES[engine](rules)
    try:
        return HyperscanPrefilter(rules)
    except ImportError:
        logger.info("hyperscan is not installed; the prefilter uses pyahocorasick")
        return AhoCorasickPrefilter(rules)


__all__ = [
    "Prefilter",
    "Rules",
    "as_scanned",
    "build_prefilter",
    "byte_forms",
    "checked_digest",
    "load_rules",
    "parse_term",
    "relevance_digest",
]

"""Build what extraction reads for a language before its first document needs it.

Every table of compiled patterns (and the words each matcher needs, see ``lexicon.AnyOf``) is
otherwise built where it is first used, in the middle of a batch: 0.1-0.2 s over the first
documents of a crawl scan. ``prepare`` builds a language's tables at once; a scan's warm-up
(``scan.tasks.warm_up``, run before its workers fork) calls it for each language with lexicons, so
every worker shares them. A process that reads one page does not: it would build tables the page
never uses (about 0.1 s). Results do not change: only when the work is done.
"""

from __future__ import annotations

from functools import lru_cache

from ._quote_rules import quote_rules
from .claims import _rules as claim_rules
from .incident_fields import patterns_for
from .lexicon import learn_all, patterns, section
from .mentions import _name_lists, _role_tables
from .numbers import _grammar
from .people import movement
from .sources import _lexicon as source_lexicon
from .when import _needs as time_needs

LEXICON_LANGUAGES = ("en", "ko", "zh")  # the languages the lexicons have tables for; others read English


@lru_cache(maxsize=8)
def prepare(language: str | None) -> None:
    """Build every table extraction reads for documents in ``language``, once per process."""
    lang = language if language in LEXICON_LANGUAGES else "en"
    for key, value in section("incidents", lang).items():
        if isinstance(value, list):
            patterns("incidents", lang, key)
    reasons = section("incidents", lang).get("reasons", {})
    for code in reasons:
        patterns_for(reasons, code)
    movement(language)
    movement(lang)
    _role_tables(lang)
    _name_lists()
    for name in dict.fromkeys((language or "en", "en")):  # the keys the rule tables are asked for
        claim_rules(name)
        source_lexicon(name)
        quote_rules(name)
        _grammar(name)
    time_needs(language in ("ko", "zh", "ja"))
    learn_all()


__all__ = ["prepare"]

"""Review sentences that tell several earlier cases, one per clause, read as one sentence per case.

A story often recalls earlier returns in one sentence: "In 2020 a defector swam across the estuary,
and in 2017 a woman reappeared on state television"; "앞서 2020년 7월에는 김모씨가 헤엄쳐 월북했고,
2017년 6월에는 임모씨가 북한 매체에 등장했다". A clause that opens with its own date and a new
person (``[<lang>] review_clause`` in ``data/lexicon/incidents.toml``: the pattern matches the
separator, a lookahead the date and the person) is cut off as a sentence of its own, with the same
paragraph and offsets into the same text, so each case gets its own incident and its own evidence.
"""

from __future__ import annotations

from .lexicon import patterns
from .sentences import Sentence

MAX_CLAUSES = 8  # per sentence: a review lists a few cases, not dozens
MAX_SEARCHED = 3000  # cue sentences searched per page (as many as the incidents stage reads)


def split_reviews(
    sentences: list[Sentence], cues: set[int], language: str | None
) -> tuple[list[Sentence], set[int], dict[int, bool]]:
    """``sentences`` with review sentences cut at their clauses, ``cues`` renumbered (a cut cue stays one
    in every clause), and the indexes of the clauses: True for one cut off (it tells a case of its own),
    False for the first clause of a cut sentence (no heading, though it ends without a stop)."""
    clause = patterns("incidents", language, "review_clause")
    out: list[Sentence] = []
    out_cues: set[int] = set()
    clauses: dict[int, bool] = {}
    searched = 0
    for index, sentence in enumerate(sentences):
        # only a cue sentence tells cases; only the first few thousand are searched, so a long page stays cheap
        separators: list[tuple[int, int]] = []
        if index in cues and searched < MAX_SEARCHED:
            searched += 1
            separators = [m.span() for m in clause.finditer(sentence.text)][: MAX_CLAUSES - 1]
        if not separators:
            if index in cues:
                out_cues.add(len(out))
            out.append(sentence)
            continue
        start = 0
        for end, after in [*separators, (len(sentence.text), len(sentence.text))]:
            piece = sentence.text[start:end]
            text = piece.strip()
            if text:
                if index in cues:
                    out_cues.add(len(out))
                clauses[len(out)] = start > 0
                a = sentence.start + start + len(piece) - len(piece.lstrip())
                out.append(Sentence(a, a + len(text), text, sentence.paragraph))
            start = after
    return out, out_cues, clauses

"""Extract stage: incidents, claims and quotes of a relevant document, each with its evidence span.

Facts are recorded for relevant documents only (a document about arrivals
statistics states figures, but they are not facts of this record), and for
possibly relevant ones, whose candidate facts wait in the store for an editor
(the corpus JSON leaves them out).
"""

from __future__ import annotations

import dataclasses

from ..records import Document
from ..settings import Settings
from ..stages import register_stage
from .claims import extract_claims
from .incidents import extract_incidents
from .quotes import extract_quotes


def extract_facts(document: Document) -> Document:
    """Fill ``incidents``, ``claims`` and ``quotes``; a document judged not relevant is returned as is."""
    if not document.relevant and document.relevance != "possible":
        return document
    from ..relevance import analyse

    sentences, found = analyse(document)
    cue_sentences = {cue.sentence for cue in found}
    cues = {index for index, sentence in enumerate(sentences) if sentence in cue_sentences}
    incidents = extract_incidents(document, sentences, cues)
    quotes = extract_quotes(document, sentences)
    return dataclasses.replace(
        document,
        incidents=incidents,
        claims=extract_claims(document, sentences, quotes),
        quotes=quotes,
    )


@register_stage("extract")
def extract_stage(document: Document, settings: Settings) -> Document:
    """The pipeline stage: see ``extract_facts``."""
    return extract_facts(document)


__all__ = ["extract_facts", "extract_stage"]

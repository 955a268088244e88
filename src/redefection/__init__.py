"""redefection: track reports of North Korean defectors who return to the North."""

from __future__ import annotations

__version__ = "0.1.0"

from .clean import clean_capture
from .records import Article, Capture, Claim, Document, Incident, Person, Quote, Span

__all__ = [
    "Article",
    "Capture",
    "Claim",
    "Document",
    "Incident",
    "Person",
    "Quote",
    "Span",
    "__version__",
    "clean_capture",
]

"""The pipeline: named stages run in order over one document, one failure never stopping a batch.

A stage is a callable taking the document (or, for the first stage, the
capture) and returning a ``Document``. Stages register by name in ``stages.py``
(which the stage modules import, never this one); the order comes from
``Settings.stages``. A stage that discards a document raises ``Dropped``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .clean import clean_capture
from .errors import Dropped, ParseError, RedefectionError
from .ingest import InputFailure
from .records import Capture, Document
from .settings import Settings
from .stages import STAGES, Stage, register_stage

__all__ = ["STAGES", "Outcome", "Pipeline", "Stage", "register_stage"]

logger = logging.getLogger(__name__)


def _load_builtin_stages() -> None:
    """Import the modules whose stages ship with the package, which registers them in ``stages``."""
    from . import extract, relevance  # noqa: F401


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one input: a document, a drop, or a failure naming the stage."""

    source: str
    document: Document | None = None
    dropped: Dropped | None = None
    error: RedefectionError | None = None
    stage: str | None = None


class Pipeline:
    """Clean a capture, then run the configured document stages in order."""

    def __init__(self, settings: Settings, strict: bool = False, relevant_only: bool = False) -> None:
        """``relevant_only``: a document judged anything but relevant skips the stages after ``relevance``
        (a crawl scan keeps relevant documents only, so extracting the facts of a possible one is wasted)."""
        _load_builtin_stages()
        unknown = [name for name in settings.stages if name != "clean" and name not in STAGES]
        if unknown:
            raise RedefectionError("settings.stages", f"unknown stage(s): {', '.join(unknown)}")
        self.settings = settings
        self.strict = strict
        self.relevant_only = relevant_only
        self.stage_names = [name for name in settings.stages if name != "clean"]

    def __call__(self, capture: Capture) -> Outcome:
        stage = "clean"
        try:
            document = clean_capture(capture, self.settings.max_html_bytes, self.settings.languages)
            for stage in self.stage_names:
                result: Any = STAGES[stage](document, self.settings)
                if not isinstance(result, Document):
                    raise TypeError(f"stage {stage!r} returned {type(result).__name__}, not Document")
                document = result
                if self.relevant_only and stage == "relevance" and not document.relevant:
                    break
            return Outcome(capture.source, document=document)
        except Dropped as drop:
            return Outcome(capture.source, dropped=drop, stage=stage)
        except RedefectionError as exc:
            if self.strict:
                raise
            return Outcome(capture.source, error=exc, stage=stage)
        except Exception as exc:  # one broken page must not stop a batch
            if self.strict:
                raise
            logger.debug("stage %s failed on %s", stage, capture.source, exc_info=True)
            return Outcome(capture.source, error=ParseError(capture.source, f"{stage} failed: {exc!r}"), stage=stage)

    def run(self, items: Iterable[Capture | InputFailure]) -> Iterator[Outcome]:
        """Process captures in order; input failures pass through as failed outcomes."""
        for item in items:
            if isinstance(item, InputFailure):
                yield Outcome(item.source, error=item.error, stage="ingest")
            else:
                yield self(item)

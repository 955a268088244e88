"""The stage registry: document stages register here by name; the pipeline looks them up.

A stage is a callable taking a ``Document`` and the ``Settings`` and returning a
``Document`` (``Dropped`` discards it). This module imports only records and
settings, so the stage modules (``relevance``, ``extract``) register themselves
without importing the pipeline that runs them.
"""

from __future__ import annotations

from collections.abc import Callable

from .records import Document
from .settings import Settings

Stage = Callable[[Document, Settings], Document]
STAGES: dict[str, Stage] = {}


def register_stage(name: str) -> Callable[[Stage], Stage]:
    """Register a document stage under ``name`` (the shipped ones: relevance, extract)."""

    def decorate(stage: Stage) -> Stage:
        STAGES[name] = stage
        return stage

    return decorate

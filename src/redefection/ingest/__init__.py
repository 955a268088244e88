"""Turn inputs (files, folders, later URLs and crawl archives) into ``Capture`` records."""

from .files import InputFailure, iter_captures, iter_paths

__all__ = ["InputFailure", "iter_captures", "iter_paths"]

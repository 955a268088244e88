"""The project's exception hierarchy; every error names the input it is about."""

from __future__ import annotations


class RedefectionError(Exception):
    """Base class: ``str(error)`` is one readable line naming the input."""

    def __init__(self, uri: str, problem: str) -> None:
        super().__init__(f"{uri}: {problem}")
        self.uri = uri
        self.problem = problem


class SourceError(RedefectionError):
    """An input cannot be read (missing, unreadable, too large, not a page)."""


class ParseError(RedefectionError):
    """An input was read but could not be understood."""


class StoreError(RedefectionError):
    """The database refused an operation."""


class ConfigError(RedefectionError):
    """A setting or configuration file is invalid."""


class NotFound(RedefectionError):
    """A looked-up record does not exist."""


class Dropped(Exception):
    """A stage deliberately discards a document (not a failure)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail

"""Where documents, their facts, captures, failures and drops are kept: ``open_store(url) -> Store``."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from ..errors import StoreError
from ..settings import Settings
from .base import Store
from .connect import MigrationFailed, has_schema, hide_password, hint_for, is_memory, make_engine, parse_url, upgrade
from .monitor import AlertDelivery, MonitorStore, SeenUrl, SourceCheck, SourceDay, SourceState
from .rows import (
    IncidentRef,
    NearCopies,
    SaveResult,
    SaveStatus,
    ScanCheckpoint,
    StoredCase,
    StoredDecision,
    StoredDocument,
    StoredFacts,
)
from .sql import SqlStore
from .web import (
    EDITABLE_FIELDS,
    ROLES,
    ApiToken,
    AuditEntry,
    AuditFilter,
    CaseDetail,
    CaseFilter,
    CaseSummary,
    CaseValue,
    ClaimEntry,
    ClaimFilter,
    DocumentFilter,
    DocumentHit,
    FactChange,
    FactKind,
    Page,
    QuoteEntry,
    ReviewAction,
    ReviewState,
    Role,
    SourceRef,
    StoredFact,
    User,
    WebSession,
)

logger = logging.getLogger(__name__)


def open_store(url: str | None = None, *, create: bool = True) -> Store:
    """Open (and migrate to the latest schema) the store at ``url``.

    ``url`` is a SQLAlchemy URL, a bare path (a SQLite file), or ``":memory:"``;
    ``None`` means ``Settings.db_url`` (``redefection.db`` in the working
    folder). With ``create=False`` the database must already exist.

    Raises:
        StoreError: the URL is invalid, its driver is missing, or the database
            cannot be opened, created or migrated.
    """
    raw = Settings().db_url if url is None else url
    parsed = parse_url(raw)
    shown = parsed.render_as_string(hide_password=True)
    if not create:
        _require_existing(parsed.database, shown, is_file=parsed.get_backend_name() == "sqlite")
    engine = make_engine(parsed)
    try:
        if not create and not is_memory(parsed) and not has_schema(engine):
            raise StoreError(shown, "no redefection tables in this database; ingest some documents first")
        upgrade(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        reason = " ".join(str(getattr(exc, "orig", None) or exc).split())  # drivers add line breaks
        raise StoreError(shown, f"cannot open the database ({reason}); {hint_for(parsed)}") from exc
    except MigrationFailed as exc:
        engine.dispose()
        raise StoreError(
            shown, f"cannot migrate the database ({exc}); it may come from a newer redefection: upgrade it"
        ) from exc
    except BaseException:
        engine.dispose()
        raise
    logger.debug("opened store %s", shown)
    return SqlStore(engine, shown)


def _require_existing(database: str | None, shown: str, *, is_file: bool) -> None:
    if is_file and database and database != ":memory:" and not Path(database).is_file():
        raise StoreError(shown, "no database file here; check the path, or ingest some documents first")


__all__ = [
    "EDITABLE_FIELDS",
    "ROLES",
    "AlertDelivery",
    "ApiToken",
    "AuditEntry",
    "AuditFilter",
    "CaseDetail",
    "CaseFilter",
    "CaseSummary",
    "CaseValue",
    "ClaimEntry",
    "ClaimFilter",
    "DocumentFilter",
    "DocumentHit",
    "FactChange",
    "FactKind",
    "IncidentRef",
    "MonitorStore",
    "NearCopies",
    "Page",
    "QuoteEntry",
    "ReviewAction",
    "ReviewState",
    "Role",
    "SaveResult",
    "SaveStatus",
    "ScanCheckpoint",
    "SeenUrl",
    "SourceCheck",
    "SourceDay",
    "SourceRef",
    "SourceState",
    "Store",
    "StoredCase",
    "StoredDecision",
    "StoredDocument",
    "StoredFact",
    "StoredFacts",
    "User",
    "WebSession",
    "hide_password",
    "open_store",
]

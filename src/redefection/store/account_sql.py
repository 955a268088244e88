"""(being written) the account part of ``SqlStore``: a mixin; ``SqlStore`` owns the engine and transactions."""

from __future__ import annotations

from . import web_tables as web_tables  # registers the web tables on Base.metadata


class AccountSql:
    pass

"""Several server processes over one store: ``redefection serve --workers N``.

One Python process answers pages on one core; uvicorn's workers are separate
processes sharing one listening socket, so N of them use N cores. Each worker
opens the store itself (SQLite in WAL mode: readers never block each other or
the writer, and writers wait their turn), after the parent has brought the
schema up to date, so no two processes migrate. Case rebuilds after reviews
stay single across the workers through ``WebConfig.rebuild_lock``.

uvicorn starts workers as fresh interpreters that import an application
factory by name, so the settings and the server options travel as environment
variables: ``REDEFECTION_*`` (read by ``load_settings``) and ``WEB_CONFIG_ENV``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..settings import Settings, load_settings, settings_environment
from .config import WebConfig

if TYPE_CHECKING:
    from fastapi import FastAPI

WEB_CONFIG_ENV = "REDEFECTION_WEB_CONFIG"
FACTORY = f"{__name__}:app_from_environment"


def worker_environment(settings: Settings, config: WebConfig) -> dict[str, str]:
    """The variables from which ``app_from_environment`` rebuilds the app of ``settings`` and ``config``."""
    options: dict[str, Any] = {
        "anonymous": config.anonymous,
        "secure_cookies": config.secure_cookies,
        "session_hours": config.session_hours,
        "login_attempts": config.login_attempts,
        "login_window_s": config.login_window_s,
        "rebuild_lock": str(config.rebuild_lock) if config.rebuild_lock is not None else None,
    }
    return {**settings_environment(settings), WEB_CONFIG_ENV: json.dumps(options)}


def config_from_environment() -> WebConfig:
    options = json.loads(os.environ.get(WEB_CONFIG_ENV, "{}"))
    lock = options.pop("rebuild_lock", None)
    return WebConfig(**options, rebuild_lock=Path(lock) if lock else None)


def app_from_environment() -> FastAPI:
    """The app of one worker (uvicorn's factory): the store at ``REDEFECTION_DB_URL``, already migrated."""
    from ..store import open_store
    from .app import create_app

    settings = load_settings()
    return create_app(open_store(settings.db_url, create=False), settings, config_from_environment())


def serve_workers(
    settings: Settings, config: WebConfig, *, host: str, port: int, workers: int, proxy: bool = False
) -> None:
    """Serve the app of ``settings`` and ``config`` from ``workers`` processes until interrupted."""
    import uvicorn

    os.environ.update(worker_environment(settings, config))
    uvicorn.run(
        FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=proxy,
        forwarded_allow_ips="127.0.0.1" if proxy else None,
    )


__all__ = ["WEB_CONFIG_ENV", "app_from_environment", "config_from_environment", "serve_workers", "worker_environment"]

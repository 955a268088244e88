"""The analysts' web app and JSON API: ``create_app(store, settings, config)`` builds a FastAPI application."""

from __future__ import annotations

from .app import create_app
from .config import WebConfig

__all__ = ["WebConfig", "create_app"]

"""How the web app behaves towards visitors: anonymous reading, cookies, sessions, login throttling.

Kept apart from ``Settings`` (which configures the pipeline and the store)
because these choices belong to one running server: ``redefection serve``
builds a ``WebConfig`` from its options.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class WebConfig:
    """Options of one web server.

    ``secure_cookies`` None means: mark the session cookie ``Secure`` unless the
    request came over plain http to a loopback address (a developer's
    ``redefection serve`` on 127.0.0.1), where a Secure cookie would never be
    sent back and nobody could log in.
    """

    anonymous: bool = False  # anonymous visitors may read the PUBLIC view
    secure_cookies: bool | None = None
    session_hours: int = 12
    login_attempts: int = 5  # failed logins per username, and per client address, within login_window_s
    login_window_s: int = 900
    max_body_bytes: int = 1024 * 1024  # a request body past this is answered 413 (a review is a few hundred bytes)
    # File every server process of one store locks while rebuilding cases (``rebuild.rebuild_lock_path``);
    # None: rebuilds are single within this process only.
    rebuild_lock: Path | None = None

    def __post_init__(self) -> None:
        if self.session_hours <= 0:
            raise ValueError("session_hours must be positive")
        if self.max_body_bytes <= 0:
            raise ValueError("max_body_bytes must be positive")
        if self.login_attempts <= 0 or self.login_window_s <= 0:
            raise ValueError("login_attempts and login_window_s must be positive")


__all__ = ["WebConfig"]

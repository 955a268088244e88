"""The ``serve``, ``user`` and ``token`` commands: run the web app, manage accounts and API tokens.

Kept apart from ``commands.py`` (which registers them) so the web stack (FastAPI,
uvicorn, argon2) is imported only by the commands that need it.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import os
import sys
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.table import Table

from ..errors import NotFound, RedefectionError
from ..settings import Settings
from .tables import error_console, print_error, print_table

if TYPE_CHECKING:
    from datetime import datetime

    from ..store import Store

err = error_console()
out = Console(highlight=False, markup=False)  # titles and paths may hold [brackets]
DB_HELP = "Database: SQLAlchemy URL or SQLite file path [default: redefection.db]."
ROLE_CHOICE = click.Choice(["viewer", "editor", "admin"])


def _open(ctx: click.Context, db_url: str | None, *, create: bool = False) -> Store:
    """The store; only ``user add`` (the first step of a new install) may create it: a mistyped ``--db`` is an error."""
    from ..store import open_store

    settings: Settings = ctx.obj["settings"]
    try:
        return open_store(db_url or settings.db_url, create=create)
    except RedefectionError as exc:
        print_error(err, str(exc))
        ctx.exit(2)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command()
@click.option("--db", "db_url", help=DB_HELP)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--anonymous", is_flag=True, help="Let visitors without an account read the public (redacted) view.")
@click.option(
    "--secure-cookies/--no-secure-cookies",
    default=None,
    help="Mark the session cookie Secure [default: yes, unless served over plain http on loopback].",
)
@click.option("--session-hours", default=12, show_default=True, type=click.IntRange(1, 24 * 30))
@click.option("--proxy", is_flag=True, help="Trust X-Forwarded-For/-Proto from a reverse proxy on this machine.")
@click.option("--workers", type=click.IntRange(min=1), help="Server processes [default: one per core].")
@click.pass_context
def serve(
    ctx: click.Context,
    db_url: str | None,
    host: str,
    port: int,
    anonymous: bool,
    secure_cookies: bool | None,
    session_hours: int,
    proxy: bool,
    workers: int | None,
) -> None:
    """Run the analysts' web app and JSON API (pages at /, API at /api/v1).

    Several worker processes (one per core unless --workers says) share the
    port and the store; case rebuilds after reviews run one at a time.
    """
    import uvicorn

    from ..app.rebuild import rebuild_lock_path
    from ..store import hide_password
    from ..web import WebConfig, create_app
    from ..web.workers import serve_workers

    settings: Settings = ctx.obj["settings"]
    settings = dataclasses.replace(settings, db_url=db_url or settings.db_url)
    workers = workers or os.cpu_count() or 1
    store = _open(ctx, db_url, create=True)  # a new store is a valid start; migrated once, before any worker opens it
    try:
        if not store.list_users():
            err.print("no accounts yet: create one with `redefection user add NAME --role admin`")
        if not _is_loopback(host):
            err.print(f"warning: listening on {host}: serve it to others only behind HTTPS")
        config = WebConfig(
            anonymous=anonymous,
            secure_cookies=secure_cookies,
            session_hours=session_hours,
            rebuild_lock=rebuild_lock_path(settings.db_url),
        )
        if config.rebuild_lock is None:
            workers = 1  # no lock file to share (a memory database, or Windows): one process
        shown = hide_password(settings.db_url)
        processes = f", {workers} worker processes" if workers > 1 else ""
        anonymous_note = " (anonymous reading on)" if anonymous else ""
        err.print(f"serving {shown} on http://{host}:{port}/{processes}{anonymous_note}")
        if workers > 1:
            store.close()  # each worker opens its own
            serve_workers(settings, config, host=host, port=port, workers=workers, proxy=proxy)
            return
        app = create_app(store, settings, config)
        uvicorn.run(app, host=host, port=port, proxy_headers=proxy, forwarded_allow_ips="127.0.0.1" if proxy else None)
    finally:
        store.close()


@click.group()
def user() -> None:
    """Manage local accounts: add, list, set-role, set-password, disable, enable."""


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


@user.command("add")
@click.argument("name")
@click.option("--role", type=ROLE_CHOICE, default="viewer", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@click.option("--db", "db_url", help=DB_HELP)
@click.pass_context
def user_add(ctx: click.Context, name: str, role: str, password_stdin: bool, db_url: str | None) -> None:
    """Create the account NAME (at least 10 characters of password)."""
    from ..app import accounts

    try:
        accounts.validate_username(name)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    password = _read_password(password_stdin)
    store = _open(ctx, db_url, create=True)
    try:
        created = accounts.add_user(store, name, password, role)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    except RedefectionError as exc:
        print_error(err, str(exc))
        ctx.exit(1)
    finally:
        store.close()
    err.print(f"created {created.username} ({created.role})")


@user.command("list")
@click.option("--db", "db_url", help=DB_HELP)
@click.pass_context
def user_list(ctx: click.Context, db_url: str | None) -> None:
    """List the accounts with their roles."""
    store = _open(ctx, db_url)
    try:
        users = store.list_users()
    finally:
        store.close()
    table = Table(title=f"Accounts ({len(users)})")
    for column in ("name", "role", "state", "created"):
        table.add_column(column)
    for found in users:
        state = "disabled" if found.disabled else "active"
        table.add_row(found.username, found.role, state, found.created_at.date().isoformat())
    print_table(out, table)


def _change(ctx: click.Context, db_url: str | None, name: str, change: str, role: str | None = None) -> None:
    store = _open(ctx, db_url)
    try:
        if change == "role" and role is not None:
            from ..app.accounts import validate_role

            found = store.set_role(name, validate_role(role))
        else:
            found = store.set_disabled(name, change == "disable")
    except NotFound:
        print_error(err, f"no account named {name}")
        ctx.exit(1)
    finally:
        store.close()
    err.print(f"{found.username}: {found.role}, {'disabled' if found.disabled else 'active'}")


@user.command("set-role")
@click.argument("name")
@click.argument("role", type=ROLE_CHOICE)
@click.option("--db", "db_url", help=DB_HELP)
@click.pass_context
def user_set_role(ctx: click.Context, name: str, role: str, db_url: str | None) -> None:
    """Give the account NAME the role ROLE (viewer, editor or admin)."""
    _change(ctx, db_url, name, "role", role)


@user.command("set-password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@click.option("--db", "db_url", help=DB_HELP)
@click.pass_context
def user_set_password(ctx: click.Context, name: str, password_stdin: bool, db_url: str | None) -> None:
    """Give the account NAME a new password; every session of NAME ends (its API tokens do not)."""
    from ..app import accounts

    password = _read_password(password_stdin)
    try:
        accounts.validate_password(password)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    store = _open(ctx, db_url)
    try:
        ended = accounts.set_password(store, name, password)
    except NotFound:
        err.print(f"[red]error[/red] no account named {name}", markup=True)
        ctx.exit(1)
    finally:
        store.close()
    err.print(f"{name}: password changed, {ended} session(s) ended")


@user.command("disable")
@click.argument("name")
@click.option("--db", "db_url", help=DB_HELP)
@click.pass_context
def user_disable(ctx: click.Context, name: str, db_url: str | None) -> None:
    """Lock the account NAME out: its sessions end and its API tokens stop working."""
    _change(ctx, db_url, name, "disable")


@user.command("enable")
@click.argument("name")
@click.option("--db", "db_url", help=DB_HELP)
@click.pass_context
def user_enable(ctx: click.Context, name: str, db_url: str | None) -> None:
    """Let the account NAME log in again (its API tokens work again)."""
    _change(ctx, db_url, name, "enable")


@click.group()
def token() -> None:
    """Manage API tokens (Authorization: Bearer) for scripts."""


@token.command("create")
@click.argument("username")
@click.option("--name", "name", required=True, help="What the token is for (e.g. the script or machine).")
@click.option("--days", type=int, help="Let the token expire after this many days [default: never].")
@click.option("--db", "db_url", help=DB_HELP)
@click.pass_context
def token_create(ctx: click.Context, username: str, name: str, days: int | None, db_url: str | None) -> None:
    """Create an API token acting as USERNAME; it is printed once and only its hash is kept."""
    from ..app import accounts

    store = _open(ctx, db_url)
    try:
        created = accounts.create_api_token(store, username, name, days)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    except NotFound:
        print_error(err, f"no account named {username}")
        ctx.exit(1)
    finally:
        store.close()
    sys.stdout.write(created.secret + "\n")
    err.print(
        f"token {created.token.name!r} for {username} ({created.token.user.role}): store it now, it is not shown again"
    )


def _stamp(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else "never"


@token.command("list")
@click.option("--user", "username", help="Only this account's tokens.")
@click.option("--db", "db_url", help=DB_HELP)
@click.pass_context
def token_list(ctx: click.Context, username: str | None, db_url: str | None) -> None:
    """List API tokens: id, name, user, created, last used, expiry (never the token itself)."""
    from ..app import accounts

    store = _open(ctx, db_url)
    try:
        tokens = accounts.list_tokens(store, username)
    finally:
        store.close()
    table = Table("id", "name", "user", "created", "last used", "expires")
    for found in tokens:
        table.add_row(
            str(found.id),
            found.name,
            found.user.username,
            _stamp(found.created_at),
            _stamp(found.last_used_at),
            _stamp(found.expires_at),
        )
    out.print(table)


@token.command("revoke")
@click.argument("token_id", type=click.IntRange(min=1))
@click.option("--db", "db_url", help=DB_HELP)
@click.pass_context
def token_revoke(ctx: click.Context, token_id: int, db_url: str | None) -> None:
    """Revoke the API token TOKEN_ID (from `token list`): it stops working at once; its user is untouched."""
    from ..app import accounts

    store = _open(ctx, db_url)
    try:
        revoked = accounts.revoke_token(store, token_id)
    except NotFound:
        err.print(f"[red]error[/red] no token with id {token_id}", markup=True)
        ctx.exit(1)
    finally:
        store.close()
    err.print(f"revoked token {revoked.id} {revoked.name!r} of {revoked.user.username}")


__all__ = ["serve", "token", "user"]

"""The ``serve``, ``user`` and ``token`` commands: run the web app, manage accounts and API tokens.

Kept apart from ``cli.py`` (which registers them) so the web stack (FastAPI,
uvicorn, argon2) is imported only by the commands that need it.
"""

from __future__ import annotations

import ipaddress
import sys
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.table import Table

from .cli_tables import error_console, print_error, print_table
from .errors import NotFound, RedefectionError
from .settings import Settings

if TYPE_CHECKING:
    from .store import Store

err = error_console()
out = Console(highlight=False, markup=False)  # titles and paths may hold [brackets]
DB_HELP = "Database: SQLAlchemy URL or SQLite file path [default: redefection.db]."
ROLE_CHOICE = click.Choice(["viewer", "editor", "admin"])


def _open(ctx: click.Context, db_url: str | None, *, create: bool = False) -> Store:
    """The store; only ``user add`` (the first step of a new install) may create it: a mistyped ``--db`` is an error."""
    from .store import open_store

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
) -> None:
    """Run the analysts' web app and JSON API (pages at /, API at /api/v1)."""
    import uvicorn

    from .store import hide_password
    from .web import WebConfig, create_app

    settings: Settings = ctx.obj["settings"]
    store = _open(ctx, db_url, create=True)  # an empty app on a new store is a valid start
    try:
        if not store.list_users():
            err.print("no accounts yet: create one with `redefection user add NAME --role admin`")
        if not _is_loopback(host):
            err.print(f"warning: listening on {host}: serve it to others only behind HTTPS")
        config = WebConfig(anonymous=anonymous, secure_cookies=secure_cookies, session_hours=session_hours)
        app = create_app(store, settings, config)
        shown = hide_password(db_url or settings.db_url)
        err.print(f"serving {shown} on http://{host}:{port}/" + (" (anonymous reading on)" if anonymous else ""))
        uvicorn.run(app, host=host, port=port, proxy_headers=proxy, forwarded_allow_ips="127.0.0.1" if proxy else None)
    finally:
        store.close()


@click.group()
def user() -> None:
    """Manage local accounts: add, list, set-role, disable, enable."""


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
    from . import accounts

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
            from .accounts import validate_role

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
@click.option("--db", "db_url", help=DB_HELP)
@click.pass_context
def token_create(ctx: click.Context, username: str, name: str, db_url: str | None) -> None:
    """Create an API token acting as USERNAME; it is printed once and only its hash is kept."""
    from . import accounts

    store = _open(ctx, db_url)
    try:
        created = accounts.create_api_token(store, username, name)
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


__all__ = ["serve", "token", "user"]

"""The ``reextract``, ``merge`` and ``split`` commands: review work from the shell.

``reextract`` runs the current relevance and extract stages over stored
documents, keeping every fact a person reviewed; ``merge`` and ``split`` take
a person's decision on cases, as the web app's buttons do, audited under the
``--who`` name. ``commands.py`` registers them on the group.
"""

from __future__ import annotations

import getpass
import os
import sys
from typing import NoReturn

import click

from ..errors import NotFound, RedefectionError
from ..settings import Settings
from .context import open_existing
from .tables import error_console, print_error

err = error_console()
DB_HELP = "Database: SQLAlchemy URL or SQLite file path [default: redefection.db]."
WHO_HELP = "Name recorded in the audit log [default: your login name]."


def _who(given: str | None) -> str:
    if given:
        return given
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (a container without a passwd entry)
        return os.environ.get("USER") or "cli"


def _fail(ctx: click.Context, exc: Exception, code: int) -> NoReturn:
    print_error(err, str(exc))
    ctx.exit(code)


@click.command()
@click.argument("document_ids", nargs=-1, type=int, metavar="[IDS]...")
@click.option("--db", "db_url", help=DB_HELP)
@click.pass_context
def reextract(ctx: click.Context, document_ids: tuple[int, ...], db_url: str | None) -> None:
    """Extract facts again from stored documents (all, or these ids), keeping reviewed facts; rebuild cases."""
    from ..app.review import reextract_documents

    settings: Settings = ctx.obj["settings"]
    store = open_existing(ctx, db_url)
    try:
        report = reextract_documents(store, settings, list(document_ids) or None)
    except NotFound as exc:
        _fail(ctx, exc, 2)
    except RedefectionError as exc:
        _fail(ctx, exc, 1)
    finally:
        store.close()
    for source, message in report.failures:
        print_error(err, f"{source}: {message}")
    err.print(
        f"re-extracted {report.documents} documents: {report.added} machine facts written, "
        f"{len(report.failures)} failed"
    )
    if report.failures:
        ctx.exit(1)


@click.command()
@click.argument("incident_ids", nargs=-1, type=int, required=True)
@click.option("--db", "db_url", help=DB_HELP)
@click.option("--who", help=WHO_HELP)
@click.option("--note", help="Why: kept with the decision and in the audit log.")
@click.pass_context
def merge(
    ctx: click.Context, incident_ids: tuple[int, ...], db_url: str | None, who: str | None, note: str | None
) -> None:
    """Put the incidents INCIDENT_IDS (two or more) in one case, for good."""
    from ..app.review import merge_cases

    store = open_existing(ctx, db_url)
    try:
        found = merge_cases(store, list(incident_ids), who=_who(who), note=note)
    except (NotFound, ValueError) as exc:
        _fail(ctx, exc, 2)
    except RedefectionError as exc:
        _fail(ctx, exc, 1)
    finally:
        store.close()
    wanted = set(incident_ids)
    for stored in found:
        if any(member.item.id in wanted for member in stored.case.incidents):
            sys.stdout.write(f"case {stored.id}: {stored.case.label}\n")


@click.command()
@click.argument("case_id", type=int)
@click.argument("incident_ids", nargs=-1, type=int, required=True)
@click.option("--from", "others", type=int, multiple=True, help="Keep apart from this incident (repeatable).")
@click.option("--db", "db_url", help=DB_HELP)
@click.option("--who", help=WHO_HELP)
@click.option("--note", help="Why: kept with the decision and in the audit log.")
@click.pass_context
def split(
    ctx: click.Context,
    case_id: int,
    incident_ids: tuple[int, ...],
    others: tuple[int, ...],
    db_url: str | None,
    who: str | None,
    note: str | None,
) -> None:
    """Take the incidents INCIDENT_IDS out of case CASE_ID, for good; prints the cases its incidents are in now."""
    from ..app.review import split_case

    store = open_existing(ctx, db_url)
    try:
        wanted = {fact.id for fact in store.get_case(case_id).incidents} | set(others)
        found = split_case(store, case_id, list(incident_ids), list(others), who=_who(who), note=note)
    except (NotFound, ValueError) as exc:
        _fail(ctx, exc, 2)
    except RedefectionError as exc:
        _fail(ctx, exc, 1)
    finally:
        store.close()
    for stored in found:
        if any(member.item.id in wanted for member in stored.case.incidents):
            sys.stdout.write(f"case {stored.id}: {stored.case.label}\n")


__all__ = ["merge", "reextract", "split"]

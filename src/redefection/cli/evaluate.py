"""The ``evaluate`` command: the machine's facts against what editors confirmed, corrected or rejected.

With ``--reviewed-corpus DIR`` it also writes the reviewed documents as an
annotated corpus (``docs/`` and ``gold/``) that ``score.py`` can score.
``commands.py`` registers it on the group.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from ..errors import RedefectionError
from .context import open_existing

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)
DB_HELP = "Database: SQLAlchemy URL or SQLite file path [default: redefection.db]."


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


@click.command()
@click.option("--db", "db_url", help=DB_HELP)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option(
    "--reviewed-corpus",
    "corpus_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also write the fully reviewed documents here as docs/ and gold/ in the corpus JSON shape.",
)
@click.option("--partial", is_flag=True, help="With --reviewed-corpus: documents reviewed in part too.")
@click.pass_context
def evaluate(ctx: click.Context, db_url: str | None, fmt: str, corpus_dir: Path | None, partial: bool) -> None:
    """Measure the extraction on reviewed facts: precision per fact kind, values kept per field."""
    from ..app.evaluate import evaluate_reviews, evaluation_to_json, write_reviewed_corpus

    if partial and corpus_dir is None:
        raise click.UsageError("--partial only applies with --reviewed-corpus DIR")
    store = open_existing(ctx, db_url)
    try:
        evaluation = evaluate_reviews(store)
        corpus = write_reviewed_corpus(store, corpus_dir, partial=partial) if corpus_dir is not None else None
    except RedefectionError as exc:
        err.print(f"[red]error[/red] {exc}", markup=True, soft_wrap=True)
        ctx.exit(1)
    finally:
        store.close()
    if corpus is not None:
        left = f"; {corpus.partial} reviewed in part left out (--partial)" if corpus.partial else ""
        err.print(f"wrote {len(corpus.written)} reviewed documents to {corpus_dir}{left}", soft_wrap=True)
    if fmt == "json":
        sys.stdout.write(json.dumps(evaluation_to_json(evaluation), ensure_ascii=False) + "\n")
        return
    if not evaluation.documents:
        out.print("no reviewed facts in this database: confirm, correct or reject facts first")
        return
    kinds = Table(
        title=f"Machine facts against reviews ({evaluation.documents} documents, {evaluation.fully_reviewed} fully)",
        caption="precision = confirmed / reviewed; kept = (confirmed + corrected) / reviewed",
    )
    for column in ("kind", "reviewed", "confirmed", "corrected", "rejected", "precision", "kept"):
        kinds.add_column(column, justify="left" if column == "kind" else "right")
    for figures in evaluation.kinds:
        decided = (figures.reviewed, figures.confirmed, figures.corrected, figures.rejected)
        kinds.add_row(figures.kind, *map(str, decided), _share(figures.precision), _share(figures.kept))
    out.print(kinds)
    fields = Table(title="Fields of confirmed and corrected facts", caption="accuracy = kept / checked")
    for column in ("kind", "field", "checked", "kept", "changed", "filled", "cleared", "accuracy"):
        fields.add_column(column, justify="left" if column in ("kind", "field") else "right")
    for figures in evaluation.kinds:
        for field in figures.fields:
            if field.checked:
                counts = (field.checked, field.kept, field.changed, field.filled, field.cleared)
                fields.add_row(figures.kind, field.field, *map(str, counts), _share(field.accuracy))
    out.print(fields)

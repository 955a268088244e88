"""Tables and messages for the command line, drawn for a person or plain for a pipe.

On a terminal a table is drawn with Rich at the terminal's width. Piped or
redirected (cron logs, ``grep``, a file), it is plain text that never breaks
inside a cell: a ``# title`` line, the header, one tab-separated line per row
(a cell's line breaks become `` | ``) and a ``# caption`` line. Messages to
standard error are one line however long (``soft_wrap``), so a log keeps one
error per line, and are printed as written (no Rich markup).
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text


def error_console() -> Console:
    """The standard-error console: messages are never wrapped, and never read as markup.

    A message holds paths, URLs and hints such as ``pip install
    'redefection[postgres]'``: with Rich markup on, ``[postgres]`` would be
    taken for a style and vanish.
    """
    return Console(stderr=True, highlight=False, soft_wrap=True, markup=False)


def print_error(console: Console, message: str) -> None:
    """``error <message>`` on one line, the word in red on a terminal; the message is printed as is."""
    console.print(Text.assemble(("error", "red"), " ", message), soft_wrap=True)


def _plain(cell: object) -> str:
    text = cell.plain if isinstance(cell, Text) else str(cell)
    return " | ".join(line.strip() for line in text.splitlines()).replace("\t", " ")


def print_table(console: Console, table: Table) -> None:
    """``table`` drawn on a terminal, else as plain tab-separated lines (see the module docstring)."""
    if console.is_terminal:
        console.print(table)
        return
    lines = [f"# {_plain(table.title)}"] if table.title else []
    lines.append("\t".join(_plain(column.header) for column in table.columns))
    lines.extend("\t".join(_plain(cell) for cell in row) for row in zip(*(c.cells for c in table.columns), strict=True))
    if table.caption:
        lines.append(f"# {_plain(table.caption)}")
    console.file.write("\n".join(lines) + "\n")


__all__ = ["error_console", "print_error", "print_table"]

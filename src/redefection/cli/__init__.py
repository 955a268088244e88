"""The command line: parse the arguments, call one use case in ``app/`` (or a flow), print, set the exit code.

Exposes ``cli`` (the click group) and ``main`` (the ``redefection`` console
script; ``python -m redefection`` calls it too). One module per command group:

- ``commands``: the root group and the batch commands (extract, ingest, documents, duplicates, cases, export);
- ``scan``: crawl archives; ``watch``: live sources (watch, sources);
- ``review``: reextract, merge, split; ``evaluate``: score reviewed documents;
- ``web``: serve, user, token; ``backup``: backup, restore;
- ``context`` and ``tables``: the settings and database of a command, and how tables and errors print.

Exit codes: 0 all good, 1 some inputs failed, 2 a usage error. The heavy modules (the store,
the scanner, NumPy) are imported inside the commands that need them, so ``--help`` starts fast.
"""

from __future__ import annotations

from .commands import cli, main

__all__ = ["cli", "main"]

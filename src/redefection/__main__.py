"""``python -m redefection`` runs the command line."""

from .cli import main

main()

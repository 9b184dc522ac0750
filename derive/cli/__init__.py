"""The command line: `cli` (the click group) and `main` (run it and set the exit status)."""

from derive.cli.commands import cli
from derive.cli.main import main

__all__ = ["cli", "main"]

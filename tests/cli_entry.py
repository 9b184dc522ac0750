"""Run `derive.cli.main` under click's test runner, so tests see its exit codes and diagnostics.

`main` (not the click group) owns exit statuses and error formatting, so tests invoke it through
`entry`. Import `program_name` into a test module to make it an autouse fixture there.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Sequence

import click
import pytest

from derive.cli import main


@click.command(
    context_settings={"ignore_unknown_options": True, "help_option_names": []},
    add_help_option=False,
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def entry(args: Sequence[str]) -> None:
    """Forward the arguments to `main`, which owns the exit codes."""
    main(list(args))


@pytest.fixture(autouse=True)
def program_name(monkeypatch: pytest.MonkeyPatch) -> None:
    """click names the program after sys.argv[0] and `__main__`: make that 'derive'."""
    monkeypatch.setattr(sys, "argv", ["derive"])
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))

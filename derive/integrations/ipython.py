"""The IPython extension: `%load_ext derive` gives the `%%derive` cell magic.

    %%derive --show answer
    expr: x.T @ A @ x
    wrt: x
    shapes: {x: [n], A: [n, n]}

The cell is one exercise in the exercise-file format (the block format of the docs
integrations); the magic shows the verified worked solution as Markdown. A bad cell is reported
as IPython's `UsageError` with derive's diagnostics at `cell:line:col`, without a traceback.
"""

from __future__ import annotations

from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring

from derive.errors import DeriveError, each_error, format_diagnostic
from derive.integrations.block import SETTINGS, BlockDefaults, SolvedBlock, solve_block

CELL = "cell"
"""How diagnostics name the cell; its line 1 is the `%%derive` line."""


@magic_arguments()
@argument("--show", choices=SETTINGS["show"], default="solution",
          help="what to show when the cell does not say: solution, steps or answer")
@argument("--layout", choices=SETTINGS["layout"], default="denominator",
          help="the layout when the cell does not say")
@argument("--notation", choices=SETTINGS["notation"], default="bold",
          help="the notation when the cell does not say")
def derive_cell(line: str, cell: str) -> SolvedBlock:
    """Solve and verify the exercise in the cell and display its worked solution."""
    args = parse_argstring(derive_cell, line)
    defaults = BlockDefaults(args.show, args.layout, args.notation)
    try:
        return solve_block(cell, CELL, 2, defaults)
    except DeriveError as error:
        raise UsageError("\n".join(format_diagnostic(e) for e in each_error(error))) from None


def load_ipython_extension(ipython: Any) -> None:
    """Register `%%derive` with the running IPython."""
    ipython.register_magic_function(derive_cell, magic_kind="cell", magic_name="derive")


__all__ = ["derive_cell", "load_ipython_extension"]

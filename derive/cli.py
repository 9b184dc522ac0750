"""The command line: thin click commands over the library, and the one place that sets exit codes.

Exit status: 0 success, 1 invalid input (a `DeriveError`, printed as a diagnostic), 2 usage errors
(click's own). Anything else is a bug: a one-line 'internal error' plus a debug dump in build/.
"""

from __future__ import annotations

import sys
import tempfile
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from derive import __version__
from derive.errors import DeriveError, format_diagnostic
from derive.expr.nodes import Dim
from derive.expr.shapes import format_shape, kind_of
from derive.problem import ASSUMPTIONS, make_problem
from derive.render.notation import Notation
from derive.render.printer import to_latex

F = TypeVar("F", bound=Callable[..., Any])


def _parse_shape(
    _ctx: click.Context, _param: click.Parameter, values: Sequence[str]
) -> dict[str, list[Dim]]:
    shapes: dict[str, list[Dim]] = {}
    for value in values:
        name, sep, dims_text = value.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(
                f"'{value}' is not NAME=DIMS (e.g. x=n, r=1,n, A=m,n)", param_hint="--shape"
            )
        dims: list[Dim] = []
        for part in (p.strip() for p in dims_text.split(",") if p.strip()):
            dims.append(int(part) if part.isdigit() else part)
        shapes[name.strip()] = dims
    return shapes


def _parse_assume(
    _ctx: click.Context, _param: click.Parameter, values: Sequence[str]
) -> dict[str, list[str]]:
    assume: dict[str, list[str]] = {}
    for value in values:
        name, sep, props = value.partition("=")
        if not sep or not name.strip() or not props.strip():
            raise click.BadParameter(
                f"'{value}' is not NAME=PROP (PROP one of {', '.join(ASSUMPTIONS)})",
                param_hint="--assume",
            )
        assume.setdefault(name.strip(), []).extend(p.strip() for p in props.split(","))
    return assume


def symbol_options(command: F) -> F:
    """The --shape and --assume options shared by the commands that take an expression."""
    command = click.option(
        "--assume",
        "assume",
        multiple=True,
        callback=_parse_assume,
        metavar="NAME=PROP",
        help=f"Assume a property of a symbol: {', '.join(ASSUMPTIONS)}. Repeatable.",
    )(command)
    command = click.option(
        "--shape",
        "shapes",
        multiple=True,
        callback=_parse_shape,
        metavar="NAME=DIMS",
        help="Shape of a symbol: x=n (column vector), r=1,n (row vector), A=m,n (matrix). "
        "A symbol with no shape is a scalar. Repeatable.",
    )(command)
    return command


notation_option = click.option(
    "--notation",
    type=click.Choice([n.value for n in Notation]),
    default=Notation.BOLD.value,
    show_default=True,
    help="Typeface of vectors and matrices in LaTeX.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="derive")
def cli() -> None:
    """derive: worked matrix-calculus derivations, every answer checked numerically."""


@cli.command("parse")
@click.argument("expr")
@symbol_options
@notation_option
def parse_command(
    expr: str, shapes: dict[str, list[Dim]], assume: dict[str, list[str]], notation: str
) -> None:
    """Parse EXPR, infer its shape and print it back and as LaTeX."""
    from derive.expr.unparse import unparse

    problem = make_problem(expr, shapes, assume)
    rows, cols = problem.shape
    click.echo(f"shape: {kind_of(problem.shape)} ({rows}×{cols})")
    click.echo(f"expr: {unparse(problem.expr)}")
    click.echo(f"latex: {to_latex(problem.expr, problem.shapes, Notation(notation))}")
    for name, shape in problem.shapes.items():
        props = ", ".join(sorted(problem.assumptions.get(name, ())))
        click.echo(f"  {name}: {format_shape(shape)}" + (f" ({props})" if props else ""))


@cli.command("solve")
@click.argument("expr")
@click.option("--wrt", required=True, metavar="NAME", help="The symbol to differentiate by.")
@symbol_options
@click.option(
    "--layout",
    type=click.Choice(["numerator", "denominator", "mixed"]),
    default="denominator",
    show_default=True,
    help="How the derivative's entries are arranged.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "md", "tex", "json"]),
    default="text",
    show_default=True,
    help="Output format of the worked solution.",
)
@click.option("--name", default=None, metavar="NAME", help="Name of the output in the text.")
@click.option(
    "--element",
    default=None,
    metavar="I,J",
    help="Also walk through one concrete entry, e.g. 3,7 for the partial of y_3 by x_7 "
    "(1-based: the output's indices, then the variable's).",
)
@notation_option
def solve_command(
    expr: str,
    wrt: str,
    shapes: dict[str, list[Dim]],
    assume: dict[str, list[str]],
    layout: str,
    fmt: str,
    name: str | None,
    element: str | None,
    notation: str,
) -> None:
    """Differentiate EXPR with respect to --wrt, with worked steps; every answer is checked."""
    import json

    from derive.solution import solve

    concrete = None
    if element is not None:
        parts = [p.strip() for p in element.split(",")]
        if not all(p.isdigit() for p in parts):
            raise click.BadParameter(
                f"'{element}' is not a list of positive integers such as 3,7",
                param_hint="--element",
            )
        concrete = [int(p) for p in parts]
    solution = solve(expr, wrt, shapes=shapes, assume=assume, layout=layout, name=name,
                     notation=notation, element=concrete)
    if fmt == "json":
        click.echo(json.dumps(solution.to_dict(), indent=2, ensure_ascii=False))
    elif fmt == "md":
        click.echo(solution.to_markdown(), nl=False)
    elif fmt == "tex":
        click.echo(solution.to_latex(), nl=False)
    else:
        click.echo(solution.to_text(), nl=False)


def _debug_dump(error: BaseException) -> Path:
    """Write the traceback of an unexpected error where a user can attach it to a report."""
    directory = Path("build")
    if not directory.is_dir():
        directory = Path(tempfile.gettempdir())
    path = directory / "derive-internal-error.txt"
    text = "".join(traceback.format_exception(error))
    path.write_text(f"derive {__version__}\nargv: {sys.argv!r}\n\n{text}", encoding="utf-8")
    return path


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: run the CLI and turn errors into diagnostics and exit codes."""
    try:
        cli.main(args=list(argv) if argv is not None else None, standalone_mode=False)
    except DeriveError as error:
        click.echo(format_diagnostic(error), err=True)
        sys.exit(1)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except (KeyboardInterrupt, BrokenPipeError):
        sys.exit(1)
    except Exception as error:  # noqa: BLE001 - the one boundary that turns bugs into a report
        path = _debug_dump(error)
        click.echo(f"internal error: {type(error).__name__}: {error}; please report", err=True)
        click.echo(f"debug dump: {path}", err=True)
        sys.exit(1)
    sys.exit(0)

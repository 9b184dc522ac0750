"""The commands: thin click wrappers over the library.

Each command imports what it uses inside its body, and the commands over exercise files (build,
check) live in `derive.cli.files`, loaded only when one of them runs or help lists them, so
`derive --version` and `derive solve` do not pay for the build machinery.
"""

from __future__ import annotations

import importlib
from typing import Any, Protocol

import click

from derive import __version__
from derive.cli.options import (
    format_option,
    notation_option,
    pairs,
    range_option,
    read_assumptions,
    read_element,
    read_expression,
    read_ranges,
    read_shapes,
    shape_option,
    solve_format_option,
    symbol_options,
)


class LazyGroup(click.Group):
    """A group whose `lazy` commands ("name": "module.attribute") are imported when first used,
    the pattern of click's documentation ("Lazily Loading Subcommands")."""

    def __init__(self, *args: Any, lazy: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.lazy:
            return super().get_command(ctx, cmd_name)
        module, attribute = self.lazy[cmd_name].rsplit(".", 1)
        command = getattr(importlib.import_module(module), attribute)
        assert isinstance(command, click.Command), self.lazy[cmd_name]
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]},
             lazy={"build": "derive.cli.files.build_command",
                   "check": "derive.cli.files.check_command"})
@click.version_option(__version__, prog_name="derive")
def cli() -> None:
    """derive: worked matrix-calculus derivations, every answer checked numerically."""


@cli.command("parse")
@click.argument("expr")
@symbol_options
@notation_option
def parse_command(expr: str, shapes: list[tuple[str, str]], assume: list[tuple[str, str]],
                  notation: str) -> None:
    """Parse EXPR ('-' reads standard input), infer its shape and print it back and as LaTeX."""
    from derive.render.report import parse_report  # imported here to keep start-up fast

    text = read_expression(expr)
    click.echo(parse_report(text, read_shapes(shapes), read_assumptions(assume), notation))


@cli.command("solve")
@click.argument("expr")
@click.option("--wrt", required=True, metavar="NAME", help="The symbol to differentiate by.")
@symbol_options
@click.option("--layout", type=click.Choice(["numerator", "denominator", "mixed"]),
              default="denominator", show_default=True,
              help="How the derivative's entries are arranged.")
@solve_format_option
@click.option("--name", default=None, metavar="NAME", help="Name of the output in the text.")
@click.option("--let", "lets", multiple=True, metavar="'NAME = EXPR'",
              help="Define an intermediate, e.g. --let 'a = sigmoid(M @ x)'. Repeatable and "
              "ordered; a definition may use earlier ones. The derivation then follows the "
              "chain rule.")
@click.option("--function", "functions", multiple=True, metavar="NAME=KIND",
              callback=pairs("--function", "NAME=KIND",
                              "KIND: elementwise, scalar or vector:SIZE"),
              help="Declare an unspecified function: f=elementwise, h=scalar or g=vector:SIZE. "
              "Answers keep f_prime, grad_h and jac_g symbolic. Repeatable.")
@click.option("--element", default=None, metavar="I,J",
              help="Also walk through one concrete entry, e.g. 3,7 for the partial of y_3 by "
              "x_7 (1-based: the output's indices, then the variable's).")
@notation_option
def solve_command(  # noqa: PLR0913 - click passes one argument per option
    expr: str, wrt: str, shapes: list[tuple[str, str]], assume: list[tuple[str, str]],
    layout: str, fmt: str, name: str | None, lets: tuple[str, ...],
    functions: list[tuple[str, str]], element: str | None, notation: str,
) -> None:
    """Differentiate EXPR ('-' reads standard input) by --wrt, with worked steps, checked."""
    from derive.results import solve  # imported here to keep start-up fast

    solution = solve(read_expression(expr), wrt, shapes=read_shapes(shapes),
                     assume=read_assumptions(assume), layout=layout, name=name,
                     notation=notation, element=read_element(element), let=list(lets),
                     functions=dict(functions))
    if fmt == "numpy":
        click.echo(solution.to_numpy(), nl=False)
        return
    _emit(solution, fmt)


class _Rendered(Protocol):
    """A solved exercise that can print itself (Solution, Vectorization)."""

    def to_dict(self) -> dict[str, Any]: ...
    def to_text(self) -> str: ...
    def to_markdown(self) -> str: ...
    def to_latex(self) -> str: ...


def _emit(result: _Rendered, fmt: str) -> None:
    """Print a solved exercise in one of the --format choices."""
    if fmt == "json":
        import json  # imported here to keep start-up fast

        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return
    renderers = {"md": result.to_markdown, "tex": result.to_latex, "text": result.to_text}
    click.echo(renderers[fmt](), nl=False)


@cli.command("vectorize")
@click.argument("index_expr")
@click.option("--free", "free", default="", metavar="I,J",
              help="The free indices naming the entry result[i, j]: two for a matrix, one for a "
              "column vector, none (omit) for a scalar.")
@shape_option
@range_option
@format_option
@click.option("--name", default=None, metavar="NAME", help="Name of the result in the text.")
def vectorize_command(index_expr: str, free: str, shapes: list[tuple[str, str]],
                      ranges: list[tuple[str, str]], fmt: str, name: str | None) -> None:
    """Write the index expression INDEX_EXPR ('-' reads stdin) in matrix form, checked.

    Example: derive vectorize 'sum(A[i,k] * B[k,j], k)' --free i,j --shape A=m,p --shape B=p,n
    """
    from derive.results import vectorize  # imported here to keep start-up fast

    _emit(vectorize(read_expression(index_expr), free, shapes=read_shapes(shapes),
                    ranges=read_ranges(ranges), name=name), fmt)


@cli.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of exercise files, for editors."""
    from importlib.resources import files  # imported here to keep start-up fast

    click.echo((files("derive") / "spec" / "exercise-set.schema.json").read_text("utf-8"),
               nl=False)



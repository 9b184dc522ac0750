"""Command-line options shared by the commands, and reading their values.

click parses the options; these helpers split NAME=VALUE pairs, refuse a name given twice, and
turn --shape, --assume and --element text into what the library takes.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

from derive.errors import DeriveError

F = TypeVar("F", bound=Callable[..., Any])

ASSUMPTION_NAMES = ("symmetric", "spd", "invertible", "positive")
MAX_STDIN_CHARS = 100_000
"""Most characters read for an expression given as '-'; the parser's own limit is far lower."""


def pairs(option: str, form: str, explained: str) -> Callable[
        [click.Context, click.Parameter, Sequence[str]], list[tuple[str, str]]]:
    """A callback splitting repeatable NAME=VALUE options, refusing a name given twice."""

    def split(_ctx: click.Context, _param: click.Parameter,
              values: Sequence[str]) -> list[tuple[str, str]]:
        pairs: list[tuple[str, str]] = []
        for value in values:
            name, sep, rest = value.partition("=")
            if not sep or not name.strip() or not rest.strip():
                raise click.BadParameter(f"'{value}' is not {form} ({explained})",
                                         param_hint=option)
            if any(name.strip() == seen for seen, _ in pairs) and option != "--assume":
                raise click.BadParameter(f"'{name.strip()}' is given twice", param_hint=option)
            pairs.append((name.strip(), rest.strip()))
        return pairs

    return split


def read_shapes(pairs: list[tuple[str, str]]) -> dict[str, list[int | str]]:
    shapes: dict[str, list[int | str]] = {}
    for name, text in pairs:
        parts = [p.strip() for p in text.split(",")]
        if not all(parts):
            raise click.BadParameter(f"'{name}={text}' has an empty dimension",
                                     param_hint="--shape")
        shapes[name] = [int(p) if p.isdigit() and len(p) <= 100 else p for p in parts]
    return shapes


def read_assumptions(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    assume: dict[str, list[str]] = {}
    for name, props in pairs:
        assume.setdefault(name, []).extend(p.strip() for p in props.split(","))
    return assume


def symbol_options(command: F) -> F:
    """The --shape and --assume options shared by the commands that take an expression."""
    command = click.option(
        "--assume", "assume", multiple=True, metavar="NAME=PROP",
        callback=pairs("--assume", "NAME=PROP", f"PROP one of {', '.join(ASSUMPTION_NAMES)}"),
        help=f"Assume a property of a symbol: {', '.join(ASSUMPTION_NAMES)}. Repeatable.",
    )(command)
    return shape_option(command)


def read_ranges(pairs: list[tuple[str, str]]) -> dict[str, int | str]:
    return {name: int(text) if text.isdigit() and len(text) <= 100 else text
            for name, text in pairs}


def range_option(command: F) -> F:
    """--range INDEX=DIM, repeatable, each index once."""
    return click.option(
        "--range", "ranges", multiple=True, metavar="INDEX=DIM",
        callback=pairs("--range", "INDEX=DIM", "e.g. i=n"),
        help="Range of an index that no entry gives a range to, e.g. i=n for "
        "'delta(i, j) * s'. Repeatable.",
    )(command)


def shape_option(command: F) -> F:
    """--shape NAME=DIMS, repeatable, each name once."""
    return click.option(
        "--shape", "shapes", multiple=True, metavar="NAME=DIMS",
        callback=pairs("--shape", "NAME=DIMS", "e.g. x=n, r=1,n, A=m,n"),
        help="Shape of a symbol: x=n (column vector), r=1,n (row vector), A=m,n (matrix). "
        "A symbol with no shape is a scalar. Repeatable.",
    )(command)


def read_expression(text: str) -> str:
    """The expression argument; '-' reads it from standard input."""
    if text != "-":
        return text
    return sys.stdin.read(MAX_STDIN_CHARS + 1).strip()


format_option = click.option(
    "--format", "fmt", type=click.Choice(["text", "md", "tex", "json"]), default="text",
    show_default=True, help="Output format of the worked solution.",
)
solve_format_option = click.option(
    "--format", "fmt", type=click.Choice(["text", "md", "tex", "json", "numpy"]),
    default="text", show_default=True,
    help="Output format of the worked solution; numpy prints a Python module with value, "
    "derivative and check.",
)
notation_option = click.option(
    "--notation", type=click.Choice(["bold", "arrow", "plain"]), default="bold",
    show_default=True, help="Typeface of vectors and matrices in LaTeX.",
)




BUILD_FORMATS = ("md", "tex", "pdf", "moodle", "numpy")
"""What `derive build --format` accepts, besides 'all' (md, tex and pdf)."""


def build_formats(_ctx: click.Context, _param: click.Parameter, value: str) -> tuple[str, ...]:
    """--format md,pdf,moodle -> ('md', 'pdf', 'moodle'); 'all' is md, tex and pdf."""
    chosen: list[str] = []
    for part in (p.strip().lower() for p in value.split(",")):
        if part == "all":
            chosen.extend(("md", "tex", "pdf"))
        elif part in BUILD_FORMATS:
            chosen.append(part)
        else:
            raise click.BadParameter(
                f"'{part[:40]}' is not a format; use a comma list of "
                f"{', '.join(BUILD_FORMATS)} or all", param_hint="--format")
    return tuple(dict.fromkeys(chosen))


def read_element(text: str | None) -> list[int] | None:
    """The --element indices, e.g. '3,7' -> [3, 7]."""
    if text is None:
        return None
    parts = [p.strip() for p in text.split(",")]
    if not all(p.isdigit() for p in parts):
        raise click.BadParameter(f"'{text[:40]}' is not a list of positive integers "
                                 "such as 3,7", param_hint="--element")
    for part in parts:
        if len(part) > 6:
            raise DeriveError(f"element index {part[:12]}... is out of range",
                              hint="indices are 1-based, at most the dimension's size")
    return [int(p) for p in parts]

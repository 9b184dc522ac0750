"""The command line: thin click commands over the library, and the one place that sets exit codes.

Exit status: 0 success, 1 invalid input (a `DeriveError`, printed as a diagnostic), 2 usage
errors, 130 when interrupted (Ctrl-C), 143 when terminated. Anything else is a bug: a one-line
'internal error' and a debug dump in a fresh temporary file. Each command imports what it uses
inside its body, so `derive --version` and `derive solve` do not pay for the build machinery.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import tempfile
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType
from typing import Any, Protocol, TypeVar

import click

from derive import __version__
from derive.errors import DeriveError, UsageError, format_diagnostic

F = TypeVar("F", bound=Callable[..., Any])

ASSUMPTION_NAMES = ("symmetric", "spd", "invertible", "positive")
MAX_STDIN_CHARS = 100_000
"""Most characters read for an expression given as '-'; the parser's own limit is far lower."""


def _pairs(option: str, form: str, explained: str) -> Callable[
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


def _shapes(pairs: list[tuple[str, str]]) -> dict[str, list[int | str]]:
    shapes: dict[str, list[int | str]] = {}
    for name, text in pairs:
        parts = [p.strip() for p in text.split(",")]
        if not all(parts):
            raise click.BadParameter(f"'{name}={text}' has an empty dimension",
                                     param_hint="--shape")
        shapes[name] = [int(p) if p.isdigit() and len(p) <= 100 else p for p in parts]
    return shapes


def _assume(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    assume: dict[str, list[str]] = {}
    for name, props in pairs:
        assume.setdefault(name, []).extend(p.strip() for p in props.split(","))
    return assume


def symbol_options(command: F) -> F:
    """The --shape and --assume options shared by the commands that take an expression."""
    command = click.option(
        "--assume", "assume", multiple=True, metavar="NAME=PROP",
        callback=_pairs("--assume", "NAME=PROP", f"PROP one of {', '.join(ASSUMPTION_NAMES)}"),
        help=f"Assume a property of a symbol: {', '.join(ASSUMPTION_NAMES)}. Repeatable.",
    )(command)
    return shape_option(command)


def shape_option(command: F) -> F:
    """--shape NAME=DIMS, repeatable, each name once."""
    return click.option(
        "--shape", "shapes", multiple=True, metavar="NAME=DIMS",
        callback=_pairs("--shape", "NAME=DIMS", "e.g. x=n, r=1,n, A=m,n"),
        help="Shape of a symbol: x=n (column vector), r=1,n (row vector), A=m,n (matrix). "
        "A symbol with no shape is a scalar. Repeatable.",
    )(command)


def _expression(text: str) -> str:
    """The expression argument; '-' reads it from standard input."""
    if text != "-":
        return text
    return sys.stdin.read(MAX_STDIN_CHARS + 1).strip()


format_option = click.option(
    "--format", "fmt", type=click.Choice(["text", "md", "tex", "json"]), default="text",
    show_default=True, help="Output format of the worked solution.",
)
notation_option = click.option(
    "--notation", type=click.Choice(["bold", "arrow", "plain"]), default="bold",
    show_default=True, help="Typeface of vectors and matrices in LaTeX.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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

    click.echo(parse_report(_expression(expr), _shapes(shapes), _assume(assume), notation))


@cli.command("solve")
@click.argument("expr")
@click.option("--wrt", required=True, metavar="NAME", help="The symbol to differentiate by.")
@symbol_options
@click.option("--layout", type=click.Choice(["numerator", "denominator", "mixed"]),
              default="denominator", show_default=True,
              help="How the derivative's entries are arranged.")
@format_option
@click.option("--name", default=None, metavar="NAME", help="Name of the output in the text.")
@click.option("--let", "lets", multiple=True, metavar="'NAME = EXPR'",
              help="Define an intermediate, e.g. --let 'a = sigmoid(M @ x)'. Repeatable and "
              "ordered; a definition may use earlier ones. The derivation then follows the "
              "chain rule.")
@click.option("--function", "functions", multiple=True, metavar="NAME=KIND",
              callback=_pairs("--function", "NAME=KIND",
                              "KIND: elementwise, scalar or vector:SIZE"),
              help="Declare an unspecified function: f=elementwise, h=scalar or g=vector:SIZE. "
              "Answers keep f_prime, grad_h and jac_g symbolic. Repeatable.")
@click.option("--element", default=None, metavar="I,J",
              help="Also walk through one concrete entry, e.g. 3,7 for the partial of y_3 by "
              "x_7 (1-based: the output's indices, then the variable's).")
@notation_option
def solve_command(expr: str, wrt: str, shapes: list[tuple[str, str]],
                  assume: list[tuple[str, str]], layout: str, fmt: str, name: str | None,
                  lets: tuple[str, ...], functions: list[tuple[str, str]], element: str | None,
                  notation: str) -> None:
    """Differentiate EXPR ('-' reads standard input) by --wrt, with worked steps, checked."""
    from derive.results import solve  # imported here to keep start-up fast

    concrete = None
    if element is not None:
        parts = [p.strip() for p in element.split(",")]
        if not all(p.isdigit() for p in parts):
            raise click.BadParameter(f"'{element[:40]}' is not a list of positive integers "
                                     "such as 3,7", param_hint="--element")
        for part in parts:
            if len(part) > 6:
                raise DeriveError(f"element index {part[:12]}... is out of range",
                                  hint="indices are 1-based, at most the dimension's size")
        concrete = [int(p) for p in parts]
    solution = solve(_expression(expr), wrt, shapes=_shapes(shapes), assume=_assume(assume),
                     layout=layout, name=name, notation=notation, element=concrete,
                     let=list(lets), functions=dict(functions))
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
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return
    renderers = {"md": result.to_markdown, "tex": result.to_latex, "text": result.to_text}
    click.echo(renderers[fmt](), nl=False)


_SPEC_PATHS = click.argument("paths", nargs=-1, required=True,
                             type=click.Path(exists=True, allow_dash=True, path_type=Path))


@cli.command("build")
@_SPEC_PATHS
@click.option("--format", "fmt", type=click.Choice(["md", "tex", "pdf", "all"]), default="all",
              show_default=True, help="Output format; 'all' writes Markdown, LaTeX and PDF.")
@click.option("--out", type=click.Path(path_type=Path), default=Path("build"),
              show_default=True, help="Output folder; each exercise file gets a subfolder.")
@click.option("--solutions", type=click.Choice(["none", "only", "both"]), default="both",
              show_default=True,
              help="Problem sets only (none), solution keys only (only), or both.")
@click.option("--templates", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=None,
              help="Folder with markdown/ and latex/ templates that override derive's own.")
@click.option("--quiet", is_flag=True, help="No progress or summary lines.")
def build_command(paths: tuple[Path, ...], fmt: str, out: Path, solutions: str,
                  templates: Path | None, quiet: bool) -> None:
    """Build problem sets and solution keys from exercise files (FILES_OR_DIRS; '-' for stdin).

    Output: OUT/<stem>/<stem>-problems.<ext> and OUT/<stem>/<stem>-solutions.<ext>. Nothing is
    written unless every exercise is solved and every document rendered.
    """
    from derive.build import FORMATS, BuildOptions, build_handouts  # keeps start-up fast

    kinds = {"none": ("problems",), "only": ("solutions",), "both": ("problems", "solutions")}
    options = BuildOptions(
        out=out, formats=FORMATS if fmt == "all" else (fmt,), documents=kinds[solutions],
        templates=templates, workers=os.cpu_count() or 1,
        progress=None if quiet else lambda line: click.echo(line, err=True),
    )
    report = build_handouts(paths, options)
    if not quiet:
        sets = f"{report.sets} exercise set{'s' if report.sets != 1 else ''}"
        click.echo(f"wrote {len(report.written)} files for {sets} into {out}/")


@cli.command("check")
@_SPEC_PATHS
def check_command(paths: tuple[Path, ...]) -> None:
    """Validate exercise files, solve every exercise and check every teacher answer."""
    from derive.build import check_files  # imported here to keep start-up fast

    report = check_files(paths)
    for verdict in report.verdicts:
        click.echo(verdict.text)
    if not report.passed:
        raise DeriveError(f"check failed: {report.summary()}")
    click.echo(f"check passed: {report.summary()}")


@cli.command("vectorize")
@click.argument("index_expr")
@click.option("--free", "free", default="", metavar="I,J",
              help="The free indices naming the entry result[i, j]: two for a matrix, one for a "
              "column vector, none (omit) for a scalar.")
@shape_option
@format_option
def vectorize_command(index_expr: str, free: str, shapes: list[tuple[str, str]],
                      fmt: str) -> None:
    """Write the index expression INDEX_EXPR ('-' reads stdin) in matrix form, checked.

    Example: derive vectorize 'sum(A[i,k] * B[k,j], k)' --free i,j --shape A=m,p --shape B=p,n
    """
    from derive.results import vectorize  # imported here to keep start-up fast

    _emit(vectorize(_expression(index_expr), free, shapes=_shapes(shapes)), fmt)


@cli.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of exercise files, for editors."""
    from importlib.resources import files

    click.echo((files("derive") / "spec" / "exercise-set.schema.json").read_text("utf-8"),
               nl=False)


class _Terminated(BaseException):
    """SIGTERM, raised in the main thread so that every cleanup runs before exiting."""


def _terminate(_signum: int, _frame: FrameType | None) -> None:
    raise _Terminated


def _debug_dump(error: BaseException) -> str:
    """Write the traceback of an unexpected error to a fresh file a user can attach to a report."""
    text = "".join(traceback.format_exception(error))
    handle, path = tempfile.mkstemp(prefix="derive-internal-error-", suffix=".txt")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(f"derive {__version__}\nargv: {sys.argv!r}\n\n{text}")
    return path


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: run the CLI and turn errors into diagnostics and exit codes."""
    try:
        signal.signal(signal.SIGTERM, _terminate)
        cli.main(args=list(argv) if argv is not None else None, standalone_mode=False)
    except UsageError as error:
        click.echo(format_diagnostic(error), err=True)
        sys.exit(2)
    except DeriveError as error:
        click.echo(format_diagnostic(error), err=True)
        sys.exit(1)
    except (KeyboardInterrupt, click.exceptions.Abort):
        click.echo("interrupted", err=True)
        sys.exit(130)
    except _Terminated:
        sys.exit(143)
    except click.UsageError as error:
        message = error.format_message().rstrip(".")
        command = error.ctx.command_path if error.ctx is not None else "derive"
        click.echo(f"error: {message[:1].lower()}{message[1:]}", err=True)
        click.echo(f"hint: see '{command} --help'", err=True)
        sys.exit(2)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except BrokenPipeError:
        sys.exit(1)
    except RecursionError:
        click.echo("error: too complex: the input is nested too deeply", err=True)
        sys.exit(1)
    except Exception as error:  # noqa: BLE001 - the one boundary that turns bugs into a report
        click.echo(f"internal error: {type(error).__name__}: {error}; please report", err=True)
        click.echo(f"debug dump: {_debug_dump(error)}", err=True)
        sys.exit(1)
    sys.exit(0)

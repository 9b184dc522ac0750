"""The commands: thin click wrappers over the library.

Each command imports what it uses inside its body, so `derive --version` and `derive solve` do
not pay for the build machinery.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import click

from derive import __version__
from derive.cli.options import (
    build_formats,
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
from derive.errors import DeriveError

if TYPE_CHECKING:
    from derive.build.variants import VariantRequest


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


_SPEC_PATHS = click.argument("paths", nargs=-1, required=True,
                             type=click.Path(exists=True, allow_dash=True, path_type=Path))


@cli.command("build")
@_SPEC_PATHS
@click.option("--format", "fmt", default="all", show_default=True, metavar="FORMATS",
              callback=build_formats,
              help="Output formats, comma-separated: md, tex, pdf, moodle (a Moodle XML question "
              "bank), numpy (one Python module of every derivative, OUT/<stem>/<stem>.py); "
              "'all' writes Markdown, LaTeX and PDF.")
@click.option("--out", type=click.Path(path_type=Path), default=Path("build"),
              show_default=True, help="Output folder; each exercise file gets a subfolder.")
@click.option("--solutions", type=click.Choice(["none", "only", "both"]), default="both",
              show_default=True,
              help="Problem sets only (none), solution keys only (only), or both.")
@click.option("--templates", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=None,
              help="Folder with markdown/ and latex/ templates that override derive's own.")
@click.option("--quiet", is_flag=True, help="No progress or summary lines.")
@click.option("--variants", "count", type=click.IntRange(1, 1000), default=None, metavar="N",
              help="Make N variants of each file (its 'vary' choices), each with its own "
              "problems and key, in OUT/<stem>/variants/01/ ... and OUT/<stem>/variants.csv.")
@click.option("--seed", type=click.IntRange(0, 2**31 - 1), default=None, metavar="S",
              help="Seed of the variants' choices (default 1); the same seed gives the same "
              "files.")
@click.option("--roster", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, metavar="CSV",
              help="One variant per student: a CSV file with a 'name' column and optionally "
              "'id' (folder names).")
def build_command(  # noqa: PLR0913 - click passes one argument per option
    paths: tuple[Path, ...], fmt: tuple[str, ...], out: Path, solutions: str,
    templates: Path | None, quiet: bool, count: int | None, seed: int | None,
    roster: Path | None,
) -> None:
    """Build problem sets and solution keys from exercise files (FILES_OR_DIRS; '-' for stdin).

    Output: OUT/<stem>/<stem>-problems.<ext> and OUT/<stem>/<stem>-solutions.<ext>, and
    OUT/<stem>/<stem>.moodle.xml for moodle. Nothing is written unless every exercise is solved
    and every document rendered.
    """
    from derive.build import BuildOptions, build_handouts  # keeps start-up fast

    kinds = {"none": ("problems",), "only": ("solutions",), "both": ("problems", "solutions")}
    if "numpy" in fmt and (count is not None or roster is not None):
        raise click.UsageError("--format numpy writes the file as written; it does not combine "
                               "with --variants or --roster")
    bar = _ProgressBar()
    options = BuildOptions(
        out=out, formats=fmt, documents=kinds[solutions],
        templates=templates, workers=os.cpu_count() or 1,
        progress=None if quiet else lambda line: click.echo(line, err=True),
        variants=_variant_request(count, seed, roster),
        variant_progress=None if quiet or not sys.stderr.isatty() else bar,
    )
    try:
        report = build_handouts(paths, options)
    finally:
        bar.close()
    if not quiet:
        sets = f"{report.sets} exercise set{'s' if report.sets != 1 else ''}"
        click.echo(f"wrote {len(report.written)} files for {sets} into {out}/")


def _variant_request(count: int | None, seed: int | None,
                     roster: Path | None) -> VariantRequest | None:
    """What --variants, --seed and --roster ask for, or None for the file as written."""
    from derive.build.roster import read_roster  # imported here to keep start-up fast
    from derive.build.variants import VariantRequest

    if count is None and roster is None:
        if seed is not None:
            raise click.UsageError("--seed applies to --variants or --roster")
        return None
    students = read_roster(roster) if roster is not None else None
    if students is not None and count is not None and count != len(students):
        raise click.UsageError(f"--variants {count} disagrees with the {len(students)} "
                               "students of --roster; give one of them")
    total = len(students) if students is not None else count
    assert total is not None
    return VariantRequest(total, 1 if seed is None else seed, students)


class _ProgressBar:
    """Progress bars on stderr, one per stage of a build ('variants', 'PDFs')."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.stage = ""
        self.shown = 0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            self.close()
            self.bar = click.progressbar(length=total, label=f"{stage:<8}", file=sys.stderr)
            self.bar.__enter__()
            self.stage, self.shown = stage, 0
        self.bar.update(done - self.shown)
        self.shown = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


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



"""The command line: thin click commands over the library, and the one place that sets exit codes.

Exit status: 0 success, 1 invalid input (a `DeriveError`, printed as a diagnostic), 2 usage errors
(click's own). Anything else is a bug: a one-line 'internal error' plus a debug dump in build/.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath
from typing import Any, Protocol, TypeVar

import click

from derive import __version__
from derive.build import (
    DOCUMENTS,
    FORMATS,
    Document,
    SolvedSet,
    check_set,
    locate_tex_error,
    render_documents,
    solve_set,
    where,
)
from derive.errors import DeriveError, PdfError, Span, SpecErrors, format_diagnostic
from derive.expr.nodes import Dim
from derive.expr.shapes import format_shape, kind_of
from derive.problem import ASSUMPTIONS, make_problem
from derive.render.notation import Notation
from derive.render.pdf import compile_pdf
from derive.render.printer import to_latex
from derive.spec import load_spec

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


def _parse_functions(
    _ctx: click.Context, _param: click.Parameter, values: Sequence[str]
) -> dict[str, str]:
    functions: dict[str, str] = {}
    for value in values:
        name, sep, kind = value.partition("=")
        if not sep or not name.strip() or not kind.strip():
            raise click.BadParameter(
                f"'{value}' is not NAME=KIND (KIND: elementwise, scalar or vector:SIZE)",
                param_hint="--function",
            )
        functions[name.strip()] = kind.strip()
    return functions


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


format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "md", "tex", "json"]),
    default="text",
    show_default=True,
    help="Output format of the worked solution.",
)

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
@format_option
@click.option("--name", default=None, metavar="NAME", help="Name of the output in the text.")
@click.option(
    "--let",
    "lets",
    multiple=True,
    metavar="'NAME = EXPR'",
    help="Define an intermediate, e.g. --let 'a = sigmoid(M @ x)'. Repeatable and ordered; a "
    "definition may use earlier ones. The derivation then follows the chain rule.",
)
@click.option(
    "--function",
    "functions",
    multiple=True,
    callback=_parse_functions,
    metavar="NAME=KIND",
    help="Declare an unspecified function: f=elementwise, h=scalar or g=vector:SIZE. Answers "
    "keep f_prime, grad_h and jac_g symbolic. Repeatable.",
)
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
    lets: tuple[str, ...],
    functions: dict[str, str],
    element: str | None,
    notation: str,
) -> None:
    """Differentiate EXPR with respect to --wrt, with worked steps; every answer is checked."""
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
                     notation=notation, element=concrete, let=list(lets), functions=functions)
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


PROGRESS_MIN_ITEMS = 4
"""Builds with more items than this print a progress line per exercise set."""


def _spec_files(paths: Sequence[Path]) -> list[Path]:
    """Exercise files from the arguments: files as given, folders' *.yaml / *.yml sorted."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted({*path.glob("*.yaml"), *path.glob("*.yml")})
            if not found:
                raise click.BadParameter(f"no exercise files (*.yaml) in '{path}'")
            files.extend(found)
        else:
            files.append(path)
    return list(dict.fromkeys(files))


def _load_and_solve(files: Sequence[Path], quiet: bool) -> list[SolvedSet]:
    """Load and solve every file, collecting the errors of all of them before failing."""
    solved: list[SolvedSet] = []
    errors: list[DeriveError] = []
    stems: dict[str, Path] = {}
    for file in files:
        if file.stem in stems:
            errors.append(DeriveError(
                f"'{file}' and '{stems[file.stem]}' would both be built into '{file.stem}/'",
                hint="rename one of the exercise files",
            ))
            continue
        stems[file.stem] = file
        try:
            spec = load_spec(file)
            items = sum(len(exercise.items) for exercise in spec.exercises)
            if not quiet and items > PROGRESS_MIN_ITEMS:
                click.echo(f"solving {file}: {len(spec.exercises)} exercises, {items} items",
                           err=True)
            solved.append(solve_set(spec))
        except SpecErrors as error:
            errors.extend(error.errors)
        except DeriveError as error:
            errors.append(error)
    if errors:
        raise SpecErrors(errors)
    return solved


def _compile_pdfs(documents: Sequence[Document]) -> list[bytes | None]:
    """The PDF of every 'pdf' document (None for the others), compiled in parallel."""

    def compile_one(document: Document) -> bytes | None:
        if document.fmt != "pdf":
            return None
        with tempfile.TemporaryDirectory(prefix="derive-build-") as scratch:
            label = f"the {document.kind} of {document.spec.file}"
            try:
                pdf = compile_pdf(document.text, Path(scratch) / "out.pdf", label=label)
            except PdfError as error:
                raise locate_tex_error(error, document) from None
            return pdf.read_bytes()

    with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1)) as pool:
        return list(pool.map(compile_one, documents))


def _write_all(out: Path, files: Sequence[tuple[PurePosixPath, bytes]]) -> None:
    """Write every file as a temporary file first, then rename them all into place."""
    staged: list[tuple[Path, Path]] = []
    try:
        for relative, data in files:
            target = out.joinpath(*relative.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(
                prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
            )
            staged.append((Path(name), target))
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
        for staged_path, target in staged:
            os.replace(staged_path, target)
    finally:
        for staged_path, _ in staged:
            staged_path.unlink(missing_ok=True)


@cli.command("build")
@click.argument(
    "paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path)
)
@click.option(
    "--format", "fmt", type=click.Choice(["md", "tex", "pdf", "all"]), default="all",
    show_default=True, help="Output format; 'all' writes Markdown, LaTeX and PDF.",
)
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), default=Path("build"),
    show_default=True, help="Output folder; each exercise file gets a subfolder.",
)
@click.option(
    "--solutions", type=click.Choice(["none", "only", "both"]), default="both",
    show_default=True, help="Problem sets only (none), solution keys only (only), or both.",
)
@click.option(
    "--templates", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
    help="Folder with markdown/ and latex/ templates that override derive's own.",
)
@click.option("--quiet", is_flag=True, help="No progress or summary lines.")
def build_command(
    paths: tuple[Path, ...], fmt: str, out: Path, solutions: str, templates: Path | None,
    quiet: bool,
) -> None:
    """Build problem sets and solution keys from exercise files (FILES_OR_DIRS).

    Output: OUT/<stem>/<stem>-problems.<ext> and OUT/<stem>/<stem>-solutions.<ext>. Nothing is
    written unless every exercise is solved and every document rendered.
    """
    formats = FORMATS if fmt == "all" else (fmt,)
    kinds = {"none": ("problems",), "only": ("solutions",), "both": DOCUMENTS}[solutions]
    solved = _load_and_solve(_spec_files(paths), quiet)
    documents = [
        document
        for each in solved
        for document in render_documents(each, formats, kinds, templates)
    ]
    pdfs = _compile_pdfs(documents)
    files = [
        (document.path, pdf if pdf is not None else document.text.encode("utf-8"))
        for document, pdf in zip(documents, pdfs, strict=True)
    ]
    _write_all(out, files)
    if not quiet:
        sets = f"{len(solved)} exercise set{'s' if len(solved) != 1 else ''}"
        click.echo(f"wrote {len(files)} files for {sets} into {out}/")


@cli.command("check")
@click.argument(
    "paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path)
)
def check_command(paths: tuple[Path, ...]) -> None:
    """Validate exercise files, solve every exercise and check every teacher answer."""
    counts = {"ok": 0, "wrong": 0, "error": 0}
    files = _spec_files(paths)
    for file in files:
        try:
            spec = load_spec(file)
        except SpecErrors as error:
            for each in error.errors:
                click.echo(format_diagnostic(each))
            counts["error"] += len(error.errors)
            continue
        items = [item for exercise in spec.exercises for item in exercise.items]
        for item, outcome in zip(items, check_set(spec), strict=True):
            head = f"{_place(item.expr_at.span)}: {where(item.exercise_id, item.label)}"
            if outcome.error is not None:
                click.echo(format_diagnostic(outcome.error))
                counts["error"] += 1
            elif outcome.answer_check is not None and not outcome.answer_check.correct:
                spot = item.answer_at or item.expr_at
                click.echo(
                    f"{_place(spot.span)}: {where(item.exercise_id, item.label)}: wrong answer "
                    f"'{item.answer}' (expected: {outcome.answer_check.expected}); "
                    f"{outcome.answer_check.reason}"
                )
                counts["wrong"] += 1
            else:
                answered = "" if outcome.answer_check is None else " (answer checked)"
                click.echo(f"{head}: ok{answered}")
                counts["ok"] += 1
    total = sum(counts.values())
    summary = (
        f"{counts['ok']} ok, {counts['wrong']} wrong answer{'s' if counts['wrong'] != 1 else ''}, "
        f"{counts['error']} error{'s' if counts['error'] != 1 else ''} "
        f"in {len(files)} file{'s' if len(files) != 1 else ''}"
    )
    if counts["ok"] != total:
        raise DeriveError(f"check failed: {summary}")
    click.echo(f"check passed: {summary}")


def _place(span: Span) -> str:
    return f"{span.file}:{span.line}:{span.col}"


@cli.command("vectorize")
@click.argument("index_expr")
@click.option("--free", "free", default="", metavar="I,J",
              help="The free indices naming the entry result[i, j]: two for a matrix, one for a "
              "column vector, none (omit) for a scalar.")
@click.option(
    "--shape",
    "shapes",
    multiple=True,
    callback=_parse_shape,
    metavar="NAME=DIMS",
    help="Shape of a symbol: x=n (column vector), r=1,n (row vector), A=m,n (matrix); its "
    "indices range over these dimensions. Repeatable.",
)
@format_option
def vectorize_command(
    index_expr: str, free: str, shapes: dict[str, list[Dim]], fmt: str
) -> None:
    """Write the index expression INDEX_EXPR in matrix form, checked numerically.

    Example: derive vectorize 'sum(A[i,k] * B[k,j], k)' --free i,j --shape A=m,p --shape B=p,n
    """
    from derive.vectorize import vectorize

    _emit(vectorize(index_expr, free, shapes=shapes), fmt)


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

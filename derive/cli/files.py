"""The commands over exercise files, `build` and `check`; `derive.cli.commands` loads this
module only when one of them runs (or help lists them)."""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from derive.cli.options import build_formats
from derive.errors import DeriveError

if TYPE_CHECKING:
    from derive.build.variants import VariantRequest


def _collect_cycles() -> None:
    """Turn the garbage collector back on if `derive.__main__` turned it off for start-up: a
    build over many files runs long enough to need it. The objects of start-up stay out of its
    way (frozen)."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


_SPEC_PATHS = click.argument("paths", nargs=-1, required=True,
                             type=click.Path(exists=True, allow_dash=True, path_type=Path))


@click.command("build")
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

    _collect_cycles()

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


@click.command("check")
@_SPEC_PATHS
def check_command(paths: tuple[Path, ...]) -> None:
    """Validate exercise files, solve every exercise and check every teacher answer."""
    from derive.build import check_files  # imported here to keep start-up fast

    _collect_cycles()

    report = check_files(paths)
    for verdict in report.verdicts:
        click.echo(verdict.text)
    if not report.passed:
        raise DeriveError(f"check failed: {report.summary()}")
    click.echo(f"check passed: {report.summary()}")

"""Building and checking exercise files: discovery -> solving -> rendering -> PDFs -> files.

`build_handouts` does all of `derive build` and returns a `BuildReport`; `check_files` does
`derive check` and returns a `CheckReport` with one verdict per question. Both work in memory
until the very end: files are written only when every exercise of every file succeeded, and then
all of them or none (`output.write_files`). The CLI only parses options and prints reports.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path, PurePosixPath

from msgspec import Struct

from derive.build.code import code_document
from derive.build.documents import DOCUMENTS, FORMATS, Document, compile_pdfs, render_documents
from derive.build.output import Workspace, write_files
from derive.build.solve import SolvedSet, check_set, solve_set, where
from derive.build.variants import (
    Progress,
    RenderRequest,
    VariantRequest,
    build_variants,
    choice_errors,
)
from derive.engine.asked import summary
from derive.errors import DeriveError, Span, SpecErrors, UsageError, each_error, format_diagnostic
from derive.spec import load_spec, load_spec_partial
from derive.spec.load import STDIN

STEM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
"""What an exercise file's name (without extension) must look like: it names output files."""

STDIN_STEM = "stdin"
"""The stem of an exercise set read from standard input."""

PROGRESS_MIN_ITEMS = 4
"""Sets with more items than this report their progress (when a progress callback is given)."""


class SpecFile(Struct, frozen=True):
    """An exercise file to build, and the stem its outputs are named by."""

    path: Path
    stem: str


def spec_files(paths: Sequence[Path]) -> list[SpecFile]:
    """Exercise files from the arguments: files as given, folders' *.yaml / *.yml sorted.

    Raises:
        UsageError: a folder holds no exercise files.
        DeriveError: a file's name cannot name output files, or two files share a name.
    """
    found: list[Path] = []
    for path in paths:
        if str(path) != STDIN and path.is_dir():
            inside = sorted({*path.glob("*.yaml"), *path.glob("*.yml")})
            if not inside:
                raise UsageError(f"no exercise files (*.yaml) in '{path}'",
                                 hint="give exercise files or a folder that holds them")
            found.extend(inside)
        else:
            found.append(path)
    files: list[SpecFile] = []
    stems: dict[str, Path] = {}
    for path in dict.fromkeys(found):
        stem = STDIN_STEM if str(path) == STDIN else path.stem
        if STEM.match(stem) is None:
            raise DeriveError(
                f"'{path}' cannot name its output files: '{stem}' is not a plain file name",
                hint="rename the file with letters, digits, '.', '_' or '-', starting with a "
                "letter or digit",
            )
        if stem in stems:
            raise DeriveError(
                f"'{path}' and '{stems[stem]}' would both be built into '{stem}/'",
                hint="rename one of the exercise files",
            )
        stems[stem] = path
        files.append(SpecFile(path, stem))
    return files


class BuildOptions(Struct, frozen=True):
    """What `derive build` makes and where."""

    out: Path
    formats: tuple[str, ...] = FORMATS
    """Any of `FORMATS` and 'moodle' (a question bank per exercise file)."""
    documents: tuple[str, ...] = DOCUMENTS
    templates: Path | None = None
    workers: int = 2
    progress: Callable[[str], None] | None = None
    variants: VariantRequest | None = None
    """Build one variant per student instead of the file as written (`--variants`)."""
    variant_progress: Progress | None = None


class BuildReport(Struct, frozen=True):
    """What a build wrote: the files (relative to the output folder) and the sets."""

    written: tuple[PurePosixPath, ...]
    sets: int


def build_handouts(paths: Sequence[Path], options: BuildOptions) -> BuildReport:
    """Solve, render and compile every exercise file, then write all the files at once.

    Raises:
        DeriveError: every error of every file (a `SpecErrors`), a TeX failure naming the
            exercise, or an output folder that cannot be written. Nothing is written then.
    """
    files_in = spec_files(paths)
    tables: list[tuple[PurePosixPath, bytes]] = []
    if options.variants is not None:
        documents, tables = _variants(files_in, options, options.variants)
        sets = len(files_in)
    else:
        solved = _load_and_solve(files_in, options.progress)
        documents = [
            document
            for each in solved
            for document in render_documents(each, options.formats, options.documents,
                                             options.templates)
        ]
        sets = len(solved)
        if "numpy" in options.formats:
            documents += [code_document(each) for each in solved]
        if "moodle" in options.formats:
            tables = [_bank([each]) for each in solved]
    with Workspace(options.out) as workspace:
        tell = options.variant_progress
        pdfs = compile_pdfs(documents, options.workers, workspace.scratch,
                            None if tell is None else lambda done, total: tell("PDFs", done, total))
        files = [
            (document.path, pdf if pdf is not None else document.text.encode("utf-8"))
            for document, pdf in zip(documents, pdfs, strict=True)
        ] + tables
        write_files(options.out, files)
    return BuildReport(tuple(path for path, _ in files), sets)


def _variants(
    files: Sequence[SpecFile], options: BuildOptions, request: VariantRequest
) -> tuple[list[Document], list[tuple[PurePosixPath, bytes]]]:
    """Every file's variants, collecting the errors of all files before failing."""
    render = RenderRequest(options.formats, options.documents, options.templates)
    total = request.count * len(files)
    documents: list[Document] = []
    tables: list[tuple[PurePosixPath, bytes]] = []
    errors: list[DeriveError] = []
    for number, file in enumerate(files):
        done = number * request.count
        tell = options.variant_progress

        def progress(made: int, _count: int, done: int = done,
                     tell: Progress | None = tell) -> None:
            if tell is not None:
                tell("variants", done + made, total)

        try:
            built = build_variants(file.path, file.stem, request, render, progress)
        except DeriveError as error:
            errors.extend(each_error(error))
            continue
        documents.extend(built.documents)
        tables.append(built.table)
        if "moodle" in options.formats:
            tables.append(_bank(built.sets))
    if errors:
        raise SpecErrors(errors)
    return documents, tables


def _bank(sets: Sequence[SolvedSet]) -> tuple[PurePosixPath, bytes]:
    """The Moodle question bank of one file's solved sets (its variants, or the file itself)."""
    from derive.build.moodle import moodle_name, moodle_xml  # only Moodle builds need it

    return moodle_name(sets[0].stem), moodle_xml(sets).encode("utf-8")


def _load_and_solve(
    files: Sequence[SpecFile], progress: Callable[[str], None] | None
) -> list[SolvedSet]:
    """Load and solve every file, collecting the errors of all of them before failing."""
    solved: list[SolvedSet] = []
    errors: list[DeriveError] = []
    for file in files:
        try:
            spec = load_spec(file.path)
            items = sum(len(exercise.items) for exercise in spec.exercises)
            if progress is not None and items > PROGRESS_MIN_ITEMS:
                progress(f"solving {spec.file}: {len(spec.exercises)} exercises, {items} items")
            solved.append(solve_set(spec, file.stem))
        except DeriveError as error:
            errors.extend(each_error(error))
    if errors:
        raise SpecErrors(errors)
    return solved


class Verdict(Struct, frozen=True):
    """One line of `derive check`: a question's outcome ('ok', 'wrong' or 'error')."""

    status: str
    text: str
    line: int


class CheckReport(Struct, frozen=True):
    """Every question's verdict, file by file, in source order."""

    verdicts: tuple[Verdict, ...]
    files: int

    def count(self, status: str) -> int:
        """How many verdicts have `status`."""
        return sum(1 for v in self.verdicts if v.status == status)

    @property
    def passed(self) -> bool:
        """Whether every question is ok."""
        return all(v.status == "ok" for v in self.verdicts)

    def summary(self) -> str:
        """E.g. '5 ok, 1 wrong answer, 0 errors in 2 files'."""
        wrong, errors = self.count("wrong"), self.count("error")
        return (f"{self.count('ok')} ok, {wrong} wrong answer{'s' if wrong != 1 else ''}, "
                f"{errors} error{'s' if errors != 1 else ''} "
                f"in {self.files} file{'s' if self.files != 1 else ''}")


def check_files(paths: Sequence[Path]) -> CheckReport:
    """Validate every file, solve every well-formed question and judge every teacher answer.

    A question with an error does not stop the others: each gets its own verdict.
    """
    files = spec_files(paths)
    verdicts: list[Verdict] = []
    for file in files:
        found = sorted(_check_file(file.path), key=lambda v: v.line)
        if all(verdict.status == "ok" for verdict in found) and str(file.path) != STDIN:
            found += [_error_verdict(error) for error in choice_errors(file.path, file.stem)]
        verdicts.extend(found)
    return CheckReport(tuple(verdicts), len(files))


def _check_file(path: Path) -> list[Verdict]:
    try:
        spec, errors = load_spec_partial(path)
    except DeriveError as error:
        return [_error_verdict(each) for each in each_error(error)]
    verdicts = [_error_verdict(each) for each in errors]
    if spec is None:
        return verdicts
    items = [item for exercise in spec.exercises for item in exercise.items]
    for item, outcome in zip(items, check_set(spec), strict=True):
        named = where(item.exercise_id, item.label)
        if outcome.error is not None:
            verdicts.append(_error_verdict(outcome.error))
        elif outcome.answer_check is not None and not outcome.answer_check.correct:
            spot = (item.answer_at or item.expr_at).span
            verdicts.append(Verdict(
                "wrong",
                f"{_place(spot)}: {named}: wrong answer '{item.answer}' (expected: "
                f"{outcome.answer_check.expected}); {outcome.answer_check.reason}",
                spot.line or 0,
            ))
        else:
            notes = ([] if outcome.answer_check is None else ["answer checked"]) + (
                [] if outcome.asked is None else [summary(outcome.asked)])
            answered = f" ({'; '.join(notes)})" if notes else ""
            span = item.expr_at.span
            verdicts.append(Verdict("ok", f"{_place(span)}: {named}: ok{answered}",
                                    span.line or 0))
    return verdicts


def _error_verdict(error: DeriveError) -> Verdict:
    line = error.span.line if error.span is not None and error.span.line else 0
    return Verdict("error", format_diagnostic(error), line)


def _place(span: Span) -> str:
    return f"{span.file}:{span.line}:{span.col}"


__all__ = [
    "BuildOptions",
    "BuildReport",
    "CheckReport",
    "FORMATS",
    "DOCUMENTS",
    "VariantRequest",
    "Verdict",
    "build_handouts",
    "check_files",
    "spec_files",
]

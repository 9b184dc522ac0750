"""Rendering solved exercise sets into documents, in memory, and compiling their PDFs.

`render_documents` turns a `SolvedSet` into Markdown and LaTeX text named by `output_name`;
`compile_pdfs` runs TeX on the LaTeX of every PDF document in parallel. Nothing here writes
into the output folder: `derive.build.output` does, once everything has succeeded.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath

from msgspec import Struct

from derive.build.solve import SolvedSet, where
from derive.errors import DeriveError, PdfError, Span
from derive.render.env import make_env, render_template
from derive.render.handout import handout_context
from derive.render.pdf import compile_pdf, stop_all
from derive.spec.model import ExerciseSet

FORMATS = ("md", "tex", "pdf")
"""Output formats of `derive build`; 'all' means every one of them."""

DOCUMENTS = ("problems", "solutions")
"""The two documents built per exercise set: the problem set and the solution key."""

_TEMPLATE = {"md": ("markdown", "md"), "tex": ("latex", "tex")}
_EXERCISE_MARK = re.compile(r"^% exercise: (\S+)$")
_TEX_LINE = re.compile(r"'l\.(\d+)")


class Document(Struct, frozen=True):
    """One rendered document: where it goes (relative to the output folder) and its text.

    For 'pdf' the text is the LaTeX source to compile.
    """

    path: PurePosixPath
    fmt: str
    text: str
    spec: ExerciseSet
    kind: str


def output_name(stem: str, document: str, fmt: str) -> PurePosixPath:
    """Where a document goes inside the output folder.

    Example:
        >>> str(output_name("ps3", "solutions", "pdf"))
        'ps3/ps3-solutions.pdf'
    """
    return PurePosixPath(stem) / f"{stem}-{document}.{fmt}"


def render_documents(
    solved: SolvedSet,
    formats: Iterable[str],
    documents: Sequence[str] = DOCUMENTS,
    templates: Path | None = None,
    student: str | None = None,
) -> list[Document]:
    """Render the requested documents of one solved set, in a fixed order.

    Raises:
        RenderError: a template is missing or uses an unknown variable.
    """
    wanted = set(formats)
    out: list[Document] = []
    for fmt in FORMATS:
        if fmt not in wanted:
            continue
        source = "tex" if fmt == "pdf" else fmt
        kind, ext = _TEMPLATE[source]
        env = make_env(kind, templates)
        pairs = [
            (exercise, [(each.item, each.derivation) for each in items])
            for exercise, items in solved.items
        ]
        context = handout_context(solved.spec, pairs, source, solved.stem, asked=solved.asked(),
                                  student=student)
        for document in documents:
            text = render_template(env, f"{document}.{ext}.j2", context, solved.spec.file)
            out.append(
                Document(output_name(solved.stem, document, fmt), fmt, text, solved.spec, document)
            )
    return out


def locate_tex_error(error: PdfError, document: Document) -> DeriveError:
    """Name the exercise set and the exercise whose LaTeX failed, at its place in the spec.

    The templates mark each exercise with a '% exercise: <id>' line; the failing TeX line
    number in the error tells which exercise it falls in.
    """
    match = _TEX_LINE.search(error.message)
    exercise_id = None
    if match is not None:
        target = int(match.group(1))
        for number, line in enumerate(document.text.splitlines()[:target], start=1):
            found = _EXERCISE_MARK.match(line)
            if found is not None and number <= target:
                exercise_id = found.group(1)
    for exercise in document.spec.exercises:
        if exercise.id == exercise_id:
            spot = exercise.at
            moved = error.in_context(where(exercise.id, ""))
            moved.span = spot.span
            moved.source = spot.line_text
            return moved
    moved = error.in_context("outside the exercises")
    moved.span = Span(1, 2, 1, document.spec.file)
    return moved


def compile_pdfs(
    documents: Sequence[Document], workers: int, scratch: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[bytes | None]:
    """The PDF bytes of every 'pdf' document (None for the others), compiled in parallel.

    Documents with the same LaTeX (variants that came out alike) are compiled once.
    `progress` is told (compiled, to compile) after each document, from the worker threads.

    Raises:
        DeriveError: TeX failed; the error names the exercise set and the exercise.
    """

    def compile_one(document: Document) -> bytes | None:
        if document.fmt != "pdf":
            return None
        label = f"the {document.kind} of {document.spec.file}"
        try:
            pdf = compile_pdf(document.text, label=label, scratch=scratch)
        except PdfError as error:
            raise locate_tex_error(error, document) from None
        if progress is not None:
            with lock:
                done[0] += 1
                progress(done[0], len(unique))
        return pdf

    lock, done = threading.Lock(), [0]
    unique: dict[str, Document] = {}
    for document in documents:
        if document.fmt == "pdf":
            unique.setdefault(document.text, document)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        try:
            compiled = dict(zip(unique, pool.map(compile_one, unique.values()), strict=True))
            return [compiled[d.text] if d.fmt == "pdf" else None for d in documents]
        except BaseException:
            stop_all()  # the pool waits for its threads: end their TeX runs now
            raise

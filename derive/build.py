"""Handout building: checked exercise sets -> solved exercises -> documents, all in memory.

`solve_set` runs the engine on every item and checks teacher answers; `render_documents` turns
solved sets into Markdown and LaTeX text named by `output_name`. Nothing here writes files or
runs TeX: the CLI compiles PDFs (`render.pdf`) and writes only when everything has succeeded.
Errors carry the spec's file:line:col and the exercise id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import jinja2

from derive.engine import DEFAULT_SEED as DEFAULT_EXERCISE_SEED
from derive.engine import Layout, derive_exercise
from derive.engine.answers import AnswerCheck, check_answer, check_chain_answer
from derive.engine.chain import derive_chain
from derive.engine.chain_explain import explain_chain
from derive.engine.steps import Derivation
from derive.errors import DeriveError, PdfError, RenderError, Span, SpecErrors
from derive.render.env import make_env
from derive.render.handout import handout_context
from derive.spec.model import AnyItem, Exercise, ExerciseSet, IndexItem
from derive.vectorize import Vectorization
from derive.vectorize.answer import check_index_answer
from derive.vectorize.explain import explain
from derive.vectorize.solve import DEFAULT_SEED, vectorize_problem

Solved = Derivation | Vectorization
"""What solving an item gives: a derivation (derivative or chain) or a vectorization."""

FORMATS = ("md", "tex", "pdf")
"""Output formats of `derive build`; 'all' means every one of them."""

DOCUMENTS = ("problems", "solutions")
"""The two documents built per exercise set: the problem set and the solution key."""

_TEMPLATE = {"md": ("markdown", "md"), "tex": ("latex", "tex")}
DERIVATION_SEED = DEFAULT_EXERCISE_SEED
_EXERCISE_MARK = re.compile(r"^% exercise: (\S+)$")
_TEX_LINE = re.compile(r"'l\.(\d+)")


@dataclass(frozen=True, slots=True)
class SolvedItem:
    """One item with its verified derivation and, when the spec gives one, the answer check."""

    item: AnyItem
    derivation: Solved
    answer_check: AnswerCheck | None


@dataclass(frozen=True, slots=True)
class SolvedSet:
    """An exercise set with every item solved, in spec order."""

    spec: ExerciseSet
    items: tuple[tuple[Exercise, tuple[SolvedItem, ...]], ...]

    @property
    def stem(self) -> str:
        """The spec file's name without its extension: names the output folder and files."""
        return Path(self.spec.file).stem


@dataclass(frozen=True, slots=True)
class Document:
    """One rendered document: where it goes (relative to the output folder) and its text.

    For 'pdf' the text is the LaTeX source to compile.
    """

    path: PurePosixPath
    fmt: str
    text: str
    spec: ExerciseSet
    kind: str


@dataclass(frozen=True, slots=True)
class ItemOutcome:
    """What `derive check` reports for one item: solved (with an answer verdict) or an error."""

    exercise_id: str
    label: str
    derivation: Solved | None
    answer_check: AnswerCheck | None
    error: DeriveError | None


def where(exercise_id: str, label: str) -> str:
    """How diagnostics name an item, e.g. "exercise 'quadratic-form' (b)".

    Example:
        >>> where("linear-map", "")
        "exercise 'linear-map'"
    """
    return f"exercise '{exercise_id}'" + (f" {label}" if label else "")


def with_context(error: DeriveError, context: str, span: Span | None = None) -> DeriveError:
    """A copy of `error` whose message starts with `context` (and is placed at `span` if any)."""
    message = f"{context}: {error.message}"
    copy = DeriveError.__new__(type(error))
    copy.__dict__.update(error.__dict__)
    Exception.__init__(copy, message)
    copy.message = message
    if span is not None and copy.span is None:
        copy.span = span
    return copy


def _solve(item: AnyItem) -> Solved:
    if isinstance(item, IndexItem):
        work = vectorize_problem(item.problem)
        return Vectorization(work, explain(work))
    if item.definitions:
        chain = derive_chain(item.problem, item.definitions, item.wrt, Layout(item.layout),
                            name=item.name, seed=DERIVATION_SEED)
        return explain_chain(chain)
    return derive_exercise(
        item.problem, item.wrt, Layout(item.layout), name=item.name, element=item.element
    )


def _check(solved: Solved, item: AnyItem) -> AnswerCheck | None:
    if item.answer_problem is None:
        return None
    answer = item.answer_problem.expr
    if isinstance(solved, Vectorization):
        return check_index_answer(solved.work, answer, DEFAULT_SEED)
    return check_chain_answer(solved, answer) if solved.chain else check_answer(solved, answer)


def solve_item(item: AnyItem) -> ItemOutcome:
    """Solve one item and check its teacher answer; errors are returned, placed in the file."""
    try:
        derivation = _solve(item)
        verdict = None
        if item.answer_problem is not None:
            try:
                verdict = _check(derivation, item)
            except DeriveError as error:
                spot = item.answer_at or item.expr_at
                raise spot.place(error) from None
    except DeriveError as error:
        placed = error if _in_file(error) else item.expr_at.place(error)
        return ItemOutcome(
            item.exercise_id, item.label, None, None,
            with_context(placed, where(item.exercise_id, item.label)),
        )
    return ItemOutcome(item.exercise_id, item.label, derivation, verdict, None)


def check_set(spec: ExerciseSet) -> list[ItemOutcome]:
    """Solve every item of a set, collecting outcomes (never raising for an item's error)."""
    return [solve_item(item) for exercise in spec.exercises for item in exercise.items]


def wrong_answer_error(item: AnyItem, verdict: AnswerCheck) -> DeriveError:
    """The diagnostic for a teacher answer that disagrees with the engine."""
    spot = item.answer_at or item.expr_at
    error = spot.place(
        DeriveError(
            f"wrong answer '{item.answer}': {verdict.reason}",
            span=Span(1, 1 + len(item.answer or "")),
            expected=verdict.expected,
            hint=f"the verified answer is '{verdict.expected}'",
        )
    )
    return with_context(error, where(item.exercise_id, item.label))


def solve_set(spec: ExerciseSet) -> SolvedSet:
    """Solve every item of a set; a wrong teacher answer is an error too.

    Raises:
        SpecErrors: every failed item, each at its file:line:col and naming the exercise.
    """
    outcomes = iter(check_set(spec))
    errors: list[DeriveError] = []
    solved: list[tuple[Exercise, tuple[SolvedItem, ...]]] = []
    for exercise in spec.exercises:
        items: list[SolvedItem] = []
        for item in exercise.items:
            outcome = next(outcomes)
            if outcome.error is not None:
                errors.append(outcome.error)
            elif outcome.answer_check is not None and not outcome.answer_check.correct:
                errors.append(wrong_answer_error(item, outcome.answer_check))
            else:
                assert outcome.derivation is not None
                items.append(SolvedItem(item, outcome.derivation, outcome.answer_check))
        solved.append((exercise, tuple(items)))
    if errors:
        raise SpecErrors(errors)
    return SolvedSet(spec, tuple(solved))


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
        context = handout_context(solved.spec, pairs, source)
        for document in documents:
            text = _render(env, f"{document}.{ext}.j2", context, solved.spec.file)
            out.append(
                Document(output_name(solved.stem, document, fmt), fmt, text, solved.spec, document)
            )
    return out


def _render(
    env: jinja2.Environment, name: str, context: dict[str, object], file: str
) -> str:
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateNotFound as error:
        raise RenderError(
            f"template '{error.name}' was not found while rendering {file}",
            hint="copy it from derive's templates/ folder into the --templates folder",
        ) from None
    except (jinja2.TemplateError, TypeError) as error:
        raise RenderError(
            f"template '{name}' failed while rendering {file}: {error}",
            hint="the variables available to templates are listed in README.md",
        ) from None


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
            moved = with_context(error, where(exercise.id, ""))
            moved.span = spot.span
            moved.source = spot.line_text
            return moved
    moved = with_context(error, "outside the exercises")
    moved.span = Span(1, 2, 1, document.spec.file)
    return moved


def _in_file(error: DeriveError) -> bool:
    return error.span is not None and error.span.file is not None

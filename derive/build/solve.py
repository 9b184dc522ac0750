"""Solving whole exercise sets: every item through the engine, every teacher answer checked.

`solve_set` gives a `SolvedSet` or every error of the set at once; `check_set` gives one
`ItemOutcome` per item and never raises for an item's error. Errors carry the spec's
file:line:col and the exercise id.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from msgspec import Struct

from derive.engine import DEFAULT_SEED as DEFAULT_EXERCISE_SEED
from derive.engine import Layout, derive_exercise
from derive.engine.answers import AnswerCheck, check_answer, check_chain_answer
from derive.engine.asked import Asked, blanks_key, item_seed, select_key, shape_key
from derive.engine.chain import derive_chain
from derive.engine.chain_explain import explain_chain
from derive.engine.slips import Wanted
from derive.engine.steps import Derivation
from derive.errors import DeriveError, Span, SpecErrors, within_limits
from derive.expr.nodes import Expr
from derive.spec.model import AnyItem, Exercise, ExerciseSet, IndexItem, Item, KindName
from derive.vectorization import DEFAULT_SEED
from derive.vectorization.answer import check_index_answer
from derive.vectorization.explain import Vectorized, explain
from derive.vectorization.solve import vectorize_problem

Solved = Derivation | Vectorized
"""What solving an item gives: a derivation (derivative or chain) or a vectorization."""

DERIVATION_SEED = DEFAULT_EXERCISE_SEED


class SolvedItem(Struct, frozen=True):
    """One item with its verified derivation and, when the spec gives one, the answer check."""

    item: AnyItem
    derivation: Solved
    answer_check: AnswerCheck | None
    asked: Asked | None = None
    """The key of a shape, select or blanks question."""


class SolvedSet(Struct, frozen=True):
    """An exercise set with every item solved, in spec order."""

    spec: ExerciseSet
    items: tuple[tuple[Exercise, tuple[SolvedItem, ...]], ...]
    stem: str
    """The name of the output folder and files: the spec file's name without its extension."""
    seed: int = DERIVATION_SEED
    """The seed the generated options were drawn with (`derive build --seed` for variants)."""

    def asked(self) -> dict[tuple[str, str], Asked]:
        """The keys of the shape, select and blanks questions, by exercise id and label."""
        return {(each.item.exercise_id, each.item.label): each.asked
                for _, items in self.items for each in items if each.asked is not None}


class ItemOutcome(Struct, frozen=True):
    """What `derive check` reports for one item: solved (with an answer verdict) or an error."""

    exercise_id: str
    label: str
    derivation: Solved | None
    answer_check: AnswerCheck | None
    error: DeriveError | None
    asked: Asked | None = None


def where(exercise_id: str, label: str) -> str:
    """How diagnostics name an item, e.g. "exercise 'quadratic-form' (b)".

    Example:
        >>> where("linear-map", "")
        "exercise 'linear-map'"
    """
    return f"exercise '{exercise_id}'" + (f" {label}" if label else "")


def _derivative(item: AnyItem) -> Solved:
    assert isinstance(item, Item)
    return derive_exercise(
        item.problem, item.wrt, Layout(item.layout), name=item.name, element=item.element
    )


def _chain(item: AnyItem) -> Solved:
    assert isinstance(item, Item)
    chain = derive_chain(item.problem, item.definitions, item.wrt, Layout(item.layout),
                         name=item.name, seed=DERIVATION_SEED)
    return explain_chain(chain)


def _derivative_or_chain(item: AnyItem) -> Solved:
    assert isinstance(item, Item)
    return _chain(item) if item.definitions else _derivative(item)


def _vectorize(item: AnyItem) -> Solved:
    assert isinstance(item, IndexItem)
    return explain(vectorize_problem(item.problem), item.name)


def _check_derivative(solved: Solved, answer: Expr) -> AnswerCheck:
    assert isinstance(solved, Derivation)
    return check_answer(solved, answer)


def _check_chain(solved: Solved, answer: Expr) -> AnswerCheck:
    assert isinstance(solved, Derivation)
    return check_chain_answer(solved, answer)


def _check_vectorize(solved: Solved, answer: Expr) -> AnswerCheck:
    assert isinstance(solved, Vectorized)
    return check_index_answer(solved.work, answer, DEFAULT_SEED)


def _check_either(solved: Solved, answer: Expr) -> AnswerCheck:
    assert isinstance(solved, Derivation)
    return check_chain_answer(solved, answer) if solved.chain else check_answer(solved, answer)


def _ask_shape(item: AnyItem, solved: Solved, seed: int) -> Asked:
    assert isinstance(solved, Derivation)
    return shape_key(solved)


def _ask_blanks(item: AnyItem, solved: Solved, seed: int) -> Asked:
    assert isinstance(solved, Derivation)
    return blanks_key(solved)


def _ask_select(item: AnyItem, solved: Solved, seed: int) -> Asked:
    assert isinstance(solved, Derivation) and isinstance(item, Item)
    assert item.choices is not None
    choices = item.choices
    key = select_key(solved, choices.options, Wanted(choices.distractors, choices.ill_shaped),
                     choices.criterion, item_seed(seed, item.exercise_id, item.label))
    if key.shortfall:
        raise DeriveError(
            f"found only {choices.distractors + choices.ill_shaped - key.shortfall} of the "
            f"{choices.distractors + choices.ill_shaped} generated options asked for: the "
            "answer has too few slips that give different values",
            hint="ask for fewer 'distractors' or 'ill_shaped', or add teacher 'options'",
        )
    return key


class Solver(Struct, frozen=True):
    """How the builder solves one kind of question and checks a teacher's answer to it;
    `ask` computes the key of a question that asks more than the derivative itself."""

    solve: Callable[[AnyItem], Solved]
    check_answer: Callable[[Solved, Expr], AnswerCheck]
    ask: Callable[[AnyItem, Solved, int], Asked] | None = None


SOLVERS: Mapping[KindName, Solver] = {
    "derivative": Solver(_derivative, _check_derivative),
    "chain": Solver(_chain, _check_chain),
    "vectorize": Solver(_vectorize, _check_vectorize),
    "shape": Solver(_derivative_or_chain, _check_either, _ask_shape),
    "select": Solver(_derivative_or_chain, _check_either, _ask_select),
    "blanks": Solver(_derivative_or_chain, _check_either, _ask_blanks),
}
"""The solver of each question kind of `derive.spec.registry.QUESTION_KINDS`."""


def solve_item(item: AnyItem, seed: int = DERIVATION_SEED) -> ItemOutcome:
    """Solve one item and check its teacher answer; errors are returned, placed in the file.

    `seed` draws the generated options of select questions (the same seed, the same options).
    """
    asked = None
    try:
        solver = SOLVERS[item.kind]
        with within_limits():
            derivation = solver.solve(item)
            if solver.ask is not None:
                asked = solver.ask(item, derivation, seed)
        verdict = None
        if item.answer_problem is not None:
            try:
                verdict = solver.check_answer(derivation, item.answer_problem.expr)
            except DeriveError as error:
                spot = item.answer_at or item.expr_at
                raise spot.place(error) from None
    except DeriveError as error:
        placed = error if _in_file(error) else item.expr_at.place(error)
        return ItemOutcome(
            item.exercise_id, item.label, None, None,
            placed.in_context(where(item.exercise_id, item.label)),
        )
    return ItemOutcome(item.exercise_id, item.label, derivation, verdict, None, asked)


def check_set(spec: ExerciseSet, seed: int = DERIVATION_SEED) -> list[ItemOutcome]:
    """Solve every item of a set, collecting outcomes (never raising for an item's error).

    `seed` draws the generated options, as in `solve_item`.
    """
    return [solve_item(item, seed) for exercise in spec.exercises for item in exercise.items]


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
    return error.in_context(where(item.exercise_id, item.label))


def solve_set(spec: ExerciseSet, stem: str, seed: int = DERIVATION_SEED) -> SolvedSet:
    """Solve every item of a set; a wrong teacher answer is an error too.

    `seed` draws the generated options of select questions, and the question bank's
    distractors of the other kinds (`derive.build.questions`).

    Raises:
        SpecErrors: every failed item, each at its file:line:col and naming the exercise.
    """
    outcomes = iter(check_set(spec, seed))
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
                items.append(SolvedItem(item, outcome.derivation, outcome.answer_check,
                                        outcome.asked))
        solved.append((exercise, tuple(items)))
    if errors:
        raise SpecErrors(errors)
    return SolvedSet(spec, tuple(solved), stem, seed)


def _in_file(error: DeriveError) -> bool:
    return error.span is not None and error.span.file is not None

"""Gradable questions for learning systems, from solved exercise sets.

Every item becomes a `ChoiceQuestion`: a select item its judged options, a shape item the
candidate shapes, a blanks item the orders of its factors, and a derivative, chain or
vectorize item its verified answer and generated distractors (`DEFAULT_DISTRACTORS` of them,
drawn with the solved set's seed). A variant is just another solved set of the same file, so
the exporters take several. Grades
follow Moodle's scale: the right options share 100 and the wrong ones share -100, each share
one of the grades Moodle offers (1/k for k up to 10), so selecting every option earns
nothing.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Sequence
from typing import Any

from msgspec import Struct

from derive.build.solve import SolvedItem, SolvedSet, where
from derive.engine.asked import (
    Choosing,
    SelectKey,
    ShapeKey,
    item_seed,
    judge_options,
    select_key,
)
from derive.engine.choices import Judge
from derive.engine.slips import Wanted
from derive.engine.steps import Derivation
from derive.errors import DeriveError
from derive.expr.nodes import symbols_in
from derive.expr.unparse import unparse
from derive.problem import make_problem
from derive.render.asked import asked_context, escape_prose, options_context, shape_latex
from derive.render.handout import handout_context
from derive.render.html import math_html, question_html, solution_html
from derive.render.notation import Notation
from derive.render.printer import ExprPrinter
from derive.spec.model import AnyItem
from derive.vectorization import DEFAULT_SEED as VECTORIZE_SEED
from derive.vectorization.explain import Vectorized, output_name

DEFAULT_DISTRACTORS = 3
"""Generated wrong options of a derivative or chain question."""

MAX_RIGHT = 10
"""Most right options a question may have: 100/k is one of Moodle's grades only up to k = 10."""

MAX_ORDERS = 6
"""Most orders of the factors offered for a blanks question."""


class Choice(Struct, frozen=True):
    """One answer of a question: its HTML, its grade in percent and the feedback on it."""

    html: str
    fraction: float
    feedback: str

    @property
    def right(self) -> bool:
        """Whether the choice earns marks."""
        return self.fraction > 0


class ChoiceQuestion(Struct, frozen=True):
    """A multiple-choice question with its worked solution, ready for any exporter."""

    exercise_id: str
    name: str
    text: str
    feedback: str
    single: bool
    choices: tuple[Choice, ...]


def grades(right: Sequence[bool], placed: str, single: bool = False) -> list[float]:
    """The grade of each option: right ones share 100, wrong ones share -100 (0 when only one
    option may be chosen).

    Example:
        >>> grades([True, False, True, False, False], "q")
        [50.0, -33.33333, 50.0, -33.33333, -33.33333]
        >>> grades([False, True, False], "q", single=True)
        [0.0, 100.0, 0.0]
    """
    count = sum(right)
    wrong = len(right) - count
    if count == 0 or count > MAX_RIGHT:
        raise DeriveError(
            f"{placed} has {count} right options; a question bank needs 1 to {MAX_RIGHT}",
            hint="add an option that equals the derivative" if count == 0
            else "split the options over two questions",
        )
    share = round(100 / count, 5)
    penalty = -round(100 / wrong, 5) if 0 < wrong <= MAX_RIGHT else -10.0
    if single:
        penalty = 0.0
    return [share if each else penalty for each in right]


def set_questions(solved: SolvedSet, variant: int | None = None) -> list[ChoiceQuestion]:
    """The questions of one solved set, in spec order; `variant` numbers their names."""
    notation = Notation(solved.spec.notation)
    extra: dict[tuple[str, str], Any] = {}
    for _, items in solved.items:
        for each in items:
            if each.asked is None and isinstance(each.derivation, Derivation):
                seed = item_seed(solved.seed, each.item.exercise_id, each.item.label)
                extra[(each.item.exercise_id, each.item.label)] = select_key(
                    each.derivation, [], Wanted(DEFAULT_DISTRACTORS), "value", seed)
    pairs = [(exercise, [(each.item, each.derivation) for each in items])
             for exercise, items in solved.items]
    context = handout_context(solved.spec, pairs, "html", solved.stem, asked=solved.asked())
    questions: list[ChoiceQuestion] = []
    for (_, items), exercise in zip(solved.items, context["exercises"], strict=True):
        for each, item in zip(items, exercise["questions"], strict=True):
            key = extra.get((each.item.exercise_id, each.item.label), each.asked)
            placed = where(each.item.exercise_id, each.item.label)
            single = each.item.kind != "select"
            choices = _choices(each, key, notation, _Where(placed, single), solved.seed)
            name = exercise["id"] + (f" {each.item.label}" if each.item.label else "")
            if variant is not None:
                name += f" v{variant:02d}"
            questions.append(ChoiceQuestion(
                exercise["id"], name, question_html(exercise, item), solution_html(item),
                single=single, choices=tuple(choices),
            ))
    return questions


class _Where(Struct, frozen=True):
    """The question's name in messages, and whether one choice only may be picked."""

    placed: str
    single: bool


def _choices(each: SolvedItem, key: Any, notation: Notation, placed: _Where,
             seed: int) -> list[Choice]:
    if isinstance(key, ShapeKey):
        right = [index == 0 for index in range(len(key.candidates))]
        texts = [math_html(shape_latex(dims)) for dims in key.candidates]
        notes = ["the derivative's shape" if index == 0 else "not the derivative's shape"
                 for index in range(len(key.candidates))]
        return _graded(texts, right, notes, placed)
    if isinstance(each.derivation, Vectorized):
        options = _vectorized_options(each.derivation, each.item, notation, seed)
        return _select_choices(options, placed)
    assert isinstance(each.derivation, Derivation)
    context = asked_context(each.derivation, key, "html", notation)
    if isinstance(key, SelectKey):
        return _select_choices(context["options"], placed)
    factors = [factor["latex"] for factor in context["factors"]]
    orders = list(itertools.islice(itertools.permutations(factors), MAX_ORDERS))
    right = [list(order) == factors for order in orders]
    notes = ["the order of the layout" if ok else
             escape_prose("the factors do not multiply in this order", "html") for ok in right]
    return _graded([math_html(" ".join(order)) for order in orders], right, notes, placed)


def _select_choices(options: list[dict[str, Any]], placed: _Where) -> list[Choice]:
    notes = [f"<p>{o['verdict']}: {o['why']}.</p><p>In derive's language: "
             f"<code>{html.escape(o['text'])}</code></p>" for o in options]
    return _graded([math_html(o["latex"]) for o in options], [o["right"] for o in options],
                   notes, placed)


def _vectorized_options(
    vectorized: Vectorized, item: AnyItem, notation: Notation, seed: int
) -> list[dict[str, Any]]:
    """The verified matrix form of an index formula and distractors from slips of it."""
    work = vectorized.work
    answer = work.answer
    used = {name: work.problem.shapes[name] for name in symbols_in(answer)
            if name in work.problem.shapes}
    problem = make_problem(unparse(answer), {name: _dims(shape) for name, shape in used.items()})
    judge = Judge(problem, problem.expr, VECTORIZE_SEED)
    choosing = Choosing(Wanted(DEFAULT_DISTRACTORS), "value",
                        item_seed(seed, item.exercise_id, item.label))
    key = judge_options(judge, problem.expr, [], choosing)
    shapes = {**work.problem.shapes, output_name(work): work.shape}
    return options_context(key, ExprPrinter(shapes, notation), "html")


def _dims(shape: tuple[Any, Any]) -> list[Any]:
    """A shape as an exercise file writes it: [] scalar, [n] column, [m, n] otherwise."""
    if shape == (1, 1):
        return []
    return [shape[0]] if shape[1] == 1 else list(shape)


def _graded(texts: list[str], right: list[bool], notes: list[str], placed: _Where
            ) -> list[Choice]:
    if len(set(texts)) < 2:
        raise DeriveError(f"{placed.placed} has fewer than two distinct choices",
                          hint="a multiple-choice question needs a wrong choice too")
    fractions = grades(right, placed.placed, placed.single)
    return [Choice(text, fraction, note)
            for text, fraction, note in zip(texts, fractions, notes, strict=True)]

"""Compare a teacher's answer with the engine's verified result, numerically.

Both are matrix expressions over the same symbols. They are evaluated at random values (sizes
and assumptions drawn as for the engine's own check); equal shapes and agreement to a relative
1e-8 mean the answer is right. For 3- and 4-axis derivatives the answer is compared with the
compact form.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from derive.engine.evaluate import evaluate
from derive.engine.steps import Derivation
from derive.engine.verify import error_of, random_points
from derive.errors import UnsupportedError
from derive.expr.nodes import Expr, symbols_in
from derive.expr.unparse import unparse

ANSWER_TOLERANCE = 1e-8


@dataclass(frozen=True, slots=True)
class AnswerCheck:
    """The verdict on a teacher's answer: right or not, and by how much it is off."""

    correct: bool
    expected: str
    max_rel_error: float
    reason: str


def check_answer(derivation: Derivation, answer: Expr, draws: int = 3) -> AnswerCheck:
    """Whether `answer` equals the derivation's result (or compact form) at random points.

    Raises:
        UnsupportedError: the derivative has no matrix or compact form to compare with.
    """
    target = derivation.result if derivation.result is not None else derivation.compact
    if target is None:
        raise UnsupportedError(
            "this derivative has three or more axes and no compact form to compare an answer with",
            hint="remove 'answer' from this exercise or ask for a derivative with a matrix form",
        )
    expected = unparse(target)
    problem = derivation.problem
    unknown = sorted(symbols_in(answer) - set(problem.shapes) - set(problem.dims()))
    if unknown:
        return AnswerCheck(False, expected, np.inf,
                           f"the answer uses '{unknown[0]}', which is not in the expression")
    worst = 0.0
    for values, sizes in random_points(problem, derivation.verification.seed + 1000, draws):
        with np.errstate(all="ignore"):
            right = evaluate(target, values, sizes)
            given = evaluate(answer, values, sizes)
        if right.shape != given.shape and not (given.size == 1 and np.all(right == 0)):
            return AnswerCheck(
                False, expected, np.inf,
                f"the answer is {given.shape[0]}×{given.shape[1]} but the derivative is "
                f"{right.shape[0]}×{right.shape[1]}",
            )
        relative = error_of(np.broadcast_to(given, right.shape), right)[1]
        if not np.isfinite(relative):  # max() would silently drop a NaN
            return AnswerCheck(False, expected, np.inf, "the answer is undefined at random points")
        worst = max(worst, relative)
    if not np.isfinite(worst) or worst > ANSWER_TOLERANCE:
        return AnswerCheck(False, expected, worst, "the values differ at random points")
    return AnswerCheck(True, expected, worst, "")


def check_chain_answer(derivation: Derivation, answer: Expr, draws: int = 3) -> AnswerCheck:
    """Like `check_answer` for a chain, where the answer may use the intermediates' names.

    The definitions are substituted into the answer first, so the intermediates take the
    values their definitions give at each random point; an answer without them is compared
    as it is.

    Raises:
        UnsupportedError: the derivative has no matrix or compact form to compare with.
    """
    from derive.engine.chain import substitute

    if derivation.chain is None:
        return check_answer(derivation, answer, draws)
    definitions = dict(derivation.chain.definitions)
    verdict = check_answer(derivation, substitute(answer, definitions), draws)
    written = derivation.chain.in_intermediates
    if written is None:
        return verdict
    return AnswerCheck(verdict.correct, unparse(written), verdict.max_rel_error, verdict.reason)

"""Compare a teacher's answer with the engine's verified result, numerically.

Both are matrix expressions over the same symbols. They are evaluated at the points of the
engine's own check (general values: signed, non-symmetric, a size per dimension name); equal
shapes and agreement to a relative 1e-8 at every point mean the answer is right. A derivative that
is zero may be answered with the scalar 0. For 3- and 4-axis derivatives the answer is compared
with the compact form.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from derive.engine.evaluate import evaluate
from derive.engine.steps import Derivation
from derive.engine.verify import problem_points, within_tolerance
from derive.errors import UnsupportedError, VerificationError
from derive.expr.nodes import Expr, symbols_in
from derive.expr.unparse import unparse

ANSWER_TOLERANCE = 1e-8
"""Relative agreement required between a teacher's answer and the verified one (both exact)."""

ROUNDING = 1e-12
"""Absolute rounding allowed on top, for answers that are zero up to rounding (M M⁻¹ - I)."""

DRAWS = 3


@dataclass(frozen=True, slots=True)
class AnswerCheck:
    """The verdict on a teacher's answer: right or not, the verified answer, and why not."""

    correct: bool
    expected: str
    reason: str


def check_answer(derivation: Derivation, answer: Expr) -> AnswerCheck:
    """Whether `answer` equals the derivation's result (or compact form) at the check's points.

    Raises:
        UnsupportedError: the derivative has no matrix or compact form to compare with.
        VerificationError: no point could be found to compare at.
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
        return AnswerCheck(False, expected,
                           f"the answer uses '{unknown[0]}', which is not in the expression")
    points, reason = problem_points(problem, derivation.verification.seed, DRAWS)
    if not points:
        raise VerificationError(f"cannot compare the answer: {reason}")
    for point in points:
        with np.errstate(all="ignore"):
            right = evaluate(target, point.values, point.sizes)
            try:
                given = evaluate(answer, point.values, point.sizes)
            except np.linalg.LinAlgError:
                return AnswerCheck(False, expected, "the answer inverts a singular matrix")
        if given.shape != right.shape:
            if given.shape == (1, 1) and given.item() == 0 and not np.any(right):
                continue
            return AnswerCheck(
                False, expected,
                f"the answer is {given.shape[0]}×{given.shape[1]} but the derivative is "
                f"{right.shape[0]}×{right.shape[1]}",
            )
        if not np.all(np.isfinite(given)):
            return AnswerCheck(False, expected, "the answer is undefined at random points")
        if not within_tolerance(given, right, ANSWER_TOLERANCE, ROUNDING):
            return AnswerCheck(False, expected, "the values differ at random points")
    return AnswerCheck(True, expected, "")


def check_chain_answer(derivation: Derivation, answer: Expr) -> AnswerCheck:
    """Like `check_answer` for a chain, where the answer may use the intermediates' names.

    The definitions are substituted into the answer first, so the intermediates take the
    values their definitions give at each random point; an answer without them is compared
    as it is.

    Raises:
        UnsupportedError: the derivative has no matrix or compact form to compare with.
    """
    from derive.engine.chain import substitute

    if derivation.chain is None:
        return check_answer(derivation, answer)
    definitions = dict(derivation.chain.definitions)
    verdict = check_answer(derivation, substitute(answer, definitions))
    written = derivation.chain.in_intermediates
    if written is None:
        return verdict
    return AnswerCheck(verdict.correct, unparse(written), verdict.reason)

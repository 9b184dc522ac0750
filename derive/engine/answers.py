"""Compare a teacher's answer with the engine's verified result, numerically.

Both are matrix expressions over the same symbols. They are evaluated at the points of the
engine's own check (general values: signed, non-symmetric, a size per dimension name); equal
shapes and agreement to a relative 1e-8 at every point mean the answer is right. A derivative that
is zero may be answered with the scalar 0. For 3- and 4-axis derivatives the answer is compared
with the compact form.
"""

from __future__ import annotations

import numpy as np
from msgspec import Struct

from derive.engine.evaluate import evaluate
from derive.engine.steps import Derivation
from derive.engine.verify import problem_points, within_tolerance
from derive.errors import ShapeError, UnsupportedError, VerificationError
from derive.expr.nodes import Expr, symbols_in
from derive.expr.shapes import SCALAR, Shape, format_shape, infer_shape
from derive.expr.unparse import unparse
from derive.problem.chain import substitute

ANSWER_TOLERANCE = 1e-8
"""Relative agreement required between a teacher's answer and the verified one (both exact)."""

ROUNDING = 1e-12
"""Absolute rounding allowed on top, for answers that are zero up to rounding (M M⁻¹ - I)."""

DRAWS = 3


def derivative_shape(output: Shape, variable: Shape, layout: str) -> Shape | None:
    """The shape of d output / d variable as a matrix, or None when it has three or more axes.

    Numerator layout is the Jacobian order (output's entries down the rows); denominator layout
    transposes it and gives gradients the variable's shape; mixed keeps gradients in the
    variable's shape and vector-by-vector derivatives as Jacobians.

    Example:
        >>> derivative_shape(("m", 1), ("n", 1), "numerator")
        ('m', 'n')
        >>> derivative_shape((1, 1), ("m", "n"), "numerator")
        ('n', 'm')
        >>> derivative_shape((1, 1), ("n", 1), "mixed")
        ('n', 1)
    """
    transposed_variable = (variable[1], variable[0])
    if output == (1, 1):
        return transposed_variable if layout == "numerator" else variable
    if variable == (1, 1):
        if layout != "denominator":
            return output
        return (output[1], output[0]) if 1 in output else None
    if output[1] == 1 and variable[1] == 1:
        jacobian = (output[0], variable[0])
        return (variable[0], output[0]) if layout == "denominator" else jacobian
    return None


class AnswerCheck(Struct, frozen=True):
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
    mismatch = _shape_mismatch(derivation, target, answer)
    if mismatch is not None:
        return AnswerCheck(False, expected, mismatch)
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
        if given.shape != right.shape and derivation.compact_repeated is not None and (
            _broadcasts(right.shape, given.shape)
        ):
            right = np.broadcast_to(right, given.shape)  # 1ₘ vᵀ: the kept row written m times
        if given.shape != right.shape:
            if given.shape == (1, 1) and given.item() == 0 and not np.any(right):
                continue  # a zero derivative answered with the scalar 0
            return AnswerCheck(False, expected, "the answer has another shape at random points")
        if not np.all(np.isfinite(given)):
            return AnswerCheck(False, expected, "the answer is undefined at random points")
        if not within_tolerance(given, right, ANSWER_TOLERANCE, ROUNDING):
            return AnswerCheck(False, expected, "the values differ at random points")
    return AnswerCheck(True, expected, "")


def _broadcasts(kept: tuple[int, ...], full: tuple[int, ...]) -> bool:
    return (kept[0] == 1 and kept[1] == full[1]) or (kept[1] == 1 and kept[0] == full[0])


def _shape_mismatch(derivation: Derivation, target: Expr, answer: Expr) -> str | None:
    """Why the answer's shape is not the derivative's (naming a layout slip), or None."""
    problem = derivation.problem
    try:
        given = infer_shape(answer, problem.shapes)
    except ShapeError as error:
        return f"the answer is not well formed: {error.message}"
    right = infer_shape(target, problem.shapes)
    if given == right or given == SCALAR or given == derivation.compact_repeated:
        return None  # a scalar answer may be the 0 of a zero derivative: the values decide
    layout = derivation.layout.value
    reason = (f"the answer is {format_shape(given)} but the derivative is {format_shape(right)} "
              f"in {layout} layout")
    if derivation.result is None:
        return reason
    others = [other for other in ("numerator", "denominator", "mixed") if other != layout and
              derivative_shape(problem.shape, problem.shapes[derivation.wrt], other) == given]
    return reason + (f", its shape in {others[0]} layout" if others else "")


def check_chain_answer(derivation: Derivation, answer: Expr) -> AnswerCheck:
    """Like `check_answer` for a chain, where the answer may use the intermediates' names.

    The definitions are substituted into the answer first, so the intermediates take the
    values their definitions give at each random point; an answer without them is compared
    as it is.

    Raises:
        UnsupportedError: the derivative has no matrix or compact form to compare with.
    """
    if derivation.chain is None:
        return check_answer(derivation, answer)
    definitions = dict(derivation.chain.definitions)
    verdict = check_answer(derivation, substitute(answer, definitions))
    written = derivation.chain.in_intermediates
    if written is None:
        return verdict
    return AnswerCheck(verdict.correct, unparse(written), verdict.reason)

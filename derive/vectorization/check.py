"""The numeric check of `derive vectorize`: matrix forms against the index expression.

The points are those of the derivative checks (`engine.points`): a different size per dimension
name, so a missing transpose cannot hide behind a square matrix, and signed values. The index
expression is evaluated with `evaluate_poly` and each form with `evaluate`; both are exact, so
they must agree to a relative 1e-8.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from msgspec import Struct

from derive.engine.evaluate import Array, Sizes, evaluate, evaluate_poly, size_of
from derive.engine.points import Obstacle, Point, Symbols, sample_points
from derive.engine.verify import within_tolerance
from derive.expr.nodes import Dim, Expr
from derive.expr.terms import mentions
from derive.problem.index import IndexProblem

DRAWS = 2
RELATIVE_TOLERANCE = 1e-8
ROUNDING = 1e-12


class Check(Struct, frozen=True):
    """Per form: whether it matched at every point, and why not; the first point's sizes."""

    passed: tuple[bool, ...]
    reasons: tuple[str, ...]
    seed: int
    sizes: tuple[tuple[str, int], ...]
    tolerance: float = RELATIVE_TOLERANCE


def _dims(problem: IndexProblem) -> tuple[str, ...]:
    names = {d for shape in problem.shapes.values() for d in shape if isinstance(d, str)}
    names |= {d for d in problem.space.ranges.values() if isinstance(d, str)}
    return tuple(sorted(names))


def index_points(problem: IndexProblem, seed: int) -> list[Point]:
    """`DRAWS` points where the index expression is defined (log of a negative is redrawn)."""
    symbols = Symbols(problem.shapes, {}, _dims(problem))
    names = frozenset(n for n in problem.shapes if mentions(problem.poly, n))

    def inspect(values: Mapping[str, Array], sizes: Sizes) -> list[Obstacle]:
        value = evaluate_poly(problem.poly, problem.free, problem.space.ranges, values, sizes)
        if np.all(np.isfinite(value)):
            return []
        return [Obstacle("the index expression is undefined", names)]

    points: list[Point] = []
    for outcome in sample_points(symbols, inspect, seed):
        if isinstance(outcome, Point):
            points.append(outcome)
            if len(points) == DRAWS:
                break
    return points


def check_forms(
    problem: IndexProblem, forms: tuple[Expr, ...], shape: tuple[Dim, Dim], seed: int
) -> Check:
    """Compare each matrix form with the index expression at `DRAWS` random points."""
    reasons = [""] * len(forms)
    points = index_points(problem, seed)
    if not points:
        reasons = ["the index expression is undefined at every random point"] * len(forms)
    for point in points:
        values, sizes = point.values, point.sizes
        with np.errstate(all="ignore"):
            expected = evaluate_poly(problem.poly, problem.free, problem.space.ranges, values,
                                     sizes)
        target = expected.reshape(size_of(shape[0], sizes), size_of(shape[1], sizes))
        for position, form in enumerate(forms):
            if not reasons[position]:
                reasons[position] = _disagreement(form, values, sizes, target)
    sizes_used = tuple(sorted((k, v) for k, v in points[0].sizes.items()
                              if isinstance(k, str))) if points else ()
    return Check(tuple(not r for r in reasons), tuple(reasons), seed, sizes_used)


def _disagreement(
    form: Expr, values: Mapping[str, Array], sizes: Sizes, expected: Array
) -> str:
    """Why `form` is not `expected` at this point, or "" when it is."""
    try:
        with np.errstate(all="ignore"):
            derived = evaluate(form, values, sizes)
    except (ValueError, np.linalg.LinAlgError, KeyError, TypeError):
        return "the answer cannot be evaluated at random points"
    if derived.shape != expected.shape:
        return (f"the answer is {derived.shape[0]}×{derived.shape[1]} but the index "
                f"expression is {expected.shape[0]}×{expected.shape[1]}")
    if not within_tolerance(derived, expected, RELATIVE_TOLERANCE, ROUNDING):
        return "the values differ on random arrays"
    return ""

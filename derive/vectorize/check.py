"""The numeric check of `derive vectorize`: matrix forms against the index expression.

Every dimension gets a different size (so a missing transpose cannot hide behind a square
matrix), every symbol random values; the index expression is evaluated with `evaluate_poly` and
each form with `evaluate`. A draw where the index expression is undefined (log of a negative)
is repeated with positive values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from derive.engine.evaluate import Array, evaluate, evaluate_poly
from derive.engine.verify import draw_sizes, error_of
from derive.expr.nodes import Dim, Expr
from derive.vectorize.problem import IndexProblem

DRAWS = 2
RELATIVE_TOLERANCE = 1e-8


@dataclass(frozen=True, slots=True)
class Check:
    """Per form: whether it matched on every draw, and its largest relative error."""

    passed: tuple[bool, ...]
    errors: tuple[float, ...]
    seed: int
    sizes: tuple[tuple[str, int], ...]


def _dims(problem: IndexProblem) -> tuple[str, ...]:
    names = {d for shape in problem.shapes.values() for d in shape if isinstance(d, str)}
    names |= {d for d in problem.space.ranges.values() if isinstance(d, str)}
    return tuple(sorted(names))


def _size(dim: Dim, sizes: Mapping[str, int]) -> int:
    return dim if isinstance(dim, int) else sizes[dim]


def _values(
    problem: IndexProblem, sizes: Mapping[str, int], rng: np.random.Generator, positive: bool
) -> dict[str, Array]:
    values: dict[str, Array] = {}
    for name, (rows, cols) in problem.shapes.items():
        if name in sizes and (rows, cols) == (1, 1):
            continue  # a scalar named like a dimension is that dimension's size
        shape = (_size(rows, sizes), _size(cols, sizes))
        values[name] = rng.uniform(0.5, 2.0, shape) if positive else rng.standard_normal(shape)
    return values


def check_forms(
    problem: IndexProblem, forms: tuple[Expr, ...], shape: tuple[Dim, Dim], seed: int
) -> Check:
    """Compare each matrix form with the index expression on `DRAWS` random draws."""
    passed = [True] * len(forms)
    errors = [0.0] * len(forms)
    first_sizes: tuple[tuple[str, int], ...] = ()
    for draw in range(DRAWS):
        rng = np.random.default_rng(seed + draw)
        sizes = draw_sizes(_dims(problem), rng)
        first_sizes = first_sizes or tuple(sorted(sizes.items()))
        expected, values = _expected(problem, sizes, rng)
        target = (_size(shape[0], sizes), _size(shape[1], sizes))
        for position, form in enumerate(forms):
            error = _error(form, values, sizes, expected.reshape(target))
            errors[position] = max(errors[position], error)
            passed[position] = passed[position] and error <= RELATIVE_TOLERANCE
    return Check(tuple(passed), tuple(errors), seed, first_sizes)


def _expected(
    problem: IndexProblem, sizes: Mapping[str, int], rng: np.random.Generator
) -> tuple[Array, dict[str, Array]]:
    ranges = problem.space.ranges
    values: dict[str, Array] = {}
    expected = np.full((), np.nan)
    for positive in (False, True):
        values = _values(problem, sizes, rng, positive)
        with np.errstate(all="ignore"):
            expected = evaluate_poly(problem.poly, problem.free, ranges, values, sizes)
        if np.all(np.isfinite(expected)):
            break
    return expected, values


def _error(form: Expr, values: Mapping[str, Array], sizes: Mapping[str, int],
           expected: Array) -> float:
    try:
        with np.errstate(all="ignore"):
            derived = evaluate(form, values, sizes)
    except (ValueError, np.linalg.LinAlgError, KeyError, TypeError):
        return float("inf")
    if derived.shape != expected.shape:
        if derived.shape != (1, 1):
            return float("inf")
        derived = np.broadcast_to(derived, expected.shape)
    if not (np.all(np.isfinite(derived)) and np.all(np.isfinite(expected))):
        return float("inf")
    return error_of(derived, expected)[1]

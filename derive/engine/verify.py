"""The numeric check: compare a derived answer with finite differences at general points.

The points come from `points.sample_points` (signed values, non-symmetric matrices, a size per
dimension name, domains and conditioning respected). At each point the entry formula, the matrix
form and the compact form are compared separately with central differences (one Richardson
step); when those are too coarse, the exact complex-step derivative decides. Shapes are always
compared, zeros included.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from typing import NamedTuple

import numpy as np
from msgspec import Struct
from numpy.typing import NDArray

from derive.engine.evaluate import Array, Sizes, evaluate, evaluate_poly
from derive.engine.points import (
    Obstacle,
    Point,
    Symbols,
    conditioned_symbols,
    explain_failure,
    inspect_expression,
    sample_points,
)
from derive.engine.steps import Verification
from derive.expr.nodes import Dim, Expr
from derive.expr.terms import Poly
from derive.problem import Problem

RELATIVE_TOLERANCE = 1e-6
"""Largest accepted |derived - numeric| relative to the larger of the two, entry by entry max."""

NOISE = 1e-9
"""Rounding noise allowed in a finite difference, relative to max(1, |function value|)."""

STEP = 1e-4
DRAWS = 2


class Axes(Struct, frozen=True):
    """Which axis of the full derivative array (out_row, out_col, var_row, var_col) an index is."""

    positions: Mapping[str, int]


def symbols_of(problem: Problem) -> Symbols:
    """What the point sampler needs to know about a problem's symbols."""
    return Symbols(problem.shapes, problem.assumptions, problem.dims(),
                   conditioned_symbols(problem.expr), problem.numbers())


def problem_points(problem: Problem, seed: int, count: int) -> tuple[list[Point], str]:
    """Up to `count` usable points for `problem`, and why there are fewer when there are."""
    points: list[Point] = []
    failed: list[list[Obstacle]] = []
    for outcome in sample_points(symbols_of(problem), inspect_expression(problem.expr), seed):
        if isinstance(outcome, Point):
            points.append(outcome)
            if len(points) == count:
                break
        else:
            failed.append(outcome)
    return points, explain_failure(failed)


def within_tolerance(derived: Array, expected: Array, tolerance: float, noise: float) -> bool:
    """|derived - expected| <= tolerance × the larger magnitude + noise, for every entry.

    Example:
        >>> within_tolerance(np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-9]), 1e-8, 0.0)
        True
        >>> within_tolerance(np.zeros(2), np.array([1e-7, 0.0]), 1e-6, 1e-9)
        False
    """
    if derived.shape != expected.shape:
        return False
    if not (np.all(np.isfinite(derived)) and np.all(np.isfinite(expected))):
        return False
    if not expected.size:
        return True
    difference = float(np.max(np.abs(derived - expected)))
    scale = max(float(np.max(np.abs(expected))), float(np.max(np.abs(derived))))
    return difference <= tolerance * scale + noise


def full_derivative(
    function: Callable[[Mapping[str, Array]], Array], values: Mapping[str, Array], wrt: str
) -> Array:
    """Central differences of every output entry by every entry of `wrt`: axes (R, C, P, Q).

    One Richardson step, (4 D(h/2) - D(h)) / 3, cancels the h² error term, so steep functions
    (exp of a large argument, powers near a pole) still check to a tight tolerance.
    """
    base = values[wrt]
    out = function(values)
    result = np.zeros(out.shape + base.shape)

    def central(p: int, q: int, step: float) -> Array:
        plus, minus = base.copy(), base.copy()
        plus[p, q] += step
        minus[p, q] -= step
        return (function({**values, wrt: plus}) - function({**values, wrt: minus})) / (2 * step)

    for p in range(base.shape[0]):
        for q in range(base.shape[1]):
            result[:, :, p, q] = (4 * central(p, q, STEP / 2) - central(p, q, STEP)) / 3
    return result


Extend = Callable[[Mapping[str, Array], Sizes], dict[str, Array]]
"""Computes derived values (a chain's intermediates) from the drawn ones."""

class Compact(NamedTuple):
    """The compact 2-D form of a 3- or 4-axis derivative: G over `indices`, and the
    (kept, dropped) index pairs of the deltas removed to reach it."""

    expr: Expr
    indices: tuple[str, ...]
    pairs: tuple[tuple[str, str], ...]
    repeated: tuple[Dim, Dim] | None = None
    """The shape G has with its repeated rows or columns written out, when one copy was kept."""


class Claims(Struct, frozen=True):
    """What a derivation claims, to be compared with finite differences: the entry formula over
    `indices`, the matrix `result` laid out by `arrangement`, and the compact form."""

    element: Poly
    indices: tuple[str, ...]
    ranges: Mapping[str, Dim]
    axes: Axes
    result: Expr | None
    arrangement: tuple[str | None, str | None]
    compact: Compact | None


def check(
    problem: Problem, wrt: str, claims: Claims, seed: int, extend: Extend | None = None
) -> Verification:
    """Check every form a derivation claims against finite differences at `DRAWS` points.

    `extend` adds derived values (a chain's intermediates and δs) before the claims are
    evaluated. A verification with no draws means no usable point was found; its `reason` says
    why (a function outside its domain at every point, say).
    """
    failed: list[list[Obstacle]] = []
    used: list[Point] = []
    method = "central finite differences"
    passed = True
    symbols = symbols_of(problem)
    for outcome in sample_points(symbols, inspect_expression(problem.expr), seed):
        if len(used) == DRAWS:
            break
        if not isinstance(outcome, Point):
            failed.append(outcome)
            continue
        values, sizes = outcome.values, outcome.sizes
        with np.errstate(all="ignore"):
            numeric, noise = _numeric(problem, wrt, values, sizes)
            if numeric is None:
                failed.append([Obstacle("finite differences are not finite")])
                continue
            claimed = extend(values, sizes) if extend is not None else values
            agree = _agree(claims, claimed, sizes, numeric, noise)
            if agree is False:
                exact = _complex_step(problem, wrt, values, sizes)
                if exact is not None and _agree(claims, claimed, sizes, exact, noise) is True:
                    method = "complex-step finite differences"
                    agree = True
        used.append(outcome)
        passed = passed and agree is True
        if agree is None:
            break  # a wrong shape: nothing more to learn
    first = used[0].sizes if used else {}
    named = tuple(sorted((k, v) for k, v in first.items() if isinstance(k, str)))
    stand_ins = tuple(sorted((k, v) for k, v in first.items() if isinstance(k, int)))
    reason = None if used else explain_failure(failed)
    return Verification(passed and bool(used), seed, named, len(used), method,
                        RELATIVE_TOLERANCE, reason, stand_ins)


def _numeric(
    problem: Problem, wrt: str, values: Mapping[str, Array], sizes: Sizes
) -> tuple[Array | None, float]:
    """The finite-difference derivative at a point and the rounding noise it may carry."""

    def function(point: Mapping[str, Array]) -> Array:
        return evaluate(problem.expr, point, sizes)

    try:
        numeric = full_derivative(function, values, wrt)
        value = function(values)
    except np.linalg.LinAlgError:
        return None, 0.0
    if not (np.all(np.isfinite(numeric)) and np.all(np.isfinite(value))):
        return None, 0.0
    return numeric, NOISE * max(1.0, float(np.max(np.abs(value))))


def _agree(
    claims: Claims,
    values: Mapping[str, Array],
    sizes: Sizes,
    numeric: Array,
    noise: float,
) -> bool | None:
    """Whether every claimed form matches the numeric derivative; None for a wrong shape."""
    forms, expected = _forms(claims, values, sizes, numeric)
    if forms is None:
        return None
    return all(
        within_tolerance(derived, target, RELATIVE_TOLERANCE, noise)
        for derived, target in zip(forms, expected, strict=True)
    )


def _forms(
    claims: Claims, values: Mapping[str, Array], sizes: Sizes, numeric: Array
) -> tuple[list[Array] | None, list[Array]]:
    """Each derived form next to the finite-difference array it must equal."""
    indices, result, compact = claims.indices, claims.result, claims.compact
    named = _named_view(numeric, indices, claims.axes)
    forms = [evaluate_poly(claims.element, indices, claims.ranges, values, sizes)]
    expected = [named]
    if result is not None:
        derived = evaluate(result, values, sizes)
        expected.append(_arranged(named, indices, claims.arrangement))
        if derived.shape != expected[-1].shape:
            return None, expected
        forms.append(derived)
    if compact is not None:
        compact_expr, kept, pairs = compact.expr, compact.indices, compact.pairs
        diagonal, order = _diagonal(named, indices, pairs)
        # G may drop axes it does not depend on: broadcast it along them.
        axes_shape = tuple(n if i in kept else 1 for i, n in zip(order, diagonal.shape,
                                                                  strict=True))
        compact_values = evaluate(compact_expr, values, sizes)
        if compact_values.size != int(np.prod(axes_shape)):
            return None, expected
        forms.append(np.broadcast_to(compact_values.reshape(axes_shape),
                                     diagonal.shape).reshape(-1))
        expected.append(diagonal.reshape(-1))
    return forms, expected


def _complex_step(
    problem: Problem, wrt: str, values: Mapping[str, Array], sizes: Sizes
) -> Array | None:
    """The derivative by complex steps, exact to rounding for the analytic functions we have."""
    step = 1e-30
    base = values[wrt].astype(np.complex128)
    # A cast to real inside numpy would silently drop the step: then the method does not apply.
    with warnings.catch_warnings():
        warnings.simplefilter("error", np.exceptions.ComplexWarning)
        return _complex_step_at(problem, wrt, values, sizes, base, step)


def _complex_step_at(
    problem: Problem,
    wrt: str,
    values: Mapping[str, Array],
    sizes: Sizes,
    base: NDArray[np.complex128],
    step: float,
) -> Array | None:
    try:
        out = evaluate(problem.expr, values, sizes)
        result = np.zeros(out.shape + base.shape)
        for p in range(base.shape[0]):
            for q in range(base.shape[1]):
                shifted = base.copy()
                shifted[p, q] += step * 1j
                # evaluate() is dtype-generic: numpy carries the complex step through it.
                high = evaluate(problem.expr, {**values, wrt: shifted}, sizes)  # type: ignore[dict-item]
                result[:, :, p, q] = np.imag(high) / step
    except (np.linalg.LinAlgError, TypeError, ValueError, np.exceptions.ComplexWarning):
        return None
    return result if np.all(np.isfinite(result)) else None


def _named_view(numeric: Array, indices: tuple[str, ...], axes: Axes) -> Array:
    """The full (R, C, P, Q) array with size-1 axes dropped, axes in `indices` order."""
    order = [axes.positions[i] for i in indices]
    dropped = [a for a in range(4) if a not in order]
    if not order:
        return numeric.reshape(())
    return numeric.transpose(order + dropped).reshape(tuple(numeric.shape[a] for a in order))


def _diagonal(
    named: Array, indices: tuple[str, ...], pairs: tuple[tuple[str, str], ...]
) -> tuple[Array, tuple[str, ...]]:
    """Entries of the full derivative where each dropped index equals its partner."""
    labels = list(indices)
    array = named
    for partner, gone in pairs:
        array = np.diagonal(array, axis1=labels.index(partner), axis2=labels.index(gone))
        labels = [i for i in labels if i not in (partner, gone)] + [partner]
    order = tuple(i for i in indices if i in labels)
    return array.transpose([labels.index(i) for i in order]), order


def _arranged(
    named: Array, indices: tuple[str, ...], arrangement: tuple[str | None, str | None]
) -> Array:
    """The derivative laid out as the (row, col) matrix of the chosen layout."""
    row, col = arrangement
    order = [indices.index(i) for i in (row, col) if i is not None]
    matrix = named.transpose(order) if order else named
    rows = matrix.shape[0] if row is not None else 1
    return matrix.reshape(rows, -1) if row is not None or col is not None else matrix.reshape(1, 1)

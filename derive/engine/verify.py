"""The numeric check: compare a derived answer with central finite differences.

Each dimension name gets its own size (2..7, all different, so a missing transpose cannot hide
behind a square matrix); values honour the assumptions (spd: R R^T + n I; invertible: diagonally
dominant; positive: in [0.5, 2]); matrices inside inv/det/logdet are drawn well conditioned.
When the function is undefined at the draw (log of a negative, say) the draw is repeated with
positive entries and spd matrices. The element formula and the matrix form are checked separately.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import cast

import numpy as np
from numpy.typing import NDArray

from derive.engine.evaluate import Array, evaluate, evaluate_poly
from derive.engine.steps import Verification
from derive.engine.terms import Poly
from derive.expr.nodes import Call, Dim, Expr, children
from derive.expr.shapes import Shape
from derive.problem import Problem

RELATIVE_TOLERANCE = 1e-6
"""Largest accepted |derived - numeric| / max(1, |numeric|) over all entries."""

STEP = 1e-4
DRAWS = 2


@dataclass(frozen=True, slots=True)
class Axes:
    """Which axis of the full derivative array (out_row, out_col, var_row, var_col) an index is."""

    positions: Mapping[str, int]


def draw_sizes(dims: tuple[str, ...], rng: np.random.Generator) -> dict[str, int]:
    """Give each dimension name a different size, 2 and up."""
    pool = list(range(2, max(8, len(dims) + 2)))
    rng.shuffle(pool)
    return {name: pool[position] for position, name in enumerate(dims)}


def _conditioned(expr: Expr) -> set[str]:
    """Symbols that appear inside inv, det or logdet."""
    found: set[str] = set()
    if isinstance(expr, Call) and expr.func in ("inv", "det", "logdet"):
        from derive.expr.nodes import symbols_in

        found |= symbols_in(expr)
    for child in children(expr):
        found |= _conditioned(child)
    return found


def draw_values(
    problem: Problem, sizes: Mapping[str, int], rng: np.random.Generator, *, safe: bool
) -> dict[str, Array]:
    """Random values for every symbol, honouring assumptions; `safe` makes everything positive."""
    conditioned = _conditioned(problem.expr)
    values: dict[str, Array] = {}
    for name, (rows, cols) in problem.shapes.items():
        if name in sizes and (rows, cols) == (1, 1):
            values[name] = np.array([[float(sizes[name])]])
            continue
        r, c = _size(rows, sizes), _size(cols, sizes)
        props = problem.assumptions.get(name, frozenset())
        if "positive" in props or safe:
            value = rng.uniform(0.5, 2.0, (r, c))
        else:
            value = rng.standard_normal((r, c))
        if r == c and r > 1:
            if "spd" in props or (safe and name in conditioned):
                value = value @ value.T + r * np.eye(r)
            elif "symmetric" in props:
                value = (value + value.T) / 2
            if ("invertible" in props or name in conditioned) and "spd" not in props:
                value = value + (r + 1) * np.eye(r)
        values[name] = value
    return values


def _size(dim: Dim, sizes: Mapping[str, int]) -> int:
    return dim if isinstance(dim, int) else sizes[dim]


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


def error_of(derived: Array, numeric: Array) -> tuple[float, float]:
    """(largest absolute difference, that difference relative to max(1, largest |numeric|))."""
    difference = float(np.max(np.abs(derived - numeric))) if numeric.size else 0.0
    scale = max(1.0, float(np.max(np.abs(numeric))) if numeric.size else 1.0)
    return difference, difference / scale


Extend = Callable[[Mapping[str, Array], Mapping[str, int]], dict[str, Array]]
"""Computes derived values (a chain's intermediates) from the drawn ones."""


def random_points(
    problem: Problem, seed: int, draws: int, extend: Extend | None = None
) -> Iterator[tuple[dict[str, Array], dict[str, int]]]:
    """Safe random values and sizes for comparing two forms of an answer (not derivatives)."""
    for draw in range(draws):
        rng = np.random.default_rng(seed + draw)
        sizes = draw_sizes(problem.dims(), rng)
        values = draw_values(problem, sizes, rng, safe=True)
        yield (extend(values, sizes) if extend is not None else values), sizes

Compact = tuple[Expr, tuple[str, ...], tuple[tuple[str, str], ...]]
"""A compact 2-D form, its indices, and the (kept, dropped) index pairs of its deltas."""


@dataclass(frozen=True, slots=True)
class Claims:
    """What a derivation claims, to be compared with finite differences: the entry formula over
    `indices`, the matrix `result` laid out by `arrangement`, and the compact form."""

    element: Poly
    indices: tuple[str, ...]
    ranges: Mapping[str, Dim]
    axes: Axes
    result: Expr | None
    arrangement: tuple[str | None, str | None]
    compact: Compact | None


MAX_ATTEMPTS = 8
"""Size and value draws tried before an expression is declared undefined at random points."""


def check(
    problem: Problem,
    wrt: str,
    element: Poly,
    indices: tuple[str, ...],
    ranges: Mapping[str, Dim],
    axes: Axes,
    result: Expr | None,
    arrangement: tuple[str | None, str | None],
    result_shapes: Mapping[str, Shape],
    seed: int,
    compact: Compact | None = None,
    extend: Extend | None = None,
) -> Verification:
    """Check the element formula and the matrix answer against finite differences.

    `extend` adds derived values (intermediates of a chain) before the answer is evaluated.

    Draws where the expression is undefined or ill-conditioned (a singular matrix inside inv,
    say) are skipped; when central differences disagree, the exact complex-step derivative
    decides. Returns the worst errors over all draws and all forms.
    """
    claims = Claims(element, indices, ranges, axes, result, arrangement, compact)
    worst_abs = worst_rel = 0.0
    first_sizes: dict[str, int] = {}
    done = 0
    method = "central finite differences"
    for attempt in range(MAX_ATTEMPTS):
        if done == DRAWS:
            break
        rng = np.random.default_rng(seed + attempt)
        sizes = draw_sizes(problem.dims(), rng)
        point = _point(problem, wrt, sizes, rng)
        if point is None:
            continue
        values, numeric = point
        if extend is not None:
            with np.errstate(all="ignore"):
                values = extend(values, sizes)
        with np.errstate(all="ignore"):
            errors = _compare(claims, values, sizes, numeric)
            if errors is not None and errors[1] > RELATIVE_TOLERANCE:
                exact = _complex_step(problem, wrt, values, sizes)
                if exact is not None:
                    method = "complex-step finite differences"
                    errors = _compare(claims, values, sizes, exact)
        if errors is None:
            return Verification(False, seed, tuple(sorted(sizes.items())), done + 1,
                                np.inf, np.inf, method)
        first_sizes = first_sizes or sizes
        done += 1
        worst_abs, worst_rel = max(worst_abs, errors[0]), max(worst_rel, errors[1])
    if done == 0:
        return Verification(False, seed, (), 0, np.inf, np.inf, method)
    passed = worst_rel <= RELATIVE_TOLERANCE
    return Verification(passed, seed, tuple(sorted(first_sizes.items())), done, worst_abs,
                        worst_rel, method)


def _compare(
    claims: Claims, values: Mapping[str, Array], sizes: Mapping[str, int], numeric: Array
) -> tuple[float, float] | None:
    """Worst (absolute, relative) error over the derived forms; None for a wrong shape."""
    forms, expected = _forms(claims, values, sizes, numeric)
    if forms is None:
        return None
    worst_abs = worst_rel = 0.0
    for derived_form, numeric_form in zip(forms, expected, strict=True):
        if not np.all(np.isfinite(derived_form)):
            return (np.inf, np.inf)
        absolute, relative = error_of(derived_form, numeric_form)
        worst_abs, worst_rel = max(worst_abs, absolute), max(worst_rel, relative)
    return worst_abs, worst_rel


def _forms(
    claims: Claims, values: Mapping[str, Array], sizes: Mapping[str, int], numeric: Array
) -> tuple[list[Array] | None, list[Array]]:
    """Each derived form next to the finite-difference array it must equal."""
    indices, result, compact = claims.indices, claims.result, claims.compact
    named = _named_view(numeric, indices, claims.axes)
    forms = [evaluate_poly(claims.element, indices, claims.ranges, values, sizes)]
    expected = [named]
    if result is not None:
        derived = evaluate(result, values, sizes)
        expected.append(_arranged(named, indices, claims.arrangement))
        if derived.shape != expected[-1].shape and not _is_zero(result):
            return None, expected
        forms.append(np.broadcast_to(derived, expected[-1].shape))
    if compact is not None:
        compact_expr, kept, pairs = compact
        diagonal, order = _diagonal(named, indices, pairs)
        # G may drop axes it does not depend on: broadcast it along them.
        axes_shape = tuple(n if i in kept else 1 for i, n in zip(order, diagonal.shape,
                                                                  strict=True))
        compact_values = evaluate(compact_expr, values, sizes).reshape(axes_shape)
        forms.append(np.broadcast_to(compact_values, diagonal.shape).reshape(-1))
        expected.append(diagonal.reshape(-1))
    return forms, expected


def _is_zero(expr: Expr) -> bool:
    from derive.expr.nodes import Mul, Number

    zero = Number(Fraction(0))
    return expr == zero or (isinstance(expr, Mul) and expr.left == zero)


CONDITION_LIMIT = 1e10


def _point(
    problem: Problem, wrt: str, sizes: Mapping[str, int], rng: np.random.Generator
) -> tuple[dict[str, Array], Array] | None:
    """Values at which the expression is defined and well conditioned, and its derivative there."""

    def function(values: Mapping[str, Array]) -> Array:
        return evaluate(problem.expr, values, sizes)

    for safe in (False, True):
        values = draw_values(problem, sizes, rng, safe=safe)
        with np.errstate(all="ignore"):
            try:
                if not _well_conditioned(problem.expr, values, sizes):
                    continue
                numeric = full_derivative(function, values, wrt)
            except np.linalg.LinAlgError:
                continue
        if np.all(np.isfinite(numeric)):
            return values, numeric
    return None


def _well_conditioned(expr: Expr, values: Mapping[str, Array], sizes: Mapping[str, int]) -> bool:
    """Whether every matrix inside inv, det and logdet is far from singular at these values."""
    if isinstance(expr, Call) and expr.func in ("inv", "det", "logdet"):
        matrix = evaluate(expr.args[0], values, sizes)
        if matrix.shape[0] > 1 and not np.linalg.cond(matrix) < CONDITION_LIMIT:
            return False
    return all(_well_conditioned(child, values, sizes) for child in children(expr))


def _complex_step(
    problem: Problem, wrt: str, values: Mapping[str, Array], sizes: Mapping[str, int]
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
    sizes: Mapping[str, int],
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
                high = evaluate(problem.expr, {**values, wrt: cast(Array, shifted)}, sizes)
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

"""The independent numeric oracle of the tests: finite differences and layout arrangement.

Written here, not imported from `derive.engine.verify`, so a bug in the engine's own check cannot
hide a wrong answer from the tests.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

STEP = 1e-5


def finite_differences(
    function: Callable[[np.ndarray], np.ndarray], base: np.ndarray, step: float = STEP
) -> np.ndarray:
    """d out[R, C] / d base[P, Q], central differences with one Richardson step: (R, C, P, Q)."""
    out = function(base)
    result = np.zeros(out.shape + base.shape)

    def central(p: int, q: int, step: float) -> np.ndarray:
        plus, minus = base.copy(), base.copy()
        plus[p, q] += step
        minus[p, q] -= step
        return (function(plus) - function(minus)) / (2 * step)

    for p in range(base.shape[0]):
        for q in range(base.shape[1]):
            result[:, :, p, q] = (4 * central(p, q, step / 2) - central(p, q, step)) / 3
    return result


def settled_differences(
    function: Callable[[np.ndarray], np.ndarray], base: np.ndarray, tolerance: float
) -> np.ndarray | None:
    """`finite_differences`, or None where halving the step moves them by more than `tolerance`
    (relative): near a pole or inside fast oscillation, such as cos(w^-2) at w = 0.005."""
    coarse = finite_differences(function, base)
    fine = finite_differences(function, base, STEP / 8)
    scale = max(1.0, float(np.max(np.abs(fine)))) if fine.size else 1.0
    if not np.all(np.isfinite(fine)) or (
        fine.size and float(np.max(np.abs(fine - coarse))) > tolerance * scale
    ):
        return None
    return coarse


def arrange(full: np.ndarray, layout: str) -> np.ndarray | None:
    """The derivative matrix in `layout` (README's table); None for 3 or 4 axes."""
    rows, cols, var_rows, var_cols = full.shape
    out_axes = sum(1 for n in (rows, cols) if n > 1)
    var_axes = sum(1 for n in (var_rows, var_cols) if n > 1)
    if out_axes + var_axes > 2:
        return None
    if out_axes == 0:
        gradient = full[0, 0]
        return gradient.T if layout == "numerator" else gradient
    if var_axes == 0:
        derivative = full[:, :, 0, 0]
        return derivative.T if layout == "denominator" else derivative
    jacobian = full.reshape(rows * cols, var_rows * var_cols)
    return jacobian.T if layout == "denominator" else jacobian


def relative_error(actual: np.ndarray, expected: np.ndarray) -> float:
    actual = np.broadcast_to(actual, expected.shape)
    if not expected.size:
        return 0.0
    scale = max(1.0, float(np.max(np.abs(expected))))
    return float(np.max(np.abs(actual - expected))) / scale

"""Concrete stand-ins for declared, unspecified functions, used only by the numeric checks.

An answer with f'(a) or ∇h(ŷ) in it is checked by substituting random smooth functions whose
derivatives are known exactly: f(t) = c₁ sin t + c₂ t + c₃ t²/2 entrywise;
h(A) = Σ w ⊙ sin A + ½ (Σ u ⊙ A)²; g(v) = tanh(G v). The coefficients are fixed by the function's
name (and the argument's shape), so every evaluation in a check sees the same function.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from derive.engine.draws import Draws

Array = NDArray[np.float64]


def _coefficients(name: str) -> tuple[float, float, float]:
    low, high = np.array((0.5, -1.0, 0.1)), np.array((1.5, 1.0, 0.5))
    c1, c2, c3 = low + (high - low) * Draws(name).uniform((3,))
    return float(c1), float(c2), float(c3)


def base_name(name: str, kind: str) -> str:
    """The declared function behind a derivative's name (f_prime -> f, grad_h -> h)."""
    if kind == "derivative":
        return name.removesuffix("_prime")
    if kind in ("gradient", "jacobian"):
        return name.split("_", 1)[1]
    return name


def generic_value(name: str, kind: str, size: int | None, value: Array) -> Array:
    """The stand-in function `name` of `kind` applied to `value` (a 2-D array)."""
    base = base_name(name, kind)
    if kind in ("elementwise", "derivative"):
        c1, c2, c3 = _coefficients(base)
        if kind == "elementwise":
            result: Array = c1 * np.sin(value) + c2 * value + c3 * value * value / 2
        else:
            result = c1 * np.cos(value) + c2 + c3 * value
        return result
    if kind in ("scalar", "gradient"):
        draws = Draws(base, *value.shape)
        w, u = draws.normal(value.shape), draws.normal(value.shape)
        inner = np.sum(u * value)
        if kind == "scalar":
            return np.array([[np.sum(w * np.sin(value)) + inner * inner / 2]])
        gradient: Array = w * np.cos(value) + inner * u
        return gradient
    assert size is not None
    weights = Draws(base, size, value.shape[0]).normal((size, value.shape[0]))
    activation = np.tanh(weights @ value)
    if kind == "vector":
        return activation
    jacobian: Array = (1 - activation * activation) * weights
    return jacobian

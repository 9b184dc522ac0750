"""Textbook identities come out in textbook form, and are numerically right.

Each case asserts the exact answer string the engine gives (checked to be the textbook form) and,
independently, that the string evaluates to the same matrix as the textbook formula written here.
"""

from __future__ import annotations

import numpy as np
import pytest

from derive import DeriveError, parse, solve
from derive.engine.evaluate import evaluate

# (id, expr, wrt, shapes, assume, layout, exact result, textbook formula for the numeric check)
CASES = [
    ("tr(AXB)", "tr(A @ X @ B)", "X", {"A": ["m", "n"], "X": ["n", "p"], "B": ["p", "m"]},
     None, "denominator", "A.T @ B.T", "A.T @ B.T"),
    ("logdet", "logdet(X)", "X", {"X": ["n", "n"]}, None, "denominator", "inv(X).T", "inv(X).T"),
    ("a'inv(X)b", "a.T @ inv(X) @ b", "X", {"a": ["n"], "X": ["n", "n"], "b": ["n"]}, None,
     "denominator", "-(inv(X).T @ a @ b.T @ inv(X).T)", "-(inv(X).T @ a @ b.T @ inv(X).T)"),
    ("least-squares", "norm(A @ x - b)**2", "x", {"A": ["m", "n"], "x": ["n"], "b": ["m"]},
     None, "denominator", "2 * (A.T @ (A @ x - b))", "2 * (A.T @ (A @ x - b))"),
    ("quadratic", "x.T @ A @ x", "x", {"x": ["n"], "A": ["n", "n"]}, None, "denominator",
     "(A + A.T) @ x", "(A + A.T) @ x"),
    ("quadratic-symmetric", "x.T @ A @ x", "x", {"x": ["n"], "A": ["n", "n"]},
     {"A": "symmetric"}, "denominator", "2 * (A @ x)", "2 * (A @ x)"),
    ("Wx-denominator", "W @ x", "x", {"W": ["m", "n"], "x": ["n"]}, None, "denominator",
     "W.T", "W.T"),
    ("Wx-numerator", "W @ x", "x", {"W": ["m", "n"], "x": ["n"]}, None, "numerator", "W", "W"),
    ("xW-row-denominator", "x @ W", "x", {"x": [1, "n"], "W": ["n", "m"]}, None, "denominator",
     "W", "W"),
    ("VWx-denominator", "V @ W @ x", "x", {"V": ["p", "m"], "W": ["m", "n"], "x": ["n"]}, None,
     "denominator", "W.T @ V.T", "W.T @ V.T"),
    ("regression", "(1/N) * (X @ theta - y).T @ (X @ theta - y)", "theta",
     {"X": ["N", "D"], "theta": ["D"], "y": ["N"]}, None, "denominator",
     "2 / N * (X.T @ (X @ theta - y))", "(2/N) * (X.T @ X @ theta - X.T @ y)"),
    ("independent-symbol", "x.T @ x + 0 * (b.T @ b)", "b", {"x": ["n"], "b": ["n"]}, None,
     "denominator", "0 * ones(n)", "0 * b"),
]


def _values(shapes: dict[str, list], assume: dict[str, str] | None, seed: int = 3):
    """Random values with distinct sizes; square matrices well conditioned, symmetric if told."""
    rng = np.random.default_rng(seed)
    dims = sorted({d for s in shapes.values() for d in s if isinstance(d, str)})
    sizes = {d: size for d, size in zip(dims, (3, 4, 5, 6, 7), strict=False)}
    values = {}
    for name, dims_of in shapes.items():
        rows = dims_of[0] if dims_of else 1
        cols = dims_of[1] if len(dims_of) == 2 else 1
        r = sizes[rows] if isinstance(rows, str) else rows
        c = sizes[cols] if isinstance(cols, str) else cols
        value = rng.standard_normal((r, c))
        if r == c and r > 1:
            value = value + r * np.eye(r)
            if assume and assume.get(name) == "symmetric":
                value = (value + value.T) / 2
        values[name] = value
    for dim, size in sizes.items():  # a scalar symbol named like a dimension is its size
        values.setdefault(dim, np.array([[float(size)]]))
    return values, sizes


@pytest.mark.parametrize(
    ("expr", "wrt", "shapes", "assume", "layout", "expected", "formula"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_identity(expr, wrt, shapes, assume, layout, expected, formula) -> None:
    solution = solve(expr, wrt, shapes=shapes, assume=assume, layout=layout)
    data = solution.to_dict()
    assert data["verified"] is True
    assert data["layout"] == layout
    assert solution.result == expected
    values, sizes = _values(shapes, assume)
    derived = evaluate(parse(solution.result), values, sizes)
    textbook = evaluate(parse(formula), values, sizes)
    np.testing.assert_allclose(np.broadcast_to(derived, textbook.shape), textbook, atol=1e-9)


LAYOUT_CASES = [
    ("quadratic", "x.T @ A @ x", "x", {"x": ["n"], "A": ["n", "n"]},
     {"denominator": "(A + A.T) @ x", "numerator": "x.T @ (A.T + A)", "mixed": "(A + A.T) @ x"}),
    ("Wx", "W @ x", "x", {"W": ["m", "n"], "x": ["n"]},
     {"denominator": "W.T", "numerator": "W", "mixed": "W"}),
    ("xW", "x @ W", "x", {"x": [1, "n"], "W": ["n", "m"]},
     {"denominator": "W", "numerator": "W.T", "mixed": "W.T"}),
    ("tr(AXB)", "tr(A @ X @ B)", "X", {"A": ["m", "n"], "X": ["n", "p"], "B": ["p", "m"]},
     {"denominator": "A.T @ B.T", "numerator": "B @ A", "mixed": "A.T @ B.T"}),
    ("logdet", "logdet(X)", "X", {"X": ["n", "n"]},
     {"denominator": "inv(X).T", "numerator": "inv(X)", "mixed": "inv(X).T"}),
]


@pytest.mark.parametrize("layout", ["denominator", "numerator", "mixed"])
@pytest.mark.parametrize(
    ("expr", "wrt", "shapes", "by_layout"),
    [pytest.param(*case[1:], id=case[0]) for case in LAYOUT_CASES],
)
def test_layouts(expr, wrt, shapes, by_layout, layout) -> None:
    solution = solve(expr, wrt, shapes=shapes, layout=layout)
    assert solution.to_dict()["verified"] is True
    assert solution.result == by_layout[layout]


def test_unknown_wrt_raises() -> None:
    with pytest.raises(DeriveError, match="not a symbol"):
        solve("x.T @ x", "q", shapes={"x": ["n"]})


def test_dimension_name_is_not_a_variable() -> None:
    with pytest.raises(DeriveError):
        solve("x.T @ x", "n", shapes={"x": ["n"]})

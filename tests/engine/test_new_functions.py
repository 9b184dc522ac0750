"""softplus, logsumexp and softmax, added through the function table only: each is parsed,
shaped, solved, verified and printed in every layout, and its answers agree with our own finite
differences of an independent numpy evaluation."""

from __future__ import annotations

import numpy as np
import pytest
from answers.numpy_oracle import evaluate as oracle_evaluate
from oracle import arrange, finite_differences

from derive import solve

LAYOUTS = ("numerator", "denominator", "mixed")

CASES = [
    # (expression, variable, shapes, a textbook answer in denominator layout)
    ("sum(softplus(W @ x))", "W", {"W": ["m", "n"], "x": ["n"]}, "sigmoid(W @ x) @ x.T"),
    ("sum(softplus(W @ x))", "x", {"W": ["m", "n"], "x": ["n"]}, "W.T @ sigmoid(W @ x)"),
    ("y.T @ log(softmax(z))", "z", {"y": ["n"], "z": ["n"]},
     "y - softmax(z) * sum(y)"),
    ("logsumexp(W @ x)", "x", {"W": ["m", "n"], "x": ["n"]}, "W.T @ softmax(W @ x)"),
    ("logsumexp(W @ x)", "W", {"W": ["m", "n"], "x": ["n"]}, "softmax(W @ x) @ x.T"),
    ("softmax(z)", "z", {"z": ["n"]}, "diag(softmax(z)) - softmax(z) @ softmax(z).T"),
    ("softmax(W @ x)", "x", {"W": ["m", "n"], "x": ["n"]},
     "W.T @ (diag(softmax(W @ x)) - softmax(W @ x) @ softmax(W @ x).T)"),
]
IDS = [f"{expr} by {wrt}" for expr, wrt, _, _ in CASES]
SIZES = {"m": 3, "n": 4}


def _point(shapes: dict[str, list[str]], seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    values = {}
    for name, dims in shapes.items():
        rows = SIZES[dims[0]]
        cols = SIZES[dims[1]] if len(dims) == 2 else 1
        values[name] = 0.7 * rng.standard_normal((rows, cols))
    return values


@pytest.mark.parametrize(("expr", "wrt", "shapes", "textbook"), CASES, ids=IDS)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_solved_verified_and_right_in_every_layout(
    expr: str, wrt: str, shapes: dict[str, list[str]], textbook: str, layout: str
) -> None:
    solution = solve(expr, wrt, shapes=shapes, layout=layout)
    assert solution.to_dict()["verified"] is True
    assert solution.result is not None
    for seed in (1, 2):
        values = _point(shapes, seed)

        def function(value: np.ndarray, values: dict[str, np.ndarray] = values) -> np.ndarray:
            return oracle_evaluate(expr, {**values, wrt: value}, SIZES)

        full = finite_differences(function, values[wrt])
        expected = arrange(full, layout)
        assert expected is not None
        derived = oracle_evaluate(solution.result, values, SIZES)
        assert derived.shape == expected.shape
        assert np.max(np.abs(derived - expected)) <= 1e-6 * max(1.0, np.max(np.abs(expected)))
        if layout == "denominator":  # the textbook answer, independently
            book = oracle_evaluate(textbook, values, SIZES)
            assert np.max(np.abs(book - expected)) <= 1e-6 * max(1.0, np.max(np.abs(expected)))


@pytest.mark.parametrize(
    ("expr", "latex"),
    [
        ("softplus(x)", r"\operatorname{softplus}(\mathbf{x})"),
        ("softmax(x)", r"\operatorname{softmax}(\mathbf{x})"),
        ("logsumexp(x)", r"\operatorname{logsumexp}(\mathbf{x})"),
    ],
)
def test_printed_as_operators(expr: str, latex: str) -> None:
    solution = solve(expr, "x", shapes={"x": ["n"]})
    assert solution.context()["expr_latex"] == latex


@pytest.mark.parametrize("expr", ["softmax(A)", "logsumexp(A)"])
def test_softmax_and_logsumexp_take_vectors(expr: str) -> None:
    from derive import DeriveError

    with pytest.raises(DeriveError) as caught:
        solve(expr, "A", shapes={"A": ["m", "n"]})
    assert caught.value.message.endswith("takes a vector, got A (m×n)")

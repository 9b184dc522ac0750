"""The einsum index oracle on hand cases whose values are known from plain numpy or loops."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from index_oracle import IndexOracleError, evaluate_index

RNG = np.random.default_rng(20240607)
A = RNG.standard_normal((3, 4))
B = RNG.standard_normal((4, 5))
C = RNG.standard_normal((3, 4))
S = RNG.standard_normal((4, 4))
X = RNG.standard_normal((3, 1))
Y = RNG.standard_normal((4, 1))
ROW = RNG.standard_normal((1, 4))
VALUES = {"A": A, "B": B, "C": C, "S": S, "x": X, "y": Y, "r": ROW, "c": np.array([[2.5]])}
RANGES = {"i": 3, "j": 4, "k": 4, "l": 5}


def _index(text: str, free: str) -> np.ndarray:
    return evaluate_index(text, free, VALUES, RANGES)


def test_matrix_product() -> None:
    got = evaluate_index("sum(A[i,k] * B[k,l], k)", "i,l", VALUES, {})
    np.testing.assert_allclose(got, A @ B, rtol=1e-12)


def test_free_order_transposes() -> None:
    got = evaluate_index("sum(A[i,k] * B[k,l], k)", ["l", "i"], VALUES, {})
    np.testing.assert_allclose(got, (A @ B).T, rtol=1e-12)


def test_trace_and_diagonal() -> None:
    assert float(evaluate_index("sum(S[k,k], k)", [], VALUES, {})) == pytest.approx(np.trace(S))
    np.testing.assert_allclose(evaluate_index("S[k,k]", "k", VALUES, {}), np.diag(S))


def test_hadamard() -> None:
    np.testing.assert_allclose(_index("A[i,j] * C[i,j]", "i,j"), A * C, rtol=1e-12)


def test_outer_product() -> None:
    np.testing.assert_allclose(_index("x[i] * y[j]", "i,j"), X @ Y.T, rtol=1e-12)


def test_delta_collapses_a_sum() -> None:
    np.testing.assert_allclose(_index("sum(delta(j, k) * S[k,l2], k)", "j,l2"), S)
    assert float(_index("sum(delta(j, k), (j, k))", "")) == 4.0
    assert float(_index("sum(delta(j, j), j)", "")) == 4.0
    np.testing.assert_allclose(_index("delta(i, i)", "i"), np.ones(3))


def test_delta_is_an_identity_on_its_axes() -> None:
    got = evaluate_index("delta(i, i2) * y[j]", "i,j,i2", VALUES, {**RANGES, "i2": 3})
    expected = np.einsum("ab,c->acb", np.eye(3), Y[:, 0])
    np.testing.assert_allclose(got, expected)


def test_sum_over_an_unused_index_multiplies_by_its_range() -> None:
    np.testing.assert_allclose(_index("sum(x[i], l)", "i"), 5 * X[:, 0])
    np.testing.assert_allclose(_index("sum(c, (k, l))", ""), 2.5 * 4 * 5)


def test_free_index_missing_from_the_formula_broadcasts() -> None:
    np.testing.assert_allclose(_index("x[i]", "i,j"), np.tile(X, (1, 4)))
    np.testing.assert_allclose(_index("0", "i,j"), np.zeros((3, 4)))


def test_vectors_rows_and_scalars() -> None:
    np.testing.assert_allclose(_index("r[k] * y[k]", "k"), ROW[0] * Y[:, 0])
    np.testing.assert_allclose(_index("c * x[i]", "i"), 2.5 * X[:, 0])


def test_sums_and_differences_align_axes() -> None:
    got = _index("A[i,j] - C[i,j] + x[i] * y[j] - S[j,j]", "j,i")
    expected = (A - C + X @ Y.T - np.diag(S)[None, :]).T
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_functions_powers_and_division() -> None:
    got = _index("exp(x[i]) * sigmoid(y[j]) ** 2 / (1 + A[i,j] ** 2) - sqrt(c) * tanh(A[i,j])",
                 "i,j")
    sigmoid = 1 / (1 + np.exp(-Y[:, 0]))
    expected = (np.exp(X[:, 0])[:, None] * sigmoid[None, :] ** 2 / (1 + A**2)
                - np.sqrt(2.5) * np.tanh(A))
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_inverse_and_transpose_entries() -> None:
    shifted = S + 5 * np.eye(4)
    values = {"S": shifted}
    got = evaluate_index("sum(inv(S)[j,k] * S[k,l], k)", "j,l", values, {})
    np.testing.assert_allclose(got, np.eye(4), atol=1e-12)
    np.testing.assert_allclose(evaluate_index("S.T[j,k]", "j,k", values, {}), shifted.T)


def test_against_explicit_loops() -> None:
    text = "sum(A[i,k] * B[k,l] * y[k] * delta(k, j) + x[i] * S[j,k], k) * x[i] ** 2"
    got = _index(text, "i,j,l")
    expected = np.zeros((3, 4, 5))
    for i, j, col in itertools.product(range(3), range(4), range(5)):
        total = 0.0
        for k in range(4):
            total += A[i, k] * B[k, col] * Y[k, 0] * float(k == j) + X[i, 0] * S[j, k]
        expected[i, j, col] = total * X[i, 0] ** 2
    np.testing.assert_allclose(got, expected, rtol=1e-12)


@pytest.mark.parametrize(
    ("text", "free", "message"),
    [
        ("A[i,j] * B[i,l]", "i,j,l", "ranges over"),
        ("A[i,j]", "i", "neither free nor summed"),
        ("sum(A[i,j], j)", "i,j", "both free and summed"),
        ("Z[i,j]", "i,j", "unknown array"),
        ("A[i]", "i", "takes two indices"),
        ("A", "", "needs indices"),
        ("delta(i, j)", "i,j", "differ"),
        ("delta(p, q)", "p,q", "no range"),
        ("A[i,j] @ B[j,l]", "i,l", "unsupported operator"),
        ("A[i,j", "i,j", "cannot parse"),
    ],
)
def test_errors(text: str, free: str, message: str) -> None:
    with pytest.raises(IndexOracleError, match=message):
        _index(text, free)

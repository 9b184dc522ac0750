"""Prove the slip corpus itself with the numpy oracle, independently of derive.

Every case's `right` answer must equal the finite-difference derivative at three seeded random
points, and its planted `wrong` answer must have another shape or differ clearly at one of them.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from numpy_oracle import (
    LAYOUTS,
    Case,
    check_case,
    evaluate,
    finite_difference_gradient,
    load_cases,
)

CORPUS = Path(__file__).with_name("slips.yaml")
CASES = load_cases(str(CORPUS))
SEEDS = (0, 1, 2)
RIGHT_TOLERANCE = 1e-6
WRONG_MARGIN = 1e-3
MIN_PER_CLASS = 5
MIN_TOTAL = 48
SLIP_CLASSES = (
    "missing-transpose",
    "extra-transpose",
    "product-order",
    "layout-flip",
    "dropped-factor",
    "sign",
    "dropped-term",
    "abs-value",
    "symmetric-only",
)
ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def test_ids_unique_and_well_formed() -> None:
    ids = [case.id for case in CASES]
    duplicates = sorted(name for name, count in Counter(ids).items() if count > 1)
    assert not duplicates, f"duplicate ids: {duplicates}"
    bad = [name for name in ids if not ID_PATTERN.match(name)]
    assert not bad, f"ids not lower-case letters, digits and '-': {bad}"


def test_corpus_size_and_classes() -> None:
    assert len(CASES) >= MIN_TOTAL
    counts = Counter(case.slip for case in CASES)
    unknown = sorted(set(counts) - set(SLIP_CLASSES))
    assert not unknown, f"unknown slip classes: {unknown}"
    short = {name: counts[name] for name in SLIP_CLASSES if counts[name] < MIN_PER_CLASS}
    assert not short, f"classes with fewer than {MIN_PER_CLASS} cases: {short}"
    assert counts["missing-transpose"] > MIN_PER_CLASS


def test_fields() -> None:
    for case in CASES:
        assert case.layout in LAYOUTS, case.id
        assert case.wrt in case.shapes, case.id
        assert case.source.strip(), case.id
        assert case.right.strip() != case.wrong.strip(), case.id


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_right_matches_and_wrong_differs(case: Case) -> None:
    checks = [check_case(case, seed) for seed in SEEDS]
    for check in checks:
        assert check.right_shape == check.fd_shape, (
            f"right answer is {check.right_shape}, the derivative {check.fd_shape} "
            f"(seed {check.seed}, sizes {check.sizes})"
        )
        assert check.right_error <= RIGHT_TOLERANCE, (
            f"right answer off by {check.right_error:.2e} (seed {check.seed}, sizes {check.sizes})"
        )
    assert any(check.wrong_error >= WRONG_MARGIN for check in checks), (
        "the planted wrong answer matches the derivative at every point: "
        + ", ".join(f"{check.wrong_error:.2e}" for check in checks)
    )


def test_oracle_layouts_on_a_known_derivative() -> None:
    """The oracle itself: d(a^T X b)/dX = a b^T, and its layouts, on fixed numbers."""
    a = np.array([[1.0], [-2.0]])
    b = np.array([[3.0], [0.5], [-1.0]])
    x = np.arange(6.0).reshape(2, 3)
    values = {"a": a, "X": x, "b": b}
    sizes = {"m": 2, "n": 3}
    denominator = finite_difference_gradient("a.T @ X @ b", "X", values, sizes, "denominator")
    np.testing.assert_allclose(denominator, a @ b.T, rtol=1e-9, atol=1e-9)
    numerator = finite_difference_gradient("a.T @ X @ b", "X", values, sizes, "numerator")
    np.testing.assert_allclose(numerator, (a @ b.T).T, rtol=1e-9, atol=1e-9)
    w = np.array([[1.0, 2.0, 0.0], [0.0, -1.0, 4.0]])
    jac = finite_difference_gradient("W @ b", "b", {"W": w, "b": b}, sizes, "numerator")
    np.testing.assert_allclose(jac, w, rtol=1e-9, atol=1e-9)
    den = finite_difference_gradient("W @ b", "b", {"W": w, "b": b}, sizes, "denominator")
    np.testing.assert_allclose(den, w.T, rtol=1e-9, atol=1e-9)
    t = np.array([[0.3]])
    by_scalar = finite_difference_gradient("t * a", "t", {"t": t, "a": a}, sizes, "denominator")
    np.testing.assert_allclose(by_scalar, a.T, rtol=1e-9, atol=1e-9)


def test_oracle_evaluates_the_language() -> None:
    x = np.array([[1.0], [-2.0]])
    big_x = np.array([[2.0, 1.0], [0.0, 3.0]])
    values = {"x": x, "X": big_x}
    sizes = {"n": 2, "N": 4}
    assert evaluate("tr(X) + det(X) + sum(x) + norm(x)**2 + N", values, sizes)[0, 0] == (
        pytest.approx(5.0 + 6.0 - 1.0 + 5.0 + 4.0)
    )
    np.testing.assert_allclose(evaluate("inv(X) @ X", values, sizes), np.eye(2), atol=1e-12)
    np.testing.assert_allclose(evaluate("diag(x) @ ones(n)", values, sizes), x)
    np.testing.assert_allclose(evaluate("logdet(X)", values, sizes), [[np.log(6.0)]])
    np.testing.assert_allclose(evaluate("sigmoid(0 * x) + eye(n) @ x", values, sizes), x + 0.5)
    np.testing.assert_allclose(evaluate("x.T", values, sizes), x.T)

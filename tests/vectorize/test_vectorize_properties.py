"""Random index expressions: every answer verifies independently, and most are solved.

"Independently" means without derive's evaluators: the index formula is evaluated by the einsum
oracle (tests/index_oracle.py) and derive's matrix forms by the numpy oracle
(tests/answers/numpy_oracle.py).
"""

from __future__ import annotations

import numpy as np
from answers.numpy_oracle import evaluate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from index_oracle import evaluate_index

from derive import DeriveError, vectorize

DIMS = ("m", "n")
SYMBOLS = {"A": ("m", "n"), "B": ("n", "n"), "C": ("m", "m"), "u": ("m",), "v": ("n",)}
RANGE = {"i": "m", "j": "n", "k": "m", "l": "n"}
SOLVED: list[bool] = []


@st.composite
def index_expressions(draw: st.DrawFn) -> tuple[str, str]:
    """A product of 1-4 factors over i, j (free) and k, l (maybe summed), with deltas."""
    factors: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        if draw(st.integers(0, 5)) == 0:
            a = draw(st.sampled_from(sorted(RANGE)))
            b = draw(st.sampled_from([i for i in sorted(RANGE) if RANGE[i] == RANGE[a]]))
            factors.append(f"delta({a}, {b})")
            continue
        name = draw(st.sampled_from(sorted(SYMBOLS)))
        picks = [draw(st.sampled_from([i for i in sorted(RANGE) if RANGE[i] == d]))
                 for d in SYMBOLS[name]]
        factors.append(f"{name}[{','.join(picks)}]")
    body = " * ".join(factors)
    used = {i for i in RANGE if f"{i}]" in body or f"{i}," in body or f"{i})" in body}
    summed = sorted(i for i in used & {"k", "l"})
    if summed:
        target = summed[0] if len(summed) == 1 else "(" + ", ".join(summed) + ")"
        body = f"sum({body}, {target})"
    free = ",".join(i for i in ("i", "j") if i in used)
    return body, free


def _independent_check(text: str, free: str, result: str) -> None:
    """`result` (derive's matrix form) equals the einsum oracle's array of the index formula.

    Both sides are evaluated without derive's code: the index formula by tests/index_oracle.py,
    the matrix form by tests/answers/numpy_oracle.py.
    """
    rng = np.random.default_rng(12345)
    sizes = {"m": 3, "n": 5}
    values = {
        name: rng.standard_normal((sizes[dims[0]], sizes[dims[1]] if len(dims) == 2 else 1))
        for name, dims in SYMBOLS.items()
    }
    ranges = {index: sizes[dim] for index, dim in RANGE.items()}
    names = [f for f in free.split(",") if f]
    expected = evaluate_index(text, names, values, ranges)
    target = expected.reshape(expected.shape + (1,) * (2 - expected.ndim))
    got = evaluate(result, values, sizes)
    assert got.shape == target.shape, f"{result}: shape {got.shape}, expected {target.shape}"
    np.testing.assert_allclose(got, target, rtol=1e-9, atol=1e-9)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(index_expressions())
def test_every_answer_verifies(case: tuple[str, str]) -> None:
    text, free = case
    shapes = {name: list(dims) for name, dims in SYMBOLS.items() if f"{name}[" in text}
    try:
        result = vectorize(text, free, shapes=shapes)
    except DeriveError as error:
        assert "verif" not in error.message
        SOLVED.append(False)
        return
    SOLVED.append(True)
    assert result.to_dict()["verified"] is True
    _independent_check(text, free, result.result)
    for form in result.equivalent:
        _independent_check(text, free, form)


def test_most_are_solved() -> None:
    if len(SOLVED) < 50:
        test_every_answer_verifies()
    assert sum(SOLVED) >= 0.7 * len(SOLVED), f"{sum(SOLVED)} of {len(SOLVED)} solved"

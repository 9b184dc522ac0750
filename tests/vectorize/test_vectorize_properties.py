"""Random index expressions: every answer verifies independently, and most are solved."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derive import DeriveError, parse, vectorize
from derive.engine.evaluate import evaluate, evaluate_poly
from derive.vectorize.parse import parse_index

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
    shapes = {name: list(dims) for name, dims in SYMBOLS.items() if f"{name}[" in text}
    problem = parse_index(text, [f for f in free.split(",") if f], shapes)
    rng = np.random.default_rng(12345)
    sizes = {"m": 3, "n": 5}
    values = {}
    for name, (rows, cols) in problem.shapes.items():
        values[name] = rng.standard_normal((sizes.get(str(rows), 1), sizes.get(str(cols), 1)))
    expected = evaluate_poly(problem.poly, problem.free, problem.space.ranges, values, sizes)
    target = expected.reshape(expected.shape + (1,) * (2 - expected.ndim))
    got = np.broadcast_to(evaluate(parse(result), values, sizes), target.shape)
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

"""Select options and generated distractors, proved with the independent numpy oracle.

For every case of the slip corpus (tests/answers/slips.yaml) derive judges the right and the
planted wrong answer as options, and generates distractors from slips of its verified answer.
The oracle (finite differences of the expression, evaluated by its own numpy walker) decides
independently: an option is right iff it has the derivative's shape and equals it at random
points; every well-shaped distractor must differ from the derivative and from the other options,
and every ill-shaped one must be undefined or of another shape.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from answers.numpy_oracle import (
    Case,
    OracleError,
    case_rng,
    evaluate,
    finite_difference_gradient,
    load_cases,
    random_point,
    relative_error,
)

from derive.engine import Layout, derive_exercise
from derive.engine.asked import select_key
from derive.engine.slips import Wanted
from derive.problem import make_problem

CORPUS = Path(__file__).parent.parent / "answers" / "slips.yaml"
CASES = load_cases(str(CORPUS))
SEEDS = (0, 1, 2)
SAME = 1e-6
DIFFERENT = 1e-3


def _derivation(case: Case):  # type: ignore[no-untyped-def]
    problem = make_problem(case.expr, case.shapes, case.assume or None, variable=case.wrt)
    return derive_exercise(problem, case.wrt, Layout(case.layout))


def _oracle_points(case: Case) -> list[tuple[dict, dict, np.ndarray]]:
    points = []
    for seed in SEEDS:
        values, sizes = random_point(case, case_rng(case, seed))
        gradient = finite_difference_gradient(case.expr, case.wrt, values, sizes, case.layout)
        points.append((values, sizes, gradient))
    return points


def _value(text: str, values: dict, sizes: dict) -> np.ndarray | None:
    try:
        return evaluate(text, values, sizes)
    except (OracleError, ValueError):
        return None  # undefined: numpy refuses the shapes


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_options_are_judged_as_the_oracle_judges_them(case: Case) -> None:
    key = select_key(_derivation(case), [case.right, case.wrong], Wanted(0), "value", seed=1)
    verdicts = [option.verdict for option in key.options]
    assert verdicts[0] == "right", key.options[0].why
    assert verdicts[1] != "right", key.options[1].why
    points = _oracle_points(case)
    wrong = [_value(case.wrong, values, sizes) for values, sizes, _ in points]
    if verdicts[1] == "wrong_value":
        assert all(value is not None and value.shape == fd.shape
                   for value, (_, _, fd) in zip(wrong, points, strict=True))
        assert any(relative_error(value, fd) > DIFFERENT
                   for value, (_, _, fd) in zip(wrong, points, strict=True) if value is not None)
    else:
        assert any(value is None or value.shape != fd.shape
                   for value, (_, _, fd) in zip(wrong, points, strict=True))


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_generated_distractors_are_wrong_and_distinct(case: Case) -> None:
    key = select_key(_derivation(case), [case.right], Wanted(3, 1), "value", seed=7)
    generated = key.options[key.teacher_count:]
    well = [option for option in generated if option.verdict == "wrong_value"]
    ill = [option for option in generated if option.verdict != "wrong_value"]
    assert all(option.slip for option in generated)
    assert len(ill) <= 1
    points = _oracle_points(case)
    for option in well:
        for values, sizes, fd in points:
            value = _value(option.text, values, sizes)
            assert value is not None and value.shape == fd.shape, option.text
        assert any(relative_error(_value(option.text, v, s), fd) > DIFFERENT  # type: ignore[arg-type]
                   for v, s, fd in points), f"{option.text} equals the derivative"
    for first in range(len(well)):
        for second in range(first + 1, len(well)):
            assert any(
                relative_error(_value(well[first].text, v, s),  # type: ignore[arg-type]
                               _value(well[second].text, v, s)) > SAME  # type: ignore[arg-type]
                for v, s, _ in points
            ), f"{well[first].text} and {well[second].text} are the same option"
    for option in ill:
        assert option.verdict in ("ill_formed", "wrong_shape")
        values, sizes, fd = points[0]
        value = _value(option.text, values, sizes)
        assert value is None or value.shape != fd.shape, option.text


def test_most_cases_give_three_distractors() -> None:
    """The slips are varied enough that nearly every textbook answer gets three."""
    short = [case.id for case in CASES
             if select_key(_derivation(case), [], Wanted(3), "value", seed=3).shortfall]
    assert len(short) <= len(CASES) // 10, short


def test_the_same_seed_gives_the_same_distractors() -> None:
    case = next(case for case in CASES if case.id == "bilinear-outer-order")
    derivation = _derivation(case)
    texts = [[option.text for option in select_key(derivation, [], Wanted(3, 1), "value",
                                                    seed=seed).options] for seed in (5, 5, 6)]
    assert texts[0] == texts[1]
    assert len(texts[0]) == 5  # the verified answer, three well-shaped and one ill-shaped


def test_assumptions_decide_an_option() -> None:
    """2 A x is d(x^T A x)/dx only for a symmetric A (Matrix Cookbook sec. 2.4.2)."""
    options = ["2 * A @ x", "(A + A.T) @ x", "x.T @ (A + A.T)", "x @ A"]
    shapes = {"x": ["n"], "A": ["n", "n"]}
    general = derive_exercise(make_problem("x.T @ A @ x", shapes), "x")
    symmetric = derive_exercise(make_problem("x.T @ A @ x", shapes, {"A": "symmetric"}), "x")
    plain = [o.verdict for o in select_key(general, options, Wanted(0), "value", 1).options]
    assumed = [o.verdict for o in select_key(symmetric, options, Wanted(0), "value", 1).options]
    assert plain == ["wrong_value", "right", "wrong_shape", "ill_formed"]
    assert assumed == ["right", "right", "wrong_shape", "ill_formed"]
    ill = select_key(general, options, Wanted(0), "value", 1).options[3]
    assert "x (n×1)" in ill.why and "A (n×n)" in ill.why
    by_shape = select_key(general, options, Wanted(0), "shape", 1).options
    assert [o.verdict for o in by_shape] == ["right", "right", "wrong_shape", "ill_formed"]

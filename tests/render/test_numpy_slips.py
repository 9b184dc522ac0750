"""Exported numpy code against the slip corpus (tests/answers/slips.yaml), a second corpus of
textbook derivatives with answers from standard tables.

For every case and layout the exported `derivative` must equal the independent oracle's finite
differences at seeded random points, and in the case's own layout the table's `right` answer;
the exported `check` must pass it, and must flag the planted `wrong` answer put in its place.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy_export_support import argument, load_module, parameters, public

from derive import solve

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "answers"))
from numpy_oracle import (  # noqa: E402
    LAYOUTS,
    Case,
    case_rng,
    evaluate,
    finite_difference_gradient,
    load_cases,
    random_point,
)

CASES = load_cases(str(Path(__file__).resolve().parents[1] / "answers" / "slips.yaml"))
TOLERANCE = 1e-6


def _module(case: Case, layout: str) -> dict[str, Any]:
    return load_module(solve(case.expr, case.wrt, shapes=case.shapes, assume=case.assume,
                             layout=layout).to_numpy())


def _arguments(case: Case, values: dict[str, np.ndarray], names: list[str]) -> dict[str, Any]:
    return {name: argument(values[name], case.shapes[name]) for name in names}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_exported_code_matches_the_oracle_in_every_layout(case: Case) -> None:
    for layout in LAYOUTS:
        module = _module(case, layout)
        for seed in (0, 1):
            values, sizes = random_point(case, case_rng(case, seed))
            arguments = _arguments(case, values, parameters(module["derivative"]))
            expected = public(finite_difference_gradient(case.expr, case.wrt, values, sizes,
                                                         layout))
            actual = module["derivative"](**arguments)
            assert np.shape(actual) == np.shape(expected)
            scale = max(1.0, float(np.max(np.abs(expected))))
            assert float(np.max(np.abs(np.asarray(actual) - expected))) / scale < TOLERANCE
            if layout == case.layout:
                right = public(evaluate(case.right, values, sizes))
                assert np.allclose(actual, right, rtol=1e-9, atol=1e-9 * scale)
            assert module["check"](**arguments) < TOLERANCE


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_check_flags_the_planted_slip(case: Case) -> None:
    module = _module(case, case.layout)
    errors = []
    for seed in (0, 1, 2):
        values, sizes = random_point(case, case_rng(case, seed))
        arguments = _arguments(case, values, parameters(module["derivative"]))

        module["_derivative"] = _wrong_answer(case, values, sizes)
        errors.append(module["check"](**arguments))
    assert max(errors) > 1e-3


def _wrong_answer(case: Case, values: dict[str, np.ndarray], sizes: dict[str, int]) -> Any:
    """The planted wrong answer as a stand-in for the exported `derivative`."""

    def wrong(**given: Any) -> Any:
        point = {name: np.asarray(given[name], dtype=float).reshape(values[name].shape)
                 for name in values}
        return public(evaluate(case.wrong, point, sizes))

    return wrong

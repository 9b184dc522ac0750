"""Exported numpy code (`Solution.to_numpy()`, `--format numpy`) computes the right derivative.

Every golden case (tests/golden, tests/golden_chain) is exported in all three layouts, run, and
compared with finite differences of an independent oracle at general points (distinct sizes,
signed values, non-symmetric matrices); its own `check` must pass, and fail for a wrong
derivative.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from numpy_export_support import (
    argument,
    concrete_functions,
    draw_point,
    expected_derivative,
    load_module,
    oracle_value,
    parameters,
    public,
)
from oracle import relative_error

from derive import solve

TESTS = Path(__file__).resolve().parents[1]
CASES = sorted(
    [f"golden/{p.parent.name}" for p in (TESTS / "golden").glob("*/spec.yaml")]
    + [f"golden_chain/{p.parent.name}" for p in (TESTS / "golden_chain").glob("*/spec.yaml")]
)
LAYOUTS = ("numerator", "denominator", "mixed")
TOLERANCE = 1e-6


EXTRA: dict[str, dict[str, Any]] = {
    "logdet-inv": {"expr": "logdet(X) + tr(inv(X) @ A)", "wrt": "X",
                   "shapes": {"X": ["n", "n"], "A": ["n", "n"]}},
    "det": {"expr": "det(X)", "wrt": "X", "shapes": {"X": ["n", "n"]}},
    "norm-softplus": {"expr": "norm(W @ x) + sum(softplus(x))", "wrt": "x",
                      "shapes": {"W": ["m", "n"], "x": ["n"]}},
    "logsumexp": {"expr": "logsumexp(W @ x) - y.T @ W @ x", "wrt": "W",
                  "shapes": {"W": ["m", "n"], "x": ["n"], "y": ["m"]}},
    "softmax-jacobian": {"expr": "softmax(W @ x)", "wrt": "x",
                         "shapes": {"W": ["m", "n"], "x": ["n"]}},
    "trig-sqrt": {"expr": "sum(sin(x) * cos(x) + tanh(x) + exp(x / 3) + log(x) + sqrt(x))",
                  "wrt": "x", "shapes": {"x": ["n"]}},
    "diag-scalar-variable": {"expr": "t ** 2 * diag(v) @ A + (1 / N) * A", "wrt": "t",
                             "shapes": {"t": [], "v": ["N"], "A": ["N", "N"]}},
    "row-by-row": {"expr": "r @ A", "wrt": "r", "shapes": {"r": [1, "m"], "A": ["m", "n"]}},
    "matrix-by-matrix": {"expr": "A @ X @ B", "wrt": "X",
                         "shapes": {"A": ["p", "m"], "X": ["m", "n"], "B": ["n", "q"]}},
    "vector-function": {"expr": "g(W @ x)", "wrt": "W", "shapes": {"W": ["m", "n"], "x": ["n"]},
                        "functions": {"g": "vector:k"}},
    "scalar-function": {"expr": "h(X @ v) + h2(X)", "wrt": "X",
                        "shapes": {"X": ["m", "n"], "v": ["n"]},
                        "functions": {"h": "scalar", "h2": "scalar"}},
    "scalar-variable": {"expr": "exp(t * x)", "wrt": "t", "shapes": {"t": [], "x": ["n"]}},
    "scalar-by-row": {"expr": "r @ A @ r.T", "wrt": "r", "shapes": {"r": [1, "m"],
                                                                   "A": ["m", "m"]}},
    "matrix-by-vector": {"expr": "x @ w.T", "wrt": "x", "shapes": {"x": ["m"], "w": ["n"]}},
    "chain-vector-by-matrix": {"expr": "sigmoid(a)", "wrt": "W", "let": ["a = W @ x"],
                               "shapes": {"W": ["m", "n"], "x": ["n"]}},
    "chain-vector-output": {"expr": "yhat", "wrt": "x", "let": ["a = tanh(W @ x)",
                                                              "yhat = V @ a"],
                            "shapes": {"W": ["m", "n"], "V": ["p", "m"], "x": ["n"]}},
    "matrix-by-scalar": {"expr": "t * A + t ** 2 * A.T @ A", "wrt": "t",
                         "shapes": {"t": [], "A": ["m", "m"]}},
}
"""Expressions beyond the golden cases: every built-in, every declared kind, every shape pair."""

CASES += sorted(f"extra/{name}" for name in EXTRA)


def _spec(case: str) -> dict[str, Any]:
    if case.startswith("extra/"):
        return EXTRA[case.removeprefix("extra/")]
    spec: dict[str, Any] = yaml.safe_load((TESTS / case / "spec.yaml").read_text("utf-8"))
    return spec


def _export(spec: dict[str, Any], layout: str) -> str:
    return solve(spec["expr"], spec["wrt"], shapes=spec.get("shapes"),
                 assume=spec.get("assume"), layout=layout, let=spec.get("let"),
                 functions=spec.get("functions")).to_numpy()


def _point(spec: dict[str, Any], seed: int) -> tuple[dict[str, Any], dict[str, Any], Any]:
    """Oracle values, the exported functions' keyword arguments, and the concrete functions."""
    for positive in (False, True):
        values, sizes = draw_point(spec, seed, positive)
        concrete = concrete_functions(spec.get("functions") or {}, sizes)
        with np.errstate(all="ignore"):
            if np.all(np.isfinite(oracle_value(spec, values, sizes, concrete))):
                break
    shapes = spec.get("shapes") or {}
    kwargs = {name: argument(values[name], shapes[name]) for name in shapes}
    return {"values": values, "sizes": sizes}, kwargs, concrete


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("case", CASES)
def test_exported_derivative_matches_oracle(case: str, layout: str) -> None:
    spec = _spec(case)
    module = load_module(_export(spec, layout))
    for seed in (3, 4):
        point, kwargs, concrete = _point(spec, seed)
        arguments = {name: kwargs.get(name, concrete.get(name))
                     for name in parameters(module["derivative"])}
        assert all(value is not None for value in arguments.values())
        values, sizes = point["values"], point["sizes"]
        expected_value = public(oracle_value(spec, values, sizes, concrete))
        actual_value = module["value"](**arguments)
        assert np.shape(actual_value) == np.shape(expected_value)
        assert relative_error(np.asarray(actual_value), np.asarray(expected_value)) < 1e-9
        expected = public(expected_derivative(spec, values, sizes, concrete, layout))
        actual = module["derivative"](**arguments)
        assert np.shape(actual) == np.shape(expected)
        assert relative_error(np.asarray(actual), np.asarray(expected)) < TOLERANCE
        assert module["check"](**arguments) < TOLERANCE


@pytest.mark.parametrize("case", CASES)
def test_check_fails_for_a_wrong_derivative(case: str) -> None:
    spec = _spec(case)
    module = load_module(_export(spec, "denominator"))
    _, kwargs, concrete = _point(spec, 5)
    arguments = {name: kwargs.get(name, concrete.get(name))
                 for name in parameters(module["derivative"])}
    right = module["derivative"]
    module["_derivative"] = lambda **given: 1.5 * np.asarray(right(**given)) + 0.5
    assert module["check"](**arguments) > 1e-2

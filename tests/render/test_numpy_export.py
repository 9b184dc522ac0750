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


def _spec(case: str) -> dict[str, Any]:
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

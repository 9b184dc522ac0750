"""Property test of exported numpy code: random well-shaped expressions (the shared strategy of
tests/strategies.py), each solved and exported in all three layouts; the exported `derivative`
must equal finite differences of the independent numpy oracle at a general point, 3- and 4-axis
derivatives included, and `check` must agree."""

from __future__ import annotations

from typing import Any

import numpy as np
from answers.numpy_oracle import Case, OracleError, random_point
from answers.numpy_oracle import evaluate as oracle_evaluate
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from numpy_export_support import argument, load_module, parameters, public
from oracle import STEP, arrange, settled_differences
from strategies import _Builder, dim_pools

from derive import DeriveError, solve
from derive.expr.nodes import Expr
from derive.expr.unparse import unparse

LAYOUTS = ("numerator", "denominator", "mixed")
TOLERANCE = 1e-4

Shape = tuple[Any, Any]


@st.composite
def problems(draw: st.DrawFn) -> tuple[Expr, dict[str, Shape], str]:
    """(expr, shapes, wrt): a tree of depth 3-4 over symbolic dims, and one of its symbols."""
    builder = _Builder(draw, draw(dim_pools("symbolic")))
    expr = builder.build(builder.any_shape(), draw(st.integers(3, 4)))
    shapes: dict[str, Shape] = dict(sorted(builder.shapes.items()))
    assume(shapes)
    return expr, shapes, draw(st.sampled_from(sorted(shapes)))


def _dims_list(shape: Shape) -> list[Any]:
    rows, cols = shape
    if shape == (1, 1):
        return []
    return [rows] if cols == 1 else [rows, cols]


def _expected(full: np.ndarray, layout: str) -> np.ndarray:
    """Finite differences (R, C, P, Q) arranged as README's "Code export" table says."""
    arranged = arrange(full, layout)
    if arranged is not None:
        return arranged
    real = [n > 1 for n in full.shape]
    tensor = full.reshape(tuple(n for n, keep in zip(full.shape, real, strict=True) if keep))
    n_out, n_var = sum(real[:2]), sum(real[2:])
    if layout == "denominator":
        tensor = np.transpose(tensor, (*range(n_out, n_out + n_var), *range(n_out)))
    return tensor


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.integers(0, 2**32 - 1))
def test_exported_code_rechecks(problem: tuple[Expr, dict[str, Shape], str], seed: int) -> None:
    expr, shapes, wrt = problem
    text = unparse(expr)
    spec = {name: _dims_list(shape) for name, shape in shapes.items()}
    case = Case("property", "", "", spec, "denominator", text, wrt, text, text)
    try:
        values, sizes = random_point(case, np.random.default_rng(seed))
    except OracleError:
        event("skipped: no point where the expression is defined")
        return
    with np.errstate(all="ignore"):
        full = settled_differences(
            lambda value: oracle_evaluate(text, {**values, wrt: value}, sizes), values[wrt],
            TOLERANCE / 10,
        )
        function_scale = float(np.max(np.abs(oracle_evaluate(text, values, sizes))))
    if full is None:
        event("skipped: finite differences do not settle")
        return
    noise = 100 * np.finfo(float).eps * function_scale / STEP
    for layout in LAYOUTS:
        try:
            solution = solve(text, wrt, shapes=spec, layout=layout)
        except DeriveError:
            event("declined")
            return
        module = load_module(solution.to_numpy())
        arguments = {name: argument(values[name], spec[name])
                     for name in parameters(module["derivative"])}
        expected = public(_expected(full, layout))
        with np.errstate(all="ignore"):
            actual = module["derivative"](**arguments)
        assert np.shape(actual) == np.shape(expected), (text, wrt, layout)
        scale = max(1.0, float(np.max(np.abs(expected)))) if np.size(expected) else 1.0
        error = float(np.max(np.abs(np.asarray(actual) - expected))) if np.size(expected) else 0
        assert max(0.0, error - noise) / scale <= TOLERANCE, (text, wrt, layout, error)
        event("exported and rechecked" + (" (3/4 axes)" if solution.result is None else ""))

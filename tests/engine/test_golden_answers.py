"""The golden cases' standard answers, proved independently of derive, then derive against them.

Each tests/golden/<case>/spec.yaml carries an answer taken from the course notes or a standard
table (the YAML comment above it names the source), never from derive's output:

- `expected`: the derivative's matrix form in the spec's layout, in the expression language;
- `expected_entry` and `entry_indices`: for 3- and 4-axis derivatives, the entry formula in the
  index language, the output's indices first, then the variable's (`X[i,k] * delta(j, l)` with
  `[i, j, k, l]` means dY_ij/dW_kl = X_ik delta_jl).

At two seeded random points (numpy_oracle.random_point: distinct sizes per dimension name, signed
values, non-symmetric matrices unless assumed symmetric or spd, square matrices inside
inv/logdet shifted for conditioning) the tests check, with numpy_oracle's evaluator, our finite
differences (tests/oracle.py) and the einsum index oracle (tests/index_oracle.py):

(a) `expected` equals the finite-difference derivative arranged in the layout (relative 1e-6);
(b) derive's `result` equals `expected` (relative 1e-8);
(a') `expected_entry` equals the full finite-difference array, size-1 axes dropped;
(b') derive's entry formula `element`, over its `indices`, equals `expected_entry`.
Besides, derive's entry formula is checked against finite differences for every case.

Declared functions get fixed smooth stand-ins, the same in the expression, in the expected answer
and in derive's answers: an elementwise f is sin (f_prime is cos); a scalar h(E) is sum(sin(E))
(grad_h(E) is cos(E)).
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from answers.numpy_oracle import Case, case_rng, evaluate, random_point, relative_error
from index_oracle import evaluate_index
from oracle import arrange, finite_differences

from derive import solve

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
CASES = sorted(p.parent.name for p in GOLDEN.glob("*/spec.yaml"))
SEEDS = (0, 1)
FD_TOLERANCE = 1e-6
DERIVE_TOLERANCE = 1e-8

Point = tuple[dict[str, np.ndarray], dict[str, int]]


class _StandIns(ast.NodeTransformer):
    """Replace declared functions and their derivatives by the stand-ins of the docstring."""

    def __init__(self, functions: Mapping[str, str]) -> None:
        self.functions = functions

    def visit_Call(self, node: ast.Call) -> ast.expr:
        self.generic_visit(node)
        if not isinstance(node.func, ast.Name):
            return node
        name = node.func.id
        kind = self.functions.get(name)
        if kind == "elementwise":
            node.func = ast.Name("sin", ast.Load())
        elif name.endswith("_prime") and self.functions.get(name[: -len("_prime")]) == (
            "elementwise"
        ):
            node.func = ast.Name("cos", ast.Load())
        elif kind == "scalar":
            inner = ast.Call(ast.Name("sin", ast.Load()), node.args, [])
            return ast.Call(ast.Name("sum", ast.Load()), [inner], [])
        elif name.startswith("grad_") and self.functions.get(name[len("grad_"):]) == "scalar":
            node.func = ast.Name("cos", ast.Load())
        elif kind is not None or name.startswith("jac_"):
            pytest.fail(f"no stand-in for the declared function {name} ({kind})")
        return node


def _stand_in(text: str, functions: Mapping[str, str] | None) -> str:
    if not functions:
        return text
    tree = _StandIns(functions).visit(ast.parse(text.strip(), mode="eval"))
    return ast.unparse(ast.fix_missing_locations(tree))


def _spec(case: str) -> dict[str, Any]:
    spec: dict[str, Any] = yaml.safe_load(
        (GOLDEN / case / "spec.yaml").read_text(encoding="utf-8")
    )
    return spec


def _solve(spec: Mapping[str, Any]) -> dict[str, Any]:
    solution = solve(
        spec["expr"],
        spec["wrt"],
        shapes=spec.get("shapes"),
        assume=spec.get("assume"),
        layout=spec.get("layout", "denominator"),
        element=spec.get("element"),
        functions=spec.get("functions"),
        name=spec.get("name"),
    )
    data: dict[str, Any] = solution.to_dict()
    return data


def _point(case: str, spec: Mapping[str, Any], seed: int) -> Point:
    functions = spec.get("functions")
    expr = _stand_in(spec["expr"], functions)
    right = _stand_in(spec["expected"], functions) if "expected" in spec else expr
    oracle_case = Case(
        id=case,
        slip="golden",
        source="tests/golden",
        shapes={name: list(dims) for name, dims in spec["shapes"].items()},
        layout=spec.get("layout", "denominator"),
        expr=expr,
        wrt=spec["wrt"],
        right=right,
        wrong=right,
        assume=dict(spec.get("assume") or {}),
    )
    return random_point(oracle_case, case_rng(oracle_case, seed))


def _full_derivative(spec: Mapping[str, Any], point: Point) -> np.ndarray:
    """d out[R, C] / d var[P, Q] by central differences, axes (R, C, P, Q)."""
    values, sizes = point
    expr = _stand_in(spec["expr"], spec.get("functions"))
    wrt = spec["wrt"]

    def function(moved: np.ndarray) -> np.ndarray:
        return evaluate(expr, {**values, wrt: moved}, sizes)

    return finite_differences(function, values[wrt])


def _entries(full: np.ndarray) -> np.ndarray:
    """The full derivative without its size-1 axes (sizes are 2..6, so only structural ones)."""
    return full.reshape([n for n in full.shape if n != 1])


def _index_values(point: Point) -> dict[str, np.ndarray]:
    """The values, plus each dimension name as a 1 x 1 scalar (the N of `(N) ** -1`)."""
    values, sizes = point
    scalars = {name: np.array([[float(size)]]) for name, size in sizes.items()}
    return {**scalars, **values}


def _check(actual: np.ndarray, reference: np.ndarray, tolerance: float, what: str) -> None:
    error = relative_error(actual, reference)
    assert error <= tolerance, (
        f"{what}: relative error {error:.3g} (shapes {actual.shape} and {reference.shape})"
    )


def test_every_case_has_one_kind_of_answer() -> None:
    assert len(CASES) == 38
    for case in CASES:
        spec = _spec(case)
        assert ("expected" in spec) != ("expected_entry" in spec), case
        assert ("expected_entry" in spec) == ("entry_indices" in spec), case
        source = "# expected_entry:" if "expected_entry" in spec else "# expected:"
        assert source in (GOLDEN / case / "spec.yaml").read_text(encoding="utf-8"), case


@pytest.mark.parametrize("case", CASES, ids=CASES)
def test_expected_answer_matches_finite_differences(case: str) -> None:
    spec = _spec(case)
    functions = spec.get("functions")
    layout = spec.get("layout", "denominator")
    for seed in SEEDS:
        point = _point(case, spec, seed)
        full = _full_derivative(spec, point)
        matrix = arrange(full, layout)
        if "expected" in spec:
            assert matrix is not None, f"{case}: a 3- or 4-axis derivative needs expected_entry"
            expected = evaluate(_stand_in(spec["expected"], functions), *point)
            _check(expected, np.asarray(matrix), FD_TOLERANCE, f"{case} seed {seed}: (a)")
        else:
            assert matrix is None, f"{case}: a derivative with a matrix form needs expected"
            entries = _entries(full)
            indices = list(spec["entry_indices"])
            ranges = dict(zip(indices, entries.shape, strict=True))
            text = _stand_in(spec["expected_entry"], functions)
            expected = evaluate_index(text, indices, _index_values(point), ranges)
            _check(expected, entries, FD_TOLERANCE, f"{case} seed {seed}: (a')")


@pytest.mark.parametrize("case", CASES, ids=CASES)
def test_derive_answer_matches_expected(case: str) -> None:
    spec = _spec(case)
    functions = spec.get("functions")
    data = _solve(spec)
    for seed in SEEDS:
        point = _point(case, spec, seed)
        if "expected" in spec:
            assert data["result"] is not None, case
            expected = evaluate(_stand_in(spec["expected"], functions), *point)
            got = evaluate(_stand_in(data["result"], functions), *point)
            _check(got, expected, DERIVE_TOLERANCE, f"{case} seed {seed}: (b) {data['result']}")
        else:
            assert data["result"] is None, case
            entries = _entries(_full_derivative(spec, point))
            values = _index_values(point)
            ours = list(spec["entry_indices"])
            expected = evaluate_index(
                _stand_in(spec["expected_entry"], functions),
                ours,
                values,
                dict(zip(ours, entries.shape, strict=True)),
            )
            theirs = list(data["indices"])
            got = evaluate_index(
                _stand_in(data["element"], functions),
                theirs,
                values,
                dict(zip(theirs, entries.shape, strict=True)),
            )
            _check(got, expected, DERIVE_TOLERANCE, f"{case} seed {seed}: (b') {data['element']}")


@pytest.mark.parametrize("case", CASES, ids=CASES)
def test_derive_entry_formula_matches_finite_differences(case: str) -> None:
    spec = _spec(case)
    data = _solve(spec)
    indices = list(data["indices"])
    for seed in SEEDS:
        point = _point(case, spec, seed)
        entries = _entries(_full_derivative(spec, point))
        ranges = dict(zip(indices, entries.shape, strict=True))
        text = _stand_in(data["element"], spec.get("functions"))
        values = _index_values(point)
        # Intermediates derive named itself (M = X.T @ X - eye(m)) take their values at the
        # point, evaluated by the independent oracle, so the entry formula can be checked.
        for name, definition in data.get("definitions", {}).items():
            values[name] = evaluate(definition, values, point[1])
        got = evaluate_index(text, indices, values, ranges)
        _check(got, entries, FD_TOLERANCE, f"{case} seed {seed}: element {data['element']}")

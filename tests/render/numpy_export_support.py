"""An independent oracle for exported numpy code: values, finite differences, layouts.

Nothing here uses derive's evaluator or check. Values come from the ast-walking oracle of
`tests/answers/numpy_oracle.py`, extended with concrete declared functions written here; a chain
is evaluated definition by definition from its `let` text. Finite differences come from
`tests/oracle.py`, arranged by the README's layout table, and for three or four axes as the
README's "Code export" says: the output's axes, then the variable's (the variable's first in
denominator layout).
"""

from __future__ import annotations

import ast
import inspect
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "answers"))
from numpy_oracle import _Evaluator, parse  # noqa: E402
from oracle import arrange, finite_differences  # noqa: E402

Array = np.ndarray
SQUARE = ("inv(", "det(", "logdet(")


def _elementwise(c: float) -> tuple[Callable[[Any], Any], Callable[[Any], Any]]:
    return (lambda t: np.sin(t) + c * t * t / 2), (lambda t: np.cos(t) + c * t)


def _scalar(c: float) -> tuple[Callable[[Any], Any], Callable[[Any], Any]]:
    def h(a: Any) -> float:
        return float(np.sum(np.sin(a)) + c * np.sum(a) ** 2 / 2)

    def grad_h(a: Any) -> Any:
        return np.cos(a) + c * np.sum(a) * np.ones_like(np.asarray(a, dtype=float))

    return h, grad_h


def _vector(size: int, seed: int) -> tuple[Callable[[Any], Any], Callable[[Any], Any]]:
    def weights(n: int) -> Array:
        return np.random.default_rng([seed, size, n]).standard_normal((size, n)) / np.sqrt(n)

    def g(v: Any) -> Any:
        return np.tanh(weights(len(v)) @ v)

    def jac_g(v: Any) -> Any:
        w = weights(len(v))
        return (1 - np.tanh(w @ v) ** 2)[:, None] * w

    return g, jac_g


def concrete_functions(functions: Mapping[str, str], sizes: Mapping[str, int]) -> dict[str, Any]:
    """Smooth functions with their exact derivatives, under derive's names for both."""
    out: dict[str, Any] = {}
    for number, (name, kind) in enumerate(sorted(functions.items())):
        c = 0.3 + 0.2 * number
        if kind == "elementwise":
            out[name], out[f"{name}_prime"] = _elementwise(c)
        elif kind == "scalar":
            out[name], out[f"grad_{name}"] = _scalar(c)
        else:
            size = kind.split(":", 1)[1]
            count = sizes[size] if size in sizes else int(size)
            out[name], out[f"jac_{name}"] = _vector(count, number)
    return out


class _WithFunctions(_Evaluator):
    """The oracle's evaluator, calling declared functions in the public argument convention."""

    functions: Mapping[str, str] = {}
    concrete: Mapping[str, Any] = {}

    def _call(self, node: ast.Call) -> Array:
        name = node.func.id if isinstance(node.func, ast.Name) else ""
        if name not in self.functions:
            return super()._call(node)
        arg = self.run(node.args[0])
        function = self.concrete[name]
        kind = self.functions[name]
        if kind == "elementwise":
            return np.asarray(function(arg), dtype=float)
        if kind == "scalar":
            public = arg[:, 0] if arg.shape[1] == 1 and arg.shape[0] > 1 else arg
            return np.array([[function(float(arg[0, 0]) if arg.size == 1 else public)]])
        return np.asarray(function(arg[:, 0]), dtype=float).reshape(-1, 1)


def oracle_value(spec: Mapping[str, Any], values: Mapping[str, Array],
                 sizes: Mapping[str, int], concrete: Mapping[str, Any]) -> Array:
    """The expression's value (2-D), chains evaluated definition by definition."""
    evaluator = _WithFunctions(dict(values), sizes, False)
    evaluator.functions = spec.get("functions") or {}
    evaluator.concrete = concrete
    for definition in spec.get("let") or []:
        name, body = (part.strip() for part in definition.split("=", 1))
        evaluator.values[name] = evaluator.run(parse(body))  # type: ignore[index]
    return evaluator.run(parse(spec["expr"]))


def _dims(shape: Sequence[Any], sizes: Mapping[str, int]) -> tuple[int, int]:
    numbers = [sizes[d] if isinstance(d, str) else int(d) for d in shape]
    return (*numbers, 1, 1)[:2] if len(numbers) < 2 else (numbers[0], numbers[1])


def draw_point(spec: Mapping[str, Any], seed: int, positive: bool
               ) -> tuple[dict[str, Array], dict[str, int]]:
    """Distinct sizes per dimension name, signed normal values (positive when asked), general
    square matrices inside inv/det/logdet, symmetric and spd only where assumed."""
    rng = np.random.default_rng(seed)
    shapes = spec.get("shapes") or {}
    names = sorted({d for shape in shapes.values() for d in shape if isinstance(d, str)})
    for kind in (spec.get("functions") or {}).values():
        size = kind.split(":", 1)[1] if ":" in kind else ""
        if size and not size.isdigit() and size not in names:
            names.append(size)
    picked = rng.choice(np.arange(2, 2 + max(5, len(names))), size=len(names), replace=False)
    sizes = {name: int(size) for name, size in zip(names, picked, strict=True)}
    text = " ".join([spec["expr"], *(spec.get("let") or [])])
    assume = spec.get("assume") or {}
    values: dict[str, Array] = {}
    for name, shape in shapes.items():
        rows, cols = _dims(shape, sizes)
        raw = rng.uniform(0.5, 2.0, (rows, cols)) if positive else rng.standard_normal((rows,
                                                                                       cols))
        if assume.get(name) == "spd":
            raw = raw @ raw.T + rows * np.eye(rows)
        elif assume.get(name) == "symmetric":
            raw = (raw + raw.T) / 2
        if rows == cols > 1 and (any(f + name in text for f in SQUARE) or assume.get(name)
                                 in ("invertible", "symmetric")):
            raw = raw + (rows + 1) * np.eye(rows)
        values[name] = raw
    return values, sizes


def public(array: Array) -> Any:
    """A 2-D (or n-D) result in the exported convention: k×1 as 1-D, 1×1 as a float."""
    if array.ndim == 2 and array.shape == (1, 1):
        return float(array[0, 0])
    if array.ndim == 2 and array.shape[1] == 1:
        return array.reshape(-1)
    return array


def argument(value: Array, shape: Sequence[Any]) -> Any:
    """An input as numpy users pass it: a float, a 1-D column vector, a 2-D row or matrix."""
    if len(shape) == 0:
        return float(value[0, 0])
    if len(shape) == 1:
        return value.reshape(-1)
    return value


def expected_derivative(spec: Mapping[str, Any], values: Mapping[str, Array],
                        sizes: Mapping[str, int], concrete: Mapping[str, Any],
                        layout: str) -> Array:
    """The derivative from finite differences of the oracle's value, in `layout`."""
    wrt = spec["wrt"]

    def at(point: Array) -> Array:
        return oracle_value(spec, {**values, wrt: point}, sizes, concrete)

    full = finite_differences(at, values[wrt])
    arranged = arrange(full, layout)
    if arranged is not None:
        return arranged
    out_real = [n > 1 for n in full.shape[:2]]
    var_real = [n > 1 for n in full.shape[2:]]
    tensor = full.reshape(tuple(n for n, real in zip(full.shape, out_real + var_real,
                                                     strict=True) if real))
    n_out, n_var = sum(out_real), sum(var_real)
    if layout == "denominator":
        tensor = np.transpose(tensor, (*range(n_out, n_out + n_var), *range(n_out)))
    return tensor


def load_module(code: str) -> dict[str, Any]:
    """Run generated code in a fresh namespace, as `import` would."""
    namespace: dict[str, Any] = {"__name__": "exported"}
    exec(compile(code, "<exported>", "exec"), namespace)  # noqa: S102 - derive's own output
    return namespace


def parameters(function: Callable[..., Any]) -> list[str]:
    """The keyword arguments of an exported function."""
    return list(inspect.signature(function).parameters)

"""Independent re-checks for chain-rule answers (`derive.solve(..., let=[...])`).

Shared by the test_chain_*.py modules; holds no tests of its own. Nothing here uses
`derive.engine.verify`: sizes, values, the forward pass through the definitions, the finite
differences and the layout arrangement are all written here. Only `evaluate` (the tree walk that
also applies the random smooth stand-ins of declared functions) and `parse` come from derive.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from oracle import arrange, finite_differences, relative_error

from derive import parse
from derive.engine.evaluate import evaluate
from derive.problem import declare_functions

TOLERANCE = 1e-6
"""Largest accepted |answer - finite difference| / max(1, |finite difference|)."""

Shapes = Mapping[str, Sequence[object]]


def split_let(text: str) -> tuple[str, str]:
    name, body = text.split("=", 1)
    return name.strip(), body.strip()


def dims_of(shapes: Shapes, functions: Mapping[str, str] | None) -> list[str]:
    dims = {str(d) for s in shapes.values() for d in s if isinstance(d, str)}
    for kind in (functions or {}).values():
        size = kind.partition(":")[2]
        if size and not size.isdigit():
            dims.add(size)
    return sorted(dims)


def draw_point(
    shapes: Shapes, functions: Mapping[str, str] | None, seed: int, scale: float = 0.8
) -> tuple[dict[str, np.ndarray], dict[str, int]]:
    """Distinct sizes 2..9 per dimension name and normal values for every declared input."""
    rng = np.random.default_rng(seed)
    dims = dims_of(shapes, functions)
    pool = list(range(2, 10))
    rng.shuffle(pool)
    sizes = {name: pool[i] for i, name in enumerate(dims)}
    values: dict[str, np.ndarray] = {}
    for name, dims_ in shapes.items():
        full = [d if isinstance(d, int) else sizes[str(d)] for d in dims_]
        r, c = (full + [1, 1])[:2] if len(full) < 2 else full
        values[name] = scale * rng.standard_normal((int(r), int(c)))
    return values, sizes


class Chain:
    """The definitions and output of one chain, evaluated by a forward pass of our own."""

    def __init__(self, expr: str, lets: Sequence[str], functions: Mapping[str, str] | None):
        self.signatures = declare_functions(functions)
        self.functions = functions
        self.lets = [(name, parse(body, self.signatures)) for name, body in map(split_let, lets)]
        self.output = parse(expr, self.signatures)

    def parse(self, text: str):  # type: ignore[no-untyped-def]
        return parse(text, self.signatures)

    def forward(
        self, inputs: Mapping[str, np.ndarray], sizes: Mapping[str, int],
        override: Mapping[str, np.ndarray] | None = None,
    ) -> dict[str, np.ndarray]:
        """Inputs plus every intermediate; an `override` replaces one intermediate's value."""
        values = dict(inputs)
        for name, body in self.lets:
            values[name] = (override or {}).get(name)
            if values[name] is None:
                values[name] = evaluate(body, values, sizes)
        return values

    def value(self, inputs: Mapping[str, np.ndarray], sizes: Mapping[str, int],
              override: Mapping[str, np.ndarray] | None = None) -> np.ndarray:
        return evaluate(self.output, self.forward(inputs, sizes, override), sizes)

    def with_deltas(self, inputs: Mapping[str, np.ndarray], sizes: Mapping[str, int],
                    deltas: Mapping[str, str]) -> dict[str, np.ndarray]:
        """Inputs, intermediates and the δs (listed from the output backwards)."""
        values = self.forward(inputs, sizes)
        for name, text in deltas.items():
            values[name] = evaluate(self.parse(text), values, sizes)
        return values


def expected_derivative(
    chain: Chain, wrt: str, layout: str, inputs: Mapping[str, np.ndarray],
    sizes: Mapping[str, int],
) -> np.ndarray | None:
    """Our own finite differences of the whole chain by `wrt`, arranged in `layout`."""
    full = finite_differences(
        lambda v: chain.value({**inputs, wrt: v}, sizes), inputs[wrt]
    )
    return arrange(full, layout)


def assert_same_values(
    chain: Chain, first: str, second: str, inputs: Mapping[str, np.ndarray],
    sizes: Mapping[str, int], deltas: Mapping[str, str] | None = None, tolerance: float = 1e-9,
) -> None:
    """Two answer forms (they may use intermediates and δs) agree at the given point."""
    values = chain.with_deltas(inputs, sizes, deltas or {})
    a = evaluate(chain.parse(first), values, sizes)
    b = evaluate(chain.parse(second), values, sizes)
    assert a.shape == b.shape or a.size == 1 or b.size == 1, (first, second, a.shape, b.shape)
    error = relative_error(a, b)
    assert error <= tolerance, f"{first!r} != {second!r}: relative error {error:.3g}"

"""A two-layer MLP with sigmoid activations and squared loss, through named intermediates.

L = norm(W2 @ sigmoid(W1 @ x + b1) + b2 - t) ** 2 with z1 = W1 @ x + b1, a1 = sigmoid(z1),
z2 = W2 @ a1 + b2. All four gradients in all three layouts are re-checked against our own finite
differences (every returned form: substituted, with intermediates, backprop with δs), and every
δ_v is checked to be ∂L/∂v: finite differences of L with v's value replaced in the forward pass.
"""

from __future__ import annotations

import pytest
from test_chain_support import (
    Chain,
    draw_point,
    expected_derivative,
    finite_differences,
    relative_error,
)

from derive import solve
from derive.engine.evaluate import evaluate

EXPR = "norm(z2 - t) ** 2"
LETS = ["z1 = W1 @ x + b1", "a1 = sigmoid(z1)", "z2 = W2 @ a1 + b2"]
SHAPES = {"W1": ["h", "d"], "b1": ["h"], "W2": ["k", "h"], "b2": ["k"], "x": ["d"], "t": ["k"]}
LAYOUTS = ("denominator", "numerator", "mixed")
PARAMETERS = ("W1", "b1", "W2", "b2")
CASES = [(w, layout) for w in PARAMETERS for layout in LAYOUTS]
SEEDS = (1, 2)

BACKPROP = {"W1": "delta_z1 @ x.T", "b1": "delta_z1", "W2": "delta_z2 @ a1.T", "b2": "delta_z2"}
"""The textbook backprop forms in denominator layout."""


def _solve(wrt: str, layout: str):  # type: ignore[no-untyped-def]
    return solve(EXPR, wrt, shapes=SHAPES, let=LETS, layout=layout)


@pytest.mark.parametrize(("wrt", "layout"), CASES, ids=[f"{w}-{lay}" for w, lay in CASES])
def test_mlp_gradient(wrt: str, layout: str) -> None:
    data = _solve(wrt, layout).to_dict()
    assert data["verified"] is True
    chain = Chain(EXPR, LETS, None)
    deltas = data["backprop"]["deltas"]
    for seed in SEEDS:
        inputs, sizes = draw_point(SHAPES, None, seed)
        expected = expected_derivative(chain, wrt, layout, inputs, sizes)
        assert expected is not None
        values = chain.with_deltas(inputs, sizes, deltas)
        for form in (data["result"], data["result_intermediates"], data["backprop"]["result"]):
            derived = evaluate(chain.parse(form), values, sizes)
            assert derived.shape == expected.shape, (form, layout)
            assert relative_error(derived, expected) <= 1e-6, (form, layout)


@pytest.mark.parametrize("wrt", PARAMETERS)
def test_mlp_backprop_form_is_textbook(wrt: str) -> None:
    assert _solve(wrt, "denominator").to_dict()["backprop"]["result"] == BACKPROP[wrt]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_mlp_deltas_are_gradients_by_intermediates(layout: str) -> None:
    deltas = _solve("W1", layout).to_dict()["backprop"]["deltas"]
    assert set(deltas) == {"delta_z1", "delta_a1", "delta_z2"}
    chain = Chain(EXPR, LETS, None)
    for seed in SEEDS:
        inputs, sizes = draw_point(SHAPES, None, seed)
        values = chain.with_deltas(inputs, sizes, deltas)
        for name in ("z1", "a1", "z2"):
            full = finite_differences(
                lambda v, i=inputs, s=sizes, n=name: chain.value(i, s, {n: v}), values[name]
            )
            expected = full[0, 0]  # ∂L/∂v in v's shape
            actual = values[f"delta_{name}"]
            assert actual.shape == expected.shape
            assert relative_error(actual, expected) <= 1e-6, (name, deltas[f"delta_{name}"])

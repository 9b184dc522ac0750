"""A chain's 3- or 4-axis derivative lists its axes as the README's layout table says (the
variable's first in denominator layout), the same as without intermediates."""

from __future__ import annotations

import pytest

from derive import solve

SHAPES = {"W": ["m", "n"], "x": ["n"]}
EXPECTED = {
    "denominator": ["m", "n", "m"],  # ∂a/∂W: W's axes (m×n), then a's (m)
    "numerator": ["m", "m", "n"],
    "mixed": ["m", "m", "n"],
}


@pytest.mark.parametrize("layout", sorted(EXPECTED))
def test_chain_and_direct_tensor_shapes_agree(layout: str) -> None:
    direct = solve("tanh(W @ x)", "W", shapes=SHAPES, layout=layout).to_dict()
    chained = solve("a", "W", shapes=SHAPES, let=["a = tanh(W @ x)"], layout=layout).to_dict()
    assert direct["shape"] == EXPECTED[layout]
    assert chained["shape"] == EXPECTED[layout]

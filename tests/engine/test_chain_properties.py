"""Property tests of chains: random 2-4 link chains through named intermediates, every answer
re-checked independently.

A chain starts at x (a vector) and each link applies one random well-shaped step to the previous
intermediate (a weight matrix, a bias, sigmoid/tanh, a Hadamard product, an inner product, a
declared elementwise/scalar/vector function, or a combination with an earlier intermediate); the
output is the last intermediate itself or a loss of it. The variable is any input.

Each returned answer must say it is verified. The substituted `result` is parsed with the chain's
function signatures and evaluated on the inputs alone (so it must not mention an intermediate);
`result_intermediates` and the backprop form (with its δs) are evaluated after our own forward
pass. All are compared with our own finite differences of the whole chain, arranged per layout.
Declines (DeriveError) are allowed but must be a minority (`test_chain_solved_fraction`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context
from test_chain_support import Chain, draw_point, expected_derivative, relative_error

from derive import DeriveError, solve
from derive.engine.evaluate import evaluate

DIMS = ("n", "m", "p")
LAYOUTS = ("denominator", "numerator", "mixed")
Draw = Callable[[int, int], int]


def random_chain(draw: Draw) -> dict:  # type: ignore[type-arg]
    """A random chain spec: expr, wrt, shapes, let, functions, layout."""
    shapes: dict[str, list[str]] = {}
    functions: dict[str, str] = {}
    lets: list[str] = []
    kinds: dict[str, str | None] = {}  # intermediate -> its dim (None: scalar)

    def new(prefix: str, shape: list[str]) -> str:
        name = f"{prefix}{len(shapes)}"
        shapes[name] = shape
        return name

    def dim() -> str:
        return DIMS[draw(0, len(DIMS) - 1)]

    start = dim()
    shapes["x"] = [start]
    current, current_dim = "x", start
    current_scalar = False
    for k in range(1, draw(2, 4) + 1):
        name = f"u{k}"
        if not current_scalar:
            d = current_dim
            choice = draw(0, 10)
            out: str | None = d
            if choice == 0:
                out = dim()
                body = f"{new('W', [out, d])} @ {current}"
            elif choice == 1:
                body = f"sigmoid({current})"
            elif choice == 2:
                body = f"tanh({current})"
            elif choice == 3:
                functions[f"f{k}"] = "elementwise"
                body = f"f{k}({current})"
            elif choice == 4:
                body = f"{current} * {new('c', [d])}"
            elif choice == 5:
                out = dim()
                body = f"{new('W', [out, d])} @ {current} + {new('b', [out])}"
            elif choice == 6:
                out = dim()
                functions[f"g{k}"] = f"vector:{out}"
                body = f"g{k}({current})"
            elif choice == 7:
                functions[f"h{k}"] = "scalar"
                body, out = f"h{k}({current})", None
            elif choice == 8:
                body, out = f"{new('c', [d])}.T @ {current}", None
            elif choice == 9:
                body = f"{current} * {current}"
            else:
                earlier = [n for n, kd in kinds.items() if kd == d and n != current]
                body = (f"{current} + sigmoid({earlier[0]})" if earlier
                        else f"sigmoid({current}) * {current}")
        else:
            choice = draw(0, 3)
            out = None
            if choice == 0:
                out = dim()
                body = f"{current} * {new('c', [out])}"
            elif choice == 1:
                body = f"sin({current})"
            elif choice == 2:
                body = f"{current} * {current}"
            else:
                functions[f"f{k}"] = "elementwise"
                body = f"f{k}({current})"
        lets.append(f"{name} = {body}")
        kinds[name] = out
        current, current_dim, current_scalar = name, out or "", out is None
    if current_scalar:
        expr = [current, f"sin({current})"][draw(0, 1)]
    else:
        choice = draw(0, 4)
        if choice == 0:
            expr = current
        elif choice == 1:
            expr = f"sum({current})"
        elif choice == 2:
            expr = f"norm({current} - {new('t', [current_dim])}) ** 2"
        elif choice == 3:
            functions["hout"] = "scalar"
            expr = f"hout({current})"
        else:
            expr = f"{new('t', [current_dim])}.T @ {current}"
    inputs = sorted(shapes)
    wrt = inputs[draw(0, len(inputs) - 1)]
    return {"expr": expr, "wrt": wrt, "shapes": shapes, "let": lets, "functions": functions,
            "layout": LAYOUTS[draw(0, 2)]}


def recheck(spec: dict, seed: int) -> str:  # type: ignore[type-arg]
    """Solve and re-check one chain; returns 'declined' or 'rechecked'; AssertionError if wrong."""
    try:
        solution = solve(spec["expr"], spec["wrt"], shapes=spec["shapes"], let=spec["let"],
                         functions=spec["functions"], layout=spec["layout"])
    except DeriveError:
        return "declined"
    data = solution.to_dict()
    assert data["verified"] is True
    chain = Chain(spec["expr"], spec["let"], spec["functions"])
    inputs, sizes = draw_point(spec["shapes"], spec["functions"], seed)
    with np.errstate(all="raise"):
        expected = expected_derivative(chain, spec["wrt"], spec["layout"], inputs, sizes)
        if expected is None:
            assert data["result"] is None, spec
            return "rechecked (3/4 axes, no result)"
        assert data["result"] is not None, spec
        derived = evaluate(chain.parse(data["result"]), inputs, sizes)  # inputs only
        if data["result"] != "0":
            assert derived.shape == expected.shape, (spec, data["result"])
        assert relative_error(derived, expected) <= 1e-6, (spec, data["result"])
        backprop = data["backprop"] or {"deltas": {}, "result": None}
        values = chain.with_deltas(inputs, sizes, backprop["deltas"])
        for form in (data["result_intermediates"], backprop["result"]):
            if form is not None:
                value = evaluate(chain.parse(form), values, sizes)
                assert relative_error(value, expected) <= 1e-6, (spec, form)
    return "rechecked"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_chain_answers_are_right(data: st.DataObject) -> None:
    spec = random_chain(lambda lo, hi: data.draw(st.integers(lo, hi)))
    tag = recheck(spec, seed=7)
    if currently_in_test_context():
        event(tag)


def test_chain_solved_fraction() -> None:
    rng = np.random.default_rng(2024)
    tags = [recheck(random_chain(lambda lo, hi: int(rng.integers(lo, hi + 1))), seed=i)
            for i in range(80)]
    declined = tags.count("declined")
    assert declined <= len(tags) // 10, f"{declined} of {len(tags)} chains declined"


@pytest.mark.parametrize(("expr", "let", "wrt", "shapes"), [
    ("sum(a) + x.T @ x", ["a = exp(x)"], "x", {"x": ["n"]}),
    ("a * q", ["a = q * q"], "q", {"q": []}),
], ids=["vector-direct-and-through", "scalar-direct-and-through"])
def test_output_using_variable_directly_and_through_intermediate(
    expr: str, let: list[str], wrt: str, shapes: dict[str, list[str]],
) -> None:
    spec = {"expr": expr, "wrt": wrt, "shapes": shapes, "let": let, "functions": {},
            "layout": "denominator"}
    assert recheck(spec, seed=3) == "rechecked"

"""Golden chain-rule exercises from the notes: steps, Markdown and LaTeX, and the notes' answers.

Each tests/golden_chain/<case>/spec.yaml (expr, wrt, shapes, let, functions, layout) is solved;
`steps.txt`, `expected.md` and `expected.tex` must match exactly. Run with DERIVE_UPDATE_GOLDEN=1
to rewrite them, then review the git diff. Every case must also verify, render byte-identically
twice and keep TeX braces and \\begin/\\end balanced.

`notes` is the notes' answer in the expression language (it may use the intermediates' names).
It is proved equal to every form derive returns (substituted, with intermediates, backprop with
δs) at random points, and to our own finite differences of the whole chain. `per_example` (the
mini-batch cases of 001, 3.4 #5e) names a one-example network; the batch gradient must be the
mean over the columns of the per-example gradients.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from golden_support import assert_tex_balanced, compare_renderings
from test_chain_support import (
    Chain,
    assert_same_values,
    draw_point,
    expected_derivative,
    relative_error,
)

from derive import solve
from derive.engine.evaluate import evaluate

GOLDEN = Path(__file__).resolve().parents[1] / "golden_chain"
CASES = sorted(p.parent.name for p in GOLDEN.glob("*/spec.yaml"))
SEEDS = (11, 12)


def _spec(case: str) -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((GOLDEN / case / "spec.yaml").read_text(encoding="utf-8"))


def _solve(spec: dict):  # type: ignore[no-untyped-def, type-arg]
    return solve(
        spec["expr"], spec["wrt"], shapes=spec.get("shapes"), layout=spec.get("layout",
        "denominator"), let=spec["let"], functions=spec.get("functions"), name=spec.get("name"),
    )


@pytest.mark.parametrize("case", CASES, ids=CASES)
def test_chain_golden_outputs(case: str) -> None:
    compare_renderings(GOLDEN / case, _solve(_spec(case)))


@pytest.mark.parametrize("case", CASES, ids=CASES)
def test_chain_golden_verified_stable_balanced(case: str) -> None:
    spec = _spec(case)
    first, second = _solve(spec), _solve(spec)
    assert first.to_dict()["verified"] is True
    assert first.to_markdown() == second.to_markdown()
    assert first.to_latex() == second.to_latex()
    assert_tex_balanced(first.to_latex())


@pytest.mark.parametrize("case", CASES, ids=CASES)
def test_chain_golden_matches_notes(case: str) -> None:
    spec = _spec(case)
    data = _solve(spec).to_dict()
    chain = Chain(spec["expr"], spec["let"], spec.get("functions"))
    backprop = data["backprop"] or {"deltas": {}, "result": None}
    forms = [data["result"], data["result_intermediates"], backprop["result"]]
    for seed in SEEDS:
        inputs, sizes = draw_point(spec["shapes"], spec.get("functions"), seed)
        for form in forms:
            if form is not None:
                assert_same_values(chain, spec["notes"], form, inputs, sizes,
                                   backprop["deltas"])
        expected = expected_derivative(chain, spec["wrt"], spec["layout"], inputs, sizes)
        assert expected is not None
        notes = evaluate(chain.parse(spec["notes"]), chain.forward(inputs, sizes), sizes)
        assert notes.shape == expected.shape
        assert relative_error(notes, expected) <= 1e-6


PER_EXAMPLE = [c for c in CASES if "per_example" in _spec(c)]


@pytest.mark.parametrize("case", PER_EXAMPLE, ids=PER_EXAMPLE)
def test_chain_batch_gradient_is_mean_of_example_gradients(case: str) -> None:
    spec = _spec(case)
    *lets, loss = spec["per_example"]
    shapes = {"M": spec["shapes"]["M"], "N": spec["shapes"]["N"], "x": ["n"], "y": ["m"]}
    single = solve(loss, spec["wrt"], shapes=shapes, let=lets, functions=spec["functions"])
    batch_chain = Chain(spec["expr"], spec["let"], spec["functions"])
    one_chain = Chain(loss, lets, spec["functions"])
    inputs, sizes = draw_point(spec["shapes"], spec["functions"], 5)
    batch = inputs["X"].shape[1]
    losses, gradients = [], []
    for column in range(batch):
        example = {"M": inputs["M"], "N": inputs["N"], "x": inputs["X"][:, [column]],
                   "y": inputs["Y"][:, [column]]}
        losses.append(one_chain.value(example, sizes).item())
        values = one_chain.forward(example, sizes)
        gradients.append(evaluate(one_chain.parse(single.result), values, sizes))
    batch_values = batch_chain.forward(inputs, sizes)
    assert batch_chain.value(inputs, sizes).item() == pytest.approx(np.mean(losses), rel=1e-12)
    result = evaluate(batch_chain.parse(_solve(spec).result), batch_values, sizes)
    assert relative_error(result, np.mean(gradients, axis=0)) <= 1e-10

"""Embedded blocks: fences found as CommonMark does, options read, errors placed in the page."""

from __future__ import annotations

import numpy as np
import pytest
from oracle import finite_differences

from derive.errors import SpecErrors, format_diagnostic
from derive.integrations.block import BlockDefaults, solve_block
from derive.integrations.fences import find_fences, replace_fences


def test_fences_with_backticks_tildes_indentation_and_nesting() -> None:
    page = (
        "# T\n\n```derive\na: 1\n```\n\n~~~~ derive\nb: 2\n~~~~\n\n"
        "````md\n```derive\nc: 3\n```\n````\n\n  ```python\nd = 4\n  ```\n\n"
        "    ```derive\n    e: 5\n    ```\n"
    )
    fences = list(find_fences(page))
    assert [(f.first_line, f.body.strip()) for f in fences] == [
        (4, "a: 1"), (8, "b: 2"), (22, "e: 5")]
    assert fences[2].indent == "    "
    replaced = replace_fences(page, lambda fence: f"[{fence.body.strip()}]\n\nx")
    assert "[a: 1]" in replaced and "    [e: 5]\n\n    x" in replaced
    assert "```derive\nc: 3\n```" in replaced  # inside a markdown example


def test_an_unclosed_fence_runs_to_the_end_of_the_page() -> None:
    (fence,) = find_fences("```derive\nexpr: x\nwrt: x")
    assert fence.body == "expr: x\nwrt: x"


def test_block_defaults_and_own_keys() -> None:
    text = "expr: W @ x\nwrt: W\nshapes: {W: [m, n], x: [n]}\n"
    block = solve_block(text, "p.md", 1, BlockDefaults(show="answer", notation="arrow"))
    assert block.show == "answer"
    assert block.to_markdown().startswith("**Answer**")
    own = solve_block(text + "show: steps\nnotation: plain\n", "p.md", 1,
                      BlockDefaults(show="answer", notation="arrow"))
    assert own.show == "steps" and r"\mathbf" not in own.to_markdown()


def test_the_block_answer_is_the_verified_derivative() -> None:
    # Independent oracle: central differences of f(x) = sum(tanh(W x)) by x at a general point.
    block = solve_block("expr: sum(tanh(W @ x))\nwrt: x\nshapes: {W: [m, n], x: [n]}\n",
                        "p.md")
    ((_, items),) = block.solved.items
    derivation = items[0].derivation
    rng = np.random.default_rng(3)
    w, x = rng.normal(size=(3, 2)), rng.normal(size=(2, 1))
    from derive.engine.evaluate import evaluate  # noqa: PLC0415 - only this test needs it

    assert derivation.result is not None
    result = evaluate(derivation.result, {"W": w, "x": x}, {"m": 3, "n": 2})
    expected = finite_differences(lambda v: np.array([[np.sum(np.tanh(w @ v))]]), x)
    np.testing.assert_allclose(np.asarray(result).reshape(-1), expected.reshape(-1), rtol=1e-6)


@pytest.mark.parametrize(("text", "where", "message"), [
    ("- a\n- b\n", "page.md:7:1", "found a list in the block; expected one exercise"),
    ("expr: x.T @ x\nwrt: y\nshapes: {x: [n]}\n", "page.md:8:6", "'y'"),
    ("expr: x.T @ x\nwrt: x\nshapes: {x: [n]}\nlayout: up\n", "page.md:10:9", "layout"),
    ("expr: x.T @ x\nwrt: x\nshapes: {x: [n]}\nnotation: fat\n", "page.md:10:11",
     "unknown notation 'fat'; expected 'bold', 'arrow' or 'plain'"),
    ("expr: x.T @@ x\nwrt: x\nshapes: {x: [n]}\n", "page.md:7:", "expr"),
])
def test_errors_name_the_page_and_the_line_within_it(text: str, where: str, message: str) -> None:
    with pytest.raises(SpecErrors) as caught:
        solve_block(text, "page.md", 7)
    shown = "\n".join(format_diagnostic(e) for e in caught.value.errors)
    assert shown.startswith(where), shown
    assert message in shown, shown


def test_an_empty_block_is_an_error_not_a_crash() -> None:
    with pytest.raises(SpecErrors) as caught:
        solve_block("", "page.md", 3)
    assert "expected one exercise" in format_diagnostic(caught.value)

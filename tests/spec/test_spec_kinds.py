"""Chain and vectorize items in exercise specs: full diagnostics for the new keys."""
# ruff: noqa: E501  (diagnostics are compared line for line)

from __future__ import annotations

import pytest

from derive.errors import SpecErrors, format_diagnostic
from derive.spec import parse_spec
from derive.spec.model import IndexItem, Item

HEAD = "title: T\nexercises:\n"

INVALID = [
    (
        "bad-let-syntax",
        HEAD + "  - id: a\n    shapes: {x: [n]}\n    let: ['a = sigmoid(x']\n    expr: sum(a)\n    wrt: x\n",
        "ps.yaml:5:23: error: '(' is never closed\n"
        "        let: ['a = sigmoid(x']\n"
        "                          ^\n"
        "hint: add the missing ')'",
    ),
    (
        "let-not-a-definition",
        HEAD + "  - id: a\n    shapes: {x: [n]}\n    let: ['a sigmoid(x)']\n    expr: sum(a)\n    wrt: x\n",
        "ps.yaml:5:11: error: definition 1 'a sigmoid(x)' is not of the form 'name = expression'\n"
        "        let: ['a sigmoid(x)']\n"
        "              ^^^^^^^^^^^^^^\n"
        "hint: write, for example, 'a = sigmoid(M @ x)'",
    ),
    (
        "let-unknown-symbol",
        HEAD + "  - id: a\n    shapes: {M: [m, n], x: [n]}\n    let: ['a = sigmoid(M @ z)']\n    expr: sum(a)\n    wrt: x\n",
        "ps.yaml:4:25: error: shape given for 'x', which no expression of exercise 'a' uses\n"
        "        shapes: {M: [m, n], x: [n]}\n"
        "                            ^\n"
        "hint: remove it\n"
        "ps.yaml:5:26: error: cannot multiply M (m×n) by z (scalar): inner dimensions n and 1 differ\n"
        "        let: ['a = sigmoid(M @ z)']\n"
        "                             ^\n"
        "hint: to scale by a scalar use '*'\n"
        "ps.yaml:7:10: error: cannot differentiate with respect to 'x': it does not appear in 'sum(a)'\n"
        "        wrt: x\n"
        "             ^\n"
        "hint: the expression uses 'M', 'z'",
    ),
    (
        "unknown-function-kind",
        HEAD + "  - id: a\n    shapes: {x: [n]}\n    functions: {h: scalr}\n    expr: h(x)\n    wrt: x\n",
        "ps.yaml:5:20: error: unknown function kind 'scalr' for 'h'\n"
        "        functions: {h: scalr}\n"
        "                       ^^^^^\n"
        "hint: write f=elementwise, h=scalar or g=vector:m\n"
        "ps.yaml:6:11: error: unknown function 'h'\n"
        "        expr: h(x)\n"
        "              ^\n"
        "hint: the functions are tr, det, logdet, inv, norm, sum, diag, logsumexp, softmax, exp, log, sin, cos, tanh, sigmoid, softplus, sqrt, eye, ones",
    ),
    (
        "vector-function-without-size",
        HEAD + "  - id: a\n    shapes: {x: [n]}\n    functions: {g: vector}\n    expr: sum(g(x))\n    wrt: x\n",
        "ps.yaml:5:20: error: vector function 'g' needs its output size\n"
        "        functions: {g: vector}\n"
        "                       ^^^^^^\n"
        "hint: write g=vector:m (or a number, as in g=vector:4)\n"
        "ps.yaml:6:15: error: unknown function 'g'\n"
        "        expr: sum(g(x))\n"
        "                  ^\n"
        "hint: the functions are tr, det, logdet, inv, norm, sum, diag, logsumexp, softmax, exp, log, sin, cos, tanh, sigmoid, softplus, sqrt, eye, ones",
    ),
    (
        "vectorize-bad-free-index",
        HEAD + "  - id: a\n    kind: vectorize\n    shapes: {A: [m, n], B: [n, p]}\n    index: sum(A[i,k] * B[k,j], k)\n    free: [i, q]\n",
        "ps.yaml:6:29: error: index 'j' is neither free nor summed\n"
        "        index: sum(A[i,k] * B[k,j], k)\n"
        "                                ^\n"
        "hint: add it to the free indices (--free i,q,j) or sum over it: sum(..., j)",
    ),
    (
        "vectorize-free-not-a-name",
        HEAD + "  - id: a\n    kind: vectorize\n    shapes: {A: [m, n]}\n    index: A[i,j]\n    free: 'i,2'\n",
        "ps.yaml:7:11: error: invalid free index '2'\n"
        "        free: 'i,2'\n"
        "              ^^^^^\n"
        "hint: free indices are names such as i or j (--free i,j)",
    ),
    (
        "wrt-intermediate",
        HEAD + "  - id: a\n    shapes: {x: [n]}\n    let: ['a = sigmoid(x)']\n    expr: sum(a)\n    wrt: a\n",
        "ps.yaml:7:10: error: cannot differentiate with respect to the intermediate 'a'\n"
        "        wrt: a\n"
        "             ^\n"
        "hint: give 'a' a shape and drop its definition, so that it is an input",
    ),
    (
        "chain-without-let",
        HEAD + "  - id: a\n    kind: chain\n    shapes: {x: [n]}\n    expr: sum(x)\n    wrt: x\n",
        "ps.yaml:3:5: error: exercise 'a' is of kind 'chain' but has no 'let' definitions\n"
        "      - id: a\n"
        "        ^^^^^\n"
        "hint: add the definitions, e.g. 'let: [a = sigmoid(M @ x), yhat = N @ a]'",
    ),
    (
        "vectorize-name-is-a-symbol",
        HEAD + "  - id: a\n    kind: vectorize\n    shapes: {X: [n, d]}\n    index: sum(X[k,i] * X[k,j], k)\n    free: [i, j]\n    name: X\n",
        "ps.yaml:8:11: error: 'name: X' in exercise 'a' is a symbol of the index expression\n"
        "        name: X\n"
        "              ^\n"
        "hint: name the result with a new letter, such as 'R'",
    ),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in INVALID], ids=[c[0] for c in INVALID])
def test_invalid_kind_spec(text: str, expected: str) -> None:
    with pytest.raises(SpecErrors) as caught:
        parse_spec(text, "ps.yaml")
    assert format_diagnostic(caught.value) == expected


def test_valid_chain_and_vectorize_items() -> None:
    spec = parse_spec(
        HEAD
        + "  - id: net\n    shapes: {M: [p, n], x: [n]}\n    functions: {h: scalar}\n"
        "    let: ['a = sigmoid(M @ x)']\n    parts:\n"
        "      - {expr: h(a), wrt: M, answer: (grad_h(a) * a * (1 - a)) @ x.T}\n"
        "      - {expr: h(a), wrt: x}\n"
        "  - id: vec\n    kind: vectorize\n    shapes: {A: [m, n], x: [m]}\n"
        "    index: sum(A[k,i] * x[k], k)\n    free: i\n    answer: A.T @ x\n",
        "ps.yaml",
    )
    first, second = spec.exercises[0].items
    assert isinstance(first, Item) and first.kind == "chain"
    assert first.lets == ("a = sigmoid(M @ x)",) and second.lets == first.lets
    item = spec.exercises[1].items[0]
    assert isinstance(item, IndexItem) and item.free == ("i",) and item.answer == "A.T @ x"


def test_answer_symbols_are_collected_without_shapes() -> None:
    """A valid answer with ones(n) is accepted (it used to fail a shape check without shapes)."""
    spec = parse_spec(
        HEAD + "  - id: a\n    shapes: {x: [n]}\n    expr: sigmoid(x)\n    wrt: x\n"
        "    answer: diag(sigmoid(x) * (ones(n) - sigmoid(x)))\n",
        "ps.yaml",
    )
    assert spec.exercises[0].items[0].answer == "diag(sigmoid(x) * (ones(n) - sigmoid(x)))"

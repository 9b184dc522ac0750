"""The notes' reassembly examples (001 §3.3, exercise 3.4 #6-#7): index form -> matrix form."""

from __future__ import annotations

import json

import pytest

from derive import parse, vectorize

SQUARE = {"A": ["n", "n"], "B": ["n", "n"], "x": ["n"], "y": ["n"]}
RECT = {"A": ["m", "p"], "B": ["p", "q"]}

VALID = [
    ("matmul", "sum(A[i,k] * B[k,j], k)", "i,j", RECT, "A @ B"),
    ("at-b", "sum(A[k,i] * B[k,j], k)", "i,j", {"A": ["p", "m"], "B": ["p", "n"]}, "A.T @ B"),
    ("bilinear", "sum(x[i] * A[i,j] * y[j], (i, j))", "", {"A": ["m", "n"], "x": ["m"],
                                                          "y": ["n"]}, "x.T @ A @ y"),
    ("outer", "x[i] * y[j]", "i,j", {"x": ["m"], "y": ["n"]}, "x @ y.T"),
    ("trace", "sum(A[i,i], i)", "", {"A": ["n", "n"]}, "tr(A)"),
    ("delta-diag", "delta(i, j) * x[i]", "i,j", {"x": ["n"]}, "diag(x)"),
    ("hmm-forward", "b[j] * sum(alpha[k] * B[k,j], k)", "j",
     {"alpha": ["J"], "B": ["J", "J"], "b": ["J"]}, "b * (B.T @ alpha)"),
    ("hmm-backward", "sum(a[k] * beta[k] * B[j,k], k)", "j",
     {"a": ["J"], "beta": ["J"], "B": ["J", "J"]}, "B @ (a * beta)"),
    ("matvec", "sum(A[i,k] * x[k], k)", "i", {"A": ["m", "n"], "x": ["n"]}, "A @ x"),
    ("vec-mat", "sum(x[k] * A[k,j], k)", "j", {"A": ["m", "n"], "x": ["m"]}, "A.T @ x"),
    ("7a", "sum(A[i,j] * x[i] * y[i], i)", "j", SQUARE | {"B": None}, "A.T @ (x * y)"),
    ("7b", "sum(A[i,j] * x[i], i)", "j", {"A": ["n", "n"], "x": ["n"]}, "A.T @ x"),
    ("7c", "sum(A[i,j] * x[j] * y[j], j)", "i", {"A": ["n", "n"], "x": ["n"], "y": ["n"]},
     "A @ (x * y)"),
    ("7d", "sum(A[k,i] * B[k,j] * x[j], (j, k))", "i", {"A": ["n", "n"], "B": ["n", "n"],
                                                       "x": ["n"]}, "A.T @ B @ x"),
    ("7f", "sum(A[i,j] * x[i] * y[j], j)", "i", {"A": ["n", "n"], "x": ["n"], "y": ["n"]},
     "x * (A @ y)"),
    ("7h", "x[i] * y[j] * A[i,j]", "i,j", {"A": ["m", "n"], "x": ["m"], "y": ["n"]},
     "diag(x) @ A @ diag(y)"),
    ("transpose", "A[j,i]", "i,j", {"A": ["m", "n"]}, "A.T"),
    ("gram", "sum(A[i,k] * A[j,k], k)", "i,j", {"A": ["m", "n"]}, "A @ A.T"),
    ("sum-all", "sum(x[i], i)", "", {"x": ["n"]}, "sum(x)"),
    ("row-sums", "sum(A[i,j], j)", "i", {"A": ["m", "n"]}, "A @ ones(n)"),
    ("elementwise", "exp(x[i]) * y[i]", "i", {"x": ["n"], "y": ["n"]}, "exp(x) * y"),
    ("squares", "sum(x[i] ** 2, i)", "", {"x": ["n"]}, "sum(x ** 2)"),
    ("scaled", "2 * s * x[i] - y[i] / 4", "i", {"x": ["n"], "y": ["n"]}, "2 * s * x - 1 / 4 * y"),
    ("row-vector", "sum(r[k] * A[k,j], k)", "j", {"r": [1, "m"], "A": ["m", "n"]}, "A.T @ r.T"),
]


@pytest.mark.parametrize(("text", "free", "shapes", "expected"), [v[1:] for v in VALID],
                         ids=[v[0] for v in VALID])
def test_vectorize(text: str, free: str, shapes: dict[str, list[str]], expected: str) -> None:
    shapes = {k: v for k, v in shapes.items() if v is not None}
    result = vectorize(text, free, shapes=shapes)
    data = result.to_dict()
    assert data["verified"] is True
    assert result.result == expected
    parse(result.result)
    for form in result.equivalent:
        parse(form)
    assert json.loads(json.dumps(data)) == data
    assert result.to_markdown() == result.to_markdown()


def test_equivalent_forms_of_hadamard_with_outer() -> None:
    result = vectorize("x[i] * A[i,j] * y[j]", "i,j",
                       shapes={"A": ["m", "n"], "x": ["m"], "y": ["n"]})
    assert result.result == "diag(x) @ A @ diag(y)"
    assert result.equivalent == ["x @ y.T * A"]


def test_transpose_is_said() -> None:
    result = vectorize("sum(x[k] * A[k,j], k)", "j", shapes={"A": ["m", "n"], "x": ["m"]})
    answer = next(s for s in result.to_dict()["steps"] if s["kind"] == "matrix_form")
    assert "read most naturally as x.T @ A" in answer["text"]
    assert "(x.T @ A).T" in result.equivalent


def test_dict_keys_and_renderers() -> None:
    result = vectorize("sum(A[k,i] * B[k,j], k)", ["i", "j"],
                       shapes={"A": ["p", "m"], "B": ["p", "n"]})
    data = result.to_dict()
    assert list(data) == ["expr", "free", "shape", "result", "equivalent", "verified", "steps"]
    assert data["shape"] == ["m", "n"]
    assert [s["kind"] for s in data["steps"]] == [
        "free_and_summed", "reorder_factors", "recognition", "matrix_form",
        "equivalent_forms", "check"]
    assert all({"title", "text", "latex"} <= set(s) for s in data["steps"])
    tex = result.to_latex()
    assert tex.count("{") == tex.count("}")
    assert result._repr_markdown_() == result.to_markdown()
    assert "answer: A.T @ B" in result.to_text()

"""Valid exercise specs: the checked model, inheritance in parts, positions and file loading."""

from __future__ import annotations

from pathlib import Path

import pytest

from derive.engine.answers import derivative_shape
from derive.errors import ExprSyntaxError, Span, SpecError, format_diagnostic
from derive.spec import ExerciseSet, load_spec, parse_spec

PROBLEM_SET = r"""title: Problem Set 3 - Matrix derivatives
course: Introduction to Machine Learning
author: A. Teacher
layout: denominator
notation: bold
exercises:
  - id: linear-map
    title: A linear map
    prompt: Let $y = Wx$. Compute $\partial y / \partial x$.
    shapes: {W: [C, D], x: [D]}
    expr: W @ x
    wrt: x
    layout: numerator
    element: [3, 7]
    answer: W
    name: y
  - id: quadratic-form
    prompt: Let $f(x) = x^\top A x$.
    shapes: {x: [n], A: [n, n]}
    parts:
      - {expr: x.T @ A @ x, wrt: x, answer: A @ x + A.T @ x}
      - {expr: x.T @ A @ x, wrt: x, assume: {A: symmetric}, answer: 2 * A @ x}
      - expr: "x.T @ A @ x"
        wrt: A
        layout: numerator
  - id: block
    kind: derivative
    expr: |
      (1/N) * sum(log(
        sigmoid(X @ w)))
    shapes: {X: [N, D], w: [D]}
    assume: {X: []}
    wrt: w
"""


def _load() -> ExerciseSet:
    return parse_spec(PROBLEM_SET, "ps3.yaml")


def test_header_fields() -> None:
    spec = _load()
    assert (spec.file, spec.title, spec.course, spec.author) == (
        "ps3.yaml",
        "Problem Set 3 - Matrix derivatives",
        "Introduction to Machine Learning",
        "A. Teacher",
    )
    assert (spec.layout, spec.notation) == ("denominator", "bold")
    assert [exercise.id for exercise in spec.exercises] == ["linear-map", "quadratic-form", "block"]


def test_single_exercise_item() -> None:
    exercise = _load().exercises[0]
    assert (exercise.kind, exercise.title) == ("derivative", "A linear map")
    assert exercise.at.span == Span(9, 19, 7, "ps3.yaml")
    (item,) = exercise.items
    assert (item.exercise_id, item.label, item.expr, item.wrt) == ("linear-map", "", "W @ x", "x")
    assert (item.layout, item.element, item.answer, item.name) == ("numerator", (3, 7), "W", "y")
    assert item.prompt == r"Let $y = Wx$. Compute $\partial y / \partial x$."
    assert item.problem.shape == ("C", 1)
    assert dict(item.problem.shapes) == {"W": ("C", "D"), "x": ("D", 1)}
    assert item.answer_problem is not None and item.answer_problem.shape == ("C", "D")
    assert item.expr_at.span == Span(11, 16, 11, "ps3.yaml")
    assert item.expr_at.line_text == "    expr: W @ x"
    assert item.answer_at is not None and item.answer_at.span == Span(13, 14, 15, "ps3.yaml")


def test_parts_are_flattened_and_inherit() -> None:
    exercise = _load().exercises[1]
    assert exercise.prompt == r"Let $f(x) = x^\top A x$."
    assert [item.label for item in exercise.items] == ["(a)", "(b)", "(c)"]
    first, second, third = exercise.items
    assert all(item.exercise_id == "quadratic-form" for item in exercise.items)
    assert dict(first.problem.shapes) == {"A": ("n", "n"), "x": ("n", 1)}
    assert dict(first.problem.assumptions) == {}
    assert dict(second.problem.assumptions) == {"A": frozenset({"symmetric"})}
    assert (first.layout, third.layout) == ("denominator", "numerator")
    assert third.wrt == "A" and third.answer is None and third.answer_at is None
    assert third.expr_at.span.col == 16 and third.expr_at.line_text.endswith('"x.T @ A @ x"')


def test_block_scalar_expression_is_joined() -> None:
    (item,) = _load().exercises[2].items
    assert item.expr == "(1/N) * sum(log(   sigmoid(X @ w)))"
    assert item.problem.shape == (1, 1)
    assert item.expr_at.span.line == 29 and item.expr_at.span.col == 7


def test_source_spot_places_later_errors() -> None:
    item = _load().exercises[0].items[0]
    error = ExprSyntaxError("no rule for this", span=Span(5, 6), source=item.expr)
    assert format_diagnostic(item.expr_at.place(error)) == (
        "ps3.yaml:11:15: error: no rule for this\n        expr: W @ x\n                  ^"
    )


def test_load_spec_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "ps3.yaml"
    path.write_text(PROBLEM_SET, encoding="utf-8")
    spec = load_spec(path)
    assert spec.file == str(path)
    assert spec.exercises[0].items[0].expr_at.span.file == str(path)


def test_load_spec_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as caught:
        load_spec(tmp_path / "nope.yaml")
    assert format_diagnostic(caught.value) == (
        f"error: spec file '{tmp_path / 'nope.yaml'}' does not exist\n"
        "hint: check the path and the file name"
    )


def test_load_spec_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"title: caf\xe9\n")
    with pytest.raises(SpecError) as caught:
        load_spec(path)
    assert format_diagnostic(caught.value) == (
        f"error: spec file '{path}' is not UTF-8 text: byte 10 cannot be decoded\n"
        "hint: save the file with UTF-8 encoding"
    )


@pytest.mark.parametrize(
    ("text", "check"),
    [
        ("title: T\nexercises:\n  - {id: a1, expr: x, wrt: x}\n", "a1"),
        ("title: T\nexercises:\n  - {id: a, expr: 'x.T @ x', wrt: x, shapes: {x: [3]}}\n", "a"),
        ("title: T\nexercises:\n  - {id: r, expr: r @ r.T, wrt: r, shapes: {r: [1, n]}}\n", "r"),
        ("title: T\nexercises:\n  - {id: a, expr: A, wrt: A, shapes: {A: [n, n]},"
         " assume: {A: [symmetric, invertible]}}\n", "a"),
        ("title: T\nx: &s {x: [n]}\nexercises: []\n", None),
    ],
    ids=["minimal", "quoted-numeric-dim", "row-vector", "assume-list", "anchors-at-top-level"],
)  # fmt: skip
def test_small_valid_specs(text: str, check: str | None) -> None:
    if check is None:
        with pytest.raises(SpecError):
            parse_spec(text, "ps.yaml")
        return
    assert parse_spec(text, "ps.yaml").exercises[0].id == check


@pytest.mark.parametrize(
    ("output", "variable", "layout", "expected"),
    [
        ((1, 1), ("n", 1), "numerator", (1, "n")),
        ((1, 1), ("n", 1), "denominator", ("n", 1)),
        ((1, 1), ("m", "n"), "mixed", ("m", "n")),
        (("m", 1), (1, 1), "denominator", (1, "m")),
        (("m", "n"), (1, 1), "denominator", None),
        (("m", 1), ("n", 1), "mixed", ("m", "n")),
        (("m", 1), ("n", 1), "denominator", ("n", "m")),
        (("m", 1), ("m", "n"), "numerator", None),
    ],
    ids=["grad-num", "grad-den", "matrix-grad-mixed", "vec-by-scalar-den", "matrix-by-scalar-den",
         "jacobian-mixed", "jacobian-den", "three-axes"],
)  # fmt: skip
def test_derivative_shape(
    output: tuple[int | str, int | str],
    variable: tuple[int | str, int | str],
    layout: str,
    expected: tuple[int | str, int | str] | None,
) -> None:
    assert derivative_shape(output, variable, layout) == expected  # type: ignore[arg-type]

"""Lowering checked trees to SymPy matrix expressions."""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixElement

from derive.expr.parse import parse
from derive.expr.shapes import Shape
from derive.expr.to_sympy import to_sympy

SHAPES: dict[str, Shape] = {"x": ("n", 1), "A": ("n", "n"), "X": ("m", "n"), "B": (3, 3)}
n, m = sp.Symbol("n", integer=True), sp.Symbol("m", integer=True)
x, A, X = sp.MatrixSymbol("x", n, 1), sp.MatrixSymbol("A", n, n), sp.MatrixSymbol("X", m, n)


def test_symbols_become_matrix_symbols_with_their_shapes() -> None:
    assert to_sympy(parse("X"), SHAPES) == X
    assert to_sympy(parse("X"), SHAPES).shape == (m, n)
    assert to_sympy(parse("B"), SHAPES).shape == (3, 3)
    assert to_sympy(parse("c"), SHAPES) == sp.Symbol("c")


def test_quadratic_form_is_a_scalar_entry() -> None:
    lowered = to_sympy(parse("x.T @ A @ x"), SHAPES)
    assert lowered == MatrixElement(sp.MatMul(x.T, A, x), 0, 0)
    assert lowered == to_sympy(parse("x.T @ A @ x"), SHAPES)  # no fresh Dummy indices
    assert str(lowered) == "(x.T*A*x)[0, 0]"


def test_scalar_sum_of_a_product_and_a_trace() -> None:
    lowered = to_sympy(parse("x.T @ A @ x + tr(A)"), SHAPES)
    assert lowered == MatrixElement(sp.MatMul(x.T, A, x), 0, 0) + sp.Trace(A)


def test_trace_and_inverse() -> None:
    assert to_sympy(parse("tr(inv(A) @ A)"), SHAPES) == sp.Trace(sp.MatMul(sp.Inverse(A), A))
    assert to_sympy(parse("inv(A)"), SHAPES) == sp.Inverse(A)
    assert to_sympy(parse("logdet(A)"), SHAPES) == sp.log(sp.Determinant(A))


def test_lowered_expression_evaluates_to_the_numeric_value() -> None:
    lowered = to_sympy(parse("tr(B.T @ B) + 2 * sum(B)"), SHAPES)
    B = sp.MatrixSymbol("B", 3, 3)
    value = sp.Matrix(3, 3, range(1, 10))
    assert lowered.subs(B, value).doit() == sum(k * k for k in range(1, 10)) + 2 * 45


def test_scaling_hadamard_and_constants() -> None:
    assert to_sympy(parse("2 * x"), SHAPES) == 2 * x
    assert to_sympy(parse("x * x"), SHAPES) == sp.hadamard_product(x, x)
    assert to_sympy(parse("0.5"), SHAPES) == sp.Rational(1, 2)
    assert to_sympy(parse("eye(n) @ x"), SHAPES) == sp.MatMul(sp.Identity(n), x)


def test_diag_of_a_scalar_is_the_scalar() -> None:
    assert to_sympy(parse("diag(s)"), {}) == sp.Symbol("s")

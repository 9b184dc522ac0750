"""LaTeX for expressions in the three notations: bold, arrow and plain."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from strategies import expressions

from derive.expr.nodes import Expr
from derive.expr.parse import parse
from derive.expr.shapes import Shape
from derive.render.notation import Notation, dim_to_latex, name_to_latex, typeface
from derive.render.printer import number_to_latex, to_latex

SHAPES: dict[str, Shape] = {
    "x": ("n", 1),
    "y": ("n", 1),
    "r": (1, "n"),
    "A": ("n", "n"),
    "B": ("n", "n"),
    "X": ("m", "n"),
    "W1": ("n", "n"),
    "theta": ("n", 1),
    "yhat": ("n", 1),
    "c": (1, 1),
}

# (expression, bold, arrow, plain)
CASES = [
    (
        "x.T @ A @ x",
        r"\mathbf{x}^\top \mathbf{A} \mathbf{x}",
        r"\vec{x}^\top A \vec{x}",
        r"x^\top A x",
    ),
    ("A @ x + y", r"\mathbf{A} \mathbf{x} + \mathbf{y}", r"A \vec{x} + \vec{y}", r"A x + y"),
    (
        "x - (y - x)",
        r"\mathbf{x} - (\mathbf{y} - \mathbf{x})",
        r"\vec{x} - (\vec{y} - \vec{x})",
        r"x - (y - x)",
    ),
    ("-(x + y)", r"-(\mathbf{x} + \mathbf{y})", r"-(\vec{x} + \vec{y})",
     r"-(x + y)"),
    ("c * x", r"c \mathbf{x}", r"c \vec{x}", r"c x"),
    ("x * 2", r"2 \mathbf{x}", r"2 \vec{x}", r"2 x"),
    ("x * y", r"\mathbf{x} \odot \mathbf{y}", r"\vec{x} \odot \vec{y}", r"x \odot y"),
    ("x / c", r"\frac{\mathbf{x}}{c}", r"\frac{\vec{x}}{c}", r"\frac{x}{c}"),
    ("x ** 2", r"\mathbf{x}^{\circ 2}", r"\vec{x}^{\circ 2}", r"x^{\circ 2}"),
    ("c ** -1", r"c^{-1}", r"c^{-1}", r"c^{-1}"),
    ("(A @ B).T", r"(\mathbf{A} \mathbf{B})^\top", r"(A B)^\top",
     r"(A B)^\top"),
    ("inv(A)", r"\mathbf{A}^{-1}", r"A^{-1}", r"A^{-1}"),
    ("inv(A).T", r"\mathbf{A}^{-\top}", r"A^{-\top}", r"A^{-\top}"),
    ("inv(A @ B)", r"(\mathbf{A} \mathbf{B})^{-1}", r"(A B)^{-1}",
     r"(A B)^{-1}"),
    ("tr(A)", r"\operatorname{tr}(\mathbf{A})", r"\operatorname{tr}(A)",
     r"\operatorname{tr}(A)"),
    ("det(A)", r"\det(\mathbf{A})", r"\det(A)", r"\det(A)"),
    ("logdet(A)", r"\log\det(\mathbf{A})", r"\log\det(A)",
     r"\log\det(A)"),
    ("norm(x)", r"\left\lVert \mathbf{x} \right\rVert", r"\left\lVert \vec{x} \right\rVert",
     r"\left\lVert x \right\rVert"),
    ("norm(X)", r"\left\lVert \mathbf{X} \right\rVert_F", r"\left\lVert X \right\rVert_F",
     r"\left\lVert X \right\rVert_F"),
    ("sum(x)", r"\operatorname{sum}(\mathbf{x})",
     r"\operatorname{sum}(\vec{x})", r"\operatorname{sum}(x)"),
    ("diag(r)", r"\operatorname{diag}(\mathbf{r})",
     r"\operatorname{diag}(\vec{r})", r"\operatorname{diag}(r)"),
    ("exp(x)", r"\exp(\mathbf{x})", r"\exp(\vec{x})", r"\exp(x)"),
    ("log(c)", r"\log(c)", r"\log(c)", r"\log(c)"),
    ("sin(x)", r"\sin(\mathbf{x})", r"\sin(\vec{x})", r"\sin(x)"),
    ("cos(x)", r"\cos(\mathbf{x})", r"\cos(\vec{x})", r"\cos(x)"),
    ("tanh(X)", r"\tanh(\mathbf{X})", r"\tanh(X)", r"\tanh(X)"),
    ("sigmoid(x)", r"\sigma(\mathbf{x})", r"\sigma(\vec{x})",
     r"\sigma(x)"),
    ("sqrt(c)", r"\sqrt{c}", r"\sqrt{c}", r"\sqrt{c}"),
    ("eye(n)", r"\mathbf{I}_{n}", r"I_{n}", r"I_{n}"),
    ("ones(n)", r"\mathbf{1}_{n}", r"\vec{1}_{n}", r"1_{n}"),
    ("eye(3)", r"\mathbf{I}_{3}", r"I_{3}", r"I_{3}"),
    ("W1 @ theta", r"\mathbf{W}_{1} \boldsymbol{\theta}", r"W_{1} \vec{\theta}", r"W_{1} \theta"),
    ("yhat - y", r"\hat{\mathbf{y}} - \mathbf{y}", r"\vec{\hat{y}} - \vec{y}", r"\hat{y} - y"),
    ("(1/3) * c", r"\frac{1}{3} c", r"\frac{1}{3} c", r"\frac{1}{3} c"),
    ("0.5 * c", r"0.5 c", r"0.5 c", r"0.5 c"),
    ("2 * -c", r"2 (-c)", r"2 (-c)", r"2 (-c)"),
    ("-A @ x", r"-\mathbf{A} \mathbf{x}", r"-A \vec{x}", r"-A x"),
    ("A @ -x", r"\mathbf{A} (-\mathbf{x})", r"A (-\vec{x})",
     r"A (-x)"),
    ("A @ (x * y)", r"\mathbf{A} (\mathbf{x} \odot \mathbf{y})",
     r"A (\vec{x} \odot \vec{y})", r"A (x \odot y)"),
    ("(-c) ** 2", r"(-c)^{2}", r"(-c)^{2}", r"(-c)^{2}"),
    ("-c ** 2", r"-c^{2}", r"-c^{2}", r"-c^{2}"),
    ("X.T @ X", r"\mathbf{X}^\top \mathbf{X}", r"X^\top X", r"X^\top X"),
    # redundant parentheses: none around a scaled product, a Hadamard chain or a negative factor
    ("2 * (A @ x)", r"2 \mathbf{A} \mathbf{x}", r"2 A \vec{x}", r"2 A x"),
    ("-2 * (A @ x)", r"-2 \mathbf{A} \mathbf{x}", r"-2 A \vec{x}", r"-2 A x"),
    ("c * (A @ x)", r"c \mathbf{A} \mathbf{x}", r"c A \vec{x}", r"c A x"),
    ("2 * (x.T @ y) * x", r"2 (\mathbf{x}^\top \mathbf{y}) \mathbf{x}",
     r"2 (\vec{x}^\top \vec{y}) \vec{x}", r"2 (x^\top y) x"),
    ("((yhat - y) * yhat) * (1 - yhat)",
     r"(\hat{\mathbf{y}} - \mathbf{y}) \odot \hat{\mathbf{y}} \odot (1 - \hat{\mathbf{y}})",
     r"(\vec{\hat{y}} - \vec{y}) \odot \vec{\hat{y}} \odot (1 - \vec{\hat{y}})",
     r"(\hat{y} - y) \odot \hat{y} \odot (1 - \hat{y})"),
    ("(x * y) @ r", r"(\mathbf{x} \odot \mathbf{y}) \mathbf{r}",
     r"(\vec{x} \odot \vec{y}) \vec{r}", r"(x \odot y) r"),
    ("2 * (x * y)", r"2 (\mathbf{x} \odot \mathbf{y})",
     r"2 (\vec{x} \odot \vec{y})", r"2 (x \odot y)"),
    ("y + -2 * x", r"\mathbf{y} - 2 \mathbf{x}", r"\vec{y} - 2 \vec{x}", r"y - 2 x"),
    ("x - -2 * y", r"\mathbf{x} - (-2 \mathbf{y})",
     r"\vec{x} - (-2 \vec{y})", r"x - (-2 y)"),
    # no gap after a function's name; \left only around a tall argument
    ("sigmoid(A @ x)", r"\sigma(\mathbf{A} \mathbf{x})", r"\sigma(A \vec{x})", r"\sigma(A x)"),
    ("exp(x / c)", r"\exp\mathopen{}\left(\frac{\mathbf{x}}{c}\right)\mathclose{}",
     r"\exp\mathopen{}\left(\frac{\vec{x}}{c}\right)\mathclose{}",
     r"\exp\mathopen{}\left(\frac{x}{c}\right)\mathclose{}"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "bold", "arrow", "plain"), CASES, ids=[case[0] for case in CASES])
def test_to_latex(text: str, bold: str, arrow: str, plain: str) -> None:
    expr = parse(text)
    assert to_latex(expr, SHAPES) == bold
    assert to_latex(expr, SHAPES, Notation.BOLD) == bold
    assert to_latex(expr, SHAPES, Notation.ARROW) == arrow
    assert to_latex(expr, SHAPES, Notation.PLAIN) == plain


NAMES = [
    ("x", "x"),
    ("theta", r"\theta"),
    ("Sigma", r"\Sigma"),
    ("W1", "W_{1}"),
    ("x_12", "x_{12}"),
    ("yhat", r"\hat{y}"),
    ("xbar", r"\bar{x}"),
    ("loss", r"\mathrm{loss}"),
    ("my_var", r"\mathrm{my}_{\mathrm{var}}"),
    ("_x", r"\mathrm{\_x}"),
]


@pytest.mark.parametrize(("name", "latex"), NAMES, ids=[name for name, _ in NAMES])
def test_name_to_latex(name: str, latex: str) -> None:
    assert name_to_latex(name) == latex


@pytest.mark.parametrize(
    ("kind", "notation", "latex"),
    [
        ("scalar", Notation.BOLD, "W_{1}"),
        ("matrix", Notation.BOLD, r"\mathbf{W}_{1}"),
        ("column vector", Notation.ARROW, r"\vec{W}_{1}"),
        ("matrix", Notation.ARROW, "W_{1}"),
        ("row vector", Notation.PLAIN, "W_{1}"),
    ],
    ids=["scalar", "bold-matrix", "arrow-vector", "arrow-matrix", "plain"],
)
def test_typeface(kind: str, notation: Notation, latex: str) -> None:
    assert typeface("W_{1}", kind, notation) == latex


def test_dim_and_number_latex() -> None:
    assert dim_to_latex(3) == "3"
    assert dim_to_latex("alpha") == r"\alpha"
    assert number_to_latex(Fraction(-2, 3)) == r"-\frac{2}{3}"
    assert number_to_latex(Fraction(-5, 2)) == "-2.5"


def _balanced(latex: str) -> bool:
    depth = 0
    for char in latex:
        depth += char == "{"
        depth -= char == "}"
        if depth < 0:
            return False
    return depth == 0 and latex.count(r"\left") == latex.count(r"\right")


@given(expressions(max_depth=4))
def test_latex_braces_balance_in_every_notation(pair: tuple[Expr, dict[str, Shape]]) -> None:
    expr, shapes = pair
    for notation in Notation:
        latex = to_latex(expr, shapes, notation)
        assert latex and _balanced(latex), latex

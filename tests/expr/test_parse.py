"""The parser: valid text to trees, spans, and the `parse(unparse(e)) == e` round trip."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from strategies import expressions

from derive.errors import Span
from derive.expr.functions import FUNCTIONS
from derive.expr.limits import MAX_DEPTH, MAX_LENGTH
from derive.expr.nodes import (
    Add,
    Call,
    Div,
    Identity,
    MatMul,
    Mul,
    Neg,
    Number,
    Ones,
    Pow,
    Sub,
    Symbol,
    Transpose,
    extent,
    symbols_in,
)
from derive.expr.parse import is_elementwise, parse
from derive.expr.unparse import unparse

x, y, A, B = Symbol("x"), Symbol("y"), Symbol("A"), Symbol("B")


def num(value: int | str) -> Number:
    return Number(Fraction(value))


VALID = [
    ("x", x),
    ("x + y", Add(x, y)),
    ("x - y", Sub(x, y)),
    ("x * y", Mul(x, y)),
    ("x / 2", Div(x, num(2))),
    ("x ** 2", Pow(x, num(2))),
    ("A @ x", MatMul(A, x)),
    ("x.T", Transpose(x)),
    ("-x", Neg(x)),
    ("+x", x),
    ("x.T @ A @ x", MatMul(MatMul(Transpose(x), A), x)),
    ("x.T @ (A @ x)", MatMul(Transpose(x), MatMul(A, x))),
    ("x + y * 2", Add(x, Mul(y, num(2)))),
    ("(x + y) * 2", Mul(Add(x, y), num(2))),
    ("x - y - x", Sub(Sub(x, y), x)),
    ("x - (y - x)", Sub(x, Sub(y, x))),
    ("-x ** 2", Neg(Pow(x, num(2)))),
    ("(-x) ** 2", Pow(Neg(x), num(2))),
    ("x ** -1", Pow(x, Neg(num(1)))),
    ("x ** 0.5", Pow(x, num("0.5"))),
    ("A.T.T", Transpose(Transpose(A))),
    ("(A @ B).T", Transpose(MatMul(A, B))),
    ("-A @ x", MatMul(Neg(A), x)),
    ("0.1", num("1/10")),
    ("2.50", num("5/2")),
    ("1_000", num(1000)),
    ("1e3", num(1000)),
    ("1e-2", num("1/100")),
    ("eye(n)", Identity("n")),
    ("eye(3)", Identity(3)),
    ("ones(m)", Ones("m")),
    ("ones(1)", Ones(1)),
    ("  x\t".replace("\t", " "), x),
    ("W1 @ theta", MatMul(Symbol("W1"), Symbol("theta"))),
    ("tr(inv(A) @ B)", Call("tr", (MatMul(Call("inv", (A,)), B),))),
]


@pytest.mark.parametrize(("text", "expected"), VALID, ids=[text for text, _ in VALID])
def test_parse_valid(text: str, expected: object) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize("func", FUNCTIONS)
def test_parse_every_function(func: str) -> None:
    assert parse(f"{func}(x)") == Call(func, (x,))


def test_is_elementwise() -> None:
    assert is_elementwise("exp") and is_elementwise("sigmoid")
    assert not is_elementwise("tr") and not is_elementwise("inv")


def test_decimals_are_exact() -> None:
    number = parse("0.1")
    assert isinstance(number, Number)
    assert number.value == Fraction(1, 10)


def test_spacing_and_redundant_parentheses_do_not_change_the_tree() -> None:
    assert parse("((x.T)@(A@x))") == parse("x.T @ (A @ x)")


SPANS = [
    ("x", Span(1, 2)),
    ("A @ x", Span(3, 4)),
    ("x.T @ A ** 2", Span(5, 6)),
    ("x  +  y", Span(4, 5)),
    ("(x)*(y)", Span(4, 5)),
    ("x ** 2", Span(3, 5)),
    ("tr(A)", Span(1, 6)),
    ("x.T", Span(1, 4)),
]


@pytest.mark.parametrize(("text", "span"), SPANS, ids=[text for text, _ in SPANS])
def test_spans_point_at_symbol_call_or_operator(text: str, span: Span) -> None:
    assert parse(text).span == span


def test_extent_covers_whole_binary_expression() -> None:
    assert extent(parse("x.T @ A + y")) == Span(1, 12)
    assert extent(parse("-x")) == Span(1, 3)


def test_spans_do_not_affect_equality() -> None:
    assert Symbol("x", Span(1, 2)) == Symbol("x", Span(7, 8))
    assert hash(Symbol("x", Span(1, 2))) == hash(Symbol("x"))


def test_symbols_in() -> None:
    assert symbols_in(parse("x.T @ A @ x + tr(eye(n)) * c")) == {"x", "A", "c"}


def test_nesting_at_the_depth_limit_parses() -> None:
    text = "(" * (MAX_DEPTH - 1) + "x" + ")" * (MAX_DEPTH - 1)
    assert parse(text) == x


def test_expression_at_the_length_limit_parses() -> None:
    text = "x" * MAX_LENGTH
    assert parse(text) == Symbol(text)


@settings(max_examples=300)
@given(expressions(max_depth=5))
def test_round_trip(pair: tuple[object, dict[str, object]]) -> None:
    expr, _ = pair
    text = unparse(expr)  # type: ignore[arg-type]
    assert parse(text) == expr
    assert unparse(parse(text)) == text
